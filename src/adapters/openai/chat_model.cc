// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/openai/chat_model.h"

#include <utility>

#include <nlohmann/json.hpp>

namespace sheaf::openai {

namespace {

bool SchemaNameOk(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Status ValidateChatModelOptions(const ChatModelOptions& options) {
  const std::string& u = options.base_url;
  if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "llm-url \"" + u + "\": expected an http:// or https:// base URL, e.g. http://127.0.0.1:8000/v1");
  }
  if (options.model.empty()) {
    return Status(ErrorCode::kInvalidArgument, "llm-model: a model name is needed with llm-url");
  }
  if (options.timeout.count() <= 0) {
    return Status(ErrorCode::kInvalidArgument, "llm timeout: must be positive");
  }
  return Status::Ok();
}

ChatModel::ChatModel(std::shared_ptr<HttpClient> http, ChatModelOptions options)
    : http_(std::move(http)), options_(std::move(options)) {}

std::string ChatModel::Describe() const {
  return options_.model + " at " + TrimSlash(options_.base_url);
}

Result<std::string> ChatModel::RequestBody(const ModelRequest& request) const {
  if (!SchemaNameOk(request.schema_name)) {
    return Status(ErrorCode::kInvalidArgument,
                  "foundation model: schema name \"" + request.schema_name + "\" is not [A-Za-z0-9_-]{1,64}");
  }
  nlohmann::json schema = nlohmann::json::parse(request.json_schema, nullptr, false);
  if (!schema.is_object()) {
    return Status(ErrorCode::kInvalidArgument, "foundation model: the answer schema is not a JSON object");
  }
  nlohmann::json body = {
      {"model", options_.model},
      {"temperature", 0},
      {"messages",
       nlohmann::json::array({{{"role", "system"}, {"content", request.instructions}},
                              {{"role", "user"}, {"content", request.content}}})},
      {"response_format",
       {{"type", "json_schema"},
        {"json_schema", {{"name", request.schema_name}, {"strict", true}, {"schema", schema}}}}},
  };
  // Page text may hold bytes that are not UTF-8 (a misread scan): replace rather than fail.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::string> ChatModel::Ask(const ModelRequest& request) {
  Result<std::string> body = RequestBody(request);
  if (!body.ok()) return body.status();
  const std::string url = TrimSlash(options_.base_url) + "/chat/completions";
  HttpHeaders headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (!options_.api_key.empty()) headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  Result<HttpResponse> got = http_->Post(url, headers, *body, options_.timeout);
  if (!got.ok()) {
    // The HttpClient's message names the URL and the cause, never a header value.
    return Status(ErrorCode::kUnavailable, "foundation model: " + got.status().message());
  }
  if (got->status < 200 || got->status > 299) {
    return Status(ErrorCode::kUnavailable,
                  "foundation model: " + url + " answered HTTP " + std::to_string(got->status));
  }
  nlohmann::json j = nlohmann::json::parse(got->body, nullptr, false);
  if (j.is_discarded()) {
    return Status(ErrorCode::kUnavailable, "foundation model: " + url + " answered with a body that is not JSON (" +
                                               std::to_string(got->body.size()) + " bytes)");
  }
  const nlohmann::json* content = nullptr;
  if (j.is_object() && j.contains("choices") && j["choices"].is_array() && !j["choices"].empty()) {
    const nlohmann::json& first = j["choices"][0];
    if (first.is_object() && first.contains("message") && first["message"].is_object() &&
        first["message"].contains("content") && first["message"]["content"].is_string()) {
      content = &first["message"]["content"];
    }
  }
  if (content == nullptr) {
    return Status(ErrorCode::kUnavailable,
                  "foundation model: " + url + " answered without choices[0].message.content");
  }
  return content->get<std::string>();
}

}  // namespace sheaf::openai
