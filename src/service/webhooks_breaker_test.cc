// SPDX-License-Identifier: GPL-3.0-or-later
//
// Webhook delivery behind a circuit breaker per receiver, against real loopback receivers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>

#include "adapters/curl/curl_http_client.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "fixtures.h"
#include "http_test_server.h"
#include "resilience/breakers.h"
#include "resilience/manual_clock.h"
#include "service/webhooks.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::system_clock;

TEST(ReceiverBreakerName, IsTheSchemeHostAndPortOnly) {
  EXPECT_EQ(ReceiverBreakerName("http://127.0.0.1:8080/hooks?x=1"), "webhook:http://127.0.0.1:8080");
  EXPECT_EQ(ReceiverBreakerName("https://user:pw@Hooks.Example/in#f"),
            "webhook:https://hooks.example");
  EXPECT_EQ(ReceiverBreakerName("https://hooks.example?x"), "webhook:https://hooks.example");
}

class WebhookBreakerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir();
    SqliteMetadataStoreOptions o;
    o.clock = [this] { return Now(); };
    auto s = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  system_clock::time_point Now() const {
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(milliseconds(now_ms_.load())));
  }
  // A tenant with one document; returns {tenant id, document id}.
  std::pair<std::string, std::string> MakeTenant(const std::string& name) {
    auto t = store_->CreateTenant(name, "cli:test");
    EXPECT_TRUE(t.ok());
    DocumentRecord d;
    d.id = NewDocumentId();
    d.source_name = "a.pdf";
    d.sha256 = std::string(64, 'a');
    EXPECT_TRUE(store_->CreateDocument(t->id, d, 0, "key:test").ok());
    return {t->id, d.id};
  }
  std::string Enqueue(const std::pair<std::string, std::string>& tenant, const std::string& url,
                      int n) {
    auto e = store_->EnqueueWebhook(tenant.first, {tenant.second, url, "document.completed",
                                                   "{\"n\":" + std::to_string(n) + "}"});
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? e->event_id : "";
  }
  WebhookEvent Get(const std::string& tenant_id, const std::string& event_id) {
    auto e = store_->GetWebhook(tenant_id, event_id);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : WebhookEvent();
  }

  std::string dir_;
  std::atomic<std::int64_t> now_ms_{1'700'000'000'000};
  std::unique_ptr<SqliteMetadataStore> store_;
};

