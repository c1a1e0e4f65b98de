// SPDX-License-Identifier: GPL-3.0-or-later
#include "learn/sender_memory.h"

#include <gtest/gtest.h>

#include "learn/printed_page_test.h"

namespace sheaf::learn {
namespace {

using testing::PageOf;
using testing::Printed;

// The sender's first invoice: the amount due sits right of "Amount due", below a subtotal.
Document First() {
  return PageOf({{"Northwind", 40, 40},
                 {"Subtotal", 500, 900},
                 {"100.00", 800, 900},
                 {"Amount", 500, 1000},
                 {"due", 640, 1000},
                 {"119.00", 800, 1000},
                 {"Date", 40, 200},
                 {"03.02.2024", 160, 200}});
}

TEST(LearnPlace, FindsTheCorrectedValueWithItsLabelBoxKindAndShape) {
  std::optional<FieldPlace> p = LearnPlace(First(), "total", "119.00");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->field, "total");
  EXPECT_EQ(p->kind, "money");
  EXPECT_EQ(p->label, "amount due");
  EXPECT_EQ(p->label_side, "left");
  EXPECT_EQ(p->shape, "999.99");
  EXPECT_EQ(p->page, 1);
  EXPECT_NEAR(p->x0, 0.8, 1e-9);
  EXPECT_NEAR(p->y0, 1000.0 / 1400, 1e-9);

  std::optional<FieldPlace> date = LearnPlace(First(), "invoice_date", "2024-02-03");
  ASSERT_TRUE(date.has_value());
  EXPECT_EQ(date->kind, "date");
  EXPECT_EQ(date->label, "date");
}

TEST(LearnPlace, AValueThePageDoesNotPrintTeachesNothing) {
  EXPECT_FALSE(LearnPlace(First(), "total", "77.70").has_value());
  EXPECT_FALSE(LearnPlace(First(), "total", "").has_value());
}

TEST(LearnPlace, ALabelAboveIsUsedWhenTheRowHasNone) {
  Document d = PageOf({{"Invoice", 600, 100}, {"no", 740, 100}, {"INV-2041", 600, 140}});
  std::optional<FieldPlace> p = LearnPlace(d, "invoice_number", "INV-2041");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->kind, "text");
  EXPECT_EQ(p->label_side, "above");
  EXPECT_EQ(p->label, "invoice no");
  EXPECT_EQ(p->shape, "aaa-9999");
}

// A receipt printing its total twice: beside "Total Sales", and lower down in a tax summary
// beside a label OCR could not read ("z= o04"). Money is otherwise learned at the lowest copy;
// the label that reads as words is the place, and the next receipt's total is found there.
TEST(LearnPlace, AValuePrintedTwiceIsLearnedBesideTheLabelThatReadsAsWordsNotBesideOcrNoise) {
  const Document first = PageOf({{"Total", 40, 700},
                                 {"Sales", 160, 700},
                                 {"141.50", 800, 700},
                                 {"z=", 40, 1100},
                                 {"o04", 100, 1100},
                                 {"141.50", 800, 1100}});
  std::optional<FieldPlace> p = LearnPlace(first, "total", "141.50");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->label, "total sales");
  EXPECT_EQ(p->label_side, "left");
  EXPECT_NEAR(p->y0, 700.0 / 1400, 1e-9);

  // The next receipt: longer, its tax summary's unreadable label read otherwise.
  Document next = PageOf({{"Total", 40, 800},
                          {"Sales", 160, 800},
                          {"61.65", 800, 800},
                          {"Z=", 40, 1200},
                          {"0D4", 100, 1200},
                          {"61.65", 800, 1200}});
  EXPECT_EQ(ApplyPlaces({*p}, &next), std::vector<std::string>{"total"});
  EXPECT_EQ(next.fields.at("total").value, "61.65");
  EXPECT_EQ(next.fields.at("total").bbox.y0, 800);
  EXPECT_GE(next.fields.at("total").confidence, 0.9);

  // With no label that reads as words, noise beside the value is still a label (it beats none):
  // "z= o04" is kept over the unlabelled copy.
  const Document noise_only = PageOf({{"141.50", 800, 700}, {"z=", 40, 1100}, {"o04", 100, 1100},
                                      {"141.50", 800, 1100}, {"141.50", 800, 1300}});
  std::optional<FieldPlace> q = LearnPlace(noise_only, "total", "141.50");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->label, "z= o04");
}

