// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/grouped.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sheaf::eval {
namespace {

using extract::FieldType;

TEST(AssignGroupFolds, NeverPutsOneSenderInTwoFolds) {
  std::vector<std::string> senders = {"a", "b", "a", "c", "d", "b", "a", "e", "f", "c", "g"};
  std::vector<int> folds = AssignGroupFolds(senders, 3);
  ASSERT_EQ(folds.size(), senders.size());
  std::map<std::string, std::set<int>> folds_of;
  for (std::size_t i = 0; i < senders.size(); ++i) folds_of[senders[i]].insert(folds[i]);
  for (const auto& [sender, set] : folds_of) EXPECT_EQ(set.size(), 1U) << sender;
  for (int f : folds) {
    EXPECT_GE(f, 0);
    EXPECT_LT(f, 3);
  }
}

TEST(AssignGroupFolds, PlacesLargestSendersFirstIntoTheLightestFold) {
  // a:4, b:3, c:2, d:1, e:1 over two folds: a -> 0, b -> 1, c -> 1 (3 < 4), d -> 0 (4 < 5),
  // e -> 0 (5 = 5: the lower fold).
  std::vector<std::string> senders = {"e", "a", "b", "c", "a", "b", "d", "a", "c", "a", "b"};
  std::vector<int> folds = AssignGroupFolds(senders, 2);
  std::map<std::string, int> fold;
  for (std::size_t i = 0; i < senders.size(); ++i) fold[senders[i]] = folds[i];
  EXPECT_EQ(fold["a"], 0);
  EXPECT_EQ(fold["b"], 1);
  EXPECT_EQ(fold["c"], 1);
  EXPECT_EQ(fold["d"], 0);
  EXPECT_EQ(fold["e"], 0);
  EXPECT_EQ(AssignGroupFolds(senders, 2), folds);  // the same split on every run
}

TEST(AssignGroupFolds, UsesOnlyAsManyFoldsAsThereAreSenders) {
  std::vector<int> folds = AssignGroupFolds({"x", "y", "x"}, 5);
  EXPECT_EQ(std::set<int>(folds.begin(), folds.end()), (std::set<int>{0, 1}));
}

TEST(GroupedScorer, WeighsEverySenderAsOneDocument) {
  // Sender "big" sent three documents, all read right; "small1" and "small2" one each, both
  // read wrong. Per document 3 of 5 are right; per sender 1 of 3.
  GroupedScorer scorer({"big", "big", "big", "small1", "small2"}, {0, 0, 0, 1, 1});
  for (std::size_t d = 0; d < 3; ++d) {
    scorer.Add(d, "total", FieldType::kMoney, "8.60", Predicted{"RM8.60", 0.95});
  }
  scorer.Add(3, "total", FieldType::kMoney, "9.00", Predicted{"9.10", 0.95});
  scorer.Add(4, "total", FieldType::kMoney, "12.00", std::nullopt);
  GroupedReport r = scorer.Report();
  const GroupedFieldScore& total = r.fields.at("total");
  EXPECT_EQ(total.all.support, 5);
  EXPECT_EQ(total.all.tp, 3);
  EXPECT_NEAR(total.all.recall, 0.6, 1e-9);
  EXPECT_NEAR(total.by_sender.recall(), 1.0 / 3.0, 1e-9);
  EXPECT_NEAR(total.by_sender.precision(), 0.5, 1e-9);  // 1 right of 2 weighted predictions
  EXPECT_EQ(total.senders, 3);
  ASSERT_EQ(total.fold_f1.size(), 2U);
  EXPECT_NEAR(*total.fold_f1[0], 1.0, 1e-9);
  EXPECT_NEAR(*total.fold_f1[1], 0.0, 1e-9);
  EXPECT_EQ(r.senders, 3);
  EXPECT_EQ(r.fold_documents, (std::vector<int>{3, 2}));
}

TEST(GroupedScorer, JudgesConfidentValuesPerSenderAndPerFold) {
  GroupedScorer scorer({"a", "a", "b"}, {0, 0, 1});
  scorer.Add(0, "date", FieldType::kDate, "2018-03-30", Predicted{"30/03/2018", 0.97});
  scorer.Add(1, "date", FieldType::kDate, "2018-03-31", Predicted{"30/03/2018", 0.93});
  scorer.Add(2, "date", FieldType::kDate, "2018-01-05", Predicted{"05-01-2018", 0.91});
  scorer.Add(2, "total", FieldType::kMoney, "5.00", Predicted{"6.00", 0.5});  // not confident
  GroupedReport r = scorer.Report();
  EXPECT_EQ(r.confident.count, 3);
  EXPECT_NEAR(r.confident.all, 2.0 / 3.0, 1e-9);
  EXPECT_NEAR(r.confident.by_sender, 0.75, 1e-9);  // a: 0.5 of weight 1, b: 1 of weight 1
  ASSERT_EQ(r.confident.fold.size(), 2U);
  EXPECT_NEAR(*r.confident.fold[0], 0.5, 1e-9);
  EXPECT_NEAR(*r.confident.fold[1], 1.0, 1e-9);
}

TEST(GroupedScorer, LeavesAFoldWithoutValuesOutOfTheFoldFigures) {
  GroupedScorer scorer({"a", "b"}, {0, 1});
  scorer.Add(0, "buyer_name", FieldType::kString, "Kunden AG", Predicted{"Kunden AG", 0.8});
  scorer.Add(1, "buyer_name", FieldType::kString, std::nullopt, std::nullopt);
  scorer.AddType(0, true);
  scorer.AddType(1, false);
  GroupedReport r = scorer.Report();
  const GroupedFieldScore& buyer = r.fields.at("buyer_name");
  ASSERT_EQ(buyer.fold_f1.size(), 2U);
  EXPECT_TRUE(buyer.fold_f1[0].has_value());
  EXPECT_FALSE(buyer.fold_f1[1].has_value());
  EXPECT_EQ(r.document_type.count, 2);
  EXPECT_NEAR(r.document_type.by_sender, 0.5, 1e-9);
  nlohmann::ordered_json j = scorer.ToJson();
  EXPECT_TRUE(j["fields"]["buyer_name"]["fold_f1"][1].is_null());
  EXPECT_EQ(j["senders"], 2);
}

}  // namespace
}  // namespace sheaf::eval
