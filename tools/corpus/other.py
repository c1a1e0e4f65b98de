# SPDX-License-Identifier: GPL-3.0-or-later
"""Other: reports, minutes, abstracts, price lists, manuals, news: everything that is none of the four."""

from .layout import Layout
from .world import BRAND_WORDS, BUSINESS_EN, DE_PLACES, FIRST, FR_PLACES, LAST, MONTHS, Money, UK_PLACES, US_PLACES, _digits, _letters, address, brand, coined, company, date_kind_for, email, fmt_date, fmt_num, person, phone, pick, rand_date, web
from .prose import GRAMMARS, G_EN, expand, prose, sentence
from .goods import INVOICE_ITEMS, SHOP_ITEMS, item_name, lang_of, weighted
from .forms import DEPTS
from .letters import job_title

OTHER_COUNTRIES = [("US", 42), ("UK", 18), ("DE", 14), ("FR", 10), ("CA", 3), ("AU", 3), ("MY", 4), ("SG", 2), ("CH", 2), ("NL", 2)]
OTHER_KINDS = [("report", 17), ("minutes", 8), ("scientific", 13), ("pricelist", 4), ("datatable", 3), ("press", 7), ("manual", 7),
               ("resume", 9), ("agenda", 4), ("news", 12), ("policy", 6), ("statement", 2), ("menu", 1), ("contents", 2), ("advert", 3),
               ("schedule", 1), ("notes", 1)]
TOPICS = ["Annual Review", "Market Analysis", "Quarterly Results", "Product Development Update", "Environmental Assessment", "Consumer Study",
          "Project Status", "Budget Proposal", "Quality Audit", "Strategic Plan", "Safety Review", "Research Summary", "Sales Performance",
          "Field Trial Results", "Operational Review", "Customer Feedback Analysis", "Feasibility Study", "Progress Report"]