TEST(ApplyPlaces, TheNextDocumentGetsTheValueBesideTheLearnedLabel) {
  const FieldPlace p = *LearnPlace(First(), "total", "119.00");
  // The next invoice has more lines: everything moved down, and the extractor took the subtotal.
  Document next = PageOf({{"Northwind", 40, 40},
                          {"Subtotal", 500, 1100},
                          {"200.00", 800, 1100},
                          {"Amount", 500, 1200},
                          {"due", 640, 1200},
                          {"238.00", 800, 1200}});
  Field wrong;
  wrong.value = "200.00";
  wrong.confidence = 0.6;
  next.fields["total"] = wrong;
  const std::vector<std::string> set = ApplyPlaces({p}, &next);
  ASSERT_EQ(set, std::vector<std::string>{"total"});
  const Field& f = next.fields["total"];
  EXPECT_EQ(f.value, "238.00");
  EXPECT_EQ(f.raw, "238.00");
  EXPECT_EQ(f.source, "sender-memory");
  EXPECT_DOUBLE_EQ(f.confidence, 0.97);
  EXPECT_EQ(f.label, "amount due");
  EXPECT_EQ(f.bbox, (Box{800, 1200, 908, 1224}));
}

TEST(ApplyPlaces, ALongerLabelEndingInTheLearnedOneIsAnotherLabel) {
  FieldPlace p = *LearnPlace(PageOf({{"Total", 500, 1000}, {"9.00", 800, 1000}}), "total", "9.00");
  EXPECT_EQ(p.label, "total");
  Document next = PageOf({{"Sub", 500, 900}, {"Total", 560, 900}, {"8.00", 800, 900}});
  EXPECT_TRUE(ApplyPlaces({p}, &next).empty());
}

TEST(ApplyPlaces, WithoutItsLabelOnlyTheSamePlaceCountsAndFarValuesAreLeftAlone) {
  FieldPlace p = *LearnPlace(First(), "total", "119.00");
  // A label that is not found this time: the place alone does not count.
  Document moved = PageOf({{"Summe", 500, 1000}, {"55.10", 805, 1005}});
  EXPECT_TRUE(ApplyPlaces({p}, &moved).empty());
  // A value learned without a label is found again at its place.
  p.label.clear();
  p.label_side.clear();
  Document near = PageOf({{"Summe", 500, 1000}, {"55.10", 805, 1005}, {"99.99", 100, 300}});
  ASSERT_EQ(ApplyPlaces({p}, &near).size(), 1u);
  EXPECT_EQ(near.fields["total"].value, "55.10");
  EXPECT_DOUBLE_EQ(near.fields["total"].confidence, 0.9);

  Document far = PageOf({{"Summe", 100, 300}, {"55.10", 200, 300}});
  Field kept;
  kept.value = "55.10";
  kept.source = "layout";
  far.fields["total"] = kept;
  EXPECT_TRUE(ApplyPlaces({p}, &far).empty());
  EXPECT_EQ(far.fields["total"].source, "layout");
}

TEST(ApplyPlaces, TextFieldsMustKeepTheirShape) {
  Document first = PageOf({{"Invoice", 600, 100}, {"no", 740, 100}, {"INV-2041", 600, 140}});
  const FieldPlace p = *LearnPlace(first, "invoice_number", "INV-2041");
  Document next = PageOf({{"Invoice", 600, 100}, {"no", 740, 100}, {"INV-2077", 600, 140}});
  ASSERT_EQ(ApplyPlaces({p}, &next).size(), 1u);
  EXPECT_EQ(next.fields["invoice_number"].value, "INV-2077");
  Document other = PageOf({{"Invoice", 600, 100}, {"no", 740, 100}, {"pending", 600, 140}});
  EXPECT_TRUE(ApplyPlaces({p}, &other).empty());
}

