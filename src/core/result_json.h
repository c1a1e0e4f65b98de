// SPDX-License-Identifier: GPL-3.0-or-later
//
// The JSON form of a Document (docs/result-format.md). Keep it stable: users parse it.
#ifndef SHEAF_CORE_RESULT_JSON_H_
#define SHEAF_CORE_RESULT_JSON_H_

#include <nlohmann/json.hpp>

#include "sheaf/document.h"

namespace sheaf {

struct JsonOptions {
  bool include_words = false;  // --text: words, lines and the page text
};

// Serialises `j`; invalid UTF-8 in strings (text from a damaged file) becomes U+FFFD instead
// of an exception.
std::string DumpJson(const nlohmann::ordered_json& j, int indent = -1);

nlohmann::ordered_json DocumentToJson(const Document& doc, const JsonOptions& options);
// One page as in DocumentToJson's "pages" (GET /v1/documents/{id}/pages/{n}/words).
nlohmann::ordered_json PageToJson(const Page& page, const JsonOptions& options);

// Block trees round-trip through JSON for the OCR cache.
nlohmann::json BlocksToJson(const std::vector<Block>& blocks);
// Returns false when `j` is not a block list written by BlocksToJson.
bool BlocksFromJson(const nlohmann::json& j, std::vector<Block>* blocks);

}  // namespace sheaf

#endif  // SHEAF_CORE_RESULT_JSON_H_