def build_other(rng, fonts):
    country = weighted(rng, OTHER_COUNTRIES)
    lang = lang_of(rng, country)
    if lang in ("ms", "nl"):
        lang = "en"
    if rng.random() < 0.35:
        lang = "en"
    plang = lang if lang in FIRST else "en"
    letter_paper = country in ("US", "CA") and rng.random() < 0.85
    W, H = (612, 792) if letter_paper else (595, 842)
    family = rng.choice(["serif", "sans", "mono", "serif", "sans", "mono"])
    size = rng.uniform(8.5, 11.5)
    mg = rng.uniform(40, 80)
    L = Layout(fonts, W, H, (mg, rng.uniform(35, 70), mg, rng.uniform(40, 70)), family, size)
    kind = weighted(rng, OTHER_KINDS)
    long_doc = rng.random() < 0.4  # reports, papers and manuals often run to several pages
    L.kind = kind
    money = Money(rng, country)
    org = company(rng, country)
    rs = "r_s"

    def heading(t, lvl=1):
        L.space(size * (0.8 if lvl > 1 else 1.2))
        L.line(t, bold=True, size=size * (1.5 if lvl == 1 else 1.15))
        L.space(size * 0.3)

    def paras(n, k=rs, nmin=2, nmax=6):
        for _ in range(n):
            L.paragraph(prose(rng, lang if k in GRAMMARS.get(lang, {}) else "en", rng.randint(nmin, nmax), k), indent_first=size * 2 if rng.random() < 0.2 else 0)

    def table(nrows, ncols, numeric=True, header=None):
        header = header or [rng.choice(["Region", "Product", "Site", "Year", "Group", "Category", "Item", "Month", "Country", "Sample"])] + \
            [rng.choice(["%d" % y for y in range(1985, 2025)] + ["Q1", "Q2", "Q3", "Q4", "Mean", "SD", "n", "Total", "Change", "%", "Units", "Share"]) for _ in range(ncols - 1)]
        xs = [0] + [L.inner * (0.35 + 0.65 * (i + 1) / (ncols - 1)) for i in range(ncols - 1)]
        L.cells([(xs[0], header[0])] + [(x, h, "right") for x, h in zip(xs[1:], header[1:])], bold=True)
        L.rule(dy=1, width=0.4)
        rowlab = rng.choice([["North", "South", "East", "West", "Central"], ["Control", "Group A", "Group B", "Placebo", "Treatment"],
                             rng.sample(G_EN["attribute"], 5), [brand(rng) for _ in range(4)],
                             [pick(rng, MONTHS["en"]) for _ in range(3)], [coined(rng) for _ in range(4)], [pick(rng, DEPTS) for _ in range(4)]])
        for i in range(nrows):
            lab = rowlab[i % len(rowlab)] + ("" if i < len(rowlab) else " %d" % (i // len(rowlab) + 1))
            vals = [rng.choice([fmt_num(rng.uniform(0, 999), "en", rng.choice([0, 1, 2])), "%d" % rng.randint(0, 99999), "%.1f%%" % rng.uniform(0, 100), "%.2f" % rng.uniform(0, 10)]) for _ in range(ncols - 1)]
            L.cells([(xs[0], lab)] + [(x, v, "right") for x, v in zip(xs[1:], vals)])
        L.rule(dy=1, width=0.4)
        L.line("Table %d. %s" % (rng.randint(1, 9), sentence(rng, "en", "r_s")[:90]), size=size * 0.85)

    if kind == "report":
        L.line(org.upper() if rng.random() < 0.5 else org, size=size * 0.9)
        L.space(size)
        L.line(pick(rng, TOPICS) + rng.choice(["", " %d" % rng.randint(1980, 2025), ": " + expand(rng, "{r_subj_c}", "en")]), bold=True, size=size * 1.8)
        if rng.random() < 0.6:
            L.line("%s  |  %s" % (rng.choice(["Prepared by", "Author", "Submitted by"]) + " " + person(rng, plang), fmt_date(rng, rand_date(rng, 1975, 2025), date_kind_for(rng, country, lang))), size=size * 0.9)
        secs = rng.sample(["Executive Summary", "Introduction", "Background", "Methodology", "Findings", "Discussion", "Recommendations", "Conclusion", "Next Steps", "Financial Overview", "Risks"], rng.randint(5, 11) if long_doc else rng.randint(2, 6))
        for i, s in enumerate(secs):
            heading(("%d. " % (i + 1) if rng.random() < 0.5 else "") + (s if lang == "en" else {"de": "Abschnitt %d" % (i + 1), "fr": "Partie %d" % (i + 1)}.get(lang, s)), 2)
            paras(rng.randint(1, 3))
            if rng.random() < 0.25:
                table(rng.randint(3, 8), rng.randint(3, 5))
            if rng.random() < 0.2:
                for _ in range(rng.randint(2, 5)):
                    L.paragraph("•  " + sentence(rng, "en", "r_s"), x=size)
    elif kind == "minutes":
        L.line(rng.choice(["MINUTES", "Minutes of the Meeting", "Meeting Minutes", "Protokoll", "Compte rendu de réunion"]) + rng.choice(["", " - " + pick(rng, DEPTS) + " Committee", " of the Board of Directors"]), bold=True, size=size * 1.6)
        L.line("%s, %s" % (fmt_date(rng, rand_date(rng, 1975, 2025), date_kind_for(rng, country, lang)), rng.choice(["10:00 a.m.", "2:30 p.m.", "09:30", "14:00 Uhr"])))
        L.line(rng.choice(["Present: ", "Attendees: ", "Anwesend: ", "Présents : "]) + ", ".join(person(rng, plang) for _ in range(rng.randint(3, 8))))
        if rng.random() < 0.5:
            L.line(rng.choice(["Apologies: ", "Absent: ", "Entschuldigt: "]) + ", ".join(person(rng, plang) for _ in range(rng.randint(1, 3))))
        for i in range(rng.randint(8, 14) if long_doc else rng.randint(3, 7)):
            heading("%d. %s" % (i + 1, expand(rng, "{thing_c}", "en")), 2)
            paras(1, nmin=1, nmax=4)
            if rng.random() < 0.4:
                L.line(rng.choice(["Action: ", "ACTION: ", "Decision: "]) + person(rng, plang) + " - " + expand(rng, "{action}", "en"))
        L.line(rng.choice(["The meeting adjourned at %d:%02d." % (rng.randint(11, 17), rng.choice([0, 15, 30, 45])), "Next meeting: " + fmt_date(rng, rand_date(rng), "long_en")]))
    elif kind == "scientific":
        L.line(sentence(rng, "en", "r_s").rstrip("."), bold=True, size=size * 1.5, align="center")
        L.line(", ".join(person(rng, rng.choice(["en", "de", "fr"])) + "%s" % rng.choice(["", "¹", "*", "a"]) for _ in range(rng.randint(1, 5))), align="center")
        L.line(rng.choice(["Department of Chemistry", "Institute of Pharmacology", "Research Center", "School of Public Health", "Laboratory of Biochemistry"]) + ", " + rng.choice(["University of ", "Universität ", "Université de "]) + pick(rng, DE_PLACES + FR_PLACES + UK_PLACES), size=size * 0.85, align="center")
        heading("Abstract", 2)
        paras(1, nmin=4, nmax=8)
        L.line("Keywords: " + ", ".join(rng.sample(["nicotine", "aerosol", "toxicology", "epidemiology", "regression", "sampling", "smoke chemistry", "exposure", "metabolism", "survey", "retail", "pricing"], 4)), size=size * 0.9)
        for s in rng.sample(["Introduction", "Materials and Methods", "Results", "Discussion", "Conclusions"], rng.randint(2, 4)):
            heading(s, 2)
            paras(rng.randint(3, 6) if long_doc else rng.randint(1, 3))
            if rng.random() < 0.3:
                table(rng.randint(3, 7), rng.randint(3, 5))
        if rng.random() < 0.7:
            heading("References", 2)
            for i in range(rng.randint(3, 10)):
                L.paragraph("%d. %s, %s. (%d) %s. %s %d:%d-%d." % (i + 1, pick(rng, LAST["en"] + LAST["de"]), _letters(rng, 1), rng.randint(1960, 2024), sentence(rng, "en", "r_s").rstrip("."),
                                                                 rng.choice(["J. Chem.", "Am. J. Epidemiol.", "Food Chem. Toxicol.", "Anal. Biochem.", "Science", "Lancet", "Nature"]), rng.randint(1, 120), rng.randint(1, 900), rng.randint(901, 1500)), size=size * 0.85, after=0.2)
    elif kind == "pricelist":
        L.line(org, bold=True, size=size * 1.6)
        L.line(rng.choice(["Price List", "PRICE LIST %d" % rng.randint(1990, 2025), "Product Catalogue", "Preisliste", "Tarifs", "Catalogue", "Rate Card"]), bold=True, size=size * 1.3)
        L.line(rng.choice(["Valid from ", "Effective ", "Gültig ab ", "Valable à partir du "]) + fmt_date(rng, rand_date(rng), date_kind_for(rng, country, lang)), size=size * 0.9)
        L.space(size)
        pool = pick(rng, list(SHOP_ITEMS.values()) + list(INVOICE_ITEMS.values()))
        L.cells([(0, rng.choice(["Code", "Art.-Nr.", "Ref.", "SKU"])), (L.inner * 0.18, rng.choice(["Description", "Bezeichnung", "Désignation", "Product"])),
                 (L.inner * 0.8, rng.choice(["Pack", "Unit", "VE", "Size"]), "right"), (L.inner, rng.choice(["Price", "Preis", "Prix", "List price"]), "right")], bold=True)
        for _ in range(rng.randint(10, 45)):
            if rng.random() < 0.08:
                heading(pick(rng, BUSINESS_EN + BRAND_WORDS), 2)
            L.cells([(0, _digits(rng, rng.choice([4, 5, 6]))), (L.inner * 0.18, item_name(rng, pool)), (L.inner * 0.8, rng.choice(["1", "10", "12", "1 kg", "5 L", "pack", "box"]), "right"),
                     (L.inner, money(rng.uniform(0.5, 900)), "right")])
        L.space(size)
        L.paragraph(rng.choice(["Prices exclude VAT and delivery. Subject to change without notice.", "Alle Preise zzgl. gesetzlicher MwSt. Irrtümer und Änderungen vorbehalten.",
                                "Prix HT, hors frais de port. Sous réserve de modifications.", "Minimum order quantity applies. Contact our sales team for volume discounts."]), size=size * 0.8)
    elif kind == "datatable":
        L.line(rng.choice(["Table", "Appendix", "Exhibit", "Schedule", "Annex"]) + " %s: %s" % (rng.choice(["1", "2", "A", "B", "C", "4.2"]), expand(rng, "{r_subj_c} by {unit}", "en")), bold=True, size=size * 1.3)
        for _ in range(rng.randint(1, 3)):
            table(rng.randint(5, 20), rng.randint(3, 7))
            L.space(size)
        if rng.random() < 0.5:
            L.paragraph("Source: " + org + ". " + sentence(rng, "en", "r_s"), size=size * 0.85)
    elif kind == "press":
        L.line(rng.choice(["FOR IMMEDIATE RELEASE", "PRESS RELEASE", "News Release", "Pressemitteilung", "Communiqué de presse"]), bold=True)
        L.space(size)
        L.line(org + " " + expand(rng, "{news_act}", "en"), bold=True, size=size * 1.4)
        paras(rng.randint(2, 5), "news_s", 2, 4)
        heading("About " + org, 2)
        L.paragraph("%s is a %s company based in %s. %s" % (org, rng.choice(["leading", "family-owned", "global", "regional"]), address(rng, country)[-1], sentence(rng, "en", "r_s")))
        L.line("Media contact: %s, %s, %s" % (person(rng, plang), phone(rng, country), email(rng, org)))
        L.line("###", align="center")
    elif kind == "manual":
        L.line(rng.choice(["Operating Instructions", "User Manual", "Installation Guide", "Bedienungsanleitung", "Mode d'emploi", "Quick Start Guide"]), bold=True, size=size * 1.7)
        L.line("%s %s-%d" % (org, _letters(rng, 2), rng.randint(100, 9999)), size=size * 1.1)
        for i in range(rng.randint(5, 9) if long_doc else rng.randint(2, 5)):
            heading("%d %s" % (i + 1, rng.choice(["Safety information", "Getting started", "Installation", "Operation", "Cleaning and care", "Troubleshooting", "Technical data"])), 2)
            for j in range(rng.randint(2, 6)):
                L.paragraph("%d.%d  %s" % (i + 1, j + 1, sentence(rng, "en", "manual_s")), after=0.3)
            if rng.random() < 0.3:
                L.paragraph(rng.choice(["WARNING: ", "CAUTION: ", "NOTE: ", "ACHTUNG: ", "ATTENTION : "]) + sentence(rng, "en", "manual_s"), bold=True)
    elif kind == "resume":
        name = person(rng, plang)
        L.line(name, bold=True, size=size * 1.8, align=rng.choice(["left", "center"]))
        L.line("  |  ".join([", ".join(address(rng, country)[-1:]), phone(rng, country), email(rng, "mail", name)]), size=size * 0.9, align="left")
        secs = [("Objective", None), ("Experience", "exp"), ("Education", "edu"), ("Skills", "skills"), ("Publications", "pub"), ("Professional Affiliations", "aff"), ("References", "ref")]
        if lang == "de":
            secs = [("Berufserfahrung", "exp"), ("Ausbildung", "edu"), ("Kenntnisse", "skills"), ("Sprachen", "skills")]
        elif lang == "fr":
            secs = [("Expérience professionnelle", "exp"), ("Formation", "edu"), ("Compétences", "skills"), ("Langues", "skills")]
        for s, k in secs:
            if rng.random() < 0.25 and k not in ("exp", "edu"):
                continue
            heading(s.upper() if rng.random() < 0.5 else s, 2)
            if k == "exp":
                for _ in range(rng.randint(1, 4)):
                    y1 = rng.randint(1960, 2020)
                    L.cells([(0, "%s, %s" % (job_title(rng, lang), company(rng, country)), "left"), (L.inner, "%d - %s" % (y1, rng.choice([str(y1 + rng.randint(1, 8)), "present", "heute", "aujourd'hui"])), "right")], bold=True)
                    for _ in range(rng.randint(1, 3)):
                        L.paragraph("•  " + rng.choice(["Responsible for ", "Managed ", "Developed ", "Coordinated ", "Led "]) + expand(rng, "{thing}", "en") + " " + rng.choice(["for the division", "across {num} sites", "with a team of {n}", "and reported to the director"]).replace("{num}", str(rng.randint(2, 40))).replace("{n}", str(rng.randint(2, 30))) + ".", x=size)
            elif k == "edu":
                for _ in range(rng.randint(1, 3)):
                    L.line("%s, %s %s, %d" % (rng.choice(["B.S. Chemistry", "M.B.A.", "Ph.D. Biochemistry", "B.A. Economics", "Diplom-Kaufmann", "Master Informatique", "M.Sc. Engineering", "A.A.S."]),
                                               rng.choice(["University of", "Universität", "Université de", "College of"]), pick(rng, [c for c, _ in US_PLACES] + DE_PLACES + FR_PLACES), rng.randint(1955, 2020)))
            elif k == "skills":
                L.paragraph(", ".join(rng.sample(["Project management", "Statistical analysis", "Laboratory techniques", "Negotiation", "Budgeting", "Public speaking", "SAP", "Microsoft Office",
                                                  "Python", "German (fluent)", "French (basic)", "English", "Team leadership", "Quality systems", "Regulatory affairs", "Chromatography"], rng.randint(4, 8))))
            elif k is None:
                L.paragraph("To obtain a position as " + job_title(rng, "en").lower() + " where " + expand(rng, "{benefit}", "en") + ".")
            else:
                for _ in range(rng.randint(1, 3)):
                    L.line(person(rng, plang) + ", " + job_title(rng, "en") + ", " + company(rng, country))
    elif kind == "agenda":
        L.line(rng.choice(["AGENDA", "Agenda", "Tagesordnung", "Ordre du jour", "Programme"]), bold=True, size=size * 1.7, align="center")
        L.line(expand(rng, "{thing_c}", "en") + " - " + fmt_date(rng, rand_date(rng), "long_en"), align="center")
        L.line(rng.choice(["Conference Room B", "Main Auditorium", "Hotel " + coined(rng), "Room %d" % rng.randint(100, 999)]) + ", " + address(rng, country)[-1], align="center")
        L.space(size)
        h, mnt = rng.randint(8, 10), 0
        for _ in range(rng.randint(5, 14)):
            L.cells([(0, "%02d:%02d" % (h, mnt)), (L.inner * 0.15, expand(rng, rng.choice(["{thing_c}", "Welcome and introductions", "Coffee break", "Lunch", "Discussion: {r_subj}", "Presentation: {thing}", "Report on {r_subj}"]), "en")),
                     (L.inner, person(rng, plang) if rng.random() < 0.6 else "", "right")])
            mnt += rng.choice([15, 30, 45, 60])
            h, mnt = h + mnt // 60, mnt % 60
    elif kind == "news":
        if rng.random() < 0.5:
            L.line(rng.choice(["The %s %s" % (pick(rng, [c for c, _ in US_PLACES]), rng.choice(["Times", "Herald", "Gazette", "Post", "Tribune", "Journal"])), "Business Weekly", "Trade News", "Industry Bulletin"]), bold=True, size=size * 1.3, align="center")
            L.rule(width=1.0)
        L.line(expand(rng, "{org} to {news_act}", "en").title(), bold=True, size=size * rng.uniform(1.6, 2.4))
        L.line("By " + person(rng, plang) + ("  ·  " + fmt_date(rng, rand_date(rng, 1970, 2025), "long_en") if rng.random() < 0.7 else ""), size=size * 0.9)
        L.space(size * 0.5)
        paras(rng.randint(8, 14) if long_doc else rng.randint(3, 8), "news_s", 2, 5)
    elif kind == "policy":
        L.line(rng.choice(["Privacy Policy", "Terms and Conditions", "Code of Conduct", "Travel Policy", "Allgemeine Geschäftsbedingungen", "Conditions générales", "Warranty Terms"]), bold=True, size=size * 1.6)
        for i in range(rng.randint(12, 24) if long_doc else rng.randint(4, 12)):
            L.paragraph("%d. %s" % (i + 1, prose(rng, lang, rng.randint(2, 4))), after=0.5)
    elif kind == "statement":
        L.line(org, bold=True, size=size * 1.4)
        L.line(rng.choice(["Account Statement", "Statement of Account", "Kontoauszug", "Relevé de compte", "Monthly Statement"]), bold=True, size=size * 1.2)
        L.line("%s: %s   %s: %s" % (rng.choice(["Account", "Konto", "Compte"]), _digits(rng, 10), rng.choice(["Period", "Zeitraum", "Période"]), fmt_date(rng, rand_date(rng), "dmy/")))
        L.space(size)
        L.cells([(0, "Date"), (L.inner * 0.15, "Description"), (L.inner * 0.75, "Debit", "right"), (L.inner * 0.88, "Credit", "right"), (L.inner, "Balance", "right")], bold=True)
        bal = rng.uniform(100, 20000)
        for _ in range(rng.randint(6, 30)):
            amt = rng.uniform(5, 2000)
            cr = rng.random() < 0.3
            bal += amt if cr else -amt
            L.cells([(0, fmt_date(rng, rand_date(rng), "dmy/")), (L.inner * 0.15, rng.choice(["Transfer ", "Direct debit ", "Card payment ", "Lastschrift ", "Virement ", "Standing order "]) + company(rng, country)[:28]),
                     (L.inner * 0.75, "" if cr else money.num(amt), "right"), (L.inner * 0.88, money.num(amt) if cr else "", "right"), (L.inner, money.num(bal), "right")])
    elif kind == "menu":
        L.line(rng.choice(["Menu", "Carte", "Speisekarte", "Lunch Menu", "Dinner"]), bold=True, size=size * 2, align="center")
        for sec in rng.sample(["Starters", "Mains", "Desserts", "Drinks", "Vorspeisen", "Hauptgerichte", "Entrées", "Plats", "Desserts"], 3):
            heading(sec, 2)
            for _ in range(rng.randint(3, 8)):
                L.cells([(0, item_name(rng, SHOP_ITEMS[pick(rng, ["restaurant_en", "restaurant_de", "restaurant_fr", "restaurant_my", "bakery"])])), (L.inner, money.num(rng.uniform(3, 40)), "right")])
    elif kind == "contents":
        L.line(rng.choice(["Contents", "Table of Contents", "Inhaltsverzeichnis", "Sommaire"]), bold=True, size=size * 1.6)
        p = 1
        for i in range(rng.randint(6, 20)):
            p += rng.randint(1, 12)
            L.cells([(0, "%d%s %s" % (i + 1, rng.choice([".", ""]), rng.choice(TOPICS + ["Introduction", "Appendix", "Index", "Glossary"]))), (L.inner, str(p), "right")])
    elif kind == "advert":
        L.line(rng.choice(["NEW!", "Introducing", "SALE", "Now available", "Special offer"]), bold=True, size=size * 2.2, align="center")
        L.line(coined(rng).upper(), bold=True, size=size * 3, align="center")
        L.paragraph(prose(rng, "en", rng.randint(1, 3), "news_s"))
        L.line(rng.choice(["Available at fine stores everywhere.", "Visit " + web(rng, org), "Call " + phone(rng, country) + " today!", "Limited time only."]), bold=True, align="center")
        if rng.random() < 0.5:
            L.line(rng.choice(["Only ", "From ", "Now "]) + money(rng.uniform(1, 99), force_symbol=True), size=size * 1.8, align="center")
    elif kind == "schedule":
        L.line(rng.choice(["Timetable", "Production Schedule", "Shift Roster", "Delivery Schedule", "Project Timeline"]), bold=True, size=size * 1.5)
        days = ["Mon", "Tue", "Wed", "Thu", "Fri"]
        xs = [0] + [L.inner * (0.25 + 0.15 * i) for i in range(5)]
        L.cells([(0, "")] + [(x, d2) for x, d2 in zip(xs[1:], days)], bold=True)
        for _ in range(rng.randint(5, 15)):
            L.cells([(0, person(rng, plang) if rng.random() < 0.5 else "%02d:00" % rng.randint(6, 20))] + [(x, rng.choice(["X", "-", "early", "late", "off", "A", "B", ""])) for x in xs[1:]])
    else:  # handwritten-style notes, short
        L.line(rng.choice(["Notes", "Note", "Notes from the meeting", "To do"]), bold=True, size=size * 1.3)
        for _ in range(rng.randint(3, 10)):
            L.line("- " + sentence(rng, "en", rng.choice(["r_s", "topic_s"]))[:80])
    return L.finish()
