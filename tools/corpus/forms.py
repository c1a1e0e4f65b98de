# SPDX-License-Identifier: GPL-3.0-or-later
"""Forms: fields, blanks, boxes and checkboxes."""

from .layout import Layout
from .world import FIRST, LAST, Money, _digits, _letters, address, brand, company, date_kind_for, email, fmt_date, iban, person, phone, pick, rand_date
from .prose import GRAMMARS, expand, prose, sentence
from .goods import INVOICE_ITEMS, UNITS, item_name, lang_of, weighted

FORM_COUNTRIES = [("US", 50), ("UK", 14), ("DE", 12), ("FR", 8), ("CA", 3), ("AU", 3), ("MY", 4), ("SG", 2), ("CH", 2), ("NL", 2)]

# Field kinds: name, date, text, phone, addr, num, money, check (options), sign, long, code, email, yn
F_PERSON_EN = [("Name", "name"), ("Full Name", "name"), ("Last Name", "last"), ("First Name", "first"), ("Date of Birth", "date"),
               ("Address", "addr"), ("City", "city"), ("State", "code"), ("Postcode", "num"), ("Telephone", "phone"), ("Phone", "phone"),
               ("E-mail", "email"), ("Social Security No.", "num"), ("Sex", "check:M|F"), ("Marital Status", "check:Single|Married|Divorced|Widowed"),
               ("Nationality", "text"), ("Occupation", "text"), ("Employer", "org"), ("Home Phone", "phone"), ("Work Phone", "phone"), ("Mobile", "phone")]
F_WORK_EN = [("Department", "dept"), ("Position", "text"), ("Employee No.", "num"), ("Supervisor", "name"), ("Cost Center", "num"),
             ("Account Ref.", "num"), ("Project Ref.", "code"), ("Cost Centre", "code"), ("Location", "city"), ("Extension", "num"),
             ("Start Date", "date"), ("End Date", "date"), ("Requested by", "name"), ("Authorised by", "name"), ("Needed by", "date"),
             ("Division", "dept"), ("Room No.", "num"), ("Mail Stop", "code"), ("Brand", "brand"), ("Program", "text"), ("Job Title", "text")]
_MORE_LABELS = ("Account Name|Agency|Applicant|Area Code|Authorized by|Batch No.|Birthplace|Branch|Building|Category|Certificate No.|"
                "Charge No.|Checked by|Claim No.|Client|Company Name|Completed by|Contract No.|Country|County|Course Title|Customer|"
                "Date Issued|Date Received|Date Shipped|Delivery Date|Description of Work|Destination|Document No.|Driver's License No.|"
                "Effective Date|Emergency Contact|Estimated Completion|Expiration Date|Fax Number|File No.|Grade|Group No.|Hours|ID Number|"
                "Insurance Carrier|Issue Date|Job Description|Last Day Worked|License Plate|Location Code|Lot No.|Make/Model|Manager|"
                "Meeting Date|Member ID|Middle Initial|Model No.|Name of Spouse|Nature of Business|Next Review Date|No. of Copies|Office|"
                "Order Date|Origin|Owner|Part No.|Payee|Period Covered|Place of Birth|Policy No.|Position Title|Prepared by|Previous Address|"
                "Project Title|Purpose of Trip|Quantity Ordered|Reason|Received by|Reference No.|Relationship|Reported by|Request Date|"
                "Requisition No.|Review Date|Salary|School|Serial No.|Shift|Ship Via|Site|Sponsor|Start Time|Station|Subject|Submitted by|"
                "Supervisor's Signature|Telephone No.|Term|Territory|Title|Total Hours|Type of Leave|Unit|Vehicle No.|Vendor No.|Verified by|"
                "Witness|Year|Room|Floor|Plant|Product|Formula No.|Test No.|Batch Size|Operator|Machine No.|Run No.|Inspector's Name|"
                "Date Completed|Originator|Authorization No.|Program Name|Event|Attendance|Location of Incident|Time of Incident|"
                "Nature of Injury|Body Part|Treatment|Physician|Hospital|Insurance No.|Group|Plan|Dependents|Beneficiary").split("|")


def _guess_kind(label):
    l = label.lower()
    for keys, kind in ((("date", "day", "year"), "date"), (("signature",), "sign"), (("phone", "fax"), "phone"),
                       (("no.", "number", "id", "code", "#"), "num"), (("by", "name", "manager", "witness", "payee", "owner", "physician", "operator",
                                                                             "originator", "inspector", "applicant", "beneficiary", "spouse"), "name"),
                       (("address", "destination", "origin", "location", "birthplace", "place"), "city"), (("salary",), "money"),
                       (("hours", "copies", "size", "attendance", "quantity", "room", "floor", "dependents"), "num"),
                       (("company", "agency", "carrier", "client", "customer", "sponsor", "hospital", "school"), "org")):
        if any(k in l for k in keys):
            return kind
    return "text"


F_MORE_EN = [(lab, _guess_kind(lab)) for lab in _MORE_LABELS]
# Labels that are phrases rather than single nouns.
F_PHRASES_EN = [("Requested on", "date"), ("Name of Applicant", "name"), ("Number of Copies", "num"), ("Covering from", "date"), ("to", "date"),
                ("From", "name"), ("To", "name"), ("Other (please state)", "text"), ("Why it is needed", "text"), ("Ship by", "text"),
                ("Place of Work", "city"), ("Kind of item", "text"), ("Purpose of Visit", "text"), ("Description of Item", "text"),
                ("Result of Test", "text"), ("Name and Address of Employer", "addr"), ("Signature of Supervisor", "sign"),
                ("Date Approved", "date"), ("Authorised by", "name"), ("Number of Units", "num"), ("Length of Service", "num"),
                ("Source of Funds", "text"), ("Date of Last Review", "date"), ("Company name", "org"), ("Area of Responsibility", "dept"),
                ("Total Number of Pages", "num"), ("Is this a Rush?", "check:Yes|No"), ("Initials", "initials"), ("Checked by (initials)", "initials"),
                ("Amount of Increase", "money"), ("Name of Product", "brand"), ("Code No. of Sample", "code"), ("Subject", "text"), ("Re", "text"),
                ("Circulated to", "name"), ("Date of Issue", "date"), ("Effective from", "date"), ("Level of Priority", "check:A|B|C")]
DEPTS = ["Marketing", "Product Engineering", "Finance", "Human Resources", "Purchasing", "Legal", "Quality Assurance", "Operations",
         "Sales", "Engineering", "Public Affairs", "Information Systems", "Manufacturing", "Logistics", "Customer Service", "Accounting"]
