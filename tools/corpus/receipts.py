# SPDX-License-Identifier: GPL-3.0-or-later
"""Receipts: narrow till slips."""

import math
import random

from .layout import Layout
from .world import BRAND_WORDS, COUNTRIES, SUFFIX, FIRST, MALAY_WORDS, Money, _digits, _letters, address, coined, company, date_kind_for, doc_number, fmt_date, fmt_num, person, phone, pick, rand_date, rand_time, tax_id, web
from .goods import SHOP_ITEMS, T, item_name, lang_of, round_to, weighted

RECEIPT_COUNTRIES = [("MY", 30), ("SG", 8), ("US", 12), ("UK", 10), ("DE", 12), ("FR", 8), ("AU", 4),
                     ("CH", 3), ("NL", 3), ("IN", 3), ("CA", 3), ("AT", 2), ("IE", 2)]
SHOP_KINDS = [("grocery", 28), ("restaurant", 24), ("hardware", 10), ("pharmacy", 7), ("stationery", 8),
              ("electronics", 5), ("bakery", 8), ("fuel", 6), ("clothing", 4)]


class Slip:
    """Writes receipt lines either as fixed-width text (monospace) or as positioned cells."""

    def __init__(self, L, rng, mono):
        self.L, self.rng, self.mono = L, rng, mono
        self.cols = int(L.inner / (0.6 * L.size)) if mono else 0

    def text(self, s, align="left", bold=False, size=None):
        # A line wider than the paper is printed smaller until it fits, as a till would: past
        # the paper's edge the PDF and the scan would lose its ends while the ground truth keeps
        # them (a shop's name in large type was cut so on about one receipt in ten).
        size = size or self.L.size
        if align == "center" and s and self.L.measure(s, size, bold) > self.L.inner:
            size *= self.L.inner / self.L.measure(s, size, bold)
        if self.mono and align == "center":
            # Centred in the columns of its own size (a larger line holds fewer characters).
            cols = int(self.L.inner / self.L.measure(" ", size, bold)) if size != self.L.size else self.cols
            s = s.center(cols).rstrip() if len(s) < cols else s
            self.L.line(s, bold=bold, size=size)
        else:
            self.L.line(s, align=align, bold=bold, size=size)

    def lr(self, left, right, bold=False):
        if self.mono:
            gap = self.cols - len(left) - len(right)
            if gap < 1:
                self.L.line(left, bold=bold)
                self.L.line(right.rjust(self.cols), bold=bold)
            else:
                self.L.line(left + " " * gap + right, bold=bold)
        else:
            self.L.cells([(0, left), (self.L.inner, right, "right")], bold=bold)

    def cols3(self, a, b, c, bold=False):
        if self.mono:
            wa = max(8, self.cols - 20)
            s = a[:wa].ljust(wa) + b.rjust(10) + c.rjust(self.cols - wa - 10)
            self.L.line(s, bold=bold)
        else:
            self.L.cells([(0, a), (self.L.inner * 0.68, b, "right"), (self.L.inner, c, "right")], bold=bold)

    def cols4(self, a, b, c, d, bold=False):
        if self.mono:
            wa = max(6, self.cols - 24)
            s = a[:wa].ljust(wa) + b.rjust(5) + c.rjust(9) + d.rjust(self.cols - wa - 14)
            self.L.line(s, bold=bold)
        else:
            self.L.cells([(0, a), (self.L.inner * 0.55, b, "right"), (self.L.inner * 0.78, c, "right"),
                          (self.L.inner, d, "right")], bold=bold)

    def rule(self, ch=None):
        if self.mono or ch:
            ch = ch or self.rng.choice(["-", "=", "-", "*", "."])
            n = self.cols if self.mono else int(self.L.inner / self.L.measure(ch))
            self.L.line(ch * n)
        else:
            self.L.rule(dy=2)


# Lines a till prints around the shop's name.
RECEIPT_WELCOME = {"en": ["Welcome to", "Thank you for shopping at", "Welcome"], "ms": ["Selamat Datang ke", "Welcome to"],
                   "de": ["Willkommen bei", "Herzlich willkommen"], "fr": ["Bienvenue chez", "Bienvenue"], "nl": ["Welkom bij"]}
RECEIPT_BRANCH = {"en": ["Branch: %s", "%s Branch", "Store: %s", "Outlet %s"], "ms": ["Cawangan %s", "Branch: %s", "Outlet %s"],
                  "de": ["Filiale %s", "Markt %s", "Niederlassung %s"], "fr": ["Magasin de %s", "Agence %s", "Point de vente %s"],
                  "nl": ["Filiaal %s", "Vestiging %s"]}
