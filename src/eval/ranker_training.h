// SPDX-License-Identifier: GPL-3.0-or-later
//
// Training data for the extractor's ranker (extract/ranker.h) from labelled documents, and
// sender-disjoint training for grouped evaluation: the ranker that scores a fold is trained on
// the other folds' documents only, so no sender it is scored on was in its training.
//
// Contract: pure computation over in-memory documents; deterministic (Ranker::Train's contract).
#ifndef SHEAF_EVAL_RANKER_TRAINING_H_
#define SHEAF_EVAL_RANKER_TRAINING_H_

#include <map>
#include <string>
#include <vector>

#include "extract/ranker.h"
#include "extract/schema.h"
#include "sheaf/document.h"

namespace sheaf::eval {

// Examples of one document, by field.
using RankExamples = std::map<std::string, std::vector<extract::RankExample>>;

// The examples `doc` gives: for every field the ranker supports that `schema` asks for and
// `expected` holds, the candidates (with the rules' pick from extract::Extract) and which of
// them match the expected value (ValuesMatch). A field no candidate matches gives no example.
RankExamples DocumentRankExamples(const Document& doc, const extract::Schema& schema,
                                  const std::map<std::string, std::string>& expected);

// Appends `from` to `into`.
void MergeRankExamples(const RankExamples& from, RankExamples* into);

// One ranker per fold 0 .. k-1: ranker f is trained on the documents i with folds[i] != f only,
// plus `shared` (examples from documents of no evaluated sender, e.g. a generated corpus, which
// every fold may learn from). REQUIRES: per_doc.size() == folds.size().
std::vector<extract::Ranker> TrainPerFold(const std::vector<RankExamples>& per_doc, const std::vector<int>& folds,
                                          int k, const RankExamples& shared = {});

}  // namespace sheaf::eval

#endif  // SHEAF_EVAL_RANKER_TRAINING_H_
