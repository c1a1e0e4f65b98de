// SPDX-License-Identifier: GPL-3.0-or-later
//
// The extraction stage: reads the fields a schema asks for off a document's pages, from the
// layout rather than the text stream alone.
//
// How a value is found (docs/extraction.md has the long form):
// - Labels: every label of every schema field is looked for in every cell of every row
//   (extract/layout_view.h); overlapping matches go to the longest label, so "sub total" is the
//   subtotal's and not the total's. The value is the rest of the label's cell, else the next cell
//   on the row, else the cell under the label on the next row; it must parse as the field's
//   type.
// - Shapes: dates, amounts, IBANs and VAT ids are also collected wherever they are printed.
// - Known fields add their own candidates: a merchant or seller name among the first rows
//   (company suffixes help), the address as the rows after the name, the total as the amount of
//   a total label that agrees with subtotal + tax or with the largest amount, the currency as
//   the one the document names most.
// - Each candidate gets a score in 0..1 from how it was found, its agreement with other fields
//   and the OCR confidence of its words; the best one per field is kept, with its score as the
//   confidence. The scores are calibrated against labelled documents with `sheaf eval`.
//
// Contract: Extract is a pure function of its inputs, never throws, and is safe to call from many
// threads at once. Fields that are not found are absent from the result (never empty values).
#ifndef SHEAF_EXTRACT_EXTRACTOR_H_
#define SHEAF_EXTRACT_EXTRACTOR_H_

#include <map>
#include <string>
#include <vector>

#include "extract/schema.h"
#include "sheaf/document.h"

namespace sheaf::extract {

struct Extraction {
  std::map<std::string, Field> fields;
  std::vector<LineItem> line_items;
};

Extraction Extract(const Document& doc, const Schema& schema);

// Key/value pairs of a form: every "label: value" (or label with a value to its right or below)
// on the page. Keys are normalised (lower case, single spaces, no trailing colon); a key seen
// twice gets a " (2)" suffix.
std::map<std::string, Field> ExtractKeyValues(const Document& doc);

}  // namespace sheaf::extract

#endif  // SHEAF_EXTRACT_EXTRACTOR_H_
