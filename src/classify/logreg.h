// SPDX-License-Identifier: GPL-3.0-or-later
//
// Multinomial logistic regression over sparse vectors, trained by mini-batch Adagrad with L2
// regularisation, plus temperature scaling for calibrated probabilities.
//
// Contract:
// - Train is deterministic: the same inputs and options give bit-identical weights (the only
//   randomness is the epoch shuffle, a Fisher-Yates driven by std::mt19937 seeded from options).
// - Train and FitTemperature check their REQUIRES only in the sense of never reading out of
//   bounds: feature indices outside [0, num_features) are skipped. Callers (TextClassifier)
//   validate user input and report it as a Status.
// - PredictProba returns num_classes probabilities in [0, 1] summing to 1 (up to rounding), also
//   for extreme logits (softmax with the maximum subtracted).
// - Plain functions over plain values: safe to call concurrently on const Models.
#ifndef SHEAF_CLASSIFY_LOGREG_H_
#define SHEAF_CLASSIFY_LOGREG_H_

#include <cstdint>
#include <vector>

#include "classify/features.h"

namespace sheaf::classify {

struct TrainOptions {
  int epochs = 40;             // passes over the training set
  int batch_size = 8;          // examples per gradient step
  double learning_rate = 0.5;  // Adagrad base step
  double l2 = 1e-4;            // L2 penalty per example, applied to the features in a batch
  uint32_t seed = 20240601;    // shuffle seed
};

struct Model {
  int num_classes = 0;
  int num_features = 0;
  std::vector<double> weights;  // num_features * num_classes, row f holds feature f's weights
  std::vector<double> bias;     // num_classes
  double temperature = 1.0;     // logits are divided by this before the softmax; > 0
};

// Returns a model fitted to (examples[i], labels[i]). The temperature is 1.
// REQUIRES: examples.size() == labels.size(), 0 <= labels[i] < num_classes, num_classes >= 2.
Model Train(const std::vector<SparseVector>& examples, const std::vector<int>& labels,
            int num_classes, int num_features, const TrainOptions& options);

// Returns `base` continued on (examples[i], labels[i]): Train's Adagrad, starting from base's
// weights and bias instead of zeros, minimising the NLL under base's temperature (which the
// result keeps), with the L2 penalty pulling each weight a batch touches towards its value in
// `base` instead of towards 0 (a Gaussian prior centred on the base model). Weights of
// features no example has stay exactly as in `base`.
// REQUIRES: as Train, with num_classes and num_features those of `base`; base.temperature > 0.
Model FineTune(const Model& base, const std::vector<SparseVector>& examples,
               const std::vector<int>& labels, const TrainOptions& options);

// Returns the raw scores w·x + b, one per class (no temperature).
std::vector<double> Logits(const Model& model, const SparseVector& x);

// Returns softmax(Logits(model, x) / model.temperature).
std::vector<double> PredictProba(const Model& model, const SparseVector& x);

// Returns softmax(logits / temperature), numerically stable.
std::vector<double> Softmax(const std::vector<double>& logits, double temperature);

// Returns the temperature T in [kMinTemperature, kMaxTemperature] minimising the negative
// log-likelihood of `labels` under softmax(logits / T) plus a standard normal prior on log T
// (a MAP estimate), by golden-section search over log T. The prior matters only for small or
// perfectly separated held-out sets, where the plain NLL keeps falling as T -> 0 and would make
// every prediction look certain. Returns 1 when there are no examples.
inline constexpr double kMinTemperature = 0.05;
inline constexpr double kMaxTemperature = 20.0;
double FitTemperature(const std::vector<std::vector<double>>& logits,
                      const std::vector<int>& labels);

}  // namespace sheaf::classify

#endif  // SHEAF_CLASSIFY_LOGREG_H_
