// SPDX-License-Identifier: GPL-3.0-or-later
//
// What a correction does to a document's result (docs/service.md, docs/review-page.md): the
// corrected line items replace the result's, and the schema's rules run again over the
// corrected fields and line items, so the result, its webhook and its export say whether the
// corrected document adds up.
//
// Contract: pure functions of their inputs; safe from any thread.
#ifndef SHEAF_SERVICE_CORRECTIONS_H_
#define SHEAF_SERVICE_CORRECTIONS_H_

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "extract/schema.h"
#include "learn/sender_memory.h"

namespace sheaf {

// A corrected field's value is a string, a number, null (removed) or, when the reviewer filled
// it from words on the page (the review page's click or lasso), an object
// {"value": string or number, "page": 1.., "bbox": [x0, y0, x1, y1]} - the box in the page's
// pixels, as the result's boxes and /pages/{n}/words give them. "" when `value` is one of these,
// otherwise what is wrong with it (naming the field `name`).
std::string CheckCorrectedValue(const std::string& name, const nlohmann::json& value);

// A "fields" object of a correction (each value checked by CheckCorrectedValue) as name ->
// plain value (string, number or null), what is recorded and applied; the boxes of the values
// given as objects go to *pointed.
nlohmann::json SplitPointed(const nlohmann::json& fields,
                            std::map<std::string, learn::PointedWords>* pointed);

// The columns a corrected line item may have (docs/result-format.md).
inline constexpr const char* kLineItemColumns[] = {"description", "quantity", "unit_price",
                                                   "amount"};
inline constexpr int kMaxCorrectedLineItems = 1000;
inline constexpr int kMaxLineItemCellChars = 1000;
// The largest page number and pixel coordinate a pointed value may name.
inline constexpr int kMaxPointedPage = 100000;
inline constexpr int kMaxPointedPixel = 1000000;

// "" when `rows` is a valid line-item correction: an array of at most kMaxCorrectedLineItems
// objects, each mapping columns of kLineItemColumns to a string (at most kMaxLineItemCellChars
// characters), a number or null (no value); otherwise what is wrong, naming the row and column.
std::string CheckLineItems(const nlohmann::json& rows);

// Replaces result["line_items"] by `rows` (checked by CheckLineItems): each cell with a value
// becomes a field object {value, raw, confidence 1, page null, bbox null, source "review"}.
void ReplaceLineItems(const nlohmann::json& rows, nlohmann::ordered_json* result);

// `rows` (checked by CheckLineItems) as column -> value text, each cell with a value (numbers
// as printed in the JSON): what the sender memory learns the table from.
std::vector<std::map<std::string, std::string>> LineItemRows(const nlohmann::json& rows);

// Runs the rules of the result's document type's schema (or "other"'s) again over its fields
// and line items: result["validation"] becomes the rules' results followed by the entries the
// rules do not produce (einvoice_match, foundation_model_*), kept as they were. Leaves the
// result unchanged when `schemas` has neither schema.
void Revalidate(const std::map<std::string, extract::Schema>& schemas,
                nlohmann::ordered_json* result);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_CORRECTIONS_H_
