// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/webhooks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "adapters/curl/curl_http_client.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "fixtures.h"
#include "http_test_server.h"
#include "queue/backoff.h"
#include "sheaf/build_info.h"
#include "sheaf/hash.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::system_clock;

constexpr std::int64_t kStart = 1'700'000'000'000;

// Records every request and answers from a script (then with the fallback).
class FakeHttpClient final : public HttpClient {
 public:
  struct Call {
    std::string url;
    HttpHeaders headers;
    std::string body;
    milliseconds timeout;
    std::string Header(const std::string& name) const {
      for (const auto& [n, v] : headers) {
        if (n == name) return v;
      }
      return "<missing>";
    }
  };

  Result<HttpResponse> Get(const std::string& url, const HttpHeaders&, milliseconds) override {
    return Status(ErrorCode::kInvalidArgument, "webhooks only POST (asked to GET " + url + ")");
  }
  Result<HttpResponse> Post(const std::string& url, const HttpHeaders& headers,
                            std::string_view body, milliseconds timeout) override {
    std::function<void()> during;
    Result<HttpResponse> answer = fallback;
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back({url, headers, std::string(body), timeout});
      if (!script_.empty()) {
        answer = script_.front();
        script_.pop_front();
      }
      during = during_call;
    }
    if (during) during();
    return answer;
  }

  void Then(Result<HttpResponse> answer) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(std::move(answer));
  }
  std::vector<Call> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

  Result<HttpResponse> fallback = HttpResponse{200, "ok"};
  std::function<void()> during_call;  // runs inside every call (set before the worker starts)

 private:
  mutable std::mutex mu_;
  std::vector<Call> calls_;
  std::deque<Result<HttpResponse>> script_;
};

class WebhookDelivererTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir();
    SqliteMetadataStoreOptions o;
    o.clock = [this] { return Now(); };
    auto s = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto t = store_->CreateTenant("acme", "cli:test");
    ASSERT_TRUE(t.ok());
    tenant_ = *t;
    DocumentRecord d;
    d.id = NewDocumentId();
    d.source_name = "a.pdf";
    d.sha256 = std::string(64, 'a');
    auto created = store_->CreateDocument(tenant_.id, d, 0, "key:test");
    ASSERT_TRUE(created.ok());
    doc_id_ = d.id;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  system_clock::time_point Now() const {
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(milliseconds(now_ms_.load())));
  }
  void AdvanceTo(std::int64_t ms) { now_ms_ = ms; }

  WebhookDelivererOptions Options() {
    WebhookDelivererOptions o;
    o.jitter_seed = 42;
    o.poll_interval = 10ms;
    return o;
  }
  std::unique_ptr<WebhookDeliverer> Make(HttpClient* http, WebhookDelivererOptions o) {
    WebhookDelivererDeps deps;
    deps.metadata = store_.get();
    deps.http = http;
    deps.clock = [this] { return Now(); };
    return std::make_unique<WebhookDeliverer>(deps, o);
  }
  WebhookEvent Enqueue(const std::string& body, const std::string& url = "https://h.example/in") {
    auto e = store_->EnqueueWebhook(tenant_.id, {doc_id_, url, "document.completed", body});
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : WebhookEvent();
  }
  WebhookEvent Get(const std::string& event_id) {
    auto e = store_->GetWebhook(tenant_.id, event_id);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : WebhookEvent();
  }

  std::string dir_;
  std::atomic<std::int64_t> now_ms_{kStart};
  std::unique_ptr<SqliteMetadataStore> store_;
  Tenant tenant_;
  std::string doc_id_;
};

TEST_F(WebhookDelivererTest, PostsTheStoredBodySignedWithTheTenantsSecret) {
  FakeHttpClient http;
  auto deliverer = Make(&http, Options());
  const std::string body = R"({"event":"document.completed","id":"x","total":"12.50 €"})";
  const WebhookEvent e = Enqueue(body, "https://hooks.example/sheaf?t=1");

  auto n = deliverer->RunOnce();
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);
  const auto calls = http.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].url, "https://hooks.example/sheaf?t=1");
  EXPECT_EQ(calls[0].body, body);
  EXPECT_EQ(calls[0].timeout, WebhookDelivererOptions().request_timeout);
  const HttpHeaders expected = {
      {"Content-Type", "application/json"},
      {"User-Agent", std::string("sheaf/") + SHEAF_VERSION},
      {"X-Sheaf-Event-Id", e.event_id},
      {"X-Sheaf-Event-Type", "document.completed"},
      {"X-Sheaf-Signature", "sha256=" + HmacSha256Hex(tenant_.webhook_secret, body)},
  };
  EXPECT_EQ(calls[0].headers, expected);
  EXPECT_EQ(Get(e.event_id).state, WebhookState::kDelivered);
  EXPECT_EQ(deliverer->delivered(), 1u);
  EXPECT_EQ(deliverer->retried(), 0u);
  EXPECT_EQ(deliverer->failed(), 0u);
  EXPECT_EQ(store_->ListAudit(tenant_.id, 0, 100)->back().action, "document.exported");

  // Nothing more is due: no second request.
  EXPECT_EQ(*deliverer->RunOnce(), 0);
  EXPECT_EQ(http.calls().size(), 1u);
}

