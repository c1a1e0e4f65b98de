# SPDX-License-Identifier: GPL-3.0-or-later
"""Goods and services, and small helpers shared by the document builders."""

from .world import COUNTRIES, pick

SHOP_ITEMS = {
    "grocery_en": ("Full Cream Milk 1L|Wholemeal Bread|Eggs 12pk|Bananas|Apples Gala|Long Grain Rice 5kg|Cooking Oil 2L|Sugar 1kg|"
                   "Chicken Breast|Minced Beef 500g|Cheddar Cheese|Greek Yoghurt|Orange Juice 1L|Ground Coffee|Tea Bags 100s|Spaghetti 500g|"
                   "Pasta Sauce|Salted Butter|Potatoes 2kg|Onions|Garlic|Laundry Detergent|Toilet Rolls 10pk|Shampoo 400ml|Toothpaste|"
                   "Mineral Water 1.5L|Digestive Biscuits|Dark Chocolate|Instant Noodles 5s|Soy Sauce|Frozen Peas|Tomatoes|Carrots 1kg|"
                   "Cucumber|Lettuce|Canned Tuna|Baked Beans|Corn Flakes|Peanut Butter|Strawberry Jam|Paper Towels|Dish Soap|Bin Bags|"
                   "Cat Food|Sparkling Water|Cola 1.5L|Potato Chips|Frozen Pizza|Ice Cream 1L|Salmon Fillet|Sliced Ham|Honey 500g"),
    "grocery_de": ("Vollmilch 1,5%|Butter 250g|Bio Eier 10St|Brötchen|Roggenbrot|Bananen|Äpfel Elstar|Kartoffeln 2,5kg|Gouda jung|"
                   "Joghurt natur|Kaffee gemahlen|Mineralwasser|Apfelschorle|Nudeln Fusilli|Tomaten|Salatgurke|Pfand|Pfand Rückgabe|"
                   "Spülmittel|Toilettenpapier|Zahnpasta|Duschgel|Schokolade|Gummibärchen|Hackfleisch gem.|Leberwurst|Schinken|"
                   "Frischkäse|Sahne 200g|Quark|Zwiebeln|Paprika rot|Karotten|Orangensaft|Bier 0,5l|Weißwein|Haferflocken|Müsli|"
                   "Reis 1kg|Mehl Type 405|Zucker|Tiefkühlpizza|Brezel|Laugenstange|Tragetasche"),
    "grocery_fr": ("Baguette tradition|Lait demi-écrémé|Beurre doux|Oeufs x6|Pommes Golden|Bananes|Comté|Yaourt nature x4|Café moulu|"
                   "Eau minérale 6x1,5L|Pâtes coquillettes|Jambon blanc|Poulet fermier|Tomates grappe|Vin rouge AOC|Croissant|"
                   "Pain de mie|Camembert|Crème fraîche|Salade|Carottes|Pommes de terre|Huile d'olive|Moutarde|Sucre en poudre|"
                   "Papier toilette|Lessive|Liquide vaisselle|Chocolat noir|Jus d'orange|Biscuits|Riz basmati|Sac cabas"),
    "grocery_my": ("Beras Wangi 5kg|Gula Pasir 1kg|Minyak Masak 2kg|Telur Gred A 30bj|Roti Putih|Susu Pekat|Milo 1kg|Kopi 3in1|"
                   "Teh Serbuk|Mee Kuning|Bihun|Kicap Manis|Sos Cili|Ikan Bilis|Bawang Merah|Bawang Putih|Cili Kering|Santan Kotak|"
                   "Ayam Segar|Sayur Sawi|Kangkung|Tauhu|Tempe|Biskut Kering|Air Mineral 1.5L|Sabun Basuh|Ubat Gigi|Syampu|"
                   "Tisu Dapur|Plastik Sampah|Mee Segera 5s|Sardin Tin|Kacang Tanah|Gula Melaka|Tepung Gandum|Garam"),
    "restaurant_en": ("Caesar Salad|Grilled Salmon|Beef Burger|Fries|Margherita Pizza|Soup of the Day|Espresso|Cappuccino|Latte|"
                      "Iced Tea|Cola|Sparkling Water|House Wine (glass)|Pint Lager|Cheesecake|Fish & Chips|Steak Frites|Chicken Wings|"
                      "Pad Thai|Fried Rice|Garlic Bread|Tiramisu|Club Sandwich|Veggie Wrap|Lemonade|Chocolate Brownie|Tomato Soup|"
                      "Spring Rolls|Green Curry|Lamb Chops|Mushroom Risotto|Side Salad|Onion Rings|Mineral Water|Americano|Flat White"),
    "restaurant_my": ("Nasi Lemak Ayam|Teh Tarik|Kopi O|Milo Ais|Roti Canai|Roti Telur|Mee Goreng Mamak|Nasi Goreng Kampung|"
                      "Char Kuey Teow|Ayam Goreng|Teh O Ais Limau|Maggi Goreng|Sirap Bandung|Nasi Putih|Sayur Campur|Ikan Bakar|"
                      "Tom Yam Campur|Laksa|Wantan Mee|Chicken Rice|Kopi Peng|Barley Ais|Cham Ping|Nasi Kerabu|Satay (10 cucuk)|"
                      "Mee Rebus|Cendol|Air Kosong|Roti Bakar|Half Boiled Eggs|Kuey Teow Soup|Yong Tau Foo"),
    "restaurant_de": ("Schnitzel Wiener Art|Currywurst mit Pommes|Bratwurst|Kartoffelsalat|Apfelschorle 0,4l|Pils 0,5l|Weizen 0,5l|"
                      "Cola 0,33l|Kaffee|Cappuccino|Latte Macchiato|Apfelstrudel|Käsespätzle|Salatteller|Tagessuppe|Flammkuchen|"
                      "Rinderroulade|Forelle Müllerin|Mineralwasser 0,75l|Schorle rot|Espresso|Kuchen des Tages"),
    "restaurant_fr": ("Menu du jour|Entrée|Plat du jour|Dessert|Café|Carafe de vin|Verre de vin blanc|Croque-monsieur|Salade niçoise|"
                      "Steak frites|Moules frites|Crème brûlée|Tarte Tatin|Eau gazeuse|Coca-Cola|Pression 25cl|Quiche lorraine|"
                      "Soupe à l'oignon|Confit de canard|Omelette|Planche mixte|Café gourmand"),
    "hardware": ("Wood Screws 4x40 (100)|Wall Plugs 6mm|Claw Hammer 500g|Paint Brush 50mm|Emulsion Paint 5L|Masking Tape 25mm|"
                 "Sandpaper P120|HSS Drill Bit Set|PVC Pipe 20mm|Cable Ties 200mm|Extension Lead 3m|LED Bulb E27 9W|Padlock 40mm|"
                 "Silicone Sealant|Tape Measure 5m|Work Gloves|Spanner 13mm|Hose Clip|Wood Glue|Paint Roller Set|Screwdriver Set|"
                 "Hinges 75mm|Door Handle|Cement 25kg|Tile Adhesive|Cutting Disc 115mm|Spirit Level|Hacksaw Blade|Wire Brush|"
                 "Plumbers Tape|Switch Socket|Circuit Breaker 16A|Nails 50mm 1kg|Bolt M8x40|Washer M8|Nut M8|Rubber Mallet"),
    "pharmacy": ("Paracetamol 500mg 20s|Ibuprofen 200mg|Vitamin C 1000mg|Cough Syrup 100ml|Plasters Assorted|Antiseptic Cream|"
                 "Hand Sanitizer 500ml|Face Masks 50pcs|Digital Thermometer|Antihistamine Tablets|Eye Drops 10ml|Throat Lozenges|"
                 "Multivitamin 30s|Cotton Wool|Bandage 5cm|Sunscreen SPF50|Lip Balm|Calcium + D3|Fish Oil 1000mg|Nasal Spray|"
                 "Oral Rehydration Salts|Insect Repellent|Medicated Oil|Pain Relief Patch|Contact Lens Solution"),
    "stationery": ("A4 Paper 80gsm 500s|Ballpoint Pen Blue 10s|Notebook A5|Stapler|Staples 26/6|Highlighter Set|Envelope C5 50s|"
                   "Glue Stick|Arch File|Scissors|Calculator|Exercise Book|Colour Pencils 12s|Correction Tape|Sticky Notes|Ruler 30cm|"
                   "Eraser|Pencil 2B|Marker Permanent|Binder Clips|Clear Folder|Printer Ink Black|Whiteboard Marker|Paper Clips|Sharpener"),
    "electronics": ("USB-C Cable 1m|Wall Charger 20W|Wired Earphones|AA Batteries 4pk|HDMI Cable 2m|Power Bank 10000mAh|"
                    "microSD Card 64GB|Wireless Mouse|Keyboard|Screen Protector|Phone Case|Bluetooth Speaker|Extension Socket 4-way|"
                    "Light Bulb LED|Car Charger|Ethernet Cable 5m|USB Flash Drive 32GB|Smart Plug|Headphones"),
    "bakery": ("Croissant|Pain au Chocolat|Blueberry Muffin|Bagel|Flat White|Americano|Hot Chocolate|Ham & Cheese Sandwich|"
               "Cinnamon Roll|Sourdough Loaf|Baguette|Danish Pastry|Carrot Cake|Scone|Chai Latte|Fruit Tart|Egg Tart|Curry Puff|"
               "Kaya Toast|Butter Bun|Donut|Apple Turnover|Orange Juice"),
    "fuel": ("Unleaded 95|RON95|RON97|Super E10|Super 95|Diesel|Premium Diesel|Gazole|SP95-E10|AdBlue 10L|Car Wash Premium|"
             "Engine Oil 1L|Screen Wash|Coffee To Go|Snack Bar|Newspaper|Air Freshener|Bottled Water"),
    "clothing": ("T-Shirt Cotton|Jeans Slim Fit|Socks 3pk|Hoodie|Dress Shirt|Leather Belt|Baseball Cap|Scarf|Sneakers|Rain Jacket|"
                 "Polo Shirt|Shorts|Sweater|Underwear 2pk|Kids T-Shirt|Shopping Bag"),
}

