// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/corrections.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <vector>

#include "sheaf/document.h"
#include "validate/validator.h"

namespace sheaf {
namespace {

using ojson = nlohmann::ordered_json;

bool IsColumn(std::string_view name) {
  return std::find(std::begin(kLineItemColumns), std::end(kLineItemColumns), name) !=
         std::end(kLineItemColumns);
}

std::size_t Characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A result's field object as the validator reads it (value and confidence; nothing else
// matters to a rule).
Field FieldOf(const ojson& j) {
  Field f;
  if (!j.is_object()) return f;
  if (j.contains("value")) {
    const ojson& v = j["value"];
    f.value = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
  }
  f.raw = f.value;
  if (j.contains("confidence") && j["confidence"].is_number()) {
    f.confidence = j["confidence"].get<double>();
  }
  return f;
}

// The entries of result["validation"] the schema's rules do not produce (validate::Validate).
bool KeptAcrossRevalidation(const ojson& rule) {
  if (!rule.is_object() || !rule.contains("rule") || !rule["rule"].is_string()) return false;
  const std::string name = rule["rule"].get<std::string>();
  return name == "einvoice_match" || name.rfind("foundation_model", 0) == 0;
}

}  // namespace

std::string CheckCorrectedValue(const std::string& name, const nlohmann::json& value) {
  const std::string field = "field \"" + name.substr(0, 80) + "\": ";
  if (value.is_string() || value.is_number() || value.is_null()) return "";
  if (!value.is_object()) {
    return field + "a correction is a string, a number, null (to remove it) or {\"value\", "
                   "\"page\", \"bbox\"}";
  }
  for (const auto& [key, unused] : value.items()) {
    if (key != "value" && key != "page" && key != "bbox") {
      return field + "unknown key \"" + key.substr(0, 40) + "\" (a pointed value has \"value\", "
                     "\"page\" and \"bbox\")";
    }
  }
  if (!value.contains("value") || !(value["value"].is_string() || value["value"].is_number())) {
    return field + "\"value\" must be a string or a number (a removal points at nothing)";
  }
  // A page number is an integer, also when written 3.0 (JSON Schema's integer allows that).
  const auto page_number = [](const nlohmann::json& v) {
    return v.is_number() && std::floor(v.get<double>()) == v.get<double>() &&
           v.get<double>() >= 1 && v.get<double>() <= kMaxPointedPage;
  };
  if (!value.contains("page") || !page_number(value["page"])) {
    return field + "\"page\" must be a page number, 1 to " + std::to_string(kMaxPointedPage);
  }
  const nlohmann::json* box = value.contains("bbox") ? &value["bbox"] : nullptr;
  if (box == nullptr || !box->is_array() || box->size() != 4 ||
      !std::all_of(box->begin(), box->end(), [](const nlohmann::json& v) {
        return v.is_number() && v.get<double>() >= 0 && v.get<double>() <= kMaxPointedPixel;
      })) {
    return field + "\"bbox\" must be [x0, y0, x1, y1], pixels of the page from 0 to " +
           std::to_string(kMaxPointedPixel);
  }
  return "";
}

nlohmann::json SplitPointed(const nlohmann::json& fields,
                            std::map<std::string, learn::PointedWords>* pointed) {
  nlohmann::json plain = nlohmann::json::object();
  for (const auto& [name, value] : fields.items()) {
    if (!value.is_object()) {
      plain[name] = value;
      continue;
    }
    plain[name] = value["value"];
    // Two corners in either order (a lasso dragged up and to the left): the box they span.
    const nlohmann::json& b = value["bbox"];
    const double x0 = std::min(b[0].get<double>(), b[2].get<double>());
    const double x1 = std::max(b[0].get<double>(), b[2].get<double>());
    const double y0 = std::min(b[1].get<double>(), b[3].get<double>());
    const double y1 = std::max(b[1].get<double>(), b[3].get<double>());
    (*pointed)[name] = learn::PointedWords{
        static_cast<int>(value["page"].get<double>()),
        Box{static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(std::ceil(x1)),
            static_cast<int>(std::ceil(y1))}};
  }
  return plain;
}

std::string CheckLineItems(const nlohmann::json& rows) {
  if (!rows.is_array()) {
    return "\"line_items\" must be an array of rows (column -> value)";
  }
  if (rows.size() > static_cast<std::size_t>(kMaxCorrectedLineItems)) {
    return "\"line_items\" has " + std::to_string(rows.size()) + " rows; at most " +
           std::to_string(kMaxCorrectedLineItems) + " are accepted";
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string row = "line_items[" + std::to_string(i) + "]";
    if (!rows[i].is_object()) return row + " must be an object of column -> value";
    for (const auto& [column, value] : rows[i].items()) {
      if (!IsColumn(column)) {
        return row + ": unknown column \"" + column.substr(0, 80) +
               "\" (expected description, quantity, unit_price, amount)";
      }
      if (!value.is_string() && !value.is_number() && !value.is_null()) {
        return row + "." + column + ": a value is a string, a number or null";
      }
      if (value.is_string() &&
          Characters(value.get<std::string>()) > static_cast<std::size_t>(kMaxLineItemCellChars)) {
        return row + "." + column + " is longer than " + std::to_string(kMaxLineItemCellChars) +
               " characters";
      }
    }
  }
  return "";
}

std::vector<std::map<std::string, std::string>> LineItemRows(const nlohmann::json& rows) {
  std::vector<std::map<std::string, std::string>> out;
  for (const nlohmann::json& row : rows) {
    std::map<std::string, std::string>& item = out.emplace_back();
    for (const char* column : kLineItemColumns) {
      if (!row.contains(column) || row[column].is_null()) continue;
      const nlohmann::json& v = row[column];
      item[column] = v.is_string() ? v.get<std::string>() : v.dump();
    }
  }
  return out;
}

void ReplaceLineItems(const nlohmann::json& rows, ojson* result) {
  ojson items = ojson::array();
  for (const nlohmann::json& row : rows) {
    ojson item = ojson::object();
    // In the columns' own order, as extraction writes them.
    for (const char* column : kLineItemColumns) {
      if (!row.contains(column) || row[column].is_null()) continue;
      const nlohmann::json& v = row[column];
      const std::string value = v.is_string() ? v.get<std::string>() : v.dump();
      item[column] = ojson{{"value", value}, {"raw", value},     {"confidence", 1.0},
                           {"page", nullptr}, {"bbox", nullptr}, {"source", "review"}};
    }
    items.push_back(std::move(item));
  }
  (*result)["line_items"] = std::move(items);
}

void Revalidate(const std::map<std::string, extract::Schema>& schemas, ojson* result) {
  std::string type = "other";
  if (result->contains("document_type") && (*result)["document_type"].is_object() &&
      (*result)["document_type"].contains("label") &&
      (*result)["document_type"]["label"].is_string()) {
    type = (*result)["document_type"]["label"].get<std::string>();
  }
  auto schema = schemas.find(type);
  if (schema == schemas.end()) schema = schemas.find("other");
  if (schema == schemas.end()) return;

  std::map<std::string, Field> fields;
  if (result->contains("fields") && (*result)["fields"].is_object()) {
    for (const auto& [name, f] : (*result)["fields"].items()) fields[name] = FieldOf(f);
  }
  std::vector<LineItem> items;
  if (result->contains("line_items") && (*result)["line_items"].is_array()) {
    for (const ojson& row : (*result)["line_items"]) {
      LineItem li;
      if (row.is_object()) {
        for (const auto& [column, f] : row.items()) li[column] = FieldOf(f);
      }
      items.push_back(std::move(li));
    }
  }
  ojson rules = ojson::array();
  for (const RuleResult& r : validate::Validate(schema->second, fields, items)) {
    rules.push_back({{"rule", r.rule},
                     {"status", RuleStatusName(r.status)},
                     {"message", r.message},
                     {"fields", r.fields}});
  }
  if (result->contains("validation") && (*result)["validation"].is_array()) {
    for (const ojson& r : (*result)["validation"]) {
      if (KeptAcrossRevalidation(r)) rules.push_back(r);
    }
  }
  (*result)["validation"] = std::move(rules);
}

}  // namespace sheaf