TEST(LearnPlace, ANamePrintedOnTwoLinesIsLearnedAsABlockAndFoundAgainBesideItsLabel) {
  // "Bill to" left of the first line; the name continues on the line below, left-aligned.
  Document first = PageOf({{"Bill", 40, 300},
                           {"to", 130, 300},
                           {"Herrn", 300, 300},
                           {"Max", 300, 330},
                           {"Mustermann", 380, 330},
                           {"Total", 500, 1000},
                           {"9.00", 800, 1000}});
  std::optional<FieldPlace> p = LearnPlace(first, "buyer_name", "Herrn\nMax Mustermann");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->lines, 2);
  EXPECT_EQ(p->shape, "");
  EXPECT_EQ(p->label, "bill to");
  EXPECT_EQ(p->label_side, "left");
  // The next document names someone else, a little lower: the block beside the label is read.
  Document next = PageOf({{"Bill", 40, 340},
                          {"to", 130, 340},
                          {"Frau", 300, 340},
                          {"Erika", 300, 370},
                          {"Beispiel", 400, 370}});
  ASSERT_EQ(ApplyPlaces({*p}, &next), std::vector<std::string>{"buyer_name"});
  EXPECT_EQ(next.fields["buyer_name"].value, "Frau\nErika Beispiel");
  EXPECT_DOUBLE_EQ(next.fields["buyer_name"].confidence, 0.97);
  // Without a second line below the first, there is no block to read.
  Document one_line = PageOf({{"Bill", 40, 340}, {"to", 130, 340}, {"Frau", 300, 340}});
  EXPECT_TRUE(ApplyPlaces({*p}, &one_line).empty());
  // And it survives being stored.
  std::optional<FieldPlace> back = PlaceFromJson("buyer_name", PlaceToJson(*p));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->lines, 2);
}

TEST(ApplyPlaces, ATextPrintedOnAnotherLayoutIsFoundByItsValueButNotAnotherBranchs) {
  // Layout 1: the seller's name on two lines beside "Seller", its address below.
  Document first = PageOf({{"Seller", 40, 300},
                           {"Harbour", 300, 300},
                           {"Insurance", 450, 300},
                           {"Mutual", 300, 330},
                           {"Society", 420, 330},
                           {"Total", 500, 1000},
                           {"9.00", 800, 1000}});
  std::optional<FieldPlace> p = LearnPlace(first, "seller_name", "Harbour Insurance\nMutual Society");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->label, "seller");
  // Layout 2 of the same sender: no "Seller" label, the name elsewhere, one letter misread.
  Document other = PageOf({{"From:", 40, 100},
                           {"Harbour", 600, 140},
                           {"lnsurance", 750, 140},
                           {"Mutual", 600, 170},
                           {"Society", 720, 170}});
  ASSERT_EQ(ApplyPlaces({*p}, &other), std::vector<std::string>{"seller_name"});
  EXPECT_EQ(other.fields["seller_name"].value, "Harbour Insurance\nMutual Society");
  EXPECT_DOUBLE_EQ(other.fields["seller_name"].confidence, 0.9);
  EXPECT_EQ(other.fields["seller_name"].source, kSenderMemorySource);
  // A value that differs by more than one letter or digit in twelve is another one (the
  // sender's other branch), and is left as extracted.
  Document branch = PageOf({{"From:", 40, 100},
                            {"Harbour", 600, 140},
                            {"Insurance", 750, 140},
                            {"Port", 600, 170},
                            {"Branch", 700, 170}});
  EXPECT_TRUE(ApplyPlaces({*p}, &branch).empty());
  // A one-row name is looked for by its value too (it is stored with the place).
  Document row = PageOf({{"Northwind", 40, 40}, {"Traders", 220, 40}, {"Total", 500, 1000}});
  std::optional<FieldPlace> name = LearnPlace(row, "seller_name", "Northwind Traders");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(PlaceFromJson("seller_name", PlaceToJson(*name))->value, "Northwind Traders");
  Document moved = PageOf({{"Invoice", 40, 40}, {"Northwind", 500, 300}, {"Traders", 680, 300}});
  ASSERT_EQ(ApplyPlaces({*name}, &moved), std::vector<std::string>{"seller_name"});
  EXPECT_EQ(moved.fields["seller_name"].value, "Northwind Traders");
}

