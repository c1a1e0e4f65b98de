// SPDX-License-Identifier: GPL-3.0-or-later
//
// A learned choice among candidate values (the idea of Majumder et al., ACL 2020, "Representation
// Learning for Information Extraction from Form-like Documents"; this is Sheaf's own small form of
// it): for a field, every value of the field's kind printed where such values are printed is a
// candidate (for names: each of the first rows of page 1, each of their cells, each pair of
// adjacent rows, and the rules' own pick); each candidate is described by its neighbourhood (the
// words of the rows above and below, hashed), its position on the page, its row's height against
// the page's, its shape (letters, digits, capitals, company suffixes), whether it is printed again
// further down and heads an address, and whether the rules chose it; a logistic regression per field scores it, and the best candidate is taken.
//
// Rules stay where they encode conventions (check digits, arithmetic, date plausibility); the
// ranker only re-chooses the fields it has a model for (docs/extraction.md says which and why).
//
// Confidence: when the ranker agrees with the rules' value, the rules' (calibrated) confidence
// stands; when it overrides them, the confidence is the model's probability capped at
// kOverrideConfidenceCap, so a learned override never claims the >= 0.9 band.
//
// Contract: candidate generation and Apply are pure functions of their inputs and thread-safe on
// a const Ranker; Train is deterministic (classify::Train's contract); FromJson reports a bad
// model as a Status naming the file, never throws.
#ifndef SHEAF_EXTRACT_RANKER_H_
#define SHEAF_EXTRACT_RANKER_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "classify/features.h"
#include "classify/logreg.h"
#include "extract/extractor.h"
#include "extract/schema.h"
#include "sheaf/document.h"
#include "sheaf/status.h"

namespace sheaf::extract {

inline constexpr int kRankerHashBits = 16;
inline constexpr double kOverrideConfidenceCap = 0.8;

// The fields the ranker generates candidates for.
bool RankerSupports(std::string_view field);

struct RankCandidate {
  Field field;                    // the value as the field would be reported
  classify::SparseVector features;
  bool rule_pick = false;         // the rules' own value
};

// The candidates of `field` on `doc` (deduplicated by value, document order), with features.
// `rule_pick` is the rules' value of the field (nullptr when they found none).
std::vector<RankCandidate> RankCandidates(const Document& doc, const Schema& schema, std::string_view field,
                                          const Field* rule_pick);

// One document's candidates for one field and which of them are right.
struct RankExample {
  std::vector<RankCandidate> candidates;
  std::vector<bool> right;  // same size as candidates
};

class Ranker {
 public:
  // Fits one model per field of `examples` that has at least one right and one wrong candidate.
  static Ranker Train(const std::map<std::string, std::vector<RankExample>>& examples,
                      const classify::TrainOptions& options = {});

  // The probability that `c` is the field's value; REQUIRES: HasField(field).
  double Score(const std::string& field, const RankCandidate& c) const;

  bool HasField(const std::string& field) const { return models_.count(field) > 0; }
  std::vector<std::string> Fields() const;

  // Re-chooses the fields of `ex` this ranker has a model for (and `schema` asks for).
  void Apply(const Document& doc, const Schema& schema, Extraction* ex) const;

  // JSON {"format": "sheaf-extractor-ranker/1", "hash_bits", "fields": {name: {"weights":
  // [[w0,w1]...] sparse as {"i": [...], "w": [...]}, "bias": [...]}}}.
  std::string ToJson() const;
  // Parses ToJson's text; errors name `name` and what is wrong.
  static Result<Ranker> FromJson(std::string_view text, const std::string& name);

 private:
  std::map<std::string, classify::Model> models_;
};

}  // namespace sheaf::extract

#endif  // SHEAF_EXTRACT_RANKER_H_
