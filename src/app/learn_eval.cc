// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/learn_eval.h"

#include <algorithm>
#include <filesystem>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "eval/field_eval.h"
#include "eval/ranker_training.h"
#include "extract/layout_view.h"
#include "extract/ranker.h"
#include "extract/normalize.h"
#include "core/edit_distance.h"
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

// Letters and digits, lower-cased.
std::string Canon(const std::string& text) {
  std::string out;
  for (unsigned char c : extract::Lower(text)) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80) out += static_cast<char>(c);
  }
  return out;
}

std::size_t Hamming(const std::string& a, const std::string& b) {
  std::size_t d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += a[i] != b[i];
  return d;
}

}  // namespace

std::optional<learn::PointedWords> PickWords(const Document& doc, const std::string& printed,
                                             extract::FieldType type, std::size_t* distance) {
  const std::string want = Canon(printed);
  if (want.empty()) return std::nullopt;
  const bool text = type != extract::FieldType::kMoney && type != extract::FieldType::kDate;
  const std::size_t tolerance = text ? std::max<std::size_t>(1, want.size() / 4)
                                     : std::max<std::size_t>(1, want.size() / 5);
  const extract::DocumentView view = extract::BuildView(doc);
  std::optional<learn::PointedWords> best;
  std::size_t best_distance = tolerance + 1, best_words = 0;
  const auto consider = [&](int page, const std::vector<const Word*>& words) {
    std::string got;
    Box box;
    for (const Word* w : words) {
      got += Canon(w->text);
      box = box.Union(w->bbox);
    }
    std::size_t d = 0;
    if (text) {
      if (got.size() + tolerance < want.size() || got.size() > want.size() + tolerance) return;
      d = EditDistance(got, want);
    } else {
      if (got.size() != want.size()) return;
      d = Hamming(got, want);
    }
    if (d < best_distance || (d == best_distance && words.size() < best_words)) {
      best = learn::PointedWords{page, box};
      best_distance = d;
      best_words = words.size();
    }
  };
  for (const extract::PageView& page : view.pages) {
    std::vector<std::vector<const Word*>> rows;
    for (const extract::Row& row : page.rows) {
      std::vector<const Word*>& r = rows.emplace_back();
      for (const extract::Cell& cell : row.cells) {
        for (const Word& w : cell.words) r.push_back(&w);
      }
    }
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (!text) {
        for (std::size_t i = 0; i < rows[r].size(); ++i) {
          for (std::size_t n = 1; n <= 3 && i + n <= rows[r].size(); ++n) {
            consider(page.number, {rows[r].begin() + i, rows[r].begin() + i + n});
          }
        }
        continue;
      }
      // A lasso: from a word's left edge on the first row to a word's right edge on any of
      // the rows, over 1-4 rows; the words whose centres it holds.
      for (std::size_t k = 1; k <= 4 && r + k <= rows.size(); ++k) {
        std::vector<int> lefts, rights;
        for (const Word* w : rows[r]) lefts.push_back(w->bbox.x0);
        for (std::size_t q = r; q < r + k; ++q) {
          for (const Word* w : rows[q]) rights.push_back(w->bbox.x1);
        }
        // Widening the lasso only adds letters: stop once it holds more than the value may.
        std::sort(rights.begin(), rights.end());
        rights.erase(std::unique(rights.begin(), rights.end()), rights.end());
        for (int x0 : lefts) {
          for (int x1 : rights) {
            if (x1 <= x0) continue;
            std::vector<const Word*> inside;
            std::size_t letters = 0;
            bool every_row = true;
            for (std::size_t q = r; q < r + k; ++q) {
              bool any = false;
              for (const Word* w : rows[q]) {
                const int c = (w->bbox.x0 + w->bbox.x1) / 2;
                if (c >= x0 && c <= x1) {
                  inside.push_back(w);
                  letters += Canon(w->text).size();
                  any = true;
                }
              }
              every_row = every_row && any;
            }
            if (letters > want.size() + tolerance) break;
            if (every_row) consider(page.number, inside);
          }
        }
      }
    }
  }
  if (distance != nullptr) *distance = best_distance;
  return best;
}

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
        // The reviewer points at the words of a value the page does not print as OCR read it
        // (a printed value is where the learner finds it by itself).
        std::map<std::string, learn::PointedWords> pointed;
        for (const auto& [name, value] : corrections) {
          if (learn::LearnPlace(*first.result, name, value)) continue;
          if (std::optional<learn::PointedWords> at =
                  PickWords(*first.result, *ExpectedOf(first, name), first.scored.at(name))) {
            pointed[name] = *at;
          }
        }
        Result<std::vector<std::string>> learned =
            learner.Learn(tenant->id, "first:" + first.truth->id, *first.result, corrections,
                          "cli:eval", pointed);
        if (!learned.ok()) return learned.status();
        report.learned_fields += static_cast<int>(learned->size());
        learned_names.insert(learned->begin(), learned->end());
        report.pointed += static_cast<int>(pointed.size());
        for (const auto& [name, at] : pointed) report.pointed_learned += learned_names.count(name);
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
        bool all_sure = true, ranked_sure = true, all_read = true;
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
          if (expected && was && was->confidence >= 0.9) {
            ++report.confident_before;
            if (!eval::ValuesMatch(type, *expected, was->value)) ++report.confident_wrong_before;
          }
          if (expected && now && now->confidence >= 0.9) {
            ++report.confident_after_all;
            if (!eval::ValuesMatch(type, *expected, now->value)) ++report.confident_wrong_after;
          }
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
          // Whether this page prints the value exactly as OCR read it (the document as
          // processed, before the memory).
          std::size_t distance = 1;
          const bool read_on_page =
              d.result && PickWords(*d.result, *expected, type, &distance) && distance == 0;
          all_read = all_read && read_on_page;
          if (!now || !eval::ValuesMatch(type, *expected, now->value) || now->confidence < 0.9) {
            all_sure = false;
            const auto f = recalled.fields.find(name);
            unsure.push_back({{"field", name},
                              {"expected", *expected},
                              {"got", now ? nlohmann::ordered_json(now->value) : nlohmann::ordered_json()},
                              {"confidence", now ? now->confidence : 0.0},
                              {"source", f == recalled.fields.end() ? "" : f->second.source},
                              {"learned", learned_names.count(name) > 0},
                              {"read_on_page", read_on_page}});
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
          if (all_read) {
            ++report.no_review_eligible_read;
            if (all_sure) ++report.no_review_read;
          }
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
