// SPDX-License-Identifier: GPL-3.0-or-later
#include "classify/classifier.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include <sys/mman.h>

namespace sheaf::classify {
namespace {

using nlohmann::json;

constexpr std::string_view kFormatName = "sheaf-text-classifier";
constexpr int kFormatVersion = 1;

Status Invalid(const std::string& path, const std::string& what) {
  return Status(ErrorCode::kInvalidArgument, path + ": " + what);
}

// Asks for transparent huge pages over the whole 2 MiB pages inside [p, p + bytes), before they
// are first touched. Only advice: where the kernel declines, 4 KiB pages are used as before.
void PreferHugePages(void* p, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

uint64_t HashDouble(double v, uint64_t h) {
  const uint64_t bits = std::bit_cast<uint64_t>(v == 0.0 ? 0.0 : v);  // -0 hashes like +0
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((bits >> (8 * i)) & 0xFF);
  return Fnv1a64(std::string_view(bytes, 8), h);
}

std::string ComputeVersion(const std::vector<std::string>& labels, int hash_bits,
                           const Model& model) {
  uint64_t h = Fnv1a64(kFormatName);
  for (const std::string& label : labels) {
    h = Fnv1a64(label, h);
    h = Fnv1a64(std::string_view("\0", 1), h);
  }
  h = HashDouble(static_cast<double>(hash_bits), h);
  h = HashDouble(model.temperature, h);
  for (const double b : model.bias) h = HashDouble(b, h);
  const size_t k_count = static_cast<size_t>(model.num_classes);
  for (size_t f = 0; f < static_cast<size_t>(model.num_features); ++f) {
    const double* row = &model.weights[f * k_count];
    if (std::all_of(row, row + k_count, [](double w) { return w == 0.0; })) continue;
    h = HashDouble(static_cast<double>(f), h);
    for (size_t k = 0; k < k_count; ++k) h = HashDouble(row[k], h);
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

bool AllFinite(const json& array) {
  return std::all_of(array.begin(), array.end(),
                     [](const json& v) { return v.is_number() && std::isfinite(v.get<double>()); });
}

// Builds a classifier from parsed JSON, or says what is wrong (without the path prefix).
Result<Model> ParseModel(const json& doc, std::vector<std::string>* labels, int* hash_bits) {
  const auto bad = [](const std::string& what) {
    return Status(ErrorCode::kInvalidArgument, what);
  };
  if (!doc.is_object()) return bad("not a classifier model (expected a JSON object)");
  if (!doc.contains("format") || doc["format"] != kFormatName) {
    return bad("not a classifier model (\"format\" is not \"" + std::string(kFormatName) + "\")");
  }
  if (!doc.contains("format_version") || !doc["format_version"].is_number_integer()) {
    return bad("missing integer \"format_version\"");
  }
  if (doc["format_version"].get<int64_t>() != kFormatVersion) {
    return bad("unsupported format_version " + doc["format_version"].dump() + " (expected " +
               std::to_string(kFormatVersion) + ")");
  }
  const json* lab = doc.contains("labels") ? &doc["labels"] : nullptr;
  if (lab == nullptr || !lab->is_array() || lab->size() < 2) {
    return bad("\"labels\" must be an array of at least two strings");
  }
  labels->clear();
  for (const json& l : *lab) {
    if (!l.is_string()) return bad("\"labels\" must be an array of at least two strings");
    labels->push_back(l.get<std::string>());
  }
  std::vector<std::string> sorted = *labels;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end() || sorted != *labels) {
    return bad("\"labels\" must be sorted and distinct");
  }
  if (!doc.contains("hash_bits") || !doc["hash_bits"].is_number_integer() ||
      doc["hash_bits"].get<int64_t>() < kMinHashBits ||
      doc["hash_bits"].get<int64_t>() > kMaxHashBits) {
    return bad("\"hash_bits\" must be an integer in [" + std::to_string(kMinHashBits) + ", " +
               std::to_string(kMaxHashBits) + "]");
  }
  *hash_bits = doc["hash_bits"].get<int>();
  Model model;
  model.num_classes = static_cast<int>(labels->size());
  model.num_features = FeatureDimension(*hash_bits);
  if (!doc.contains("num_features") || !doc["num_features"].is_number_integer() ||
      doc["num_features"].get<int64_t>() != model.num_features) {
    return bad("\"num_features\" does not match hash_bits " + std::to_string(*hash_bits) +
               " (expected " + std::to_string(model.num_features) +
               "; the model was written by an incompatible feature extractor)");
  }
  if (!doc.contains("temperature") || !doc["temperature"].is_number() ||
      !std::isfinite(doc["temperature"].get<double>()) || doc["temperature"].get<double>() <= 0.0) {
    return bad("\"temperature\" must be a positive number");
  }
  model.temperature = doc["temperature"].get<double>();
  const size_t k_count = labels->size();
  if (!doc.contains("bias") || !doc["bias"].is_array() || doc["bias"].size() != k_count ||
      !AllFinite(doc["bias"])) {
    return bad("\"bias\" must be an array of " + std::to_string(k_count) + " finite numbers");
  }
  for (const json& b : doc["bias"]) model.bias.push_back(b.get<double>());
  if (!doc.contains("weights") || !doc["weights"].is_array()) {
    return bad("missing array \"weights\"");
  }
  // The dense table is about 10 MB: in 4 KiB pages that is 2,560 page faults at every start,
  // most of the kernel's share of a one-PDF run. Transparent huge pages (where the kernel gives
  // them on request, "madvise" mode) make it a handful; the values are the same either way.
  const size_t weight_count = static_cast<size_t>(model.num_features) * k_count;
  model.weights.reserve(weight_count);
  PreferHugePages(model.weights.data(), weight_count * sizeof(double));
  model.weights.assign(weight_count, 0.0);
  int64_t previous = -1;
  size_t row_number = 0;
  for (const json& row : doc["weights"]) {
    const std::string where = "\"weights\" row " + std::to_string(row_number++);
    if (!row.is_array() || row.size() != 2 || !row[0].is_number_integer() || !row[1].is_array()) {
      return bad(where + " must be [feature, [one weight per label]]");
    }
    const int64_t f = row[0].get<int64_t>();
    if (f <= previous || f >= model.num_features) {
      return bad(where + ": feature " + std::to_string(f) +
                 " is out of order or not below num_features");
    }
    previous = f;
    if (row[1].size() != k_count || !AllFinite(row[1])) {
      return bad(where + " must hold " + std::to_string(k_count) + " finite weights");
    }
    for (size_t k = 0; k < k_count; ++k) {
      model.weights[static_cast<size_t>(f) * k_count + k] = row[1][k].get<double>();
    }
  }
  return model;
}

}  // namespace

TextClassifier::TextClassifier(std::vector<std::string> labels, int hash_bits, Model model)
    : labels_(std::move(labels)), hash_bits_(hash_bits), model_(std::move(model)) {
  version_ = ComputeVersion(labels_, hash_bits_, model_);
}

TextClassifier::TextClassifier(std::vector<std::string> labels, int hash_bits, Model model,
                               std::string version)
    : labels_(std::move(labels)), hash_bits_(hash_bits), model_(std::move(model)), version_(std::move(version)) {}

namespace {

// Removes the hashed text features (indices below `text_features`) that occur in fewer than
// `min_df` of the vectors: a feature seen in one document cannot generalise, and every feature
// kept becomes a row of the model file.
void PruneRareFeatures(std::vector<SparseVector>* xs, int text_features, int min_df) {
  if (min_df <= 1) return;
  std::unordered_map<int, int> df;
  for (const SparseVector& v : *xs) {
    for (int i : v.indices) {
      if (i < text_features) ++df[i];
    }
  }
  for (SparseVector& v : *xs) {
    SparseVector kept;
    for (std::size_t k = 0; k < v.indices.size(); ++k) {
      int i = v.indices[k];
      if (i >= text_features || df[i] >= min_df) {
        kept.indices.push_back(i);
        kept.values.push_back(v.values[k]);
      }
    }
    v = std::move(kept);
  }
}

double RoundSignificant(double v, int digits) {
  if (v == 0.0 || !std::isfinite(v)) return v;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return std::strtod(buf, nullptr);
}

// A stratified, seeded holdout: about `fraction` of each label's documents (never all of a
// label's, none of a label with fewer than 2), marked 1.
std::vector<char> StratifiedHoldout(const std::vector<int>& y, size_t num_classes, double fraction,
                                    unsigned seed) {
  std::vector<std::vector<size_t>> members(num_classes);
  for (size_t i = 0; i < y.size(); ++i) members[static_cast<size_t>(y[i])].push_back(i);
  std::vector<char> held_out(y.size(), 0);
  std::mt19937 rng(seed ^ 0x9E3779B9u);
  for (std::vector<size_t>& m : members) {
    for (size_t i = m.size(); i > 1; --i) std::swap(m[i - 1], m[rng() % i]);
    if (m.size() < 2) continue;
    const size_t n = static_cast<size_t>(std::lround(fraction * static_cast<double>(m.size())));
    for (size_t i = 0; i < std::min(n, m.size() - 1); ++i) held_out[m[i]] = 1;
  }
  return held_out;
}

// The temperature fitted on the held-out documents' logits under a model `fit` trains on the
// others; `fallback` when nothing is held out.
template <typename Fit>
double HoldoutTemperature(const std::vector<SparseVector>& x, const std::vector<int>& y,
                          const std::vector<char>& held_out, double fallback, Fit fit) {
  std::vector<SparseVector> fit_x;
  std::vector<int> fit_y;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!held_out[i]) {
      fit_x.push_back(x[i]);
      fit_y.push_back(y[i]);
    }
  }
  if (fit_x.size() == x.size()) return fallback;
  const Model partial = fit(std::move(fit_x), fit_y);
  std::vector<std::vector<double>> logits;
  std::vector<int> holdout_y;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!held_out[i]) continue;
    logits.push_back(Logits(partial, x[i]));
    holdout_y.push_back(y[i]);
  }
  return FitTemperature(logits, holdout_y);
}