FORM_TEXT_VALUES = ["Attached", "N/A", "Yes", "No", "Pending", "As discussed", "Per request", "Approved", "Urgent", "Standard",
                    "Quarterly", "Monthly", "Completed", "In progress", "To be confirmed", "Same as above", "None"]

FORM_TYPES_EN = {
    "fax": ["FAX COVER PAGE", "FACSIMILE TRANSMITTAL", "Fax Transmission", "FAX", "TELECOPY COVER SHEET", "FACSIMILE COVER SHEET"],
    "request": ["REQUEST FOR {x}", "{x} REQUEST", "{x} Request", "APPLICATION FOR {x}", "{x} AUTHORIZATION", "{x} REQUEST FORM"],
    "survey": ["QUESTIONNAIRE", "Customer Satisfaction Survey", "{x} SURVEY", "Evaluation Form", "Feedback Form", "{x} QUESTIONNAIRE"],
    "checklist": ["INSPECTION CHECKLIST", "{x} Checklist", "Safety Inspection Report", "Quality Control Checklist", "Site Inspection Form", "Vehicle Inspection Report"],
    "registration": ["REGISTRATION", "{x} Registration", "Enrollment", "Membership Application", "New Patient Registration", "Course Registration"],
    "order": ["ORDER FORM", "PURCHASE REQUEST", "Requisition", "Supply Request", "Material Requisition", "Stationery Order"],
    "routing": ["ROUTING SLIP", "Routing and Transmittal Slip", "Document Routing", "Circulation Slip", "Action Slip", "Transmittal"],
    "report": ["INCIDENT REPORT", "Accident Report Form", "{x} REPORT FORM", "Test Report", "Field Report", "Product Evaluation Form", "Daily Activity Report"],
    "application": ["APPLICATION", "Employment Application", "Application for Leave", "Grant Application", "Credit Application", "Permit Application"],
    "claim": ["EXPENSE CLAIM FORM", "Travel Expense Report", "Claim Form", "Reimbursement Request", "Mileage Claim"],
    "change": ["CHANGE OF ADDRESS", "Personnel Action", "Change Request", "Account Update", "Authorization Form", "Consent Form"],
}
FORM_X = ["PROPOSAL", "PROJECT", "INFORMATION", "ACCESS", "MAINTENANCE", "TRAVEL", "PURCHASE", "QUOTATION", "RESEARCH", "SAMPLE", "ANALYSIS",
          "CHECK", "PAYMENT", "LEAVE", "TRAINING", "PRINTING", "ARTWORK", "PRODUCT TEST", "CONSUMER RESEARCH", "ADVERTISING", "BUDGET",
          "EQUIPMENT", "SOFTWARE", "VISITOR", "FACILITY", "CAPITAL EXPENDITURE", "MEDIA", "PROMOTION", "MARKET RESEARCH", "LABORATORY"]

FORM_DE = {"title": ["Antrag auf {x}", "Anmeldeformular", "Fragebogen", "Bestellformular", "Erfassungsbogen", "Personalbogen", "Prüfprotokoll",
                     "Reisekostenabrechnung", "Schadensmeldung", "Änderungsmitteilung", "Urlaubsantrag", "Faxmitteilung", "Checkliste {x}"],
           "x": ["Zuschuss", "Genehmigung", "Erstattung", "Mitgliedschaft", "Zugang", "Wartung", "Beschaffung", "Dienstreise", "Abnahme"],
           "fields": [("Name", "last"), ("Vorname", "first"), ("Geburtsdatum", "date"), ("Straße, Hausnummer", "street"), ("PLZ, Ort", "city"),
                      ("Telefon", "phone"), ("E-Mail", "email"), ("Abteilung", "dept"), ("Personalnummer", "num"), ("Kostenstelle", "num"),
                      ("Datum", "date"), ("Ort, Datum", "city"), ("Unterschrift", "sign"), ("Genehmigt durch", "name"), ("Betrag", "money"),
                      ("Begründung", "long"), ("Bemerkungen", "long"), ("Staatsangehörigkeit", "text"), ("Familienstand", "check:ledig|verheiratet|geschieden"),
                      ("Bankverbindung (IBAN)", "iban"), ("Zeitraum von", "date"), ("bis", "date"), ("Anzahl", "num"), ("Firma", "org"),
                      ("Ansprechpartner", "name"), ("Vorgesetzter", "name"), ("Zutreffendes bitte ankreuzen", "check:ja|nein")],
           "sections": ["Angaben zur Person", "Angaben zum Antrag", "Erklärung", "Bankverbindung", "Nur für interne Zwecke", "Genehmigung", "Anlagen"],
           "yes": "ja", "no": "nein", "sign": "Unterschrift", "date": "Datum", "office": "Vom Amt auszufüllen", "decl": "Ich versichere, dass die Angaben vollständig und richtig sind."}
FORM_FR = {"title": ["Formulaire de demande", "Fiche d'inscription", "Questionnaire", "Bon de commande", "Demande de {x}", "Fiche de renseignements",
                     "Déclaration de sinistre", "Note de frais", "Demande de congé", "Bordereau de transmission", "Fiche de contrôle", "Télécopie"],
           "x": ["remboursement", "subvention", "autorisation", "adhésion", "accès", "intervention", "matériel", "formation"],
           "fields": [("Nom", "last"), ("Prénom", "first"), ("Date de naissance", "date"), ("Adresse", "street"), ("Code postal / Ville", "city"),
                      ("Téléphone", "phone"), ("Courriel", "email"), ("Service", "dept"), ("Matricule", "num"), ("Date", "date"), ("Fait à", "city"),
                      ("Signature", "sign"), ("Montant", "money"), ("Motif", "long"), ("Observations", "long"), ("Nationalité", "text"),
                      ("Situation familiale", "check:célibataire|marié(e)|divorcé(e)"), ("Société", "org"), ("Responsable", "name"), ("Visa du responsable", "sign")],
           "sections": ["Renseignements personnels", "Objet de la demande", "Pièces à joindre", "Cadre réservé à l'administration", "Engagement", "Validation"],
           "yes": "oui", "no": "non", "sign": "Signature", "date": "Date", "office": "Cadre réservé à l'administration", "decl": "Je certifie l'exactitude des renseignements fournis."}

SURVEY_Q = ["How satisfied are you with {s}?", "How often do you use {s}?", "Would you recommend {s} to a friend?", "How would you rate {s}?",
            "Did {s} meet your expectations?", "Please rate the quality of {s}.", "How likely are you to purchase {s} again?",
            "Was the information about {s} easy to understand?", "Which of the following best describes {s}?", "How important is {s} to you?",
            "What did you like most about {s}?", "What could be improved about {s}?", "Overall, how would you rate {s}?"]
