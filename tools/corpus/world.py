# SPDX-License-Identifier: GPL-3.0-or-later
"""The made-up world: people, companies, places, money and dates (word lists written for Sheaf)."""

import datetime


FIRST = {
    "en": "James Mary Robert Linda Michael Susan David Karen Richard Nancy Thomas Betty Charles "
          "Helen Daniel Sandra Paul Donna Mark Carol George Ruth Kenneth Sharon Steven Laura "
          "Edward Emily Brian Rachel Kevin Megan Jason Olivia Ryan Chloe Gary Hannah Frank Alice "
          "Walter Joan Harold Grace Arthur Diane Oliver Sophie Henry Lucy Jack Amelia Samuel "
          "Leah Adam Ella Peter Claire Simon Fiona Neil Gemma Ian Heather Scott Wendy".split(),
    "de": "Hans Ursula Peter Monika Klaus Petra Jürgen Sabine Wolfgang Birgit Thomas Andrea "
          "Michael Claudia Stefan Katrin Andreas Susanne Frank Julia Markus Anja Jörg Heike "
          "Tobias Lena Florian Jana Matthias Nicole Uwe Karin Sven Miriam Lukas Franziska Jonas "
          "Greta Dieter Renate Günter Ingrid Björn Silke Ralf Tanja".split(),
    "fr": "Jean Marie Pierre Nathalie Michel Isabelle Philippe Sylvie Alain Catherine Nicolas "
          "Sophie Laurent Valérie Julien Céline Olivier Sandrine François Aurélie Thierry "
          "Émilie Mathieu Camille Stéphane Hélène Benoît Chloé Guillaume Manon Antoine Élodie "
          "Yves Brigitte Rémi Agnès Sébastien Margaux".split(),
    "nl": "Jan Anke Pieter Sanne Willem Eva Bram Femke Daan Lotte Joost Ingrid Sander "
          "Marieke Ruud Anouk Koen Lieke".split(),
    "ms": "Ahmad Siti Mohd Nur Aisyah Farid Zulkifli Aminah Hafiz Nurul Azman Faridah Ismail "
          "Rosnah Hakim Salmah Rizal Zainab Wei Ling Kok Meng Mei Ying Chee Keong Li Hua Jun Hao "
          "Rajesh Priya Suresh Kavitha Ganesh Anitha Arjun Deepa".split(),
}
LAST = {
    "en": "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore "
          "Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
          "Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips "
          "Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper "
          "Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett "
          "Gray Hughes Price Sanders Myers Long Ross Foster Fletcher Hayes Marsh Doyle".split(),
    "de": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
          "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger "
          "Hofmann Hartmann Lange Schmitt Werner Krause Meier Lehmann Köhler Maier Huber Kaiser "
          "Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Vogel Friedrich Keller Günther "
          "Frank Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht".split(),
    "fr": "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
          "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André "
          "Lefèvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure "
          "Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément "
          "Gauthier Dumont Lopez Fontaine Chevalier Robin".split(),
    "nl": "de Jong Jansen de Vries van den Berg van Dijk Bakker Visser Smit Meijer de Boer "
          "Mulder de Groot Bos Vos Peters Hendriks Dekker Brouwer".split(),
    "ms": "bin Abdullah binti Ismail bin Hassan binti Yusof bin Ibrahim Tan Lim Lee Wong Ng "
          "Chong Goh Ong Teo Chan Leong Yap Low Kumar Raj Nair Pillai Subramaniam Krishnan "
          "bin Omar binti Ahmad".split(),
}
# Multi-word surnames are split above; rebuild the few that belong together.
for _k in ("nl", "ms"):
    _merged, _i = [], 0
    _words = LAST[_k]
    while _i < len(_words):
        w = _words[_i]
        if w in ("de", "van", "den", "bin", "binti") and _i + 1 < len(_words):
            nxt = _words[_i + 1]
            if w == "van" and nxt == "den":
                _merged.append("van den " + _words[_i + 2])
                _i += 3
                continue
            _merged.append(w + " " + nxt)
            _i += 2
            continue
        _merged.append(w)
        _i += 1
    LAST[_k] = _merged

TITLES_EN = ["Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Ms", "Prof."]

SYLL = ("al an ar as bel ben bor bra cal can car cor cre dal dan dor el en er fal fer fin "
        "gal gar gen hal har hel ian il in ka kel kor la lan lar len lin lor lu ma mar mel mer "
        "mon nor nov ol on or os pal par pel per quin ra ran rel rio ros sal san sel sol son "
        "ta tal tar tel ter tor tra ul va val ven ver vin vor wen xel zan zen zor").split()
BRAND_WORDS = ("Alpha Apex Atlas Beacon Blue Bright Cedar Clear Coastal Crown Crystal Delta "
               "Eagle East Evergreen Falcon First Golden Granite Green Harbor Harvest Highland "
               "Horizon Iron Jade Keystone Lake Liberty Lotus Maple Meridian Metro Nova North "
               "Oak Ocean Omega Orion Pacific Peak Pine Pioneer Prime Quantum Rapid Red River "
               "Royal Sapphire Silver Sky Star Sterling Stone Summit Sun Swift Titan Tri Union "
               "United Valley Vertex Vista West Willow Zenith Acorn Anchor Arrow Bay Bridge "
               "Canyon Circle Compass Copper Core Echo Elm Ember Fjord Forge Fox Frontier Globe "
               "Heron Hill Lantern Linden Mill Moon Oasis Orchard Pebble Pilot Prism Quarry "
               "Raven Ridge Rock Sage Signal Spring Spruce Tide Tower Trail Urban Wave").split()