TEST(LearnPlace, AValueOcrMisreadIsLearnedByItsNearestWordsAndMoneyByDigitLookalikes) {
  // OCR read "STATIONERY" as "STATI0NERY" and "SHOP" as "SH0P": two letters off in 17.
  Document first = PageOf({{"SANYU", 40, 40},
                           {"STATI0NERY", 160, 40},
                           {"SH0P", 360, 40},
                           {"TOTAL", 500, 1000},
                           {"1O.5O", 800, 1000}});
  std::optional<FieldPlace> name = LearnPlace(first, "merchant_name", "SANYU STATIONERY SHOP");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->shape, "");
  EXPECT_EQ(name->lines, 1);
  std::optional<FieldPlace> total = LearnPlace(first, "total", "10.50");
  ASSERT_TRUE(total.has_value());
  EXPECT_EQ(total->label, "total");
  // A value longer than any name or address is not looked for.
  EXPECT_FALSE(LearnPlace(first, "merchant_name", std::string(5000, 'x')).has_value());
  // Too far from anything printed: nothing is learned.
  EXPECT_FALSE(LearnPlace(first, "merchant_name", "NORTHWIND TRADERS").has_value());
  // The next receipt: the name at the learned place (it has no label) is taken as read.
  Document next = PageOf({{"SANYU", 42, 44}, {"STATIONERY", 162, 44}, {"SHOP", 362, 44}});
  ASSERT_EQ(ApplyPlaces({*name}, &next).size(), 1u);
  EXPECT_EQ(next.fields["merchant_name"].value, "SANYU STATIONERY SHOP");
  EXPECT_DOUBLE_EQ(next.fields["merchant_name"].confidence, 0.9);
  // Misread again, differently: the reviewer's spelling is kept; a different name is read as is.
  Document misread = PageOf({{"SANYU", 42, 44}, {"5TATIONERY", 162, 44}, {"SHOP", 362, 44}});
  ASSERT_EQ(ApplyPlaces({*name}, &misread).size(), 1u);
  EXPECT_EQ(misread.fields["merchant_name"].value, "SANYU STATIONERY SHOP");
  EXPECT_EQ(misread.fields["merchant_name"].raw, "SANYU 5TATIONERY SHOP");
  Document other = PageOf({{"KEDAI", 42, 44}, {"BUKU", 162, 44}, {"JAYA", 262, 44}});
  ASSERT_EQ(ApplyPlaces({*name}, &other).size(), 1u);
  EXPECT_EQ(other.fields["merchant_name"].value, "KEDAI BUKU JAYA");
}

TEST(ApplyPlaces, LabelsAreMatchedAcrossOneOcrSlipPerWordButNotAcrossAMissingWord) {
  FieldPlace p = *LearnPlace(First(), "total", "119.00");  // label "amount due"
  Document slipped = PageOf({{"Amovnt", 500, 1000}, {"due", 640, 1000}, {"77.00", 800, 1000}});
  ASSERT_EQ(ApplyPlaces({p}, &slipped).size(), 1u);
  EXPECT_EQ(slipped.fields["total"].value, "77.00");
  // Short words must match exactly, and a label with a word more or less is another label.
  Document short_word = PageOf({{"Amount", 500, 1000}, {"dve", 640, 1000}, {"77.00", 800, 1000}});
  EXPECT_TRUE(ApplyPlaces({p}, &short_word).empty());
  Document longer = PageOf({{"Net", 420, 1000}, {"Amount", 500, 1000}, {"due", 640, 1000},
                            {"77.00", 800, 1000}});
  EXPECT_TRUE(ApplyPlaces({p}, &longer).empty());
}

// A sender's currency is a sender's, not a place: its invoices print "Rs." or a sign, or
// nothing, and the correction gives the code.
TEST(LearnPlace, ACurrencyCodeIsLearnedAsTheSendersCurrencyWhateverThePagePrints) {
  std::optional<FieldPlace> p = LearnPlace(First(), "currency", "INR");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->kind, "currency");
  EXPECT_EQ(p->value, "INR");
  EXPECT_TRUE(p->label.empty());
  // A code-like text that is no currency is looked for on the page as any text (and not found).
  EXPECT_FALSE(LearnPlace(First(), "currency", "XQZ").has_value());

  // Its JSON round-trips; a "currency" memory holding no currency code is refused.
  std::optional<FieldPlace> back = PlaceFromJson("currency", PlaceToJson(*p));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->kind, "currency");
  EXPECT_EQ(back->value, "INR");
  FieldPlace bad = *p;
  bad.value = "Rupees";
  EXPECT_FALSE(PlaceFromJson("currency", PlaceToJson(bad)).has_value());
}