// The model is used as it is written: rounded to `digits` significant digits (0 = not), so a
// loaded model predicts exactly as the trained one and has the same version.
void RoundModel(int digits, Model* model) {
  if (digits <= 0) return;
  for (double& w : model->weights) w = RoundSignificant(w, digits);
  for (double& b : model->bias) b = RoundSignificant(b, digits);
  model->temperature = RoundSignificant(model->temperature, digits);
}

// What training and fine-tuning both require of their input and options; `what` names the
// caller in the error.
Status CheckTrainingInput(const std::vector<DocumentText>& docs,
                          const std::vector<std::string>& labels, const ClassifierOptions& options,
                          const std::string& what) {
  const auto bad = [&](const std::string& why) {
    return Status(ErrorCode::kInvalidArgument, what + ": " + why);
  };
  if (docs.empty()) return bad("no documents to train on");
  if (docs.size() != labels.size()) {
    return bad(std::to_string(docs.size()) + " documents but " + std::to_string(labels.size()) +
               " labels");
  }
  if (!(options.holdout_fraction >= 0.0 && options.holdout_fraction <= 0.5)) {
    return bad("holdout_fraction must be in [0, 0.5]");
  }
  const TrainOptions& t = options.train;
  if (t.epochs < 1 || t.batch_size < 1 || !(t.learning_rate > 0.0) ||
      !std::isfinite(t.learning_rate) || !(t.l2 >= 0.0) || !std::isfinite(t.l2)) {
    return bad("epochs and batch_size must be >= 1, learning_rate > 0 and l2 >= 0");
  }
  return Status::Ok();
}

}  // namespace