BUSINESS_EN = ("Systems Solutions Trading Logistics Consulting Engineering Supplies Industries "
               "Foods Electronics Services Technologies Partners Holdings Manufacturing Media "
               "Design Software Pharma Textiles Motors Printing Packaging Labs Analytics Energy "
               "Construction Imports Distribution Interiors Security Networks Freight Plastics "
               "Instruments Furniture Medical Chemicals Paper Tools Marine Agri Telecom Studio "
               "Hospitality Cleaning Properties Finance Insurance Travel Outfitters").split()
BUSINESS_DE = ("Handels Technik Bau Elektro Maschinenbau Vertriebs Dienstleistungs Logistik "
               "Beratungs Software Metallbau Druck Werkzeug Medien Haustechnik Umwelt Sanitär "
               "Holzbau Gebäudereinigungs Transport Feinmechanik Energie Kunststoff Immobilien "
               "Steuerberatungs Ingenieur Anlagenbau Verpackungs Büro").split()
BUSINESS_FR = ("Transports Informatique Services Conseil Distribution Bâtiment Électricité "
               "Imprimerie Menuiserie Plomberie Nettoyage Ingénierie Logistique Emballages "
               "Équipements Fournitures Communication Télécom Expertise Métallerie").split()
BUSINESS_NL = "Techniek Bouw Installatie Handel Logistiek Advies Software Drukkerij".split()
SUFFIX = {"US": ["Inc.", "LLC", "Corp.", "Co.", "Inc", "Corporation", "Group", ""],
          "UK": ["Ltd", "Ltd.", "Limited", "PLC", "& Co.", "LLP", ""],
          "IE": ["Ltd", "Limited", "DAC", ""],
          "DE": ["GmbH", "GmbH & Co. KG", "AG", "e.K.", "KG", "OHG", "GmbH"],
          "AT": ["GmbH", "AG", "KG", "e.U."],
          "CH": ["AG", "GmbH", "SA", "Sàrl"],
          "FR": ["SARL", "SAS", "SA", "EURL", "SASU"],
          "BE": ["SPRL", "SA", "BV", "NV", "SRL"],
          "NL": ["B.V.", "BV", "N.V.", "V.O.F."],
          "MY": ["Sdn Bhd", "Sdn. Bhd.", "SDN BHD", "Enterprise", "Trading", "Bhd", ""],
          "SG": ["Pte Ltd", "Pte. Ltd.", "PTE LTD", "LLP", ""],
          "AU": ["Pty Ltd", "Pty. Ltd.", "Ltd", ""],
          "CA": ["Inc.", "Ltd.", "Corp.", ""],
          "IN": ["Pvt. Ltd.", "Private Limited", "LLP", "Ltd."]}
CN_SYLL = ("Hup Seng Huat Heng Lee Tat Kee Fook Yong Choon Wah Kim Ban Chuan Hin Leong Soon "
           "Thye Guan Loong Sin Hock Teck Aik Lian Joo Mun Poh Sang Yik").split()
MALAY_WORDS = ("Maju Jaya Bestari Sentosa Mutiara Perdana Indah Bahagia Permai Sri Damai Setia "
               "Harmoni Kenanga Cempaka Melati Sutera Impian Pelangi Murni Cahaya Bintang "
               "Mewah Sejahtera Utama Baru Gemilang Harapan Seri Mega Nusantara Kasih").split()


def pick(rng, seq):
    return seq[rng.randrange(len(seq))]


def coined(rng):
    n = rng.choice([2, 2, 2, 3])
    w = "".join(pick(rng, SYLL) for _ in range(n))
    return w[:1].upper() + w[1:]


def brand(rng):
    """A product or brand name with a variant, e.g. "ORVELA LIGHTS 100"."""
    b = coined(rng)
    b = b.upper() if rng.random() < 0.6 else b
    return b + rng.choice(["", "", " Lights", " 100", " Kings", " Plus", " Menthol", " II", " Ultra", " Classic", " Gold", " Original",
                           " Mild", " Select", " Light", " Regular", " Premium"])


def person(rng, lang, with_title=False):
    lg = lang if lang in FIRST else "en"
    first, last = pick(rng, FIRST[lg]), pick(rng, LAST[lg])
    r = rng.random()
    if r < 0.15:
        name = "%s. %s" % (first[0], last)
    elif r < 0.22 and lg in ("en",):
        name = "%s %s. %s" % (first, chr(65 + rng.randrange(26)), last)
    elif r < 0.3 and lg in ("en",):  # initials, as in older office papers
        name = rng.choice(["%s. %s. %s", "%s.%s. %s", "%s. %s. %s, Jr."]) % (first[0], chr(65 + rng.randrange(26)), last)
    else:
        name = "%s %s" % (first, last)
    if with_title and lg == "en":
        name = pick(rng, TITLES_EN) + " " + name
    elif with_title and lg == "de":
        name = rng.choice(["Herr", "Frau", "Dr.", "Herrn"]) + " " + name
    elif with_title and lg == "fr":
        name = rng.choice(["M.", "Mme", "Monsieur", "Madame"]) + " " + name
    return name


