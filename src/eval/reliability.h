// SPDX-License-Identifier: GPL-3.0-or-later
//
// Reliability of confidences: does a prediction made with confidence c turn out right about c of
// the time? Predictions are put into ten equal-width confidence bins; each bin reports how many
// fell in it, their mean confidence and the share that were right.
//
// Contract: pure functions of their input; confidences outside [0, 1] are clamped into it.
#ifndef SHEAF_EVAL_RELIABILITY_H_
#define SHEAF_EVAL_RELIABILITY_H_

#include <array>
#include <vector>

#include <nlohmann/json.hpp>

namespace sheaf::eval {

struct ConfidencePoint {
  double confidence = 0;
  bool correct = false;
};

struct ReliabilityBin {
  double lower = 0, upper = 0;  // [lower, upper); the last bin includes 1.0
  int count = 0;
  double mean_confidence = 0;
  double accuracy = 0;
};

struct ReliabilityReport {
  std::array<ReliabilityBin, 10> bins;
  int total = 0;
  // Expected calibration error: sum over bins of count/total * |accuracy - mean confidence|.
  double ece = 0;
  int confident = 0;              // predictions with confidence >= 0.9
  double confident_accuracy = 0;  // share of those that were right (0 when there are none)
};

ReliabilityReport ScoreReliability(const std::vector<ConfidencePoint>& points);

nlohmann::ordered_json ReliabilityToJson(const ReliabilityReport& report);
inline nlohmann::ordered_json ReliabilityToJson(const std::vector<ConfidencePoint>& points) {
  return ReliabilityToJson(ScoreReliability(points));
}

}  // namespace sheaf::eval

#endif  // SHEAF_EVAL_RELIABILITY_H_
