// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/curl/curl_http_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "http_test_server.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestRequest;
using testing::HttpTestServer;

TEST(CurlHttpClient, SendsTheBodyAndHeadersByteForByte) {
  HttpTestServer server([](const HttpTestRequest&) {
    return HttpTestServer::Response(202, "accepted \x01\xff", "X-Reply: yes\r\n");
  });
  curl_adapter::CurlHttpClient client;
  // Binary bytes, a NUL, and more than 1 KiB (where libcurl would otherwise send
  // "Expect: 100-continue" and wait).
  std::string body = std::string("{\"id\":\"evt_1\",\"nul\":\"") + std::string(1, '\0') + "\"}";
  body += std::string(3000, 'x') + "\xc3\xa9\xff";
  const HttpHeaders headers = {{"Content-Type", "application/json"},
                               {"User-Agent", "sheaf/test"},
                               {"X-Sheaf-Event-Id", "evt_1"},
                               {"X-Sheaf-Signature", "sha256=abc"},
                               {"X-Empty", ""}};
  auto r = client.Post(server.Url("/hooks/in?token=1"), headers, body, 5s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "accepted \x01\xff");

  const auto got = server.requests();
  ASSERT_EQ(got.size(), 1u);
  const HttpTestRequest& req = got[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/hooks/in?token=1");
  EXPECT_EQ(req.body, body);
  EXPECT_EQ(req.Header("Content-Length"), std::to_string(body.size()));
  EXPECT_EQ(req.Header("Content-Type"), "application/json");
  EXPECT_EQ(req.Header("User-Agent"), "sheaf/test");
  EXPECT_EQ(req.Header("X-Sheaf-Event-Id"), "evt_1");
  EXPECT_EQ(req.Header("X-Sheaf-Signature"), "sha256=abc");
  EXPECT_TRUE(req.HasHeader("X-Empty"));
  EXPECT_EQ(req.Header("X-Empty"), "");
  // Nothing the caller did not ask for but Host and Content-Length.
  EXPECT_FALSE(req.HasHeader("Expect"));
  EXPECT_FALSE(req.HasHeader("Accept"));
  EXPECT_EQ(req.headers.size(), headers.size() + 2) << "Host, Content-Length and ours";
  // The caller's headers keep their order.
  std::vector<std::string> names;
  for (const auto& [name, value] : req.headers) {
    if (name != "Host" && name != "Content-Length") names.push_back(name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Content-Type", "User-Agent", "X-Sheaf-Event-Id",
                                             "X-Sheaf-Signature", "X-Empty"}));
}

TEST(CurlHttpClient, AnErrorStatusIsAnAnswerAndRedirectsAreNotFollowed) {
  HttpTestServer server([](const HttpTestRequest& req) -> std::optional<std::string> {
    if (req.target == "/gone") return HttpTestServer::Response(503, "try later");
    return HttpTestServer::Response(302, "", "Location: /gone\r\n");
  });
  curl_adapter::CurlHttpClient client;
  auto unavailable = client.Post(server.Url("/gone"), {}, "{}", 5s);
  ASSERT_TRUE(unavailable.ok()) << unavailable.status().ToString();
  EXPECT_EQ(unavailable->status, 503);
  EXPECT_EQ(unavailable->body, "try later");
  auto moved = client.Post(server.Url("/old"), {}, "{}", 5s);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->status, 302);
  EXPECT_EQ(server.requests().size(), 2u) << "the redirect was not followed";
}

TEST(CurlHttpClient, ALongResponseBodyIsCutAt64KiB) {
  const std::string big(HttpClient::kMaxResponseBody * 4, 'b');
  HttpTestServer server([&](const HttpTestRequest&) { return HttpTestServer::Response(200, big); });
  curl_adapter::CurlHttpClient client;
  auto r = client.Post(server.Url(), {}, "x", 5s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), HttpClient::kMaxResponseBody);
  EXPECT_EQ(r->body, big.substr(0, HttpClient::kMaxResponseBody));
}

