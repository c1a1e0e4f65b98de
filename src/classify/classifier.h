// SPDX-License-Identifier: GPL-3.0-or-later
//
// TextClassifier: a trainable document-type classifier (receipt, invoice, letter, ... - any label
// strings the caller uses) over the text of a document, with calibrated confidences.
//
// Contract:
// - Train and Load never throw. Bad input to Train is ErrorCode::kInvalidArgument; a file that
//   cannot be read or written is kIoError; a file that is not a valid model (corrupt JSON, wrong
//   format or version, sizes that do not match, non-finite numbers) is kInvalidArgument. Every
//   message about a file starts with "<path>: ".
// - Two file forms hold the same model: JSON (ToJson; readable, diffable) and a compact binary
//   form (ToBinary; read about 20x faster, because start-up of a batch is bounded by it). Both
//   store the version and loading checks it, so a damaged file is kInvalidArgument, never a
//   different model. FromBytes tells them apart by the binary form's leading magic bytes.
// - Training is deterministic: the same documents, labels and options give the same model and
//   therefore the same Version().
// - Predict returns one probability per label (in labels() order), each in [0, 1], summing to 1;
//   `label` is the most probable label and `confidence` its probability.
// - A TextClassifier is immutable after construction: const methods are safe to call from many
//   threads at once.
#ifndef SHEAF_CLASSIFY_CLASSIFIER_H_
#define SHEAF_CLASSIFY_CLASSIFIER_H_

#include <string>
#include <string_view>
#include <vector>

#include "classify/features.h"
#include "classify/logreg.h"
#include "sheaf/status.h"

namespace sheaf::classify {

struct ClassifierOptions {
  int hash_bits = 18;             // hashed text features: 2^hash_bits buckets
  double holdout_fraction = 0.2;  // per label, held out to fit the temperature; in [0, 0.5]
  TrainOptions train;             // optimiser settings
  // Hashed text features found in fewer training documents than this are dropped (1: keep all).
  int min_document_frequency = 2;
  // Weights, biases and temperature are rounded to this many significant digits after training
  // (0: not rounded); 7 keeps float precision and makes the model file about half as large.
  int significant_digits = 7;
};

struct Prediction {
  std::string label;                  // the most probable label
  double confidence = 0.0;            // its probability
  std::vector<double> probabilities;  // one per label, in TextClassifier::labels() order
};

class TextClassifier {
 public:
  // Trains on (docs[i], labels[i]). Labels are sorted to fix the class order. A stratified
  // holdout (per label, the first round(holdout_fraction * n) after a seeded shuffle; none for a
  // label with fewer than 2 documents) fits the temperature on a model trained without it; the
  // final model is then trained on all documents and uses that temperature.
  // Fails with kInvalidArgument if docs is empty, the sizes differ, there are fewer than two
  // distinct labels, or an option is out of range.
  static Result<TextClassifier> Train(const std::vector<DocumentText>& docs,
                                      const std::vector<std::string>& labels,
                                      const ClassifierOptions& options = {});

  // Returns `base` fine-tuned on (docs[i], labels[i]) - a tenant's reviewed documents, say:
  // logreg FineTune from base's weights (what the documents do not speak about stays as base
  // has it), over base's hash width. The temperature is fitted as Train fits it, on a
  // stratified holdout of `options.holdout_fraction` (base's when nothing is held out: every
  // label has one document, or the fraction is 0). The labels are base's and the new ones,
  // sorted; a new label starts with zero weights and base's lowest bias. Every feature counts
  // (no min_document_frequency: the documents are few); weights are rounded as
  // `options.significant_digits` says. `hash_bits` and `min_document_frequency` are not used.
  // Fails with kInvalidArgument if docs is empty, the sizes differ, a label is empty or an
  // option is out of range.
  static Result<TextClassifier> FineTune(const TextClassifier& base,
                                         const std::vector<DocumentText>& docs,
                                         const std::vector<std::string>& labels,
                                         const ClassifierOptions& options = {});

  // Reads a model written by Save.
  static Result<TextClassifier> Load(const std::string& path);
  // Parses a model from the JSON text ToJson wrote; messages start with "<name>: ".
  static Result<TextClassifier> FromJson(std::string_view text, const std::string& name);

  // How FromBinary arrives at Version(). kVerify hashes the weights again (about 3 ms for the
  // shipped model) and rejects a file whose stored version differs: that is how damage to an
  // uncompressed file is caught. kTrust takes the stored version as it is (it must still be 16
  // lower-case hex digits), for bytes whose integrity something else has proven - a gzip
  // member's CRC-32 and length, checked while decompressing: the bytes are then those ToBinary
  // wrote, and ToBinary writes the version of what it writes. The version users see is the same.
  enum class StoredVersion { kVerify, kTrust };

  // Parses a model from the bytes ToBinary wrote; messages start with "<name>: ".
  static Result<TextClassifier> FromBinary(std::string_view bytes, const std::string& name,
                                           StoredVersion stored = StoredVersion::kVerify);
  // Parses either form: binary when `bytes` start with the binary magic, JSON otherwise
  // (`stored` applies to the binary form; JSON is always verified).
  static Result<TextClassifier> FromBytes(std::string_view bytes, const std::string& name,
                                          StoredVersion stored = StoredVersion::kVerify);
  // True when `bytes` start like ToBinary's output.
  static bool IsBinary(std::string_view bytes);

  // Writes the model as JSON (to "<path>.tmp", then renamed over `path`).
  Status Save(const std::string& path) const;
  // The model as JSON text (what Save writes).
  std::string ToJson() const;
  // The model in the binary form (little-endian; layout in classifier.cc, kBinaryMagic):
  // holds exactly what ToJson holds, with the same numbers bit for bit.
  std::string ToBinary() const;

  Prediction Predict(const DocumentText& doc) const;

  // A short hash (16 hex digits) of everything that determines predictions: labels, hash bits,
  // temperature and weights. Equal models have equal versions; use it in cache keys.
  const std::string& Version() const { return version_; }

  const std::vector<std::string>& labels() const { return labels_; }
  int hash_bits() const { return hash_bits_; }
  double temperature() const { return model_.temperature; }

 private:
  TextClassifier(std::vector<std::string> labels, int hash_bits, Model model);
  // With a version already known to be the contents' (StoredVersion::kTrust).
  TextClassifier(std::vector<std::string> labels, int hash_bits, Model model, std::string version);

  std::vector<std::string> labels_;
  int hash_bits_ = 0;
  Model model_;
  std::string version_;
};

}  // namespace sheaf::classify

#endif  // SHEAF_CLASSIFY_CLASSIFIER_H_
