// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/learn_eval.h"

#include <filesystem>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "eval/field_eval.h"
#include "eval/ranker_training.h"
#include "extract/ranker.h"
#include "extract/normalize.h"
#include "learn/learner.h"
#include "learn/sender.h"
#include "learn/sender_memory.h"

namespace sheaf::app {

namespace {

// The expected value as a reviewer's correction carries it: normalised like the extractor's.
std::string AsCorrection(extract::FieldType type, const std::string& expected) {
  if (type == extract::FieldType::kMoney) {
    if (auto m = extract::NormalizeMoney(expected)) return m->amount;
  }
  if (type == extract::FieldType::kDate) {
    if (auto d = extract::NormalizeDate(expected)) return *d;
  }
  return expected;
}

std::optional<eval::Predicted> PredictedOf(const Document& doc, const std::string& name) {
  const auto it = doc.fields.find(name);
  if (it == doc.fields.end()) return std::nullopt;
  return eval::Predicted{it->second.value, it->second.confidence};
}

std::optional<std::string> ExpectedOf(const LearnEvalDocument& d, const std::string& name) {
  const auto it = d.truth->fields.find(name);
  if (it == d.truth->fields.end()) return std::nullopt;
  return it->second;
}

}  // namespace

Result<LearnEvalReport> RunLearnFromFirst(const std::vector<LearnEvalDocument>& docs,
                                          const std::string& work_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  const std::string path = (fs::path(work_dir) / "learn-from-first.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix, ec);
  LearnEvalReport report;
  {
    Result<std::unique_ptr<SqliteMetadataStore>> store = SqliteMetadataStore::Open(path, {});
    if (!store.ok()) return store.status();
    Result<Tenant> tenant = (*store)->CreateTenant("eval", "cli:eval");
    if (!tenant.ok()) return tenant.status();
    const learn::SenderLearner learner(store->get());

    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      if (!docs[i].group.empty()) groups[docs[i].group].push_back(i);
    }
    // The tenant ranker: trained on every sender's first document as its reviewer leaves it
    // (the expected fields), as `train-extractor --from-reviews` trains one.
    eval::RankExamples examples;
    for (const auto& [group, members] : groups) {
      const LearnEvalDocument& first = docs[members.front()];
      if (members.size() < 2 || !first.result || first.schema == nullptr) continue;
      eval::MergeRankExamples(eval::DocumentRankExamples(*first.result, *first.schema, first.truth->fields),
                              &examples);
    }
    const extract::Ranker ranker = extract::Ranker::Train(examples);
    report.ranker_fields = ranker.Fields();
    eval::FieldScorer before, after, ranked_after, ranker_alone;
    for (const auto& [group, members] : groups) {
      if (members.size() < 2) continue;
      ++report.senders;
      const LearnEvalDocument& first = docs[members.front()];
      std::set<std::string> corrected_names, learned_names;
      std::string first_sender;
      if (first.result) {
        first_sender = learn::IdentifySender(*first.result).key;
        std::map<std::string, std::string> corrections;
        for (const auto& [name, type] : first.scored) {
          const std::optional<std::string> expected = ExpectedOf(first, name);
          if (!expected) continue;
          const std::optional<eval::Predicted> got = PredictedOf(*first.result, name);
          if (got && eval::ValuesMatch(type, *expected, got->value)) continue;
          corrections[name] = AsCorrection(type, *expected);
          corrected_names.insert(name);
        }
        report.corrected_fields += static_cast<int>(corrections.size());
        Result<std::vector<std::string>> learned =
            learner.Learn(tenant->id, "first:" + first.truth->id, *first.result, corrections,
                          "cli:eval");
        if (!learned.ok()) return learned.status();
        report.learned_fields += static_cast<int>(learned->size());
        learned_names.insert(learned->begin(), learned->end());
      }
      for (std::size_t k = 1; k < members.size(); ++k) {
        const LearnEvalDocument& d = docs[members[k]];
        ++report.later_documents;
        Document recalled, ranked;
        std::map<std::string, Field> ranked_only;
        bool recognised = false;
        if (d.result) {
          recalled = *d.result;
          Result<learn::SenderLearner::Recalled> r = learner.Recall(tenant->id, &recalled);
          if (!r.ok()) return r.status();
          ranked = *d.result;
          if (d.schema != nullptr) {
            extract::Extraction ex{ranked.fields, ranked.line_items};
            ranker.Apply(ranked, *d.schema, &ex);
            ranked.fields = std::move(ex.fields);
          }
          ranked_only = ranked.fields;
          Result<learn::SenderLearner::Recalled> rr = learner.Recall(tenant->id, &ranked);
          if (!rr.ok()) return rr.status();
          if (!first_sender.empty() && r->sender.key == first_sender) ++report.recognised;
          if (!first_sender.empty() && learn::SameSender(r->sender.key, first_sender)) {
            ++report.recognised_approximately;
            recognised = true;
          }
        }
        const bool eligible = recognised && !corrected_names.empty();
        bool all_sure = true, ranked_sure = true;
        nlohmann::ordered_json unsure = nlohmann::ordered_json::array();
        for (const auto& [name, type] : d.scored) {
          const std::optional<std::string> expected = ExpectedOf(d, name);
          const std::optional<eval::Predicted> was =
              d.result ? PredictedOf(*d.result, name) : std::nullopt;
          const std::optional<eval::Predicted> now =
              d.result ? PredictedOf(recalled, name) : std::nullopt;
          const std::optional<eval::Predicted> with_ranker =
              d.result ? PredictedOf(ranked, name) : std::nullopt;
          before.Add(d.truth->id, name, type, expected, was);
          after.Add(d.truth->id, name, type, expected, now);
          ranked_after.Add(d.truth->id, name, type, expected, with_ranker);
          const auto only = ranked_only.find(name);
          ranker_alone.Add(d.truth->id, name, type, expected,
                           only == ranked_only.end()
                               ? std::nullopt
                               : std::optional<eval::Predicted>(
                                     eval::Predicted{only->second.value, only->second.confidence}));
          if (corrected_names.count(name) == 0 || !expected) continue;
          if (!with_ranker || !eval::ValuesMatch(type, *expected, with_ranker->value) ||
              with_ranker->confidence < 0.9) {
            ranked_sure = false;
          }
          ++report.later_corrected;
          if (was && eval::ValuesMatch(type, *expected, was->value)) ++report.right_before;
          if (!now || !eval::ValuesMatch(type, *expected, now->value) || now->confidence < 0.9) {
            all_sure = false;
            const auto f = recalled.fields.find(name);
            unsure.push_back({{"field", name},
                              {"expected", *expected},
                              {"got", now ? nlohmann::ordered_json(now->value) : nlohmann::ordered_json()},
                              {"confidence", now ? now->confidence : 0.0},
                              {"source", f == recalled.fields.end() ? "" : f->second.source},
                              {"learned", learned_names.count(name) > 0}});
          }
          if (now && eval::ValuesMatch(type, *expected, now->value)) {
            ++report.right_after;
            const Field& f = recalled.fields.at(name);
            if (f.source == learn::kSenderMemorySource && f.confidence >= 0.9) {
              ++report.confident_after;
            }
          }
        }
        if (eligible) {
          ++report.no_review_eligible;
          if (ranked_sure) ++report.ranked_no_review;
          if (all_sure) {
            ++report.no_review;
          } else {
            report.still_reviewed.push_back(
                {{"document", d.truth->id}, {"sender", group}, {"fields", std::move(unsure)}});
          }
        }
      }
    }
    const eval::FieldReport b = before.Report(), a = after.Report();
    for (const auto& [name, score] : b.fields) {
      const auto it = a.fields.find(name);
      report.f1[name] = {score.f1, it == a.fields.end() ? 0.0 : it->second.f1};
    }
    report.micro_f1 = {b.micro.f1, a.micro.f1};
    const eval::FieldReport rk = ranked_after.Report();
    for (const auto& [name, score] : rk.fields) report.ranked_f1[name] = score.f1;
    const eval::FieldReport alone = ranker_alone.Report();
    for (const auto& [name, score] : alone.fields) report.ranker_alone_f1[name] = score.f1;
    report.ranked_micro_f1 = rk.micro.f1;
    report.before = before.ToJson();
    report.after = after.ToJson();
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix, ec);
  return report;
}

}  // namespace sheaf::app
