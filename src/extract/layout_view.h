// SPDX-License-Identifier: GPL-3.0-or-later
//
// A geometric view of a document for the extractors: every page's words regrouped into visual
// rows (words whose vertical centres line up, across OCR blocks), each row split into cells at
// wide horizontal gaps. "The value right of its label" is then the rest of the label's cell or
// the next cell on the row; "the value below its label" is a cell of the next row that overlaps
// the label horizontally.
//
// Contract: BuildView is a pure function of the document; words with empty text or boxes are
// ignored; rows are ordered top to bottom, cells and words left to right.
#ifndef SHEAF_EXTRACT_LAYOUT_VIEW_H_
#define SHEAF_EXTRACT_LAYOUT_VIEW_H_

#include <string>
#include <vector>

#include "sheaf/document.h"

namespace sheaf::extract {

struct Cell {
  Box box;
  std::vector<Word> words;
  std::string text;  // words joined by single spaces
};

struct Row {
  int page = 0;   // 1-based
  int index = 0;  // position among the page's rows
  Box box;
  std::vector<Cell> cells;
  std::string text;  // cells joined by single spaces
  int height = 0;    // median word height on the row
};

struct PageView {
  int number = 0;
  int width = 0, height = 0;
  std::vector<Row> rows;
  int median_row_height = 0;  // of its rows: the body text's size (0 without rows)
};

struct DocumentView {
  std::vector<PageView> pages;
  int RowCount() const;
};

DocumentView BuildView(const Document& doc);

// Lower-cases ASCII and the Latin-1 / Latin Extended-A capitals in UTF-8 `text`.
std::string Lower(std::string_view text);

// The text of words [from, to) of `cell` joined by spaces; the union of their boxes in *box.
std::string JoinWords(const Cell& cell, std::size_t from, std::size_t to, Box* box = nullptr);

// Mean confidence of words [from, to) (1 when the range is empty).
double MeanConfidence(const Cell& cell, std::size_t from, std::size_t to);

}  // namespace sheaf::extract

#endif  // SHEAF_EXTRACT_LAYOUT_VIEW_H_
