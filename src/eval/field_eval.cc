// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/field_eval.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "extract/normalize.h"

namespace sheaf::eval {
namespace {

using extract::FieldType;

// Length of the UTF-8 sequence that starts with `lead` (1 for a stray continuation byte).
std::size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC2) return 2;
  return 1;
}

// True for the two-byte sequences C2 xx that are blanks or punctuation: no-break space, ¡, «,
// soft hyphen, middle dot, », ¿.
bool IsLatin1Punctuation(unsigned char second) {
  switch (second) {
    case 0xA0:
    case 0xA1:
    case 0xAB:
    case 0xAD:
    case 0xB7:
    case 0xBB:
    case 0xBF:
      return true;
    default:
      return false;
  }
}

// See NormalizeForCompare: lower-cased letters and digits, everything else between words gone.
std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = std::min(SequenceLength(c), s.size() - i);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        out += static_cast<char>(c - 'A' + 'a');
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out += static_cast<char>(c);
      }
    } else if (n == 2 && c == 0xC2 && IsLatin1Punctuation(static_cast<unsigned char>(s[i + 1]))) {
      // dropped
    } else if (n == 2 && c == 0xC3) {
      // Latin-1 capitals À..Þ (except ×, C3 97) are their small letters minus 0x20.
      auto d = static_cast<unsigned char>(s[i + 1]);
      out += s[i];
      out += static_cast<char>(d >= 0x80 && d <= 0x9E && d != 0x97 ? d + 0x20 : d);
    } else if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               static_cast<unsigned char>(s[i + 2]) <= 0xAF) {
      // U+2000..U+202F: typographic blanks, dashes, quotes, bullets, ellipsis: dropped.
    } else if (n == 3 && c == 0xE3 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               static_cast<unsigned char>(s[i + 2]) == 0x80) {
      // U+3000 ideographic space: dropped.
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

// The value read by the normaliser of `type`, or std::nullopt when the type has none or it
// cannot read `value`.
std::optional<std::string> Typed(FieldType type, std::string_view value) {
  switch (type) {
    case FieldType::kDate:
      return extract::NormalizeDate(value, extract::DateOrder::kDayFirst);
    case FieldType::kMoney: {
      std::optional<extract::Money> money = extract::NormalizeMoney(value);
      if (!money) return std::nullopt;
      return money->amount;
    }
    case FieldType::kCurrency:
      return extract::NormalizeCurrency(value);
    case FieldType::kIban:
      return extract::NormalizeIban(value);
    case FieldType::kVatId:
      return extract::NormalizeVatId(value);
    case FieldType::kNumber:
      return extract::NormalizeNumber(value);
    case FieldType::kString:
    case FieldType::kAddress:
    case FieldType::kId:
      return std::nullopt;
  }
  return std::nullopt;
}

// Parses an amount as NormalizeMoney writes it ("-1234.50").
double Amount(const std::string& amount) {
  double v = 0;
  std::from_chars(amount.data(), amount.data() + amount.size(), v);
  return v;
}

void FillRates(FieldScore& s) {
  s.support = s.tp + s.fn;
  s.precision = s.tp + s.fp ? static_cast<double>(s.tp) / (s.tp + s.fp) : 0.0;
  s.recall = s.tp + s.fn ? static_cast<double>(s.tp) / (s.tp + s.fn) : 0.0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
}

nlohmann::ordered_json ScoreJson(const FieldScore& s) {
  return {{"support", s.support},     {"tp", s.tp},         {"fp", s.fp}, {"fn", s.fn},
          {"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}};
}

nlohmann::ordered_json OptionalJson(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

// How a key or value of a form pair is compared: folded, or, when that leaves nothing (FUNSD
// keys "%" and "(+)", values "$" and "-"), without its blanks.
std::string PairText(std::string_view s) {
  std::string folded = Fold(s);
  if (!folded.empty()) return folded;
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') folded += c;
  }
  return folded;
}

// One-to-one matching of pairs; marks the matched entries of both lists.
struct PairMatching {
  std::vector<bool> expected_matched, predicted_matched;
  PairScore score;
};

PairMatching MatchPairs(const std::vector<KvPair>& expected, const std::vector<KvPair>& predicted) {
  PairMatching m;
  m.expected_matched.assign(expected.size(), false);
  m.predicted_matched.assign(predicted.size(), false);
  std::vector<std::pair<std::string, std::string>> folded;
  folded.reserve(expected.size());
  for (const KvPair& e : expected) folded.emplace_back(PairText(e.key), PairText(e.value));
  for (std::size_t p = 0; p < predicted.size(); ++p) {
    std::string key = PairText(predicted[p].key), value = PairText(predicted[p].value);
    if (key.empty() || value.empty()) continue;
    for (std::size_t e = 0; e < expected.size(); ++e) {
      if (!m.expected_matched[e] && folded[e].first == key && folded[e].second == value) {
        m.expected_matched[e] = true;
        m.predicted_matched[p] = true;
        ++m.score.tp;
        break;
      }
    }
  }
  m.score.fp = static_cast<int>(predicted.size()) - m.score.tp;
  m.score.fn = static_cast<int>(expected.size()) - m.score.tp;
  return m;
}

}  // namespace

std::string NormalizeForCompare(FieldType type, std::string_view value) {
  std::optional<std::string> typed = Typed(type, value);
  return typed ? *std::move(typed) : Fold(value);
}

bool ValuesMatch(FieldType type, std::string_view expected, std::string_view predicted) {
  std::optional<std::string> e = Typed(type, expected), p = Typed(type, predicted);
  if (e && p) {
    if (type == FieldType::kMoney) return std::abs(Amount(*e) - Amount(*p)) < 0.005;
    return *e == *p;
  }
  if (e || p) return false;
  std::string fe = Fold(expected);
  return !fe.empty() && fe == Fold(predicted);
}

PairScore ScorePairs(const std::vector<KvPair>& expected, const std::vector<KvPair>& predicted) {
  return MatchPairs(expected, predicted).score;
}

FieldScore CountValue(FieldType type, const std::optional<std::string>& expected,
                      const std::optional<Predicted>& predicted) {
  FieldScore s;
  if (expected && predicted && ValuesMatch(type, *expected, predicted->value)) {
    s.tp = 1;
    return s;
  }
  s.fp = predicted ? 1 : 0;
  s.fn = expected ? 1 : 0;
  return s;
}

void FieldScorer::Add(const std::string& doc_id, const std::string& field, FieldType type,
                      std::optional<std::string> expected, std::optional<Predicted> predicted) {
  doc_ids_.insert(doc_id);
  if (!expected && !predicted) return;
  FieldScore& s = fields_[field];
  FieldScore one = CountValue(type, expected, predicted);
  bool match = one.tp == 1;
  if (expected && predicted) points_.push_back({predicted->confidence, match});
  s.tp += one.tp;
  s.fp += one.fp;
  s.fn += one.fn;
  if (match) return;
  Mismatch m;
  m.field = field;
  m.expected = std::move(expected);
  if (predicted) {
    m.confidence = predicted->confidence;
    m.predicted = std::move(predicted->value);
  }
  mismatches_[doc_id].push_back(std::move(m));
}

void FieldScorer::AddPairs(const std::string& doc_id, const std::vector<KvPair>& expected,
                           const std::vector<KvPair>& predicted) {
  doc_ids_.insert(doc_id);
  PairMatching m = MatchPairs(expected, predicted);
  pairs_ += m.score;
  for (std::size_t e = 0; e < expected.size(); ++e) {
    if (m.expected_matched[e]) continue;
    Mismatch miss;
    miss.field = "pair";
    miss.expected = expected[e].key + ": " + expected[e].value;
    mismatches_[doc_id].push_back(std::move(miss));
  }
  for (std::size_t p = 0; p < predicted.size(); ++p) {
    if (m.predicted_matched[p]) continue;
    Mismatch spurious;
    spurious.field = "pair";
    spurious.predicted = predicted[p].key + ": " + predicted[p].value;
    mismatches_[doc_id].push_back(std::move(spurious));
  }
}

FieldReport FieldScorer::Report() const {
  FieldReport r;
  r.documents = static_cast<int>(doc_ids_.size());
  r.fields = fields_;
  for (auto& [name, s] : r.fields) {
    FillRates(s);
    r.micro.tp += s.tp;
    r.micro.fp += s.fp;
    r.micro.fn += s.fn;
  }
  FillRates(r.micro);
  r.reliability = ScoreReliability(points_);
  r.pairs = pairs_;
  for (const auto& [doc_id, list] : mismatches_) r.worst_documents.push_back({doc_id, list});
  std::stable_sort(r.worst_documents.begin(), r.worst_documents.end(),
                   [](const DocumentMismatches& a, const DocumentMismatches& b) {
                     return a.mismatches.size() > b.mismatches.size();
                   });
  return r;
}

nlohmann::ordered_json FieldScorer::ToJson() const {
  using ojson = nlohmann::ordered_json;
  FieldReport r = Report();
  ojson fields = ojson::object();
  for (const auto& [name, s] : r.fields) fields[name] = ScoreJson(s);
  ojson worst = ojson::array();
  for (const DocumentMismatches& d : r.worst_documents) {
    ojson list = ojson::array();
    for (const Mismatch& m : d.mismatches) {
      list.push_back({{"field", m.field},
                      {"expected", OptionalJson(m.expected)},
                      {"predicted", OptionalJson(m.predicted)},
                      {"confidence", m.confidence}});
    }
    worst.push_back({{"doc_id", d.doc_id}, {"mismatches", std::move(list)}});
  }
  return {{"documents", r.documents},
          {"fields", std::move(fields)},
          {"micro", ScoreJson(r.micro)},
          {"pairs",
           {{"tp", r.pairs.tp},
            {"fp", r.pairs.fp},
            {"fn", r.pairs.fn},
            {"precision", r.pairs.precision()},
            {"recall", r.pairs.recall()},
            {"f1", r.pairs.f1()}}},
          {"reliability", ReliabilityToJson(r.reliability)},
          {"worst_documents", std::move(worst)}};
}

}  // namespace sheaf::eval
