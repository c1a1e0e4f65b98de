// SPDX-License-Identifier: GPL-3.0-or-later
//
// Sender-grouped evaluation: how extraction and typing fare on documents from senders the
// learned parts never saw, and with every sender counted once however many documents it sent.
//
// A development set holds many documents from a few senders (26 of ZUGFeRD's 67 invoices come
// from one issuer, 11 of SROIE's 126 receipts from one shop), so the usual micro-averaged
// figures mostly say how well the frequent senders are read. Here:
// - AssignGroupFolds splits the documents into k folds with no sender in two folds (grouped
//   k-fold cross-validation): a learned part is trained on the other folds' senders and
//   scored on the fold's;
// - GroupedScorer reports, per field, the usual counts, the counts weighted by 1 / (documents
//   of the sender), so that each sender weighs one document in all, and the F1 of each fold;
//   the same for the share right among confident values (>= 0.9) and for the document type.
//
// Contract: pure computation, no I/O. A GroupedScorer is a plain value, not thread-safe.
#ifndef SHEAF_EVAL_GROUPED_H_
#define SHEAF_EVAL_GROUPED_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "eval/field_eval.h"
#include "extract/schema.h"

namespace sheaf::eval {

// Returns the fold (0 .. k-1) of each entry of `groups` (one sender per document) such that
// documents of one sender share a fold. Senders are placed largest first (ties by name), each
// into the fold with fewest documents so far (ties: the lowest fold), so folds are as even as
// whole senders allow and the split is the same on every run. With fewer senders than k, only
// that many folds are used. REQUIRES: k >= 1.
std::vector<int> AssignGroupFolds(const std::vector<std::string>& groups, int k);

// Precision/recall/F1 from weighted counts (the FieldScore counting rules, each count weighted).
struct WeightedScore {
  double tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp > 0 ? tp / (tp + fp) : 0.0; }
  double recall() const { return tp + fn > 0 ? tp / (tp + fn) : 0.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};

struct GroupedFieldScore {
  FieldScore all;            // every document counts once (the usual figure; rates filled in)
  WeightedScore by_sender;   // every sender counts once
  int senders = 0;           // senders with at least one expected value of the field
  // F1 of each fold's documents; std::nullopt for a fold with no expected or predicted value.
  std::vector<std::optional<double>> fold_f1;
};

struct GroupedShare {     // a share of right answers, plain and per sender, and per fold
  int count = 0;          // answers judged
  double all = 0;         // right / count
  double by_sender = 0;   // each answer weighted 1 / (documents of its sender)
  std::vector<std::optional<double>> fold;  // share per fold; std::nullopt: none judged
};

struct GroupedReport {
  int documents = 0, senders = 0, folds = 0;
  std::vector<int> fold_documents;
  std::map<std::string, GroupedFieldScore> fields;
  GroupedShare confident;       // fields with an expected value and confidence >= 0.9
  GroupedShare document_type;   // empty (count 0) unless AddType was called
};

class GroupedScorer {
 public:
  // Document i (the index used by Add and AddType) comes from sender `senders[i]` and lies in
  // fold `folds[i]`. REQUIRES: senders.size() == folds.size(), folds in [0, number of folds).
  GroupedScorer(std::vector<std::string> senders, std::vector<int> folds);

  // Scores one field of document `doc` as FieldScorer::Add counts it.
  void Add(std::size_t doc, const std::string& field, extract::FieldType type,
           const std::optional<std::string>& expected, const std::optional<Predicted>& predicted);

  // Records whether document `doc` was given the right type.
  void AddType(std::size_t doc, bool correct);

  GroupedReport Report() const;

  // {"documents", "senders", "folds", "fold_documents": [...], "fields": {name: {"support",
  //  "f1", "grouped_f1", "grouped_precision", "grouped_recall", "senders", "fold_f1": [...]}},
  //  "confident": {count, accuracy, grouped_accuracy, fold}, "document_type": {same}}
  nlohmann::ordered_json ToJson() const;

 private:
  struct Entry {
    std::size_t doc;
    FieldScore counts;
  };
  struct Judged {
    std::size_t doc;
    bool right;
  };
  GroupedShare Share(const std::vector<Judged>& judged) const;

  std::vector<std::string> senders_;
  std::vector<int> folds_;
  std::vector<double> weight_;  // 1 / documents of the sender
  int fold_count_ = 0;
  std::map<std::string, std::vector<Entry>> fields_;
  std::vector<Judged> confident_, types_;
};

}  // namespace sheaf::eval

#endif  // SHEAF_EVAL_GROUPED_H_
