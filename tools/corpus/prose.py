# SPDX-License-Identifier: GPL-3.0-or-later
"""Prose: a small template grammar that expands {slot}s into business sentences (EN/DE/FR)."""

from .world import DE_PLACES, FIRST, FR_PLACES, LAST, MONTHS, UK_PLACES, US_PLACES, brand, company, doc_number, email, fmt_date, person, phone, pick, rand_date

# "{slot}" is replaced by a random expansion of GRAMMAR[slot] (recursively); "{slot}" names
# missing from the grammar are looked up in the call's extras.

G_EN = {
    # Business correspondence.
    "we": ["we", "our team", "our company", "the undersigned", "my colleagues and I", "our office", "our department", "I"],
    "pleased": ["are pleased to", "would like to", "are writing to", "wish to", "are happy to", "must", "want to", "are glad to"],
    "inform": ["inform you", "let you know", "confirm", "advise you", "notify you", "remind you", "point out"],
    "thing": ["the project", "the proposal", "the agreement", "your request", "the shipment", "the meeting", "the study", "the new procedure",
              "the contract", "the programme", "the review", "our cooperation", "the application", "the evaluation", "the campaign", "the renovation",
              "the audit", "the annual report", "the draft", "the samples", "the training course", "the conference", "the survey results", "the revised schedule",
              "the test panel", "the research grant", "the laboratory analysis", "the consumer study", "the product test", "the new filter design",
              "the marketing plan", "the advertising campaign", "the field trial", "the regulatory submission", "the litigation", "the sales promotion",
              "the pilot study", "the toxicology review", "the quality programme", "the distribution agreement", "the price increase",
              "the test cigarettes", "the new flavor", "the sample packs", "the product", "the packaging", "the new brand", "the smoking study"],
    "status": ["has been approved", "has been completed", "is now under way", "will be delayed", "has been postponed", "is progressing well",
               "has been received", "requires further discussion", "was reviewed by the committee", "will start next month", "has been signed",
               "was well received", "has been rescheduled", "is on track", "has been forwarded to the appropriate department"],
    "when": ["last week", "on Monday", "at the end of the month", "in the coming weeks", "by the end of the quarter", "earlier this year",
             "as soon as possible", "before the deadline", "next Tuesday", "during our recent visit", "in the spring", "shortly", "on {date}"],
    "adv": ["Unfortunately", "As discussed", "As you know", "In addition", "Furthermore", "However", "As a result", "In the meantime",
            "Following our conversation", "With reference to your letter", "As requested", "At your convenience", "Please note that",
            "Regarding your enquiry", "For your information", "Accordingly", "To that end", "Nevertheless"],
    "ask": ["Please let us know", "We would appreciate it if you could tell us", "Could you please confirm", "Kindly advise",
            "I would be grateful if you could indicate", "Please inform me", "Would you be so kind as to let me know"],
    "q": ["whether this date is convenient for you", "if you require any further information", "which option you prefer",
          "when we can expect your reply", "if the terms are acceptable", "whether you will be able to attend", "how you wish to proceed",
          "if any changes are needed", "who will be the contact person on your side"],
    "close_s": ["Thank you for your attention to this matter.", "We look forward to hearing from you.", "Thank you once again for your support.",
                "Should anything be unclear, just call me.", "I look forward to working with you.",
                "We appreciate your patience and understanding.", "Thank you for your continued cooperation.",
                "I hope this information is helpful.", "We value our relationship and hope to continue it for many years.",
                "Should you need anything further, please call me directly.", "With many thanks in advance."],
    "topic_s": [
        "{adv}, {thing} {status} {when}.",
        "{we} {pleased} {inform} that {thing} {status}.",
        "{adv}, {we} {pleased} {inform} that {thing} {status} {when}.",
        "Thank you for your letter of {date} concerning {thing}.",
        "I am writing with regard to {thing} that we discussed {when}.",
        "{ask} {q}.",
        "Enclosed please find {enclosure} for your review.",
        "We have enclosed {enclosure}, which sets out the main points.",
        "{adv}, we need {need} before we can proceed.",
        "It was a pleasure to meet you {when} and to learn more about {org_thing}.",
        "Our records show that {record}.",
        "We are confident that {benefit}.",
        "{adv}, my thanks go to you for {thanks_for}.",
        "As agreed, {action} {when}.",
        "The {role} will contact you {when} to arrange {arrange}.",
        "We regret to inform you that {bad}.",
        "I would welcome the opportunity to discuss {thing} with you in person.",
        "{adv}, the costs will be shared as set out in {enclosure}.",
        "Should anything be unclear, ring me on {phone} or write to {email}.",
        "Your comments on {thing} would be most welcome.",
        "I have asked {person} to send you {enclosure} {when}.",
        "We understand that {understand} and have taken steps to {steps}.",
        "As you may know, {r_s_l}",
        "Our preliminary results show that {r_s_l}",
        "I thought you would be interested to learn that {r_s_l}",
        "You will recall that {r_s_l}",
        "In your last letter you asked whether {r_subj} had changed; {r_s_l}",
        "I am enclosing {enclosure}, which shows that {r_s_l}",
        "You are warmly invited to {invite}.",
        "Your paper on {r_subj} was of great interest to {we}.",
        "I should be grateful for your views on {thing}.",
        "{we_c} plan to discuss {thing} at the meeting on {date}.",
        "We are sending you samples of {brand} for evaluation.",
        "The results for {brand} will be available {when}.",
    ],
    "r_s_l": ["{r_subj} {r_verb} by {pct} {r_cmp}.", "{r_subj} is closely related to {r_subj2}.", "the committee recommends that {recommend}.",
              "{num} {units} were examined during the study period.", "{reason} has had a considerable effect on {r_subj}."],
    "invite": ["attend our annual meeting", "speak at the conference in {month}", "visit our laboratories", "join the advisory board",
               "review the enclosed manuscript", "participate in the study", "lunch with our research staff"],
    "enclosure": ["a copy of the signed agreement", "the revised proposal", "our latest brochure", "the minutes of the meeting",
                  "a summary of the results", "the completed questionnaire", "two copies of the contract", "the draft report",
                  "our price list for the coming year", "the documents you requested", "a detailed schedule", "my curriculum vitae",
                  "the technical specifications", "the certificate of insurance", "a map of the site"],
    "need": ["your written approval", "the signed copies", "a few more details", "confirmation of the delivery address",
             "the final figures", "your comments on the draft", "an updated estimate", "the name of your representative"],
    "org_thing": ["your organisation", "your plans for the new facility", "the work of your department", "your research programme",
                  "your company's products", "the activities of your association", "your recent expansion"],
    "record": ["the matter was resolved on {date}", "your account was updated last month", "the goods were dispatched on {date}",
               "no reply has yet been received", "the original order was placed in {month}", "the request was registered under reference {ref}"],
    "benefit": ["the new arrangement will benefit both parties", "this approach will reduce costs considerably",
                "the changes will improve the service you receive", "the results will be of interest to your members",
                "the proposal meets all of your requirements", "our experience in this field will prove valuable"],
    "thanks_for": ["your kind hospitality", "the time you spent with us", "your prompt reply", "your generous contribution",
                   "your helpful suggestions", "the excellent presentation", "your interest in our work", "your support over the past year"],
    "action": ["we will send the revised documents", "the meeting will take place at our offices", "a representative will visit your site",
               "the first delivery will be made", "the agreement will be renewed for a further year", "the new rates will apply"],
    "role": ["project manager", "account manager", "office manager", "secretary of the committee", "head of purchasing", "regional director", "personnel officer"],
    "arrange": ["a suitable date", "the installation", "a visit to the plant", "the next steps", "a short presentation", "the transfer of the files"],
    "bad": ["we are unable to accept your proposal at this time", "the position has already been filled", "the event has been cancelled",
            "the product has been discontinued", "your application was not successful on this occasion", "the deadline cannot be extended"],
    "understand": ["the delay has caused you some inconvenience", "the instructions were not clear", "your needs have changed",
                   "several customers have raised the same concern"],
    "steps": ["prevent this from happening again", "review our internal procedures", "speed up the process", "inform all staff concerned"],

    # Reports, articles, science.
    "r_subj": ["sales in the northern region", "the response rate", "average processing time", "customer satisfaction", "energy consumption",
               "the number of participants", "operating costs", "the proportion of defective units", "market share", "staff turnover",
               "the mean concentration", "total revenue", "the incidence of complaints", "production volume", "website traffic",
               "the number of new accounts", "freight costs", "the error rate", "average attendance", "water usage",
               "nicotine delivery", "tar yield", "the moisture content", "brand awareness", "the smoking rate", "trial purchase",
               "the pressure drop", "puff count", "the particulate matter", "retail distribution", "the awareness score"],
    "r_verb": ["increased", "decreased", "remained stable", "rose sharply", "fell slightly", "doubled", "improved", "declined", "grew steadily", "fluctuated"],
    "r_cmp": ["compared with the previous year", "over the reporting period", "relative to the control group", "since the last survey",
              "in the second quarter", "against the budget", "across all sites", "during the pilot phase", "between {year} and {year2}"],
    "r_s": [
        "{r_subj_c} {r_verb} by {pct} {r_cmp}.",
        "As shown in Table {n}, {r_subj} {r_verb} {r_cmp}.",
        "The data suggest that {r_subj} is closely related to {r_subj2}.",
        "{r_subj_c} {r_verb} {r_cmp}, mainly because of {reason}.",
        "Further analysis is required to determine whether {r_subj} will continue to change.",
        "The committee recommends that {recommend}.",
        "Figure {n} presents {r_subj} for each {unit}.",
        "In total, {num} {units} were examined during the study period.",
        "No significant difference was found between the two groups (p = 0.{n}{n}).",
        "These findings are consistent with earlier work by {last} et al. ({year}).",
        "The main limitation of this analysis is {limitation}.",
        "Most respondents ({pct}) indicated that {opinion}.",
        "The new system was introduced in {month} and has since been adopted by {num} {units}.",
        "Samples were collected at {num} locations and analysed in the laboratory.",
        "The results were evaluated using {method}.",
        "According to the survey, {r_subj} {r_verb} {r_cmp}.",
        "Overall, the outlook for the coming year remains {outlook}.",
        "Section {n} describes {describes}; Section {n2} discusses {describes2}.",
        "A total of {num} {units} took part, of whom {pct} completed all stages.",
        "{reason_c} has had a considerable effect on {r_subj}.",
        "Panelists rated {brand} {higher} than {brand} on {attribute}.",
        "Sales of {brand} {r_verb} {r_cmp}.",
        "The {attribute} of the test product was judged {judged}.",
        "{brand} was preferred by {pct} of the respondents.",
    ],
    "higher": ["higher", "lower", "significantly higher", "slightly lower", "about the same"],
    "attribute": ["sweetness", "bitterness", "texture", "colour", "odour", "ease of use", "grip", "finish", "noise level",
                  "durability", "fit", "softness", "glare", "comfort", "build", "overall quality", "value for money"],
    "judged": ["acceptable", "too strong", "satisfactory", "inferior to the control", "comparable to the leading brand", "excellent"],
    "r_subj2": ["the size of the sample", "seasonal demand", "the level of training", "the age of the equipment", "regional differences", "the price of raw materials"],
    "reason": ["higher raw material prices", "the introduction of the new process", "seasonal effects", "improved training", "changes in demand",
               "the reorganisation of the department", "unfavourable weather conditions", "lower interest rates", "new regulations"],
    "recommend": ["the programme be continued for another year", "additional staff be recruited", "the procedure be reviewed annually",
                  "further tests be carried out", "the budget be increased by {pct}", "a working group be set up to study the issue"],
    "unit": ["region", "month", "product line", "site", "department", "age group", "quarter"],
    "units": ["samples", "patients", "households", "companies", "subjects", "stores", "respondents", "schools", "vehicles", "units"],
    "limitation": ["the small sample size", "the short observation period", "the lack of a control group", "incomplete records", "self-reported data"],
    "opinion": ["the service had improved", "prices were too high", "they would recommend the product", "more information was needed", "the new format was easier to use"],
    "method": ["analysis of variance", "a linear regression model", "standard statistical methods", "a paired t-test", "gas chromatography", "a structured interview"],
    "outlook": ["positive", "uncertain", "cautiously optimistic", "favourable", "challenging"],
    "describes": ["the methods used", "the background", "the main results", "the data sources", "the cost estimates"],
    "describes2": ["the implications", "the limitations", "possible next steps", "the recommendations", "related work"],
    "news_s": [
        "{city} - {org_c} announced on {weekday} that it will {news_act}.",
        "The decision follows months of {news_bg}, a spokesperson said.",
        "\"{quote}\", said {person}, {pos} at {org}.",
        "Officials expect the {news_thing} to be completed by {month} {year}.",
        "The announcement was welcomed by local business leaders.",
        "Critics argue that the plan does not go far enough.",
        "The company employs about {num} people in the region.",
        "Shares rose {pct} in early trading.",
        "The city council is expected to vote on the proposal next week.",
        "{person} told reporters that {opinion}.",
        "The event attracted more than {num} visitors over the weekend.",
        "Further details will be announced at a press conference on {weekday}.",
        "The company said sales of {brand} {r_verb} {r_cmp}.",
        "{org_c} plans to introduce {brand} in {num} markets.",
    ],
    "news_act": ["open a new plant near the city", "cut {num} jobs", "expand its research centre", "merge with a competitor",
                 "invest {num} million in new equipment", "launch a new product line", "close two of its stores", "move its headquarters"],
    "news_bg": ["negotiations", "speculation", "declining sales", "public debate", "planning", "legal uncertainty"],
    "news_thing": ["project", "new building", "merger", "construction work", "road", "study"],
    "quote": ["This is an important step for our company", "We are very pleased with the results", "We will continue to listen to our customers",
              "The situation remains difficult but we are confident", "It is too early to draw conclusions"],
    "pos": ["chief executive", "a spokesperson", "director of operations", "the mayor", "head of research", "a senior analyst"],
    "manual_s": ["Make sure the unit is switched off before {maint}.", "Press the {button} button to {func}.",
                 "Do not {warn}.", "Clean the {part} regularly with a soft, dry cloth.", "If the {part} does not {func2}, check {check}.",
                 "Insert the {part} until it clicks into place.", "Wait at least {n} minutes before {maint}.",
                 "Keep this manual for future reference.", "The indicator light turns green when {cond}.",
                 "Refer to Section {n} for the list of spare parts."],
    "maint": ["opening the cover", "replacing the filter", "cleaning the device", "moving the unit", "changing the battery"],
    "button": ["START", "MODE", "RESET", "POWER", "SET", "MENU"],
    "func": ["select the program", "start the cycle", "adjust the temperature", "reset the counter", "confirm the setting"],
    "warn": ["immerse the unit in water", "use abrasive cleaners", "block the ventilation openings", "operate the device with wet hands", "exceed the maximum load"],
    "part": ["filter", "battery", "cartridge", "cover", "cable", "tray", "nozzle", "display"],
    "func2": ["start", "respond", "light up", "close properly", "heat up"],
    "check": ["the power supply", "the fuse", "that the cover is closed", "the connection", "the water supply"],
    "cond": ["the device is ready", "charging is complete", "the cycle has finished", "the filter is clean"],
}

