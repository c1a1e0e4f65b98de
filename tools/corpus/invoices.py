# SPDX-License-Identifier: GPL-3.0-or-later
"""Invoices: A4/Letter business invoices, credit notes and prepayment invoices."""

import datetime

from .layout import Layout
from .world import BRAND_WORDS, COUNTRIES, DE_PLACES, FIRST, FR_PLACES, MONTHS, Money, _digits, _letters, address, bic, company, date_kind_for, doc_number, email, fmt_date, fmt_num, iban, person, phone, pick, rand_date, tax_id, web
from .prose import expand
from .goods import INVOICE_ITEMS, T, UNITS, item_name, lang_of, weighted

INVOICE_COUNTRIES = [("DE", 26), ("US", 15), ("UK", 12), ("FR", 11), ("AT", 4), ("CH", 5), ("NL", 5), ("BE", 3),
                     ("MY", 5), ("SG", 4), ("AU", 3), ("IN", 3), ("IE", 2), ("CA", 2)]

INV_LABELS = {
    "en": dict(title=["INVOICE", "Invoice", "TAX INVOICE", "Tax Invoice", "Commercial Invoice", "PROFORMA INVOICE", "Sales Invoice", "Invoice"],
               credit=["CREDIT NOTE", "Credit Note", "Credit Memo"],
               no=["Invoice No.", "Invoice Number", "Invoice #", "Invoice no:", "Inv. No."], date=["Invoice Date", "Date", "Date of issue", "Invoice date"],
               due=["Due Date", "Payment Due", "Due", "Due date"], cust=["Customer No.", "Customer ID", "Account No.", "Client ID", "Customer Number"],
               order=["Order No.", "PO Number", "Your Order", "Purchase Order", "P.O. #", "Reference"], deliv=["Delivery Date", "Ship Date", "Service Period", "Shipped Via"],
               billto=["Bill To", "Invoice To", "BILL TO:", "Customer", "Sold To", "Billed To"], shipto=["Ship To", "Deliver To", "Delivery Address"],
               cols=[["Description", "Qty", "Unit Price", "Amount"], ["Item", "Description", "Quantity", "Rate", "Total"], ["#", "Product", "Qty", "Price", "Line Total"],
                     ["Pos", "Article", "Description", "Qty", "Unit", "Price", "Amount"], ["Description", "Hours", "Rate", "Amount"], ["Qty", "Item Code", "Description", "Unit Price", "Ext. Price"]],
               sub=["Subtotal", "Sub-total", "Net Total", "Total excl. VAT", "Net amount"], total=["Total", "TOTAL", "Amount Due", "Total Due", "Balance Due", "Invoice Total", "Grand Total", "Total incl. VAT"],
               paid=["Amount Paid", "Payments/Credits", "Paid"], ship=["Shipping", "Freight", "Delivery", "Shipping & Handling"], disc=["Discount", "Less discount"],
               terms=["Payment terms: {d} days net.", "Payment is due within {d} days of the invoice date.", "Please pay within {d} days.",
                      "Terms: Net {d}", "Please quote the invoice number with your payment.", "Thank you for your business!",
                      "Make all checks payable to {co}.", "A late fee of 1.5% per month will be charged on overdue balances.",
                      "Goods remain our property until paid in full.", "Questions about this invoice: {person}, {phone}.",
                      "Reverse charge: VAT to be accounted for by the recipient.", "Payment by bank transfer to the account below."],
               bank=["Bank details", "Payment details", "Remit to", "Banking information"], intro=["Thank you for your order. We are pleased to invoice the following:", "For services rendered:", "", "", ""],
               page="Page {p} of {n}", carried="Carried forward"),
    "de": dict(title=["Rechnung", "RECHNUNG", "Rechnung", "Abschlagsrechnung", "Schlussrechnung", "Proforma-Rechnung"], credit=["Gutschrift", "Rechnungskorrektur", "Stornorechnung"],
               no=["Rechnungsnummer", "Rechnungs-Nr.", "Rechnung Nr.", "Beleg-Nr."], date=["Rechnungsdatum", "Datum", "Belegdatum"],
               due=["Fällig am", "Zahlbar bis", "Fälligkeit"], cust=["Kundennummer", "Kunden-Nr.", "Kd.-Nr."], order=["Auftragsnummer", "Bestellnummer", "Ihre Bestellung", "Auftrag", "Ihr Zeichen"],
               deliv=["Lieferdatum", "Leistungsdatum", "Leistungszeitraum", "Lieferschein-Nr."], billto=["Rechnungsempfänger", "Rechnungsadresse", "Kunde", ""], shipto=["Lieferadresse", "Lieferanschrift"],
               cols=[["Pos.", "Bezeichnung", "Menge", "Einheit", "Einzelpreis", "Gesamtpreis"], ["Pos", "Art.-Nr.", "Beschreibung", "Menge", "E-Preis", "Betrag"],
                     ["Leistung", "Menge", "Preis", "Summe"], ["Pos.", "Artikel", "Anzahl", "Preis netto", "MwSt.", "Gesamt"]],
               sub=["Nettobetrag", "Summe netto", "Zwischensumme", "Gesamt netto", "Warenwert"], total=["Rechnungsbetrag", "Gesamtbetrag", "Bruttobetrag", "Gesamtsumme", "Zu zahlender Betrag", "Endbetrag"],
               paid=["Bereits bezahlt", "Abschlagszahlung"], ship=["Versandkosten", "Fracht", "Porto und Verpackung"], disc=["Rabatt", "Nachlass"],
               terms=["Zahlbar innerhalb von {d} Tagen ohne Abzug.", "Bitte überweisen Sie den Betrag bis zum {due} auf das unten genannte Konto.",
                      "Bei Zahlung innerhalb von 10 Tagen gewähren wir 2 % Skonto.", "Vielen Dank für Ihren Auftrag!", "Die Leistung wurde im {month} {year} erbracht.",
                      "Es gelten unsere Allgemeinen Geschäftsbedingungen.", "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).",
                      "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet.", "Bitte geben Sie bei Zahlung die Rechnungsnummer an.", "Die Ware bleibt bis zur vollständigen Bezahlung unser Eigentum."],
               bank=["Bankverbindung", "Zahlungsinformationen", "Konto"], intro=["Vielen Dank für Ihren Auftrag. Wir berechnen Ihnen wie folgt:", "Sehr geehrte Damen und Herren, für unsere Leistungen erlauben wir uns zu berechnen:", "", ""],
               page="Seite {p} von {n}", carried="Übertrag"),
    "fr": dict(title=["FACTURE", "Facture", "Facture", "Facture d'acompte", "Facture proforma"], credit=["Avoir", "AVOIR", "Facture d'avoir"],
               no=["Facture N°", "N° de facture", "Numéro", "Réf. facture"], date=["Date de facture", "Date", "Date d'émission"], due=["Échéance", "Date d'échéance", "A régler avant le"],
               cust=["N° client", "Code client", "Client N°"], order=["Commande N°", "Votre commande", "Bon de commande", "Réf. commande"], deliv=["Date de livraison", "Période", "Bon de livraison"],
               billto=["Facturé à", "Client", "Adresse de facturation", "Destinataire"], shipto=["Livré à", "Adresse de livraison"],
               cols=[["Désignation", "Qté", "P.U. HT", "Montant HT"], ["Réf.", "Désignation", "Quantité", "Prix unitaire", "TVA", "Total HT"], ["Description", "Qté", "Prix", "Total"]],
               sub=["Total HT", "Montant HT", "Sous-total"], total=["Total TTC", "Net à payer", "Montant TTC", "TOTAL TTC", "Reste à payer"], paid=["Acompte versé", "Déjà réglé"],
               ship=["Frais de port", "Livraison"], disc=["Remise", "Escompte"],
               terms=["Paiement à {d} jours date de facture.", "Conditions de paiement : à réception.", "Pas d'escompte pour paiement anticipé.",
                      "En cas de retard de paiement, une indemnité forfaitaire de 40 € pour frais de recouvrement sera exigée.", "TVA non applicable, art. 293 B du CGI.",
                      "Merci de votre confiance.", "Règlement par virement bancaire.", "Autoliquidation de la TVA."],
               bank=["Coordonnées bancaires", "RIB", "Règlement"], intro=["Nous vous remercions de votre commande.", "", ""], page="Page {p}/{n}", carried="Report"),
    "ms": dict(title=["INVOIS", "Invois", "INVOIS CUKAI", "TAX INVOICE / INVOIS CUKAI", "Bil"], credit=["NOTA KREDIT", "Nota Kredit"],
               no=["No. Invois", "No Invois", "Nombor Invois", "No. Bil"], date=["Tarikh", "Tarikh Invois"], due=["Tarikh Akhir Bayaran", "Tarikh Matang"],
               cust=["No. Akaun", "Kod Pelanggan"], order=["No. Pesanan", "Rujukan"], deliv=["Tarikh Penghantaran"], billto=["Kepada", "Bil Kepada", "Pelanggan"],
               shipto=["Hantar Kepada"], cols=[["Perihal", "Kuantiti", "Harga Seunit", "Jumlah"], ["Bil", "Keterangan", "Kuantiti", "Harga", "Amaun"]],
               sub=["Jumlah Kecil", "Jumlah Sebelum Cukai"], total=["Jumlah Besar", "JUMLAH", "Jumlah Perlu Dibayar", "Jumlah Keseluruhan"], paid=["Telah Dibayar", "Bayaran Pendahuluan"],
               ship=["Caj Penghantaran"], disc=["Diskaun"],
               terms=["Bayaran hendaklah dibuat dalam tempoh {d} hari.", "Sila nyatakan nombor invois semasa membuat bayaran.", "Terima kasih atas urusan anda.",
                      "Cek hendaklah dipalang dan dibayar kepada {co}.", "Barang yang telah dijual tidak boleh dikembalikan."],
               bank=["Maklumat Bank", "Butiran Bayaran"], intro=["", ""], page="Muka surat {p} / {n}", carried="Bawa ke hadapan"),
    "nl": dict(title=["FACTUUR", "Factuur"], credit=["Creditnota", "CREDITFACTUUR"], no=["Factuurnummer", "Factuurnr."], date=["Factuurdatum", "Datum"], due=["Vervaldatum"],
               cust=["Klantnummer"], order=["Ordernummer", "Uw referentie"], deliv=["Leverdatum"], billto=["Factuuradres", "Aan"], shipto=["Afleveradres"],
               cols=[["Omschrijving", "Aantal", "Prijs", "Bedrag"], ["Artikel", "Omschrijving", "Aantal", "Stukprijs", "Totaal"]], sub=["Subtotaal", "Totaal excl. BTW"],
               total=["Totaal", "Te betalen", "Totaal incl. BTW"], paid=["Betaald"], ship=["Verzendkosten"], disc=["Korting"],
               terms=["Gelieve binnen {d} dagen te betalen.", "Betaling binnen {d} dagen na factuurdatum o.v.v. het factuurnummer.", "Bedankt voor uw bestelling."],
               bank=["Bankgegevens"], intro=["", ""], page="Pagina {p} van {n}", carried="Transport"),
}


