# SPDX-License-Identifier: GPL-3.0-or-later
"""Letters: business and personal correspondence, memos, printed e-mails."""

import datetime

from .layout import Layout
from .world import DE_PLACES, FIRST, FR_PLACES, _digits, _letters, address, company, doc_number, email, fmt_date, person, phone, pick, rand_date, rand_time, web
from .prose import G_DE, G_EN, G_FR, expand, prose, sentence
from .goods import T, lang_of, weighted
from .forms import DEPTS

LETTER_COUNTRIES = [("US", 40), ("UK", 18), ("DE", 14), ("FR", 10), ("CA", 3), ("AU", 3), ("CH", 3), ("MY", 3), ("SG", 2), ("IE", 2), ("AT", 2)]


def salutation(rng, lang, name=None):
    if lang == "de":
        if name and rng.random() < 0.6:
            last = name.split()[-1]
            return rng.choice(["Sehr geehrter Herr %s," % last, "Sehr geehrte Frau %s," % last, "Liebe Frau %s," % last, "Hallo %s," % name.split()[0]])
        return rng.choice(["Sehr geehrte Damen und Herren,", "Sehr geehrte Damen und Herren,"])
    if lang == "fr":
        return rng.choice(["Madame, Monsieur,", "Monsieur,", "Madame,", "Cher Monsieur,", "Chère Madame,", "Chers collègues,"])
    if name and rng.random() < 0.75:
        last = name.split()[-1]
        return rng.choice(["Dear %s %s:" % (rng.choice(["Mr.", "Ms.", "Mrs.", "Dr."]), last), "Dear %s," % name.split()[0], "Dear %s %s," % (rng.choice(["Mr", "Ms", "Dr"]), last),
                           "Dear %s:" % name, "Hi %s," % name.split()[0], "Dear %s %s:" % (rng.choice(["Doctor", "Professor", "Senator", "Judge"]), last)])
    return rng.choice(["Dear Sir or Madam,", "Dear Sir:", "Gentlemen:", "To whom it may concern:", "Dear Colleagues,", "Dear Customer,", "Dear Members,"])


def closing(rng, lang):
    if lang == "de":
        return rng.choice(["Mit freundlichen Grüßen", "Mit freundlichen Grüßen", "Freundliche Grüße", "Beste Grüße", "Hochachtungsvoll", "Viele Grüße"])
    if lang == "fr":
        return rng.choice(["Cordialement,", "Bien cordialement,", "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
                           "Je vous prie d'agréer, Monsieur, mes salutations respectueuses.", "Sincères salutations,"])
    return rng.choice(["Sincerely,", "Sincerely yours,", "Yours sincerely,", "Yours faithfully,", "Best regards,", "Kind regards,", "Very truly yours,",
                       "Regards,", "Respectfully,", "With best wishes,", "Cordially,", "Yours truly,"])


def job_title(rng, lang):
    if lang == "de":
        return rng.choice(["Geschäftsführer", "Vertriebsleiterin", "Projektleiter", "Sachbearbeiterin", "Leiter Einkauf", "Assistenz der Geschäftsleitung", "Personalreferentin"])
    if lang == "fr":
        return rng.choice(["Directeur général", "Responsable commercial", "Chef de projet", "Assistante de direction", "Responsable des achats", "Gérant"])
    return rng.choice(["President", "Vice President, Marketing", "Head of Laboratories", "Sales Manager", "Office Manager", "Chief Financial Officer",
                       "Senior Scientist", "Account Executive", "Human Resources Manager", "Secretary", "Chairman", "Project Coordinator",
                       "General Counsel", "Manager, Public Relations", "Executive Assistant", "Professor of Chemistry"])


