// SPDX-License-Identifier: GPL-3.0-or-later
#include "learn/sender_memory.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include <nlohmann/json.hpp>

#include "extract/layout_view.h"
#include "extract/normalize.h"

namespace sheaf::learn {

namespace {

using Json = nlohmann::json;

constexpr double kLabelConfidence = 0.97;
constexpr double kPlaceConfidence = 0.9;
// How far (in page fractions, between box centres) a value may move and still be "the same
// place" when its label is not found.
constexpr double kPlaceTolerance = 0.05;
constexpr std::size_t kMaxLabelWords = 4;

// Letters and digits only, lower-cased: how labels and text values are compared.
std::string Canon(std::string_view text) {
  std::string out;
  for (unsigned char c : extract::Lower(text)) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c >= 0x80) out += static_cast<char>(c);
  }
  return out;
}

bool HasLetter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
  });
}

bool HasDigit(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

std::string Shape(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= '0' && c <= '9') {
      out += '9';
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      out += 'a';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string KindOf(const std::string& value) {
  static const std::regex kMoney(R"(-?\d+\.\d\d)");
  static const std::regex kDate(R"(\d{4}-\d\d-\d\d)");
  if (std::regex_match(value, kMoney)) return "money";
  if (std::regex_match(value, kDate)) return "date";
  return "text";
}

// The value `text` has as a `kind`, or nullopt when it is not one.
std::optional<std::string> ReadAs(const std::string& kind, const std::string& text) {
  if (!HasDigit(text) && kind != "text") return std::nullopt;
  if (kind == "money") {
    std::optional<extract::Money> m = extract::NormalizeMoney(text);
    if (!m) return std::nullopt;
    return m->amount;
  }
  if (kind == "date") return extract::NormalizeDate(text);
  return text;
}

// A run of consecutive words on one row: a value the page might print.
struct Span {
  int page = 0;
  int page_width = 1, page_height = 1;
  std::string text;
  Box box;
  std::string label;  // lower-cased words left of it on its row (up to kMaxLabelWords)
  Box label_box;
  std::string above;  // lower-cased words of the row above that overlap it horizontally
  Box above_box;
  double confidence = 1;
};

std::string LabelOf(const std::vector<const Word*>& words, std::size_t end, Box* box) {
  std::vector<std::string> taken;
  for (std::size_t k = end; k > 0 && taken.size() < kMaxLabelWords; --k) {
    const Word& w = *words[k - 1];
    if (!HasLetter(w.text)) break;  // a number between label and value ends the label
    taken.insert(taken.begin(), extract::Lower(w.text));
    *box = box->Union(w.bbox);
  }
  std::string out;
  for (const std::string& t : taken) out += (out.empty() ? "" : " ") + t;
  return out;
}

// Every run of 1..max_words words of every row.
std::vector<Span> Spans(const Document& doc, std::size_t max_words) {
  std::vector<Span> out;
  const extract::DocumentView view = extract::BuildView(doc);
  for (const extract::PageView& page : view.pages) {
    const int width = std::max(page.width, 1), height = std::max(page.height, 1);
    const std::vector<const Word*>* previous = nullptr;
    std::vector<std::vector<const Word*>> rows;
    rows.reserve(page.rows.size());
    for (const extract::Row& row : page.rows) {
      std::vector<const Word*>& words = rows.emplace_back();
      for (const extract::Cell& cell : row.cells) {
        for (const Word& w : cell.words) words.push_back(&w);
      }
    }
    for (const std::vector<const Word*>& words : rows) {
      for (std::size_t i = 0; i < words.size(); ++i) {
        Span s;
        s.page = page.number;
        s.page_width = width;
        s.page_height = height;
        s.label = LabelOf(words, i, &s.label_box);
        double conf = 0;
        for (std::size_t n = 1; n <= max_words && i + n <= words.size(); ++n) {
          const Word& w = *words[i + n - 1];
          s.text += (n == 1 ? "" : " ") + w.text;
          s.box = s.box.Union(w.bbox);
          conf += w.confidence;
          s.confidence = conf / static_cast<double>(n);
          s.above.clear();
          s.above_box = Box{};
          if (previous != nullptr) {
            for (const Word* a : *previous) {
              if (a->bbox.x1 > s.box.x0 && a->bbox.x0 < s.box.x1 && HasLetter(a->text)) {
                s.above += (s.above.empty() ? "" : " ") + extract::Lower(a->text);
                s.above_box = s.above_box.Union(a->bbox);
              }
            }
          }
          out.push_back(s);
        }
      }
      previous = &words;
    }
  }
  return out;
}

double CentreDistance(const FieldPlace& p, const Span& s) {
  const double cx = (s.box.x0 + s.box.x1) / 2.0 / s.page_width;
  const double cy = (s.box.y0 + s.box.y1) / 2.0 / s.page_height;
  return std::hypot(cx - (p.x0 + p.x1) / 2, cy - (p.y0 + p.y1) / 2);
}

// Whether the span's label is the learned one: the same letters and digits. Nothing looser -
// "Sub Total" ends with "Total" and announces another amount.
bool LabelMatches(const FieldPlace& p, const Span& s) {
  if (p.label.empty()) return false;
  const std::string want = Canon(p.label);
  return !want.empty() && Canon(p.label_side == "above" ? s.above : s.label) == want;
}

}  // namespace

std::string PlaceToJson(const FieldPlace& p) {
  return Json{{"page", p.page},
              {"box", {p.x0, p.y0, p.x1, p.y1}},
              {"label", p.label},
              {"label_side", p.label_side},
              {"kind", p.kind},
              {"shape", p.shape}}
      .dump();
}

std::optional<FieldPlace> PlaceFromJson(const std::string& field, const std::string& json) {
  const Json j = Json::parse(json, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  FieldPlace p;
  p.field = field;
  const auto str = [&](const char* key, std::string* out) {
    if (!j.contains(key) || !j[key].is_string()) return false;
    *out = j[key].get<std::string>();
    return true;
  };
  if (!str("label", &p.label) || !str("label_side", &p.label_side) || !str("kind", &p.kind) ||
      !str("shape", &p.shape)) {
    return std::nullopt;
  }
  if (p.kind != "money" && p.kind != "date" && p.kind != "text") return std::nullopt;
  if (!j.contains("page") || !j["page"].is_number_integer()) return std::nullopt;
  p.page = j["page"].get<int>();
  if (!j.contains("box") || !j["box"].is_array() || j["box"].size() != 4) return std::nullopt;
  for (const Json& v : j["box"]) {
    if (!v.is_number()) return std::nullopt;
  }
  p.x0 = j["box"][0].get<double>();
  p.y0 = j["box"][1].get<double>();
  p.x1 = j["box"][2].get<double>();
  p.y1 = j["box"][3].get<double>();
  return p;
}

std::optional<FieldPlace> LearnPlace(const Document& doc, const std::string& field,
                                     const std::string& value) {
  if (value.empty()) return std::nullopt;
  const std::string kind = KindOf(value);
  const std::size_t max_words = kind == "text" ? 8 : 4;
  const std::string want = kind == "text" ? Canon(value) : value;
  if (want.empty()) return std::nullopt;
  // The fewest words that read as the value: "12.50", not "Total 12.50".
  std::vector<Span> matches;
  std::size_t best_len = max_words + 1;
  for (Span& s : Spans(doc, max_words)) {
    const std::optional<std::string> read = ReadAs(kind, s.text);
    if (!read || (kind == "text" ? Canon(*read) : *read) != want) continue;
    const std::size_t len = static_cast<std::size_t>(std::count(s.text.begin(), s.text.end(), ' ')) + 1;
    if (len < best_len) {
      matches.clear();
      best_len = len;
    }
    if (len == best_len) matches.push_back(std::move(s));
  }
  if (matches.empty()) return std::nullopt;
  const auto better = [&](const Span& a, const Span& b) {
    const bool la = !a.label.empty() || !a.above.empty();
    const bool lb = !b.label.empty() || !b.above.empty();
    if (la != lb) return la;
    if (!a.label.empty() != !b.label.empty()) return !a.label.empty();
    if (a.page != b.page) return kind == "money" ? a.page > b.page : a.page < b.page;
    return kind == "money" ? a.box.y0 > b.box.y0 : a.box.y0 < b.box.y0;
  };
  const Span& s = *std::min_element(matches.begin(), matches.end(), better);
  FieldPlace p;
  p.field = field;
  p.page = s.page;
  p.x0 = static_cast<double>(s.box.x0) / s.page_width;
  p.y0 = static_cast<double>(s.box.y0) / s.page_height;
  p.x1 = static_cast<double>(s.box.x1) / s.page_width;
  p.y1 = static_cast<double>(s.box.y1) / s.page_height;
  if (!s.label.empty()) {
    p.label = s.label;
    p.label_side = "left";
  } else if (!s.above.empty()) {
    p.label = s.above;
    p.label_side = "above";
  }
  p.kind = kind;
  p.shape = Shape(s.text);
  return p;
}

std::vector<std::string> ApplyPlaces(const std::vector<FieldPlace>& places, Document* doc) {
  std::vector<std::string> set;
  if (places.empty()) return set;
  std::vector<Span> spans = Spans(*doc, 8);
  for (const FieldPlace& p : places) {
    const std::size_t max_words = p.kind == "text" ? 8 : 4;
    const Span* best = nullptr;
    std::string best_value;
    bool best_label = false;
    double best_distance = 0;
    for (const Span& s : spans) {
      const std::size_t len =
          static_cast<std::size_t>(std::count(s.text.begin(), s.text.end(), ' ')) + 1;
      if (len > max_words) continue;
      if (p.kind == "text" ? Shape(s.text) != p.shape : false) continue;
      const std::optional<std::string> read = ReadAs(p.kind, s.text);
      if (!read) continue;
      const bool label = LabelMatches(p, s);
      const double distance = s.page == p.page ? CentreDistance(p, s) : 10.0;
      // The place alone counts only for a value printed without a label: one whose label is
      // not found this time may have moved, and something else stands where it was.
      if (!label && (!p.label.empty() || distance > kPlaceTolerance)) continue;
      // A label beats a place; then the nearer; then the fewer words.
      const bool wins = best == nullptr || (label && !best_label) ||
                        (label == best_label && distance < best_distance - 1e-9);
      if (wins) {
        best = &s;
        best_value = *read;
        best_label = label;
        best_distance = distance;
      }
    }
    if (best == nullptr) continue;
    Field f;
    f.value = best_value;
    f.raw = best->text;
    f.confidence = best_label ? kLabelConfidence : kPlaceConfidence;
    f.page = best->page;
    f.bbox = best->box;
    if (best_label) {
      f.label = p.label_side == "above" ? best->above : best->label;
      f.label_bbox = p.label_side == "above" ? best->above_box : best->label_box;
    }
    f.source = kSenderMemorySource;
    doc->fields[p.field] = std::move(f);
    set.push_back(p.field);
  }
  return set;
}

}  // namespace sheaf::learn