Result<TextClassifier> TextClassifier::Train(const std::vector<DocumentText>& docs,
                                             const std::vector<std::string>& labels,
                                             const ClassifierOptions& options) {
  const auto bad = [](const std::string& what) {
    return Status(ErrorCode::kInvalidArgument, "classifier training: " + what);
  };
  if (Status s = CheckTrainingInput(docs, labels, options, "classifier training"); !s.ok()) {
    return s;
  }
  const TrainOptions& t = options.train;
  if (options.hash_bits < kMinHashBits || options.hash_bits > kMaxHashBits) {
    return bad("hash_bits " + std::to_string(options.hash_bits) + " is outside [" +
               std::to_string(kMinHashBits) + ", " + std::to_string(kMaxHashBits) + "]");
  }

  std::vector<std::string> classes = labels;
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  if (classes.size() < 2) {
    return bad("need documents of at least two labels, got " + std::to_string(classes.size()) +
               (classes.empty() ? "" : " (\"" + classes[0] + "\")"));
  }
  std::map<std::string, int> class_of;
  for (size_t k = 0; k < classes.size(); ++k) class_of[classes[k]] = static_cast<int>(k);

  const int num_classes = static_cast<int>(classes.size());
  const int num_features = FeatureDimension(options.hash_bits);
  std::vector<SparseVector> x;
  std::vector<int> y;
  x.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    x.push_back(Featurize(docs[i], options.hash_bits));
    y.push_back(class_of[labels[i]]);
  }

  const int text_features = 1 << options.hash_bits;
  const double temperature = HoldoutTemperature(
      x, y, StratifiedHoldout(y, classes.size(), options.holdout_fraction, t.seed), 1.0,
      [&](std::vector<SparseVector> fit_x, const std::vector<int>& fit_y) {
        PruneRareFeatures(&fit_x, text_features, options.min_document_frequency);
        return classify::Train(fit_x, fit_y, num_classes, num_features, t);
      });
  PruneRareFeatures(&x, text_features, options.min_document_frequency);
  Model model = classify::Train(x, y, num_classes, num_features, t);
  model.temperature = temperature;
  RoundModel(options.significant_digits, &model);
  return TextClassifier(std::move(classes), options.hash_bits, std::move(model));
}

