// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/grouped.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <utility>

namespace sheaf::eval {
namespace {

// A broken REQUIRES of grouped.h is a caller's bug: fail loudly.
void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "sheaf: eval/grouped: requirement broken: %s\n", what);
  std::abort();
}

}  // namespace

std::vector<int> AssignGroupFolds(const std::vector<std::string>& groups, int k) {
  Require(k >= 1, "k >= 1");
  std::map<std::string, int> size;
  for (const std::string& g : groups) ++size[g];
  std::vector<std::pair<std::string, int>> order(size.begin(), size.end());
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<int> load(static_cast<std::size_t>(k), 0);
  std::map<std::string, int> fold_of;
  for (const auto& [group, n] : order) {
    auto lightest = std::min_element(load.begin(), load.end());
    fold_of[group] = static_cast<int>(lightest - load.begin());
    *lightest += n;
  }
  std::vector<int> folds;
  folds.reserve(groups.size());
  for (const std::string& g : groups) folds.push_back(fold_of[g]);
  return folds;
}

GroupedScorer::GroupedScorer(std::vector<std::string> senders, std::vector<int> folds)
    : senders_(std::move(senders)), folds_(std::move(folds)) {
  Require(senders_.size() == folds_.size(), "senders_.size() == folds_.size()");
  std::map<std::string, int> size;
  for (const std::string& s : senders_) ++size[s];
  for (const std::string& s : senders_) weight_.push_back(1.0 / size[s]);
  for (int f : folds_) {
    Require(f >= 0, "f >= 0");
    fold_count_ = std::max(fold_count_, f + 1);
  }
}

void GroupedScorer::Add(std::size_t doc, const std::string& field, extract::FieldType type,
                        const std::optional<std::string>& expected,
                        const std::optional<Predicted>& predicted) {
  Require(doc < senders_.size(), "doc < senders_.size()");
  if (!expected && !predicted) return;
  FieldScore counts = CountValue(type, expected, predicted);
  fields_[field].push_back({doc, counts});
  if (expected && predicted && predicted->confidence >= 0.9) {
    confident_.push_back({doc, counts.tp == 1});
  }
}

void GroupedScorer::AddType(std::size_t doc, bool correct) {
  Require(doc < senders_.size(), "doc < senders_.size()");
  types_.push_back({doc, correct});
}

GroupedShare GroupedScorer::Share(const std::vector<Judged>& judged) const {
  GroupedShare share;
  share.count = static_cast<int>(judged.size());
  double right = 0, weighted_right = 0, weight = 0;
  std::vector<int> fold_right(static_cast<std::size_t>(fold_count_), 0);
  std::vector<int> fold_count(static_cast<std::size_t>(fold_count_), 0);
  for (const Judged& j : judged) {
    auto f = static_cast<std::size_t>(folds_[j.doc]);
    ++fold_count[f];
    weight += weight_[j.doc];
    if (j.right) {
      ++right;
      ++fold_right[f];
      weighted_right += weight_[j.doc];
    }
  }
  if (share.count > 0) share.all = right / share.count;
  if (weight > 0) share.by_sender = weighted_right / weight;
  for (std::size_t f = 0; f < fold_count.size(); ++f) {
    share.fold.push_back(fold_count[f] ? std::optional<double>(static_cast<double>(fold_right[f]) /
                                                               fold_count[f])
                                       : std::nullopt);
  }
  return share;
}

GroupedReport GroupedScorer::Report() const {
  GroupedReport r;
  r.documents = static_cast<int>(senders_.size());
  r.senders = static_cast<int>(std::set<std::string>(senders_.begin(), senders_.end()).size());
  r.folds = fold_count_;
  r.fold_documents.assign(static_cast<std::size_t>(fold_count_), 0);
  for (int f : folds_) ++r.fold_documents[static_cast<std::size_t>(f)];
  for (const auto& [name, entries] : fields_) {
    GroupedFieldScore& g = r.fields[name];
    std::vector<FieldScore> per_fold(static_cast<std::size_t>(fold_count_));
    std::set<std::string> senders;
    for (const Entry& e : entries) {
      double w = weight_[e.doc];
      g.all.tp += e.counts.tp;
      g.all.fp += e.counts.fp;
      g.all.fn += e.counts.fn;
      g.by_sender.tp += w * e.counts.tp;
      g.by_sender.fp += w * e.counts.fp;
      g.by_sender.fn += w * e.counts.fn;
      FieldScore& f = per_fold[static_cast<std::size_t>(folds_[e.doc])];
      f.tp += e.counts.tp;
      f.fp += e.counts.fp;
      f.fn += e.counts.fn;
      if (e.counts.tp + e.counts.fn > 0) senders.insert(senders_[e.doc]);
    }
    g.senders = static_cast<int>(senders.size());
    auto fill = [](FieldScore& s) {
      WeightedScore w{static_cast<double>(s.tp), static_cast<double>(s.fp),
                      static_cast<double>(s.fn)};
      s.support = s.tp + s.fn;
      s.precision = w.precision();
      s.recall = w.recall();
      s.f1 = w.f1();
    };
    fill(g.all);
    for (FieldScore& f : per_fold) {
      if (f.tp + f.fp + f.fn == 0) {
        g.fold_f1.push_back(std::nullopt);
        continue;
      }
      fill(f);
      g.fold_f1.push_back(f.f1);
    }
  }
  r.confident = Share(confident_);
  r.document_type = Share(types_);
  return r;
}

namespace {

nlohmann::ordered_json Optionals(const std::vector<std::optional<double>>& values) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& v : values) out.push_back(v ? nlohmann::ordered_json(*v) : nullptr);
  return out;
}

nlohmann::ordered_json ShareJson(const GroupedShare& s) {
  return {{"count", s.count},
          {"accuracy", s.all},
          {"grouped_accuracy", s.by_sender},
          {"fold", Optionals(s.fold)}};
}

}  // namespace

nlohmann::ordered_json GroupedScorer::ToJson() const {
  GroupedReport r = Report();
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (const auto& [name, g] : r.fields) {
    fields[name] = {{"support", g.all.support},
                    {"f1", g.all.f1},
                    {"grouped_f1", g.by_sender.f1()},
                    {"grouped_precision", g.by_sender.precision()},
                    {"grouped_recall", g.by_sender.recall()},
                    {"senders", g.senders},
                    {"fold_f1", Optionals(g.fold_f1)}};
  }
  nlohmann::ordered_json out = {{"documents", r.documents},
                                {"senders", r.senders},
                                {"folds", r.folds},
                                {"fold_documents", r.fold_documents},
                                {"fields", std::move(fields)},
                                {"confident", ShareJson(r.confident)}};
  if (r.document_type.count > 0) out["document_type"] = ShareJson(r.document_type);
  return out;
}

}  // namespace sheaf::eval
