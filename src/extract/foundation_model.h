// SPDX-License-Identifier: GPL-3.0-or-later
//
// What the extraction stage asks a foundation model (sheaf/foundation_model.h) and how it checks
// the answer before a value is used (docs/foundation-model.md). Pure functions: the call itself,
// its circuit breaker and the review decision are the pipeline's (pipeline/model_assist.h).
//
//   ask     the schema fields the built-in extraction left empty or unsure (FieldsToAsk)
//   send    instructions, the pages' lines with their boxes (bounded), and a strict JSON Schema
//           of exactly those fields, each a string or null (BuildModelRequest)
//   check   the answer must parse as JSON, be an object with exactly the fields asked, each a
//           string or null; each string must normalise by its field's type (dates, money,
//           currency, ...) and be printed on the page: its words are found, in order, among the
//           page's words (ReadModelAnswer). One failure rejects the whole answer.
//   merge   only empty or unsure fields change (MergeModelFields); the value's box is the union
//           of the matched words' boxes, its source "foundation-model", its confidence at most
//           kFoundationModelMaxConfidence (below the built-in extractor's high band, >= 0.9).
//
// Contract: the functions never throw, read nothing but their arguments and are safe to call
// from many threads at once.
#ifndef SHEAF_EXTRACT_FOUNDATION_MODEL_H_
#define SHEAF_EXTRACT_FOUNDATION_MODEL_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "extract/schema.h"
#include "sheaf/document.h"
#include "sheaf/foundation_model.h"
#include "sheaf/status.h"

namespace sheaf::extract {

inline constexpr std::string_view kFoundationModelSource = "foundation-model";
// A model's value is never surer than this (times the OCR confidence of its words).
inline constexpr double kFoundationModelMaxConfidence = 0.85;
// The longest value, in words, that is looked for on the page.
inline constexpr std::size_t kMaxModelValueWords = 64;

// The fields of `schema` to ask for, in schema order: those absent from `fields` and those read
// with a confidence below their review threshold, except values that came from embedded XML or
// from a reviewer. Empty for schemas without fixed fields (forms, "other").
std::vector<std::string> FieldsToAsk(const Schema& schema, const std::map<std::string, Field>& fields);

struct ModelPromptOptions {
  // Bound on the page text sent: whole lines are dropped past it, and the content says so.
  std::size_t max_content_bytes = 32 * 1024;
};

// The strict JSON Schema of the answer: an object whose properties are exactly `asked`, each
// {"type": ["string", "null"]}, all required, no others.
std::string AnswerJsonSchema(const Schema& schema, const std::vector<std::string>& asked);

// The request for `asked` (REQUIRES: non-empty, names of `schema`'s fields). The content is the
// document's pages, each line as "[x0,y0,x1,y1] text" in page pixels under a "page N (W x H)"
// heading, within options.max_content_bytes.
ModelRequest BuildModelRequest(const Document& doc, const Schema& schema,
                               const std::vector<std::string>& asked, const ModelPromptOptions& options);

// Reads `answer` for the fields `asked`. Returns the fields the model gave a value for (null
// and "" mean "not on the document" and are left out), each normalised, located on the page and
// scored as described above. invalid_argument, naming the field and the check, when the answer
// is not JSON, not an object, lacks an asked field or has one not asked, has a value that is
// neither a string nor null, a value that does not read as its type, or a value whose words are
// not on the page.
Result<std::map<std::string, Field>> ReadModelAnswer(std::string_view answer, const Document& doc,
                                                     const Schema& schema,
                                                     const std::vector<std::string>& asked);

// Merges the model's fields into `fields`: an absent field is added; an unsure one (below its
// review threshold, not from XML or a reviewer) is replaced when the model's value is surer, or,
// when both agree on the value, keeps its own box and takes the higher confidence. Fields the
// built-in extraction is sure of never change. Returns the names of the fields changed.
std::vector<std::string> MergeModelFields(const Schema& schema, const std::map<std::string, Field>& from_model,
                                          std::map<std::string, Field>* fields);

}  // namespace sheaf::extract

#endif  // SHEAF_EXTRACT_FOUNDATION_MODEL_H_