def company(rng, country):
    suf = pick(rng, SUFFIX.get(country, SUFFIX["US"]))
    r = rng.random()
    if country in ("DE", "AT", "CH") and r < 0.6:
        core = rng.choice([
            lambda: "%s %s" % (coined(rng), pick(rng, BUSINESS_DE) + rng.choice(["", "gesellschaft", "technik", "service"])),
            lambda: "%s & %s" % (pick(rng, LAST["de"]), pick(rng, LAST["de"])),
            lambda: "%s %s" % (pick(rng, LAST["de"]), pick(rng, BUSINESS_DE).rstrip("s")),
            lambda: "%s%s" % (pick(rng, BUSINESS_DE), pick(rng, ["partner", "werk", "haus", "team", "zentrum"]).capitalize()),
        ])()
    elif country in ("FR", "BE") and r < 0.6:
        core = rng.choice([
            lambda: "%s %s" % (pick(rng, BUSINESS_FR), coined(rng)),
            lambda: "%s %s" % (rng.choice(["Ets", "Société", "Groupe", "Atelier", "Cabinet"]), pick(rng, LAST["fr"])),
            lambda: "%s & Fils" % pick(rng, LAST["fr"]),
            lambda: "%s %s" % (coined(rng), pick(rng, BUSINESS_FR)),
        ])()
    elif country == "NL" and r < 0.6:
        core = "%s %s" % (coined(rng), pick(rng, BUSINESS_NL))
    elif country in ("MY", "SG") and r < 0.7:
        core = rng.choice([
            lambda: "%s %s" % (pick(rng, CN_SYLL), pick(rng, CN_SYLL)),
            lambda: "%s %s %s" % (pick(rng, CN_SYLL), pick(rng, CN_SYLL), pick(rng, ["Trading", "Hardware", "Enterprise", "Stationery", "Food Industries", "Marketing", "Motor", "Electrical"])),
            lambda: "%s %s" % (pick(rng, MALAY_WORDS), pick(rng, MALAY_WORDS)),
            lambda: "Syarikat %s %s" % (pick(rng, MALAY_WORDS), pick(rng, MALAY_WORDS)),
            lambda: "%s %s" % (pick(rng, BRAND_WORDS), pick(rng, BUSINESS_EN)),
        ])()
    else:
        core = rng.choice([
            lambda: "%s %s" % (pick(rng, BRAND_WORDS), pick(rng, BUSINESS_EN)),
            lambda: "%s %s" % (coined(rng), pick(rng, BUSINESS_EN)),
            lambda: coined(rng) + rng.choice(["", "ix", "ora", "tec", "lab", "ware"]),
            lambda: "%s & %s" % (pick(rng, LAST["en"]), pick(rng, LAST["en"])),
            lambda: "%s %s %s" % (pick(rng, BRAND_WORDS), pick(rng, BRAND_WORDS), pick(rng, BUSINESS_EN)),
            lambda: "%s Brothers" % pick(rng, LAST["en"]),
        ])()
    return (core + " " + suf).strip() if suf else core


# Places: (city, region/state code, postcode pattern). Postcodes: 9 digit, A letter.
US_PLACES = [("Springfield", "IL"), ("Portland", "OR"), ("Austin", "TX"), ("Denver", "CO"),
             ("Columbus", "OH"), ("Raleigh", "NC"), ("Madison", "WI"), ("Tucson", "AZ"),
             ("Richmond", "VA"), ("Albany", "NY"), ("Boston", "MA"), ("Atlanta", "GA"),
             ("Seattle", "WA"), ("Omaha", "NE"), ("Louisville", "KY"), ("Greensboro", "NC"),
             ("Winston-Salem", "NC"), ("Sacramento", "CA"), ("San Jose", "CA"), ("Dayton", "OH"),
             ("Trenton", "NJ"), ("Hartford", "CT"), ("Nashville", "TN"), ("Tampa", "FL"),
             ("Chicago", "IL"), ("New York", "NY"), ("Minneapolis", "MN"), ("Kansas City", "MO"),
             ("Salt Lake City", "UT"), ("Baltimore", "MD"), ("Pittsburgh", "PA"), ("Memphis", "TN")]
UK_PLACES = ["London", "Manchester", "Leeds", "Bristol", "Glasgow", "Edinburgh", "Cardiff",
             "Birmingham", "Nottingham", "Sheffield", "York", "Reading", "Oxford", "Cambridge",
             "Norwich", "Exeter", "Brighton", "Leicester", "Coventry", "Aberdeen", "Bath"]
DE_PLACES = ["Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart",
             "Düsseldorf", "Leipzig", "Dortmund", "Essen", "Bremen", "Dresden", "Hannover",
             "Nürnberg", "Duisburg", "Bochum", "Wuppertal", "Bielefeld", "Bonn", "Münster",
             "Karlsruhe", "Mannheim", "Augsburg", "Wiesbaden", "Freiburg", "Kiel", "Lübeck",
             "Regensburg", "Ulm", "Kassel", "Erfurt", "Rostock", "Mainz", "Heidelberg"]
AT_PLACES = ["Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Klagenfurt", "Villach", "Wels"]
CH_PLACES = ["Zürich", "Bern", "Basel", "Luzern", "St. Gallen", "Winterthur", "Genève",
             "Lausanne", "Lugano", "Zug", "Biel/Bienne", "Fribourg"]
FR_PLACES = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg",
             "Montpellier", "Bordeaux", "Lille", "Rennes", "Reims", "Grenoble", "Dijon",
             "Angers", "Nîmes", "Clermont-Ferrand", "Le Mans", "Tours", "Limoges", "Amiens",
             "Metz", "Besançon", "Orléans", "Rouen", "Caen", "Nancy", "Annecy"]
BE_PLACES = ["Bruxelles", "Liège", "Namur", "Charleroi", "Antwerpen", "Gent", "Leuven"]
NL_PLACES = ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen",
             "Tilburg", "Almere", "Breda", "Nijmegen", "Arnhem", "Haarlem", "Zwolle"]
MY_PLACES = [("Johor Bahru", "Johor"), ("Skudai", "Johor"), ("Batu Pahat", "Johor"),
             ("Kluang", "Johor"), ("Muar", "Johor"), ("Kuala Lumpur", "Wilayah Persekutuan"),
             ("Petaling Jaya", "Selangor"), ("Shah Alam", "Selangor"), ("Subang Jaya", "Selangor"),
             ("Klang", "Selangor"), ("Puchong", "Selangor"), ("Seri Kembangan", "Selangor"),
             ("Kajang", "Selangor"), ("Rawang", "Selangor"), ("Ipoh", "Perak"),
             ("Taiping", "Perak"), ("George Town", "Pulau Pinang"), ("Bukit Mertajam", "Pulau Pinang"),
             ("Melaka", "Melaka"), ("Seremban", "Negeri Sembilan"), ("Kuantan", "Pahang"),
             ("Alor Setar", "Kedah"), ("Kota Kinabalu", "Sabah"), ("Kuching", "Sarawak"),
             ("Kota Bharu", "Kelantan"), ("Kuala Terengganu", "Terengganu")]
