// SPDX-License-Identifier: GPL-3.0-or-later
//
// The document types a deployment reads, as GET /v1/document-types answers them
// (docs/openapi.yaml, DocumentTypes): one entry per loaded schema (schemas/*.yaml, or the
// folder --schemas names), sorted by name, with what a client needs to offer the type and
// edit its fields - never the schema's labels or thresholds, which are the extractor's.
// A plain function of the schemas: safe to call from any thread.
#ifndef SHEAF_SERVICE_DOCUMENT_TYPES_H_
#define SHEAF_SERVICE_DOCUMENT_TYPES_H_

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "extract/schema.h"

namespace sheaf {

// {"document_types": [{"name", "description", "fields": [{"name", "type", "required"}],
// "line_item_columns": [...], "key_values": bool}, ...]}: every schema of `schemas`, in name
// order; "fields" in the schema file's order.
nlohmann::ordered_json DocumentTypesJson(const std::map<std::string, extract::Schema>& schemas);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_DOCUMENT_TYPES_H_
