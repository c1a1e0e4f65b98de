// SPDX-License-Identifier: GPL-3.0-or-later
#include "classify/logreg.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <utility>

namespace sheaf::classify {
namespace {

constexpr double kAdagradEpsilon = 1e-8;
// Standard deviation of the prior on log T: T = e (or 1/e) costs as much as half a nat on one
// held-out document.
constexpr double kTemperaturePriorSigma = 1.0;

// Fisher-Yates with std::mt19937 (whose output the standard fixes), unlike std::shuffle whose
// algorithm varies between standard libraries.
void Shuffle(std::vector<size_t>* order, std::mt19937* rng) {
  for (size_t i = order->size(); i > 1; --i) {
    const size_t j = static_cast<size_t>((*rng)() % i);
    std::swap((*order)[i - 1], (*order)[j]);
  }
}

bool InRange(const Model& model, int feature) {
  return feature >= 0 && feature < model.num_features;
}

// Mean NLL of labels under softmax(logits / t), plus a Gaussian prior on log t (see
// FitTemperature).
double NegativeLogLikelihood(const std::vector<std::vector<double>>& logits,
                             const std::vector<int>& labels, double t) {
  const double log_t = std::log(t);
  const double prior = 0.5 * log_t * log_t / (kTemperaturePriorSigma * kTemperaturePriorSigma);
  double total = 0.0;
  for (size_t i = 0; i < logits.size(); ++i) {
    const std::vector<double>& z = logits[i];
    double max = z[0] / t;
    for (const double v : z) max = std::max(max, v / t);
    double sum = 0.0;
    for (const double v : z) sum += std::exp(v / t - max);
    total += max + std::log(sum) - z[static_cast<size_t>(labels[i])] / t;
  }
  return (total + prior) / static_cast<double>(logits.size());
}

}  // namespace

std::vector<double> Softmax(const std::vector<double>& logits, double temperature) {
  std::vector<double> p(logits.size());
  if (logits.empty()) return p;
  const double t = temperature > 0.0 ? temperature : 1.0;
  // Subtract the maximum before dividing by t, so that nothing overflows: every difference is
  // <= 0 (infinite logits are clamped to the largest finite double first).
  constexpr double kLargest = std::numeric_limits<double>::max();
  const auto clamp = [&](double z) { return std::clamp(z, -kLargest, kLargest); };
  double max = clamp(logits[0]);
  for (const double z : logits) max = std::max(max, clamp(z));
  double sum = 0.0;
  for (size_t k = 0; k < logits.size(); ++k) {
    p[k] = std::exp((clamp(logits[k]) - max) / t);
    sum += p[k];
  }
  for (double& x : p) x /= sum;  // sum >= 1: the maximum contributes exp(0)
  return p;
}

std::vector<double> Logits(const Model& model, const SparseVector& x) {
  std::vector<double> z = model.bias;
  z.resize(static_cast<size_t>(model.num_classes), 0.0);
  const size_t k_count = static_cast<size_t>(model.num_classes);
  for (size_t i = 0; i < x.indices.size(); ++i) {
    if (!InRange(model, x.indices[i])) continue;
    const double* row = &model.weights[static_cast<size_t>(x.indices[i]) * k_count];
    for (size_t k = 0; k < k_count; ++k) z[k] += row[k] * x.values[i];
  }
  return z;
}

std::vector<double> PredictProba(const Model& model, const SparseVector& x) {
  return Softmax(Logits(model, x), model.temperature);
}

namespace {

// Adagrad over (examples, labels) from `model` as it is, minimising the NLL under
// softmax(logits / model.temperature) plus, on the rows a batch touches, l2/2 * |w - w0|^2 with
// w0 the row in `prior` (all zeros when prior is null). Train and FineTune.
Model Fit(Model model, const Model* prior, const std::vector<SparseVector>& examples,
          const std::vector<int>& labels, const TrainOptions& options) {
  const int num_features = model.num_features;
  const size_t k_count = static_cast<size_t>(model.num_classes);
  if (examples.empty() || model.num_classes < 1) return model;
  // d NLL / d logits = (p - y) / T; exactly p - y when T is 1 (Train).
  const double inverse_t = 1.0 / model.temperature;

  // Adagrad state, the gradient of one batch, and which feature rows that gradient touches.
  std::vector<double> weight_g2(model.weights.size(), 0.0);
  std::vector<double> bias_g2(k_count, 0.0);
  std::vector<double> grad(model.weights.size(), 0.0);
  std::vector<double> bias_grad(k_count, 0.0);
  std::vector<char> touched(static_cast<size_t>(num_features), 0);
  std::vector<int> touched_rows;

  std::vector<size_t> order(examples.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 rng(options.seed);
  const size_t batch = static_cast<size_t>(std::max(options.batch_size, 1));

  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    Shuffle(&order, &rng);
    for (size_t start = 0; start < order.size(); start += batch) {
      const size_t end = std::min(start + batch, order.size());
      const double scale = 1.0 / static_cast<double>(end - start);
      for (size_t b = start; b < end; ++b) {
        const SparseVector& x = examples[order[b]];
        std::vector<double> p = PredictProba(model, x);
        p[static_cast<size_t>(labels[order[b]])] -= 1.0;  // d NLL / d logits = p - y
        if (inverse_t != 1.0) {
          for (double& v : p) v *= inverse_t;
        }
        for (size_t k = 0; k < k_count; ++k) bias_grad[k] += p[k] * scale;
        for (size_t i = 0; i < x.indices.size(); ++i) {
          const int f = x.indices[i];
          if (!InRange(model, f)) continue;
          if (!touched[static_cast<size_t>(f)]) {
            touched[static_cast<size_t>(f)] = 1;
            touched_rows.push_back(f);
          }
          double* g = &grad[static_cast<size_t>(f) * k_count];
          for (size_t k = 0; k < k_count; ++k) g[k] += p[k] * x.values[i] * scale;
        }
      }
      // Update only the rows the batch touched; L2 is applied to those rows ("lazy" L2, as in
      // most sparse learners), which keeps a step proportional to the batch's features.
      for (const int f : touched_rows) {
        const size_t row = static_cast<size_t>(f) * k_count;
        for (size_t k = 0; k < k_count; ++k) {
          const double anchor = prior != nullptr ? prior->weights[row + k] : 0.0;
          const double g = grad[row + k] + options.l2 * (model.weights[row + k] - anchor);
          weight_g2[row + k] += g * g;
          model.weights[row + k] -=
              options.learning_rate * g / (std::sqrt(weight_g2[row + k]) + kAdagradEpsilon);
          grad[row + k] = 0.0;
        }
        touched[static_cast<size_t>(f)] = 0;
      }
      touched_rows.clear();
      for (size_t k = 0; k < k_count; ++k) {
        bias_g2[k] += bias_grad[k] * bias_grad[k];
        model.bias[k] -=
            options.learning_rate * bias_grad[k] / (std::sqrt(bias_g2[k]) + kAdagradEpsilon);
        bias_grad[k] = 0.0;
      }
    }
  }
  return model;
}

}  // namespace

Model Train(const std::vector<SparseVector>& examples, const std::vector<int>& labels,
            int num_classes, int num_features, const TrainOptions& options) {
  Model model;
  model.num_classes = num_classes;
  model.num_features = num_features;
  const size_t k_count = static_cast<size_t>(num_classes);
  model.weights.assign(static_cast<size_t>(num_features) * k_count, 0.0);
  model.bias.assign(k_count, 0.0);
  return Fit(std::move(model), nullptr, examples, labels, options);
}

Model FineTune(const Model& base, const std::vector<SparseVector>& examples,
               const std::vector<int>& labels, const TrainOptions& options) {
  return Fit(base, &base, examples, labels, options);
}

double FitTemperature(const std::vector<std::vector<double>>& logits,
                      const std::vector<int>& labels) {
  if (logits.empty() || logits.size() != labels.size()) return 1.0;
  // Golden-section search over u = log T.
  constexpr double kInvPhi = 0.6180339887498949;
  double lo = std::log(kMinTemperature);
  double hi = std::log(kMaxTemperature);
  double a = hi - kInvPhi * (hi - lo);
  double b = lo + kInvPhi * (hi - lo);
  double fa = NegativeLogLikelihood(logits, labels, std::exp(a));
  double fb = NegativeLogLikelihood(logits, labels, std::exp(b));
  for (int iter = 0; iter < 80 && hi - lo > 1e-6; ++iter) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - kInvPhi * (hi - lo);
      fa = NegativeLogLikelihood(logits, labels, std::exp(a));
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + kInvPhi * (hi - lo);
      fb = NegativeLogLikelihood(logits, labels, std::exp(b));
    }
  }
  return std::exp((lo + hi) / 2.0);
}

}  // namespace sheaf::classify