TEST_F(WebhookDelivererTest, TheSignatureUsesTheInjectedHmacOverTheExactBody) {
  FakeHttpClient http;
  WebhookDelivererDeps deps;
  deps.metadata = store_.get();
  deps.http = &http;
  deps.clock = [this] { return Now(); };
  std::vector<std::pair<std::string, std::string>> signed_args;
  deps.hmac = [&](std::string_view key, std::string_view data) {
    signed_args.emplace_back(std::string(key), std::string(data));
    return std::string("f00d");
  };
  WebhookDeliverer deliverer(deps, Options());
  Enqueue("{\"a\":1}\n");
  ASSERT_TRUE(deliverer.RunOnce().ok());
  ASSERT_EQ(signed_args.size(), 1u);
  EXPECT_EQ(signed_args[0].first, tenant_.webhook_secret);
  EXPECT_EQ(signed_args[0].second, "{\"a\":1}\n");
  EXPECT_EQ(http.calls()[0].Header("X-Sheaf-Signature"), "sha256=f00d");
}

TEST_F(WebhookDelivererTest, FailedAttemptsAreRetriedAfterFullJitterBackoffWithTheSameEvent) {
  FakeHttpClient http;
  http.Then(HttpResponse{503, "busy"});
  http.Then(Status(ErrorCode::kUnavailable, "POST https://h.example/in: timed out"));
  http.Then(HttpResponse{200, ""});
  WebhookDelivererOptions o = Options();
  auto deliverer = Make(&http, o);
  const std::string body = R"({"event":"document.completed"})";
  const WebhookEvent e = Enqueue(body);

  // The delays are RetryDelay's, drawn from a generator seeded like the deliverer's.
  Rng rng(o.jitter_seed);
  const std::int64_t delay1 = RetryDelay(1, o.backoff, rng).count();
  const std::int64_t delay2 = RetryDelay(2, o.backoff, rng).count();

  ASSERT_EQ(*deliverer->RunOnce(), 1);
  WebhookEvent after = Get(e.event_id);
  EXPECT_EQ(after.state, WebhookState::kPending);
  EXPECT_EQ(after.last_error, "HTTP 503: busy");
  EXPECT_EQ(after.next_attempt_at, kStart + delay1);
  EXPECT_LE(delay1, RetryCeiling(1, o.backoff).count());
  EXPECT_EQ(deliverer->retried(), 1u);

  // Not due before its time.
  AdvanceTo(kStart + delay1 - 1);
  EXPECT_EQ(*deliverer->RunOnce(), 0);
  EXPECT_EQ(http.calls().size(), 1u);

  AdvanceTo(kStart + delay1);
  ASSERT_EQ(*deliverer->RunOnce(), 1);
  after = Get(e.event_id);
  EXPECT_EQ(after.state, WebhookState::kPending);
  EXPECT_EQ(after.attempts, 2);
  EXPECT_NE(after.last_error.find("timed out"), std::string::npos) << after.last_error;
  EXPECT_EQ(after.next_attempt_at, kStart + delay1 + delay2);
  EXPECT_EQ(deliverer->retried(), 2u);

  AdvanceTo(kStart + delay1 + delay2);
  ASSERT_EQ(*deliverer->RunOnce(), 1);
  EXPECT_EQ(Get(e.event_id).state, WebhookState::kDelivered);
  EXPECT_EQ(deliverer->delivered(), 1u);

  // Every attempt carried the same id, body and signature.
  const auto calls = http.calls();
  ASSERT_EQ(calls.size(), 3u);
  for (const auto& call : calls) {
    EXPECT_EQ(call.body, body);
    EXPECT_EQ(call.Header("X-Sheaf-Event-Id"), e.event_id);
    EXPECT_EQ(call.Header("X-Sheaf-Signature"), calls[0].Header("X-Sheaf-Signature"));
  }
}

