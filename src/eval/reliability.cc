// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/reliability.h"

#include <algorithm>
#include <cmath>

namespace sheaf::eval {

ReliabilityReport ScoreReliability(const std::vector<ConfidencePoint>& points) {
  ReliabilityReport r;
  std::array<double, 10> conf_sum{}, right{};
  for (std::size_t b = 0; b < r.bins.size(); ++b) {
    r.bins[b].lower = static_cast<double>(b) / 10.0;
    r.bins[b].upper = static_cast<double>(b + 1) / 10.0;
  }
  int confident_right = 0;
  for (const ConfidencePoint& p : points) {
    double c = std::clamp(p.confidence, 0.0, 1.0);
    auto b = std::min<std::size_t>(9, static_cast<std::size_t>(c * 10.0));
    ++r.bins[b].count;
    conf_sum[b] += c;
    right[b] += p.correct ? 1 : 0;
    if (c >= 0.9) {
      ++r.confident;
      confident_right += p.correct ? 1 : 0;
    }
  }
  r.total = static_cast<int>(points.size());
  for (std::size_t b = 0; b < r.bins.size(); ++b) {
    ReliabilityBin& bin = r.bins[b];
    if (bin.count == 0) continue;
    bin.mean_confidence = conf_sum[b] / bin.count;
    bin.accuracy = right[b] / bin.count;
    r.ece += static_cast<double>(bin.count) / r.total * std::abs(bin.accuracy - bin.mean_confidence);
  }
  r.confident_accuracy = r.confident ? static_cast<double>(confident_right) / r.confident : 0;
  return r;
}

nlohmann::ordered_json ReliabilityToJson(const ReliabilityReport& report) {
  nlohmann::ordered_json bins = nlohmann::ordered_json::array();
  for (const ReliabilityBin& b : report.bins) {
    bins.push_back({{"lower", b.lower},
                    {"upper", b.upper},
                    {"count", b.count},
                    {"mean_confidence", b.mean_confidence},
                    {"accuracy", b.accuracy}});
  }
  return {{"total", report.total},
          {"ece", report.ece},
          {"confident", report.confident},
          {"confident_accuracy", report.confident_accuracy},
          {"bins", bins}};
}

}  // namespace sheaf::eval
