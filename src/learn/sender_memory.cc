// SPDX-License-Identifier: GPL-3.0-or-later
#include "learn/sender_memory.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <regex>

#include <nlohmann/json.hpp>

#include "extract/layout_view.h"
#include "extract/normalize.h"
#include "learn/sender.h"
#include "learn/text_match.h"

namespace sheaf::learn {

namespace {

using Json = nlohmann::json;

constexpr double kLabelConfidence = 0.97;
constexpr double kPlaceConfidence = 0.9;
// How far (in page fractions, between box centres) a value may move and still be "the same
// place" when its label is not found.
constexpr double kPlaceTolerance = 0.05;
constexpr std::size_t kMaxLabelWords = 4;
// The most lines a value printed as a block (a name, an address) is learned over.
constexpr int kMaxLines = 4;
// The most letters and digits a value learned as a block may have.
constexpr std::size_t kMaxBlockLetters = 300;


// The words of a label, each as its letters and digits.
std::vector<std::string> LabelWords(std::string_view label) {
  std::vector<std::string> out;
  std::string word;
  for (char c : std::string(label) + " ") {
    if (c == ' ') {
      std::string w = Canon(word);
      if (!w.empty()) out.push_back(std::move(w));
      word.clear();
    } else {
      word += c;
    }
  }
  return out;
}

// Whether a label printed as `seen` is the learned `want`: the same number of words, each the
// same letters and digits or, for words of 4 or more, one edit away (OCR). Never looser - "Sub
// Total" ends with "Total" and announces another amount.
bool SameLabel(std::string_view want, std::string_view seen) {
  const std::vector<std::string> a = LabelWords(want), b = LabelWords(seen);
  if (a.empty() || a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    if (a[i].size() < 4 || EditDistance(a[i], b[i]) > 1) return false;
  }
  return true;
}

// Letters OCR often prints for digits, read back as the digits, in words that hold a digit.
std::string DigitsAsPrinted(std::string_view text) {
  std::string out;
  std::string word;
  const auto flush = [&] {
    if (HasDigit(word)) {
      for (char& c : word) {
        switch (c) {
          case 'O': case 'o': case 'D': c = '0'; break;
          case 'l': case 'I': case '|': c = '1'; break;
          case 'S': c = '5'; break;
          case 'B': c = '8'; break;
          default: break;
        }
      }
    }
    out += word;
    word.clear();
  };
  for (char c : text) {
    if (c == ' ') {
      flush();
      out += c;
    } else {
      word += c;
    }
  }
  flush();
  return out;
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

// Whether `value` is an ISO 4217 code the extractor reads ("EUR", "INR"), as a correction of a
// currency field gives it.
bool IsCurrencyCode(const std::string& value) {
  return value.size() == 3 && extract::NormalizeCurrency(value) == value;
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

// One visual row of a page: its words left to right and, for each word, the index one past the
// last word of its cell.
struct RowWords {
  int page = 0;
  int page_width = 1, page_height = 1;
  Box box;
  std::vector<const Word*> words;
  std::vector<std::size_t> cell_end;
};

struct Layout {
  extract::DocumentView view;  // owns the words the rows point at
  std::vector<RowWords> rows;  // every page's rows, top to bottom, page after page
};

std::unique_ptr<Layout> BuildLayout(const Document& doc) {
  auto l = std::make_unique<Layout>();
  l->view = extract::BuildView(doc);
  for (const extract::PageView& page : l->view.pages) {
    for (const extract::Row& row : page.rows) {
      RowWords& r = l->rows.emplace_back();
      r.page = page.number;
      r.page_width = std::max(page.width, 1);
      r.page_height = std::max(page.height, 1);
      r.box = row.box;
      for (const extract::Cell& cell : row.cells) {
        const std::size_t end = r.words.size() + cell.words.size();
        for (const Word& w : cell.words) {
          r.words.push_back(&w);
          r.cell_end.push_back(end);
        }
      }
    }
  }
  return l;
}

// A value the page might print: a run of consecutive words on one row, or a block of lines.
struct Span {
  int page = 0;
  int page_width = 1, page_height = 1;
  std::string text;  // lines joined by "\n"
  Box box;
  Box first_box;  // the first line's
  int lines = 1;
  std::string label;  // lower-cased words left of its first line (up to kMaxLabelWords)
  Box label_box;
  std::string above;  // lower-cased words of the row above that overlap its first line
  Box above_box;
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

// The words of row `r - 1` (on the same page) that overlap `box` horizontally.
void AboveOf(const Layout& l, std::size_t r, Span* s) {
  s->above.clear();
  s->above_box = Box{};
  if (r == 0 || l.rows[r - 1].page != l.rows[r].page) return;
  for (const Word* a : l.rows[r - 1].words) {
    if (a->bbox.x1 > s->first_box.x0 && a->bbox.x0 < s->first_box.x1 && HasLetter(a->text)) {
      s->above += (s->above.empty() ? "" : " ") + extract::Lower(a->text);
      s->above_box = s->above_box.Union(a->bbox);
    }
  }
}

// Every run of 1..max_words words of every row.
std::vector<Span> Spans(const Layout& l, std::size_t max_words) {
  std::vector<Span> out;
  for (std::size_t r = 0; r < l.rows.size(); ++r) {
    const RowWords& row = l.rows[r];
    for (std::size_t i = 0; i < row.words.size(); ++i) {
      Span s;
      s.page = row.page;
      s.page_width = row.page_width;
      s.page_height = row.page_height;
      s.label = LabelOf(row.words, i, &s.label_box);
      for (std::size_t n = 1; n <= max_words && i + n <= row.words.size(); ++n) {
        const Word& w = *row.words[i + n - 1];
        s.text += (n == 1 ? "" : " ") + w.text;
        s.box = s.box.Union(w.bbox);
        s.first_box = s.box;
        AboveOf(l, r, &s);
        out.push_back(s);
      }
    }
  }
  return out;
}

// A block: from word `first` of row `r` to the end of its cell, continued on the next
// `lines` - 1 rows, each from its word starting nearest the first line's left edge, or its cell
// centred nearest the first line's centre (within 3% of the page's width), to the end of that
// cell - a name or an address printed on several
// lines. nullopt when a line is missing (no such row, too far below, nothing starting there).
std::optional<Span> Block(const Layout& l, std::size_t r, std::size_t first, int lines) {
  const RowWords& row = l.rows[r];
  Span s;
  s.page = row.page;
  s.page_width = row.page_width;
  s.page_height = row.page_height;
  s.lines = lines;
  s.label = LabelOf(row.words, first, &s.label_box);
  for (std::size_t k = first; k < row.cell_end[first]; ++k) {
    s.text += (k == first ? "" : " ") + row.words[k]->text;
    s.box = s.box.Union(row.words[k]->bbox);
  }
  s.first_box = s.box;
  AboveOf(l, r, &s);
  Box previous = s.box;
  for (int line = 1; line < lines; ++line) {
    const std::size_t next = r + static_cast<std::size_t>(line);
    if (next >= l.rows.size() || l.rows[next].page != row.page) return std::nullopt;
    const RowWords& below = l.rows[next];
    const int height = std::max(previous.y1 - previous.y0, 1);
    if (below.box.y0 - previous.y1 > height * 3 / 2) return std::nullopt;
    // Left-aligned (a word starting where the first line starts) or centred (a cell whose
    // centre is the first line's: receipts centre their letterheads).
    std::optional<std::size_t> start;
    int best = row.page_width * 3 / 100 + 1;
    const int centre = (s.first_box.x0 + s.first_box.x1) / 2;
    for (std::size_t k = 0; k < below.words.size(); ++k) {
      int dx = std::abs(below.words[k]->bbox.x0 - s.first_box.x0);
      if (k == 0 || below.cell_end[k - 1] == k) {
        const int cell_x1 = below.words[below.cell_end[k] - 1]->bbox.x1;
        dx = std::min(dx, std::abs((below.words[k]->bbox.x0 + cell_x1) / 2 - centre));
      }
      if (dx < best) {
        best = dx;
        start = k;
      }
    }
    if (!start) return std::nullopt;
    Box box;
    s.text += "\n";
    for (std::size_t k = *start; k < below.cell_end[*start]; ++k) {
      s.text += (k == *start ? "" : " ") + below.words[k]->text;
      box = box.Union(below.words[k]->bbox);
    }
    s.box = s.box.Union(box);
    previous = box;
  }
  return s;
}

// The words of `pointed` (those whose centres lie in its box) as a span: on each row that has
// some, from the first to the last of them; the rows as the lines of a block. nullopt when the
// box holds no word or words on more than kMaxLines rows.
std::optional<Span> PointedSpan(const Layout& l, const PointedWords& pointed) {
  std::optional<Span> s;
  for (std::size_t r = 0; r < l.rows.size(); ++r) {
    const RowWords& row = l.rows[r];
    if (row.page != pointed.page) continue;
    std::size_t first = row.words.size(), last = 0;
    for (std::size_t k = 0; k < row.words.size(); ++k) {
      const Box& b = row.words[k]->bbox;
      const int cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
      if (cx < pointed.box.x0 || cx > pointed.box.x1 || cy < pointed.box.y0 || cy > pointed.box.y1) {
        continue;
      }
      first = std::min(first, k);
      last = k;
    }
    if (first == row.words.size()) continue;
    if (!s) {
      s.emplace();
      s->page = row.page;
      s->page_width = row.page_width;
      s->page_height = row.page_height;
      s->lines = 0;
      s->label = LabelOf(row.words, first, &s->label_box);
    } else {
      s->text += "\n";
    }
    if (++s->lines > kMaxLines) return std::nullopt;
    for (std::size_t k = first; k <= last; ++k) {
      s->text += (k == first ? "" : " ") + row.words[k]->text;
      s->box = s->box.Union(row.words[k]->bbox);
    }
    if (s->lines == 1) {
      s->first_box = s->box;
      AboveOf(l, r, &*s);
    }
  }
  return s;
}

double CentreDistance(const FieldPlace& p, const Span& s) {
  const double cx = (s.box.x0 + s.box.x1) / 2.0 / s.page_width;
  const double cy = (s.box.y0 + s.box.y1) / 2.0 / s.page_height;
  return std::hypot(cx - (p.x0 + p.x1) / 2, cy - (p.y0 + p.y1) / 2);
}

// How far a block's top-left corner is from the learned one's (its width and height vary).
double CornerDistance(const FieldPlace& p, const Span& s) {
  return std::hypot(static_cast<double>(s.box.x0) / s.page_width - p.x0,
                    static_cast<double>(s.box.y0) / s.page_height - p.y0);
}

// Whether the span's label is the learned one (SameLabel).
bool LabelMatches(const FieldPlace& p, const Span& s) {
  if (p.label.empty()) return false;
  return SameLabel(p.label, p.label_side == "above" ? s.above : s.label);
}

std::size_t WordCount(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(),
                                                [](char c) { return c == ' ' || c == '\n'; })) +
         1;
}

// Whether a label reads as words: one of its words is at least two letters and no digits
// ("total", "sales", "rm"). "z= o04" - OCR's reading of something it could not read - does not.
bool ReadsAsWords(std::string_view label) {
  for (const std::string& w : LabelWords(label)) {
    if (w.size() >= 2 && !HasDigit(w)) return true;
  }
  return false;
}

// How good a span's label is for learning the place of a value the page prints more than once:
// a label left of it that reads as words (4), one above it that does (3), one left of it that
// does not - OCR noise, which the sender's next document will not print alike (2), noise above
// (1), none (0).
int LabelRank(const Span& s) {
  if (ReadsAsWords(s.label)) return 4;
  if (ReadsAsWords(s.above)) return 3;
  if (!s.label.empty()) return 2;
  if (!s.above.empty()) return 1;
  return 0;
}

FieldPlace PlaceOf(const std::string& field, const std::string& kind, const Span& s,
                   std::string shape) {
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
  p.shape = std::move(shape);
  p.lines = s.lines;
  return p;
}

// Calls visit(block, edit distance) for every block of `min_lines` to kMaxLines lines (see
// Block), in page order, whose letters and digits are as many as `want`'s give or take
// `tolerance`.
template <typename Visit>
void ForBlocksOfSize(const Layout& l, const std::string& want, std::size_t tolerance, int min_lines,
                     Visit visit) {
  for (std::size_t r = 0; r < l.rows.size(); ++r) {
    for (std::size_t i = 0; i < l.rows[r].words.size(); ++i) {
      for (int lines = min_lines; lines <= kMaxLines; ++lines) {
        std::optional<Span> b = Block(l, r, i, lines);
        if (!b) break;
        const std::string got = Canon(b->text);
        if (got.size() + tolerance < want.size()) continue;  // more lines may still reach it
        if (got.size() > want.size() + tolerance) break;
        visit(std::move(*b), EditDistance(got, want));
      }
    }
  }
}

// Where a text value the page does not print letter for letter on one row is printed: the
// block (1-3 lines, see Block) whose letters and digits are nearest to it, within
// TextTolerance. Among equally near ones, one with a label, then the fewest lines, the highest.
std::optional<Span> NearestBlock(const Layout& l, const std::string& want) {
  const std::size_t tolerance = TextTolerance(want.size());
  std::optional<Span> best;
  std::size_t best_distance = tolerance + 1;
  ForBlocksOfSize(l, want, tolerance, 1, [&](Span b, std::size_t d) {
    const bool labelled = !b.label.empty() || !b.above.empty();
    const bool best_labelled = best && (!best->label.empty() || !best->above.empty());
    if (d < best_distance || (d == best_distance && best && labelled && !best_labelled)) {
      best = std::move(b);
      best_distance = d;
    }
  });
  return best;
}

// ApplyPlaces for a place learned as a block (or a misread text): the block of the learned
// number of lines beside the label, or without a label, starting at the learned place.
std::optional<std::pair<Span, bool>> FindBlock(const Layout& l, const FieldPlace& p) {
  std::optional<Span> best;
  bool best_label = false;
  double best_distance = 0;
  for (std::size_t r = 0; r < l.rows.size(); ++r) {
    for (std::size_t i = 0; i < l.rows[r].words.size(); ++i) {
      if (p.label_side == "left") {
        Box unused;
        if (!SameLabel(p.label, LabelOf(l.rows[r].words, i, &unused))) continue;
      }
      std::optional<Span> b = Block(l, r, i, std::max(p.lines, 1));
      if (!b) continue;
      const bool label = LabelMatches(p, *b);
      const double distance = b->page == p.page ? CornerDistance(p, *b) : 10.0;
      if (!label && (!p.label.empty() || distance > kPlaceTolerance)) continue;
      if (!best || (label && !best_label) ||
          (label == best_label && distance < best_distance - 1e-9)) {
        best = std::move(b);
        best_label = label;
        best_distance = distance;
      }
    }
  }
  if (!best) return std::nullopt;
  return std::make_pair(std::move(*best), best_label);
}

// How many letters/digits may differ between the learned value and a run of words that is
// taken for it wherever it is printed (FindValue): one in twelve (half of TextTolerance), so
// that OCR slips pass but another branch of the sender ("1214-JINJANG UTARA" for "1320-TMN
// BATU" at the end of an address) does not.
std::size_t ValueTolerance(std::size_t size) { return size < 5 ? 0 : std::max<std::size_t>(1, size / 12); }

// Where the page prints the learned text value itself, when neither its label nor its place
// is found (the sender's name or address on another of the sender's layouts): the run of words
// on one row, or the block of 1-4 lines, whose letters and digits are nearest the value, within
// ValueTolerance. Among equally near ones, the first on the page.
std::optional<Span> FindValue(const Layout& l, const std::vector<Span>& spans, const std::string& value) {
  const std::string want = Canon(value);
  if (want.empty() || want.size() > kMaxBlockLetters) return std::nullopt;
  const std::size_t tolerance = ValueTolerance(want.size());
  std::optional<Span> best;
  std::size_t best_distance = tolerance + 1;
  for (const Span& s : spans) {
    const std::string got = Canon(s.text);
    if (got.size() + tolerance < want.size() || got.size() > want.size() + tolerance) continue;
    const std::size_t d = EditDistance(got, want);
    if (d < best_distance) {
      best = s;
      best_distance = d;
    }
  }
  if (best_distance == 0) return best;
  ForBlocksOfSize(l, want, tolerance, 2, [&](Span b, std::size_t d) {
    if (d < best_distance) {
      best = std::move(b);
      best_distance = d;
    }
  });
  return best;
}

}  // namespace

std::string PlaceToJson(const FieldPlace& p) {
  return Json{{"page", p.page},
              {"box", {p.x0, p.y0, p.x1, p.y1}},
              {"label", p.label},
              {"label_side", p.label_side},
              {"kind", p.kind},
              {"shape", p.shape},
              {"lines", p.lines},
              {"value", p.value},
              {"misread", p.misread}}
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
  if (p.kind != "money" && p.kind != "date" && p.kind != "text" && p.kind != "currency") {
    return std::nullopt;
  }
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
  if (j.contains("value") && !str("value", &p.value)) return std::nullopt;
  if (p.kind == "currency" && !IsCurrencyCode(p.value)) return std::nullopt;
  // Memories learned before pointing existed have no "misread": they were read as the value.
  if (j.contains("misread")) {
    if (!j["misread"].is_boolean()) return std::nullopt;
    p.misread = j["misread"].get<bool>();
  }
  // Memories learned before blocks existed have no "lines": one.
  if (j.contains("lines")) {
    if (!j["lines"].is_number_integer()) return std::nullopt;
    p.lines = j["lines"].get<int>();
    if (p.lines < 1 || p.lines > kMaxLines) return std::nullopt;
  }
  return p;
}


std::optional<FieldPlace> LearnPlace(const Document& doc, const std::string& field,
                                     const std::string& value,
                                     const std::optional<PointedWords>& pointed) {
  if (value.empty()) return std::nullopt;
  if (IsCurrencyCode(value)) {
    FieldPlace p;
    p.field = field;
    p.kind = "currency";
    p.value = value;
    return p;
  }
  const std::string kind = KindOf(value);
  const std::size_t max_words = kind == "text" ? 8 : 4;
  const std::string want = kind == "text" ? Canon(value) : value;
  if (want.empty()) return std::nullopt;
  const std::unique_ptr<Layout> layout = BuildLayout(doc);
  // The words the reviewer pointed at, however OCR read them.
  if (std::optional<Span> s = pointed ? PointedSpan(*layout, *pointed) : std::nullopt) {
    if (kind != "text" && s->lines == 1 && WordCount(s->text) <= 4 && HasDigit(s->text)) {
      const std::optional<std::string> read = ReadAs(kind, s->text);
      const std::optional<std::string> misread = ReadAs(kind, DigitsAsPrinted(s->text));
      FieldPlace p = PlaceOf(field, kind, *s, Shape(s->text));
      p.misread = read != value && misread != value;
      return p;
    }
    if (kind == "text" && want.size() <= kMaxBlockLetters) {
      const std::string got = Canon(s->text);
      const bool exact = s->lines == 1 && got == want;
      FieldPlace p = PlaceOf(field, kind, *s, exact ? Shape(s->text) : "");
      p.value = value;
      p.misread = !exact && (got.size() > want.size() + TextTolerance(want.size()) ||
                             EditDistance(got, want) > TextTolerance(want.size()));
      return p;
    }
  }
  const std::vector<Span> spans = Spans(*layout, max_words);
  // The fewest words that read as the value: "12.50", not "Total 12.50". A money or date value
  // is also looked for with letters OCR prints for digits read back as digits ("1O.5O").
  for (const bool misread : {false, true}) {
    if (misread && kind == "text") break;
    std::vector<const Span*> matches;
    std::size_t best_len = max_words + 1;
    for (const Span& s : spans) {
      const std::optional<std::string> read =
          ReadAs(kind, misread ? DigitsAsPrinted(s.text) : s.text);
      if (!read || (kind == "text" ? Canon(*read) : *read) != want) continue;
      const std::size_t len = WordCount(s.text);
      if (len < best_len) {
        matches.clear();
        best_len = len;
      }
      if (len == best_len) matches.push_back(&s);
    }
    if (matches.empty()) continue;
    const auto better = [&](const Span* a, const Span* b) {
      const int ra = LabelRank(*a), rb = LabelRank(*b);
      if (ra != rb) return ra > rb;
      if (a->page != b->page) return kind == "money" ? a->page > b->page : a->page < b->page;
      return kind == "money" ? a->box.y0 > b->box.y0 : a->box.y0 < b->box.y0;
    };
    const Span& s = **std::min_element(matches.begin(), matches.end(), better);
    FieldPlace p = PlaceOf(field, kind, s, Shape(s.text));
    if (kind == "text") p.value = value;  // looked for by value when the place is not found
    return p;
  }
  // A block longer than any name or address is not looked for (each candidate costs its length
  // squared).
  if (kind != "text" || want.size() > kMaxBlockLetters) return std::nullopt;
  // A text printed on several lines (a name, an address) or misread by OCR: its block, learned
  // without a shape (the next document's value is the block found there, whatever it reads).
  if (std::optional<Span> b = NearestBlock(*layout, want)) {
    FieldPlace p = PlaceOf(field, kind, *b, "");
    p.value = value;
    return p;
  }
  return std::nullopt;
}

std::vector<std::string> ApplyPlaces(const std::vector<FieldPlace>& places, Document* doc) {
  std::vector<std::string> set;
  // The page's layout, built for the first place that is looked for on it (a sender's currency
  // is not).
  std::unique_ptr<Layout> layout;
  std::vector<Span> spans;
  for (const FieldPlace& p : places) {
    if (p.kind == "currency") {
      const auto it = doc->fields.find(p.field);
      if (it == doc->fields.end() || it->second.value.empty()) {
        Field f;
        f.value = p.value;
        f.confidence = kPlaceConfidence;
        f.source = kSenderMemorySource;
        doc->fields[p.field] = std::move(f);
      } else if (it->second.value == p.value) {
        it->second.confidence = std::max(it->second.confidence, kPlaceConfidence);
        it->second.source = kSenderMemorySource;
      } else {
        continue;  // the page names another currency: a person decides
      }
      set.push_back(p.field);
      continue;
    }
    if (layout == nullptr) {
      layout = BuildLayout(*doc);
      spans = Spans(*layout, 8);
    }
    Span found;
    std::string value;
    bool by_label = false;
    bool found_any = false;
    // Whether the value is the reviewer's own (a text read as it): certain even where OCR
    // misread the first document.
    bool reviewers = false;
    if (p.kind == "text" && p.shape.empty()) {
      if (std::optional<std::pair<Span, bool>> b = FindBlock(*layout, p)) {
        found = std::move(b->first);
        by_label = b->second;
        value = found.text;
        found_any = true;
        // The same sender's name or address as the reviewer spelled it, however OCR read it.
        const std::string learned = Canon(p.value);
        if (!learned.empty() && learned.size() <= kMaxBlockLetters &&
            Canon(value).size() <= learned.size() + TextTolerance(learned.size()) &&
            EditDistance(Canon(value), learned) <= TextTolerance(learned.size())) {
          value = p.value;
          reviewers = true;
        }
      }
    } else {
      const std::size_t max_words = p.kind == "text" ? 8 : 4;
      const Span* best = nullptr;
      double best_distance = 0;
      for (const Span& s : spans) {
        if (WordCount(s.text) > max_words) continue;
        if (p.kind == "text" && Shape(s.text) != p.shape) continue;
        const std::optional<std::string> read = ReadAs(p.kind, s.text);
        if (!read) continue;
        const bool label = LabelMatches(p, s);
        const double distance = s.page == p.page ? CentreDistance(p, s) : 10.0;
        // The place alone counts only for a value printed without a label: one whose label is
        // not found this time may have moved, and something else stands where it was.
        if (!label && (!p.label.empty() || distance > kPlaceTolerance)) continue;
        // A label beats a place; then the nearer; then the fewer words.
        const bool wins = best == nullptr || (label && !by_label) ||
                          (label == by_label && distance < best_distance - 1e-9);
        if (wins) {
          best = &s;
          value = *read;
          by_label = label;
          best_distance = distance;
        }
      }
      if (best != nullptr) {
        found = *best;
        found_any = true;
      }
    }
    // Neither label nor place: a text value the page prints again (the sender's own name or
    // address on another of its layouts), with the reviewer's spelling.
    if (!found_any && p.kind == "text" && !p.value.empty()) {
      if (std::optional<Span> v = FindValue(*layout, spans, p.value)) {
        found = std::move(*v);
        value = p.value;
        reviewers = true;
        found_any = true;
      }
    }
    if (!found_any) continue;
    Field f;
    f.value = value;
    f.raw = found.text;
    f.confidence = by_label ? kLabelConfidence : kPlaceConfidence;
    if (p.misread && !reviewers) f.confidence = kMisreadConfidence;
    f.page = found.page;
    f.bbox = found.box;
    if (by_label) {
      f.label = p.label_side == "above" ? found.above : found.label;
      f.label_bbox = p.label_side == "above" ? found.above_box : found.label_box;
    }
    f.source = kSenderMemorySource;
    doc->fields[p.field] = std::move(f);
    set.push_back(p.field);
  }
  return set;
}

}  // namespace sheaf::learn