TEST(ApplyPlaces, TheSendersCurrencyFillsAMissingOneConfirmsTheSameAndLeavesAnother) {
  const FieldPlace inr = *LearnPlace(First(), "currency", "INR");

  Document none = First();
  EXPECT_EQ(ApplyPlaces({inr}, &none), std::vector<std::string>{"currency"});
  ASSERT_TRUE(none.fields.count("currency"));
  EXPECT_EQ(none.fields["currency"].value, "INR");
  EXPECT_DOUBLE_EQ(none.fields["currency"].confidence, 0.9);
  EXPECT_EQ(none.fields["currency"].source, kSenderMemorySource);
  EXPECT_EQ(none.fields["currency"].page, 0);

  Document same = First();
  Field read;
  read.value = "INR";
  read.confidence = 0.6;
  read.page = 1;
  read.bbox = {700, 990, 740, 1010};
  same.fields["currency"] = read;
  EXPECT_EQ(ApplyPlaces({inr}, &same), std::vector<std::string>{"currency"});
  EXPECT_DOUBLE_EQ(same.fields["currency"].confidence, 0.9);
  EXPECT_EQ(same.fields["currency"].page, 1);  // still where the page prints it
  EXPECT_EQ(same.fields["currency"].bbox.x0, 700);

  Document other = First();
  read.value = "USD";
  other.fields["currency"] = read;
  EXPECT_TRUE(ApplyPlaces({inr}, &other).empty());
  EXPECT_EQ(other.fields["currency"].value, "USD");
  EXPECT_DOUBLE_EQ(other.fields["currency"].confidence, 0.6);
}

TEST(PlaceJson, RoundTripsAndRefusesWhatIsNotAPlace) {
  const FieldPlace p = *LearnPlace(First(), "total", "119.00");
  std::optional<FieldPlace> back = PlaceFromJson("total", PlaceToJson(p));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->label, p.label);
  EXPECT_EQ(back->kind, p.kind);
  EXPECT_DOUBLE_EQ(back->y1, p.y1);
  EXPECT_FALSE(PlaceFromJson("total", "{}").has_value());
  EXPECT_FALSE(PlaceFromJson("total", "not json").has_value());
  EXPECT_FALSE(PlaceFromJson("total", R"({"page":1,"box":[0,0,1],"label":"","label_side":"",)"
                                      R"("kind":"money","shape":""})")
                   .has_value());
}

// The words a reviewer pointed at are the place even when OCR misread them; what is read there
// later is then not taken for certain.
TEST(LearnPlace, WordsAReviewerPointedAtAreThePlaceEvenWhenOcrMisreadThem) {
  // The total printed as 119.00, read "119.08": not found by its value.
  const Document first = PageOf({{"Amount", 500, 1000}, {"due", 640, 1000}, {"119.08", 800, 1000}});
  EXPECT_FALSE(LearnPlace(first, "total", "119.00").has_value());
  const PointedWords at{1, Box{795, 995, 915, 1030}};  // around "119.08"
  std::optional<FieldPlace> p = LearnPlace(first, "total", "119.00", at);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->kind, "money");
  EXPECT_EQ(p->label, "amount due");
  EXPECT_TRUE(p->misread);
  EXPECT_TRUE(PlaceFromJson("total", PlaceToJson(*p))->misread);

  // The next document: its total beside the label, at a confidence that still asks for review.
  Document next = PageOf({{"Amount", 500, 1100}, {"due", 640, 1100}, {"238.00", 800, 1100}});
  ASSERT_EQ(ApplyPlaces({*p}, &next), std::vector<std::string>{"total"});
  EXPECT_EQ(next.fields["total"].value, "238.00");
  EXPECT_DOUBLE_EQ(next.fields["total"].confidence, kMisreadConfidence);
  EXPECT_LT(kMisreadConfidence, 0.9);

  // Pointed at words read right: an ordinary place, at the label's confidence.
  const Document clean = PageOf({{"Amount", 500, 1000}, {"due", 640, 1000}, {"119.00", 800, 1000}});
  std::optional<FieldPlace> q = LearnPlace(clean, "total", "119.00", at);
  ASSERT_TRUE(q.has_value());
  EXPECT_FALSE(q->misread);
  Document again = PageOf({{"Amount", 500, 1100}, {"due", 640, 1100}, {"238.00", 800, 1100}});
  ApplyPlaces({*q}, &again);
  EXPECT_DOUBLE_EQ(again.fields["total"].confidence, 0.97);
}