SURVEY_S = ["our service", "the product", "the training course", "the taste", "the packaging", "the delivery time", "the staff", "the website",
            "the price", "the event", "the cigarette", "the new flavor", "the sample", "the instructions", "the facilities", "customer support",
            "{brand}"]
SCALES = [["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied"], ["Excellent", "Good", "Fair", "Poor"],
          ["1", "2", "3", "4", "5"], ["Strongly agree", "Agree", "Disagree", "Strongly disagree"], ["Yes", "No", "Not sure"],
          ["Always", "Often", "Sometimes", "Rarely", "Never"], ["Too strong", "Just right", "Too mild"], ["Daily", "Weekly", "Monthly", "Never"]]
CHECK_ITEMS = ["Fire extinguishers charged and accessible", "Emergency exits clear", "First aid kit stocked", "Lighting adequate", "Floors clean and dry",
               "Guards in place", "Labels legible", "Electrical cords in good condition", "PPE available", "Ladders inspected", "Storage areas orderly",
               "Brakes", "Tyres / tread depth", "Lights and indicators", "Horn", "Wipers", "Oil level", "Seat belts", "Documents on file", "Calibration current",
               "Temperature log complete", "Samples labelled", "Hand washing facilities", "Waste disposal", "Signage posted", "Ventilation working",
               "Equipment cleaned", "Batch record signed", "Seals intact", "Packaging undamaged", "Quantity verified", "Spill kit available"]
F_RND_SHORT = [("Specimen No.", "num"), ("Project Ref.", "code"), ("Requested by", "name"), ("Asked on", "date"), ("Needed by", "date"),
               ("Brand", "brand"), ("Batch", "code"), ("Item Code", "code"), ("Test Type", "text"), ("Panel Size", "num"), ("No. of Samples", "num"),
               ("Laboratory", "dept"), ("Analyst", "name"), ("Authorised by", "name"), ("Estimated Cost", "money"), ("Budget Line", "code"),
               ("Market", "city"), ("Test Market", "city"), ("Target Group", "text"), ("Media", "text"), ("Start Date", "date"),
               ("Finish Date", "date"), ("Supplier", "org"), ("Specification No.", "code"), ("Diameter (mm)", "num"), ("Thickness (mm)", "num"),
               ("Weight", "num"), ("Coating", "text"), ("Container", "text"), ("Quantity", "num"), ("Charge to Account", "num"), ("Job Ref.", "code"),
               ("Priority", "check:High|Normal|Low"), ("Status", "check:New|Revised|Cancelled"), ("Department", "dept"), ("Program", "text"),
               ("Region", "city"), ("Agency", "org"), ("Contact", "name"), ("Phone", "phone"), ("Period", "date"), ("Reference", "code")]
F_RND_LONG = ["Objective", "Background", "Method", "Procedure", "Results", "Conclusions", "Recommendations", "Description", "Purpose",
              "Justification", "Comments", "Special Instructions", "Remarks", "Summary", "Action Required", "Scope of Work"]
F_RND_TITLES = ["{x} REQUEST", "PROJECT REQUEST", "TEST REQUEST", "ANALYTICAL REQUEST", "PRODUCT SPECIFICATION", "RESEARCH PROPOSAL",
                "PROMOTION EVALUATION", "SAMPLE REQUEST", "BUDGET REVISION", "CONTRACT SUMMARY", "MEDIA AUTHORIZATION", "LABORATORY REPORT",
                "PROJECT SUMMARY", "WORK ORDER", "{x} AUTHORIZATION FORM", "{x} PROPOSAL FORM", "REPORT OF {x}", "{x} DATA SHEET"]
ROUTING_ACTIONS = ["Approval", "Signature", "Comment", "Information", "File", "Note and Return", "Per Conversation", "Prepare Reply", "Investigate",
                   "Circulate", "Review", "Your Action", "See Me", "Call Me", "Coordination", "Necessary Action"]