AU_PLACES = [("Sydney", "NSW"), ("Melbourne", "VIC"), ("Brisbane", "QLD"), ("Perth", "WA"),
             ("Adelaide", "SA"), ("Hobart", "TAS"), ("Canberra", "ACT")]
CA_PLACES = [("Toronto", "ON"), ("Ottawa", "ON"), ("Montréal", "QC"), ("Vancouver", "BC"),
             ("Calgary", "AB"), ("Halifax", "NS"), ("Winnipeg", "MB")]
IN_PLACES = [("Bengaluru", "Karnataka"), ("Mumbai", "Maharashtra"), ("Pune", "Maharashtra"),
             ("Chennai", "Tamil Nadu"), ("Hyderabad", "Telangana"), ("New Delhi", "Delhi")]

STREET_EN = ("Main Oak Maple Park Pine Cedar Elm Washington Lake Hill Church Mill Station "
             "Market Bridge Victoria King Queen High Green Chestnut Walnut Spring Willow River "
             "Franklin Lincoln Jefferson Madison Highland Forest Meadow Sunset Ridge Harbour "
             "Albert Castle Manor Orchard Kingsway Commerce Industrial Airport").split()
STREET_EN_T = ["Street", "St.", "Avenue", "Ave", "Road", "Rd", "Lane", "Drive", "Dr.",
               "Boulevard", "Blvd", "Way", "Place", "Court", "Parkway", "Close", "Crescent"]
STREET_DE = ("Haupt Bahnhof Schiller Goethe Garten Berg Linden Kirch Wald Mühlen Schul Ring "
             "Friedrich Industrie Markt Rosen Birken Wiesen Buchen Eichen Post Sonnen Feld "
             "Hafen Mozart Kant Lessing Bismarck Tal Brunnen Gewerbe Dorf Kastanien").split()
STREET_DE_T = ["straße", "str.", "weg", "allee", "platz", "gasse", "ring", "damm"]
STREET_FR = ["rue de la République", "rue Victor Hugo", "avenue Jean Jaurès", "rue de Paris",
             "boulevard Pasteur", "rue des Lilas", "rue du Moulin", "place de la Gare",
             "avenue de la Liberté", "rue Nationale", "chemin des Vignes", "rue de l'Église",
             "allée des Tilleuls", "rue Gambetta", "quai des Chartrons", "rue du Commerce",
             "avenue Foch", "rue Saint-Michel", "impasse des Roses", "boulevard Voltaire"]
STREET_NL = ["Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat",
             "Industrieweg", "Marktplein", "Nieuwstraat", "Julianalaan", "Havenkade"]


def _digits(rng, n):
    return "".join(str(rng.randrange(10)) for _ in range(n))


def _letters(rng, n):
    return "".join(chr(65 + rng.randrange(26)) for _ in range(n))


