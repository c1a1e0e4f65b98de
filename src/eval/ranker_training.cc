// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/ranker_training.h"

#include <algorithm>

#include "eval/field_eval.h"
#include "extract/extractor.h"

namespace sheaf::eval {

RankExamples DocumentRankExamples(const Document& doc, const extract::Schema& schema,
                                  const std::map<std::string, std::string>& expected) {
  RankExamples out;
  extract::Extraction rules;
  bool extracted = false;
  for (const extract::FieldSpec& spec : schema.fields) {
    if (!extract::RankerSupports(spec.name)) continue;
    auto want = expected.find(spec.name);
    if (want == expected.end()) continue;
    if (!extracted) {
      rules = extract::Extract(doc, schema);
      extracted = true;
    }
    auto it = rules.fields.find(spec.name);
    extract::RankExample e;
    e.candidates = extract::RankCandidates(doc, schema, spec.name, it == rules.fields.end() ? nullptr : &it->second);
    bool any = false;
    for (const extract::RankCandidate& c : e.candidates) {
      bool right = ValuesMatch(spec.type, want->second, c.field.value);
      e.right.push_back(right);
      any = any || right;
    }
    if (any) out[spec.name].push_back(std::move(e));
  }
  return out;
}

void MergeRankExamples(const RankExamples& from, RankExamples* into) {
  for (const auto& [field, es] : from) {
    auto& dst = (*into)[field];
    dst.insert(dst.end(), es.begin(), es.end());
  }
}

std::vector<extract::Ranker> TrainPerFold(const std::vector<RankExamples>& per_doc, const std::vector<int>& folds,
                                          int k, const RankExamples& shared) {
  std::vector<extract::Ranker> out;
  for (int f = 0; f < k; ++f) {
    RankExamples train = shared;
    for (std::size_t i = 0; i < per_doc.size() && i < folds.size(); ++i) {
      if (folds[i] != f) MergeRankExamples(per_doc[i], &train);
    }
    out.push_back(extract::Ranker::Train(train));
  }
  return out;
}

}  // namespace sheaf::eval
