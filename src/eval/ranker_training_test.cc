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
