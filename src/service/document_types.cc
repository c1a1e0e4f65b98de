// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/document_types.h"

namespace sheaf {

nlohmann::ordered_json DocumentTypesJson(const std::map<std::string, extract::Schema>& schemas) {
  nlohmann::ordered_json types = nlohmann::ordered_json::array();
  for (const auto& [name, schema] : schemas) {
    nlohmann::ordered_json fields = nlohmann::ordered_json::array();
    for (const extract::FieldSpec& f : schema.fields) {
      fields.push_back({{"name", f.name},
                        {"type", std::string(extract::FieldTypeName(f.type))},
                        {"required", f.required}});
    }
    types.push_back({{"name", name},
                     {"description", schema.description},
                     {"fields", std::move(fields)},
                     {"line_item_columns", schema.line_item_columns},
                     {"key_values", schema.key_values}});
  }
  return nlohmann::ordered_json{{"document_types", std::move(types)}};
}

}  // namespace sheaf