TEST_F(WebhookDelivererTest, GivesUpOnceTheRetryWindowHasClosedAndReplayStartsAgain) {
  FakeHttpClient http;
  http.fallback = HttpResponse{500, "broken"};
  WebhookDelivererOptions o = Options();
  o.retry_window = 1h;
  auto deliverer = Make(&http, o);
  const WebhookEvent e = Enqueue("{}");

  constexpr std::int64_t kWindowEnd = kStart + 3'600'000;
  // Attempts inside the window are retried, however many.
  int attempts = 0;
  std::int64_t next = kStart;
  while (next < kWindowEnd) {
    AdvanceTo(next);
    ASSERT_EQ(*deliverer->RunOnce(), 1);
    ++attempts;
    const WebhookEvent now = Get(e.event_id);
    ASSERT_EQ(now.state, WebhookState::kPending);
    EXPECT_EQ(now.attempts, attempts);
    EXPECT_LE(now.next_attempt_at - next, RetryCeiling(attempts, o.backoff).count());
    next = now.next_attempt_at;
  }
  EXPECT_GT(attempts, 5);
  EXPECT_EQ(deliverer->retried(), static_cast<std::uint64_t>(attempts));
  EXPECT_EQ(deliverer->failed(), 0u);

  // The first attempt at or after the window's end is the last.
  AdvanceTo(next);
  ASSERT_EQ(*deliverer->RunOnce(), 1);
  WebhookEvent gone = Get(e.event_id);
  EXPECT_EQ(gone.state, WebhookState::kFailed);
  EXPECT_EQ(gone.last_error, "HTTP 500: broken");
  EXPECT_EQ(deliverer->failed(), 1u);
  EXPECT_EQ(store_->ListAudit(tenant_.id, 0, 100)->back().action, "webhook.failed");
  AdvanceTo(kStart + 10 * 3'600'000);
  EXPECT_EQ(*deliverer->RunOnce(), 0) << "a failed event is not claimed again";

  // A replay opens a fresh window; the same id and body are delivered.
  http.fallback = HttpResponse{204, ""};
  ASSERT_TRUE(store_->ReplayWebhook(tenant_.id, e.event_id, "cli:ops").ok());
  ASSERT_EQ(*deliverer->RunOnce(), 1);
  EXPECT_EQ(Get(e.event_id).state, WebhookState::kDelivered);
  EXPECT_EQ(http.calls().back().Header("X-Sheaf-Event-Id"), e.event_id);
  EXPECT_EQ(http.calls().back().body, "{}");
}

TEST_F(WebhookDelivererTest, AnUnsendableRequestIsGivenUpAtOnce) {
  FakeHttpClient http;
  http.Then(Status(ErrorCode::kInvalidArgument, "POST ftp://x: only http:// and https:// URLs"));
  auto deliverer = Make(&http, Options());
  const WebhookEvent e = Enqueue("{}", "ftp://x/in");
  ASSERT_EQ(*deliverer->RunOnce(), 1);
  EXPECT_EQ(Get(e.event_id).state, WebhookState::kFailed);
  EXPECT_EQ(deliverer->failed(), 1u);
  EXPECT_EQ(deliverer->retried(), 0u);
}

TEST_F(WebhookDelivererTest, EventsThatCannotFinishWithinTheLeaseAreHandedBack) {
  FakeHttpClient http;
  // Each POST takes its whole timeout on the fake clock.
  http.during_call = [this] { now_ms_ += 4000; };
  WebhookDelivererOptions o = Options();
  o.claim_batch = 3;
  o.lease = 10s;
  o.request_timeout = 4s;
  auto deliverer = Make(&http, o);
  const WebhookEvent a = Enqueue("a");
  AdvanceTo(kStart + 1);
  const WebhookEvent b = Enqueue("b");
  AdvanceTo(kStart + 2);
  const WebhookEvent c = Enqueue("c");

  ASSERT_EQ(*deliverer->RunOnce(), 3);
  EXPECT_EQ(http.calls().size(), 2u) << "a third POST could outlast the lease";
  EXPECT_EQ(Get(a.event_id).state, WebhookState::kDelivered);
  EXPECT_EQ(Get(b.event_id).state, WebhookState::kDelivered);
  const WebhookEvent back = Get(c.event_id);
  EXPECT_EQ(back.state, WebhookState::kPending);
  EXPECT_EQ(back.next_attempt_at, now_ms_.load()) << "due again at once";
  EXPECT_EQ(deliverer->delivered(), 2u);
  EXPECT_EQ(deliverer->retried(), 0u) << "handing back is not a failed attempt";

  ASSERT_EQ(*deliverer->RunOnce(), 1);
  EXPECT_EQ(Get(c.event_id).state, WebhookState::kDelivered);
}