# Titles that carry the number (and sometimes the date) with no "No." label in front of it.
TITLE_WITH_NUMBER = {
    "en": ["{t} # {no}", "{t} {no}", "{t} #{no} dated {date}", "{t} {no} of {date}", "{t}: {no}"],
    "de": ["{t} # {no} von {date}", "{t} {no}", "{t} {no} vom {date}", "{t} Nr. {no} vom {date}", "{t} {no}"],
    "fr": ["{t} {no}", "{t} n° {no} du {date}", "{t} {no} du {date}", "{t} # {no}"],
    "ms": ["{t} {no}", "{t} # {no}", "{t} {no} bertarikh {date}"],
    "nl": ["{t} {no}", "{t} {no} d.d. {date}"],
}
# How a one-line return address above the address window separates its parts.
RETURN_SEPARATORS = [" · ", " - ", ", ", " | ", " • ", " – "]


def vat_id_value(printed):
    """The id in a printed tax-id line, without its label: "USt-ID: DE 123 456 789" ->
    "DE 123 456 789", "GST/HST No. 594592376RT0001" -> "594592376RT0001"."""
    tokens = printed.split(" ")
    for i, tok in enumerate(tokens):
        if any(c.isdigit() for c in tok):
            if i > 0 and len(tokens[i - 1]) == 2 and tokens[i - 1].isalpha() and tokens[i - 1].isupper():
                i -= 1  # a country prefix printed apart: "DE 123 456 789"
            value = " ".join(tokens[i:])
            return value[:-len(" MWST")] if value.endswith(" MWST") else value
    return printed


