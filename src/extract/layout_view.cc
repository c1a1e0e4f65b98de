// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/layout_view.h"

#include <algorithm>

namespace sheaf::extract {

namespace {

int Median(std::vector<int> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

std::vector<Row> RowsOf(const Page& page) {
  std::vector<Word> words;
  std::vector<const Line*> line_of;  // the OCR line each word came in
  for (const Block& b : page.blocks) {
    for (const Line& l : b.lines) {
      for (const Word& w : l.words) {
        if (!w.text.empty() && !w.bbox.empty()) {
          words.push_back(w);
          line_of.push_back(&l);
        }
      }
    }
  }
  std::vector<int> heights;
  for (const Word& w : words) heights.push_back(w.bbox.y1 - w.bbox.y0);
  const int typical = std::max(1, Median(heights));
  // Where each word is placed among rows: its own box, except for a word OCR boxed much taller
  // than the page's words (a smeared or underlined word: "TRADING" boxed down into the row
  // below), whose centre says little; it goes with the nearest ordinary word of its own OCR
  // line, when that one overlaps it vertically.
  auto tall = [&](const Box& b) { return (b.y1 - b.y0) * 2 > typical * 3; };
  struct Placed {
    Word word;
    Box at;
  };
  std::vector<Placed> placed;
  for (std::size_t i = 0; i < words.size(); ++i) {
    Box at = words[i].bbox;
    if (tall(at)) {
      const Word* anchor = nullptr;
      int best_gap = 0;
      for (const Word& o : line_of[i]->words) {
        if (o.bbox.empty() || tall(o.bbox) || o.bbox.y1 <= at.y0 || o.bbox.y0 >= at.y1) continue;
        int gap = std::max(o.bbox.x0 - at.x1, at.x0 - o.bbox.x1);
        if (anchor == nullptr || gap < best_gap) {
          anchor = &o;
          best_gap = gap;
        }
      }
      if (anchor != nullptr) at = {at.x0, anchor->bbox.y0, at.x1, anchor->bbox.y1};
    }
    placed.push_back({std::move(words[i]), at});
  }
  std::sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
    int ca = a.at.y0 + a.at.y1, cb = b.at.y0 + b.at.y1;
    return ca != cb ? ca < cb : a.at.x0 < b.at.x0;
  });
  // Greedy rows: a word joins the open row whose vertical centre is within half a typical
  // height of its own and which it overlaps vertically by half the smaller height.
  struct Open {
    std::vector<Word> words;
    Box box;          // of the words as placed
    double centre = 0;  // mean of the placed centres
    double centre_sum = 0;
  };
  std::vector<Open> rows;
  for (Placed& p : placed) {
    Word& w = p.word;
    double c = (p.at.y0 + p.at.y1) / 2.0;
    int h = p.at.y1 - p.at.y0;
    Open* best = nullptr;
    double best_d = 1e18;
    // Only the last few rows can still take a word (words come sorted by centre).
    for (std::size_t k = rows.size() > 4 ? rows.size() - 4 : 0; k < rows.size(); ++k) {
      Open& r = rows[k];
      double d = std::abs(r.centre - c);
      int overlap = std::min(r.box.y1, p.at.y1) - std::max(r.box.y0, p.at.y0);
      int smaller = std::min(h, r.box.y1 - r.box.y0);
      if (d <= typical * 0.5 && overlap * 2 >= smaller && d < best_d) {
        best = &r;
        best_d = d;
      }
    }
    if (best == nullptr) {
      rows.push_back({{}, p.at, c, 0});
      best = &rows.back();
    } else {
      best->box = best->box.Union(p.at);
    }
    best->words.push_back(std::move(w));
    best->centre_sum += c;
    best->centre = best->centre_sum / static_cast<double>(best->words.size());
  }
  std::sort(rows.begin(), rows.end(), [](const Open& a, const Open& b) { return a.centre < b.centre; });
  std::vector<Row> out;
  for (Open& r : rows) {
    std::sort(r.words.begin(), r.words.end(),
              [](const Word& a, const Word& b) { return a.bbox.x0 < b.bbox.x0; });
    Row row;
    row.page = page.number;
    row.index = static_cast<int>(out.size());
    row.box = r.box;
    std::vector<int> hs;
    for (const Word& w : r.words) hs.push_back(w.bbox.y1 - w.bbox.y0);
    row.height = std::max(1, Median(hs));
    // A gap wider than 1.6 row heights (about three spaces) separates cells.
    const int gap = std::max(4, row.height * 16 / 10);
    for (Word& w : r.words) {
      if (row.cells.empty() || w.bbox.x0 - row.cells.back().box.x1 > gap) {
        row.cells.push_back({w.bbox, {}, ""});
      }
      Cell& cell = row.cells.back();
      cell.box = cell.box.Union(w.bbox);
      if (!cell.text.empty()) cell.text += ' ';
      cell.text += w.text;
      cell.words.push_back(std::move(w));
    }
    for (const Cell& c : row.cells) {
      if (!row.text.empty()) row.text += ' ';
      row.text += c.text;
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

int DocumentView::RowCount() const {
  int n = 0;
  for (const PageView& p : pages) n += static_cast<int>(p.rows.size());
  return n;
}

DocumentView BuildView(const Document& doc) {
  DocumentView view;
  for (const Page& p : doc.pages) {
    PageView page{p.number, p.width, p.height, RowsOf(p)};
    std::vector<int> heights;
    for (const Row& r : page.rows) {
      if (r.height > 0) heights.push_back(r.height);
    }
    page.median_row_height = Median(std::move(heights));
    view.pages.push_back(std::move(page));
  }
  return view;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      auto d = static_cast<unsigned char>(out[i + 1]);
      // U+00C0..U+00DE except U+00D7 (multiplication sign).
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    } else if ((c == 0xC4 || c == 0xC5) && i + 1 < out.size()) {
      auto d = static_cast<unsigned char>(out[i + 1]);
      // Latin Extended-A pairs capital/small as even/odd code points (mostly).
      unsigned cp = ((c & 0x1Fu) << 6) | (d & 0x3Fu);
      if (cp >= 0x100 && cp <= 0x17F && cp % 2 == 0 && cp != 0x130 && cp != 0x138) {
        ++cp;
        out[i] = static_cast<char>(0xC0 | (cp >> 6));
        out[i + 1] = static_cast<char>(0x80 | (cp & 0x3F));
      }
      ++i;
    }
  }
  return out;
}

std::string JoinWords(const Cell& cell, std::size_t from, std::size_t to, Box* box) {
  std::string out;
  Box b;
  for (std::size_t i = from; i < to && i < cell.words.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += cell.words[i].text;
    b = b.Union(cell.words[i].bbox);
  }
  if (box) *box = b;
  return out;
}

double MeanConfidence(const Cell& cell, std::size_t from, std::size_t to) {
  double sum = 0;
  int n = 0;
  for (std::size_t i = from; i < to && i < cell.words.size(); ++i, ++n) sum += cell.words[i].confidence;
  return n ? sum / n : 1.0;
}

}  // namespace sheaf::extract