Result<TextClassifier> TextClassifier::FineTune(const TextClassifier& base,
                                                const std::vector<DocumentText>& docs,
                                                const std::vector<std::string>& labels,
                                                const ClassifierOptions& options) {
  const auto bad = [](const std::string& what) {
    return Status(ErrorCode::kInvalidArgument, "classifier fine-tuning: " + what);
  };
  if (Status s = CheckTrainingInput(docs, labels, options, "classifier fine-tuning"); !s.ok()) {
    return s;
  }
  const TrainOptions& t = options.train;
  std::vector<std::string> classes = base.labels_;
  for (const std::string& l : labels) {
    if (l.empty()) return bad("a document has an empty label");
    classes.push_back(l);
  }
  std::sort(classes.begin(), classes.end());
  classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
  std::map<std::string, int> class_of;
  for (size_t k = 0; k < classes.size(); ++k) class_of[classes[k]] = static_cast<int>(k);

  // Base's model with its columns moved to the new label order and the new labels added.
  const Model& from = base.model_;
  const size_t old_k = static_cast<size_t>(from.num_classes);
  const size_t new_k = classes.size();
  Model start;
  start.num_classes = static_cast<int>(new_k);
  start.num_features = from.num_features;
  start.temperature = from.temperature;
  const double lowest_bias =
      from.bias.empty() ? 0.0 : *std::min_element(from.bias.begin(), from.bias.end());
  start.bias.assign(new_k, lowest_bias);
  start.weights.assign(static_cast<size_t>(from.num_features) * new_k, 0.0);
  for (size_t k = 0; k < old_k; ++k) {
    const size_t to = static_cast<size_t>(class_of[base.labels_[k]]);
    start.bias[to] = from.bias[k];
    for (size_t f = 0; f < static_cast<size_t>(from.num_features); ++f) {
      start.weights[f * new_k + to] = from.weights[f * old_k + k];
    }
  }
  std::vector<SparseVector> x;
  std::vector<int> y;
  x.reserve(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    x.push_back(Featurize(docs[i], base.hash_bits_));
    y.push_back(class_of[labels[i]]);
  }
  // The temperature, as Train fits it: on a stratified, seeded holdout (none for a label with
  // fewer than 2 documents) scored by a model fine-tuned without it; base's when nothing is
  // held out. Base's temperature fits base's labels: kept, it leaves new labels underconfident.
  const double temperature = HoldoutTemperature(
      x, y, StratifiedHoldout(y, new_k, options.holdout_fraction, t.seed), from.temperature,
      [&](const std::vector<SparseVector>& fit_x, const std::vector<int>& fit_y) {
        return classify::FineTune(start, fit_x, fit_y, t);
      });
  Model model = classify::FineTune(start, x, y, t);
  model.temperature = temperature;
  RoundModel(options.significant_digits, &model);
  return TextClassifier(std::move(classes), base.hash_bits_, std::move(model));
}

