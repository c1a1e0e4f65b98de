// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/field_eval.h"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>

namespace sheaf::eval {
namespace {

using extract::FieldType;

// Values below are real SROIE / ZUGFeRD / invoice2data ground truth and what an extractor
// reads from the page.

TEST(ValuesMatch, ComparesMoneyAsAmountsWhateverTheCurrencyPrefixOrGrouping) {
  EXPECT_TRUE(ValuesMatch(FieldType::kMoney, "RM8.60", "8.60"));
  EXPECT_TRUE(ValuesMatch(FieldType::kMoney, "RM 57.40", "57.4"));
  EXPECT_TRUE(ValuesMatch(FieldType::kMoney, "1,007.50", "1007.5"));
  EXPECT_TRUE(ValuesMatch(FieldType::kMoney, "$8.20", "8.20"));
  EXPECT_TRUE(ValuesMatch(FieldType::kMoney, "197.65", "197,65 €"));  // ZUGFeRD vs German page
  EXPECT_TRUE(ValuesMatch(FieldType::kMoney, "-8.79", "-8,79"));
  EXPECT_FALSE(ValuesMatch(FieldType::kMoney, "9.00", "9.01"));
  EXPECT_FALSE(ValuesMatch(FieldType::kMoney, "9.00", "-9.00"));
  EXPECT_FALSE(ValuesMatch(FieldType::kMoney, "9.00", "TOTAL"));  // only one side is an amount
}

TEST(ValuesMatch, ComparesDatesAsCalendarDatesReadingDayFirst) {
  EXPECT_TRUE(ValuesMatch(FieldType::kDate, "30 MAR 2018", "2018-03-30"));
  EXPECT_TRUE(ValuesMatch(FieldType::kDate, "25/12/2018", "2018-12-25"));
  EXPECT_TRUE(ValuesMatch(FieldType::kDate, "02-03-18", "2018-03-02"));  // day first
  EXPECT_TRUE(ValuesMatch(FieldType::kDate, "9/3/2018", "09.03.2018"));
  EXPECT_TRUE(ValuesMatch(FieldType::kDate, "2018-06-05", "05.06.2018"));
  EXPECT_FALSE(ValuesMatch(FieldType::kDate, "02-03-18", "2018-02-03"));
  EXPECT_FALSE(ValuesMatch(FieldType::kDate, "2018-03-30", "2018-03-31"));
}

TEST(ValuesMatch, ComparesTextIgnoringCasePunctuationAndBlanks) {
  EXPECT_TRUE(ValuesMatch(FieldType::kString, "SYARIKAT PERNIAGAAN GIN KEE",
                          "Syarikat Perniagaan Gin Kee."));
  EXPECT_TRUE(ValuesMatch(FieldType::kAddress,
                          "NO.53 55,57 & 59, JALAN SAGU 18, TAMAN DAYA, 81100 JOHOR BAHRU, JOHOR.",
                          "No. 53 55, 57 & 59 Jalan Sagu 18 Taman Daya 81100 Johor Bahru Johor"));
  EXPECT_TRUE(ValuesMatch(FieldType::kString, "MÜNCHEN\xC2\xA0GmbH", "München GmbH"));
  EXPECT_FALSE(ValuesMatch(FieldType::kString, "ABC HO TRADING", "ABC HO TRADINGS"));
  EXPECT_FALSE(ValuesMatch(FieldType::kString, "", ""));  // nothing to compare
  EXPECT_FALSE(ValuesMatch(FieldType::kString, " - ", "."));
}

TEST(ValuesMatch, ComparesIdsWithoutBlanksAndPunctuationButKeepsLeadingZeros) {
  EXPECT_TRUE(ValuesMatch(FieldType::kId, "#BLR_WFLD20151000982590", "BLR WFLD20151000982590"));
  EXPECT_TRUE(ValuesMatch(FieldType::kId, "INV/2023/03/0008", "inv-2023-03-0008"));
  EXPECT_FALSE(ValuesMatch(FieldType::kId, "0042", "42"));
}

TEST(ValuesMatch, UsesTheNormalisersOfCurrenciesIbansAndVatIds) {
  EXPECT_TRUE(ValuesMatch(FieldType::kCurrency, "MYR", "RM"));
  EXPECT_TRUE(ValuesMatch(FieldType::kCurrency, "EUR", "€"));
  EXPECT_FALSE(ValuesMatch(FieldType::kCurrency, "USD", "SGD"));
  EXPECT_TRUE(
      ValuesMatch(FieldType::kIban, "DE02120300000000202051", "IBAN: DE02 1203 0000 0000 2020 51"));
  EXPECT_TRUE(ValuesMatch(FieldType::kVatId, "DE 232 446 240", "DE232446240"));
  // Not a valid IBAN (invoice2data's AzureInterior): compared as folded text.
  EXPECT_TRUE(ValuesMatch(FieldType::kIban, "US1234567890", "us 1234 5678 90"));
}

TEST(NormalizeForCompare, ShowsTheFormValuesAreComparedIn) {
  EXPECT_EQ(NormalizeForCompare(FieldType::kMoney, "RM8.60"), "8.60");
  EXPECT_EQ(NormalizeForCompare(FieldType::kDate, "30 MAR 2018"), "2018-03-30");
  EXPECT_EQ(NormalizeForCompare(FieldType::kCurrency, "RM"), "MYR");
  EXPECT_EQ(NormalizeForCompare(FieldType::kString, "SYL ROASTED DELIGHTS SDN. BHD."),
            "sylroasteddelightssdnbhd");
  EXPECT_EQ(NormalizeForCompare(FieldType::kString, "“Café” – ÉLYSÉE"), "caféélysée");
  EXPECT_EQ(NormalizeForCompare(FieldType::kDate, "no date"), "nodate");
}

TEST(FieldScorer, CountsAWrongValueAsBothAFalsePositiveAndAFalseNegative) {
  FieldScorer scorer;
  scorer.Add("000", "total", FieldType::kMoney, "RM8.60", Predicted{"8.60", 0.95});     // TP
  scorer.Add("005", "total", FieldType::kMoney, "31.00", Predicted{"13.00", 0.9});      // FP + FN
  scorer.Add("010", "total", FieldType::kMoney, "14.10", std::nullopt);                 // FN
  scorer.Add("015", "total", FieldType::kMoney, std::nullopt, Predicted{"1.00", 0.3});  // FP
  scorer.Add("020", "total", FieldType::kMoney, std::nullopt, std::nullopt);            // nothing
  scorer.Add("000", "date", FieldType::kDate, "25/12/2018", Predicted{"2018-12-25", 0.8});

  FieldReport r = scorer.Report();
  EXPECT_EQ(r.documents, 5);
  const FieldScore& total = r.fields.at("total");
  EXPECT_EQ(total.support, 3);
  EXPECT_EQ(total.tp, 1);
  EXPECT_EQ(total.fp, 2);
  EXPECT_EQ(total.fn, 2);
  EXPECT_DOUBLE_EQ(total.precision, 1.0 / 3);
  EXPECT_DOUBLE_EQ(total.recall, 1.0 / 3);
  EXPECT_DOUBLE_EQ(total.f1, 1.0 / 3);
  EXPECT_EQ(r.fields.at("date").tp, 1);

  EXPECT_EQ(r.micro.support, 4);
  EXPECT_EQ(r.micro.tp, 2);
  EXPECT_EQ(r.micro.fp, 2);
  EXPECT_EQ(r.micro.fn, 2);
  EXPECT_DOUBLE_EQ(r.micro.precision, 0.5);
  EXPECT_DOUBLE_EQ(r.micro.f1, 0.5);

  ASSERT_EQ(r.worst_documents.size(), 3u);
  EXPECT_EQ(r.worst_documents[0].doc_id, "005");
  const Mismatch& wrong = r.worst_documents[0].mismatches.at(0);
  EXPECT_EQ(wrong.field, "total");
  EXPECT_EQ(wrong.expected, "31.00");
  EXPECT_EQ(wrong.predicted, "13.00");
  EXPECT_DOUBLE_EQ(wrong.confidence, 0.9);
  EXPECT_EQ(r.worst_documents[1].mismatches.at(0).predicted, std::nullopt);  // "010" missed
  EXPECT_EQ(r.worst_documents[2].mismatches.at(0).expected, std::nullopt);   // "015" spurious
}

TEST(FieldScorer, ListsTheDocumentsWithTheMostMismatchesFirst) {
  FieldScorer scorer;
  scorer.Add("a", "total", FieldType::kMoney, "1.00", std::nullopt);
  scorer.Add("b", "total", FieldType::kMoney, "1.00", std::nullopt);
  scorer.Add("b", "date", FieldType::kDate, "2018-01-01", Predicted{"2018-01-02", 0.5});
  FieldReport r = scorer.Report();
  ASSERT_EQ(r.worst_documents.size(), 2u);
  EXPECT_EQ(r.worst_documents[0].doc_id, "b");
  EXPECT_EQ(r.worst_documents[0].mismatches.size(), 2u);
}

TEST(FieldScorer, BinsOnlyPredictionsThatHaveAnExpectedValue) {
  FieldScorer scorer;
  scorer.Add("1", "total", FieldType::kMoney, "9.00", Predicted{"9.00", 0.95});
  scorer.Add("2", "total", FieldType::kMoney, "9.00", Predicted{"8.00", 0.92});
  scorer.Add("3", "total", FieldType::kMoney, "9.00", Predicted{"9", 1.0});
  scorer.Add("4", "total", FieldType::kMoney, "9.00", Predicted{"9.00", 0.15});
  scorer.Add("5", "total", FieldType::kMoney, std::nullopt, Predicted{"9.00", 0.99});  // unjudged
  ReliabilityReport r = scorer.Report().reliability;
  EXPECT_EQ(r.total, 4);
  EXPECT_EQ(r.bins[9].count, 3);
  EXPECT_NEAR(r.bins[9].mean_confidence, (0.95 + 0.92 + 1.0) / 3, 1e-12);
  EXPECT_NEAR(r.bins[9].accuracy, 2.0 / 3, 1e-12);
  EXPECT_EQ(r.bins[1].count, 1);
  EXPECT_NEAR(r.bins[1].accuracy, 1.0, 1e-12);
  EXPECT_EQ(r.confident, 3);
  EXPECT_NEAR(r.confident_accuracy, 2.0 / 3, 1e-12);
  double ece = 3.0 / 4 * std::abs(2.0 / 3 - (0.95 + 0.92 + 1.0) / 3) + 1.0 / 4 * std::abs(1 - 0.15);
  EXPECT_NEAR(r.ece, ece, 1e-12);
}

TEST(ScorePairs, MatchesPairsOneToOneAfterFolding) {
  std::vector<KvPair> expected = {{"DATE:", "12/10/98"},
                                  {"TO:", "George Baroody"},
                                  {"TO:", "George Baroody"},
                                  {"FROM:", "Kathy Wood"}};
  std::vector<KvPair> predicted = {{"Date", "12/10/98"},
                                   {"To", "GEORGE BAROODY"},
                                   {"To", "George Baroody"},
                                   {"To", "George Baroody"},  // a third copy: no partner left
                                   {"From", "Kathy Woods"},   // wrong value
                                   {"", "x"}};
  PairScore s = ScorePairs(expected, predicted);
  EXPECT_EQ(s.tp, 3);
  EXPECT_EQ(s.fp, 3);
  EXPECT_EQ(s.fn, 1);
  EXPECT_DOUBLE_EQ(s.precision(), 0.5);
  EXPECT_DOUBLE_EQ(s.recall(), 0.75);
  EXPECT_DOUBLE_EQ(s.f1(), 0.6);
}

TEST(ScorePairs, ComparesKeysAndValuesOfOnlySymbolsWithoutTheirBlanks) {
  // FUNSD has keys "%" and "(+)" and values "$" and "- -": folding alone would leave nothing.
  std::vector<KvPair> expected = {{"%", "22% 19% 19% 18%"}, {"Retainer", "$"}, {"Shipping", "- -"}};
  std::vector<KvPair> predicted = {
      {"%", "22% 19% 19% 18%"}, {"Retainer", " $ "}, {"Shipping", "-"}, {"Fee", " "}};
  PairScore s = ScorePairs(expected, predicted);
  EXPECT_EQ(s.tp, 2);
  EXPECT_EQ(s.fp, 2);  // "-" is not "- -"; a blank value matches nothing
  EXPECT_EQ(s.fn, 1);
}

TEST(ScorePairs, AccumulatesOverDocumentsInTheScorer) {
  FieldScorer scorer;
  scorer.AddPairs("form1", {{"Date:", "1/2/98"}}, {{"Date", "1/2/98"}});
  scorer.AddPairs("form2", {{"Name:", "Ann"}, {"Fax:", "123"}}, {{"Name", "Bob"}});
  FieldReport r = scorer.Report();
  EXPECT_EQ(r.documents, 2);
  EXPECT_EQ(r.pairs.tp, 1);
  EXPECT_EQ(r.pairs.fp, 1);
  EXPECT_EQ(r.pairs.fn, 2);
  ASSERT_EQ(r.worst_documents.size(), 1u);
  EXPECT_EQ(r.worst_documents[0].doc_id, "form2");
  EXPECT_EQ(r.worst_documents[0].mismatches.size(), 3u);
  EXPECT_EQ(r.worst_documents[0].mismatches[0].expected, "Name:: Ann");
  EXPECT_TRUE(r.fields.empty());
}

TEST(FieldScorer, WritesTheWholeReportAsJson) {
  FieldScorer scorer;
  scorer.Add("000", "total", FieldType::kMoney, "RM8.60", Predicted{"8.60", 0.95});
  scorer.Add("005", "total", FieldType::kMoney, "31.00", std::nullopt);
  scorer.AddPairs("f", {{"a", "b"}}, {{"a", "b"}});
  nlohmann::ordered_json j = scorer.ToJson();
  EXPECT_EQ(j["documents"], 3);
  EXPECT_EQ(j["fields"]["total"]["tp"], 1);
  EXPECT_EQ(j["fields"]["total"]["fn"], 1);
  EXPECT_DOUBLE_EQ(j["micro"]["recall"].get<double>(), 0.5);
  EXPECT_EQ(j["pairs"]["tp"], 1);
  EXPECT_EQ(j["reliability"]["confident"], 1);
  EXPECT_EQ(j["worst_documents"][0]["doc_id"], "005");
  EXPECT_TRUE(j["worst_documents"][0]["mismatches"][0]["predicted"].is_null());
}

}  // namespace
}  // namespace sheaf::eval
