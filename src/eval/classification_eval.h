// SPDX-License-Identifier: GPL-3.0-or-later
//
// Classification scores: accuracy, per-label precision/recall/F1 and macro-F1.
#ifndef SHEAF_EVAL_CLASSIFICATION_EVAL_H_
#define SHEAF_EVAL_CLASSIFICATION_EVAL_H_

#include <map>
#include <string>
#include <vector>

namespace sheaf::eval {

struct LabelScore {
  int support = 0;  // documents whose true label this is
  int predicted = 0;
  int correct = 0;
  double precision = 0, recall = 0, f1 = 0;
};

struct ClassificationReport {
  int total = 0;
  double accuracy = 0;
  double macro_f1 = 0;  // mean F1 over labels that occur in the truth or the predictions
  std::map<std::string, LabelScore> labels;
};

// REQUIRES: truth.size() == predicted.size().
ClassificationReport ScoreClassification(const std::vector<std::string>& truth,
                                         const std::vector<std::string>& predicted);

}  // namespace sheaf::eval

#endif  // SHEAF_EVAL_CLASSIFICATION_EVAL_H_