class FormWriter:
    """Writes fields in one of several visual styles, filling some of them."""

    def __init__(self, L, rng, lang, country, fill, typed_family):
        self.L, self.rng, self.lang, self.country = L, rng, lang, country
        self.fill = fill  # probability that a field has a value
        self.typed_family = typed_family
        self.style = rng.choice(["colon_line", "underscores", "boxes", "above", "colon_only", "dots", "dashes", "dashes", "typed"])
        self.cols = rng.choice([1, 1, 2, 2, 3])
        self.checkbox = rng.choice(["drawn", "brackets", "brackets", "parens", "underscore", "blank"])
        self.up = rng.random() < 0.35
        self.caption = rng.uniform(0.5, 0.8)  # relative size of captions in boxed fields

    def value(self, kind):
        r, lg, c = self.rng, self.lang, self.country
        plang = lg if lg in FIRST else "en"
        if kind == "name":
            return person(r, plang)
        if kind == "first":
            return pick(r, FIRST[plang])
        if kind == "last":
            return pick(r, LAST[plang])
        if kind == "date":
            if r.random() < 0.4:
                return fmt_date(r, rand_date(r, 1960, 2000), "mdy_short" if c in ("US", "CA") else "dmy_short")
            return fmt_date(r, rand_date(r, 1970, 2025), date_kind_for(r, c, lg))
        if kind == "addr":
            return ", ".join(address(r, c)[:2])
        if kind == "street":
            return address(r, c)[0]
        if kind == "city":
            return address(r, c)[-1]
        if kind == "phone":
            return phone(r, c)
        if kind == "email":
            return email(r, company(r, c), person(r, plang))
        if kind == "num":
            return _digits(r, r.choice([1, 2, 2, 3, 3, 4, 5, 6, 7, 9])).lstrip("0") or "0"
        if kind == "code":
            return r.choice([_letters(r, 2) + "-" + _digits(r, 3), _digits(r, 4) + "-" + _digits(r, 2), _letters(r, 1) + _digits(r, 5)])
        if kind == "money":
            return Money(r, c)(r.uniform(5, 5000))
        if kind == "org":
            return company(r, c)
        if kind == "dept":
            return pick(r, DEPTS)
        if kind == "brand":
            return brand(r)
        if kind == "iban":
            return iban(r, c)
        if kind == "long":
            return sentence(r, lg if lg in GRAMMARS else "en")
        if kind == "sign":
            return ""
        if kind == "initials":
            return r.choice(["%s%s", "%s.%s.", "%s%s%s"]).replace("%s", "{}").format(*[chr(65 + r.randrange(26)) for _ in range(3)])
        return pick(r, FORM_TEXT_VALUES) if r.random() < 0.5 else expand(r, "{thing}", "en")

    def fit(self, text, width, family=None):
        """Drops words from the end of `text` until it fits in `width` points."""
        words = text.split(" ")
        while len(words) > 1 and self.L.measure(" ".join(words), family=family) > width:
            words.pop()
        return " ".join(words)

    def box(self, x, checked):
        L = self.L
        s = L.size
        if self.checkbox == "drawn":
            L.box(x, L.y - s * 0.75, s * 0.8, s * 0.8)
            if checked:
                L.put(x + s * 0.12, "X", size=s * 0.8, family=self.typed_family)
            return s * 1.3
        mark = "X" if checked else " "
        t = {"brackets": "[%s]", "parens": "(%s)", "underscore": "_%s_", "blank": "__%s"}[self.checkbox] % (mark if self.checkbox != "blank" else ("X" if checked else "_"))
        L.put(x, t)
        return L.measure(t) + s * 0.4

    def checks(self, label, options, x=0, width=None):
        L = self.L
        L.ensure(L.size * 1.5)
        L.y += L.size * 1.1
        lab = (label.upper() if self.up else label)
        if lab:
            L.put(x, lab + ":")
            cx = x + L.measure(lab + ":") + L.size
        else:
            cx = x
        if len(options) > 2 and "Other" not in options and self.rng.random() < 0.3:
            options = options + [self.rng.choice(["Other", "Other:", "Other (please state)"])]
        chosen = self.rng.randrange(len(options)) if self.rng.random() < self.fill else -1
        limit = x + (width or L.inner)
        for i, o in enumerate(options):
            need = L.size * 1.3 + L.measure(o) + L.size
            if cx + need > limit:
                L.y += L.size * 1.4
                cx = x + L.size * 2
            cx += self.box(cx, i == chosen)
            L.put(cx, o)
            cx += L.measure(o) + L.size * 1.2
        L.y += L.size * 0.5

    def field(self, label, kind, x=0, width=None):
        L, r = self.L, self.rng
        width = width or L.inner - x
        if kind.startswith("check:"):
            return self.checks(label, kind[6:].split("|"), x, width)
        lab = label.upper() if self.up else label
        val = self.value(kind) if (r.random() < self.fill and kind != "sign") else ""
        style = self.style
        if kind in ("sign", "long") and style not in ("boxes",):
            style = "colon_line"
        if style == "above":
            L.ensure(L.size * 3)
            L.y += L.size * 0.9
            L.put(x, lab, size=L.size * 0.8)
            L.y += L.size * 1.3
            if val:
                L.put(x + 3, self.fit(val, width - 12, self.typed_family), family=self.typed_family)
            L.hline_at(x, x + width - 8, L.y + 3)
            L.y += L.size * 0.9
            return
        if kind == "long" and style == "boxes":
            return self.long_answer(label, x, width)
        if style == "boxes":
            L.ensure(L.size * 2.6)
            top = L.y + 2
            h = L.size * 2.6
            L.box(x, top, width - 4, h)
            L.y = top + L.size * 0.95
            L.put(x + 3, lab, size=L.size * self.caption)
            L.y = top + L.size * 2.1
            if val:
                L.put(x + 6, self.fit(val, width - 14, self.typed_family), family=self.typed_family)
            L.y = top + h + 2
            return
        if kind == "long" and r.random() < 0.6:
            return self.long_answer(label, x, width)
        L.ensure(L.size * 1.8)
        L.y += L.size * 1.35
        if style in ("dashes", "typed"):
            lead = " " + "-" * r.randint(3, 12) + " " if style == "dashes" else ": "
            t = lab + lead
            L.put(x, t, family=self.typed_family if style == "typed" else None)
            if val:
                vx = x + L.measure(t) + 2
                L.put(vx, self.fit(val, x + width - vx - 6, self.typed_family), family=self.typed_family)
            elif style == "typed":
                L.put(x + L.measure(t) + 2, "_" * r.randint(8, 25))
            L.y += L.size * 0.4
            return
        sep = {"colon_line": ":", "underscores": ":", "colon_only": ":", "dots": ""}[style]
        if r.random() < 0.15:
            sep = ""
        L.put(x, lab + sep)
        vx = x + L.measure(lab + sep) + L.size * 0.6
        if style == "underscores" and not val:
            n = max(3, int((x + width - vx - 8) / L.measure("_")))
            L.put(vx, "_" * n)
        elif style == "dots" and not val:
            n = max(3, int((x + width - vx - 8) / L.measure(".")))
            L.put(vx, "." * n)
        elif style != "colon_only" or not val:
            L.hline_at(vx, x + width - 8, L.y + 2, width=0.5)
        if val:
            L.put(vx + 4, self.fit(val, x + width - vx - 10, self.typed_family), family=self.typed_family)
        if kind == "long":
            for _ in range(r.randint(1, 3)):
                L.y += L.size * 1.5
                L.hline_at(x, x + width - 8, L.y + 2, width=0.5)
        L.y += L.size * 0.4

    def long_answer(self, label, x=0, width=None):
        """A label followed by a typed, wrapped answer of a few sentences (or blank lines)."""
        L, r = self.L, self.rng
        width = width or L.inner - x
        lab = (label.upper() if self.up else label) + ":"
        L.ensure(L.size * 3)
        boxed = self.style == "boxes" and r.random() < 0.7
        text = ""
        if r.random() < self.fill:
            text = " ".join(sentence(r, "en" if self.lang not in GRAMMARS else self.lang, r.choice(["r_s", "topic_s", "r_s"])) for _ in range(r.randint(1, 4)))
            if r.random() < 0.3:
                text = text.upper()  # typewriter capitals
        if boxed:  # a tiny caption in the box corner, the answer below it
            top = L.y + 2
            L.y = top + L.size * 0.7
            L.put(x + 2, lab.rstrip(":").upper(), size=L.size * r.uniform(0.45, 0.7))
            lines = L.wrap(text, width - 16, family=self.typed_family) if text else ["", ""]
            for ln in lines:
                L.y += L.size * 1.25
                L.put(x + 8, ln, family=self.typed_family)
            L.y += L.size * r.uniform(0.6, 3)
            L.box(x, top, width - 4, L.y - top)
            L.y += 2
            return
        L.y += L.size * 1.35
        L.put(x, lab)
        ax = x + max(L.measure(lab) + L.size, width * r.choice([0.22, 0.28, 0.35]))
        if text:
            lines = L.wrap(text, x + width - ax - 6, family=self.typed_family)
            for i, ln in enumerate(lines):
                if i:
                    L.ensure(L.size * 1.3)
                    L.y += L.size * 1.25
                L.put(ax, ln, family=self.typed_family)
        else:
            for i in range(r.randint(1, 4)):
                if i:
                    L.y += L.size * 1.5
                L.hline_at(ax, x + width - 8, L.y + 2, width=0.5)
        L.y += L.size * 0.6

    def grid(self, fields):
        """Lays out fields in self.cols columns."""
        L = self.L
        gutter = 0
        if self.rng.random() < 0.25:
            fmt = self.rng.choice(["%d.", "%d)", "(%d)", "%d"])
            if self.rng.random() < 0.5:  # numbers in their own column at the margin
                gutter = L.size * self.rng.uniform(2.5, 4)
                self.first_number = getattr(self, "first_number", 0)
                fields = [(lab, kind, fmt % (self.first_number + i + 1)) for i, (lab, kind) in enumerate(fields)]
                self.first_number += len(fields)
            else:
                fields = [((fmt % (i + 1)) + " " + lab, kind) for i, (lab, kind) in enumerate(fields)]
        cols = self.cols if self.style != "above" else max(self.cols, 2)
        cw = L.inner / cols
        i = 0
        while i < len(fields):
            row = fields[i:i + cols]
            y0 = L.y
            ys = []
            for j, f in enumerate(row):
                L.y = y0
                if gutter:
                    self.field(f[0], f[1], x=j * cw + gutter, width=cw - gutter)
                    L.put(j * cw, f[2], y=L.y - L.size * 0.4)
                else:
                    self.field(f[0], f[1], x=j * cw, width=cw)
                ys.append(L.y)
            L.y = max(ys)
            i += cols

    def section(self, title):
        L = self.L
        L.space(L.size * 0.6)
        r = self.rng
        st = r.choice(["bold", "bar", "number", "upper"])
        t = title.upper() if st == "upper" else title
        if st == "bar":
            L.rule(width=1.2, dy=2)
        L.line(t, bold=st != "upper" or r.random() < 0.5, size=L.size * 1.05)
        if st == "bold" and r.random() < 0.5:
            L.rule(width=0.5, dy=1)