def address(rng, country, upper=False):
    """Returns a list of address lines (without the name)."""
    c = country
    if c == "US" or c == "CA":
        city, st = pick(rng, US_PLACES if c == "US" else CA_PLACES)
        l1 = "%d %s %s" % (rng.randint(1, 9999), pick(rng, STREET_EN), pick(rng, STREET_EN_T))
        lines = [l1]
        if rng.random() < 0.3:
            lines.append(rng.choice(["Suite %d" % rng.randint(100, 2400), "Floor %d" % rng.randint(2, 30),
                                     "Unit %d" % rng.randint(1, 80), "P.O. Box %d" % rng.randint(100, 99999)]))
        pc = _digits(rng, 5) if c == "US" else "%s%d%s %d%s%d" % (_letters(rng, 1), rng.randrange(10), _letters(rng, 1), rng.randrange(10), _letters(rng, 1), rng.randrange(10))
        if c == "US" and rng.random() < 0.2:
            pc += "-" + _digits(rng, 4)
        lines.append("%s, %s %s" % (city, st, pc))
        if rng.random() < 0.2:
            lines.append("USA" if c == "US" else "Canada")
    elif c in ("UK", "IE"):
        l1 = "%d %s %s" % (rng.randint(1, 250), pick(rng, STREET_EN), pick(rng, STREET_EN_T))
        lines = [l1]
        if rng.random() < 0.3:
            lines.insert(0, rng.choice(["Unit %d" % rng.randint(1, 40), "%s House" % pick(rng, BRAND_WORDS),
                                        "Flat %d" % rng.randint(1, 60)]))
        town = pick(rng, UK_PLACES) if c == "UK" else rng.choice(["Dublin", "Cork", "Galway", "Limerick"])
        if c == "UK":
            pc = "%s%d %d%s" % (_letters(rng, rng.choice([1, 2])), rng.randint(1, 20), rng.randrange(10), _letters(rng, 2))
            lines += [town, pc] if rng.random() < 0.5 else ["%s %s" % (town, pc)]
        else:
            lines.append("%s %s" % (town, rng.choice(["", "D%02d" % rng.randint(1, 24)])))
        if rng.random() < 0.25:
            lines.append("United Kingdom" if c == "UK" else "Ireland")
    elif c in ("DE", "AT", "CH"):
        st = pick(rng, STREET_DE) + pick(rng, STREET_DE_T)
        if rng.random() < 0.2:
            st = rng.choice(["Am ", "Im ", "An der ", "Auf dem "]) + pick(rng, STREET_DE) + rng.choice(["feld", "hof", "berg", "tor", "graben"])
        l1 = "%s %d%s" % (st, rng.randint(1, 180), rng.choice(["", "", "", "a", "b"]))
        places = {"DE": DE_PLACES, "AT": AT_PLACES, "CH": CH_PLACES}[c]
        pc = _digits(rng, 5) if c == "DE" else _digits(rng, 4)
        lines = [l1, "%s%s %s" % (rng.choice(["", "", "D-", "A-", "CH-"]) if rng.random() < 0.15 else "", pc, pick(rng, places))]
        if rng.random() < 0.2:
            lines.append({"DE": "Deutschland", "AT": "Österreich", "CH": "Schweiz"}[c])
    elif c in ("FR", "BE"):
        l1 = "%d%s %s" % (rng.randint(1, 200), rng.choice(["", "", " bis", " ter"]), pick(rng, STREET_FR))
        lines = [l1]
        if rng.random() < 0.25:
            lines.append(rng.choice(["BP %d" % rng.randint(10, 999), "Bâtiment %s" % _letters(rng, 1),
                                     "ZI des %s" % rng.choice(["Chênes", "Pins", "Sablons"]), "CS %d" % rng.randint(10000, 99999)]))
        if c == "FR":
            lines.append("%s %s%s" % (_digits(rng, 5), pick(rng, FR_PLACES), rng.choice(["", "", " Cedex"])))
        else:
            lines.append("%s %s" % (_digits(rng, 4), pick(rng, BE_PLACES)))
        if rng.random() < 0.2:
            lines.append("France" if c == "FR" else "Belgique")
    elif c == "NL":
        lines = ["%s %d" % (pick(rng, STREET_NL), rng.randint(1, 300)),
                 "%s %s %s" % (_digits(rng, 4), _letters(rng, 2), pick(rng, NL_PLACES))]
    elif c == "MY":
        city, state = pick(rng, MY_PLACES)
        no = rng.choice(["No. %d" % rng.randint(1, 200), "No.%d" % rng.randint(1, 200), "Lot %d" % rng.randint(1, 9000),
                         "%d" % rng.randint(1, 120), "No. %d-%d" % (rng.randint(1, 80), rng.randint(1, 30)),
                         "PTD %d" % rng.randint(1000, 99999), "G-%02d" % rng.randint(1, 40)])
        road = rng.choice(["Jalan %s %d/%d" % (pick(rng, MALAY_WORDS), rng.randint(1, 30), rng.randint(1, 12)),
                           "Jalan %s" % pick(rng, MALAY_WORDS), "Jalan %s %d" % (pick(rng, MALAY_WORDS), rng.randint(1, 60)),
                           "Jln %s %d" % (pick(rng, MALAY_WORDS), rng.randint(1, 40)),
                           "Lorong %s %d" % (pick(rng, MALAY_WORDS), rng.randint(1, 20)),
                           "Persiaran %s" % pick(rng, MALAY_WORDS), "Jalan SS %d/%d" % (rng.randint(1, 25), rng.randint(1, 40))])
        area = rng.choice(["Taman %s" % pick(rng, MALAY_WORDS), "Taman %s %s" % (pick(rng, MALAY_WORDS), pick(rng, MALAY_WORDS)),
                           "Bandar %s" % pick(rng, MALAY_WORDS), "Kawasan Perindustrian %s" % pick(rng, MALAY_WORDS),
                           "Pusat Perdagangan %s" % pick(rng, MALAY_WORDS), ""])
        pc = "%05d" % rng.randint(10000, 98999)
        lines = ["%s, %s," % (no, road)] if rng.random() < 0.6 else [no + ",", road + ","]
        if area:
            lines.append(area + ",")
        lines.append("%s %s," % (pc, city) if rng.random() < 0.7 else "%s %s, %s." % (pc, city, state))
        if rng.random() < 0.6:
            lines.append(state + ".")
    elif c == "SG":
        lines = [rng.choice(["Blk %d %s Ave %d" % (rng.randint(1, 999), rng.choice(["Ang Mo Kio", "Bedok North", "Tampines", "Jurong West", "Woodlands", "Toa Payoh"]), rng.randint(1, 10)),
                             "%d %s Road" % (rng.randint(1, 400), rng.choice(["Orchard", "Bukit Timah", "Serangoon", "Changi", "Alexandra", "Tanjong Katong"])),
                             "%d %s Street %d" % (rng.randint(1, 90), rng.choice(["Ubi", "Kaki Bukit", "Tai Seng", "Kallang"]), rng.randint(1, 90))]),
                 "#%02d-%02d %s" % (rng.randint(1, 30), rng.randint(1, 300), rng.choice(["", pick(rng, BRAND_WORDS) + " Centre", pick(rng, BRAND_WORDS) + " Building"])),
                 "Singapore %s" % _digits(rng, 6)]
    elif c == "AU":
        city, st = pick(rng, AU_PLACES)
        lines = ["%d %s %s" % (rng.randint(1, 400), pick(rng, STREET_EN), pick(rng, STREET_EN_T)),
                 "%s %s %s" % (city.upper() if rng.random() < 0.5 else city, st, _digits(rng, 4))]
    else:  # IN
        city, st = pick(rng, IN_PLACES)
        lines = ["%s, %d%s %s" % (rng.choice(["Plot No. %d" % rng.randint(1, 500), "#%d" % rng.randint(1, 300), "No. %d" % rng.randint(1, 99)]),
                                  rng.randint(1, 20), rng.choice(["th", "st", "nd"]), rng.choice(["Cross", "Main Road", "Floor"])),
                 "%s, %s - %s" % (city, st, _digits(rng, 6))]
    lines = [l.replace("  ", " ").strip() for l in lines if l.strip()]
    if upper:
        lines = [l.upper() for l in lines]
    return lines


