// SPDX-License-Identifier: GPL-3.0-or-later
//
// Field-extraction scores: extracted field values compared with labelled ones, per field
// precision/recall/F1 with a micro-average, the reliability of the confidences, the documents
// with the most errors, and precision/recall/F1 of form key/value pairs.
//
// Contract:
// - Values are compared by the field's type after normalisation (see ValuesMatch), so "RM8.60"
//   equals "8.60" and "30 MAR 2018" equals "2018-03-30".
// - Counting follows the SROIE/CORD convention. For one field of one document:
//     expected and predicted present, values match   -> 1 TP
//     expected and predicted present, values differ  -> 1 FP and 1 FN (a wrong value is both a
//                                                        spurious and a missed value)
//     predicted only                                  -> 1 FP
//     expected only                                   -> 1 FN
//     neither                                         -> nothing
//   Support is the number of expected values (TP + FN). Precision is TP / (TP + FP), recall
//   TP / (TP + FN), F1 their harmonic mean; each is 0 when its denominator is 0.
// - Reliability counts a prediction only where an expected value exists to judge it by.
// - Pure computation: no I/O, no globals. A FieldScorer is a plain value, not thread-safe.
#ifndef SHEAF_EVAL_FIELD_EVAL_H_
#define SHEAF_EVAL_FIELD_EVAL_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "eval/reliability.h"
#include "extract/schema.h"

namespace sheaf::eval {

// ---------------------------------------------------------------------------------------------
// Comparing two values

// Returns the form in which values of `type` are compared:
//   kDate              ISO "YYYY-MM-DD" via extract::NormalizeDate, day first when ambiguous
//   kMoney             the amount via extract::NormalizeMoney ("1,007.50" -> "1007.50"); the
//                      currency is dropped (it is a field of its own)
//   kCurrency          the ISO 4217 code via extract::NormalizeCurrency ("RM" -> "MYR")
//   kIban, kVatId      extract::NormalizeIban / extract::NormalizeVatId
//   kNumber            extract::NormalizeNumber
//   kString, kAddress, kId, and every value its normaliser cannot read: folded text, i.e.
//                      ASCII and Latin-1 letters lower-cased, and every ASCII byte that is not a
//                      letter or digit (blanks, punctuation, control characters) dropped, as
//                      are Unicode blanks, dashes and quotes ("Gin Kee." -> "ginkee").
std::string NormalizeForCompare(extract::FieldType type, std::string_view value);

// True iff `expected` and `predicted` are the same value of `type`:
// - if the type's normaliser reads both, the normalised values are equal (amounts of money:
//   differ by less than 0.005);
// - if it reads neither, their folded texts are equal;
// - if it reads only one of them, they differ.
// Values with nothing left after normalisation ("", " - ") never match anything.
bool ValuesMatch(extract::FieldType type, std::string_view expected, std::string_view predicted);

// ---------------------------------------------------------------------------------------------
// Scoring fields over a dataset

struct Predicted {
  std::string value;
  double confidence = 0;  // in [0, 1]
};

struct FieldScore {
  int support = 0;  // expected values (tp + fn)
  int tp = 0, fp = 0, fn = 0;
  double precision = 0, recall = 0, f1 = 0;
};

// The counts one field of one document adds (see the counting rules above): tp, fp and fn only,
// the rates left at 0.
FieldScore CountValue(extract::FieldType type, const std::optional<std::string>& expected,
                      const std::optional<Predicted>& predicted);

// One field of one document that did not score a TP.
struct Mismatch {
  std::string field;
  std::optional<std::string> expected;   // std::nullopt: a spurious prediction
  std::optional<std::string> predicted;  // std::nullopt: a missed value
  double confidence = 0;                 // of the prediction; 0 when there is none
};

struct DocumentMismatches {
  std::string doc_id;
  std::vector<Mismatch> mismatches;  // in the order they were added
};

// A key/value pair of a form.
struct KvPair {
  std::string key, value;
};

struct PairScore {
  int tp = 0, fp = 0, fn = 0;

  double precision() const { return tp + fp ? static_cast<double>(tp) / (tp + fp) : 0.0; }
  double recall() const { return tp + fn ? static_cast<double>(tp) / (tp + fn) : 0.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
  PairScore& operator+=(const PairScore& other) {
    tp += other.tp;
    fp += other.fp;
    fn += other.fn;
    return *this;
  }
};

// Scores the pairs of one document. Keys and values are compared as folded text (see
// NormalizeForCompare), or, where folding leaves nothing ("%", "(+)", "$"), as the text without
// its blanks; a key or value that is blank matches nothing. A predicted pair is a TP when its key
// and value equal those of an expected pair not yet matched (one to one, in the order
// predicted; since the test is equality, this greedy matching is a maximum one). Other
// predicted pairs are FPs, unmatched expected pairs FNs.
PairScore ScorePairs(const std::vector<KvPair>& expected, const std::vector<KvPair>& predicted);

struct FieldReport {
  int documents = 0;                         // distinct doc ids passed to Add or AddPairs
  std::map<std::string, FieldScore> fields;  // by field name
  FieldScore micro;                          // counts summed over all fields
  ReliabilityReport reliability;
  PairScore pairs;  // summed over AddPairs calls
  // Documents with at least one mismatch, most mismatches first (ties in doc id order).
  std::vector<DocumentMismatches> worst_documents;
};

// Accumulates the scores of a whole evaluation run.
class FieldScorer {
 public:
  // Scores one field of one document (see the counting rules above) and records it as a
  // mismatch unless it is a TP or neither value is present.
  void Add(const std::string& doc_id, const std::string& field, extract::FieldType type,
           std::optional<std::string> expected, std::optional<Predicted> predicted);

  // Scores the key/value pairs of one form (see ScorePairs). Each pair that is not matched is
  // recorded as a mismatch of the field "pair" with "key: value" as its expected or predicted
  // value.
  void AddPairs(const std::string& doc_id, const std::vector<KvPair>& expected,
                const std::vector<KvPair>& predicted);

  FieldReport Report() const;

  // The report as JSON:
  //   {"documents", "fields": {name: {support, tp, fp, fn, precision, recall, f1}}, "micro",
  //    "pairs": {tp, fp, fn, precision, recall, f1}, "reliability": ReliabilityToJson(...),
  //    "worst_documents": [{"doc_id", "mismatches": [{field, expected, predicted,
  //    confidence}]}]}
  // with null for an absent expected or predicted value.
  nlohmann::ordered_json ToJson() const;

 private:
  std::set<std::string> doc_ids_;
  std::map<std::string, FieldScore> fields_;  // counts only; rates are filled in by Report()
  std::vector<ConfidencePoint> points_;
  PairScore pairs_;
  std::map<std::string, std::vector<Mismatch>> mismatches_;  // by doc id
};

}  // namespace sheaf::eval

#endif  // SHEAF_EVAL_FIELD_EVAL_H_