Prediction TextClassifier::Predict(const DocumentText& doc) const {
  Prediction p;
  p.probabilities = PredictProba(model_, Featurize(doc, hash_bits_));
  const size_t best = static_cast<size_t>(
      std::max_element(p.probabilities.begin(), p.probabilities.end()) - p.probabilities.begin());
  p.label = labels_[best];
  p.confidence = p.probabilities[best];
  return p;
}

std::string TextClassifier::ToJson() const {
  json doc;
  doc["format"] = kFormatName;
  doc["format_version"] = kFormatVersion;
  doc["version"] = version_;
  doc["labels"] = labels_;
  doc["hash_bits"] = hash_bits_;
  doc["num_features"] = model_.num_features;
  doc["temperature"] = model_.temperature;
  doc["bias"] = model_.bias;
  json rows = json::array();
  const size_t k_count = static_cast<size_t>(model_.num_classes);
  for (size_t f = 0; f < static_cast<size_t>(model_.num_features); ++f) {
    const double* row = &model_.weights[f * k_count];
    if (std::all_of(row, row + k_count, [](double w) { return w == 0.0; })) continue;
    rows.push_back(json::array({f, std::vector<double>(row, row + k_count)}));
  }
  doc["weights"] = std::move(rows);
  return doc.dump() + "\n";
}

Status TextClassifier::Save(const std::string& path) const {
  const std::string text = ToJson();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status(ErrorCode::kIoError, path + ": cannot open " + tmp + " for writing");
    out << text;
    out.flush();
    if (!out) return Status(ErrorCode::kIoError, path + ": writing " + tmp + " failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return Status(ErrorCode::kIoError, path + ": cannot replace the file: " + ec.message());
  }
  return Status::Ok();
}

Result<TextClassifier> TextClassifier::FromJson(std::string_view text, const std::string& name) {
  try {
    const json doc = json::parse(text);
    std::vector<std::string> labels;
    int hash_bits = 0;
    Result<Model> model = ParseModel(doc, &labels, &hash_bits);
    if (!model.ok()) return Invalid(name, model.status().message());
    TextClassifier classifier(std::move(labels), hash_bits, std::move(model).value());
    if (doc.contains("version") &&
        (!doc["version"].is_string() || doc["version"] != classifier.Version())) {
      return Invalid(name, "the stored version does not match the model's contents (corrupt)");
    }
    return classifier;
  } catch (const json::exception& e) {
    return Invalid(name, std::string("not a valid classifier model: ") + e.what());
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kInvalidArgument, name + ": the classifier model is too large");
  }
}

