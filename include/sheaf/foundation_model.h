// SPDX-License-Identifier: GPL-3.0-or-later
//
// FoundationModel: asks a large language model (a foundation model behind an API) for one
// answer in JSON, constrained by a JSON Schema. Implemented over an OpenAI-compatible
// chat-completions API in src/adapters/openai/; the extractor that uses it checks every answer
// (src/extract/foundation_model.h), so nothing here trusts the model.
//
// Contract:
// - Thread safety: implementations are safe for concurrent use by any number of threads.
// - OK means the API answered with a message: its text is returned as it is (meant to be JSON
//   matching `json_schema`; not checked here).
// - Errors: unavailable when no answer arrived (connection refused, timed out), when the API
//   answered with an error status (429, 5xx, and any other non-2xx: the message names the status)
//   or with a body that is not a chat completion (not JSON, no message, a cut-off body); the
//   message never holds the API key or the document's text. invalid_argument for a request that
//   cannot be sent (an empty schema name).
// - Every call is bounded in time (the implementation's timeout) and in the bytes it reads.
#ifndef SHEAF_FOUNDATION_MODEL_H_
#define SHEAF_FOUNDATION_MODEL_H_

#include <string>

#include "sheaf/status.h"

namespace sheaf {

struct ModelRequest {
  std::string instructions;  // what the model is asked to do (the system message)
  std::string content;       // the document as the model sees it (the user message)
  std::string schema_name;   // [A-Za-z0-9_-]{1,64}: names the answer's schema
  std::string json_schema;   // a JSON Schema (JSON text) the answer must match
};

class FoundationModel {
 public:
  virtual ~FoundationModel() = default;
  // Returns the model's answer text.
  virtual Result<std::string> Ask(const ModelRequest& request) = 0;
  // "MODEL at URL", for logs (never the key).
  virtual std::string Describe() const = 0;
};

}  // namespace sheaf

#endif  // SHEAF_FOUNDATION_MODEL_H_