TEST_F(WebhookDelivererTest, TheWorkerDeliversAndStopsAfterTheCallInFlight) {
  FakeHttpClient http;
  std::atomic<bool> in_flight{false};
  std::atomic<int> count{0};
  http.during_call = [&] {
    if (count.fetch_add(1) == 0) {
      in_flight = true;
      std::this_thread::sleep_for(300ms);  // a slow receiver, within the call's timeout
    }
  };
  http.Then(HttpResponse{502, ""});
  WebhookDelivererOptions o = Options();
  auto deliverer = Make(&http, o);
  const WebhookEvent first = Enqueue("1");
  AdvanceTo(kStart + 1);
  const WebhookEvent second = Enqueue("2");
  AdvanceTo(kStart + 2);
  const WebhookEvent third = Enqueue("3");
  ASSERT_TRUE(deliverer->Start().ok());
  ASSERT_TRUE(deliverer->Start().ok()) << "starting twice is harmless";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!in_flight && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_TRUE(in_flight);
  const auto stop_start = std::chrono::steady_clock::now();
  deliverer->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, 5s);
  deliverer->Stop();  // idempotent

  // The call in flight was settled; the others were handed back, due now, not attempted.
  EXPECT_EQ(http.calls().size(), 1u);
  EXPECT_EQ(deliverer->retried(), 1u);
  EXPECT_EQ(Get(first.event_id).last_error, "HTTP 502");
  for (const WebhookEvent& e : {second, third}) {
    const WebhookEvent now = Get(e.event_id);
    EXPECT_EQ(now.state, WebhookState::kPending);
    EXPECT_NE(now.last_error.find("stopped"), std::string::npos) << now.last_error;
  }

  // Started again, it delivers what is due (the fake clock stands still: the retried one waits).
  ASSERT_TRUE(deliverer->Start().ok());
  const auto deadline2 = std::chrono::steady_clock::now() + 10s;
  while (deliverer->delivered() < 2 && std::chrono::steady_clock::now() < deadline2) {
    std::this_thread::sleep_for(1ms);
  }
  deliverer->Stop();
  EXPECT_EQ(deliverer->delivered(), 2u);
  EXPECT_EQ(Get(second.event_id).state, WebhookState::kDelivered);
  EXPECT_EQ(Get(third.event_id).state, WebhookState::kDelivered);
}

TEST_F(WebhookDelivererTest, StartRefusesMissingDependencies) {
  WebhookDeliverer none({}, Options());
  EXPECT_EQ(none.Start().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(none.RunOnce().status().code(), ErrorCode::kInvalidArgument);
  FakeHttpClient http;
  WebhookDelivererOptions o = Options();
  o.poll_interval = 0ms;
  EXPECT_EQ(Make(&http, o)->Start().code(), ErrorCode::kInvalidArgument);
}

// The real client against a real server: what a receiver gets on the wire, and how it checks it.
TEST_F(WebhookDelivererTest, AReceiverGetsVerifiableRequestsOverHttp) {
  std::atomic<int> seen{0};
  testing::HttpTestServer server([&](const testing::HttpTestRequest&) {
    return testing::HttpTestServer::Response(seen.fetch_add(1) == 0 ? 500 : 200);
  });
  curl_adapter::CurlHttpClient http;
  auto deliverer = Make(&http, Options());
  const std::string body = "{\"event\":\"document.completed\",\"note\":\"\xc3\xa9\"}";
  const WebhookEvent e = Enqueue(body, server.Url("/hooks/sheaf"));
  ASSERT_EQ(*deliverer->RunOnce(), 1);
  AdvanceTo(Get(e.event_id).next_attempt_at);
  ASSERT_EQ(*deliverer->RunOnce(), 1);
  EXPECT_EQ(Get(e.event_id).state, WebhookState::kDelivered);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& req : requests) {
    EXPECT_EQ(req.target, "/hooks/sheaf");
    EXPECT_EQ(req.body, body);
    EXPECT_EQ(req.Header("Content-Type"), "application/json");
    EXPECT_EQ(req.Header("X-Sheaf-Event-Id"), e.event_id);
    EXPECT_EQ(req.Header("X-Sheaf-Event-Type"), "document.completed");
    // What a receiver does: recompute the HMAC of the raw body with the shared secret.
    EXPECT_EQ(req.Header("X-Sheaf-Signature"),
              "sha256=" + HmacSha256Hex(tenant_.webhook_secret, req.body));
  }
}

}  // namespace
}  // namespace sheaf
