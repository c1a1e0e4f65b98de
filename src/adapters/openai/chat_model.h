// SPDX-License-Identifier: GPL-3.0-or-later
//
// FoundationModel (sheaf/foundation_model.h) over an OpenAI-compatible chat-completions API
// (OpenAI, Azure OpenAI, vLLM, llama.cpp's server, Ollama, ...): one POST {base_url}/chat/completions
// per Ask with
//   {"model": M, "temperature": 0,
//    "messages": [{"role": "system", ...}, {"role": "user", ...}],
//    "response_format": {"type": "json_schema",
//                        "json_schema": {"name": N, "strict": true, "schema": {...}}}}
// and the bearer key in the Authorization header when one is configured (never logged, never in
// an error message). The answer is choices[0].message.content.
//
// Sent through the injected HttpClient (libcurl in production), whose body cap bounds what is
// read (HttpClient::kMaxResponseBody): a longer answer is cut and then does not parse, an
// unavailable error. Thread-safe: the object is immutable after construction.
#ifndef SHEAF_ADAPTERS_OPENAI_CHAT_MODEL_H_
#define SHEAF_ADAPTERS_OPENAI_CHAT_MODEL_H_

#include <chrono>
#include <memory>
#include <string>

#include "sheaf/foundation_model.h"
#include "sheaf/http_client.h"

namespace sheaf::openai {

struct ChatModelOptions {
  std::string base_url;  // e.g. "http://127.0.0.1:8000/v1" (a trailing "/" is dropped)
  std::string model;     // e.g. "gpt-4o-mini"
  std::string api_key;   // "" sends no Authorization header
  std::chrono::milliseconds timeout{30000};  // the whole call
};

class ChatModel final : public FoundationModel {
 public:
  // REQUIRES: `http` not null; a ValidateChatModelOptions-clean `options`.
  ChatModel(std::shared_ptr<HttpClient> http, ChatModelOptions options);
  Result<std::string> Ask(const ModelRequest& request) override;
  std::string Describe() const override;

  // The request body Ask sends (JSON text); invalid_argument for an unusable schema name or a
  // schema that is not a JSON object.
  Result<std::string> RequestBody(const ModelRequest& request) const;

 private:
  const std::shared_ptr<HttpClient> http_;
  const ChatModelOptions options_;
};

// invalid_argument naming the option when the URL is not http(s)://..., the model name is empty
// or the timeout is not positive.
Status ValidateChatModelOptions(const ChatModelOptions& options);

}  // namespace sheaf::openai

#endif  // SHEAF_ADAPTERS_OPENAI_CHAT_MODEL_H_
