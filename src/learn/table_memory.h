// SPDX-License-Identifier: GPL-3.0-or-later
//
// Table memory: what a correction of a document's line items teaches about how one sender
// prints its item table, and its use on that sender's next document (docs/learning.md).
//
// Learning (LearnTable): each corrected row is looked for among the document's rows of words
// (its amount, and at least one other cell, on one row - or on two rows, a description above
// its numbers, when that finds more of the corrected cells). From the rows found: each column's
// horizontal extent (as fractions of the page's width) and kind (numbers or text), the header
// row printed above the first item (its words, and each column's header words), and the words
// of the row below the last item (the table's footer: "Subtotal", "Total").
// Using it (ApplyTable), after extraction: on the sender's next document the row with the same
// header is found; the rows below it are read column by column (each word goes to the column
// its centre falls in, the columns moved with the header) until the learned footer, a row
// without an amount, or a gap; they replace the extracted line items, each cell with source
// "sender-memory" and confidence 0.9. Without the header (or with no row read) the document's
// line items stay as extracted.
//
// Every item is taken to span the same number of rows as the corrected ones did.
//
// Contract: pure functions of their arguments; thread-safe; never throw (JSON that is not a
// TableLayout's is nullopt).
#ifndef SHEAF_LEARN_TABLE_MEMORY_H_
#define SHEAF_LEARN_TABLE_MEMORY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sheaf/document.h"

namespace sheaf::learn {

// The sender-memory field name a table layout is stored under (it names no field).
inline constexpr char kLineItemsMemoryField[] = "line_items";

struct TableColumn {
  std::string name;        // "description", "quantity", "unit_price", "amount", ...
  double x0 = 0, x1 = 0;   // its extent, as fractions of the page's width
  std::string kind;        // "number" | "text"
  std::string label;       // lower-cased header words over it ("" when none)
  int line = 0;            // which of an item's rows prints it (0: the first)
};

struct TableLayout {
  int page = 1;                      // 1-based
  std::string header;                // lower-cased words of the row above the first item
  double header_x0 = 0;              // that row's left edge, as a fraction of the page's width
  std::string footer;                // lower-cased words (letters only) of the row after the last
  std::vector<TableColumn> columns;  // left to right
  int item_lines = 1;                // rows each item is printed over: 1, or 2 (a description
                                     // above its numbers)
};

// One corrected line item: column -> value as the reviewer gave it.
using CorrectedRow = std::map<std::string, std::string>;

std::string TableToJson(const TableLayout& table);
std::optional<TableLayout> TableFromJson(const std::string& json);

// How `doc` prints the corrected rows, or nullopt when fewer than min(2, rows) of them are
// found on rows of its words (each by its amount and one other cell, on one row or two) or no
// row has a header above it.
std::optional<TableLayout> LearnTable(const Document& doc, const std::vector<CorrectedRow>& rows);

// Reads `doc`'s line items by `table` (see above); returns how many it set (0: unchanged).
int ApplyTable(const TableLayout& table, Document* doc);

}  // namespace sheaf::learn

#endif  // SHEAF_LEARN_TABLE_MEMORY_H_