TEST(CurlHttpClient, AServerThatNeverAnswersTimesOut) {
  HttpTestServer server([](const HttpTestRequest&) { return std::nullopt; });
  curl_adapter::CurlHttpClient client;
  const auto start = std::chrono::steady_clock::now();
  auto r = client.Post(server.Url("/slow?secret=s3cr3t"), {}, "{}", 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("/slow"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find("s3cr3t"), std::string::npos)
      << "the query string is left out of messages: " << r.status().message();
  EXPECT_LT(took, 5s) << "the timeout bounds the call";
}

TEST(CurlHttpClient, ARefusedConnectionIsUnavailable) {
  curl_adapter::CurlHttpClient client;
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::RefusingPort()) + "/x";
  auto r = client.Post(url, {}, "{}", 2s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().ToString();
  EXPECT_NE(r.status().message().find("127.0.0.1"), std::string::npos) << r.status().message();
}

TEST(CurlHttpClient, RefusesOtherSchemesHeaderInjectionAndBadTimeouts) {
  curl_adapter::CurlHttpClient client;
  for (const std::string url : {"file:///etc/passwd", "ftp://example.com/x", "gopher://x", "",
                                "example.com/hook", "http://a.example/\r\nX: y"}) {
    EXPECT_EQ(client.Post(url, {}, "{}", 1s).status().code(), ErrorCode::kInvalidArgument) << url;
  }
  const std::string ok_url = "http://127.0.0.1:1/";
  EXPECT_EQ(client.Post(ok_url, {{"X-A", "1\r\nX-Injected: 1"}}, "", 1s).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(client.Post(ok_url, {{"X-A\n", "1"}}, "", 1s).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(client.Post(ok_url, {{"", "1"}}, "", 1s).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(client.Post(ok_url, {}, "", 0ms).status().code(), ErrorCode::kInvalidArgument);
}

TEST(CurlHttpClient, ConcurrentCallsEachGetTheirOwnAnswer) {
  HttpTestServer server(
      [](const HttpTestRequest& req) { return HttpTestServer::Response(200, "echo:" + req.body); });
  curl_adapter::CurlHttpClient client;
  constexpr int kThreads = 4;
  std::vector<std::string> answers(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = client.Post(server.Url(), {}, "n" + std::to_string(i), 5s);
      if (r.ok()) answers[static_cast<std::size_t>(i)] = r->body;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(answers[static_cast<std::size_t>(i)], "echo:n" + std::to_string(i));
  }
}

// The SSRF guard at connection time: the address libcurl connects to is checked, whatever the
// URL says, so a name that resolves to loopback now (as after DNS rebinding) is refused too.
TEST(CurlHttpClient, RefusingPrivateNetworksRefusesTheAddressItWouldConnectTo) {
  HttpTestServer server([](const HttpTestRequest&) { return HttpTestServer::Response(200, "ok"); });
  curl_adapter::CurlHttpClientOptions options;
  options.refuse_private_networks = true;
  curl_adapter::CurlHttpClient guarded(options);
  const std::string port = server.Url("/").substr(std::string("http://127.0.0.1:").size());
  for (const std::string& url : {server.Url("/hook"), "http://localhost:" + port + "hook"}) {
    auto r = guarded.Post(url, {}, "{}", 5s);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << url;
    EXPECT_NE(r.status().message().find("(loopback)"), std::string::npos) << r.status().message();
  }
  EXPECT_TRUE(server.requests().empty()) << "nothing may reach a refused address";

  curl_adapter::CurlHttpClient open;  // the default lets loopback through
  auto r = open.Post(server.Url("/hook"), {}, "{}", 5s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.requests().size(), 1u);
}

// Registration: URLs whose host is or resolves to a non-public address are refused. Loopback
// names and addresses only (the names resolve through /etc/hosts): which ranges count as private
// or link-local is IpRanges' to test, as a pure function of the text (src/core/ip_ranges_test.cc).
TEST(CheckPublicUrl, RefusesLoopbackLinkLocalAndPrivateHosts) {
  struct Case {
    std::string url;
    std::string says;
  };
  const Case cases[] = {
      {"http://localhost/hook", "loopback"},
      {"http://localhost:9/hook", "loopback"},
      {"http://127.0.0.2/hook", "loopback"},
      {"https://[::1]:8443/hook", "loopback"},
      {"http://2130706433/hook", "loopback"},  // 127.0.0.1 written as one number
      {"http://0x7f.1/hook", "loopback"},      // and in hex, as inet_aton reads it
      {"http://[::ffff:127.0.0.1]/hook", "loopback"},
      {"http://0.0.0.0/hook", "non-routable"},
      {"http://user:secret@127.0.0.3/hook", "loopback"},
  };
  for (const Case& c : cases) {
    const Status s = curl_adapter::CheckPublicUrl(c.url);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << c.url;
    EXPECT_NE(s.message().find("a " + c.says + " address"), std::string::npos)
        << c.url << ": " << s.message();
    EXPECT_EQ(s.message().find("secret"), std::string::npos) << "credentials in a message";
  }
  for (const std::string url : {"ftp://198.51.100.1/x", "http://", "http://exa mple/x", "hook"}) {
    EXPECT_EQ(curl_adapter::CheckPublicUrl(url).code(), ErrorCode::kInvalidArgument) << url;
  }
  // A public literal passes (nothing is connected to; no DNS for a literal).
  EXPECT_TRUE(curl_adapter::CheckPublicUrl("https://198.51.100.7:8443/hook").ok());
  EXPECT_TRUE(curl_adapter::CheckPublicUrl("https://[2001:db8::7]/hook").ok());
}

}  // namespace
}  // namespace sheaf
