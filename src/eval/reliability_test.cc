// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/reliability.h"

#include <gtest/gtest.h>

namespace sheaf::eval {
namespace {

TEST(Reliability, BinsCountConfidenceAndAccuracy) {
  ReliabilityReport r = ScoreReliability(
      {{0.95, true}, {0.92, true}, {0.91, false}, {1.0, true}, {0.15, false}, {0.12, true}});
  EXPECT_EQ(r.total, 6);
  EXPECT_EQ(r.bins[9].count, 4);  // 1.0 falls into the last bin
  EXPECT_NEAR(r.bins[9].accuracy, 0.75, 1e-9);
  EXPECT_NEAR(r.bins[9].mean_confidence, (0.95 + 0.92 + 0.91 + 1.0) / 4, 1e-9);
  EXPECT_EQ(r.bins[1].count, 2);
  EXPECT_NEAR(r.bins[1].accuracy, 0.5, 1e-9);
  EXPECT_EQ(r.confident, 4);
  EXPECT_NEAR(r.confident_accuracy, 0.75, 1e-9);
  double ece = 4.0 / 6 * std::abs(0.75 - 0.945) + 2.0 / 6 * std::abs(0.5 - 0.135);
  EXPECT_NEAR(r.ece, ece, 1e-9);
}

TEST(Reliability, EmptyAndOutOfRange) {
  ReliabilityReport r = ScoreReliability({});
  EXPECT_EQ(r.total, 0);
  EXPECT_EQ(r.ece, 0);
  r = ScoreReliability({{-3, false}, {7, true}});
  EXPECT_EQ(r.bins[0].count, 1);
  EXPECT_EQ(r.bins[9].count, 1);
}

}  // namespace
}  // namespace sheaf::eval