TEST_F(WebhookBreakerTest, AHangingReceiverOpensItsBreakerWhileAnotherTenantKeepsReceiving) {
  std::atomic<bool> dead_hangs{true};
  testing::HttpTestServer dead([&](const testing::HttpTestRequest&) -> std::optional<std::string> {
    if (dead_hangs) return std::nullopt;  // never answers: the request times out
    return testing::HttpTestServer::Response(200);
  });
  testing::HttpTestServer alive(
      [](const testing::HttpTestRequest&) { return testing::HttpTestServer::Response(204); });

  ManualClock breaker_clock;
  auto configs = DefaultBreakerConfigs();  // webhook: 50 % of >= 5 calls in 60 s, open 300 s
  CircuitBreakerRegistry breakers(configs, &breaker_clock);
  curl_adapter::CurlHttpClient http;
  WebhookDelivererDeps deps;
  deps.metadata = store_.get();
  deps.http = &http;
  deps.clock = [this] { return Now(); };
  deps.breakers = &breakers;
  WebhookDelivererOptions options;
  options.jitter_seed = 42;
  options.claim_batch = 32;
  options.request_timeout = 300ms;
  WebhookDeliverer deliverer(deps, options);

  const auto a = MakeTenant("acme");
  const auto b = MakeTenant("globex");
  std::vector<std::string> a_events, b_events;
  for (int i = 0; i < 10; ++i) {
    a_events.push_back(Enqueue(a, dead.Url("/in"), i));
    b_events.push_back(Enqueue(b, alive.Url("/in"), i));
  }

  ASSERT_EQ(*deliverer.RunOnce(), 20);
  // The dead receiver got the 5 requests that opened its breaker, no more; the other tenant's
  // receiver got all of its events.
  EXPECT_EQ(dead.requests().size(), 5u);
  EXPECT_EQ(alive.requests().size(), 10u);
  for (const std::string& id : b_events) {
    EXPECT_EQ(Get(b.first, id).state, WebhookState::kDelivered);
  }
  EXPECT_EQ(breakers.StateOf(ReceiverBreakerName(dead.Url("/in"))), BreakerState::kOpen);
  EXPECT_EQ(breakers.StateOf(ReceiverBreakerName(alive.Url("/in"))), BreakerState::kClosed);
  EXPECT_EQ(deliverer.deferred(), 5u);
  EXPECT_EQ(deliverer.retried(), 5u);  // the 5 requests that timed out; deferrals are not attempts
  int deferred = 0;
  for (const std::string& id : a_events) {
    const WebhookEvent e = Get(a.first, id);
    EXPECT_EQ(e.state, WebhookState::kPending);
    if (e.last_error.find("circuit breaker") != std::string::npos) {
      ++deferred;
      EXPECT_EQ(e.last_error, "not attempted: circuit breaker " +
                                  ReceiverBreakerName(dead.Url("/in")) + " is open");
      // Not due before the breaker lets probes through.
      EXPECT_GE(e.next_attempt_at, now_ms_.load() + 300'000);
    }
  }
  EXPECT_EQ(deferred, 5);

  // While open, nothing reaches the dead receiver even when its events are due.
  now_ms_ += 3'600'000;
  ASSERT_EQ(*deliverer.RunOnce(), 10);
  EXPECT_EQ(dead.requests().size(), 5u);
  EXPECT_EQ(deliverer.deferred(), 15u);
  EXPECT_EQ(deliverer.retried(), 5u);

  // The receiver comes back; after the open wait the breaker lets 3 probes through, they
  // succeed, it closes and the rest follow.
  dead_hangs = false;
  breaker_clock.Advance(300s);
  now_ms_ += 3'600'000;
  ASSERT_EQ(*deliverer.RunOnce(), 10);
  EXPECT_EQ(breakers.StateOf(ReceiverBreakerName(dead.Url("/in"))), BreakerState::kClosed);
  for (const std::string& id : a_events) {
    EXPECT_EQ(Get(a.first, id).state, WebhookState::kDelivered) << id;
  }
  EXPECT_EQ(dead.requests().size(), 15u);
  const BreakerSnapshot snap = breakers.Get(ReceiverBreakerName(dead.Url("/in"))).Snapshot();
  EXPECT_EQ((snap.transitions.at({BreakerState::kClosed, BreakerState::kOpen})), 1u);
  EXPECT_EQ((snap.transitions.at({BreakerState::kHalfOpen, BreakerState::kClosed})), 1u);
}

TEST_F(WebhookBreakerTest, WithoutBreakersEveryDueEventIsAttempted) {
  testing::HttpTestServer failing(
      [](const testing::HttpTestRequest&) { return testing::HttpTestServer::Response(500); });
  curl_adapter::CurlHttpClient http;
  WebhookDelivererDeps deps;
  deps.metadata = store_.get();
  deps.http = &http;
  deps.clock = [this] { return Now(); };
  WebhookDelivererOptions options;
  options.jitter_seed = 42;
  WebhookDeliverer deliverer(deps, options);
  const auto a = MakeTenant("acme");
  for (int i = 0; i < 8; ++i) Enqueue(a, failing.Url("/in"), i);
  ASSERT_EQ(*deliverer.RunOnce(), 8);
  EXPECT_EQ(failing.requests().size(), 8u);
  EXPECT_EQ(deliverer.deferred(), 0u);
}

}  // namespace
}  // namespace sheaf
