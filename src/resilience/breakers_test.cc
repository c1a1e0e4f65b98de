// SPDX-License-Identifier: GPL-3.0-or-later
#include "resilience/breakers.h"

#include <gtest/gtest.h>

#include "resilience/manual_clock.h"

namespace sheaf {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// The design's table: failure threshold, window, recovery (open) time per dependency.
TEST(BreakerDefaults, FollowTheDesignTable) {
  struct Row {
    std::string name;
    double rate;
    int window_s;
    int open_s;
  };
  const std::vector<Row> rows = {{"ocr", 50, 30, 60},
                                 {"foundation-model", 30, 30, 120},
                                 {"database", 30, 10, 30},
                                 {"hitl", 50, 60, 120},
                                 {"webhook", 50, 60, 300}};
  const auto configs = DefaultBreakerConfigs();
  ASSERT_EQ(configs.size(), rows.size());
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const CircuitBreakerConfig& c = configs.at(r.name);
    EXPECT_TRUE(c.Validate().ok());
    EXPECT_EQ(c.sliding_window_type, SlidingWindowType::kTimeBased);
    EXPECT_EQ(c.sliding_window_size, r.window_s);
    EXPECT_EQ(c.failure_rate_threshold, r.rate);
    EXPECT_EQ(c.wait_duration_in_open_state, seconds(r.open_s));
    EXPECT_EQ(c.minimum_number_of_calls, 5);
    EXPECT_EQ(c.permitted_number_of_calls_in_half_open_state, 3);
    EXPECT_TRUE(c.automatic_transition_from_open_to_half_open);
  }
  EXPECT_EQ(configs.at("foundation-model").slow_call_duration_threshold, seconds(10));
  EXPECT_EQ(configs.at("foundation-model").slow_call_rate_threshold, 50);
}

TEST(BreakerOverrides, ApplyPerDependencyAndValidate) {
  auto configs = DefaultBreakerConfigs();
  ASSERT_TRUE(ApplyBreakerOverrides(
                  "webhook.failure-rate-threshold=40, webhook.wait-duration-in-open-state=1500ms,"
                  "ocr.sliding-window-type=count-based,ocr.sliding-window-size=10,"
                  "database.slow-call-duration-threshold=2m,"
                  "hitl.automatic-transition-from-open-to-half-open=false,"
                  "foundation-model.wait-duration-in-open-state=90",
                  &configs)
                  .ok());
  EXPECT_EQ(configs["webhook"].failure_rate_threshold, 40);
  EXPECT_EQ(configs["webhook"].wait_duration_in_open_state, milliseconds(1500));
  EXPECT_EQ(configs["ocr"].sliding_window_type, SlidingWindowType::kCountBased);
  EXPECT_EQ(configs["ocr"].sliding_window_size, 10);
  EXPECT_EQ(configs["database"].slow_call_duration_threshold, seconds(120));
  EXPECT_FALSE(configs["hitl"].automatic_transition_from_open_to_half_open);
  EXPECT_EQ(configs["foundation-model"].wait_duration_in_open_state, seconds(90));
}

TEST(BreakerOverrides, RejectWithAClearErrorAndLeaveTheConfigsAlone) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"webhook.failure-rate-threshold=0", "failure-rate-threshold must be in (0, 100]"},
      {"webhook.failure-rate-threshold=abc", "webhook.failure-rate-threshold: invalid value"},
      {"mail.failure-rate-threshold=50", "unknown dependency \"mail\""},
      {"ocr.colour=blue", "ocr: unknown key \"colour\""},
      {"ocr=5", "expected DEPENDENCY.KEY=VALUE"},
      {"ocr.wait-duration-in-open-state=-5s", "invalid value"},
      {"ocr.sliding-window-type=hourly", "invalid value"},
      {"ocr.sliding-window-size=2.5", "invalid value"},
  };
  for (const auto& [text, want] : cases) {
    SCOPED_TRACE(text);
    auto configs = DefaultBreakerConfigs();
    Status s = ApplyBreakerOverrides("webhook.failure-rate-threshold=70," + text, &configs);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.message().find(want), std::string::npos) << s.message();
    EXPECT_EQ(configs["webhook"].failure_rate_threshold, 50);
  }
}

TEST(CircuitBreakerRegistry, MakesOneBreakerPerNameWithItsDependencysConfig) {
  ManualClock clock;
  auto configs = DefaultBreakerConfigs();
  CircuitBreakerRegistry registry(configs, &clock);
  std::vector<std::string> transitions;
  registry.AddListener([&](const BreakerTransition& t) {
    transitions.push_back(t.name + ":" + std::string(BreakerStateName(t.to)));
  });
  CircuitBreaker& a = registry.Get("webhook:http://127.0.0.1:1");
  CircuitBreaker& b = registry.Get("webhook:http://127.0.0.1:2");
  EXPECT_EQ(&a, &registry.Get("webhook:http://127.0.0.1:1"));
  EXPECT_NE(&a, &b);
  EXPECT_EQ(a.config().wait_duration_in_open_state, seconds(300));
  EXPECT_EQ(registry.Get("database").config().sliding_window_size, 10);
  EXPECT_EQ(registry.StateOf("hitl"), BreakerState::kClosed);  // never made: closed
  for (int i = 0; i < 5; ++i) a.OnError(milliseconds(1));
  EXPECT_EQ(registry.StateOf("webhook:http://127.0.0.1:1"), BreakerState::kOpen);
  EXPECT_EQ(registry.StateOf("webhook:http://127.0.0.1:2"), BreakerState::kClosed);
  ASSERT_EQ(transitions.size(), 1u);
  EXPECT_EQ(transitions[0], "webhook:http://127.0.0.1:1:open");
  int count = 0;
  registry.ForEach([&](CircuitBreaker&) { ++count; });
  EXPECT_EQ(count, 3);
}

}  // namespace
}  // namespace sheaf
