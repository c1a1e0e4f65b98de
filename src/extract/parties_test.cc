// SPDX-License-Identifier: GPL-3.0-or-later
// The extractor on names and addresses: a receipt's merchant name block and the address under
// it, and an invoice's seller and buyer (src/extract/parties.cc and its callers).
#include "extract/extractor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "extract/extractor_test_docs.h"

namespace sheaf::extract {
namespace {

using test_docs::SchemaFor;
using test_docs::SetConfidence;
using test_docs::TextDocument;
using test_docs::Value;

// ---------------------------------------------------------------------------------------------
// Receipt headers: the merchant name block and the address block under it.

TEST(Extract, NameWrappedAfterAConnectorTakesTheNextLine) {
  Document doc = TextDocument(
      "   GREEN VALLEY PAINT &\n"
      "        ELECTRICAL\n"
      " NO. 8, JALAN MERANTI 3,\n"
      "  47100 PUCHONG, SELANGOR.\n"
      "   TEL: 03-8888 1234\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "GREEN VALLEY PAINT & ELECTRICAL");
  // The second name line is not the start of the address.
  EXPECT_EQ(Value(ex, "merchant_address"), "NO. 8, JALAN MERANTI 3, 47100 PUCHONG, SELANGOR.");
}

TEST(Extract, NameWrappedBeforeALineWithItsLegalForm) {
  Document doc = TextDocument(
      "  LILY CONFECTIONERY AND\n"
      "      BAKERY S/B\n"
      "   COMPANY NO: 123456-V\n"
      "  LOT 12, JALAN MAWAR 2,\n"
      "  43000 KAJANG, SELANGOR\n"
      "   TEL : 03-8733 0000\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "LILY CONFECTIONERY AND BAKERY S/B");
  EXPECT_EQ(Value(ex, "merchant_address"), "LOT 12, JALAN MAWAR 2, 43000 KAJANG, SELANGOR");
}

TEST(Extract, ARowOfTradeWordsEndsTheNameOnTheRowAbove) {
  // The row of the trade word alone (with a letter OCR added) is no name by itself.
  Document doc = TextDocument(
      "  SYARIKAT BINTANG SEJAHTERA\n"
      "        TRADING N\n"
      "       (914887-T)\n"
      "  20, JLN BINTANG 17,\n"
      "  52796 ALOR SETAR, KEDAH.\n"
      "  TEL: 08-5498124\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "SYARIKAT BINTANG SEJAHTERA TRADING");
  EXPECT_EQ(Value(ex, "merchant_address"), "20, JLN BINTANG 17, 52796 ALOR SETAR, KEDAH.");
}

TEST(Extract, ANameInLargeTypeGoesOnOverTheNextRowInTheSameType) {
  // Rows 0 and 1 printed twice as tall as the body: the name's two lines.
  const std::string body =
      "  KEDAI RUNCIT\n"
      "  ASTRAZOR\n"
      "  NO. 11, PERSIARAN CEMPAKA,\n"
      "  32087 MUAR, JOHOR.\n"
      "  TEL: 06-952 1234\n"
      "  RECEIPT NO: OR2016-990284\n"
      "  DATE: 28/04/2022\n";
  auto tall = [](Document doc, std::initializer_list<std::size_t> lines) {
    int y = 0;
    for (Line& l : doc.pages[0].blocks[0].lines) {  // laid out again, top down
      const std::size_t i = static_cast<std::size_t>(&l - doc.pages[0].blocks[0].lines.data());
      const int h = std::find(lines.begin(), lines.end(), i) != lines.end() ? 36 : 16;
      Box box;
      for (Word& w : l.words) {
        w.bbox.y0 = y + 2;
        w.bbox.y1 = y + 2 + h;
        box = box.Union(w.bbox);
      }
      l.bbox = box;
      y += h + 4;
    }
    doc.pages[0].height = y;
    return doc;
  };
  Extraction ex = Extract(tall(TextDocument(body), {0, 1}), SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "KEDAI RUNCIT ASTRAZOR");
  EXPECT_EQ(Value(ex, "merchant_address"), "NO. 11, PERSIARAN CEMPAKA, 32087 MUAR, JOHOR.");
  // In the body's type, the row under the name is not taken for its second line.
  EXPECT_EQ(Value(Extract(tall(TextDocument(body), {0}), SchemaFor("receipt")), "merchant_name"), "KEDAI RUNCIT");
}

TEST(Extract, LegalFormsOfOtherCountriesOnARowOfTheirOwnEndTheName) {
  for (const auto& [top, legal] : {std::pair<std::string, std::string>{"Bright Atlas Marine", "Private Limited"},
                                   {"GEMILANG IMPIAN", "BHD"}, {"Harbour View Traders", "Pty Ltd"}}) {
    Document doc = TextDocument("  Quality & Service\n  " + top + "\n  " + legal +
                                "\n  No. 52, Jalan Baru 1/2,\n  39399 Taiping, Perak.\n  Tel: 06-2127 2522\n");
    Extraction ex = Extract(doc, SchemaFor("receipt"));
    EXPECT_EQ(Value(ex, "merchant_name"), top + " " + legal);
    EXPECT_EQ(Value(ex, "merchant_address"), "No. 52, Jalan Baru 1/2, 39399 Taiping, Perak.");
  }
}

TEST(Extract, StampsPostcodesAndItemRowsAreNoNames) {
  // A stamp over the head, a Dutch postcode ("SE" is no legal form there) and an item's row
  // are passed over for the name under them or the one above.
  Document stamped = TextDocument(
      "      APPROVED\n"
      "  HIN SENG STATIONERY LLP\n"
      "  254 BUKIT TIMAH ROAD\n"
      "  SINGAPORE 169012\n");
  EXPECT_EQ(Value(Extract(stamped, SchemaFor("receipt")), "merchant_name"), "HIN SENG STATIONERY LLP");
  Document dutch = TextDocument(
      "  Falgalsel Supermarkt\n"
      "  Nieuwstraat 74\n"
      "  2727 SE Haarlem\n"
      "  Tijd: 10:56\n");
  Extraction nl = Extract(dutch, SchemaFor("receipt"));
  EXPECT_EQ(Value(nl, "merchant_name"), "Falgalsel Supermarkt");
  EXPECT_EQ(Value(nl, "merchant_address"), "Nieuwstraat 74, 2727 SE Haarlem");
  Document items = TextDocument(
      "  9448 Wien\n"
      "  Kassenbon\n"
      "  KAYA TOAST 1 3,52 3,52\n"
      "  Croissant 2 3,40 6,80\n"
      "  Summe EUR 10,32\n");
  EXPECT_NE(Value(Extract(items, SchemaFor("receipt")), "merchant_name"), "KAYA TOAST 1 3,52 3,52");
}

TEST(Extract, AddressLinesKeepTheirPlacesThroughNoiseBranchesAndStates) {
  // Specks read as ":" around a line, a branch's line before the address, a smudge read as a
  // line, a US state "CO" and a plot number: none ends or starts the address wrongly; "ABN" and
  // "CUSTOMER COPY" end it.
  Document de = TextDocument(
      "  FERXEL SCHREIBWAREN GMBH\n"
      "  Filiale Zenith\n"
      "  INDUSTRIEALLEE 121\n"
      "  : 28191 DUISBURG :\n"
      "  TEL +49 203 5194798\n");
  EXPECT_EQ(Value(Extract(de, SchemaFor("receipt")), "merchant_address"), "INDUSTRIEALLEE 121, 28191 DUISBURG");
  Document us = TextDocument(
      "  WILSON BROTHERS INC\n"
      "  8448 COMMERCE CLOSE\n"
      "  DENVER, CO 80202-9431\n"
      "  CUSTOMER COPY\n");
  EXPECT_EQ(Value(Extract(us, SchemaFor("receipt")), "merchant_address"), "8448 COMMERCE CLOSE, DENVER, CO 80202-9431");
  Document au = TextDocument(
      "  Gray Brothers Pty Ltd\n"
      "  245 Victoria Drive\n"
      "  Adelaide SA 5000\n"
      "  ABN 82 838 302 357\n");
  EXPECT_EQ(Value(Extract(au, SchemaFor("receipt")), "merchant_address"), "245 Victoria Drive, Adelaide SA 5000");
  Document my = TextDocument(
      "  SANAN SDN BHD\n"
      "  6-92, . > S\n"
      "  PTD 99960,\n"
      "  JALAN SS 5/40,\n"
      "  72392 JOHOR BAHRU, JOHOR.\n"
      "  FAX: +60 3-0830 2289\n");
  EXPECT_EQ(Value(Extract(my, SchemaFor("receipt")), "merchant_address"), "PTD 99960, JALAN SS 5/40, 72392 JOHOR BAHRU, JOHOR.");
}

TEST(Extract, NameWithItsRegistrationNumberOnTheSameRow) {
  // "CO." and a number on the row do not make it a registration line.
  Document doc = TextDocument(
      "  SERI MAJU CO. {M) BHD (204518-K)\n"
      "  1ST FLR, SERI MAJU MALL\n"
      "  JLN DAMAI, TAMAN DAMAI\n"
      "  56000 KUALA LUMPUR\n"
      "  GST ID : 001234567890\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "SERI MAJU CO. (M) BHD");
  EXPECT_EQ(Value(ex, "merchant_address"), "1ST FLR, SERI MAJU MALL, JLN DAMAI, TAMAN DAMAI, 56000 KUALA LUMPUR");
}

TEST(Extract, AWordBoxedTallerThanItsRowStaysInIt) {
  // OCR boxed "TRADING" down into the row below (twice the line height): it is still the name's.
  Document doc = TextDocument(
      "  PINGHWAI TRADING SDN BHD\n"
      "           (1036-W)\n"
      "  NO.2, JALAN META PERDANA TIMUR 11,\n"
      "  52100 KUALA LUMPUR\n");
  for (Word& w : doc.pages[0].blocks[0].lines[0].words) {
    if (w.text == "TRADING") w.bbox.y1 = 38;
  }
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "PINGHWAI TRADING SDN BHD");
  // Boxed up into the row above, a word of the address stays in the address (its OCR line).
  Document up = TextDocument(
      "  ANZEL ADVERTISING (M) SDN BHD\n"
      "  UNIT G-5B, GROUND FLOOR, WISMA UOA II\n"
      "  50450 KUALA LUMPUR\n");
  for (Word& w : up.pages[0].blocks[0].lines[1].words) {
    if (w.text == "GROUND") w.bbox.y0 = 2;
  }
  Extraction ex_up = Extract(up, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex_up, "merchant_name"), "ANZEL ADVERTISING (M) SDN BHD");
  EXPECT_EQ(Value(ex_up, "merchant_address"), "UNIT G-5B, GROUND FLOOR, WISMA UOA II, 50450 KUALA LUMPUR");
}

TEST(Extract, ASellerNameRunningIntoItsAddressIsCutAtTheSeparator) {
  for (const char* line : {"Exemple SARL - 17 rue des Lilas - 75011 Paris",
                           "Exemple SARL | 17 rue des Lilas | 75011 Paris",
                           "Exemple SARL \xC2\xB7 17 rue des Lilas \xC2\xB7 75011 Paris",
                           "Exemple SARL \xE2\x80\x93 17 rue des Lilas \xE2\x80\x93 75011 Paris"}) {
    Extraction ex = Extract(TextDocument(std::string(line) + "\n\nFACTURE\n"), SchemaFor("invoice"));
    EXPECT_EQ(Value(ex, "seller_name"), "Exemple SARL") << line;
  }
  // A comma runs into the address after a legal form or before a street number.
  for (const char* line : {"Star Tower Engineering Inc., 8028 Harbour St., Dayton, OH 97854",
                           "Benhalware GmbH, Kirchgasse 86, A-58062 Kassel"}) {
    Extraction ex = Extract(TextDocument(std::string(line) + "\n\nINVOICE\n"), SchemaFor("invoice"));
    std::string name(line);
    EXPECT_EQ(Value(ex, "seller_name"), name.substr(0, name.find(", "))) << line;
  }
  Extraction partners = Extract(TextDocument("Jones, Smith & Partners, 2 High Street, Leeds\n\nINVOICE\n"),
                                SchemaFor("invoice"));
  EXPECT_EQ(Value(partners, "seller_name"), "Jones, Smith & Partners");
  // A dash inside a name, with no number after it, stays.
  Extraction ex = Extract(TextDocument("  CT281 - TEALIVE SHELL KEPONG SDN BHD\n  12, JALAN AMAN 3,\n"),
                          SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "CT281 - TEALIVE SHELL KEPONG SDN BHD");
}

TEST(Extract, ABuyerHeadingIsNotANumberLabelReadWithOneMisreadCharacter) {
  // "Bill to" / "Invoice To" are one character from "Bill no" / "Invoice No"; as printed they
  // head the buyer's block.
  for (const char* heading : {"Bill to:", "Invoice To:"}) {
    Extraction ex = Extract(TextDocument(std::string("Alanix Ltd.\n919 Bridge Court\n\n") + heading +
                                         "\nArthur Edwards\n404 Queen Crescent\n\nInvoice No: 123\n"),
                            SchemaFor("invoice"));
    EXPECT_EQ(Value(ex, "buyer_name"), "Arthur Edwards") << heading;
    EXPECT_EQ(Value(ex, "invoice_number"), "123") << heading;
  }
}

TEST(Extract, TheBuyersAddressIsTheBlockUnderItsNameInItsColumn) {
  // Beside the invoice's details, after a department line, up to the telephone (whose digit
  // groups look like postcodes) and the title under the block; a layout convention, so below
  // the 0.9 band.
  Extraction ex = Extract(TextDocument(
                              "Alanix Ltd.\n"
                              "919 Bridge Court\n"
                              "Leeds LS1 4DY\n"
                              "\n"
                              "Bill to:\n"
                              "Kestrel Hardware GmbH                 Invoice No: INV-2024-77\n"
                              "Accounts Payable                      Date: 05.03.2024\n"
                              "Hauptstr. 5                           Due: 04.04.2024\n"
                              "10115 Berlin\n"
                              "Deutschland\n"
                              "Mobile 0171 2345 678\n"
                              "CREDIT NOTE\n"
                              "Widgets 3 x 10.00                     30.00\n"),
                          SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "buyer_name"), "Kestrel Hardware GmbH");
  EXPECT_EQ(Value(ex, "buyer_address"), "Hauptstr. 5, 10115 Berlin, Deutschland");
  ASSERT_TRUE(ex.fields.count("buyer_address"));
  EXPECT_LT(ex.fields.at("buyer_address").confidence, 0.9);
  // Under a name that follows its heading on the row, the block starts under the heading.
  Extraction same_row = Extract(TextDocument(
                                    "Alanix Ltd.\n919 Bridge Court\nLeeds LS1 4DY\n\n"
                                    "Sold to: Kestrel Hardware GmbH\n"
                                    "Hauptstr. 5\n"
                                    "10115 Berlin\n"
                                    "\n"
                                    "Invoice No: INV-2024-77\n"),
                                SchemaFor("invoice"));
  EXPECT_EQ(Value(same_row, "buyer_name"), "Kestrel Hardware GmbH");
  EXPECT_EQ(Value(same_row, "buyer_address"), "Hauptstr. 5, 10115 Berlin");
}

TEST(Extract, TheNumberAfterABareTitle) {
  const std::pair<const char*, const char*> cases[] = {
      {"Facture FA-2018-0042", "FA-2018-0042"}, {"FACTUUR RG2019-407", "RG2019-407"},
      {"Invoice # 2019/77", "2019/77"},         {"Facture proforma 4535", "4535"},
      {"Factuur INV 3317/07", "INV 3317/07"}};
  for (const auto& [title, number] : cases) {
    Extraction ex = Extract(TextDocument(std::string("Exemple SARL\n17 rue des Lilas\n\n") + title +
                                         "\nDate: 04.03.2016\n"),
                            SchemaFor("invoice"));
    EXPECT_EQ(Value(ex, "invoice_number"), number) << title;
  }
}

TEST(Extract, NothingOfTheNameFollowsItsLegalForm) {
  Document doc = TextDocument(
      "  TAN BROTHERS ENTERPRISE   PO OSTED\n"
      "  7, JALAN CEMPAKA 5,\n"
      "  81200 JOHOR BAHRU, JOHOR.\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "TAN BROTHERS ENTERPRISE");
  // A legal form with more after it is left whole.
  Extraction de = Extract(TextDocument("Lieferant\nMUSTER GMBH & CO. KG\n"), SchemaFor("invoice"));
  EXPECT_EQ(Value(de, "seller_name"), "MUSTER GMBH & CO. KG");
}

TEST(Extract, MisreadLegalFormsAndBracketsInANameAreRepaired) {
  Extraction a = Extract(TextDocument("  SUNWAY PRINTS (Mj Sdn bad (752785-H}\n  12, JALAN AMAN 3,\n"),
                         SchemaFor("receipt"));
  EXPECT_EQ(Value(a, "merchant_name"), "SUNWAY PRINTS (M) SDN BHD");
  Extraction b = Extract(TextDocument("  KEDAI RUNCIT PERMAI SDN B D\n  Reg No: 1203194-W\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(b, "merchant_name"), "KEDAI RUNCIT PERMAI SDN BHD");
  Extraction c = Extract(TextDocument("  MR. K.1.M. (M) SDN BHD\n  (CO.REG :704427-T)\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(c, "merchant_name"), "MR. K.I.M. (M) SDN BHD");
}

TEST(Extract, ATradeWordMisreadByOneLetterInANameIsRepaired) {
  Extraction a = Extract(TextDocument("  VERBENA CONFECTIUNERY SDN BHD\n  12, JALAN AMAN 3,\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(a, "merchant_name"), "VERBENA CONFECTIONERY SDN BHD");
  Extraction b = Extract(TextDocument("  : Lim Fregh Sdn Bhd\n  No. 14, Jalan Ros 2,\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(b, "merchant_name"), "Lim Fresh Sdn Bhd");
  // The trade words themselves, their plurals, short words and words near no trade word or
  // near none in particular stay as read.
  Extraction c = Extract(TextDocument("  KEDAH BAKERS & KITCHENS STATIONERS SDN BHD\n  No. 14, Jalan Ros 2,\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(c, "merchant_name"), "KEDAH BAKERS & KITCHENS STATIONERS SDN BHD");
  Extraction f = Extract(TextDocument("  FLESH & BEATTY STATIONARY SDN BHD\n  No. 14, Jalan Ros 2,\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(f, "merchant_name"), "FLESH & BEATTY STATIONARY SDN BHD");
  Extraction e = Extract(TextDocument("  BENS INDEPENDENT GROCER SDN. BHD\n  No. 14, Jalan Ros 2,\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(e, "merchant_name"), "BENS INDEPENDENT GROCER SDN. BHD");
  Extraction d = Extract(TextDocument("  BERRY'S CARE HOUSE SDN BHD\n  No. 14, Jalan Ros 2,\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(d, "merchant_name"), "BERRY'S CARE HOUSE SDN BHD");
}

TEST(Extract, ANameWordMisreadIsTakenFromItsOtherPrintingOnTheScannedPage) {
  const std::string text =
      "  SANYO STATIONERY SHOP\n"
      "  NO. 31G, JALAN SETIA INDAH X\n"
      "  TOTAL            12.00\n"
      "  THANK YOU FOR SHOPPING AT SANYU\n"
      "  FOLLOW US : SANYU.STATIONERY\n";
  Extraction scanned = Extract(TextDocument(text, PageSource::kOcr, 0.9), SchemaFor("receipt"));
  EXPECT_EQ(Value(scanned, "merchant_name"), "SANYU STATIONERY SHOP");
  // A text layer is what was printed: nothing to repair.
  Extraction digital = Extract(TextDocument(text), SchemaFor("receipt"));
  EXPECT_EQ(Value(digital, "merchant_name"), "SANYO STATIONERY SHOP");
  // A word whose only other reading on the page is its plural, and a word with two other
  // readings one letter away, stay as read.
  Extraction kept = Extract(TextDocument("  KITCHEN GARDEN MOTOR SDN BHD\n"
                                         "  NO. 31G, JALAN SETIA INDAH X\n"
                                         "  KITCHENS\n"
                                         "  MOTON MOTOX\n",
                                         PageSource::kOcr, 0.9),
                            SchemaFor("receipt"));
  EXPECT_EQ(Value(kept, "merchant_name"), "KITCHEN GARDEN MOTOR SDN BHD");
}

TEST(Extract, ABrandGivesWayToItsLegalOwnerPrintedUnderIt) {
  Document doc = TextDocument(
      "     KOPI PUTIH & CO.\n"
      "  Dimiliki oleh SERI RASA F&B SDN. BHD.\n"
      "        (1122334-T)\n"
      "  LOT 4F-27, PARADIGM MALL\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "Dimiliki oleh SERI RASA F&B SDN. BHD.");
  // Owner or brand is a convention: not in the >= 0.9 band, even on a text layer.
  EXPECT_LT(ex.fields.at("merchant_name").confidence, 0.9);
  // A legal name alone is as sure as before.
  Extraction alone = Extract(TextDocument("  SERI RASA F&B SDN. BHD.\n  LOT 4F-27, PARADIGM MALL\n"),
                             SchemaFor("receipt"));
  EXPECT_EQ(Value(alone, "merchant_name"), "SERI RASA F&B SDN. BHD.");
  EXPECT_GE(alone.fields.at("merchant_name").confidence, 0.9);
  // Without a legal form under it, the brand stays the name.
  Extraction b = Extract(TextDocument("   KOPI PUTIH & CO.\n  12, JALAN MAWAR 2,\n  43000 KAJANG\n"),
                         SchemaFor("receipt"));
  EXPECT_EQ(Value(b, "merchant_name"), "KOPI PUTIH & CO.");
}

TEST(Extract, TheLabelOfARegistrationNumberIsNoName) {
  Document doc = TextDocument(
      "  ~~ ~~\n"
      "  Company Reg No. (75495-A)\n"
      "  GST Reg No. 001943532736\n"
      "  TAX INVOICE\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name").find("Reg"), std::string::npos) << Value(ex, "merchant_name");
}

TEST(Extract, AMisreadWordAfterSdnIsBhd) {
  Extraction a = Extract(TextDocument("  ONE TWO SEAFOOD RESTAURANT SDN 11.\n  (1120908-M)\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(a, "merchant_name"), "ONE TWO SEAFOOD RESTAURANT SDN BHD");
  Extraction s = Extract(TextDocument("  99 SPEED MART 5/B (519537-X)\n  LOT P.T. 2811, JALAN ANGSA,\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(s, "merchant_name"), "99 SPEED MART S/B");
  // A word of letters after SDN is left to the other repairs.
  Extraction b = Extract(TextDocument("  KEDAI SDN XYZ\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(b, "merchant_name"), "KEDAI SDN XYZ");
}

TEST(Extract, TotalLabelWhoseLastLetterWasReadAsAFullStop) {
  Document doc = TextDocument(
      "  PIZZA PLACE\n"
      "  Sub-Total :        15.60\n"
      "  Grand Tota. :       6.70\n"
      "  Cash               50.00\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "6.70");
}

TEST(Extract, YearFirstDateGluedToTheWordBeforeIt) {
  Extraction a = Extract(TextDocument("  SOLARIS CAFE\n  (Sales12018-01-05 22:55:25 PosNo :86\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(a, "date"), "2018-01-05");
  Extraction b = Extract(TextDocument("  YAM FRESH\n  | 001-2016-07-31 13:48:51 LiJie\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(b, "date"), "2016-07-31");
}

TEST(Extract, DateSplitAfterItsSeparatorsWithLookAlikes) {
  Extraction a = Extract(TextDocument("  KEDAI MAJU SDN BHD\n  Date : O1- \xE2\x80\x98" "06- 2018 18: 21: 08\n"),
                         SchemaFor("receipt"));
  EXPECT_EQ(Value(a, "date"), "2018-06-01");
  EXPECT_EQ(a.fields.at("date").raw, "O1- \xE2\x80\x98" "06- 2018");
  // Numbers that merely end in separators are no date.
  Extraction b = Extract(TextDocument("  KEDAI MAJU SDN BHD\n  Qty 12- 30- 4\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(b, "date"), "<none>");
}

TEST(Extract, TheRoundedTotalIsPayableWhenNetAndTaxAddUpToTheGross) {
  Document doc = TextDocument(
      "  SEAFOOD RESTAURANT SDN BHD\n"
      "  Total (Excluding GST):        62.00\n"
      "  GST 6%:                        3.72\n"
      "  Total (Inclusive of GST):     65.72\n"
      "  Rounding Adj                  -0.02\n"
      "  TOTAL:                        65.70\n"
      "  CASH :                         65.7\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "65.70");
  EXPECT_EQ(Value(ex, "subtotal"), "62.00");
  EXPECT_EQ(Value(ex, "tax"), "3.72");
  EXPECT_EQ(Value(ex, "rounding"), "-0.02");
  EXPECT_EQ(ex.fields.at("rounding").page, 1);  // on its line
  EXPECT_FALSE(ex.fields.at("rounding").bbox.empty());
  // A rounding line that changes nothing is no adjustment.
  Extraction zero = Extract(TextDocument("  SEAFOOD RESTAURANT SDN BHD\n  Total (Excluding GST): 62.00\n"
                                         "  GST 6%: 3.70\n  Rounding Adj 0.00\n  TOTAL: 65.70\n"),
                            SchemaFor("receipt"));
  EXPECT_EQ(Value(zero, "total"), "65.70");
  EXPECT_EQ(Value(zero, "rounding"), "<none>");
  // Without a rounding line the gross is the total and no adjustment is reported.
  Extraction plain = Extract(TextDocument("  SEAFOOD RESTAURANT SDN BHD\n  Total (Excluding GST): 62.00\n"
                                          "  GST 6%: 3.72\n  Total (Inclusive of GST): 65.72\n"),
                             SchemaFor("receipt"));
  EXPECT_EQ(Value(plain, "total"), "65.72");
  EXPECT_EQ(Value(plain, "rounding"), "<none>");
}

TEST(Extract, AnIdWithAMisreadLabelComesBeforeTheAddressWithoutEndingIt) {
  Document doc = TextDocument(
      "   B & BEST RESTAURANT\n"
      "     (00161023-P)\n"
      "  GS1 NO. : 001800839168\n"
      "  NO.12, JALAN SS4C/5,PETALING JAYA\n"
      "    SELANGOR DARUL EHSAN\n"
      "    TEL : 012-2060 778\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_address"), "NO.12, JALAN SS4C/5,PETALING JAYA, SELANGOR DARUL EHSAN");
}

TEST(Extract, AnAddressLineWithALabelAndMisreadStreetWordsIsStillAnAddress) {
  Document doc = TextDocument(
      "  ENW Hardware Centre (M) Sdn. Bhd.\n"
      "    Co. Reg. No.: 795225-A\n"
      "    GST Reg. No. : 000155453440\n"
      "    No: G3, Bik G, Jin PJU 1A/3,\n"
      "    Ara Damansara, 47301\n"
      "  Petaling Jaya, Selangor Darul Ehsan\n"
      "  TEL 03-7832 6929\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_address"),
            "No: G3, Blk G, Jln PJU 1A/3, Ara Damansara, 47301, Petaling Jaya, Selangor Darul Ehsan");
}

TEST(Extract, PunctuationInFrontOfTheNameIsNoise) {
  Document doc = TextDocument(
      " :          Lim Kopi House\n"
      "  No. 14, Jalan Ros 2,\n"
      "  Taman Ros, 52100 Kuala Lumpur\n"
      "  Tel: (603) 6200 0000\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "Lim Kopi House");
  EXPECT_EQ(Value(ex, "merchant_address"), "No. 14, Jalan Ros 2, Taman Ros, 52100 Kuala Lumpur");
}

TEST(Extract, AddressStartsAfterTaxIdAndAffiliationLines) {
  Document doc = TextDocument(
      "  PELANGI FOODS SDN BHD\n"
      "       (11223-A)\n"
      "   formerly known as\n"
      "  RAINBOW EATERIES SDN BHD\n"
      "  Licensee of Burger Barn\n"
      "  Level 3, Wisma Delima\n"
      "  No.9, Jalan SS2/10, 47300 Petaling Jaya\n"
      "  (GST ID No: 000504660000)\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "PELANGI FOODS SDN BHD");
  EXPECT_EQ(Value(ex, "merchant_address"), "Level 3, Wisma Delima, No.9, Jalan SS2/10, 47300 Petaling Jaya");

  Document gst = TextDocument(
      "  KAMAL CURRY HOUSE\n"
      "    (001610000-P)\n"
      "  GST NO. : 001800830000\n"
      "  NO.21, JALAN SS2/64, PETALING JAYA\n"
      "  SELANGOR DARUL EHSAN\n"
      "  TEL : 012-200 0000\n");
  Extraction g = Extract(gst, SchemaFor("receipt"));
  EXPECT_EQ(Value(g, "merchant_address"), "NO.21, JALAN SS2/64, PETALING JAYA, SELANGOR DARUL EHSAN");
}

TEST(Extract, TradingNameUnderTheCompanyIsNotTheAddress) {
  Document doc = TextDocument(
      "  SRI HARAPAN SDN BHD (700001-M)\n"
      "  HARAPAN MART BANGI\n"
      "  8-10, Jalan Bangi 3/1 Taman Bangi\n"
      "  43650 Bandar Baru Bangi Selangor\n"
      "  Tel : 03-8900 0000\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "SRI HARAPAN SDN BHD");
  EXPECT_EQ(Value(ex, "merchant_address"), "8-10, Jalan Bangi 3/1 Taman Bangi, 43650 Bandar Baru Bangi Selangor");
}

TEST(Extract, StreetNumbersAreNotRegistrationNumbers) {
  Document doc = TextDocument(
      "   KOPI TIAM ORKID\n"
      "     88, SS15/4B,\n"
      "     SUBANG JAYA\n"
      "  GST ID : 001234567890\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_address"), "88, SS15/4B, SUBANG JAYA");
}

TEST(Extract, AddressEndsAtAWideGapAndAnIdButNotAtASpeck) {
  Document doc = TextDocument(
      "  PETRO KENANGA SDN BHD\n"
      "  LOT 5, JALAN KENANGA,\n"
      "  47200 SUBANG\n"
      "  SELANGOR\n"
      "\n"
      "  KENANGA AUTO SERVICE\n"
      "  CO. REG. NO: 000948000-V\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_address"), "LOT 5, JALAN KENANGA, 47200 SUBANG, SELANGOR");

  Document speck = TextDocument(
      "  PETRO KENANGA SDN BHD\n"
      "  LOT 5, JALAN KENANGA,\n"
      "|\n"
      "  47200 SUBANG\n"
      "  SELANGOR\n"
      "  TEL: 03-7800 0000\n");
  Extraction sp = Extract(speck, SchemaFor("receipt"));
  EXPECT_EQ(Value(sp, "merchant_address"), "LOT 5, JALAN KENANGA, 47200 SUBANG, SELANGOR");

  Document id = TextDocument(
      "  SEGAR MART S/B (500001-X)\n"
      "  LOT 9, JALAN ANGGERIK,\n"
      "  41150 KLANG, SELANGOR\n"
      "  GST ID. NO : 000181740000\n");
  Extraction i = Extract(id, SchemaFor("receipt"));
  EXPECT_EQ(Value(i, "merchant_address"), "LOT 9, JALAN ANGGERIK, 41150 KLANG, SELANGOR");
}

TEST(Extract, LabelledAddressFarBelowTheHeaderIsTheCustomers) {
  Document doc = TextDocument(
      "  AIR MURNI SERVICE SDN BHD (300001-X)\n"
      "  No 2-1 Jalan Kelang 3\n"
      "  58000 Kuala Lumpur\n"
      "  Tel: 603-7900 0000\n"
      "  TAX INVOICE\n"
      "  DATE : 10 OCT 2017\n"
      "  JOB TYPE : MAINTENANCE\n"
      "  INVOICE NO : AMS-004439\n"
      "  BILL TO : WONG AH KOW\n"
      "  ADDRESS : 29/1, JALAN MELATI 1\n"
      "  52000 KEPONG\n"
      "  TOTAL        250.00\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_address"), "No 2-1 Jalan Kelang 3, 58000 Kuala Lumpur");
}

TEST(Extract, CertainMisreadsInAddressLinesAreRepaired) {
  Document doc = TextDocument(
      "  KEDAI BUKU CEMERLANG\n"
      "  NO 29, Jin Cemerlang 2, THN SERI,\n"
      "  §3200, KUALA LUMPUR.\n",
      PageSource::kOcr, 0.96);
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_address"), "NO 29, Jln Cemerlang 2, TMN SERI, 53200, KUALA LUMPUR.");
  // The raw reading is kept, and an OCR'd address is never sure of itself.
  EXPECT_EQ(ex.fields.at("merchant_address").raw, "NO 29, Jin Cemerlang 2, THN SERI, §3200, KUALA LUMPUR.");
  EXPECT_LT(ex.fields.at("merchant_address").confidence, 0.9);
  EXPECT_LT(ex.fields.at("merchant_name").confidence, 0.9);
  // Words that only look like the abbreviations are left alone.
  Extraction other = Extract(TextDocument("  KEDAI JIN\n  LOT 3, JALAN BIK\n  40000 SHAH ALAM\n"), SchemaFor("receipt"));
  EXPECT_EQ(Value(other, "merchant_address"), "LOT 3, JALAN BIK, 40000 SHAH ALAM");
}

}  // namespace
}  // namespace sheaf::extract