def phone(rng, country):
    c = country
    if c in ("US", "CA"):
        return rng.choice(["(%s) %s-%s", "%s-%s-%s", "%s.%s.%s", "+1 %s %s %s"]) % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 4))
    if c in ("UK", "IE"):
        return rng.choice(["0%s %s %s" % (_digits(rng, 2), _digits(rng, 4), _digits(rng, 4)), "+44 (0)%s %s %s" % (_digits(rng, 2), _digits(rng, 4), _digits(rng, 4)),
                           "0%s %s" % (_digits(rng, 4), _digits(rng, 6))])
    if c in ("DE", "AT", "CH"):
        return rng.choice(["0%s / %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3)), "+49 %s %s-%s" % (_digits(rng, 2), _digits(rng, 4), _digits(rng, 2)),
                           "0%s-%s" % (_digits(rng, 4), _digits(rng, 6)), "+41 %s %s %s %s" % (_digits(rng, 2), _digits(rng, 3), _digits(rng, 2), _digits(rng, 2)),
                           "+43 %s %s" % (_digits(rng, 3), _digits(rng, 6))])
    if c in ("FR", "BE"):
        return rng.choice(["0%d %s %s %s %s" % (rng.randint(1, 9), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2)),
                           "+33 %d %s %s %s %s" % (rng.randint(1, 9), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2)),
                           "0%d.%s.%s.%s.%s" % (rng.randint(1, 9), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2), _digits(rng, 2))])
    if c == "NL":
        return "0%s-%s" % (_digits(rng, 2), _digits(rng, 7))
    if c == "MY":
        return rng.choice(["0%d-%s %s" % (rng.randint(3, 9), _digits(rng, 4), _digits(rng, 4)), "0%d-%s%s" % (rng.randint(3, 9), _digits(rng, 3), _digits(rng, 4)),
                           "01%d-%s %s" % (rng.randint(0, 9), _digits(rng, 3), _digits(rng, 4)), "+60 %d-%s %s" % (rng.randint(3, 9), _digits(rng, 4), _digits(rng, 4))])
    if c == "SG":
        return rng.choice(["+65 %s %s", "%s %s", "6%s-%s"]) % (_digits(rng, 4) if rng.random() < 0.5 else _digits(rng, 3), _digits(rng, 4))
    if c == "AU":
        return "(0%d) %s %s" % (rng.randint(2, 8), _digits(rng, 4), _digits(rng, 4))
    return "+91 %s %s" % (_digits(rng, 5), _digits(rng, 5))


def web(rng, name):
    base = "".join(ch for ch in name.lower().split(" ")[0] if ch.isalnum() and ch.isascii()) or coined(rng).lower()
    tld = rng.choice([".com", ".com", ".net", ".de", ".fr", ".co.uk", ".com.my", ".sg", ".nl", ".ch", ".io", ".org"])
    return rng.choice(["www.", "", "https://www."]) + base + tld


def email(rng, name, who=None):
    dom = "".join(ch for ch in name.lower().split(" ")[0] if ch.isalnum() and ch.isascii()) or "mail"
    user = rng.choice(["info", "sales", "accounts", "billing", "office", "contact", "service",
                       "kontakt", "rechnung", "facturation", "admin", "hello"])
    if who:
        parts = [p for p in who.lower().replace(".", "").split() if p.isascii() and p.isalpha()]
        if parts:
            user = rng.choice([".".join(parts[-2:]), parts[-1], parts[0][0] + parts[-1]])
    return "%s@%s%s" % (user, dom, rng.choice([".com", ".de", ".fr", ".co.uk", ".com.my", ".net", ".ch", ".nl"]))


# Country profiles: language, currency, number style, tax label(s) and rates, date orders.
COUNTRIES = {
    "US": dict(lang="en", cur="USD", num="en", tax=["Sales Tax", "Tax", "TAX", "State Tax"], rates=[4, 5, 6, 6.25, 7, 7.5, 8, 8.875, 9.5], dates=["mdy", "long_en", "iso"]),
    "UK": dict(lang="en", cur="GBP", num="en", tax=["VAT", "V.A.T.", "VAT @ 20%"], rates=[20, 20, 5, 0], dates=["dmy/", "long_en_d", "iso"]),
    "IE": dict(lang="en", cur="EUR", num="en", tax=["VAT"], rates=[23, 13.5, 9], dates=["dmy/", "long_en_d"]),
    "DE": dict(lang="de", cur="EUR", num="de", tax=["MwSt.", "USt.", "Umsatzsteuer", "MwSt", "Mehrwertsteuer"], rates=[19, 19, 7], dates=["dmy.", "long_de", "iso"]),
    "AT": dict(lang="de", cur="EUR", num="de", tax=["USt.", "MwSt.", "Umsatzsteuer"], rates=[20, 10, 13], dates=["dmy.", "long_de"]),
    "CH": dict(lang="de", cur="CHF", num="ch", tax=["MWST", "MwSt.", "TVA"], rates=[8.1, 7.7, 2.6], dates=["dmy.", "long_de"]),
    "FR": dict(lang="fr", cur="EUR", num="fr", tax=["TVA", "T.V.A."], rates=[20, 20, 10, 5.5], dates=["dmy/", "long_fr", "iso"]),
    "BE": dict(lang="fr", cur="EUR", num="fr", tax=["TVA", "BTW"], rates=[21, 6], dates=["dmy/", "long_fr"]),
    "NL": dict(lang="nl", cur="EUR", num="de", tax=["BTW"], rates=[21, 9], dates=["dmy-", "iso"]),
    "MY": dict(lang="ms", cur="MYR", num="en", tax=["GST", "SST", "Service Tax", "GST 6%", "SR"], rates=[6, 6, 8, 10], dates=["dmy/", "dmy-", "dmon"]),
    "SG": dict(lang="en", cur="SGD", num="en", tax=["GST", "GST 7%", "GST 9%"], rates=[7, 8, 9], dates=["dmy/", "dmon", "long_en_d"]),
    "AU": dict(lang="en", cur="AUD", num="en", tax=["GST"], rates=[10], dates=["dmy/", "long_en_d"]),
    "CA": dict(lang="en", cur="CAD", num="en", tax=["GST/HST", "HST", "GST", "TPS/TVQ"], rates=[5, 13, 15], dates=["iso", "mdy", "long_en"]),
    "IN": dict(lang="en", cur="INR", num="en", tax=["CGST", "IGST", "GST"], rates=[9, 18, 12, 5], dates=["dmy-", "dmy/", "dmon"]),
}
CUR_SYMBOLS = {"USD": ["$", "USD", "US$"], "GBP": ["£", "GBP"], "EUR": ["€", "EUR"],
               "CHF": ["CHF", "Fr."], "MYR": ["RM", "MYR"], "SGD": ["S$", "SGD", "$"],
               "AUD": ["$", "AUD", "A$"], "CAD": ["$", "CAD", "C$"], "INR": ["Rs.", "INR", "₹"]}