def build_form(rng, fonts):
    country = weighted(rng, FORM_COUNTRIES)
    lang = lang_of(rng, country)
    if lang in ("ms", "nl"):
        lang = "en"
    letter_paper = country in ("US", "CA") and rng.random() < 0.85
    W, H = (612, 792) if letter_paper else (595, 842)
    family = rng.choice(["sans", "sans", "serif", "mono"])
    size = rng.uniform(8.0, 11.0)
    mg = rng.uniform(30, 65)
    L = Layout(fonts, W, H, (mg, rng.uniform(30, 55), mg, rng.uniform(30, 55)), family, size)
    fill = weighted(rng, [(0.0, 18), (0.15, 10), (0.4, 16), (0.7, 22), (0.95, 34)])
    typed = rng.choice(["mono", "mono", family])
    Fw = FormWriter(L, rng, lang, country, fill, typed)
    L.kind = "form"
    org = company(rng, country)
    old_style = rng.random() < 0.45
    if lang == "en":
        ftype = weighted(rng, [("fax", 10), ("request", 12), ("survey", 9), ("checklist", 6), ("registration", 7), ("order", 6), ("routing", 5),
                               ("report", 9), ("application", 8), ("claim", 5), ("change", 6), ("rnd", 22)])
        title = pick(rng, FORM_TYPES_EN[ftype] if ftype != "rnd" else F_RND_TITLES).replace("{x}", pick(rng, FORM_X))
    else:
        dic = FORM_DE if lang == "de" else FORM_FR
        ftype = "generic_" + lang
        title = pick(rng, dic["title"]).replace("{x}", pick(rng, dic["x"]))

    # Header
    hs = rng.random()
    if hs < 0.4:
        L.line(org.upper() if old_style else org, bold=True, size=size * 1.2, align=rng.choice(["left", "center"]))
        if rng.random() < 0.5:
            L.line("  ".join(address(rng, country)[:2]), size=size * 0.8, align="left")
    elif hs < 0.6:
        L.line(pick(rng, DEPTS).upper() + " DEPARTMENT" if lang == "en" else pick(rng, DEPTS), size=size * 0.9)
    if rng.random() < 0.5:
        L.line(rng.choice(["Form %s-%d" % (_letters(rng, 2), rng.randint(10, 999)), "Form No. %d" % rng.randint(100, 9999), "Rev. %d/%02d" % (rng.randint(1, 12), rng.randint(70, 99)),
                           "FORM %s %s" % (_digits(rng, 3), _letters(rng, 1)), "Formular %s" % _digits(rng, 3), "Form %d-%d (Rev. %d/%02d)" % (rng.randint(1, 99), rng.randint(1, 999), rng.randint(1, 12), rng.randint(60, 99)),
                           "No. %d" % rng.randint(1, 99999), "Page 1 of %d" % rng.randint(1, 4)]), size=size * 0.75, align=rng.choice(["right", "left"]))
    L.space(size * 0.5)
    L.line(title.upper() if rng.random() < 0.5 else title, bold=True, size=size * rng.uniform(1.3, 1.9), align=rng.choice(["center", "center", "left"]))
    if rng.random() < 0.25 and lang == "en":
        L.paragraph(rng.choice(["Instructions: ", "INSTRUCTIONS: ", "Note: ", ""]) + " ".join(pick(rng, FORM_INSTR) for _ in range(rng.randint(1, 4))), size=size * 0.85)
    if rng.random() < 0.4:
        L.paragraph(rng.choice(["Please complete all sections and return to the %s office." % pick(rng, DEPTS),
                                "USE BLOCK CAPITALS AND A DARK PEN.", "Complete in duplicate. Retain the yellow copy for your records.",
                                "Bitte in Druckbuchstaben ausfüllen und unterschrieben zurücksenden.", "Merci de remplir ce formulaire en lettres capitales.",
                                "All fields marked * are required.", "Return this form no later than %s." % fmt_date(rng, rand_date(rng), "long_en"),
                                "Attach supporting documents where applicable.", "This form must be approved before any commitment is made."]),
                    size=size * 0.85)
    L.space(size * 0.5)

    L.kind = ftype
    if lang == "en" and ftype not in ("fax", "routing") and rng.random() < 0.3:  # TO / FROM / DATE header, common on internal forms
        Fw.grid(rng.sample([("TO", "name"), ("FROM", "name"), ("DATE", "date"), ("SUBJECT", "text"), ("DEPT.", "dept"), ("CC", "name")], rng.randint(2, 5)))
    if rng.random() < 0.15:  # a small slip: a handful of fields and little else
        L.kind = "slip"
        pool = F_RND_SHORT + F_PERSON_EN + F_WORK_EN + F_MORE_EN + F_PHRASES_EN if lang == "en" else (FORM_DE if lang == "de" else FORM_FR)["fields"]
        Fw.grid(rng.sample(pool, rng.randint(2, 6)))
        if rng.random() < 0.5:
            L.paragraph(pick(rng, FORM_INSTR) if lang == "en" else sentence(rng, lang), size=size * 0.9)
        if rng.random() < 0.5:
            if rng.random() < 0.3:
                _form_data_block(rng, L, Fw)
            else:
                Fw.long_answer(pick(rng, F_RND_LONG))
    elif ftype == "fax":
        _form_fax(rng, L, Fw, org, country)
    elif ftype == "routing":
        _form_routing(rng, L, Fw)
    elif ftype == "survey":
        _form_survey(rng, L, Fw)
    elif ftype == "checklist":
        _form_checklist(rng, L, Fw)
    elif ftype in ("order", "claim"):
        _form_table(rng, L, Fw, country, ftype)
    elif ftype == "rnd":
        _form_rnd(rng, L, Fw)
    elif ftype.startswith("generic_"):
        _form_generic_local(rng, L, Fw, FORM_DE if lang == "de" else FORM_FR)
    else:
        _form_generic_en(rng, L, Fw, ftype)
    if rng.random() < 0.08:  # a continuation page
        L.new_page()
        if rng.random() < 0.5:
            L.line(rng.choice(["Page 2", "- 2 -", "Continued", "(continued)", "Seite 2", "Suite"]), size=size * 0.85, align="right")
        if lang == "en":
            if rng.random() < 0.5:
                _form_rnd(rng, L, Fw)
            else:
                _form_generic_en(rng, L, Fw, "request")
        else:
            _form_generic_local(rng, L, Fw, FORM_DE if lang == "de" else FORM_FR)
    # Signature block, office-use box, footer
    if rng.random() < 0.45:
        L.space(size)
        sig = {"de": FORM_DE["sign"], "fr": FORM_FR["sign"]}.get(lang, rng.choice(["Signature", "Signed", "Authorized Signature", "Applicant's Signature", "Signature of Employee"]))
        dte = {"de": "Datum", "fr": "Date"}.get(lang, "Date")
        if rng.random() < 0.3:
            L.paragraph({"de": FORM_DE["decl"], "fr": FORM_FR["decl"]}.get(lang, rng.choice([
                "I certify that the information given above is true and complete to the best of my knowledge.",
                "I authorize the verification of the information provided on this form.",
                "By signing below I agree to the terms stated overleaf."])), size=size * 0.85)
        L.space(size * 1.5)
        L.hline_at(0, L.inner * 0.45, L.y)
        L.hline_at(L.inner * 0.6, L.inner, L.y)
        L.y += size
        L.put(0, sig, size=size * 0.8)
        L.put(L.inner * 0.6, dte, size=size * 0.8)
        L.y += size * 0.5
        if rng.random() < 0.4:
            L.space(size * 1.5)
            L.hline_at(0, L.inner * 0.45, L.y)
            L.y += size
            L.put(0, {"de": "Genehmigt (Vorgesetzter)", "fr": "Visa du responsable"}.get(lang, rng.choice(["Authorised by", "Supervisor", "Department Head", "Witness"])), size=size * 0.8)
    if rng.random() < 0.25:
        L.space(size)
        top = L.y
        L.line({"de": FORM_DE["office"], "fr": FORM_FR["office"]}.get(lang, rng.choice(["FOR OFFICE USE ONLY", "For Internal Use Only", "DO NOT WRITE BELOW THIS LINE"])), bold=True, size=size * 0.9)
        Fw2 = FormWriter(L, rng, lang, country, 0.2, typed)
        Fw2.style, Fw2.cols = "colon_line", 3
        Fw2.grid([(rng.choice(["Received", "Logged on", "Eingang"]), "date"), (rng.choice(["Ref. No.", "File No.", "Aktenzeichen"]), "code"), (rng.choice(["Initials", "Approved", "Entered"]), "text")])
        L.box(-4, top - 2, L.inner + 8, L.y - top + 6)
    if rng.random() < 0.3:
        L.line(rng.choice(["Distribution: White - Original  Yellow - Department  Pink - Applicant", "Page 1 of 1", "%s  %s" % (org, fmt_date(rng, rand_date(rng), "mdy")),
                           "Form revised %s" % fmt_date(rng, rand_date(rng, 1980, 2020), "mdy"), "Seite 1/1"]), size=size * 0.7)
    return L.finish()


