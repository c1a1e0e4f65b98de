// SPDX-License-Identifier: GPL-3.0-or-later
// The chat-completions client against a real HTTP server on loopback (tests/http_test_server.h)
// through the real libcurl client.
#include "adapters/openai/chat_model.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/curl/curl_http_client.h"
#include "http_test_server.h"

namespace sheaf::openai {
namespace {

using sheaf::testing::HttpTestServer;

ModelRequest Request() {
  ModelRequest r;
  r.instructions = "fill the fields";
  r.content = "[0,0,10,10] TOTAL 3.30";
  r.schema_name = "receipt_fields";
  r.json_schema = R"({"type":"object","properties":{"total":{"type":["string","null"]}},"required":["total"],"additionalProperties":false})";
  return r;
}

std::string Completion(const std::string& content) {
  nlohmann::json j = {{"choices", {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}}}}}};
  return j.dump();
}

ChatModel Model(const std::string& url, const std::string& key = "",
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  ChatModelOptions o;
  o.base_url = url;
  o.model = "test-model";
  o.api_key = key;
  o.timeout = timeout;
  return ChatModel(curl_adapter::MakeHttpClient(), o);
}

TEST(ChatModel, PostsAStrictJsonSchemaChatCompletionAndReturnsTheMessage) {
  HttpTestServer server([](const sheaf::testing::HttpTestRequest&) {
    return HttpTestServer::Response(200, Completion(R"({"total":"3.30"})"), "Content-Type: application/json\r\n");
  });
  ChatModel model = Model(server.Url("/v1/"), "sk-secret");
  Result<std::string> got = model.Ask(Request());
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, R"({"total":"3.30"})");
  ASSERT_EQ(server.requests().size(), 1u);
  const auto req = server.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/v1/chat/completions");
  EXPECT_EQ(req.Header("Authorization"), "Bearer sk-secret");
  EXPECT_EQ(req.Header("Content-Type"), "application/json");
  nlohmann::json body = nlohmann::json::parse(req.body);
  EXPECT_EQ(body["model"], "test-model");
  EXPECT_EQ(body["temperature"], 0);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][0]["content"], "fill the fields");
  EXPECT_EQ(body["messages"][1]["role"], "user");
  EXPECT_EQ(body["messages"][1]["content"], "[0,0,10,10] TOTAL 3.30");
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
  EXPECT_EQ(body["response_format"]["json_schema"]["name"], "receipt_fields");
  EXPECT_EQ(body["response_format"]["json_schema"]["strict"], true);
  EXPECT_EQ(body["response_format"]["json_schema"]["schema"]["required"][0], "total");
  EXPECT_EQ(model.Describe(), "test-model at " + server.Url("/v1"));
}

TEST(ChatModel, SendsNoAuthorizationWithoutAKey) {
  HttpTestServer server([](const sheaf::testing::HttpTestRequest&) {
    return HttpTestServer::Response(200, Completion("{}"));
  });
  ASSERT_TRUE(Model(server.Url("/v1")).Ask(Request()).ok());
  EXPECT_FALSE(server.requests().at(0).HasHeader("Authorization"));
}

TEST(ChatModel, ErrorStatusesAreUnavailableAndNeverEchoTheKey) {
  for (int status : {429, 500, 503, 401}) {
    HttpTestServer server([status](const sheaf::testing::HttpTestRequest&) {
      return HttpTestServer::Response(status, R"({"error":{"message":"no"}})");
    });
    Result<std::string> got = Model(server.Url("/v1"), "sk-secret").Ask(Request());
    ASSERT_FALSE(got.ok()) << status;
    EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable);
    EXPECT_NE(got.status().message().find("HTTP " + std::to_string(status)), std::string::npos);
    EXPECT_EQ(got.status().message().find("sk-secret"), std::string::npos);
  }
}

TEST(ChatModel, BodiesThatAreNoChatCompletionAreUnavailable) {
  for (std::string body : {std::string("<html>bad gateway</html>"), std::string(R"({"choices":[]})"),
                           std::string(R"({"choices":[{"message":{"content":7}}]})")}) {
    HttpTestServer server([body](const sheaf::testing::HttpTestRequest&) {
      return HttpTestServer::Response(200, body);
    });
    Result<std::string> got = Model(server.Url("/v1")).Ask(Request());
    ASSERT_FALSE(got.ok()) << body;
    EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable) << body;
  }
}

TEST(ChatModel, AnAnswerPastTheBodyCapIsCutAndRejected) {
  HttpTestServer server([](const sheaf::testing::HttpTestRequest&) {
    return HttpTestServer::Response(200, Completion(std::string(HttpClient::kMaxResponseBody * 2, 'x')));
  });
  Result<std::string> got = Model(server.Url("/v1")).Ask(Request());
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.status().message().find("not JSON"), std::string::npos) << got.status().message();
}

TEST(ChatModel, NoAnswerWithinTheTimeoutAndARefusedPortAreUnavailable) {
  HttpTestServer silent([](const sheaf::testing::HttpTestRequest&) { return std::nullopt; });
  Result<std::string> got = Model(silent.Url("/v1"), "", std::chrono::milliseconds(200)).Ask(Request());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(got.status().message().find("timed out"), std::string::npos) << got.status().message();

  const std::string refused = "http://127.0.0.1:" + std::to_string(sheaf::testing::RefusingPort()) + "/v1";
  got = Model(refused).Ask(Request());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable);
}

TEST(ChatModel, UnusableRequestsAndOptionsAreInvalidArguments) {
  HttpTestServer server([](const sheaf::testing::HttpTestRequest&) {
    return HttpTestServer::Response(200, Completion("{}"));
  });
  ModelRequest bad = Request();
  bad.schema_name = "has space";
  EXPECT_EQ(Model(server.Url("/v1")).Ask(bad).status().code(), ErrorCode::kInvalidArgument);
  bad = Request();
  bad.json_schema = "[1]";
  EXPECT_EQ(Model(server.Url("/v1")).Ask(bad).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());

  ChatModelOptions o;
  o.base_url = "ftp://127.0.0.1/v1";
  o.model = "m";
  EXPECT_EQ(ValidateChatModelOptions(o).code(), ErrorCode::kInvalidArgument);
  o.base_url = "http://127.0.0.1/v1";
  o.model = "";
  EXPECT_NE(ValidateChatModelOptions(o).message().find("llm-model"), std::string::npos);
  o.model = "m";
  EXPECT_TRUE(ValidateChatModelOptions(o).ok());
}

}  // namespace
}  // namespace sheaf::openai