def fmt_num(x, style, decimals=2):
    neg = x < 0
    x = abs(x)
    s = "%.*f" % (decimals, x)
    whole, _, frac = s.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    sep, dec = {"en": (",", "."), "de": (".", ","), "fr": (" ", ","),
                "ch": ("'", "."), "plain": ("", "."), "plain_de": ("", ",")}[style]
    out = sep.join(groups) + ((dec + frac) if decimals else "")
    return ("-" if neg else "") + out


class Money:
    """Formats amounts consistently within one document."""

    def __init__(self, rng, country):
        prof = COUNTRIES[country]
        self.cur = prof["cur"]
        self.style = prof["num"]
        if rng.random() < 0.3:
            self.style = "plain" if self.style in ("en", "ch") else "plain_de"
        self.symbol = pick(rng, CUR_SYMBOLS[self.cur])
        self.where = rng.choice(["pre", "post", "none", "none"]) if self.symbol.isalpha() else rng.choice(["pre", "pre", "none"])
        if self.cur == "EUR" and self.style in ("de", "fr", "plain_de"):
            self.where = rng.choice(["post", "post", "none", "pre"])

    def num(self, x):
        return fmt_num(x, self.style)

    def __call__(self, x, force_symbol=False):
        s = self.num(x)
        where = self.where if not (force_symbol and self.where == "none") else "pre"
        if where == "pre":
            return self.symbol + ("" if self.symbol in ("$", "£", "€", "S$", "A$", "C$", "US$", "₹") else " ") + s
        if where == "post":
            return s + " " + self.symbol
        return s


MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "nl": "januari februari maart april mei juni juli augustus september oktober november december".split(),
}


def rand_date(rng, y0=2012, y1=2025):
    start = datetime.date(y0, 1, 1).toordinal()
    end = datetime.date(y1, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def fmt_date(rng, d, kind=None, lang="en"):
    kinds = ["dmy/", "mdy", "iso", "dmy.", "dmy-", "dmon", "long_en", "long_en_d", "long_de",
             "long_fr", "yy"]
    kind = kind or pick(rng, kinds)
    if kind == "mdy":
        return rng.choice(["%02d/%02d/%04d", "%d/%d/%04d"]) % (d.month, d.day, d.year) if rng.random() < 0.85 else "%02d/%02d/%02d" % (d.month, d.day, d.year % 100)
    if kind == "mdy_short":
        return rng.choice(["%d/%d/%02d", "%d-%d-%02d", "%d/%d/%02d"]) % (d.month, d.day, d.year % 100)
    if kind == "dmy_short":
        return rng.choice(["%d/%d/%02d", "%d.%d.%02d"]) % (d.day, d.month, d.year % 100)
    if kind == "dmy/":
        return "%02d/%02d/%04d" % (d.day, d.month, d.year) if rng.random() < 0.8 else "%02d/%02d/%02d" % (d.day, d.month, d.year % 100)
    if kind == "dmy.":
        return "%02d.%02d.%04d" % (d.day, d.month, d.year) if rng.random() < 0.85 else "%d.%d.%02d" % (d.day, d.month, d.year % 100)
    if kind == "dmy-":
        return "%02d-%02d-%04d" % (d.day, d.month, d.year)
    if kind == "iso":
        return d.isoformat()
    if kind == "dmon":
        m = MONTHS["en"][d.month - 1][:3]
        return rng.choice(["%02d %s %04d" % (d.day, m, d.year), "%02d-%s-%04d" % (d.day, m.upper(), d.year),
                           "%d-%s-%02d" % (d.day, m, d.year % 100), "%02d %s %d" % (d.day, m.upper(), d.year)])
    if kind == "long_en":
        return "%s %d, %d" % (MONTHS["en"][d.month - 1], d.day, d.year)
    if kind == "long_en_d":
        return "%d %s %d" % (d.day, MONTHS["en"][d.month - 1], d.year)
    if kind == "long_de":
        return "%d. %s %d" % (d.day, MONTHS["de"][d.month - 1], d.year)
    if kind == "long_fr":
        return "%s %s %d" % ("1er" if d.day == 1 else str(d.day), MONTHS["fr"][d.month - 1], d.year)
    if kind == "long_nl":
        return "%d %s %d" % (d.day, MONTHS["nl"][d.month - 1], d.year)
    return "%02d%02d%02d" % (d.year % 100, d.month, d.day)


def date_kind_for(rng, country, lang=None):
    kinds = list(COUNTRIES[country]["dates"])
    if lang == "de":
        kinds += ["long_de", "dmy."]
    elif lang == "fr":
        kinds += ["long_fr", "dmy/"]
    elif lang == "nl":
        kinds += ["long_nl"]
    return pick(rng, kinds)


def rand_time(rng, seconds=None):
    h, m, s = rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59)
    if seconds is None:
        seconds = rng.random() < 0.5
    if rng.random() < 0.3:
        ap = "AM" if h < 12 else "PM"
        hh = h if h <= 12 else h - 12
        return ("%d:%02d:%02d %s" % (hh, m, s, ap)) if seconds else ("%d:%02d %s" % (hh, m, ap))
    return ("%02d:%02d:%02d" % (h, m, s)) if seconds else ("%02d:%02d" % (h, m))