RECEIPT_SLOGANS = {"en": ["Quality you can trust", "Your neighbourhood store", "Fresh every day", "Since 1987", "Open 7 days"],
                   "ms": ["Harga Berpatutan", "Kedai Pilihan Anda", "Segar Setiap Hari", "Buka 7 Hari"],
                   "de": ["Frische jeden Tag", "Qualität seit 1962", "Ihr Markt um die Ecke", "Täglich geöffnet"],
                   "fr": ["La fraîcheur tous les jours", "Depuis 1974", "Votre commerce de proximité", "Ouvert 7j/7"],
                   "nl": ["Elke dag vers", "Sinds 1981"]}


def build_receipt(rng, fonts, header_noise=False):
    country = weighted(rng, RECEIPT_COUNTRIES)
    lang = lang_of(rng, country)
    if country == "MY":
        lang = "ms"
    money = Money(rng, country)
    if rng.random() < 0.5:
        money.where = "none"
    kind = weighted(rng, SHOP_KINDS)
    width = rng.choice([164, 190, 204, 216, 227, 227, 240])
    mono = rng.random() < 0.6
    family = "mono" if mono else rng.choice(["sans", "sans", "serif"])
    size = rng.uniform(6.8, 9.0) if width > 180 else rng.uniform(6.0, 7.6)
    m = rng.uniform(6, 14)
    L = Layout(fonts, width, 5000, (m, rng.uniform(10, 30), m, rng.uniform(10, 30)), family, size,
               auto_height=True)
    S = Slip(L, rng, mono)
    up = rng.random() < 0.45  # shouting till printers
    U = (lambda s: s.upper()) if up else (lambda s: s)
    tiny = rng.random() < 0.08

    # Header
    name = company(rng, country)
    shop = name
    if kind == "restaurant" and rng.random() < 0.6:
        shop = rng.choice({"ms": ["Restoran %s", "Kedai Makan %s", "%s Cafe", "Warung %s", "%s Kopitiam"],
                           "de": ["Gasthaus %s", "Restaurant %s", "Café %s", "Bistro %s"],
                           "fr": ["Restaurant %s", "Brasserie %s", "Café %s", "Bistrot %s"]}.get(lang, ["%s Restaurant", "%s Grill", "%s Diner", "The %s Kitchen", "%s Cafe"])) % (
            pick(rng, MALAY_WORDS) if lang == "ms" else coined(rng))
    elif kind in ("grocery", "pharmacy", "hardware", "bakery", "stationery") and rng.random() < 0.5:
        word = {"grocery": {"ms": "Kedai Runcit", "de": "Markt", "fr": "Supermarché", "en": "Supermarket"},
                "pharmacy": {"ms": "Farmasi", "de": "Apotheke", "fr": "Pharmacie", "en": "Pharmacy"},
                "hardware": {"ms": "Hardware", "de": "Baumarkt", "fr": "Bricolage", "en": "Hardware"},
                "bakery": {"ms": "Bakery", "de": "Bäckerei", "fr": "Boulangerie", "en": "Bakery"},
                "stationery": {"ms": "Stationery & Books", "de": "Schreibwaren", "fr": "Papeterie", "en": "Stationers"}}[kind]
        w = word.get(lang, word["en"])
        shop = (w + " " + coined(rng)) if lang in ("ms", "fr") or rng.random() < 0.5 else (coined(rng) + " " + w)
    elif kind == "fuel":
        shop = rng.choice(["%s Petrol Station", "%s Service Station", "Tankstelle %s", "Station %s", "%s Fuel", "Stesen Minyak %s"]) % coined(rng)
    big = min(size * rng.uniform(1.1, 1.6), L.inner / max(1, len(shop)) / 0.62)
    # What real slips print above and around the name (logos, slogans, registration numbers,
    # stamps, the name again in the footer) is drawn from a stream of its own, so every other
    # draw, and with it the rest of the receipt, stays as it was before this was added.
    # Off by default (`--header-noise`): the shipped document-type model was trained on receipts
    # without them, and scripts/train-default-model.sh rebuilds that model.
    hr = random.Random("sheaf-receipt-header/%d/%s/%s" % (width, shop, name))
    extras = header_extras(hr, country, lang) if header_noise else dict(NO_EXTRAS)
    if extras["name_scale"] > 1:
        big = min(big * extras["name_scale"], big * L.inner / max(1.0, L.measure(U(shop), big, bold=True)))
    draw_header_extras(L, S, hr, extras, shop, U, size, family)
    header = weighted(rng, [("plain", 60), ("welcome", 8), ("stars", 8), ("split", 8), ("branch", 10), ("slogan", 8)])
    if header == "welcome":
        S.text(U(pick(rng, RECEIPT_WELCOME.get(lang, RECEIPT_WELCOME["en"]))), align="center")
    words = shop.split(" ")
    if header == "split" and len(words) >= 3:  # a long name over two lines
        half = (len(words) + 1) // 2
        S.text(U(" ".join(words[:half])), align="center", bold=True, size=big)
        S.text(U(" ".join(words[half:])), align="center", bold=True, size=big)
    elif header == "stars":
        deco = pick(rng, ["*** %s ***", "** %s **", "=== %s ===", "~ %s ~", "<< %s >>"])
        S.text(deco % U(shop), align="center", bold=rng.random() < 0.7, size=min(big, L.inner / max(1, len(shop) + 8) / 0.62))
    elif extras["split_legal"] and header == "plain" and legal_split(shop, country):
        # The legal form on a row of its own ("POPULAR BOOK" / "CO. (M) SDN BHD").
        core, suf = legal_split(shop, country)
        bold = rng.random() < 0.7
        S.text(U(core), align="center", bold=bold, size=big)
        S.text(U(suf), align="center", bold=bold, size=big * hr.choice([1.0, 1.0, 0.8]))
    else:
        S.text(U(shop), align="center", bold=rng.random() < 0.7, size=big)
    L.fields["merchant_name"] = U(shop)
    if extras["stamp"]:
        L.logo(extras["stamp"])
    if header == "branch":
        S.text(U(pick(rng, RECEIPT_BRANCH.get(lang, RECEIPT_BRANCH["en"])) % pick(rng, BRAND_WORDS)), align="center")
    elif header == "slogan":
        S.text(pick(rng, RECEIPT_SLOGANS.get(lang, RECEIPT_SLOGANS["en"])), align="center")
    if shop != name and rng.random() < 0.6:
        S.text(U(name), align="center")
    if country == "MY" and rng.random() < 0.6:
        S.text("(%s-%s)" % (_digits(rng, rng.choice([6, 7])), _letters(rng, 1)) if rng.random() < 0.6 else "Co. No: %s-%s" % (_digits(rng, 6), _letters(rng, 1)), align="center")
    if not tiny or rng.random() < 0.4:
        addr = address(rng, country, upper=up)
        for a in addr:
            S.text(a, align="center")
        L.fields["merchant_address"] = " ".join(addr)
    if rng.random() < 0.75:
        S.text(U(rng.choice(["Tel: ", "TEL : ", "Tel. ", "Phone: ", "Tél. : ", "Tel "]) + phone(rng, country)), align="center")
    if rng.random() < 0.2:
        S.text(U("Fax: " + phone(rng, country)), align="center")
    if rng.random() < 0.65:
        S.text(U(tax_id(rng, country)), align="center")
    if rng.random() < 0.2:
        S.text(web(rng, shop), align="center")

    # Title and meta
    titles = {"ms": ["TAX INVOICE", "TAX INVOICE", "SIMPLIFIED TAX INVOICE", "CASH BILL", "RECEIPT", "OFFICIAL RECEIPT", "INVOICE", "CASH SALES", "RESIT", "BILL", "CASH RECEIPT"],
              "en": ["RECEIPT", "SALES RECEIPT", "TAX INVOICE", "CASH RECEIPT", "CUSTOMER COPY", "INVOICE", "SALE", "BILL", "TAX RECEIPT", "Order #%d" % rng.randint(10, 999)],
              "de": ["Kassenbon", "Quittung", "Beleg", "Rechnung", "Bon", "Kassenbeleg", "Barbeleg"],
              "fr": ["Ticket de caisse", "TICKET", "Facture", "Note", "Reçu", "Facturette"],
              "nl": ["Kassabon", "Bon", "Factuur"]}
    if rng.random() < 0.8:
        if rng.random() < 0.5:
            S.rule()
        S.text(pick(rng, titles.get(lang, titles["en"])), align="center", bold=rng.random() < 0.5)
    d = rand_date(rng, 2014, 2025)
    dt = fmt_date(rng, d, date_kind_for(rng, country, lang))
    tm = rand_time(rng)
    no_lab = pick(rng, {"ms": ["Invoice No", "Receipt No", "Bill No", "Doc No", "Document No", "No. Resit", "Inv No", "Trans No", "Slip No"],
                        "de": ["Beleg-Nr.", "Bon-Nr.", "Rechnung Nr.", "Bon", "Trans.-Nr."],
                        "fr": ["Ticket N°", "N° ticket", "Facture N°", "Transaction"]}.get(lang, ["Receipt #", "Receipt No", "Trans #", "Check #", "Invoice No", "Order No", "Ref"]))
    meta = [(no_lab, doc_number(rng, ("", "", "CS", "R", "T", "INV", "OR", "CB")))]
    date_lab = T(lang, en="Date", ms=rng.choice(["Date", "Tarikh", "DATE"]), de="Datum", fr="Date", nl="Datum")
    if rng.random() < 0.5:
        meta.append((date_lab, dt + " " + tm))
    else:
        meta += [(date_lab, dt), (T(lang, en="Time", ms="Time", de="Uhrzeit", fr="Heure", nl="Tijd"), tm)]
    if rng.random() < 0.6:
        meta.append((pick(rng, {"de": ["Kasse", "Bediener", "Kassierer"], "fr": ["Caisse", "Caissier", "Vendeur", "Hôte"],
                                "ms": ["Cashier", "Kasyer", "Staff", "Salesperson", "Counter"]}.get(lang, ["Cashier", "Server", "Served by", "Clerk", "Operator"])),
                     rng.choice([person(rng, "ms" if lang == "ms" else ("en" if lang not in FIRST else lang)).split(" ")[0].upper(), _digits(rng, rng.randint(2, 4)), "POS%02d" % rng.randint(1, 20)])))
    if kind == "restaurant" and rng.random() < 0.6:
        meta.append((rng.choice(["Table", "Table No", "Tisch", "Table N°", "Meja", "TBL"]), str(rng.randint(1, 60))))
        if rng.random() < 0.5:
            meta.append((rng.choice(["Pax", "Guests", "Covers", "Pers."]), str(rng.randint(1, 8))))
    if rng.random() < 0.2:
        meta.append((rng.choice(["Member", "Member No", "Card", "Kundenkarte", "Carte fidélité"]), _digits(rng, rng.randint(6, 12))))
    if rng.random() < 0.25:
        meta.append((rng.choice(["Terminal", "POS", "Till", "Register", "Station", "Kasse"]), str(rng.randint(1, 30))))
    if rng.random() < 0.3:
        rng.shuffle(meta)
    if rng.random() < 0.3 and len(meta) >= 2 and not tiny:
        S.rule()
    for k, v in (meta[:2] if tiny else meta):
        if k == date_lab:
            L.fields["date"] = dt
        if rng.random() < 0.6:
            S.text("%s%s%s" % (U(k), rng.choice([": ", " : ", ":", "  "]), v))
        else:
            S.lr(U(k) + rng.choice([":", " :", ""]), v)
    if rng.random() < 0.1 and not tiny:  # service and repair shops note who the customer is
        for k, v in [(rng.choice(["Customer", "Bill To", "Name", "Kunde", "Client"]), person(rng, "ms" if lang == "ms" else "en").upper() if up else person(rng, "en")),
                     (rng.choice(["Address", "Addr"]), ", ".join(address(rng, country)[:2])), (rng.choice(["Tel", "Contact", "H/P"]), phone(rng, country)),
                     (rng.choice(["Job Type", "Service", "Work Order", "Job Ref"]), rng.choice(["MAINTENANCE", "REPAIR", "INSTALLATION", "SERVICE", _digits(rng, 6)]))][:rng.randint(2, 4)]:
            for ln in L.wrap("%s : %s" % (U(k), v), L.inner, family=family):
                S.text(ln)
    if rng.random() < 0.6:
        S.rule()

    # Items
    pool_key = {"grocery": {"ms": "grocery_my", "de": "grocery_de", "fr": "grocery_fr"}.get(lang, "grocery_en"),
                "restaurant": {"ms": "restaurant_my", "de": "restaurant_de", "fr": "restaurant_fr"}.get(lang, "restaurant_en")}.get(kind, kind)
    if kind == "bakery" and lang == "ms" and rng.random() < 0.5:
        pool_key = "restaurant_my"
    pool = SHOP_ITEMS[pool_key]
    n_items = 1 if tiny else weighted(rng, [(1, 8), (2, 12), (3, 14), (4, 12), (5, 10), (6, 8), (8, 8), (10, 6), (14, 4), (20, 2)])
    style = rng.choice(["one", "two", "qty_first", "table", "code"])
    if style == "table" and rng.random() < 0.7:
        hdr = {"ms": ["Item", "Qty", "Price", "Amt"], "de": ["Artikel", "Menge", "Preis", "Betrag"],
               "fr": ["Article", "Qté", "P.U.", "Montant"]}.get(lang, ["Description", "Qty", "Price", "Total"])
        if rng.random() < 0.4:
            hdr = [rng.choice(["CODE/DESC", "ITEM", "DESCRIPTION"]), "QTY", rng.choice(["U/P", "PRICE", "U.PRICE"]), rng.choice(["AMOUNT", "AMT", "TOTAL"])]
        if rng.random() < 0.3 and country == "MY":
            hdr[3] = hdr[3] + "(RM)"
        S.cols4(*[U(h) for h in hdr], bold=rng.random() < 0.4)
        if rng.random() < 0.5:
            S.rule()
    tax_codes = rng.random() < 0.35
    subtotal = 0.0
    n_qty = 0
    for _ in range(n_items):
        nm = item_name(rng, pool)
        if up or rng.random() < 0.2:
            nm = nm.upper()
        qty = rng.choice([1, 1, 1, 1, 2, 2, 3, 4, 6]) if kind != "fuel" else 1
        base = {"restaurant": (2, 45), "grocery": (0.5, 25), "hardware": (1, 80), "pharmacy": (2, 40), "stationery": (0.5, 30),
                "electronics": (5, 120), "bakery": (1, 9), "fuel": (20, 110), "clothing": (8, 90)}[kind]
        unit = round(rng.uniform(*base), 2)
        if country in ("IN",):
            unit = round(unit * 40, 0)
        if country == "MY" and kind == "restaurant":
            unit = round(rng.uniform(1.2, 25), 1)
        amount = round(unit * qty, 2)
        subtotal += amount
        n_qty += qty
        code = (" " + rng.choice(["SR", "ZR", "S", "Z", "A", "B", "T", "*", "E", "1", "2"])) if tax_codes else ""
        if kind == "fuel" and rng.random() < 0.8:
            litres = round(amount / rng.uniform(1.2, 2.2), 2)
            S.text(U("Pump %02d %s" % (rng.randint(1, 16), nm)) if rng.random() < 0.6 else U(nm))
            S.lr("  %s L @ %s" % (fmt_num(litres, money.style if money.style != "plain" else "en", 2), money.num(round(amount / litres, 3))), money.num(amount) + code)
            continue
        if style == "one" or (style == "two" and qty == 1 and rng.random() < 0.6):
            S.lr(nm if qty == 1 else "%d %s" % (qty, nm), money(amount) + code)
        elif style == "two":
            S.text(nm)
            S.lr("   %d %s %s" % (qty, rng.choice(["x", "X", "@", "*"]), money.num(unit)), money.num(amount) + code)
        elif style == "qty_first":
            S.lr("%d%s%s" % (qty, rng.choice(["  ", " x ", " "]), nm), money.num(amount) + code)
        elif style == "table":
            S.cols4(nm, str(qty), money.num(unit), money.num(amount) + code)
        else:
            S.text(_digits(rng, rng.choice([8, 12, 13])) + ("  " + nm if rng.random() < 0.5 else ""))
            if rng.random() < 0.5:
                S.text(nm)
            S.cols3("  %d x %s" % (qty, money.num(unit)), "", money.num(amount) + code)
        if rng.random() < 0.06:
            disc = round(amount * rng.choice([0.1, 0.2, 0.3, 0.5]), 2)
            subtotal -= disc
            S.lr("  " + rng.choice(["Discount", "Rabatt", "Remise", "Promo", "DISC", "Member Price"]), "-" + money.num(disc))

    # Totals
    if not tiny and rng.random() < 0.7:
        S.rule()
    prof = COUNTRIES[country]
    rate = pick(rng, prof["rates"])
    tax_inclusive = country in ("DE", "AT", "CH", "FR", "BE", "NL", "UK", "IE", "AU", "SG") and rng.random() < 0.7
    if country == "MY" and rng.random() < 0.4:
        tax_inclusive = True
    tax = round(subtotal * rate / (100 + rate), 2) if tax_inclusive else round(subtotal * rate / 100, 2)
    service = round(subtotal * 0.10, 2) if (kind == "restaurant" and country in ("MY", "SG", "IN") and rng.random() < 0.5) else 0
    total = subtotal + service + (0 if tax_inclusive else tax)
    rounding = 0.0
    if country in ("MY", "SG", "CH", "AU", "NL", "BE") and rng.random() < 0.6:
        rounding = round(round_to(total, 0.05) - total, 2)
    total = round(total + rounding, 2)
    if n_qty and rng.random() < 0.3:
        S.lr(U(rng.choice(["Total Qty", "Item(s)", "No. of Items", "Anzahl Artikel", "Nb articles", "Total Item"])), str(n_qty))
    if not tiny and (service or not tax_inclusive or rng.random() < 0.6):
        S.lr(U(pick(rng, {"de": ["Zwischensumme", "Summe netto", "Zw.-Summe"], "fr": ["Sous-total", "Total HT", "S/Total"]}.get(
            lang, ["Subtotal", "Sub Total", "Sub-Total", "Total Sales (Excl GST)", "Total Excl. Tax", "Amount"]))), money(subtotal if not tax_inclusive else subtotal - tax))
    if service:
        S.lr(U(rng.choice(["Service Charge 10%", "Svc Chg 10%", "Service Charge"])), money.num(service))
    tax_label = pick(rng, prof["tax"])
    if not tiny and rng.random() < 0.9:
        lab = "%s %s%%" % (tax_label, ("%g" % rate)) if "%" not in tax_label else tax_label
        if tax_inclusive:
            lab = pick(rng, ["%s incl." % lab, "incl. %s" % lab, "%s (incl)" % lab, "enth. %s" % lab if lang == "de" else "dont %s" % lab if lang == "fr" else "Incl. %s" % lab])
        S.lr(U(lab), money.num(tax))
        L.fields["tax"] = money.num(tax)
    if rounding or (country == "MY" and rng.random() < 0.4):
        S.lr(U(rng.choice(["Rounding", "Rounding Adj", "Rounding Adjustment", "Penggenapan", "Rundung"])), money.num(rounding))
    tot_lab = pick(rng, {"de": ["SUMME", "Gesamt", "Total", "Zu zahlen", "Summe EUR", "GESAMTBETRAG"],
                         "fr": ["TOTAL", "TOTAL TTC", "Net à payer", "A PAYER", "Total EUR"],
                         "ms": ["TOTAL", "Total", "GRAND TOTAL", "Total Amount", "TOTAL (RM)", "Total Inclusive GST", "NETT TOTAL", "JUMLAH", "Total Sales"],
                         "nl": ["TOTAAL", "Totaal", "Te betalen"]}.get(lang, ["TOTAL", "Total", "GRAND TOTAL", "Amount Due", "TOTAL DUE", "Balance Due", "Total (incl. VAT)"]))
    L.fields["total"] = money(total, force_symbol=rng.random() < 0.5)
    S.lr(U(tot_lab), L.fields["total"], bold=rng.random() < 0.6)
    L.fields["currency"] = money.cur

    # Payment
    method = pick(rng, {"de": ["BAR", "Bar", "EC-Karte", "Girocard", "Kreditkarte", "VISA"], "fr": ["ESPECES", "Espèces", "CB", "Carte Bancaire", "CB SANS CONTACT"],
                        "ms": ["CASH", "Cash", "Tunai", "VISA", "MASTER", "Touch 'n Go", "DuitNow QR", "Debit Card"],
                        "nl": ["Contant", "PIN", "Pinbetaling"]}.get(lang, ["CASH", "Cash", "VISA", "MASTERCARD", "AMEX", "Debit", "Credit Card", "NETS", "PayNow", "Apple Pay", "EFTPOS"]))
    cashlike = method.lower() in ("cash", "bar", "tunai", "especes", "espèces", "contant")
    if not tiny or rng.random() < 0.5:
        if cashlike:
            paid = round(math.ceil(total / rng.choice([1, 5, 10, 20, 50])) * rng.choice([1, 5, 10, 20, 50]), 2) if total > 0 else 0
            paid = max(paid, total)
            S.lr(U(method), money.num(paid))
            S.lr(U(pick(rng, {"de": ["Rückgeld", "Zurück", "RÜCKGELD"], "fr": ["Rendu", "Monnaie rendue"], "ms": ["CHANGE", "Change", "Baki", "CHANGE DUE"]}.get(lang, ["CHANGE", "Change", "Change Due"]))), money.num(paid - total))
        else:
            S.lr(U(method), money.num(total))
            if rng.random() < 0.5:
                S.text("%s %s" % (pick(rng, {"de": ["Karte:", "Karten-Nr.:", "PAN:"], "fr": ["Carte :", "N° carte :"]}.get(lang, ["Card No:", "CARD:", "Acct:", "Card #"])), "*" * rng.choice([4, 8, 12]) + _digits(rng, 4)))
                if rng.random() < 0.6:
                    S.text("%s %s" % (pick(rng, {"de": ["Genehmigung:", "Autorisierung:"], "fr": ["Autorisation :", "N° autorisation :"]}.get(lang, ["Auth Code:", "APPR CODE:", "AUTH NO:", "Approval:"])), _digits(rng, 6)))
                if rng.random() < 0.5:
                    S.text("%s %s  %s %s" % (rng.choice(["TID:", "Terminal:", "T-ID"]), _digits(rng, 8), rng.choice(["MID:", "Merchant:", "VU-Nr."]), _digits(rng, rng.choice([9, 12, 15]))))
                if rng.random() < 0.4:
                    S.text(pick(rng, {"de": ["Zahlung erfolgt", "Kontaktlos", "PIN geprüft"], "fr": ["PAIEMENT ACCEPTE", "SANS CONTACT", "CODE VERIFIE"]}.get(lang, ["APPROVED", "TRANSACTION APPROVED", "CONTACTLESS", "NO SIGNATURE REQUIRED", "PIN VERIFIED"])), align="center")

    # Tax summary
    if not tiny and rng.random() < 0.35:
        if rng.random() < 0.5:
            S.rule()
        if lang == "de":
            S.cols4("MwSt", "Netto", "Steuer", "Brutto")
            S.cols4("A %g%%" % rate, money.num(total - tax), money.num(tax), money.num(total))
        elif lang == "fr":
            S.cols4("TVA", "HT", "TVA", "TTC")
            S.cols4("%g%%" % rate, money.num(total - tax), money.num(tax), money.num(total))
        else:
            S.text(U(rng.choice(["GST Summary", "Tax Summary", "%s Summary" % tax_label.split(" ")[0], "Summary"])))
            S.cols3(rng.choice(["Code", "Tax Code", ""]), rng.choice(["Amount", "Amt(%s)" % money.symbol, "Nett"]), rng.choice(["Tax", "GST", "Tax(%s)" % money.symbol]))
            S.cols3("%s @ %g%%" % (rng.choice(["SR", "S", "T", "Std"]), rate), money.num(total - tax), money.num(tax))
            if rng.random() < 0.3:
                S.cols3("ZR @ 0%", money.num(0), money.num(0))

    # Footer
    footers = {"ms": ["Thank You", "THANK YOU. PLEASE COME AGAIN", "Terima Kasih", "Terima kasih, sila datang lagi", "Goods sold are not returnable",
                      "Barang yang dijual tidak boleh dikembalikan", "Please keep this receipt", "Thank you & have a nice day",
                      "Exchange within 7 days with receipt", "No refund", "Price inclusive of GST", "Harga termasuk SST"],
               "de": ["Vielen Dank für Ihren Einkauf!", "Danke für Ihren Besuch", "Auf Wiedersehen", "Bitte Beleg aufbewahren",
                      "Umtausch nur mit Kassenbon", "Es bediente Sie: %s" % pick(rng, FIRST["de"]), "Öffnungszeiten Mo-Sa 8-20 Uhr",
                      "TSE-Transaktion: %s" % _digits(rng, 6), "TSE-Seriennummer: %s" % _letters(rng, 2) + _digits(rng, 10), "Steuer-Nr. %s/%s/%s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 5))],
               "fr": ["Merci de votre visite", "A bientôt !", "Merci et à bientôt", "Conservez votre ticket", "Ticket à conserver",
                      "Echange sous 15 jours avec ticket", "Horaires : 8h30 - 20h00", "Bonne journée"],
               "nl": ["Bedankt voor uw bezoek", "Tot ziens", "Bewaar uw bon"]}
    en_foot = ["THANK YOU!", "Thank you for shopping with us", "Please come again", "Have a nice day!", "Returns accepted within 30 days with receipt",
               "Keep your receipt", "Customer Copy", "*** CUSTOMER COPY ***", "Visit us at %s" % web(rng, shop), "Follow us on social media",
               "WiFi: %s  Password: %s" % (coined(rng), _digits(rng, 8)), "You saved %s today" % money(rng.uniform(0.5, 9)),
               "Points earned: %d   Balance: %d" % (rng.randint(1, 50), rng.randint(50, 3000)), "Tell us how we did: survey code %s" % _digits(rng, 10),
               "Gratuity not included", "Tip: ______", "Open daily 7am - 10pm"]
    promo = ["Did you enjoy your visit? Tell us at %s and get %d%% off your next purchase." % (web(rng, shop), rng.choice([5, 10, 15, 20, 30])),
             "Survey code: %s" % _digits(rng, 14), "We value your privacy. Our personal data policy is at %s." % web(rng, shop),
             "Exchange or refund within %d days with the original receipt." % rng.choice([3, 7, 14, 30]),
             "Owned and operated by %s (Co. No. %s-%s)" % (company(rng, country), _digits(rng, 6), _letters(rng, 1)),
             "Customer care hotline: %s" % phone(rng, country), "Scan the QR code on the back to earn points.",
             "Join our loyalty club and save on every visit.", "Delivery available - order online at %s" % web(rng, shop),
             "Sale items cannot be exchanged.", "Please check your change before leaving the counter.",
             "This is a computer generated receipt.", "No signature required.", "Prices are inclusive of tax where applicable."]
    if not tiny and rng.random() < 0.35:
        for p in rng.sample(promo, rng.randint(1, 3)):
            for ln in L.wrap(p, L.inner, family=family):
                S.text(ln, align="center")
    nf = 1 if tiny else rng.randint(0, 4)
    if nf and rng.random() < 0.5:
        S.rule()
    pool_f = footers.get(lang, []) + (en_foot if lang in ("en", "ms") else [])
    for f in rng.sample(pool_f, min(nf, len(pool_f))):
        S.text(U(f) if rng.random() < 0.5 else f, align="center")
    if not tiny and rng.random() < 0.25:
        S.text(_digits(rng, rng.randint(12, 22)), align="center")
    if extras["footer_name"]:  # the name again at the foot, as many tills print it
        S.text(extras["footer_name"] % U(shop), align="center", bold=hr.random() < 0.5)
    L.kind = kind + ("-tiny" if tiny else "")
    L.extra.update(language=lang, country=country)
    return L.finish()


# Header extras: what sits above and around a receipt's name on real slips, and what OCR reads
# there as garbage (docs/extraction.md, "The ranker"). Drawn from `hr`, a stream of its own.
LOGO_STYLES = ["emblem", "initials", "badge", "stripes", "marks", "script"]
RECEIPT_REG_ABOVE = {"MY": ["(%s-%s)", "Co. Reg. No. %s-%s", "ROC %s-%s"], "SG": ["UEN %s%s", "Co. Reg %s%s"]}
STAMP_WORDS = ["PAID", "COPY", "DUPLICATE", "LUNAS", "ORIGINAL", "RECEIVED", "VOID", "REPRINT"]
SLOGANS_ABOVE = ["~ since %d ~" , "Est. %d", "Quality & Service", "The Best In Town", "Your Happy Place", "Family Owned",
                 "Halal", "100%% Original", "Freshly Baked Daily", "Taste The Difference", "Sejak %d", "Seit %d", "Depuis %d"]


NO_EXTRAS = {"logo": None, "logo_text": None, "slogan": None, "reg": None, "stamp": None, "footer_name": None,
             "name_scale": 1.0, "split_legal": False}


def header_extras(hr, country, lang):
    """Which extras a receipt's header gets; about one receipt in four keeps a plain header."""
    e = {"logo": None, "logo_text": None, "slogan": None, "reg": None, "stamp": None, "footer_name": None,
         "name_scale": 1.0}
    if hr.random() < 0.55:
        e["logo"] = hr.choice(LOGO_STYLES)
    if hr.random() < 0.25:
        e["slogan"] = hr.choice(SLOGANS_ABOVE)
        if "%d" in e["slogan"]:
            e["slogan"] = e["slogan"] % hr.randint(1955, 2015)
        e["slogan"] = e["slogan"].replace("%%", "%")
    if country in RECEIPT_REG_ABOVE and hr.random() < 0.2:
        e["reg"] = hr.choice(RECEIPT_REG_ABOVE[country]) % (_digits(hr, hr.choice([6, 7, 9])), _letters(hr, 1))
    if hr.random() < 0.3:
        e["name_scale"] = hr.uniform(1.2, 1.8)  # the name in large type
    if hr.random() < 0.12:
        e["stamp"] = ("stamp", hr.choice(STAMP_WORDS), hr.uniform(-25, 25), hr.randint(0, 2 ** 31))
    e["split_legal"] = hr.random() < 0.3
    if hr.random() < 0.25:
        e["footer_name"] = hr.choice(["%s", "%s", "Thank you for shopping at %s", "** %s **", "Terima kasih - %s", "Danke - %s"])
    return e


def legal_split(shop, country):
    """(name, legal form) when `shop` ends in a legal form of its country with a name before it."""
    for suf in sorted((x for x in SUFFIX.get(country, SUFFIX["US"]) if x), key=len, reverse=True):
        if shop.endswith(" " + suf) and len(shop) > len(suf) + 2:
            return shop[:-len(suf) - 1], suf
    return None


def draw_header_extras(L, S, hr, e, shop, U, size, family):
    """Prints the extras that go above the name: slogan, registration line, logo."""
    order = [k for k in ("slogan", "reg", "logo") if e[k]]
    hr.shuffle(order)
    for k in order:
        if k == "slogan":
            S.text(e["slogan"], align="center", size=size * hr.uniform(0.8, 1.1))
        elif k == "reg":
            S.text(e["reg"], align="center", size=size * hr.uniform(0.8, 1.0))
        else:
            words = [w for w in shop.replace("&", " ").split() if w[:1].isalpha()]
            initials = "".join(w[0] for w in words[:3]).upper() or "X"
            text = initials if hr.random() < 0.6 else (words[0].upper() if words else initials)
            h = hr.uniform(16, 42)
            w = min(L.inner, h * hr.uniform(1.0, 2.6) if e["logo"] not in ("initials", "script", "stripes") else
                    min(L.inner, h * 0.7 * max(2, len(text))))
            L.logo((e["logo"], text, hr.randint(0, 2 ** 31)), w=w, h=h, family=family)