TEST(LearnPlace, APointedBoxWithoutAValueOfTheKindIsLookedForAsWithoutIt) {
  const Document first = PageOf({{"Amount", 500, 1000}, {"due", 640, 1000}, {"119.00", 800, 1000}});
  const std::optional<FieldPlace> plain = LearnPlace(first, "total", "119.00");
  ASSERT_TRUE(plain.has_value());
  // An empty box, and a box around the label (no digit): the value's own place is learned.
  for (const PointedWords& at : {PointedWords{1, Box{10, 10, 60, 60}}, PointedWords{1, Box{495, 995, 700, 1030}},
                                 PointedWords{2, Box{795, 995, 915, 1030}}}) {
    std::optional<FieldPlace> p = LearnPlace(first, "total", "119.00", at);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(PlaceToJson(*p), PlaceToJson(*plain));
  }
  // A value the page does not print, pointed at nothing: nothing learned.
  EXPECT_FALSE(LearnPlace(first, "total", "77.70", PointedWords{1, Box{10, 10, 60, 60}}).has_value());
}

TEST(LearnPlace, ALassoedAddressOcrMisreadIsLearnedAsABlockGivenTheReviewersSpelling) {
  // The address over two lines under the name, misread beyond what the value search forgives.
  const Document first = PageOf({{"B BEST RESTAURANT", 300, 100},
                                 {"@ 0123 3840/5", 300, 140},
                                 {"PETALING JAYA", 300, 180}});
  const std::string address = "NO.12, JALAN SS4C/5, PETALING JAYA";
  EXPECT_FALSE(LearnPlace(first, "merchant_address", address).has_value());
  std::optional<FieldPlace> p =
      LearnPlace(first, "merchant_address", address, PointedWords{1, Box{290, 135, 700, 210}});
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->lines, 2);
  EXPECT_EQ(p->shape, "");
  EXPECT_EQ(p->value, address);
  EXPECT_EQ(p->label, "b best restaurant");
  EXPECT_TRUE(p->misread);

  // Read right on the next receipt: the reviewer's spelling, certain.
  Document next = PageOf({{"B BEST RESTAURANT", 300, 100},
                          {"NO.12, JALAN SS4C/5,", 300, 140},
                          {"PETALING JAYA", 300, 180}});
  ASSERT_EQ(ApplyPlaces({*p}, &next), std::vector<std::string>{"merchant_address"});
  EXPECT_EQ(next.fields["merchant_address"].value, address);
  EXPECT_DOUBLE_EQ(next.fields["merchant_address"].confidence, 0.97);
  // A slip OCR may make is forgiven (one in six letters and digits) ...
  Document slip = PageOf({{"B BEST RESTAURANT", 300, 100},
                          {"N0.I2 JALAN 5S4C/5", 300, 140},
                          {"PETALING JAYA", 300, 180}});
  ApplyPlaces({*p}, &slip);
  EXPECT_EQ(slip.fields["merchant_address"].value, address);
  EXPECT_DOUBLE_EQ(slip.fields["merchant_address"].confidence, 0.97);
  // ... but misread as badly as the first time: the block as read, not certain.
  Document misread = PageOf({{"B BEST RESTAURANT", 300, 100},
                             {"@ 0123 3840/5", 300, 140},
                             {"PETALING JAYA", 300, 180}});
  ASSERT_EQ(ApplyPlaces({*p}, &misread), std::vector<std::string>{"merchant_address"});
  EXPECT_EQ(misread.fields["merchant_address"].value, "@ 0123 3840/5\nPETALING JAYA");
  EXPECT_DOUBLE_EQ(misread.fields["merchant_address"].confidence, kMisreadConfidence);
}

}  // namespace
}  // namespace sheaf::learn
