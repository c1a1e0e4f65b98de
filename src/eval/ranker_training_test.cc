// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/ranker_training.h"

#include <gtest/gtest.h>

namespace sheaf::eval {
namespace {

extract::RankCandidate WithFeature(int index) {
  extract::RankCandidate c;
  c.features.indices = {index};
  c.features.values = {1.0};
  return c;
}

// Documents of fold 0 say feature 7 is right and 9 wrong; fold 1 says the opposite. The ranker
// of a fold must have learnt from the other fold only.
TEST(TrainPerFoldTest, EachFoldsRankerNeverSawThatFold) {
  std::vector<RankExamples> per_doc;
  std::vector<int> folds;
  for (int i = 0; i < 12; ++i) {
    int fold = i % 2;
    extract::RankExample e;
    e.candidates = {WithFeature(7), WithFeature(9)};
    e.right = {fold == 0, fold == 1};
    RankExamples ex;
    ex["merchant_name"].push_back(e);
    per_doc.push_back(ex);
    folds.push_back(fold);
  }
  std::vector<extract::Ranker> rankers = TrainPerFold(per_doc, folds, 2);
  ASSERT_EQ(rankers.size(), 2u);
  extract::RankCandidate seven = WithFeature(7), nine = WithFeature(9);
  // Fold 0 is scored by a ranker trained on fold 1, where 9 is right.
  EXPECT_LT(rankers[0].Score("merchant_name", seven), rankers[0].Score("merchant_name", nine));
  EXPECT_GT(rankers[1].Score("merchant_name", seven), rankers[1].Score("merchant_name", nine));
}

// Shared examples (a generated corpus) reach every fold's ranker: with fold 1 saying nothing
// about feature 5, only the shared documents can teach fold 0's ranker that 5 is right.
TEST(TrainPerFoldTest, SharedExamplesTrainEveryFold) {
  std::vector<RankExamples> per_doc;
  std::vector<int> folds;
  for (int i = 0; i < 4; ++i) {
    extract::RankExample e;
    e.candidates = {WithFeature(7), WithFeature(9)};
    e.right = {true, false};
    RankExamples ex;
    ex["merchant_name"].push_back(e);
    per_doc.push_back(ex);
    folds.push_back(i % 2);
  }
  RankExamples shared;
  for (int i = 0; i < 6; ++i) {
    extract::RankExample e;
    e.candidates = {WithFeature(5), WithFeature(11)};
    e.right = {true, false};
    shared["merchant_name"].push_back(e);
  }
  std::vector<extract::Ranker> with = TrainPerFold(per_doc, folds, 2, shared);
  std::vector<extract::Ranker> without = TrainPerFold(per_doc, folds, 2);
  extract::RankCandidate five = WithFeature(5), eleven = WithFeature(11);
  for (int f = 0; f < 2; ++f) {
    EXPECT_GT(with[f].Score("merchant_name", five), with[f].Score("merchant_name", eleven)) << "fold " << f;
    EXPECT_DOUBLE_EQ(without[f].Score("merchant_name", five), without[f].Score("merchant_name", eleven)) << "fold " << f;
  }
}

TEST(TrainPerFoldTest, MergeAppendsPerField) {
  RankExamples a, b;
  a["merchant_name"].resize(2);
  b["merchant_name"].resize(1);
  b["seller_name"].resize(3);
  MergeRankExamples(b, &a);
  EXPECT_EQ(a["merchant_name"].size(), 3u);
  EXPECT_EQ(a["seller_name"].size(), 3u);
}

}  // namespace
}  // namespace sheaf::eval