def _form_fax(rng, L, Fw, org, country):
    lg = Fw.lang
    fields = [("To", "name"), ("From", "name"), ("Company", "org"), ("Fax", "phone"), ("Phone", "phone"), ("Date", "date"),
              ("Pages", "num"), ("Re", "text"), ("CC", "name"), ("Fax No.", "phone"), ("Pages incl. this sheet", "num"),
              ("Subject", "text"), ("Dept.", "dept"), ("Time", "num")]
    rng.shuffle(fields)
    Fw.grid(fields[:rng.randint(6, 11)])
    L.space(L.size)
    Fw.checks("", ["Urgent", "For Review", "Please Comment", "Please Reply", "Please Recycle", "FYI"][:rng.randint(3, 6)])
    L.space(L.size)
    L.line(rng.choice(["Comments:", "MESSAGE:", "Notes:", "Remarks:"]), bold=True)
    if rng.random() < Fw.fill:
        L.paragraph(prose(rng, "en", rng.randint(1, 3)), family=Fw.typed_family)
    else:
        for _ in range(rng.randint(2, 6)):
            L.space(L.size * 1.6)
            L.hline_at(0, L.inner, L.y)
    if rng.random() < 0.6:
        L.space(L.size)
        L.paragraph(rng.choice(["PRIVATE: this transmission is meant for the person named on this sheet. Should it reach "
                                "you by mistake, ring the sender and destroy every page.",
                                "Missing a page or unable to read one? Phone %s and we will send it again." % phone(rng, country),
                                "Addressee only. Copying or passing on these pages without the sender's consent is not permitted."]), size=L.size * 0.8)


def _form_routing(rng, L, Fw):
    L.cells([(0, "TO (Name, office symbol, room, building)"), (L.inner * 0.7, "Initials"), (L.inner * 0.85, "Date")], bold=True, size=L.size * 0.85)
    for i in range(rng.randint(3, 6)):
        val = person(rng, "en") + ", " + pick(rng, DEPTS) if rng.random() < Fw.fill else ""
        L.cells([(0, "%d. %s" % (i + 1, val)), (L.inner * 0.7, _letters(rng, 2) if val and rng.random() < 0.5 else "")])
        L.hline_at(0, L.inner, L.y + 2, 0.4)
    L.space(L.size)
    acts = rng.sample(ROUTING_ACTIONS, rng.randint(6, 12))
    for i in range(0, len(acts), 3):
        L.y += L.size * 1.5
        for j, a in enumerate(acts[i:i + 3]):
            x = j * L.inner / 3
            w = Fw.box(x, rng.random() < Fw.fill * 0.3)
            L.put(x + w, a)
    L.space(L.size)
    Fw.field("REMARKS", "long")
    Fw.grid([("FROM (Name, org. symbol, Agency/Post)", "name"), ("Room No.-Bldg.", "num"), ("Tel.", "phone"), ("Date", "date")])