def _fill(rng, s, **kw):
    for k, v in kw.items():
        s = s.replace("{%s}" % k, str(v))
    return s


def footer_lines(rng, country, lang, seller, addr, tel, mail):
    parts = [seller + " · " + ", ".join(addr[:2])] if rng.random() < 0.6 else [seller, ", ".join(addr)]
    if lang == "de":
        parts.append("Geschäftsführer: %s · Amtsgericht %s HRB %s · %s" % (person(rng, "de"), pick(rng, DE_PLACES), _digits(rng, 5), tax_id(rng, country)))
    elif lang == "fr":
        parts.append("%s au capital de %s € · RCS %s %s · %s" % (rng.choice(["SARL", "SAS", "SA"]), fmt_num(rng.choice([1000, 5000, 10000, 50000, 150000]), "fr", 0), pick(rng, FR_PLACES), _digits(rng, 9), tax_id(rng, country)))
    else:
        parts.append(rng.choice(["Registered in %s No. %s" % (rng.choice(["England and Wales", "Scotland", "Delaware"]), _digits(rng, 8)), tax_id(rng, country), "Registered office: " + ", ".join(addr)]))
    parts.append("Tel. %s · %s · %s" % (tel, mail, web(rng, seller)))
    return parts


def party_block(rng, country, lang):
    """The buyer: (name, the lines printed for it, its address lines)."""
    if rng.random() < 0.75:
        co = company(rng, country)
        lines = [co]
        if rng.random() < 0.5:
            lines.append(rng.choice([T(lang, en="Attn: ", de="z. Hd. ", fr="À l'attention de ", nl="T.a.v. ") + person(rng, lang if lang in FIRST else "en"),
                                     T(lang, en="Accounts Payable", de="Buchhaltung", fr="Service comptabilité", nl="Crediteurenadministratie")]))
    else:
        co = person(rng, lang if lang in FIRST else "en", with_title=rng.random() < 0.5)
        lines = [co]
    addr = address(rng, country)
    return co, lines + addr, addr


