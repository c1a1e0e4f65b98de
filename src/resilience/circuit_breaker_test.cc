// SPDX-License-Identifier: GPL-3.0-or-later
#include "resilience/circuit_breaker.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "resilience/manual_clock.h"

namespace sheaf {
namespace {

using std::chrono::milliseconds;

// A scenario is a list of steps run on a virtual clock, one word each:
//   ok | fail         a permitted call that succeeded / failed in 1 ms
//   ok@MS | fail@MS   the same, taking MS milliseconds
//   +MS               the clock advances MS milliseconds
//   permit | deny     TryAcquirePermission must return true / false (nothing recorded)
//   release           ReleasePermission
//   =STATE            state() must be closed | open | half_open
struct Scenario {
  std::string name;
  CircuitBreakerConfig config;
  std::string steps;
};

CircuitBreakerConfig CountBased(int size, int min_calls, double failure_rate) {
  CircuitBreakerConfig c;
  c.sliding_window_type = SlidingWindowType::kCountBased;
  c.sliding_window_size = size;
  c.minimum_number_of_calls = min_calls;
  c.failure_rate_threshold = failure_rate;
  c.wait_duration_in_open_state = milliseconds(1000);
  c.permitted_number_of_calls_in_half_open_state = 3;
  c.automatic_transition_from_open_to_half_open = true;
  return c;
}

CircuitBreakerConfig TimeBased(int seconds, int min_calls, double failure_rate) {
  CircuitBreakerConfig c = CountBased(seconds, min_calls, failure_rate);
  c.sliding_window_type = SlidingWindowType::kTimeBased;
  return c;
}

CircuitBreakerConfig Slow(CircuitBreakerConfig c, int slow_ms, double slow_rate) {
  c.slow_call_duration_threshold = milliseconds(slow_ms);
  c.slow_call_rate_threshold = slow_rate;
  return c;
}

CircuitBreakerConfig Manual(CircuitBreakerConfig c) {
  c.automatic_transition_from_open_to_half_open = false;
  return c;
}

void RunScenario(const Scenario& s) {
  ASSERT_TRUE(s.config.Validate().ok()) << s.name;
  ManualClock clock;
  CircuitBreaker breaker(s.name, s.config, &clock);
  std::istringstream words(s.steps);
  std::string w;
  int index = 0;
  while (words >> w) {
    ++index;
    const std::string where = s.name + ", step " + std::to_string(index) + " \"" + w + "\"";
    if (w.rfind("ok", 0) == 0 || w.rfind("fail", 0) == 0) {
      const bool ok = w.rfind("ok", 0) == 0;
      const std::size_t at = w.find('@');
      const milliseconds took(at == std::string::npos ? 1 : std::stoll(w.substr(at + 1)));
      ASSERT_TRUE(breaker.TryAcquirePermission()) << where << ": call refused";
      if (ok) {
        breaker.OnSuccess(took);
      } else {
        breaker.OnError(took);
      }
    } else if (w[0] == '+') {
      clock.Advance(milliseconds(std::stoll(w.substr(1))));
    } else if (w == "permit") {
      ASSERT_TRUE(breaker.TryAcquirePermission()) << where;
    } else if (w == "deny") {
      ASSERT_FALSE(breaker.TryAcquirePermission()) << where;
    } else if (w == "release") {
      breaker.ReleasePermission();
    } else if (w[0] == '=') {
      ASSERT_EQ(BreakerStateName(breaker.state()), w.substr(1)) << where;
    } else {
      FAIL() << where << ": unknown step";
    }
  }
}

TEST(CircuitBreaker, ScenariosOnAVirtualClock) {
  const std::vector<Scenario> scenarios = {
      // minimumNumberOfCalls: no verdict before it, however bad the calls.
      {"no verdict before the minimum", CountBased(10, 5, 50),
       "fail fail fail fail =closed fail =open deny"},
      {"opens at exactly the failure threshold", CountBased(4, 4, 50),
       "ok ok fail =closed fail =open"},
      {"stays closed just below the threshold", CountBased(5, 5, 50),
       "ok ok ok fail fail =closed ok ok =closed"},
      {"threshold 100 needs every call failed", CountBased(3, 3, 100),
       "fail fail ok =closed fail fail =closed fail =open"},
      {"count window forgets the oldest call", CountBased(4, 4, 50),
       "fail ok ok ok =closed fail =closed fail =open"},
      {"a minimum above a count window's size acts as its size", CountBased(3, 10, 50),
       "fail fail =closed fail =open"},
      // waitDurationInOpenState and the automatic transition.
      {"open refuses calls until the wait is over", CountBased(2, 2, 50),
       "fail fail =open +999 deny =open +1 =half_open permit"},
      {"without the automatic transition, open until the next call", Manual(CountBased(2, 2, 50)),
       "fail fail =open +5000 =open permit =half_open"},
      // permittedNumberOfCallsInHalfOpenState.
      {"half-open lets exactly the probes through", CountBased(2, 2, 50),
       "fail fail +1000 =half_open permit permit permit deny deny"},
      {"probes that succeed close it", CountBased(2, 2, 50),
       "fail fail +1000 ok ok =half_open ok =closed ok ok ok"},
      {"probes judged only when all are in", CountBased(2, 2, 50),
       "fail fail +1000 fail fail =half_open ok =open deny"},
      {"probes below the threshold close it", CountBased(2, 2, 50),
       "fail fail +1000 fail ok ok =closed"},
      {"failed probes open it for another full wait", CountBased(2, 2, 50),
       "fail fail +1000 fail fail fail =open +999 deny +1 =half_open"},
      {"a released probe can be used again", CountBased(2, 2, 50),
       "fail fail +1000 permit permit permit deny release permit deny"},
      {"closing empties the window", CountBased(4, 4, 50),
       "fail fail fail fail +1000 ok ok ok =closed fail fail fail =closed fail =open"},
      // slowCallDurationThreshold (strictly longer is slow) and slowCallRateThreshold.
      {"calls exactly at the slow threshold are not slow", Slow(CountBased(4, 4, 100), 100, 50),
       "ok@100 ok@100 ok@100 ok@101 =closed"},
      {"opens at exactly the slow-call rate", Slow(CountBased(4, 4, 100), 100, 50),
       "ok@100 ok@100 ok@101 ok@5000 =open"},
      {"slow probes reopen it", Slow(CountBased(2, 2, 100), 100, 50),
       "ok@200 ok@200 =open +1000 ok@200 ok@200 ok =open"},
      {"a slow failure counts for both rates", Slow(CountBased(2, 2, 100), 100, 50),
       "ok fail@500 =open"},
      // Time-based windows: the calls of the last N seconds, in one-second buckets.
      {"time window: calls older than the window do not count", TimeBased(10, 3, 50),
       "fail +5000 fail +5000 ok =closed ok =closed"},
      {"time window: calls within it do", TimeBased(10, 3, 50), "fail +5000 fail +4999 ok =open"},
      {"time window: minimum counts only recent calls", TimeBased(2, 3, 50),
       "fail fail +2000 fail =closed fail fail =open"},
      {"time window: half-open probes are counted, not timed", TimeBased(2, 2, 50),
       "fail fail +1000 ok +60000 ok ok =closed"},
  };
  for (const Scenario& s : scenarios) {
    SCOPED_TRACE(s.name);
    RunScenario(s);
  }
}

TEST(CircuitBreaker, OutcomesArrivingWhileOpenAreDropped) {
  ManualClock clock;
  CircuitBreaker breaker("x", CountBased(2, 2, 50), &clock);
  ASSERT_TRUE(breaker.TryAcquirePermission());  // a slow call, let through while closed
  breaker.OnError(milliseconds(1));
  breaker.OnError(milliseconds(1));
  ASSERT_EQ(breaker.state(), BreakerState::kOpen);
  breaker.OnSuccess(milliseconds(1));  // the slow call ends now
  clock.Advance(milliseconds(1000));
  BreakerSnapshot snap = breaker.Snapshot();
  EXPECT_EQ(snap.state, BreakerState::kHalfOpen);
  EXPECT_EQ(snap.calls, 0);
}

TEST(CircuitBreaker, CountsTransitionsRefusalsAndTellsTheListener) {
  ManualClock clock;
  CircuitBreaker breaker("receiver", CountBased(2, 2, 50), &clock);
  std::vector<BreakerTransition> seen;
  breaker.SetListener([&](const BreakerTransition& t) { seen.push_back(t); });
  breaker.OnError(milliseconds(1));
  breaker.OnError(milliseconds(1));
  EXPECT_FALSE(breaker.TryAcquirePermission());
  clock.Advance(milliseconds(400));
  EXPECT_FALSE(breaker.TryAcquirePermission());
  EXPECT_EQ(breaker.Snapshot().open_remaining, milliseconds(600));
  clock.Advance(milliseconds(600));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(breaker.TryAcquirePermission());
    breaker.OnSuccess(milliseconds(1));
  }
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].from, BreakerState::kClosed);
  EXPECT_EQ(seen[0].to, BreakerState::kOpen);
  EXPECT_EQ(seen[0].reason, "failure rate 100.0% >= 50.0% over 2 calls");
  EXPECT_EQ(seen[1].to, BreakerState::kHalfOpen);
  EXPECT_EQ(seen[2].to, BreakerState::kClosed);
  EXPECT_EQ(seen[2].name, "receiver");
  BreakerSnapshot snap = breaker.Snapshot();
  EXPECT_EQ(snap.not_permitted, 2u);
  EXPECT_EQ((snap.transitions[{BreakerState::kClosed, BreakerState::kOpen}]), 1u);
  EXPECT_EQ((snap.transitions[{BreakerState::kOpen, BreakerState::kHalfOpen}]), 1u);
  EXPECT_EQ((snap.transitions[{BreakerState::kHalfOpen, BreakerState::kClosed}]), 1u);
}