G_DE = {
    "we": ["wir", "unser Team", "unser Unternehmen", "ich"],
    "topic_s": [
        "vielen Dank für Ihr Schreiben vom {date} bezüglich {de_thing}.",
        "Hiermit bestätigen wir {de_thing} vom {date}.",
        "Wie telefonisch besprochen, übersenden wir Ihnen {de_encl}.",
        "Leider müssen wir Ihnen mitteilen, dass {de_bad}.",
        "Wir freuen uns, Ihnen mitteilen zu können, dass {de_good}.",
        "Bitte teilen Sie uns bis zum {date} mit, {de_q}.",
        "Für Rückfragen stehe ich Ihnen gerne unter {phone} zur Verfügung.",
        "Anbei erhalten Sie {de_encl} mit der Bitte um Prüfung.",
        "Im Rahmen unserer Zusammenarbeit möchten wir Sie über {de_topic} informieren.",
        "Wir bedanken uns für {de_thanks} und hoffen auf eine weitere gute Zusammenarbeit.",
        "Die Änderungen treten zum {date} in Kraft.",
        "Sollten Sie Fragen haben, wenden Sie sich bitte an {person}.",
        "Bezüglich {de_thing} möchten wir noch einmal auf die vereinbarten Termine hinweisen.",
        "Wir würden uns freuen, Sie bei unserer Veranstaltung am {date} begrüßen zu dürfen.",
        "Die Unterlagen wurden an die zuständige Abteilung weitergeleitet.",
        "Unser Mitarbeiter wird sich in den nächsten Tagen mit Ihnen in Verbindung setzen.",
    ],
    "de_thing": ["Ihre Anfrage", "den Vertrag", "das Angebot", "die Bestellung", "das Projekt", "Ihre Bewerbung", "die Besprechung", "die Lieferung", "den Wartungsvertrag"],
    "de_encl": ["die gewünschten Unterlagen", "eine Kopie des Vertrages", "unser aktuelles Angebot", "das Protokoll der Sitzung", "den überarbeiteten Entwurf", "unsere Preisliste"],
    "de_bad": ["wir Ihr Angebot nicht annehmen können", "sich die Lieferung verzögert", "die Veranstaltung verschoben werden muss", "die Stelle bereits besetzt ist"],
    "de_good": ["Ihr Antrag genehmigt wurde", "das Projekt erfolgreich abgeschlossen wurde", "wir Ihre Bewerbung in die engere Auswahl genommen haben", "die Arbeiten planmäßig verlaufen"],
    "de_q": ["ob Ihnen der Termin passt", "wie Sie weiter verfahren möchten", "wer Ihr Ansprechpartner ist", "ob Sie weitere Informationen benötigen"],
    "de_topic": ["die neuen Öffnungszeiten", "die Umstellung unseres Systems", "die geänderten Lieferbedingungen", "unseren Umzug", "die neuen Ansprechpartner"],
    "de_thanks": ["Ihr Vertrauen", "das angenehme Gespräch", "Ihre schnelle Rückmeldung", "Ihre Unterstützung"],
    "r_s": ["Im Berichtszeitraum ist {de_rsubj} um {pct} {de_rverb}.", "Die Ergebnisse zeigen, dass {de_rsubj} deutlich {de_rverb} ist.",
            "Wie Tabelle {n} zeigt, ist {de_rsubj} im Vergleich zum Vorjahr {de_rverb}.", "Insgesamt wurden {num} Proben untersucht.",
            "Die Geschäftsführung empfiehlt, das Programm fortzuführen.", "Weitere Untersuchungen sind erforderlich.",
            "Die wichtigsten Ergebnisse sind in Abschnitt {n} zusammengefasst.", "Der Umsatz entwickelte sich im Jahr {year} positiv."],
    "de_rsubj": ["der Umsatz", "die Zahl der Mitarbeiter", "der Energieverbrauch", "die Kundenzufriedenheit", "die Fehlerquote", "die Produktion"],
    "de_rverb": ["gestiegen", "gesunken", "gewachsen", "zurückgegangen"],
}