def _form_survey(rng, L, Fw):
    if rng.random() < 0.6:
        Fw.grid([("Respondent No.", "num"), ("Date", "date"), ("Interviewer", "name"), ("City", "city")][:rng.randint(2, 4)])
    subj = pick(rng, SURVEY_S)
    scale = pick(rng, SCALES)
    for i in range(rng.randint(4, 14)):
        q = pick(rng, SURVEY_Q).replace("{s}", subj if rng.random() < 0.6 else pick(rng, SURVEY_S)).replace("{brand}", brand(rng))
        L.space(L.size * 0.3)
        if rng.random() < 0.25:
            L.line("%d. %s" % (i + 1, q))
            for _ in range(rng.randint(1, 2)):
                L.space(L.size * 1.5)
                L.hline_at(L.size * 1.5, L.inner, L.y)
            if rng.random() < Fw.fill:
                L.put(L.size * 2, sentence(rng, "en", "r_s")[:70], family=Fw.typed_family, y=L.y - L.size * 0.4)
            L.space(L.size * 0.5)
        else:
            L.line("%d. %s" % (i + 1, q))
            Fw.checks("", scale if rng.random() < 0.8 else pick(rng, SCALES), x=L.size * 1.5)
    if rng.random() < 0.5:
        Fw.field("Additional comments", "long")


def _form_checklist(rng, L, Fw):
    Fw.grid([("Inspector", "name"), ("Date", "date"), ("Location", "city"), ("Area / Unit", "code")][:rng.randint(2, 4)])
    L.space(L.size)
    cols = rng.choice([["Item", "Yes", "No", "N/A", "Remarks"], ["Check", "OK", "Not OK", "Comments"], ["No.", "Description", "Pass", "Fail"]])
    xs = [0] + [L.inner * (0.55 + 0.1 * i) for i in range(len(cols) - 1)]
    L.cells([(x, c) for x, c in zip(xs, cols)], bold=True)
    L.rule(dy=1)
    for i, item in enumerate(rng.sample(CHECK_ITEMS, rng.randint(6, 16))):
        L.y += L.size * 1.5
        L.put(0, ("%d. " % (i + 1) if rng.random() < 0.5 else "") + item)
        mark = rng.randrange(len(cols) - 2) if rng.random() < Fw.fill else -1
        for j in range(1, len(cols) - 1):
            Fw.box(xs[j] + L.size, j - 1 == mark)
        if rng.random() < Fw.fill * 0.3:
            L.put(xs[-1], pick(rng, FORM_TEXT_VALUES), family=Fw.typed_family)
        L.hline_at(0, L.inner, L.y + 4, 0.3)
    L.space(L.size)


def _form_table(rng, L, Fw, country, ftype):
    money = Money(rng, country)
    Fw.grid(rng.sample([("Name", "name"), ("Department", "dept"), ("Date", "date"), ("Account Ref.", "num"), ("Cost Center", "num"),
                        ("Deliver to", "addr"), ("Phone", "phone"), ("Vendor", "org"), ("Purpose", "text"), ("Period", "date")], rng.randint(3, 6)))
    L.space(L.size)
    if ftype == "order":
        cols = rng.choice([["Qty", "Description", "Catalog No.", "Unit Cost", "Total"], ["Item No.", "Description", "Quantity", "Unit", "Est. Cost"]])
    else:
        cols = rng.choice([["Date", "Description", "Miles", "Amount"], ["Date", "Purpose", "Transport", "Meals", "Lodging", "Total"]])
    xs = [L.inner * f for f in [0, 0.14, 0.5, 0.66, 0.82][:len(cols)]] if len(cols) == 5 else [L.inner * f for f in [0, 0.14, 0.45, 0.6, 0.75, 0.88][:len(cols)]]
    L.cells([(x, c) for x, c in zip(xs, cols)], bold=True)
    L.rule(dy=1)
    rows = rng.randint(3, 10)
    filled = int(rows * Fw.fill)
    for i in range(rows):
        if i < filled:
            vals = []
            for c in cols:
                cl = c.lower()
                if cl in ("date",):
                    vals.append(fmt_date(rng, rand_date(rng), date_kind_for(rng, country)))
                elif cl in ("description", "purpose"):
                    vals.append(item_name(rng, INVOICE_ITEMS["en"]) if ftype == "order" else expand(rng, "{thing_c}", "en"))
                elif cl in ("qty", "quantity", "miles"):
                    vals.append(str(rng.randint(1, 120)))
                elif cl in ("catalog no.", "item no."):
                    vals.append(_digits(rng, 6))
                elif cl == "unit":
                    vals.append(pick(rng, UNITS["en"]))
                else:
                    vals.append(money.num(rng.uniform(3, 400)) if rng.random() < 0.8 else "")
            L.cells([(x, v) for x, v in zip(xs, vals)], family=Fw.typed_family)
        else:
            L.y += L.size * 1.3
        L.hline_at(0, L.inner, L.y + 3, 0.3)
    L.space(L.size * 0.8)
    L.cells([(xs[-2], "TOTAL"), (xs[-1], money.num(rng.uniform(50, 3000)) if filled else "")], bold=True)
    L.space(L.size)
    Fw.grid([("Requested by", "name"), ("Authorised by", "name"), ("Budget approval", "name"), ("Date", "date")][:rng.randint(2, 4)])


def _form_generic_en(rng, L, Fw, ftype):
    sections = {"application": ["Personal Information", "Employment History", "Education", "References", "Declaration"],
                "registration": ["Participant Details", "Contact Information", "Program Selection", "Emergency Contact", "Payment"],
                "request": ["Requester Information", "What is requested", "Justification", "Approvals", "Expected cost"],
                "report": ["Overview", "Description of Incident", "Persons Involved", "Corrective Action", "Sample Information", "Results"],
                "change": ["Current Information", "New Information", "Effective Date", "Authorization"]}.get(ftype, ["Part 1", "Part 2", "Part 3"])
    nsec = rng.randint(1, min(4, len(sections)))
    pool = F_PERSON_EN + F_WORK_EN + F_MORE_EN + F_PHRASES_EN * 2
    for si in range(nsec):
        if nsec > 1 or rng.random() < 0.5:
            Fw.section(("%s. " % "ABCDE"[si] if rng.random() < 0.4 else ("%d. " % (si + 1) if rng.random() < 0.3 else "")) + sections[si])
        fields = rng.sample(pool, rng.randint(4, 12))
        if rng.random() < 0.4:
            fields.append((rng.choice(["Description", "Why it is needed", "Details", "Comments", "Objective", "Background"]), "long"))
        if rng.random() < 0.3:
            fields.insert(rng.randrange(len(fields) + 1), (rng.choice(["Is this a new request?", "Previously employed here?", "Do you hold a valid licence?",
                                                                        "Budgeted?", "Confidential?", "Capital item?"]), "check:Yes|No"))
        if rng.random() < 0.25:
            fields.append((rng.choice(["Estimated cost", "Amount requested", "Budget", "Fee"]), "money"))
        Fw.grid(fields)
        if rng.random() < 0.2:
            Fw.style = rng.choice(["colon_line", "underscores", "boxes", "above", "colon_only", "dots"])


