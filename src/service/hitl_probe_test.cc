// SPDX-License-Identifier: GPL-3.0-or-later
//
// HitlProbe against a real loopback HTTP server through libcurl, its breaker on a virtual clock.
#include "service/hitl_probe.h"

#include <gtest/gtest.h>

#include <atomic>

#include "adapters/curl/curl_http_client.h"
#include "http_test_server.h"
#include "resilience/manual_clock.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestRequest;
using testing::HttpTestServer;

CircuitBreakerConfig SmallWindow() {
  CircuitBreakerConfig c;
  c.sliding_window_type = SlidingWindowType::kCountBased;
  c.sliding_window_size = 2;
  c.minimum_number_of_calls = 2;
  c.failure_rate_threshold = 50;
  c.wait_duration_in_open_state = 120s;
  c.permitted_number_of_calls_in_half_open_state = 1;
  c.automatic_transition_from_open_to_half_open = true;
  return c;
}

class HitlProbeTest : public ::testing::Test {
 protected:
  std::atomic<int> status_{200};
  HttpTestServer server_{[this](const HttpTestRequest&) {
    return HttpTestServer::Response(status_.load(), status_.load() == 200 ? "ok" : "not ready");
  }};
  ManualClock clock_;
  CircuitBreaker breaker_{"hitl", SmallWindow(), &clock_};
  curl_adapter::CurlHttpClient http_;
};

TEST_F(HitlProbeTest, AReadyReviewServiceKeepsTheBreakerClosedAndIsAskedForReadyz) {
  HitlProbe probe(&http_, &breaker_, {server_.Url("/"), 2s, 2s});
  EXPECT_TRUE(probe.ProbeOnce());
  EXPECT_TRUE(probe.ProbeOnce());
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/readyz");
}

TEST_F(HitlProbeTest, NotReadyOpensTheBreakerNothingIsSentWhileOpenAndReadyAgainClosesIt) {
  HitlProbe probe(&http_, &breaker_, {server_.Url(""), 2s, 2s});
  status_ = 503;
  EXPECT_TRUE(probe.ProbeOnce());
  EXPECT_TRUE(probe.ProbeOnce());
  EXPECT_EQ(breaker_.state(), BreakerState::kOpen);
  const std::size_t sent = server_.requests().size();
  EXPECT_FALSE(probe.ProbeOnce());  // refused by the breaker: no request
  EXPECT_EQ(server_.requests().size(), sent);

  status_ = 200;
  clock_.Advance(121s);
  EXPECT_TRUE(probe.ProbeOnce());  // the half-open probe
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
}

TEST_F(HitlProbeTest, AReviewServiceThatIsNotThereCountsAsFailures) {
  HitlProbe probe(&http_, &breaker_,
                  {"http://127.0.0.1:" + std::to_string(testing::RefusingPort()), 2s, 2s});
  EXPECT_TRUE(probe.ProbeOnce());
  EXPECT_TRUE(probe.ProbeOnce());
  EXPECT_EQ(breaker_.state(), BreakerState::kOpen);
}

TEST_F(HitlProbeTest, TheThreadProbesUntilStopped) {
  HitlProbe probe(&http_, &breaker_, {server_.Url(""), 10ms, 2s});
  ASSERT_TRUE(probe.Start().ok());
  for (int i = 0; i < 500 && server_.requests().size() < 3; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  probe.Stop();
  const std::size_t after_stop = server_.requests().size();
  EXPECT_GE(after_stop, 3u);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server_.requests().size(), after_stop);
}

}  // namespace
}  // namespace sheaf