def build_invoice(rng, fonts):
    country = weighted(rng, INVOICE_COUNTRIES)
    lang = lang_of(rng, country)
    if lang == "ms" and rng.random() < 0.5:
        lang = "en"
    lab = INV_LABELS.get(lang, INV_LABELS["en"])
    money = Money(rng, country)
    letter_paper = country in ("US", "CA") and rng.random() < 0.8
    W, H = (612, 792) if letter_paper else (595, 842)
    family = rng.choice(["sans", "sans", "sans", "serif", "mono"] if rng.random() < 0.9 else ["mono"])
    size = rng.uniform(8.0, 10.5) if family != "mono" else rng.uniform(7.5, 9.0)
    mg = rng.uniform(36, 70)
    L = Layout(fonts, W, H, (mg, rng.uniform(30, 60), mg, rng.uniform(45, 70)), family, size)
    credit = rng.random() < 0.12
    negative = credit and rng.random() < 0.7  # credit notes print their amounts negative
    prepayment = rng.random() < 0.15  # gross total, amount already paid, balance due
    seller = company(rng, country)
    s_addr = address(rng, country)
    tel = phone(rng, country)
    mail = email(rng, seller)
    foot = footer_lines(rng, country, lang, seller, s_addr, tel, mail)
    page_fmt = lab["page"]
    show_foot = rng.random() < 0.6
    show_pages = rng.random() < 0.5

    def footer(Lo, idx):
        y0 = Lo.h - Lo.mb + 12
        if show_foot:
            for i, fl in enumerate(foot):
                Lo.put(Lo.inner / 2, fl, size=size * 0.72, align="center", y=y0 + i * size * 0.9)
        if show_pages:
            Lo.put(Lo.inner, page_fmt.replace("{p}", str(idx + 1)).replace("{n}", "%N%"), size=size * 0.75, align="right",
                   y=y0 - size * 1.2 if show_foot else y0)
    L.footer = footer

    # Letterhead
    head_style = rng.choice(["left", "right", "center", "din", "inline"])
    big = size * rng.uniform(1.4, 2.4)
    L.fields["seller_name"] = seller
    L.fields["seller_address"] = " ".join(s_addr)
    if head_style == "inline":
        sep = pick(rng, [" - ", " · ", ", ", " | ", " – "])
        L.line(sep.join([seller] + s_addr), bold=rng.random() < 0.5, size=size * rng.uniform(1.0, 1.3))
        if rng.random() < 0.7:
            L.line(sep.join([T(lang, en="Tel", de="Tel.", fr="Tél.", ms="Tel", nl="Tel.") + " " + tel, mail]), size=size * 0.9)
    elif head_style == "center":
        L.line(seller, bold=True, size=big, align="center")
        L.line("  ·  ".join(s_addr), size=size * 0.85, align="center")
        L.line("%s %s  ·  %s" % (T(lang, en="Tel", de="Tel.", fr="Tél.", nl="Tel."), tel, mail), size=size * 0.85, align="center")
    elif head_style == "right":
        L.line(seller, bold=True, size=big, align="right")
        for a in s_addr + [tel, mail]:
            L.line(a, size=size * 0.9, align="right")
    else:
        L.line(seller, bold=True, size=big)
        for a in s_addr:
            L.line(a, size=size * 0.9)
        L.line("%s %s" % (T(lang, en=rng.choice(["Phone:", "Tel:", "T:"]), de="Tel.:", fr="Tél. :", nl="Tel:"), tel), size=size * 0.9)
        if rng.random() < 0.6:
            L.line(mail, size=size * 0.9)
    if rng.random() < 0.5:
        vat = tax_id(rng, country)
        L.line(vat, size=size * 0.85, align="right" if head_style == "right" else "left")
        L.fields["seller_vat_id"] = vat_id_value(vat)
    L.space(size * rng.uniform(1.0, 3.0))

    # Buyer and meta, side by side.
    buyer, b_lines, b_addr = party_block(rng, country if rng.random() < 0.8 else weighted(rng, INVOICE_COUNTRIES), lang)
    y_top = L.y
    if head_style == "din" or rng.random() < 0.35:
        # The sender's one-line return address above the address window (DIN 5008 and its
        # French and English equivalents), the buyer right under it.
        sep = pick(rng, RETURN_SEPARATORS)
        ret = sep.join([seller] + s_addr[:2])
        if rng.random() < 0.3:
            ret = ret.upper() if rng.random() < 0.5 else (T(lang, en="Return to: ", de="Abs.: ", fr="Exp. : ", ms="Pengirim: ") + ret)
        L.line(ret, size=size * rng.uniform(0.6, 0.75))
        if rng.random() < 0.5:
            L.rule(dy=1, width=0.3)
    bt = pick(rng, lab["billto"])
    if bt:
        L.line(bt + ("" if bt.endswith(":") else rng.choice([":", ""])), bold=True)
    for b in b_lines:
        L.line(b)
    L.fields["buyer_name"] = buyer
    L.fields["buyer_address"] = " ".join(b_addr)
    y_left = L.y
    d = rand_date(rng, 2012, 2025)
    dk = date_kind_for(rng, country, lang)
    term_days = rng.choice([7, 10, 14, 14, 21, 30, 30, 30, 45, 60])
    due = d + datetime.timedelta(days=term_days)
    number = doc_number(rng, ("INV", "RE", "R", "F", "FA", "", "", "", "GS" if credit else "RG"))
    date_s = fmt_date(rng, d, dk)
    L.fields["invoice_number"] = number
    L.fields["invoice_date"] = date_s
    meta = [(pick(rng, lab["no"]), number), (pick(rng, lab["date"]), date_s)]
    if rng.random() < 0.7:
        meta.append((pick(rng, lab["due"]), fmt_date(rng, due, dk)))
        L.fields["due_date"] = meta[-1][1]
    if rng.random() < 0.6:
        meta.append((pick(rng, lab["cust"]), rng.choice([_digits(rng, rng.randint(4, 7)), "K" + _digits(rng, 5), "C-" + _digits(rng, 4)])))
    if rng.random() < 0.5:
        meta.append((pick(rng, lab["order"]), doc_number(rng, ("PO", "A", "B", "", ""))))
    if rng.random() < 0.4:
        meta.append((pick(rng, lab["deliv"]), fmt_date(rng, d - datetime.timedelta(days=rng.randint(0, 20)), dk)))
    if rng.random() < 0.2:
        meta.append((T(lang, en="Sales Rep", de="Bearbeiter", fr="Commercial", nl="Contactpersoon"), person(rng, lang if lang in FIRST else "en")))
    if rng.random() < 0.2 and lang != "nl":
        meta.append((T(lang, en="VAT No.", de="USt-IdNr. Kunde", fr="TVA client"), tax_id(rng, country).split(":")[-1].strip()))
    title = pick(rng, lab["credit"] if credit else lab["title"])
    title_has_number = rng.random() < 0.3
    if title_has_number:  # "Rechnung # RE-2016/311 von 04.03.2016", "Facture FA-2018-0042"
        form = pick(rng, TITLE_WITH_NUMBER.get(lang, TITLE_WITH_NUMBER["en"]))
        meta = meta[2:] if "{date}" in form else meta[1:]
        title = form.replace("{t}", title).replace("{no}", number).replace("{date}", date_s)
    meta_side = rng.random() < 0.65
    if meta_side:
        L.y = y_top
        x0 = L.inner * rng.uniform(0.55, 0.62)
        title_done = False
        if rng.random() < 0.5 and not title_has_number:
            L.line(title, x=x0, bold=True, size=size * 1.5)
            title_done = True
        for k, v in meta:
            L.cells([(x0, k + rng.choice([":", "", ":"])), (L.inner, v, "right")])
        L.y = max(L.y, y_left)
        L.space(size * 1.5)
        if title_has_number or not title_done or rng.random() < 0.3:
            suffix = (" " + number) if not title_has_number and rng.random() < 0.5 else ""
            L.line(title + suffix, bold=True, size=size * 1.4)
    else:
        L.space(size * 1.5)
        L.line(title, bold=True, size=size * rng.uniform(1.3, 2.0))
        for k, v in meta:
            if rng.random() < 0.5:
                L.line("%s: %s" % (k, v))
            else:
                L.cells([(0, k + ":"), (L.inner * 0.3, v)])
    L.space(size)
    intro = pick(rng, lab["intro"])
    if intro:
        L.paragraph(intro)

    # Line items
    cols = list(pick(rng, lab["cols"]))
    n = weighted(rng, [(1, 12), (2, 14), (3, 14), (4, 11), (5, 9), (7, 9), (10, 8), (15, 6), (25, 6), (40, 5), (60, 3)])
    pool = INVOICE_ITEMS.get(lang, INVOICE_ITEMS["en"])
    units = UNITS.get(lang, UNITS["en"])
    prof = COUNTRIES[country]
    rate = pick(rng, prof["rates"])
    # Column positions: description gets the room, numbers are right-aligned on the right.
    ncol = len(cols)
    numeric = {"qty", "quantity", "menge", "anzahl", "qté", "quantité", "aantal", "hours", "unit", "einheit", "unit price", "rate",
               "price", "amount", "total", "line total", "ext. price", "einzelpreis", "gesamtpreis", "e-preis", "betrag", "preis",
               "summe", "preis netto", "mwst.", "gesamt", "p.u. ht", "montant ht", "prix unitaire", "tva", "total ht", "prix",
               "stukprijs", "bedrag", "totaal", "prijs", "kuantiti", "harga seunit", "jumlah", "harga", "amaun"}
    n_num = 0
    while n_num < ncol - 1 and cols[ncol - 1 - n_num].lower() in numeric:
        n_num += 1
    right_edges = {1: [1.0], 2: [0.8, 1.0], 3: [0.62, 0.8, 1.0], 4: [0.55, 0.68, 0.84, 1.0], 5: [0.5, 0.6, 0.72, 0.86, 1.0]}[max(1, n_num)]
    n_left = ncol - n_num
    left_x = {1: [0], 2: [0, 0.08], 3: [0, 0.07, 0.2]}[n_left]
    xs = [(L.inner * f, "left") for f in left_x] + [(L.inner * x, "right") for x in right_edges]
    grid = rng.random() < 0.4

    def header_row():
        if grid:
            L.rule(dy=2)
        L.cells([(x, c, a) for (x, a), c in zip(xs, cols)], bold=True)
        L.rule(dy=2)

    header_row()
    subtotal = 0.0
    desc_idx = n_left - 1
    for i in range(n):
        nm = item_name(rng, pool)
        qty = rng.choice([1, 1, 1, 2, 3, 4, 5, 10, 12, 20, 25, 50, 100]) if rng.random() < 0.8 else round(rng.uniform(0.5, 40), 1)
        price = round(rng.choice([rng.uniform(1, 50), rng.uniform(20, 300), rng.uniform(100, 2500)]), 2)
        if country == "IN":
            price = round(price * 50, 0)
        if negative:
            price = -price
        amt = round(qty * price, 2)
        subtotal += amt
        row = []
        for j, c in enumerate(cols):
            cl = c.lower()
            if j == desc_idx:
                v = nm
            elif cl in ("pos", "pos.", "#", "bil"):
                v = str(i + 1)
            elif cl in ("qty", "menge", "qté", "quantity", "anzahl", "quantité", "aantal", "hours", "kuantiti"):
                v = fmt_num(qty, money.style, 0 if float(qty).is_integer() else 1) if not float(qty).is_integer() else str(int(qty))
            elif cl in ("unit", "einheit"):
                v = pick(rng, units)
            elif cl in ("art.-nr.", "item code", "réf.", "article", "item", "artikel", "product"):
                v = rng.choice([_digits(rng, 5), _letters(rng, 2) + "-" + _digits(rng, 4), _digits(rng, 3) + "." + _digits(rng, 3)])
            elif cl in ("mwst.", "tva"):
                v = "%g%%" % rate
            elif j == ncol - 1:
                v = money.num(amt)
            else:
                v = money.num(price)
            row.append(v)
        L.cells([(x, v, a) for (x, a), v in zip(xs, row)])
        if rng.random() < 0.15:
            L.line(expand(rng, rng.choice(["{thing_c}", "Ref. {ref}", "{date}", "incl. {thing}"]), "en"), x=xs[desc_idx][0] + 6, size=size * 0.85)
        if grid and rng.random() < 0.5:
            L.rule(dy=1, width=0.3)
        if L.y > L.h - L.mb - size * 3 and i < n - 1:
            L.cells([(0, lab["carried"]), (L.inner, money.num(subtotal), "right")], bold=True)
            L.new_page()
            L.cells([(0, lab["carried"]), (L.inner, money.num(subtotal), "right")], bold=True)
            header_row()
    L.rule(dy=3)

    # Totals
    x_lab = L.inner * rng.uniform(0.5, 0.62)
    def tot(label, value, bold=False):
        L.cells([(x_lab, label), (L.inner, value, "right")], bold=bold)
    total = subtotal
    L.fields["subtotal"] = money(subtotal)
    tot(pick(rng, lab["sub"]), L.fields["subtotal"])
    if rng.random() < 0.15:
        disc = round(subtotal * rng.choice([0.02, 0.03, 0.05, 0.1]), 2)
        tot(pick(rng, lab["disc"]), "-" + money.num(disc))
        total -= disc
    if rng.random() < 0.2:
        sh = round(rng.uniform(4, 80), 2)
        tot(pick(rng, lab["ship"]), money.num(sh))
        total += sh
    no_tax = rng.random() < 0.08 or (country == "US" and rng.random() < 0.4)
    if not no_tax:
        tax_lab = pick(rng, prof["tax"])
        tax = round(total * rate / 100, 2)
        if country == "IN" and rng.random() < 0.6:
            half = round(tax / 2, 2)
            tot("CGST %g%%" % (rate / 2), money.num(half))
            tot("SGST %g%%" % (rate / 2), money.num(half))
        else:
            tot(rng.choice(["%s %g%%" % (tax_lab, rate), "%s (%g%%)" % (tax_lab, rate), "%g%% %s" % (rate, tax_lab), "zzgl. %g%% %s" % (rate, tax_lab) if lang == "de" else "%s %g %%" % (tax_lab, rate)]), money.num(tax))
            L.fields["tax"] = money.num(tax)
        total += tax
    L.fields["total"] = money(total, force_symbol=True)
    L.fields["currency"] = money.cur
    if prepayment and not negative:
        tot(pick(rng, [T(lang, en="Total", de="Gesamtbetrag brutto", fr="Total TTC", ms="Jumlah Besar", nl="Totaal"), pick(rng, lab["total"])]),
            L.fields["total"], bold=rng.random() < 0.5)
        paid = round(total * rng.choice([0.2, 0.3, 0.5, 0.5, 1.0]), 2)
        paid_s = money.num(paid)
        tot(pick(rng, lab["paid"]), rng.choice(["-", "- ", ""]) + paid_s)
        due_s = money(total - paid, force_symbol=rng.random() < 0.5)
        tot(T(lang, en=rng.choice(["Balance Due", "Amount Due", "Remaining"]), de=rng.choice(["Restbetrag", "Noch zu zahlen", "Zahlbetrag"]),
              fr=rng.choice(["Reste à payer", "Solde dû", "Net à payer"]), ms="Baki Perlu Dibayar", nl="Openstaand"), due_s, bold=True)
        L.extra.update(amount_paid=paid_s, balance_due=due_s)
    else:
        tot(pick(rng, lab["total"]), L.fields["total"], bold=True)
    L.space(size * 1.5)

    # Terms and bank details
    for t in rng.sample(lab["terms"], rng.randint(1, 3)):
        L.paragraph(_fill(rng, t, d=term_days, due=fmt_date(rng, due, dk), co=seller, person=person(rng, lang if lang in FIRST else "en"),
                          phone=tel, month=pick(rng, MONTHS.get(lang, MONTHS["en"])), year=d.year), after=0.3)
    if rng.random() < 0.7:
        L.space(size * 0.8)
        L.line(pick(rng, lab["bank"]) + ":", bold=True)
        if country in ("US", "CA"):
            rows = [("Bank", "%s Bank" % pick(rng, BRAND_WORDS)), ("Routing No.", _digits(rng, 9)), ("Account No.", _digits(rng, rng.randint(8, 12)))]
        elif country in ("UK",) and rng.random() < 0.6:
            rows = [("Bank", "%s Bank plc" % pick(rng, BRAND_WORDS)), ("Sort code", "%s-%s-%s" % (_digits(rng, 2), _digits(rng, 2), _digits(rng, 2))), ("Account", _digits(rng, 8))]
        elif country in ("MY", "SG", "AU", "IN"):
            rows = [("Bank", "%s Bank %s" % (pick(rng, BRAND_WORDS), rng.choice(["Berhad", "Ltd", ""]))), ("Account Name", seller), ("Account No.", _digits(rng, rng.randint(10, 14))), ("SWIFT", bic(rng))]
        else:
            rows = [(T(lang, en="Bank", de="Bank", fr="Banque", nl="Bank"), "%s %s" % (rng.choice(["Sparkasse", "Volksbank", "Banque", "Crédit", "Raiffeisenbank", "Deutsche", "Caisse"]), pick(rng, DE_PLACES + FR_PLACES))),
                    ("IBAN", iban(rng, country)), ("BIC", bic(rng))]
            if rng.random() < 0.3:
                rows.append((T(lang, en="Account holder", de="Kontoinhaber", fr="Titulaire", nl="Rekeninghouder"), seller))
        for k2, v2 in rows:
            if k2 == "IBAN":
                L.fields["iban"] = v2
        if rng.random() < 0.5:
            L.line("  ".join("%s: %s" % r for r in rows))
        else:
            for k2, v2 in rows:
                L.cells([(0, k2 + ":"), (L.inner * 0.22, v2)])
    if rng.random() < 0.25:
        # Another page: terms and conditions.
        L.new_page()
        L.line(T(lang, en="Terms and Conditions", de="Allgemeine Geschäftsbedingungen", fr="Conditions générales de vente", nl="Algemene voorwaarden"), bold=True, size=size * 1.3)
        for i in range(rng.randint(4, 9)):
            L.paragraph("%d. " % (i + 1) + " ".join(_fill(rng, pick(rng, lab["terms"]), d=term_days, due="", co=seller, person="", phone=tel, month="", year="") for _ in range(rng.randint(2, 4))), size=size * 0.85)
    L.finish()
    _fix_page_totals(L)
    L.kind = "credit-note" if credit else ("prepayment-invoice" if prepayment and not negative else "invoice")
    L.extra.update(language=lang, country=country, title=title)
    return L


def _fix_page_totals(L):
    n = str(len(L.pages))
    for items in L.pages:
        for i, it in enumerate(items):
            if it[0] == "text" and "%N%" in it[3]:
                items[i] = it[:3] + (it[3].replace("%N%", n),) + it[4:]
