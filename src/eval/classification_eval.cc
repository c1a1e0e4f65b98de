// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/classification_eval.h"

namespace sheaf::eval {

ClassificationReport ScoreClassification(const std::vector<std::string>& truth,
                                         const std::vector<std::string>& predicted) {
  ClassificationReport r;
  r.total = static_cast<int>(truth.size());
  int correct = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    LabelScore& t = r.labels[truth[i]];
    ++t.support;
    ++r.labels[predicted[i]].predicted;
    if (truth[i] == predicted[i]) {
      ++r.labels[truth[i]].correct;
      ++correct;
    }
  }
  r.accuracy = r.total ? static_cast<double>(correct) / r.total : 0;
  double sum_f1 = 0;
  for (auto& [label, s] : r.labels) {
    s.precision = s.predicted ? static_cast<double>(s.correct) / s.predicted : 0;
    s.recall = s.support ? static_cast<double>(s.correct) / s.support : 0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
    sum_f1 += s.f1;
  }
  r.macro_f1 = r.labels.empty() ? 0 : sum_f1 / static_cast<double>(r.labels.size());
  return r;
}

}  // namespace sheaf::eval