G_FR = {
    "topic_s": [
        "Nous vous remercions de votre courrier du {date} concernant {fr_thing}.",
        "Nous avons le plaisir de vous informer que {fr_good}.",
        "Nous avons le regret de vous informer que {fr_bad}.",
        "Vous trouverez ci-joint {fr_encl}.",
        "Nous vous prions de bien vouloir nous indiquer {fr_q}.",
        "Pour toute information complémentaire, vous pouvez me joindre au {phone}.",
        "Suite à notre entretien téléphonique, je vous confirme {fr_thing}.",
        "Les modifications entreront en vigueur le {date}.",
        "Notre responsable prendra contact avec vous dans les prochains jours.",
        "Nous restons à votre disposition pour tout renseignement.",
        "Dans le cadre de notre collaboration, nous souhaitons vous présenter {fr_thing}.",
        "Nous vous serions reconnaissants de bien vouloir nous retourner le document signé.",
    ],
    "fr_thing": ["votre demande", "le contrat", "notre proposition", "la commande", "le projet", "votre candidature", "la réunion", "la livraison"],
    "fr_good": ["votre demande a été acceptée", "le projet est terminé", "votre dossier est complet", "les travaux avancent comme prévu"],
    "fr_bad": ["nous ne pouvons pas donner suite à votre demande", "la livraison sera retardée", "la réunion est reportée", "le poste a déjà été pourvu"],
    "fr_encl": ["une copie du contrat", "notre nouvelle offre", "le compte rendu de la réunion", "les documents demandés", "notre catalogue"],
    "fr_q": ["si cette date vous convient", "la suite que vous souhaitez donner", "le nom de votre interlocuteur", "vos disponibilités"],
    "r_s": ["Au cours de la période, {fr_rsubj} a {fr_rverb} de {pct}.", "Les résultats montrent que {fr_rsubj} a nettement {fr_rverb}.",
            "Au total, {num} échantillons ont été analysés.", "Le comité recommande de poursuivre le programme.",
            "Comme le montre le tableau {n}, {fr_rsubj} a {fr_rverb} par rapport à l'année précédente.", "Des études complémentaires sont nécessaires."],
    "fr_rsubj": ["le chiffre d'affaires", "le nombre de clients", "la consommation d'énergie", "la production", "le taux d'erreur"],
    "fr_rverb": ["augmenté", "diminué", "progressé", "baissé"],
}

