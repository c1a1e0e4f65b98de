// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/ranker.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "extract/extract_context.h"

namespace sheaf::extract {

namespace {

using internal::CleanNameText;
using internal::Concat;
using internal::Context;
using internal::CountDigits;
using internal::CountLetters;
using internal::FlatRow;
using internal::HasWordIn;
using internal::Tokens;
using internal::Trim;

constexpr int kNameRows = 15;            // rows of page 1 whose text may be a name
constexpr std::size_t kNeighbourTokens = 8;  // tokens of the rows above and below, each
constexpr const char* kFormat = "sheaf-extractor-ranker/1";
// Mean OCR confidence below which a row or cell is no candidate (docs/extraction.md, "The ranker":
// at 0.6 / 0.75 / 0.85 a ranker trained on generated receipts scored SROIE 0.621 / 0.682 / 0.697
// and the held-out generated set 0.750 / 0.775 / 0.700 grouped).
constexpr double kMinCandidateConfidence = 0.75;

const std::initializer_list<std::string_view> kGenericWords = {
    "sdn", "bhd", "berhad", "s", "b", "enterprise", "enterprises", "trading", "restaurant", "restoran",
    "ltd", "limited", "gmbh", "ag", "kg", "inc", "llc", "corp", "company", "sarl", "sas", "sa", "plc",
    "pte", "co", "m", "mart", "market", "supermarket", "store", "stores", "cafe", "bakery", "hardware",
    "pharmacy", "kedai", "station", "hotel", "shop", "stationery", "industries", "services", "holdings",
    "perniagaan", "tax", "invoice", "receipt", "gst", "reg", "tel", "fax", "no", "jalan", "jln", "lot",
    "taman", "welcome", "to", "of", "the", "and", "date", "cashier", "total", "email", "www", "com",
    "rechnung", "facture", "kunde", "käufer", "verkäufer", "an", "from", "bill", "seller", "strasse",
    "straße", "str", "rue"};

// Builds a sparse vector of hashed string features, each of value 1 (duplicates merged).
class FeatureSet {
 public:
  void Add(const std::string& name) { names_.insert(name); }
  classify::SparseVector Vector() const {
    const uint64_t dim = uint64_t{1} << kRankerHashBits;
    std::map<int, double> acc;
    for (const std::string& n : names_) acc[static_cast<int>(classify::Fnv1a64(n) % dim)] = 1.0;
    classify::SparseVector v;
    for (const auto& [i, x] : acc) {
      v.indices.push_back(i);
      v.values.push_back(x);
    }
    return v;
  }