namespace {

// The binary form, all integers and doubles little-endian:
//   magic "SHEAFTC\x01" (8 bytes; the last byte is the binary layout's version)
//   u32 format_version (kFormatVersion: the same model semantics as the JSON form)
//   u32 hash_bits, u32 num_classes, u32 num_features, f64 temperature
//   num_classes x { u32 length, that many bytes }: the labels, sorted and distinct
//   num_classes x f64: the bias
//   u32 row count, then per row { u32 feature, num_classes x f64 }: the rows that are not all
//     zero, features strictly increasing
//   16 bytes: the version (hex), checked against the contents on reading
// and nothing after it. The doubles are the model's bits, so both forms give equal models.
constexpr std::string_view kBinaryMagic("SHEAFTC\x01", 8);

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

void PutF64(std::string& out, double d) {
  const uint64_t v = std::bit_cast<uint64_t>(d);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// Reads the binary form front to back; every read checks what is left, so a short or damaged
// file stops with a message instead of reading past the end.
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view bytes) : bytes_(bytes) {}
  std::size_t left() const { return bytes_.size() - pos_; }
  bool U32(uint32_t* v) {
    if (left() < 4) return false;
    uint32_t r = 0;
    for (int i = 0; i < 4; ++i) r |= static_cast<uint32_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 4;
    *v = r;
    return true;
  }
  bool F64(double* d) {
    if (left() < 8) return false;
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) r |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += 8;
    *d = std::bit_cast<double>(r);
    return true;
  }
  bool Bytes(std::size_t n, std::string_view* out) {
    if (left() < n) return false;
    *out = bytes_.substr(pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

bool TextClassifier::IsBinary(std::string_view bytes) {
  return bytes.substr(0, kBinaryMagic.size()) == kBinaryMagic;
}

std::string TextClassifier::ToBinary() const {
  const size_t k_count = static_cast<size_t>(model_.num_classes);
  std::vector<uint32_t> rows;
  for (size_t f = 0; f < static_cast<size_t>(model_.num_features); ++f) {
    const double* row = &model_.weights[f * k_count];
    if (!std::all_of(row, row + k_count, [](double w) { return w == 0.0; })) {
      rows.push_back(static_cast<uint32_t>(f));
    }
  }
  std::string out(kBinaryMagic);
  out.reserve(64 + rows.size() * (4 + 8 * k_count));
  PutU32(out, kFormatVersion);
  PutU32(out, static_cast<uint32_t>(hash_bits_));
  PutU32(out, static_cast<uint32_t>(k_count));
  PutU32(out, static_cast<uint32_t>(model_.num_features));
  PutF64(out, model_.temperature);
  for (const std::string& label : labels_) {
    PutU32(out, static_cast<uint32_t>(label.size()));
    out += label;
  }
  for (const double b : model_.bias) PutF64(out, b);
  PutU32(out, static_cast<uint32_t>(rows.size()));
  for (const uint32_t f : rows) {
    PutU32(out, f);
    for (size_t k = 0; k < k_count; ++k) PutF64(out, model_.weights[f * k_count + k]);
  }
  out += version_;
  return out;
}

Result<TextClassifier> TextClassifier::FromBinary(std::string_view bytes, const std::string& name,
                                                  StoredVersion stored) {
  const auto bad = [&](const std::string& what) { return Invalid(name, what); };
  const auto cut = [&](const std::string& what) {
    return Invalid(name, "the binary classifier model ends early (in " + what + "; truncated or damaged)");
  };
  if (!IsBinary(bytes)) return bad("not a binary classifier model (wrong magic bytes)");
  BinaryReader in(bytes.substr(kBinaryMagic.size()));
  uint32_t format_version = 0, hash_bits = 0, k_count = 0, num_features = 0;
  Model model;
  if (!in.U32(&format_version) || !in.U32(&hash_bits) || !in.U32(&k_count) ||
      !in.U32(&num_features) || !in.F64(&model.temperature)) {
    return cut("the header");
  }
  if (format_version != kFormatVersion) {
    return bad("unsupported format_version " + std::to_string(format_version) + " (expected " +
               std::to_string(kFormatVersion) + ")");
  }
  if (hash_bits < kMinHashBits || hash_bits > kMaxHashBits) {
    return bad("\"hash_bits\" must be an integer in [" + std::to_string(kMinHashBits) + ", " +
               std::to_string(kMaxHashBits) + "]");
  }
  // Each label takes at least its 4-byte length: a count beyond what is left is damage, and
  // checking it first bounds every allocation below by the file's size.
  if (k_count < 2 || k_count > in.left() / 4) {
    return bad("\"labels\" must be at least two (the count " + std::to_string(k_count) +
               " does not fit the file)");
  }
  model.num_classes = static_cast<int>(k_count);
  model.num_features = FeatureDimension(static_cast<int>(hash_bits));
  if (num_features != static_cast<uint32_t>(model.num_features)) {
    return bad("\"num_features\" does not match hash_bits " + std::to_string(hash_bits) +
               " (expected " + std::to_string(model.num_features) +
               "; the model was written by an incompatible feature extractor)");
  }
  if (!std::isfinite(model.temperature) || model.temperature <= 0.0) {
    return bad("\"temperature\" must be a positive number");
  }
  std::vector<std::string> labels;
  for (uint32_t k = 0; k < k_count; ++k) {
    uint32_t length = 0;
    std::string_view label;
    if (!in.U32(&length) || !in.Bytes(length, &label)) return cut("the labels");
    labels.emplace_back(label);
  }
  std::vector<std::string> sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end() || sorted != labels) {
    return bad("\"labels\" must be sorted and distinct");
  }
  model.bias.resize(k_count);
  for (double& b : model.bias) {
    if (!in.F64(&b)) return cut("the bias");
    if (!std::isfinite(b)) {
      return bad("\"bias\" must be an array of " + std::to_string(k_count) + " finite numbers");
    }
  }
  uint32_t row_count = 0;
  if (!in.U32(&row_count)) return cut("the weights");
  const std::size_t row_bytes = 4 + 8 * static_cast<std::size_t>(k_count);
  if (row_count > in.left() / row_bytes) return cut("the weights");
  // The dense table is about 10 MB: in 4 KiB pages that is 2,560 page faults at every start,
  // most of the kernel's share of a one-PDF run. Transparent huge pages (where the kernel gives
  // them on request, "madvise" mode) make it a handful; the values are the same either way.
  const size_t weight_count = static_cast<size_t>(model.num_features) * k_count;
  model.weights.reserve(weight_count);
  PreferHugePages(model.weights.data(), weight_count * sizeof(double));
  model.weights.assign(weight_count, 0.0);
  int64_t previous = -1;
  for (uint32_t r = 0; r < row_count; ++r) {
    uint32_t f = 0;
    in.U32(&f);  // fits: row_count was checked against what is left
    if (static_cast<int64_t>(f) <= previous || f >= num_features) {
      return bad("\"weights\" row " + std::to_string(r) + ": feature " + std::to_string(f) +
                 " is out of order or not below num_features");
    }
    previous = f;
    double* row = &model.weights[static_cast<size_t>(f) * k_count];
    if constexpr (std::endian::native == std::endian::little) {
      // The file's byte order: the row's doubles are copied as they are. Assembling them byte
      // by byte was 4.8% of a one-PDF run's samples, on the critical path; copying is 1.7%.
      std::string_view raw;
      in.Bytes(8 * static_cast<std::size_t>(k_count), &raw);  // fits, as above
      std::memcpy(row, raw.data(), raw.size());
    } else {
      for (uint32_t k = 0; k < k_count; ++k) in.F64(&row[k]);
    }
    for (uint32_t k = 0; k < k_count; ++k) {
      if (!std::isfinite(row[k])) {
        return bad("\"weights\" row " + std::to_string(r) + " must hold " + std::to_string(k_count) +
                   " finite weights");
      }
    }
  }
  std::string_view version;
  if (!in.Bytes(16, &version)) return cut("the version");
  if (in.left() != 0) return bad("unexpected bytes after the binary classifier model (damaged)");
  if (stored == StoredVersion::kTrust) {
    // The version becomes part of cache keys (and file names there): only hex digits pass.
    const bool hex = std::all_of(version.begin(), version.end(),
                                 [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    if (!hex) return bad("the stored version is not 16 hex digits (damaged)");
    return TextClassifier(std::move(labels), static_cast<int>(hash_bits), std::move(model), std::string(version));
  }
  TextClassifier classifier(std::move(labels), static_cast<int>(hash_bits), std::move(model));
  if (version != classifier.Version()) {
    return bad("the stored version does not match the model's contents (corrupt)");
  }
  return classifier;
}

Result<TextClassifier> TextClassifier::FromBytes(std::string_view bytes, const std::string& name,
                                                 StoredVersion stored) {
  try {
    return IsBinary(bytes) ? FromBinary(bytes, name, stored) : FromJson(bytes, name);
  } catch (const std::bad_alloc&) {
    return Status(ErrorCode::kInvalidArgument, name + ": the classifier model is too large");
  }
}

Result<TextClassifier> TextClassifier::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIoError, path + ": cannot open the classifier model");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status(ErrorCode::kIoError, path + ": reading the classifier model failed");
  return FromBytes(buffer.str(), path);
}

}  // namespace sheaf::classify
