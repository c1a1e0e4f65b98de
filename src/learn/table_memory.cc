// SPDX-License-Identifier: GPL-3.0-or-later
#include "learn/table_memory.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/edit_distance.h"
#include "extract/layout_view.h"
#include "extract/normalize.h"
#include "learn/text_match.h"

namespace sheaf::learn {

namespace {

using Json = nlohmann::json;

constexpr double kTableConfidence = 0.9;
// The most words a text cell (a description) is looked for over, on one row.
constexpr std::size_t kMaxCellWords = 12;
// Rows without an amount passed over between the header and the first item.
constexpr int kMaxRowsBeforeItems = 3;
constexpr std::size_t kMaxItems = 1000;
// The most rows one item is printed over.
constexpr int kMaxItemLines = 2;

bool SameText(std::string_view want, std::string_view seen) {
  const std::string a = Canon(want), b = Canon(seen);
  if (a.empty() || b.empty()) return false;
  return a == b || EditDistance(a, b) <= TextTolerance(a.size());
}

// The number `text` prints, or nullopt.
std::optional<double> NumberOf(std::string_view text) {
  if (!HasDigit(text)) return std::nullopt;
  const std::optional<std::string> n = extract::NormalizeNumber(text);
  if (!n) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(n->c_str(), &end);
  if (end == n->c_str() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// A number cell's value as results carry it: money ("1234.50") when printed with decimals,
// the number as normalised otherwise ("2").
std::optional<std::string> NumberValue(std::string_view text) {
  if (!HasDigit(text)) return std::nullopt;
  if (text.find_first_of(".,") != std::string_view::npos) {
    if (std::optional<extract::Money> m = extract::NormalizeMoney(text)) return m->amount;
  }
  return extract::NormalizeNumber(text);
}

bool IsNumberValue(const std::string& value) { return !HasLetter(value) && NumberOf(value); }

struct RowRef {
  int page = 0;
  int width = 1;
  const extract::Row* row = nullptr;
  std::vector<const Word*> words;  // left to right
};

std::vector<RowRef> RowsOf(const extract::DocumentView& view) {
  std::vector<RowRef> out;
  for (const extract::PageView& p : view.pages) {
    for (const extract::Row& row : p.rows) {
      RowRef& r = out.emplace_back();
      r.page = p.number;
      r.width = std::max(p.width, 1);
      r.row = &row;
      for (const extract::Cell& c : row.cells) {
        for (const Word& w : c.words) r.words.push_back(&w);
      }
    }
  }
  return out;
}

std::string LowerWords(const std::vector<const Word*>& words, bool letters_only) {
  std::string out;
  for (const Word* w : words) {
    if (letters_only && (!HasLetter(w->text) || HasDigit(w->text))) continue;
    out += (out.empty() ? "" : " ") + extract::Lower(w->text);
  }
  return out;
}

// Rows [from, from + n) as one row: their words, the first row's after the others'.
RowRef Joined(const std::vector<RowRef>& rows, std::size_t from, std::size_t n) {
  RowRef out = rows[from];
  for (std::size_t k = 1; k < n; ++k) {
    out.words.insert(out.words.end(), rows[from + k].words.begin(), rows[from + k].words.end());
  }
  return out;
}

// The column that holds a row's amount: "amount" when learned, else the rightmost number one.
const TableColumn* AmountColumn(const TableLayout& t) {
  const TableColumn* out = nullptr;
  for (const TableColumn& c : t.columns) {
    if (c.name == "amount") return &c;
    if (c.kind == "number") out = &c;
  }
  return out;
}

// Where each corrected cell of `item` is printed on `row`: column -> box. Number cells take
// distinct words (the amount the rightmost, others the leftmost that reads as their number);
// a text cell takes the run of words nearest its letters and digits (within Tolerance).
std::map<std::string, Box> Locate(const RowRef& row, const CorrectedRow& item,
                                  const std::map<std::string, std::string>& kinds) {
  std::map<std::string, Box> out;
  std::vector<bool> used(row.words.size(), false);
  // The amount first, from the right: a quantity of 3 must not take an amount of 3.00.
  std::vector<std::string> order;
  if (item.count("amount")) order.push_back("amount");
  for (const auto& [name, value] : item) {
    if (name != "amount") order.push_back(name);
  }
  for (const std::string& name : order) {
    const std::string& value = item.at(name);
    if (value.empty()) continue;
    if (kinds.at(name) == "number") {
      const std::optional<double> want = NumberOf(value);
      if (!want) continue;
      const std::size_t n = row.words.size();
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = name == "amount" ? n - 1 - k : k;
        if (used[i]) continue;
        const std::optional<double> got = NumberOf(row.words[i]->text);
        if (got && std::abs(*got - *want) < 0.005) {
          used[i] = true;
          out[name] = row.words[i]->bbox;
          break;
        }
      }
      continue;
    }
    const std::string want = Canon(value);
    if (want.empty()) continue;
    std::size_t best = TextTolerance(want.size()) + 1, from = 0, to = 0;
    for (std::size_t i = 0; i < row.words.size(); ++i) {
      std::string seen;
      for (std::size_t j = i; j < row.words.size() && j - i < kMaxCellWords; ++j) {
        if (used[j]) break;
        seen += Canon(row.words[j]->text);
        if (seen.size() > want.size() + best) break;
        const std::size_t d = EditDistance(want, seen);
        if (d < best) {
          best = d;
          from = i;
          to = j + 1;
        }
      }
    }
    if (to == 0) continue;
    Box box;
    for (std::size_t j = from; j < to; ++j) {
      used[j] = true;
      box = box.Union(row.words[j]->bbox);
    }
    out[name] = box;
  }
  return out;
}

}  // namespace

std::string TableToJson(const TableLayout& t) {
  Json columns = Json::array();
  for (const TableColumn& c : t.columns) {
    columns.push_back({{"name", c.name},
                       {"x0", c.x0},
                       {"x1", c.x1},
                       {"kind", c.kind},
                       {"label", c.label},
                       {"line", c.line}});
  }
  return Json{{"table", true},         {"page", t.page},     {"header", t.header},
              {"header_x0", t.header_x0}, {"footer", t.footer}, {"columns", columns},
              {"item_lines", t.item_lines}}
      .dump();
}

std::optional<TableLayout> TableFromJson(const std::string& json) {
  const Json j = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("table") || !j["columns"].is_array() ||
      !j["page"].is_number_integer() || !j["header"].is_string() ||
      !j["header_x0"].is_number() || !j["footer"].is_string()) {
    return std::nullopt;
  }
  TableLayout t;
  t.page = j["page"].get<int>();
  t.header = j["header"].get<std::string>();
  t.header_x0 = j["header_x0"].get<double>();
  t.footer = j["footer"].get<std::string>();
  // Memories learned before items over two rows were: one row.
  if (j.contains("item_lines")) {
    if (!j["item_lines"].is_number_integer()) return std::nullopt;
    t.item_lines = j["item_lines"].get<int>();
    if (t.item_lines < 1 || t.item_lines > kMaxItemLines) return std::nullopt;
  }
  for (const Json& c : j["columns"]) {
    if (!c.is_object() || !c["name"].is_string() || !c["x0"].is_number() ||
        !c["x1"].is_number() || !c["kind"].is_string() || !c["label"].is_string()) {
      return std::nullopt;
    }
    TableColumn col{c["name"].get<std::string>(), c["x0"].get<double>(), c["x1"].get<double>(),
                    c["kind"].get<std::string>(), c["label"].get<std::string>()};
    if (c.contains("line")) {
      if (!c["line"].is_number_integer()) return std::nullopt;
      col.line = c["line"].get<int>();
      if (col.line < 0 || col.line >= t.item_lines) return std::nullopt;
    }
    t.columns.push_back(std::move(col));
  }
  if (t.columns.empty() || t.header.empty()) return std::nullopt;
  return t;
}

std::optional<TableLayout> LearnTable(const Document& doc, const std::vector<CorrectedRow>& rows) {
  if (rows.empty()) return std::nullopt;
  // Each column's kind: numbers when every value given for it is one.
  std::map<std::string, std::string> kinds;
  for (const CorrectedRow& item : rows) {
    for (const auto& [name, value] : item) {
      if (value.empty()) continue;
      const bool number = IsNumberValue(value);
      auto [it, fresh] = kinds.emplace(name, number ? "number" : "text");
      if (!fresh && !number) it->second = "text";
    }
  }
  for (const CorrectedRow& item : rows) {
    for (const auto& [name, value] : item) kinds.emplace(name, "text");
  }
  const extract::DocumentView view = extract::BuildView(doc);
  const std::vector<RowRef> page_rows = RowsOf(view);

  // The corrected rows in order, each on a row of words (or, when too few are found so, on two
  // rows: a description above its numbers) after the previous one's.
  struct Found {
    std::size_t row;
    std::map<std::string, Box> cells;
  };
  const std::size_t needed = std::min<std::size_t>(2, rows.size());
  // One row per item unless two find more of the corrected cells (the numbers row alone of an
  // item printed over two rows holds its amount too).
  std::vector<Found> found;
  int lines = 0;
  std::size_t best_cells = 0;
  for (int n = 1; n <= kMaxItemLines; ++n) {
    std::vector<Found> here;
    std::size_t next = 0;
    for (const CorrectedRow& item : rows) {
      const bool has_amount = item.count("amount") != 0 && !item.at("amount").empty();
      for (std::size_t r = next; r + static_cast<std::size_t>(n) <= page_rows.size(); ++r) {
        if (page_rows[r + static_cast<std::size_t>(n) - 1].page != page_rows[r].page) continue;
        std::map<std::string, Box> cells =
            Locate(Joined(page_rows, r, static_cast<std::size_t>(n)), item, kinds);
        if (cells.size() < 2 || (has_amount && cells.count("amount") == 0)) continue;
        if (!here.empty() && page_rows[r].page != page_rows[here.front().row].page) break;
        here.push_back({r, std::move(cells)});
        next = r + static_cast<std::size_t>(n);
        break;
      }
    }
    if (here.empty() || here.size() < needed) continue;
    std::size_t cells = 0;
    for (const Found& f : here) cells += f.cells.size();
    if (cells > best_cells) {
      best_cells = cells;
      found = std::move(here);
      lines = n;
    }
  }
  if (lines == 0) return std::nullopt;

  const RowRef& first = page_rows[found.front().row];
  if (found.front().row == 0 || page_rows[found.front().row - 1].page != first.page) {
    return std::nullopt;
  }
  const RowRef& header = page_rows[found.front().row - 1];
  TableLayout t;
  t.page = first.page;
  t.header = LowerWords(header.words, false);
  if (!HasLetter(t.header)) return std::nullopt;
  t.header_x0 = static_cast<double>(header.row->box.x0) / header.width;
  t.item_lines = lines;
  const std::size_t after = found.back().row + static_cast<std::size_t>(lines);
  if (after < page_rows.size() && page_rows[after].page == first.page) {
    t.footer = LowerWords(page_rows[after].words, true);
  }
  std::map<std::string, Box> extent;
  std::map<std::string, int> line_of;  // which of an item's rows prints the column
  for (const Found& f : found) {
    for (const auto& [name, box] : f.cells) {
      extent[name] = extent[name].Union(box);
      int line = 0;
      for (int k = 1; k < lines; ++k) {
        if (box.y0 >= page_rows[f.row + static_cast<std::size_t>(k)].row->box.y0) line = k;
      }
      line_of[name] = line;
    }
  }
  for (const auto& [name, box] : extent) {
    TableColumn c;
    c.name = name;
    c.x0 = static_cast<double>(box.x0) / first.width;
    c.x1 = static_cast<double>(box.x1) / first.width;
    c.kind = kinds.at(name);
    c.line = line_of[name];
    std::vector<const Word*> over;
    for (const Word* w : header.words) {
      if (w->bbox.x1 > box.x0 && w->bbox.x0 < box.x1) over.push_back(w);
    }
    c.label = LowerWords(over, false);
    t.columns.push_back(std::move(c));
  }
  std::sort(t.columns.begin(), t.columns.end(),
            [](const TableColumn& a, const TableColumn& b) { return a.x0 < b.x0; });
  return t;
}

int ApplyTable(const TableLayout& t, Document* doc) {
  const TableColumn* amount = AmountColumn(t);
  if (amount == nullptr || t.columns.empty()) return 0;
  const extract::DocumentView view = extract::BuildView(*doc);
  const std::vector<RowRef> rows = RowsOf(view);
  std::size_t h = 0;
  for (; h < rows.size(); ++h) {
    if (SameText(t.header, LowerWords(rows[h].words, false))) break;
  }
  if (h == rows.size()) return 0;
  const double dx = static_cast<double>(rows[h].row->box.x0) / rows[h].width - t.header_x0;

  // Per row of an item (one, or two for a description above its numbers): its columns, and
  // where one ends and the next begins - a text column takes the gap after it (a longer
  // description), a number column the gap before a text column; between two number columns,
  // the middle.
  const int lines = std::clamp(t.item_lines, 1, kMaxItemLines);
  std::vector<std::vector<std::size_t>> on_line(static_cast<std::size_t>(lines));
  std::vector<std::vector<double>> bounds(static_cast<std::size_t>(lines));
  for (std::size_t k = 0; k < t.columns.size(); ++k) {
    on_line[static_cast<std::size_t>(std::clamp(t.columns[k].line, 0, lines - 1))].push_back(k);
  }
  for (int l = 0; l < lines; ++l) {
    const std::vector<std::size_t>& cols = on_line[static_cast<std::size_t>(l)];
    for (std::size_t k = 0; k + 1 < cols.size(); ++k) {
      const TableColumn& a = t.columns[cols[k]];
      const TableColumn& b = t.columns[cols[k + 1]];
      if (a.kind == "text") {
        bounds[static_cast<std::size_t>(l)].push_back(b.x0 - 0.005);
      } else if (b.kind == "text") {
        bounds[static_cast<std::size_t>(l)].push_back(a.x1 + 0.005);
      } else {
        bounds[static_cast<std::size_t>(l)].push_back((a.x1 + b.x0) / 2);
      }
    }
  }
  const std::size_t amount_at = static_cast<std::size_t>(amount - t.columns.data());
  const std::size_t n = static_cast<std::size_t>(lines);

  std::vector<LineItem> items;
  int before = 0;
  int previous_y1 = -1;
  for (std::size_t r = h + 1; r + n <= rows.size() && items.size() < kMaxItems;) {
    const RowRef& row = rows[r];
    if (row.page != rows[h].page || rows[r + n - 1].page != row.page) break;
    if (!t.footer.empty() && SameText(t.footer, LowerWords(row.words, true))) break;
    const int height = std::max(row.row->height, 1);
    if (previous_y1 >= 0 && row.row->box.y0 - previous_y1 > height * 5 / 2) break;
    std::vector<std::string> text(t.columns.size());
    std::vector<Box> boxes(t.columns.size());
    for (std::size_t l = 0; l < n; ++l) {
      if (on_line[l].empty()) continue;
      for (const Word* w : rows[r + l].words) {
        const double cx = (w->bbox.x0 + w->bbox.x1) / 2.0 / rows[r + l].width - dx;
        const std::size_t k = on_line[l][static_cast<std::size_t>(
            std::upper_bound(bounds[l].begin(), bounds[l].end(), cx) - bounds[l].begin())];
        text[k] += (text[k].empty() ? "" : " ") + w->text;
        boxes[k] = boxes[k].Union(w->bbox);
      }
    }
    const std::optional<std::string> total = NumberValue(text[amount_at]);
    if (!total || HasLetter(text[amount_at])) {
      if (!items.empty() || ++before > kMaxRowsBeforeItems) break;
      ++r;  // not yet in step with the items: one row on
      continue;
    }
    LineItem item;
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      if (text[k].empty()) continue;
      Field f;
      f.raw = text[k];
      f.value = text[k];
      if (t.columns[k].kind == "number") {
        if (std::optional<std::string> v = NumberValue(text[k])) f.value = *v;
      }
      f.confidence = kTableConfidence;
      f.page = row.page;
      f.bbox = boxes[k];
      f.label = t.columns[k].label;
      f.source = "sender-memory";
      item[t.columns[k].name] = std::move(f);
    }
    items.push_back(std::move(item));
    previous_y1 = rows[r + n - 1].row->box.y1;
    r += n;
  }
  if (items.empty()) return 0;
  doc->line_items = std::move(items);
  return static_cast<int>(doc->line_items.size());
}

}  // namespace sheaf::learn