def tax_id(rng, country):
    c = country
    if c == "DE":
        return rng.choice(["USt-IdNr.: DE%s" % _digits(rng, 9), "USt-ID: DE %s %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3)),
                           "Steuernummer: %s/%s/%s" % (_digits(rng, 2), _digits(rng, 3), _digits(rng, 5)), "St.-Nr. %s/%s/%s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 5))])
    if c == "AT":
        return "UID: ATU%s" % _digits(rng, 8)
    if c == "CH":
        return "CHE-%s.%s.%s MWST" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3))
    if c == "FR":
        return rng.choice(["N° TVA intracom. : FR%s" % _digits(rng, 11), "SIRET : %s %s %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3), _digits(rng, 5)),
                           "TVA : FR %s %s" % (_digits(rng, 2), _digits(rng, 9)), "SIREN %s %s %s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3))])
    if c == "BE":
        return "TVA BE 0%s.%s.%s" % (_digits(rng, 3), _digits(rng, 3), _digits(rng, 3))
    if c == "NL":
        return rng.choice(["BTW: NL%sB0%d" % (_digits(rng, 9), rng.randint(1, 9)), "KvK: %s" % _digits(rng, 8)])
    if c in ("UK", "IE"):
        return rng.choice(["VAT Reg. No. GB %s %s %s" % (_digits(rng, 3), _digits(rng, 4), _digits(rng, 2)), "VAT No: GB%s" % _digits(rng, 9),
                           "Company No. %s" % _digits(rng, 8), "VAT Registration: %s" % _digits(rng, 9)])
    if c == "MY":
        return rng.choice(["GST ID: %s" % _digits(rng, 12), "GST REG NO: %s" % _digits(rng, 12), "GST No: %s" % _digits(rng, 12),
                           "SST ID: W10-%s-%s" % (_digits(rng, 4), _digits(rng, 8)), "SST REG NO : B16-%s-%s" % (_digits(rng, 4), _digits(rng, 8)),
                           "(%s-%s)" % (_digits(rng, rng.choice([6, 7])), _letters(rng, 1)), "Co. Reg. No. %s-%s" % (_digits(rng, 6), _letters(rng, 1)),
                           "TIN: C%s" % _digits(rng, 10)])
    if c == "SG":
        return rng.choice(["GST Reg No: M%d-%s-%d" % (rng.randint(1, 9), _digits(rng, 7), rng.randint(0, 9)), "UEN: %s%s" % (_digits(rng, 9), _letters(rng, 1)),
                           "GST Reg. No. %s%s" % (_digits(rng, 9), _letters(rng, 1))])
    if c == "AU":
        return "ABN %s %s %s %s" % (_digits(rng, 2), _digits(rng, 3), _digits(rng, 3), _digits(rng, 3))
    if c == "IN":
        return "GSTIN: %s%s%s%s1Z%d" % (_digits(rng, 2), _letters(rng, 5), _digits(rng, 4), _letters(rng, 1), rng.randint(1, 9))
    if c == "CA":
        return "GST/HST No. %sRT0001" % _digits(rng, 9)
    return rng.choice(["EIN %s-%s" % (_digits(rng, 2), _digits(rng, 7)), "Tax ID: %s-%s" % (_digits(rng, 2), _digits(rng, 7)),
                       "Federal Tax ID %s-%s" % (_digits(rng, 2), _digits(rng, 7))])


def iban(rng, country):
    """An IBAN of the country's length whose check digits are right (ISO 13616: mod 97), so that
    a reader's check-digit test accepts it. The random draws are those the generator always
    made (two digits, then the account), so the rest of a document stays as the seed gave it."""
    cc = {"DE": ("DE", 20), "AT": ("AT", 18), "CH": ("CH", 19), "FR": ("FR", 25), "BE": ("BE", 14),
          "NL": ("NL", 16), "UK": ("GB", 20), "IE": ("IE", 20)}.get(country, ("DE", 20))
    lettered = cc[0] in ("NL", "GB", "IE")
    _digits(rng, 2)  # drawn as before; the check digits are computed below
    account = (_letters(rng, 4) if lettered else "") + _digits(rng, cc[1] - (4 if lettered else 0))
    bban = account[:-2]  # the country's length: 22 in all for DE, 18 for NL, 27 for FR, ...
    numeric = "".join(str(int(ch, 36)) for ch in bban + cc[0] + "00")
    s = cc[0] + "%02d" % (98 - int(numeric) % 97) + bban
    if rng.random() < 0.7:
        s = " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s


def bic(rng):
    return _letters(rng, 4) + rng.choice(["DE", "FR", "GB", "NL", "CH", "AT", "BE"]) + _letters(rng, 2) + rng.choice(["", "XXX", _letters(rng, 3)])


def doc_number(rng, prefixes=("INV", "RE", "F", "", "", "")):
    p = pick(rng, list(prefixes))
    n = rng.choice([_digits(rng, rng.randint(4, 8)), "%d-%s" % (rng.randint(2015, 2025), _digits(rng, rng.randint(3, 6))),
                    "%s/%s" % (_digits(rng, 4), _digits(rng, 2)), _letters(rng, 2) + _digits(rng, 6)])
    return (p + rng.choice(["-", "", " ", "/"]) + n) if p else n