TEST(CircuitBreaker, SnapshotShowsRatesOnlyFromTheMinimumOn) {
  ManualClock clock;
  CircuitBreaker breaker("x", CountBased(10, 4, 80), &clock);
  breaker.OnError(milliseconds(1));
  breaker.OnSuccess(milliseconds(1));
  breaker.OnSuccess(milliseconds(1));
  EXPECT_EQ(breaker.Snapshot().failure_rate, -1);
  breaker.OnSuccess(milliseconds(1));
  EXPECT_DOUBLE_EQ(breaker.Snapshot().failure_rate, 25.0);
  EXPECT_EQ(breaker.Snapshot().calls, 4);
}

TEST(CircuitBreaker, CallRefusesWhenOpenAndIgnoresCallerErrors) {
  ManualClock clock;
  CircuitBreaker breaker("db", CountBased(2, 2, 50), &clock);
  int calls = 0;
  auto bad_request = [&] {
    ++calls;
    return Status(ErrorCode::kInvalidArgument, "bad");
  };
  auto down = [&] {
    ++calls;
    return Status(ErrorCode::kUnavailable, "down");
  };
  for (int i = 0; i < 5; ++i) EXPECT_EQ(breaker.Call(bad_request).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.Call(down).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(breaker.Call(down).code(), ErrorCode::kUnavailable);
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  Status refused = breaker.Call(down);
  EXPECT_EQ(refused.code(), ErrorCode::kUnavailable);
  EXPECT_EQ(refused.message(), "circuit breaker db is open");
  EXPECT_EQ(calls, 7);
}

TEST(CircuitBreaker, OperatorOverridesAreTransitions) {
  ManualClock clock;
  CircuitBreaker breaker("hitl", CountBased(10, 10, 50), &clock);
  breaker.TransitionToOpen("operator");
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  EXPECT_FALSE(breaker.TryAcquirePermission());
  breaker.TransitionToClosed("operator");
  EXPECT_TRUE(breaker.TryAcquirePermission());
  EXPECT_EQ((breaker.Snapshot().transitions[{BreakerState::kOpen, BreakerState::kClosed}]), 1u);
}

TEST(CircuitBreakerConfig, RejectsValuesOutOfRange) {
  CircuitBreakerConfig c;
  EXPECT_TRUE(c.Validate().ok());
  c.failure_rate_threshold = 0;
  EXPECT_EQ(c.Validate().code(), ErrorCode::kInvalidArgument);
  c = {};
  c.failure_rate_threshold = 100.5;
  EXPECT_FALSE(c.Validate().ok());
  c = {};
  c.sliding_window_size = 0;
  EXPECT_NE(c.Validate().message().find("sliding-window-size"), std::string::npos);
  c = {};
  c.permitted_number_of_calls_in_half_open_state = 0;
  EXPECT_FALSE(c.Validate().ok());
  c = {};
  c.wait_duration_in_open_state = milliseconds(0);
  EXPECT_FALSE(c.Validate().ok());
}

}  // namespace
}  // namespace sheaf