 private:
  std::set<std::string> names_;
};

int Bucket(double x, std::initializer_list<double> edges) {
  int b = 0;
  for (double e : edges) {
    if (x < e) return b;
    ++b;
  }
  return b;
}

// The shape of a text: how long, how much of it digits and capitals.
void ShapeFeatures(const std::string& text, FeatureSet* f) {
  int letters = CountLetters(text), digits = CountDigits(text);
  int upper = 0;
  for (unsigned char c : text) upper += (c >= 'A' && c <= 'Z') ? 1 : 0;
  f->Add("letters=" + std::to_string(Bucket(letters, {4, 9, 17, 33})));
  double alnum = letters + digits;
  f->Add("digits=" + std::to_string(Bucket(alnum > 0 ? digits / alnum : 0, {0.01, 0.2, 0.5})));
  f->Add("upper=" + std::to_string(Bucket(letters > 0 ? static_cast<double>(upper) / letters : 0, {0.2, 0.8, 0.99})));
  if (text.find(':') != std::string::npos) f->Add("colon");
  if (text.find('(') != std::string::npos) f->Add("paren");
  std::vector<std::string> toks = Tokens(text);
  f->Add("ntok=" + std::to_string(std::min<std::size_t>(toks.size(), 8)));
  // A candidate's own words name one sender; only words that many senders print (legal forms,
  // trades, greetings, labels) say anything about unseen ones.
  for (std::size_t i = 0; i < toks.size() && i < 12; ++i) {
    if (HasWordIn(toks[i], kGenericWords)) f->Add("t:" + toks[i]);
  }
  if (!toks.empty() && HasWordIn(toks.back(), kGenericWords)) f->Add("last:" + toks.back());
}

void NeighbourFeatures(const std::vector<FlatRow>& rows, int r, const char* prefix, FeatureSet* f) {
  if (r < 0 || r >= static_cast<int>(rows.size()) || rows[static_cast<std::size_t>(r)].row->page != 1) {
    f->Add(std::string(prefix) + "none");
    return;
  }
  std::vector<std::string> toks = Tokens(rows[static_cast<std::size_t>(r)].row->text);
  for (std::size_t i = 0; i < toks.size() && i < kNeighbourTokens; ++i) f->Add(prefix + toks[i]);
}

double MeanConfidence(const std::vector<Word>& words) {
  if (words.empty()) return 0;
  double s = 0;
  for (const Word& w : words) s += w.confidence;
  return s / static_cast<double>(words.size());
}

std::string Key(const std::string& value) { return Concat(Tokens(value)); }

// Receipt-side facts about where a name candidate sits (issue 14, docs/extraction.md "The ranker"):
// whether its text is printed again on page 1 away from it (tills repeat the shop's name at the
// foot: "Thank you for shopping at ..."), and whether an address begins on the rows right under
// it (a shop's name heads its address; a logo, slogan or stamp above the name does not).
void PlacementFeatures(const Context& ctx, int r0, int r1, const std::string& key, FeatureSet* f) {
  const std::vector<FlatRow>& rows = ctx.rows();
  if (key.size() >= 5) {
    for (std::size_t r = 0; r < rows.size() && rows[r].row->page == 1; ++r) {
      if (static_cast<int>(r) >= r0 - 1 && static_cast<int>(r) <= r1 + 1) continue;
      if (Key(rows[r].row->text).find(key) != std::string::npos) {
        f->Add("repeated");
        break;
      }
    }
  }
  // The rules' address reader also takes a second name row as an address line, so the row right
  // under must itself read like one (a number: "NO 12 JALAN AMAN", "(123456-X)", "47000 ...").
  bool under = r1 + 1 < static_cast<int>(rows.size()) && rows[static_cast<std::size_t>(r1 + 1)].row->page == 1 &&
               CountDigits(rows[static_cast<std::size_t>(r1 + 1)].row->text) > 0 &&
               internal::AddressAfter(ctx, r1, 6).has_value();
  f->Add(under ? "address-under" : "no-address-under");
}

}  // namespace

bool RankerSupports(std::string_view field) {
  return field == "merchant_name" || field == "seller_name";
}

std::vector<RankCandidate> RankCandidates(const Document& doc, const Schema& schema, std::string_view field,
                                          const Field* rule_pick) {
  std::vector<RankCandidate> out;
  if (!RankerSupports(field)) return out;
  Context ctx(doc, schema);
  const std::vector<FlatRow>& rows = ctx.rows();
  std::string rule_key = rule_pick ? Key(rule_pick->value) : std::string();
  std::set<std::string> seen;
  bool ocr = !doc.pages.empty() && doc.pages.front().source == PageSource::kOcr;

  // Page 1's first rows and the heights they are printed in.
  int n = 0;
  while (n < static_cast<int>(rows.size()) && n < kNameRows && rows[static_cast<std::size_t>(n)].row->page == 1) ++n;
  if (n == 0 && rule_pick == nullptr) return out;
  std::vector<int> heights;
  for (int r = 0; r < n; ++r) heights.push_back(std::max(1, rows[static_cast<std::size_t>(r)].row->height));
  std::vector<int> sorted = heights;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted.empty() ? 1.0 : sorted[sorted.size() / 2];
  int tallest = sorted.empty() ? 0 : sorted.back();
  const PageView* page = n > 0 ? rows.front().page : nullptr;
  double pw = page && page->width > 0 ? page->width : 1.0, ph = page && page->height > 0 ? page->height : 1.0;

  int lettered = 0;  // rows with letters so far
  auto add = [&](const std::string& kind, int r0, int r1, std::string raw, Box box, const std::vector<Word>& words) {
    std::string value = CleanNameText(Trim(raw));
    // The rules' repair from the page (Extract: a misread name word printed right elsewhere on
    // the page, "SANYO" -> "SANYU") applies to every candidate, so the rules' repaired row is
    // their pick here too and an override by its raw spelling cannot undo the repair.
    if (ocr) value = internal::RepairNameFromPage(ctx, 1, value, raw);
    std::string key = Key(value);
    bool rule = !rule_key.empty() && key == rule_key;
    // Words OCR itself doubts (a logo, a stamp, a smudge read as "Aogos7. OMensher") are no name
    // to choose; the rules' own value stays a candidate whatever its words.
    if (ocr && !rule && MeanConfidence(words) < kMinCandidateConfidence) return;
    if (CountLetters(value) < 2 || key.empty() || !seen.insert(key).second) return;
    FeatureSet f;
    f.Add("bias");
    f.Add("kind=" + kind);
    if (rule) f.Add("rule");
    if (rule) f.Add("rule&kind=" + kind);
    f.Add("row=" + std::to_string(r0));
    f.Add("lettered=" + std::to_string(std::min(lettered, 6)));
    f.Add("y=" + std::to_string(Bucket(box.y0 / ph, {0.05, 0.1, 0.15, 0.2, 0.3, 0.5})));
    f.Add("x=" + std::to_string(Bucket((box.x0 + box.x1) / 2.0 / pw, {0.3, 0.45, 0.55, 0.7})));
    f.Add("w=" + std::to_string(Bucket((box.x1 - box.x0) / pw, {0.2, 0.4, 0.6, 0.8})));
    int h = heights[static_cast<std::size_t>(r0)];
    f.Add("h=" + std::to_string(Bucket(h / median, {0.8, 1.2, 1.6, 2.2})));
    if (h == tallest) f.Add("tallest");
    f.Add(ocr ? "conf=" + std::to_string(Bucket(MeanConfidence(words), {0.5, 0.7, 0.85, 0.95})) : "text-layer");
    ShapeFeatures(value, &f);
    if (value.size() + 3 < Trim(raw).size()) f.Add("cleaned");
    PlacementFeatures(ctx, r0, r1, key, &f);
    NeighbourFeatures(rows, r0 - 1, "a:", &f);
    NeighbourFeatures(rows, r1 + 1, "b:", &f);
    RankCandidate c;
    c.field.value = value;
    c.field.raw = raw;
    c.field.page = 1;
    c.field.bbox = box;
    c.field.confidence = 0;
    c.features = f.Vector();
    c.rule_pick = rule;
    out.push_back(std::move(c));
  };
  for (int r = 0; r < n; ++r) {
    const Row& row = *rows[static_cast<std::size_t>(r)].row;
    std::vector<Word> words;
    for (const Cell& c : row.cells) words.insert(words.end(), c.words.begin(), c.words.end());
    add("row", r, r, row.text, row.box, words);
    if (row.cells.size() > 1) {
      for (const Cell& c : row.cells) add("cell", r, r, c.text, c.box, c.words);
    }
    if (r + 1 < n) {
      const Row& next = *rows[static_cast<std::size_t>(r + 1)].row;
      std::vector<Word> both = words;
      for (const Cell& c : next.cells) both.insert(both.end(), c.words.begin(), c.words.end());
      add("pair", r, r + 1, row.text + " " + next.text, row.box.Union(next.box), both);
    }
    if (CountLetters(row.text) >= 3) ++lettered;
  }
  // The rules' value when no row gives it (a labelled name further down, say).
  if (rule_pick != nullptr && !seen.count(rule_key) && !rule_key.empty()) {
    FeatureSet f;
    f.Add("bias");
    f.Add("kind=rule-only");
    f.Add("rule");
    ShapeFeatures(rule_pick->value, &f);
    if (!rule_pick->label.empty()) f.Add("labelled");
    RankCandidate c;
    c.field = *rule_pick;
    c.features = f.Vector();
    c.rule_pick = true;
    out.push_back(std::move(c));
  }
  return out;
}

Ranker Ranker::Train(const std::map<std::string, std::vector<RankExample>>& examples,
                     const classify::TrainOptions& options) {
  Ranker r;
  for (const auto& [field, docs] : examples) {
    std::vector<classify::SparseVector> xs;
    std::vector<int> ys;
    bool pos = false, neg = false;
    for (const RankExample& e : docs) {
      for (std::size_t i = 0; i < e.candidates.size() && i < e.right.size(); ++i) {
        xs.push_back(e.candidates[i].features);
        ys.push_back(e.right[i] ? 1 : 0);
        (e.right[i] ? pos : neg) = true;
      }
    }
    if (!pos || !neg) continue;
    r.models_[field] = classify::Train(xs, ys, 2, 1 << kRankerHashBits, options);
  }
  return r;
}

double Ranker::Score(const std::string& field, const RankCandidate& c) const {
  return classify::PredictProba(models_.at(field), c.features)[1];
}

std::vector<std::string> Ranker::Fields() const {
  std::vector<std::string> out;
  for (const auto& [k, m] : models_) out.push_back(k);
  return out;
}

void Ranker::Apply(const Document& doc, const Schema& schema, Extraction* ex) const {
  for (const FieldSpec& spec : schema.fields) {
    if (!HasField(spec.name)) continue;
    auto it = ex->fields.find(spec.name);
    const Field* rule = it == ex->fields.end() ? nullptr : &it->second;
    std::vector<RankCandidate> cs = RankCandidates(doc, schema, spec.name, rule);
    const RankCandidate* best = nullptr;
    double best_p = -1;
    for (const RankCandidate& c : cs) {
      double p = Score(spec.name, c);
      if (p > best_p) {
        best_p = p;
        best = &c;
      }
    }
    // The rules' value and confidence stand unless the model finds another value more likely
    // right than wrong.
    if (best == nullptr || best->rule_pick || best_p < 0.5) continue;
    Field f = best->field;
    f.confidence = std::min(best_p, kOverrideConfidenceCap);
    ex->fields[spec.name] = std::move(f);
  }
}

std::string Ranker::ToJson() const {
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (const auto& [name, m] : models_) {
    nlohmann::ordered_json idx = nlohmann::ordered_json::array(), w = nlohmann::ordered_json::array();
    for (int f = 0; f < m.num_features; ++f) {
      // Binary logistic: only the difference of the two classes' weights matters.
      double d = m.weights[static_cast<std::size_t>(f) * 2 + 1] - m.weights[static_cast<std::size_t>(f) * 2];
      if (std::abs(d) < 1e-6) continue;
      idx.push_back(f);
      w.push_back(std::round(d * 1e5) / 1e5);
    }
    fields[name] = {{"i", idx}, {"w", w}, {"bias", m.bias[1] - m.bias[0]}};
  }
  nlohmann::ordered_json j{{"format", kFormat}, {"hash_bits", kRankerHashBits}, {"fields", fields}};
  return j.dump();
}

Result<Ranker> Ranker::FromJson(std::string_view text, const std::string& name) {
  auto bad = [&](const std::string& what) {
    return Status(ErrorCode::kInvalidArgument, name + ": not an extractor ranker model: " + what);
  };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (!j.contains("format") || j["format"] != kFormat) return bad(std::string("\"format\" is not \"") + kFormat + "\"");
  if (!j.contains("hash_bits") || j["hash_bits"] != kRankerHashBits) {
    return bad("\"hash_bits\" must be " + std::to_string(kRankerHashBits));
  }
  if (!j.contains("fields") || !j["fields"].is_object()) return bad("no \"fields\" object");
  Ranker r;
  const int dim = 1 << kRankerHashBits;
  for (const auto& [field, m] : j["fields"].items()) {
    if (!RankerSupports(field)) return bad("field \"" + field + "\" has no candidates");
    if (!m.is_object() || !m.contains("i") || !m.contains("w") || !m.contains("bias") || !m["i"].is_array() ||
        !m["w"].is_array() || !m["bias"].is_number() || m["i"].size() != m["w"].size()) {
      return bad("field \"" + field + "\": needs arrays \"i\" and \"w\" of one length and a number \"bias\"");
    }
    classify::Model model;
    model.num_classes = 2;
    model.num_features = dim;
    model.weights.assign(static_cast<std::size_t>(dim) * 2, 0.0);
    model.bias = {0.0, m["bias"].get<double>()};
    for (std::size_t k = 0; k < m["i"].size(); ++k) {
      if (!m["i"][k].is_number_integer() || !m["w"][k].is_number()) return bad("field \"" + field + "\": non-numeric weight");
      long long i = m["i"][k].get<long long>();
      if (i < 0 || i >= dim) return bad("field \"" + field + "\": feature index " + std::to_string(i) + " out of range");
      model.weights[static_cast<std::size_t>(i) * 2 + 1] = m["w"][k].get<double>();
    }
    r.models_[field] = std::move(model);
  }
  return r;
}

}  // namespace sheaf::extract