def _form_rnd(rng, L, Fw):
    if rng.random() < 0.5:
        L.cells([(0, rng.choice(["Date:", "DATE", "Date"]) + " " + (Fw.value("date") if rng.random() < Fw.fill else "________")),
                 (L.inner * 0.6, rng.choice(["No.", "Ticket No.", "File", "Log No."]) + " " + (_digits(rng, 4) if rng.random() < Fw.fill else "_______"))])
    Fw.grid(rng.sample(F_RND_SHORT + F_PHRASES_EN + F_MORE_EN[:rng.randint(0, len(F_MORE_EN))], rng.randint(5, 14)))
    if rng.random() < 0.35:
        _form_data_block(rng, L, Fw)
    if rng.random() < 0.25:
        Fw.section(rng.choice(["Check one", "Check all that apply", "Type of request", "Disposition", "Action taken", "Reason"]))
        opts = rng.sample(ROUTING_ACTIONS + CHECK_ITEMS + ["Other (please state)", "Additional line", "Line extension", "Replacement", "Not applicable"], rng.randint(3, 8))
        for o in opts:
            L.y += L.size * 1.45
            w = Fw.box(L.size * 2, rng.random() < Fw.fill * 0.4)
            L.put(L.size * 2 + w, o.upper() if Fw.up else o)
        L.y += L.size * 0.5
    for lab in rng.sample(F_RND_LONG, rng.randint(1, 4)):
        if rng.random() < 0.3:
            Fw.section(lab)
            if rng.random() < Fw.fill:
                L.paragraph(" ".join(sentence(rng, "en", rng.choice(["r_s", "topic_s"])) for _ in range(rng.randint(1, 4))), family=Fw.typed_family)
            else:
                for _ in range(rng.randint(2, 4)):
                    L.space(L.size * 1.5)
                    L.hline_at(0, L.inner, L.y)
        else:
            Fw.long_answer(lab)
    if rng.random() < 0.5:
        Fw.grid(rng.sample(F_RND_SHORT, rng.randint(2, 6)))
    if rng.random() < 0.5:
        L.space(L.size * 0.5)
        L.line(rng.choice(["Circulate to:", "Distribution:", "cc:", "Route to:"]))
        for _ in range(rng.randint(1, 5)):
            L.line(person(rng, "en") + (", " + pick(rng, DEPTS) if rng.random() < 0.4 else ""), x=L.size * 4, family=Fw.typed_family)


FORM_INSTR = ["Complete this form in duplicate and forward the original to the %s department." % "Purchasing",
              "Attach a copy of the quotation or estimate.", "Allow ten working days for processing.", "Requests received after the deadline will not be considered.",
              "Questions regarding this form should be directed to your supervisor.", "Return the completed form to the Personnel Office.",
              "Incomplete forms will be returned to the sender.", "Type or print all entries.", "Use one form per sample.",
              "Items marked with an asterisk must be completed by the requester.", "Retain a copy for your files.",
              "The requesting department must obtain all approvals before submitting this form.", "Do not use this form for capital purchases.",
              "Enter all amounts in whole dollars.", "Submit a separate form for each project.", "Check the appropriate box.",
              "If additional space is needed, use a separate sheet and attach it to this form."]
ATTRIBUTES = ["Sweetness", "Bitterness", "Texture", "Colour", "Odour", "Ease of use", "Grip", "Finish", "Noise level", "Overall rating",
              "Durability", "Fit", "Weight feel", "Softness", "Glare", "Comfort", "Build", "Price fairness", "Likelihood to buy", "Would recommend"]


def _form_data_block(rng, L, Fw):
    """Typed results on a form: attribute rows with scores per group, and a legend."""
    groups = rng.sample(["Total", "Male", "Female", "18-24", "25-34", "35+", "Smokers", "Non-smokers", "Panel A", "Panel B", "Control", "Test"], rng.randint(2, 5))
    xs = [L.inner * (0.35 + 0.62 * (i + 1) / len(groups)) for i in range(len(groups))]
    L.space(L.size * 0.5)
    L.cells([(0, rng.choice(["ATTRIBUTE", "Attribute", "Measure", "Characteristic", ""]))] + [(x, g, "right") for x, g in zip(xs, groups)], bold=True, family=Fw.typed_family)
    if rng.random() < 0.4:
        L.cells([(0, "(n=)")] + [(x, "(%d)" % rng.randint(20, 400), "right") for x in xs], family=Fw.typed_family)
    for a in rng.sample(ATTRIBUTES, rng.randint(3, 10)):
        L.cells([(0, a.upper() if rng.random() < 0.5 else a)] + [(x, rng.choice(["%.2f", "%.1f", "%d%%"]) % (rng.uniform(1, 7) if rng.random() < 0.7 else rng.randint(1, 99)) + rng.choice(["", "", "*", "**"]), "right") for x in xs],
                family=Fw.typed_family)
        if rng.random() < 0.3:
            L.line("(%d=%s)" % (rng.choice([5, 7, 9, 10]), rng.choice(["Stronger", "Better", "More", "Easier", "Pleasant", "Higher"])), size=L.size * 0.8, family=Fw.typed_family)
    if rng.random() < 0.5:
        L.line(rng.choice(["* Significant at 90% confidence level", "** Significant at 95% level", "Scale: 1 = Poor, 7 = Excellent", "Base: all respondents"]), size=L.size * 0.8)


def _form_generic_local(rng, L, Fw, dic):
    nsec = rng.randint(1, 4)
    for si in range(nsec):
        if nsec > 1 or rng.random() < 0.5:
            Fw.section(pick(rng, dic["sections"]))
        Fw.grid(rng.sample(dic["fields"], rng.randint(3, 9)))
    if rng.random() < 0.4:
        Fw.checks(rng.choice(["Anlagen", "Pièces jointes", "Zutreffendes ankreuzen"]), rng.sample(["Kopie Ausweis", "Nachweis", "Rechnung", "Foto",
                  "Justificatif", "Copie", "RIB", "Attestation"], 3))
