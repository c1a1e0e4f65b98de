// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/extractor.h"

#include <gtest/gtest.h>

#include <string>

#include "extract/extractor_test_docs.h"

namespace sheaf::extract {
namespace {

using test_docs::SchemaFor;
using test_docs::SetConfidence;
using test_docs::TextDocument;
using test_docs::Value;



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
