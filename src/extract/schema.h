// SPDX-License-Identifier: GPL-3.0-or-later
//
// Document-type schemas: which fields the extraction stage looks for on a receipt, an invoice, a
// form, a letter or any other document, of which type each field is, which words announce it in
// each language, and below which confidence a value goes to review. The schemas are YAML files
// under schemas/ (one per document type, named after it); docs/schemas.md describes the format.
//
// Contract:
// - The loaders never throw: every yaml-cpp exception is caught here, and every problem with a
//   file is an ErrorCode::kInvalidArgument Status whose message starts with
//   "<file>:<line>:<column>: " (1-based, taken from the YAML node at fault), e.g.
//   `schemas/receipt.yaml:12:5: unknown field type "monye" (expected one of string, date, ...)`.
// - A loaded Schema is fully validated and resolved (see ParseSchema); consumers need no checks.
// - The functions are safe to call from any thread; Schema values are plain data.
#ifndef SHEAF_EXTRACT_SCHEMA_H_
#define SHEAF_EXTRACT_SCHEMA_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sheaf/status.h"

namespace sheaf::extract {

// The kind of value a field holds; it picks the normaliser (extract/normalize.h) for the value.
enum class FieldType {
  kString,    // free text (a name, a description)
  kDate,      // a calendar date, ISO 8601 once normalised
  kMoney,     // an amount with two decimals, optionally with a currency
  kCurrency,  // an ISO 4217 code (EUR, MYR, ...)
  kId,        // a document number or reference, kept as printed
  kAddress,   // a postal address, possibly several lines
  kIban,      // an International Bank Account Number
  kVatId,     // a VAT identification number
  kNumber,    // a plain decimal number (a quantity)
};

// Returns the YAML spelling of `type` ("string", "date", "money", ..., "vat_id", "number").
std::string_view FieldTypeName(FieldType type);

// Returns the FieldType spelled `name` in a schema file, or std::nullopt if there is none.
std::optional<FieldType> ParseFieldType(std::string_view name);

struct FieldSpec {
  std::string name;  // snake_case, unique within its schema
  FieldType type = FieldType::kString;
  bool required = false;  // a document of this type without the field goes to review
  // Values read with a lower confidence go to review. Resolved on load: the field's own
  // threshold if the file sets one, else the schema's default. In [0, 1].
  double review_threshold = 0.0;
  // Language code ("en", "de", "fr", ...) -> the words that announce the field, lower-cased
  // (ASCII and Latin-1 letters), in file order. May be empty (a field found by its shape alone).
  std::map<std::string, std::vector<std::string>> labels;
};

struct Schema {
  std::string type;  // the document type ("receipt"); equals the file name stem
  std::string description;
  double review_threshold = 0.0;  // the default for fields; in [0, 1]
  std::vector<FieldSpec> fields;  // in file order
  // The columns of a table of line items ("description", "quantity", ...), in file order; empty
  // when the document type has no line items.
  std::vector<std::string> line_item_columns;
  // True when the document has no fixed fields and every "key: value" pair found on the page is
  // reported instead (forms).
  bool key_values = false;
};

// Parses and validates one schema. `name_for_errors` is the file name that error messages begin
// with. Rejected, each with the line and column of the node at fault:
// - malformed YAML (the parser's own message), more than one YAML document, a non-mapping top;
// - a missing required key (type, description, review_threshold, fields; per field: name, type);
// - an unknown or repeated key at any level (with a suggestion when it is close to a known one);
// - a type or field name that is not snake_case ([a-z][a-z0-9_]*), a repeated field name;
// - an unknown field type; a threshold that is not a number in [0, 1]; a non-boolean flag;
// - labels that are not a map of language code ([a-z]{2,3}) to a list of non-empty strings, or a
//   label repeated within one language (after lower-casing);
// - line_items without a non-empty list of unique snake_case columns;
// - key_values: true together with fields (a schema has fixed fields or key/value pairs).
Result<Schema> ParseSchema(std::string_view yaml, const std::string& name_for_errors);

// Reads and parses the schema file at `path` (messages name it as given). Additionally requires
// the file name without ".yaml" to equal the schema's `type`. Errors: kNotFound (no such file),
// kIoError (unreadable), kInvalidArgument (see ParseSchema).
Result<Schema> LoadSchemaFile(const std::string& path);

// Loads every "*.yaml" file directly inside `dir`, in sorted order, keyed by type. Errors:
// kNotFound (no such folder), kIoError, kInvalidArgument (the first bad file, a type defined
// twice, a "*.yml" file that would otherwise be ignored, or a folder with no schema at all).
Result<std::map<std::string, Schema>> LoadSchemaDir(const std::string& dir);

}  // namespace sheaf::extract

#endif  // SHEAF_EXTRACT_SCHEMA_H_
