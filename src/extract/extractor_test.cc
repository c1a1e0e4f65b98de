// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/extractor.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace sheaf::extract {
namespace {

const std::string kSchemaDir = std::string(SHEAF_SOURCE_DIR) + "/schemas";

const Schema& SchemaFor(const std::string& type) {
  static const std::map<std::string, Schema> schemas = [] {
    auto loaded = LoadSchemaDir(kSchemaDir);
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? *loaded : std::map<std::string, Schema>{};
  }();
  return schemas.at(type);
}

// A one-page document laid out like a monospaced print: each character 10 x 20 pixels, so
// runs of spaces become horizontal gaps exactly as they do on paper.
Document TextDocument(const std::string& text, PageSource source = PageSource::kTextLayer,
                      double confidence = 1.0) {
  Document doc;
  doc.format = "pdf";
  Page page;
  page.number = 1;
  page.width = 1000;
  page.source = source;
  std::istringstream in(text);
  std::string line;
  int y = 0;
  Block block;
  while (std::getline(in, line)) {
    Line l;
    for (std::size_t i = 0; i < line.size();) {
      if (line[i] == ' ') {
        ++i;
        continue;
      }
      std::size_t j = line.find(' ', i);
      if (j == std::string::npos) j = line.size();
      Word w;
      w.text = line.substr(i, j - i);
      w.bbox = {static_cast<int>(i) * 10, y * 20 + 2, static_cast<int>(j) * 10, y * 20 + 18};
      w.confidence = confidence;
      l.bbox = l.bbox.Union(w.bbox);
      l.words.push_back(w);
      i = j;
    }
    if (!l.words.empty()) block.lines.push_back(l);
    ++y;
  }
  page.height = y * 20;
  page.blocks.push_back(block);
  doc.pages.push_back(page);
  return doc;
}

// Marks the words that read `text` as read by OCR with confidence `conf` (a murky line).
void SetConfidence(Document& doc, const std::string& text, double conf) {
  for (Page& page : doc.pages) {
    for (Block& block : page.blocks) {
      for (Line& line : block.lines) {
        for (Word& w : line.words) {
          if (w.text == text) w.confidence = conf;
        }
      }
    }
  }
}

std::string Value(const Extraction& ex, const std::string& name) {
  auto it = ex.fields.find(name);
  return it == ex.fields.end() ? "<none>" : it->second.value;
}

TEST(Extract, ReceiptFieldsFromLayout) {
  Document doc = TextDocument(
      "      SAM SAM TRADING CO\n"
      "   67, JLN MEWAH 25/63 TMN SRI MUDA\n"
      "      40400 SHAH ALAM, SELANGOR\n"
      "        TEL: 03-5121 0286\n"
      "\n"
      "DATE: 29/12/2017          TIME: 18:05\n"
      "MILO 1KG          2 x 15.00     30.00\n"
      "BREAD                            4.10\n"
      "SUB TOTAL                       34.10\n"
      "GST 6%                           2.05\n"
      "TOTAL                           36.15\n"
      "CASH                            50.00\n"
      "CHANGE                          13.85\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "merchant_name"), "SAM SAM TRADING CO");
  EXPECT_EQ(Value(ex, "merchant_address"), "67, JLN MEWAH 25/63 TMN SRI MUDA, 40400 SHAH ALAM, SELANGOR");
  EXPECT_EQ(Value(ex, "date"), "2017-12-29");
  EXPECT_EQ(Value(ex, "total"), "36.15");
  EXPECT_EQ(Value(ex, "subtotal"), "34.10");
  EXPECT_EQ(Value(ex, "tax"), "2.05");
  // Subtotal + tax = total and the cash paid confirm each other.
  EXPECT_GE(ex.fields.at("total").confidence, 0.9);
  // The box is the amount's, on the TOTAL row (row 10 of the grid).
  const Field& total = ex.fields.at("total");
  EXPECT_EQ(total.page, 1);
  EXPECT_EQ(total.bbox.y0, 10 * 20 + 2);
  EXPECT_EQ(total.label, "TOTAL");
}

TEST(Extract, SubtotalLabelIsNotATotal) {
  Document doc = TextDocument(
      "SHOP\n"
      "Sub Total      10.00\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "subtotal"), "10.00");
  // The only amount is labelled subtotal: the total, if guessed at all, is not sure.
  if (ex.fields.count("total")) {
    EXPECT_LT(ex.fields.at("total").confidence, 0.7);
  }
}

TEST(Extract, TotalIsWhatWasPaid) {
  // A GST summary adds up too ("Total 127.37 0.00"); the cash and change settle it.
  Document doc = TextDocument(
      "SHOP\n"
      "Sub-total                  127.37\n"
      "Total Sales Inc GST        127.37\n"
      "Rounding Adj                -0.02\n"
      "Total After Adj Inc GST    127.35\n"
      "CASH                       150.00\n"
      "Change Amt                  22.65\n"
      "GST Summary    Amount    Tax\n"
      "Total          127.37    0.00\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "127.35");
}

TEST(Extract, AmountSplitAtTheDecimalPointIsOneAmount) {
  Document doc = TextDocument(
      "SHOP\n"
      "TOTAL          RM 65. 20\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "65.20");
}

TEST(Extract, PaymentLessChangeIsTheTotalWhenTheTotalLineIsMisread) {
  // "Payment" names a payment like "Cash"; tills print it with a minus sign.
  Document doc = TextDocument(
      "LIM SENG THO HARDWARE TRADING\n"
      "Total |; i GST\n"
      "Payment                   -20.00\n"
      "Change                      8.75\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "11.25");
}

TEST(Extract, ExactPaymentWithoutChangeLineIsTheTotal) {
  // A card or exact payment: nothing to give back, so no change line at all.
  Document doc = TextDocument(
      "ONE ONE THREE SEAFOOD RESTAURANT SDN BHD\n"
      "Qty Description       Total     TAX\n"
      "1   Chicken Item      20.00     SR\n"
      "1   Vege item         15.00     SR\n"
      "TOPALE                65.70\n"
      "CASH :                65.70\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  // "Total" in the item table's header names a column: 20.00 is the first item's amount.
  EXPECT_EQ(Value(ex, "total"), "65.70");
  EXPECT_LT(ex.fields.at("total").confidence, 0.9);
}

TEST(Extract, PaymentsAreAmountsWithCents) {
  // "Cash Inv No.: 7916" is no payment (else 7916.00 less no change would be a total).
  Document doc = TextDocument(
      "GARDENIA BAKERIES (KL) SDN BHD\n"
      "Cash Inv No.:        7916\n"
      "Total Payable:       3.21\n"
      "CHANGE               0.00\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "3.21");
}

TEST(Extract, TotalPlusRoundingAdjustmentIsTheRoundedTotal) {
  Document doc = TextDocument(
      "OGN GROUP SDN BHD\n"
      "Total Sales Inclusive GST@ 0.00%     28.31\n"
      "Rounding Adjustment                 -0.01\n"
      "CASH\n"
      "GST Summary     %     Amount(RM)   Tax(RM)\n"
      "SR            0.00      28.31      0.00\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "28.30");
  // The adjustment's sign is often lost to OCR: the rounded amount is a multiple of 5 cents.
  Document unsigned_adj = TextDocument(
      "OGN GROUP SDN BHD\n"
      "Total Sales Inclusive GST      177.22\n"
      "Rounding Adjustment RM            .02\n"
      "CREDIT RM                      177.20\n");
  EXPECT_EQ(Value(Extract(unsigned_adj, SchemaFor("receipt")), "total"), "177.20");
}

TEST(Extract, RoundingLineMayPrintTheRoundedTotal) {
  Document doc = TextDocument(
      "99 SPEED MART S/B\n"
      "Total Sales (Inclusive GST) RM 14.38\n"
      "Rounding Adjustment RH 02\n"
      "Rounding RH = 14,40\n"
      "CASH RM 20.00\n"
      "CHANGE RM\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "14.40");
}

TEST(Extract, WordsAroundATotalLabelQualifyIt) {
  Document doc = TextDocument(
      "BEYOND BROTHERS HARDWARE\n"
      "Total Sales (Ex. GST)                60.00\n"
      "Total Sales (Inclusive of GST) :     63.60\n"
      "TAX TOTAL:                          143.60\n"
      "Item Total                             270\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "63.60");
}

TEST(Extract, TheTotalRowOfATaxSummaryIsNotTheTotal) {
  // The total line is misread; the summary's "TOTAL" row holds the net amount and the tax.
  Document doc = TextDocument(
      "TEO HENG STATIONERY & BOOKS\n"
      "SUB-TOTATEX)          16.98\n"
      "TOTAL :             448.00\n"
      "CASH                 18.00\n"
      "CHANGE                0.00\n"
      "GST SUMMARY\n"
      "TOTAL ;       16.98    1.02\n",
      PageSource::kOcr, 0.95);
  SetConfidence(doc, "448.00", 0.2);
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "18.00");
}

TEST(Extract, AmountWithoutCentsOnATotalLineGivesWay) {
  // "11.2" lost a digit; what was paid less the change says 11.25.
  Document doc = TextDocument(
      "BERRY'S CAKE HOUSE\n"
      "Total Inclusive of Tax        11.2\n"
      "SubTotal                     44.25\n"
      "Payment                     -20.00\n"
      "Change                        8.75\n"
      "Item Count                       3\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "11.25");
}

TEST(Extract, WholeNumbersOnTotalLinesAreCounts) {
  Document doc = TextDocument(
      "ENW HARDWARE CENTRE (M) SDN. BHD.\n"
      "Total Amt Payable :       156.00\n"
      "Total Qty Tender :             5\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "156.00");
}

TEST(Extract, ATaxLabelThatQualifiesATotalAnnouncesNothing) {
  // "GST" after "Inclusive" is part of the total's label, not a tax line of its own.
  Document doc = TextDocument(
      "99 SPEED MART S/B\n"
      "Total Sales (Inclusive GST) RM 61.65\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "61.65");
  EXPECT_NE(Value(ex, "tax"), "61.65");
}

TEST(Extract, NumbersGluedToLettersAreNotAmounts) {
  // "6ST)" is a misread "GST)", not 6.00.
  Document doc = TextDocument(
      "99 SPEED MART S/B\n"
      "Total Sales (Inclusive 6ST)       RM 61.65\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "61.65");
}

TEST(Extract, BlankReadForTheDecimalPointOfALabelledAmount) {
  Document doc = TextDocument(
      "CT281 - TEALIVE SHELL KEPONG\n"
      "Total Sales Incl GST @ 6%         RM8 60\n"
      "Cash                               8.60\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "8.60");
}

TEST(Extract, LabelWithItsFinalLMisread) {
  Document doc = TextDocument(
      "HOME MASTER HARDWARE & ELECTRICAL\n"
      "1.00 x 15.90                      15.90 SR\n"
      "Tota! Incl. of GST                15.90\n"
      "Total tems)                          24\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "15.90");
  EXPECT_EQ(ex.fields.at("total").label, "Tota!");
}

TEST(Extract, NoValueBelowALabelFollowedByOtherWords) {
  // "Total 0% supplies" is a line of its own; 3.72 below it is an item's price.
  Document doc = TextDocument(
      "GARDENIA BAKERIES (KL) SDN BHD\n"
      "Total 0% supplies\n"
      "DELICTIA-R/BERRY 3.72\n"
      "Total Payable:               3.21\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "3.21");
}

TEST(Extract, ReceiptAmountSplitByOcrIsOneAmount) {
  // No readable total label: the largest amount, here printed "RM20. 40", stands in.
  Document doc = TextDocument(
      "THE ROTI MAN BAKERY\n"
      "Bacon                RM4.90\n"
      "Raisin               RM8.60\n"
      "SUBTUTA              RM20. 40\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "total"), "20.40");
}

TEST(Extract, DateWordWithMisreadDigitsIsRepairedWithLowConfidence) {
  Document doc = TextDocument(
      "99 SPEED MART S/B\n"
      "G2: 3iPH S65497 {0-05-17\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "date"), "2017-05-10");
  EXPECT_EQ(ex.fields.at("date").raw, "{0-05-17");
  EXPECT_LT(ex.fields.at("date").confidence, 0.7);
  // An impossible year one common confusion away from a single plausible year.
  Document year = TextDocument(
      "AEON CO. (M) BHD\n"
      "09/03/2918 18:54 1008 001\n");
  EXPECT_EQ(Value(Extract(year, SchemaFor("receipt")), "date"), "2018-03-09");
}

TEST(Extract, DateReadAsPrintedWinsOverARepairedOne) {
  Document doc = TextDocument(
      "SHOP\n"
      "Date: 12-02-2618\n"
      "Bill Date: 13/02/2018 10:15\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "date"), "2018-02-13");
}

TEST(Extract, ImpossibleYearWithTwoPossibleRepairsIsNotGuessed) {
  // 2071 is one confusion from 2011 and from 2021: the year stays as read, with low confidence.
  Document doc = TextDocument(
      "SHOP\n"
      "Date: 29/12/2071\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "date"), "2071-12-29");
  EXPECT_LT(ex.fields.at("date").confidence, 0.5);
  // A year long past may be true: only future years are repaired.
  Document old = TextDocument(
      "SHOP\n"
      "Date: 01/01/1985\n");
  EXPECT_EQ(Value(Extract(old, SchemaFor("receipt")), "date"), "1985-01-01");
}

TEST(Extract, ValueOnANeighbouringRowThatOverlapsTheLabel) {
  // The date is boxed taller than its neighbours, so it forms a row of its own.
  Document doc = TextDocument(
      "TRI SHAAS SDN BHD\n"
      "Nate : 18/03/2017 03:00:42PM\n"
      "\n"
      "\n");
  Page& page = doc.pages[0];
  auto word = [](const std::string& text, Box box) {
    Word w;
    w.text = text;
    w.bbox = box;
    w.confidence = 1.0;
    return w;
  };
  Line tall;
  tall.words.push_back(word("13/03/2017", {200, 62, 300, 100}));
  Line label;
  label.words.push_back(word("Print", {10, 82, 60, 98}));
  label.words.push_back(word("Date:", {70, 82, 120, 98}));
  label.words.push_back(word("03:00:44PM", {330, 82, 430, 98}));
  page.blocks[0].lines.push_back(tall);
  page.blocks[0].lines.push_back(label);
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  EXPECT_EQ(Value(ex, "date"), "2017-03-13");
  EXPECT_EQ(ex.fields.at("date").label, "Date:");
}

TEST(Extract, InvoiceValuesRightOfAndBelowLabels) {
  Document doc = TextDocument(
      "ACME Widgets GmbH\n"
      "Hauptstrasse 5, 10115 Berlin\n"
      "\n"
      "Rechnungsnummer:  RE-2024-0042\n"
      "Rechnungsdatum:   05.03.2024\n"
      "Fällig am\n"
      "19.03.2024\n"
      "USt-IdNr.: DE 136 695 976\n"
      "\n"
      "Nettobetrag                 1.000,00 EUR\n"
      "MwSt. 19%                     190,00 EUR\n"
      "Gesamtbetrag                1.190,00 EUR\n"
      "IBAN: DE89 3704 0044 0532 0130 00\n");
  Extraction ex = Extract(doc, SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "seller_name"), "ACME Widgets GmbH");
  EXPECT_EQ(Value(ex, "invoice_number"), "RE-2024-0042");
  EXPECT_EQ(Value(ex, "invoice_date"), "2024-03-05");
  EXPECT_EQ(Value(ex, "due_date"), "2024-03-19");
  EXPECT_EQ(Value(ex, "seller_vat_id"), "DE136695976");
  EXPECT_EQ(Value(ex, "subtotal"), "1000.00");
  EXPECT_EQ(Value(ex, "tax"), "190.00");
  EXPECT_EQ(Value(ex, "total"), "1190.00");
  EXPECT_EQ(Value(ex, "currency"), "EUR");
  EXPECT_EQ(Value(ex, "iban"), "DE89370400440532013000");
  EXPECT_GE(ex.fields.at("total").confidence, 0.9);
}

TEST(Extract, ThousandsGroupedByBlanksWithADecimalCommaAreOneAmount) {
  // French usage: "37 285,97", each group its own word on the page; credit notes print them
  // negative. A quantity and a price apart by a column gap stay two numbers.
  Document doc = TextDocument(
      "Exemple SARL\n"
      "17 rue des Lilas, 75011 Paris\n"
      "Avoir\n"
      "Article B   12   745,20\n"
      "\n"
      "Total HT             -8 364,69\n"
      "TVA 20 %             -1 672,94\n"
      "Total TTC       EUR -10 037,63\n");
  Extraction ex = Extract(doc, SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "subtotal"), "-8364.69");
  EXPECT_EQ(Value(ex, "tax"), "-1672.94");
  EXPECT_EQ(Value(ex, "total"), "-10037.63");
}

TEST(Extract, ASeriesPrefixPrintedApartIsPartOfTheNumber) {
  for (const char* number : {"RE 5692/41", "FA XJ471794", "INV 2019-2114"}) {
    Extraction ex = Extract(TextDocument(std::string("Alanix GmbH\n\nRechnungsnummer: ") + number +
                                         "\nDatum: 05.03.2024\n"),
                            SchemaFor("invoice"));
    EXPECT_EQ(Value(ex, "invoice_number"), number);
  }
  // A label word in capitals is no prefix.
  Extraction ex = Extract(TextDocument("Alanix Ltd\n\nINVOICE NO 4711\nDate: 05.03.2024\n"), SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "invoice_number"), "4711");
}

TEST(Extract, ThePrepaymentInvoicesTotalIsTheGrossNotTheBalanceDue) {
  // Discount and shipping keep net + tax from adding up; gross - paid = balance says which
  // total is the gross.
  for (const char* paid : {"Paid              -46,915.35", "Amount Paid        46,915.35"}) {
    Document doc = TextDocument(std::string("Foster Brothers\n4563 Industrial Dr.\n\nINVOICE\n\n"
                                            "Sub-total          96,732.68\n"
                                            "Discount           -2,901.98\n"
                                            "Total              93,830.70\n") +
                                paid + "\nAmount Due         46,915.35\n");
    Extraction ex = Extract(doc, SchemaFor("invoice"));
    EXPECT_EQ(Value(ex, "total"), "93830.70") << paid;
  }
}

TEST(Extract, ANameUnderTheBuyersHeadingIsNotTheSeller) {
  // The seller prints no legal form; the buyer under "Bill To:" does.
  Extraction ex = Extract(TextDocument("Foster Brothers\n4563 Industrial Dr.\nWinston-Salem, NC 35060\n\nBILL TO:\n"
                                       "Young Brothers Inc.\n7770 Kingsway Drive\n\nInvoice No: 4711\n"),
                          SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "seller_name"), "Foster Brothers");
}

TEST(Extract, OtherTextRunIntoANameEndsAtItsLegalForm) {
  Extraction ex = Extract(TextDocument("Frontier Foods Corporation Payment Due February 5, 2018\n12 Oak Street\n\nINVOICE\n"),
                          SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "seller_name"), "Frontier Foods Corporation");
}

TEST(Extract, ABuyerThatReadsAsAnIdOrAnAddressWithoutANumberIsUnsure) {
  Extraction ex = Extract(TextDocument("Alanix GmbH\nHauptstr. 5, 10115 Berlin\n\nKunde: ATU18650563\n"
                                       "Rechnungsadresse: Gutschrift\n\nRechnungsnummer: 4711\n"),
                          SchemaFor("invoice"));
  ASSERT_TRUE(ex.fields.count("buyer_name"));
  EXPECT_LT(ex.fields.at("buyer_name").confidence, 0.9);
  ASSERT_TRUE(ex.fields.count("buyer_address"));
  EXPECT_LT(ex.fields.at("buyer_address").confidence, 0.9);
}

TEST(Extract, DigitsFollowedByMoreDigitGroupsAreAPhoneNumberNotAnInvoiceNumber) {
  Extraction ex = Extract(TextDocument("Alanix Ltd\n\nInvoice No. INV-2022-657\nDate: 05.03.2024\n\n"
                                       "Questions about this invoice: 003 2669 0932\n"),
                          SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "invoice_number"), "INV-2022-657");
}

TEST(Extract, TheBuyerIsTheRowUnderTheSellersReturnAddress) {
  for (const char* ret : {"Exemple SARL - 17 rue des Lilas - 75011 Paris", "Abs.: Exemple SARL, 17 rue des Lilas, 75011 Paris"}) {
    Extraction ex = Extract(TextDocument(std::string("Exemple SARL\n17 rue des Lilas\n75011 Paris\n\n") + ret +
                                         "\nMartin Conseil EURL\n5 avenue Foch\n69001 Lyon\n\nFacture N: 4711\n"),
                            SchemaFor("invoice"));
    EXPECT_EQ(Value(ex, "seller_name"), "Exemple SARL") << ret;
    EXPECT_EQ(Value(ex, "buyer_name"), "Martin Conseil EURL") << ret;
    ASSERT_TRUE(ex.fields.count("buyer_name"));
    EXPECT_LT(ex.fields.at("buyer_name").confidence, 0.9);
  }
}

TEST(Extract, ACreditMemoTitleCarriesNumberAndDateAndADeliveryDateIsNotTheDocuments) {
  Extraction ex = Extract(TextDocument("Trail Supplies Ltd.\n424 Chestnut Court\n\n"
                                       "Delivery Date: October 17, 2019\n\n"
                                       "Credit Memo GSCP436421 of October 31, 2019\n"),
                          SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "invoice_number"), "GSCP436421");
  EXPECT_EQ(Value(ex, "invoice_date"), "2019-10-31");
}

TEST(Extract, InvoiceNumberAndDateFromTheTitleLine) {
  Document doc = TextDocument(
      "Handelsrechnung Nr. 471102 vom 05.06.2018\n"
      "Verkäufer:\n"
      "Globale Nummer: 4000001123452\n"
      "Lieferant GmbH\n"
      "Lieferantenstraße 20\n");
  Extraction ex = Extract(doc, SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "invoice_number"), "471102");
  EXPECT_EQ(Value(ex, "invoice_date"), "2018-06-05");
  // A heading's name is the first row under it that reads like a name.
  EXPECT_EQ(Value(ex, "seller_name"), "Lieferant GmbH");
}

TEST(Extract, TitleLineWithWordsBeforeItsNumberMarker) {
  Extraction ex = Extract(TextDocument("MVM Musterhafter\n\n"
                                       "Rechnung des Versicherers (575) Nr. 00.123.456.7-2018-1 vom 11.03.2018\n"),
                          SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "invoice_number"), "00.123.456.7-2018-1");
  EXPECT_EQ(Value(ex, "invoice_date"), "2018-03-11");
  // The number of an order named in the title is not the invoice's.
  Extraction order = Extract(TextDocument("Lieferant GmbH\n\nRechnung gemäß Bestellung Nr. 2013-471331\n"),
                             SchemaFor("invoice"));
  EXPECT_NE(Value(order, "invoice_number"), "2013-471331");
}

TEST(Extract, ARateColumnLabelAnnouncesNoTaxAmount) {
  Document doc = TextDocument(
      "Lieferant GmbH\n"
      "\n"
      "   Warenwert   Nettobetrag   MwSt-Betrag   MwSt-%     Endbetrag\n"
      "    326,50      321,40         61,07       19,0        382,47\n"
      "    130,70      127,59          8,93        7,0        136,52\n"
      "\n"
      "    457,20      448,99         70,00       EUR         518,99\n");
  Extraction ex = Extract(doc, SchemaFor("invoice"));
  EXPECT_NE(Value(ex, "tax"), "19.00");
  EXPECT_NE(Value(ex, "tax"), "7.00");
  // A rate with its number still announces the amount.
  Extraction gst = Extract(TextDocument("  KEDAI MAJU SDN BHD\n  GST @6%         0.42\n  TOTAL           7.42\n"),
                           SchemaFor("receipt"));
  EXPECT_EQ(Value(gst, "tax"), "0.42");
}

TEST(Extract, HyphenatedWordsDoNotCarryLabels) {
  // "MUSTER-KUNDE" must not be read as the label "Kunde" followed by a name.
  Document doc = TextDocument(
      "Lieferant\n"
      "MUSTERLIEFERANT GMBH\n"
      "MUSTER-KUNDE GMBH\n");
  Extraction ex = Extract(doc, SchemaFor("invoice"));
  EXPECT_EQ(Value(ex, "seller_name"), "MUSTERLIEFERANT GMBH");
  EXPECT_EQ(ex.fields.count("buyer_name"), 0u);
}

TEST(Extract, OcrValuesAreCappedUnlessConfirmed) {
  const char* text =
      "SANYU STATIONERY SHOP\n"
      "DATE: 29/12/2017\n"
      "TOTAL      12.00\n";
  Extraction ocr = Extract(TextDocument(text, PageSource::kOcr, 0.95), SchemaFor("receipt"));
  EXPECT_LE(ocr.fields.at("merchant_name").confidence, 0.8);
  EXPECT_LT(ocr.fields.at("total").confidence, 0.9);  // nothing confirms it
  EXPECT_LT(ocr.fields.at("date").confidence, 0.9);
  Extraction layer = Extract(TextDocument(text), SchemaFor("receipt"));
  EXPECT_GT(layer.fields.at("date").confidence, ocr.fields.at("date").confidence);
}

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

TEST(Extract, LineItemsWithQuantityAndUnitPrice) {
  Document doc = TextDocument(
      "SHOP\n"
      "Description        Qty   Price    Amount\n"
      "Coffee beans        2    15.50     31.00\n"
      "Milk 1L             1     2.20      2.20\n"
      "TOTAL                              33.20\n");
  Extraction ex = Extract(doc, SchemaFor("receipt"));
  ASSERT_EQ(ex.line_items.size(), 2u);
  EXPECT_EQ(ex.line_items[0].at("description").value, "Coffee beans");
  EXPECT_EQ(ex.line_items[0].at("quantity").value, "2");
  EXPECT_EQ(ex.line_items[0].at("unit_price").value, "15.50");
  EXPECT_EQ(ex.line_items[0].at("amount").value, "31.00");
  EXPECT_EQ(ex.line_items[1].at("description").value, "Milk 1L");
  EXPECT_EQ(ex.line_items[1].at("amount").value, "2.20");
}

TEST(Extract, MissingFieldsAreAbsentNotEmpty) {
  Extraction ex = Extract(TextDocument("hello world\n"), SchemaFor("invoice"));
  for (const auto& [name, f] : ex.fields) EXPECT_FALSE(f.value.empty()) << name;
  EXPECT_EQ(ex.fields.count("total"), 0u);
  Extraction none = Extract(Document{}, SchemaFor("receipt"));
  EXPECT_TRUE(none.fields.empty());
}

TEST(ExtractKeyValues, ColonPairsRightAndBelow) {
  Document doc = TextDocument(
      "APPLICATION FORM\n"
      "Name: Jane Doe             Date: 12/03/1998\n"
      "Department:      Research\n"
      "Address:\n"
      "12 Main Street\n");
  Extraction ex = Extract(doc, SchemaFor("form"));
  EXPECT_EQ(Value(ex, "name"), "Jane Doe");
  EXPECT_EQ(Value(ex, "date"), "12/03/1998");
  EXPECT_EQ(Value(ex, "department"), "Research");
  EXPECT_EQ(Value(ex, "address"), "12 Main Street");
  EXPECT_EQ(ex.fields.at("name").label, "Name");
}

TEST(Extract, HostileTextDoesNotCrash) {
  std::string junk;
  for (int i = 0; i < 2000; ++i) junk += (i % 7 == 0 ? "TOTAL: " : "") + std::to_string(i * 37 % 1000) + ".9 ";
  junk += "\n\xC2\xBB\xC2\xA7 \xFF\xFE total \xE2\x82\xAC 1.234,56\n";
  for (const char* type : {"receipt", "invoice", "form", "letter", "other"}) {
    Extraction ex = Extract(TextDocument(junk), SchemaFor(type));
    for (const auto& [name, f] : ex.fields) {
      EXPECT_GE(f.confidence, 0.0);
      EXPECT_LE(f.confidence, 1.0);
    }
  }
}

TEST(Extractor, ADateThatReadsBothWaysIsUnsureUnlessAnotherDateTellsTheOrder) {
  // "03/01/2020" is 3 January or 1 March: with nothing else on the page, a guess.
  const std::string head = "ACME TOOLS LTD\nInvoice No: 4711\nInvoice Date: 03/01/2020\n";
  Extraction alone = Extract(TextDocument(head + "Total: 12.00\n"), SchemaFor("invoice"));
  ASSERT_EQ(alone.fields.count("invoice_date"), 1u);
  EXPECT_EQ(alone.fields.at("invoice_date").value, "2020-01-03");
  EXPECT_LT(alone.fields.at("invoice_date").confidence, 0.9);
  // A due date that is real only day first settles it; the cap no longer applies.
  Extraction told =
      Extract(TextDocument(head + "Due Date: 25/01/2020\nTotal: 12.00\n"), SchemaFor("invoice"));
  ASSERT_EQ(told.fields.count("invoice_date"), 1u);
  EXPECT_EQ(told.fields.at("invoice_date").value, "2020-01-03");
  EXPECT_GT(told.fields.at("invoice_date").confidence, 0.85);
}

}  // namespace
}  // namespace sheaf::extract
