// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/classification_eval.h"

#include <gtest/gtest.h>

namespace sheaf::eval {
namespace {

TEST(ScoreClassification, ComputesAccuracyPerLabelScoresAndMacroF1) {
  //            truth                        predicted
  auto r = ScoreClassification({"inv", "inv", "rec", "rec", "letter"},
                               {"inv", "rec", "rec", "rec", "inv"});
  EXPECT_EQ(r.total, 5);
  EXPECT_DOUBLE_EQ(r.accuracy, 3.0 / 5);
  const LabelScore& inv = r.labels.at("inv");
  EXPECT_EQ(inv.support, 2);
  EXPECT_DOUBLE_EQ(inv.precision, 0.5);  // 1 of 2 predicted
  EXPECT_DOUBLE_EQ(inv.recall, 0.5);     // 1 of 2 true
  const LabelScore& rec = r.labels.at("rec");
  EXPECT_DOUBLE_EQ(rec.precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(rec.recall, 1.0);
  EXPECT_DOUBLE_EQ(r.labels.at("letter").f1, 0.0);
  EXPECT_DOUBLE_EQ(r.macro_f1, (0.5 + 0.8 + 0.0) / 3);
}

}  // namespace
}  // namespace sheaf::eval