GRAMMARS = {"en": G_EN, "de": G_DE, "fr": G_FR}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def expand(rng, template, lang="en", extras=None, depth=0):
    g = GRAMMARS.get(lang, G_EN)
    out, i = [], 0
    while i < len(template):
        j = template.find("{", i)
        if j < 0:
            out.append(template[i:])
            break
        k = template.find("}", j)
        out.append(template[i:j])
        key = template[j + 1:k]
        out.append(_slot(rng, key, g, lang, extras or {}, depth))
        i = k + 1
    s = "".join(out)
    return s


def _slot(rng, key, g, lang, extras, depth):
    cap = key.endswith("_c")
    base = key[:-2] if cap else key
    if base in extras:
        v = extras[base]
        v = v(rng) if callable(v) else v
    elif base in g and depth < 6:
        v = expand(rng, pick(rng, g[base]), lang, extras, depth + 1)
    elif base in G_EN and depth < 6:
        v = expand(rng, pick(rng, G_EN[base]), "en", extras, depth + 1)
    elif base == "date":
        v = fmt_date(rng, rand_date(rng, 1975, 2025), rng.choice(["long_en", "long_en_d", "dmy/", "mdy"]) if lang == "en" else ("long_de" if lang == "de" else "long_fr"))
    elif base == "month":
        v = pick(rng, MONTHS.get(lang, MONTHS["en"]))
        v = v[:1].upper() + v[1:] if lang != "fr" else v
    elif base in ("year", "year2"):
        v = str(rng.randint(1975, 2025))
    elif base == "pct":
        v = rng.choice(["%d%%" % rng.randint(2, 60), "%.1f%%" % rng.uniform(0.5, 40), "%d percent" % rng.randint(2, 60)])
    elif base in ("n", "n2"):
        v = str(rng.randint(1, 9))
    elif base == "num":
        v = str(rng.choice([rng.randint(12, 99), rng.randint(100, 999), rng.randint(1000, 25000)]))
    elif base == "brand":
        v = brand(rng)
    elif base == "person":
        v = person(rng, lang if lang in FIRST else "en")
    elif base == "last":
        v = pick(rng, LAST["en"] + LAST["de"])
    elif base == "org":
        v = company(rng, rng.choice(["US", "UK", "DE", "FR"]))
    elif base == "city":
        v = rng.choice([c for c, _ in US_PLACES] + UK_PLACES + DE_PLACES[:10] + FR_PLACES[:8]).upper()
    elif base == "weekday":
        v = pick(rng, WEEKDAYS)
    elif base == "phone":
        v = phone(rng, rng.choice(["US", "UK", "DE", "FR"]))
    elif base == "email":
        v = email(rng, company(rng, "US"), person(rng, "en"))
    elif base == "ref":
        v = doc_number(rng, ("REF", "Ref.", "AZ", ""))
    else:
        v = base
    if cap and v:
        v = v[:1].upper() + v[1:]
    return v


def sentence(rng, lang, kind="topic_s", extras=None):
    g = GRAMMARS.get(lang, G_EN)
    pool = g.get(kind) or G_EN[kind]
    s = expand(rng, pick(rng, pool), lang if kind in g else "en", extras)
    return s[:1].upper() + s[1:]


def prose(rng, lang, n_sent, kind="topic_s", extras=None):
    return " ".join(sentence(rng, lang, kind, extras) for _ in range(n_sent))