INVOICE_ITEMS = {
    "en": ("Consulting services|Software licence (annual)|Website maintenance - monthly|Hosting package Business|Installation and setup|"
           "Travel expenses|Toner cartridge black|Office chair, ergonomic|Steel bracket 40x40 mm|Freight and handling|Project management|"
           "Translation services|Office cleaning|Monthly retainer|Training workshop (1 day)|Cloud storage 1 TB|Domain registration|"
           "Technical support (hours)|Spare parts|Laptop 14\" i5 16GB|Monitor 27\" LED|Network switch 24-port|Graphic design|"
           "Copywriting|Photography session|Legal advice|Accounting services Q{q}|Payroll processing|Equipment rental|Scaffolding hire|"
           "Electrical works|Plumbing repairs|Painting and decorating|Catering for {n} persons|Conference room hire|Shipping container 20ft|"
           "Packaging materials|Printing of brochures (1,000)|Business cards (500)|Annual maintenance contract|Data migration|"
           "Security audit|Server rack 42U|Cable installation|Pallet transport|Courier service|Subscription - Premium plan|"
           "API usage (per 1,000 calls)|Compute hours|Storage GB-month|Data transfer out|Support plan Business|Marketing campaign|"
           "Recruitment fee|Temporary staff (hours)|Landscaping services|Window cleaning|Pest control|HVAC service visit|Calibration"),
    "de": ("Beratungsleistung|Wartungsvertrag (jährlich)|Montagearbeiten|Versandkosten|Fahrtkosten|Lizenzgebühr|Reparatur|"
           "Stundensatz Techniker|Materialkosten|Entsorgung|Schrauben M8x40 verzinkt|Kabel NYM-J 3x1,5 (100 m)|Softwareentwicklung|"
           "Projektleitung|Schulung (Tagessatz)|Druckerpatrone schwarz|Büromöbel|Gerüstmiete|Malerarbeiten|Elektroinstallation|"
           "Heizungswartung|Reinigung Büroräume|Webhosting Paket|Domain .de|Übersetzung|Grafikdesign|Anfahrtspauschale|Kleinmaterial|"
           "Verpackung|Frachtkosten|Lagerkosten|Steuerberatung|Buchhaltung Monat {m}|Miete Stellplatz|Nebenkostenabrechnung|"
           "Fliesenarbeiten|Dachreparatur|Kranarbeiten|Stahlträger IPE 200|Holzpaneele Eiche|Sanitärinstallation|Prüfung nach DGUV V3"),
    "fr": ("Prestation de conseil|Maintenance annuelle|Frais de port|Main d'oeuvre|Déplacement|Licence logicielle|Installation|"
           "Fournitures de bureau|Formation (journée)|Développement web|Hébergement|Nettoyage des locaux|Transport|Location de matériel|"
           "Travaux de peinture|Travaux d'électricité|Réparation|Pièces détachées|Traduction|Conception graphique|Abonnement mensuel|"
           "Gestion de projet|Audit de sécurité|Expertise comptable|Frais de dossier|Impression de flyers|Remise commerciale"),
    "nl": ("Advieswerkzaamheden|Onderhoudscontract|Verzendkosten|Arbeidsloon|Reiskosten|Softwarelicentie|Installatie|Materiaal|"
           "Schoonmaakwerkzaamheden|Hosting|Projectmanagement|Training"),
}
UNITS = {"en": ["pcs", "ea", "h", "hrs", "days", "m", "kg", "set", "lot", "month", "units", ""],
         "de": ["Stk.", "Std.", "h", "Tag", "m", "kg", "Pauschal", "psch.", "Monat", "St", "lfm", ""],
         "fr": ["u", "h", "jour", "forfait", "m", "kg", "mois", "pce", ""],
         "nl": ["st", "uur", "dag", "m", "stuks", ""]}


def item_name(rng, pool):
    s = pick(rng, pool.split("|"))
    return s.replace("{n}", str(rng.randint(10, 200))).replace("{q}", str(rng.randint(1, 4))).replace("{m}", "%02d" % rng.randint(1, 12))


# ---------------------------------------------------------------------------------------------
# Shared helpers for builders
# ---------------------------------------------------------------------------------------------

def weighted(rng, table):
    """table: list of (value, weight)."""
    total = sum(w for _, w in table)
    r = rng.uniform(0, total)
    for v, w in table:
        r -= w
        if r <= 0:
            return v
    return table[-1][0]


def lang_of(rng, country):
    lang = COUNTRIES[country]["lang"]
    if country == "CH":
        return rng.choice(["de", "de", "fr"])
    if country == "BE":
        return rng.choice(["fr", "fr", "nl"])
    if country == "CA":
        return "fr" if rng.random() < 0.2 else "en"
    return lang


def T(lang, **variants):
    """Picks the label for `lang` (falls back to English)."""
    return variants.get(lang, variants.get("en"))


def round_to(x, step):
    return round(round(x / step) * step, 2)