def build_letter(rng, fonts):
    country = weighted(rng, LETTER_COUNTRIES)
    lang = lang_of(rng, country)
    if lang in ("ms", "nl"):
        lang = "en"
    plang = lang if lang in FIRST else "en"
    letter_paper = country in ("US", "CA") and rng.random() < 0.85
    W, H = (612, 792) if letter_paper else (595, 842)
    family = rng.choice(["serif", "sans", "mono", "mono", "serif", "sans"])  # many older letters were typed
    size = rng.uniform(9.5, 12.0)
    mg = rng.uniform(50, 85)
    L = Layout(fonts, W, H, (mg, rng.uniform(35, 70), mg, rng.uniform(45, 75)), family, size)
    kind = weighted(rng, [("letter", 62), ("memo", 14), ("email", 14), ("continuation", 10)])
    sender = person(rng, plang)
    org = company(rng, country) if rng.random() < 0.8 else ""
    recip = person(rng, plang)
    r_org = company(rng, country) if rng.random() < 0.6 else ""
    d = rand_date(rng, 1965 if rng.random() < 0.4 else 1990, 2025)
    dk = rng.choice(["long_en", "long_en", "long_en_d", "mdy", "dmy/"]) if lang == "en" else ("long_de" if lang == "de" and rng.random() < 0.6 else ("long_fr" if lang == "fr" else "dmy."))
    date_s = fmt_date(rng, d, dk)
    n_par = weighted(rng, [(1, 5), (2, 15), (3, 25), (4, 22), (5, 15), (7, 10), (10, 5), (14, 3)])

    if kind == "continuation":
        # A later page of a letter on its own: a short running head, prose, maybe the closing.
        if rng.random() < 0.7:
            head = rng.choice(["%s\n%s\nPage %d" % (recip, date_s, rng.randint(2, 4)), "%s - %d - %s" % (recip, rng.randint(2, 4), date_s),
                               "-%d-" % rng.randint(2, 4), "%s\nPage %d\n%s" % (recip, rng.randint(2, 4), date_s), "Seite %d" % rng.randint(2, 4)])
            for h in head.split("\n"):
                L.line(h, align=rng.choice(["left", "left", "right"]))
            L.space(size * 1.5)
        n_par = max(1, n_par - 1)
    elif kind == "letter":
        hs = rng.random()
        if org and hs < 0.8:
            al = rng.choice(["left", "center", "right"])
            L.line(org.upper() if rng.random() < 0.4 else org, bold=True, size=size * rng.uniform(1.3, 2.0), align=al)
            a = address(rng, country)
            if rng.random() < 0.5:
                L.line("  ·  ".join(a + [phone(rng, country)]), size=size * 0.75, align=al)
            else:
                for x in a:
                    L.line(x, size=size * 0.8, align=al)
                if rng.random() < 0.6:
                    L.line("%s %s   %s" % (T(lang, en="Tel.", de="Tel.", fr="Tél."), phone(rng, country), web(rng, org)), size=size * 0.8, align=al)
            if rng.random() < 0.3:
                L.rule(width=0.8)
        elif not org:
            for x in [sender] + address(rng, country):
                L.line(x, align="right" if rng.random() < 0.5 else "left")
        L.space(size * rng.uniform(1, 3))
        date_line = date_s
        if lang == "de" and rng.random() < 0.5:
            date_line = "%s, %s%s" % (pick(rng, DE_PLACES), rng.choice(["den ", ""]), date_s)
        elif lang == "fr" and rng.random() < 0.6:
            date_line = "%s, le %s" % (pick(rng, FR_PLACES), date_s)
        date_first = rng.random() < 0.5
        if date_first:
            L.line(date_line, align=rng.choice(["left", "right"]))
            L.space(size)
        if rng.random() < 0.15:
            L.line(rng.choice(["BY FAX", "PERSONAL AND CONFIDENTIAL", "VIA FEDERAL EXPRESS", "Registered Mail", "Per Einschreiben", "Lettre recommandée avec AR"]), bold=True)
        for x in [recip if rng.random() < 0.5 else person(rng, plang, True)] + ([job_title(rng, lang)] if rng.random() < 0.3 else []) + ([r_org] if r_org else []) + address(rng, country):
            L.line(x)
        L.space(size)
        if not date_first:
            L.line(date_line, align=rng.choice(["left", "right", "right"]))
            L.space(size * 0.5)
        if rng.random() < 0.6:
            ref = rng.choice([expand(rng, "{thing_c}", "en"), expand(rng, "{enclosure}", "en").capitalize(), "Your letter of " + fmt_date(rng, d - datetime.timedelta(days=rng.randint(3, 60)), dk),
                              "Account %s" % _digits(rng, 8), "Order %s" % doc_number(rng)])
            if lang == "de":
                ref = rng.choice(["Ihre Anfrage vom %s" % date_s, "Angebot Nr. %s" % _digits(rng, 5), "Vertrag %s" % _digits(rng, 6), "Ihre Bewerbung", "Unser Gespräch vom %s" % date_s])
            elif lang == "fr":
                ref = rng.choice(["Votre demande du %s" % date_s, "Dossier n° %s" % _digits(rng, 6), "Contrat %s" % _digits(rng, 5), "Candidature"])
            lab = {"de": rng.choice(["Betreff: ", "", ""]), "fr": rng.choice(["Objet : ", "Objet: "])}.get(lang, rng.choice(["Re: ", "RE: ", "Subject: ", "Ref: ", ""]))
            L.line(lab + ref, bold=rng.random() < 0.6)
            L.space(size * 0.5)
        L.line(salutation(rng, lang, recip if rng.random() < 0.7 else None))
        L.space(size * 0.4)
    elif kind == "memo":
        L.line(rng.choice(["MEMORANDUM", "Memorandum", "INTEROFFICE MEMORANDUM", "MEMO", "Inter-Office Correspondence", "Aktennotiz", "Note de service"]),
               bold=True, size=size * 1.6, align=rng.choice(["left", "center"]))
        if org and rng.random() < 0.5:
            L.line(org, size=size * 0.9, align="left")
        L.space(size)
        rows = [("TO", recip + (", " + pick(rng, DEPTS) if rng.random() < 0.3 else "")), ("FROM", sender), ("DATE", date_s),
                (rng.choice(["SUBJECT", "RE", "SUBJ"]), expand(rng, "{thing_c}", "en"))]
        if rng.random() < 0.4:
            rows.append(("CC", ", ".join(person(rng, plang) for _ in range(rng.randint(1, 3)))))
        if lang == "de":
            rows = [("An", recip), ("Von", sender), ("Datum", date_s), ("Betreff", pick(rng, G_DE["de_thing"]).capitalize())]
        elif lang == "fr":
            rows = [("À", recip), ("De", sender), ("Date", date_s), ("Objet", pick(rng, G_FR["fr_thing"]).capitalize())]
        up = rng.random() < 0.6
        for k, v in rows:
            L.cells([(0, (k.upper() if up else k.title()) + ":"), (size * 6, v)], bold=False)
        L.rule(width=1.0, dy=size * 0.6)
    else:  # printed e-mail
        if rng.random() < 0.5:
            L.line(sender, bold=True, size=size * 1.1)
            L.rule(width=1.2)
        rows = [("From", "%s <%s>" % (sender, email(rng, org or company(rng, country), sender))), ("Sent", "%s %s" % (date_s, rand_time(rng, False))),
                ("To", "%s <%s>" % (recip, email(rng, r_org or company(rng, country), recip))), ("Subject", rng.choice(["RE: ", "FW: ", "AW: ", ""]) + expand(rng, "{thing_c}", "en"))]
        if rng.random() < 0.4:
            rows.insert(3, ("Cc", person(rng, plang)))
        if lang == "de":
            rows = [("Von", rows[0][1]), ("Gesendet", rows[1][1]), ("An", rows[2][1]), ("Betreff", "AW: " + pick(rng, G_DE["de_thing"]).capitalize())]
        for k, v in rows:
            L.cells([(0, k + ":"), (size * 5, v)], bold=False)
        L.space(size)
        L.line(salutation(rng, lang, recip) if rng.random() < 0.7 else recip.split()[0] + ",")
        L.space(size * 0.4)

    indent = size * 2.5 if rng.random() < 0.3 else 0
    extras = {"phone": phone(rng, country)}
    topical = rng.random() < 0.5
    for p in range(n_par):
        if lang == "en" and topical and rng.random() < 0.5:
            text = " ".join(sentence(rng, "en", rng.choice(["topic_s", "r_s", "r_s", "news_s"]), extras) for _ in range(rng.randint(2, 6)))
        else:
            text = prose(rng, lang, rng.randint(2, 6), extras=extras)
        if rng.random() < 0.1:
            L.paragraph(text, indent_first=indent, after=0.4)
            for i in range(rng.randint(2, 4)):
                L.paragraph("%s  %s" % (rng.choice(["(%s)" % "abcdef"[i], "%d." % (i + 1), "-", "•"]), sentence(rng, "en", rng.choice(["r_s", "topic_s"]))), x=size * 2, after=0.3)
            continue
        L.paragraph(text, indent_first=indent, after=0.8)
    ending = kind != "continuation" or rng.random() < 0.6
    if ending and (kind != "memo" or rng.random() < 0.3):
        L.line(sentence(rng, lang) if lang != "en" else pick(rng, G_EN["close_s"]))
        L.space(size * 0.8)
    if ending and (kind in ("letter", "continuation") or rng.random() < 0.6):
        L.line(closing(rng, lang))
        if kind == "letter" and org and rng.random() < 0.3:
            L.line(org.upper())
        L.space(size * rng.uniform(2, 4))
        L.line(sender)
        if rng.random() < 0.7:
            L.line(job_title(rng, lang))
        if kind == "email" and rng.random() < 0.7:
            L.line(org or company(rng, country))
            L.line("%s %s" % (T(lang, en="Tel", de="Tel.", fr="Tél."), phone(rng, country)))
    elif ending and kind == "memo" and rng.random() < 0.6:
        L.space(size)
        L.line("".join(p[0] for p in sender.replace(".", "").split()[:2]).upper() + ":" + _letters(rng, 2).lower())
    L.space(size)
    if ending and rng.random() < 0.4:
        L.line(rng.choice(["Enclosure", "Enclosures (%d)" % rng.randint(2, 4), "Encl.", "Attachment", "Anlage", "Anlagen", "P.J. :", "Pièce jointe"]))
    if rng.random() < 0.35:
        L.line("cc: " + ", ".join(person(rng, plang) for _ in range(rng.randint(1, 3))))
    if rng.random() < 0.08:
        L.line("P.S. " + sentence(rng, lang))
    L.kind = kind
    if kind == "email" and rng.random() < 0.4:
        L.space(size)
        L.paragraph("This e-mail and any attachments are confidential and intended solely for the addressee. If you have received it in error, "
                    "please notify the sender and delete it.", size=size * 0.75)
    return L.finish()
