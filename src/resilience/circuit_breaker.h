// SPDX-License-Identifier: GPL-3.0-or-later
//
// CircuitBreaker: stops calling a dependency that keeps failing, with Resilience4j's semantics.
//
//   CLOSED     calls go through; each outcome (success / failure, and slow when it took longer
//              than slow_call_duration_threshold) is recorded in a sliding window: the last N
//              calls (count-based) or the calls of the last N seconds (time-based, in one-second
//              buckets). Once the window holds at least minimum_number_of_calls, the breaker
//              opens when the failure rate >= failure_rate_threshold or the slow-call rate >=
//              slow_call_rate_threshold (percentages). No verdict before the minimum.
//   OPEN       every call is refused (TryAcquirePermission returns false) until
//              wait_duration_in_open_state has passed; then HALF_OPEN, at that moment when
//              automatic_transition_from_open_to_half_open (any observer sees it), otherwise
//              on the first call asked for after it.
//   HALF_OPEN  permitted_number_of_calls_in_half_open_state probe calls go through, the rest
//              are refused; once all probes are recorded, the same thresholds decide: OPEN
//              again, or CLOSED with an empty window.
//
// Usage: ask TryAcquirePermission before each call; after a permitted call report exactly one
// of OnSuccess, OnError (with how long the call took) or ReleasePermission (the call did not
// count: not made, or failed for a reason that says nothing about the dependency).
// Outcomes that arrive while OPEN are dropped.
//
// Time comes from the injected Clock; transitions happen inside the calls above (and state()),
// so there is no timer thread. Thread safety: every method is safe for concurrent use.
#ifndef SHEAF_RESILIENCE_CIRCUIT_BREAKER_H_
#define SHEAF_RESILIENCE_CIRCUIT_BREAKER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sheaf/clock.h"
#include "sheaf/status.h"

namespace sheaf {

enum class BreakerState { kClosed, kOpen, kHalfOpen };
// "closed", "open", "half_open".
std::string_view BreakerStateName(BreakerState state);

enum class SlidingWindowType { kCountBased, kTimeBased };

struct CircuitBreakerConfig {
  SlidingWindowType sliding_window_type = SlidingWindowType::kCountBased;
  // Calls (count-based) or seconds (time-based). >= 1.
  int sliding_window_size = 100;
  // No verdict while the window holds fewer calls. For a count-based window, values above
  // sliding_window_size act as sliding_window_size (as in Resilience4j). >= 1.
  int minimum_number_of_calls = 100;
  double failure_rate_threshold = 50;  // percent, (0, 100]; opens at >=
  std::chrono::milliseconds slow_call_duration_threshold{60000};  // slow: strictly longer
  double slow_call_rate_threshold = 100;  // percent, (0, 100]; opens at >=
  std::chrono::milliseconds wait_duration_in_open_state{60000};
  int permitted_number_of_calls_in_half_open_state = 10;  // >= 1
  bool automatic_transition_from_open_to_half_open = false;

  // invalid_argument naming the first value out of range.
  Status Validate() const;
};

struct BreakerTransition {
  std::string name;
  BreakerState from;
  BreakerState to;
  std::string reason;  // e.g. "failure rate 60.0% >= 50.0% over 10 calls"
};

// What the breaker's current window holds.
struct BreakerSnapshot {
  BreakerState state = BreakerState::kClosed;
  int calls = 0;  // recorded in the current window (or the half-open probes)
  int failed = 0;
  int slow = 0;
  double failure_rate = -1;    // percent; -1 while below the minimum number of calls
  double slow_call_rate = -1;  // percent; -1 likewise
  std::uint64_t not_permitted = 0;  // calls refused since construction
  // While OPEN: how long until it lets probes through; 0 otherwise.
  std::chrono::nanoseconds open_remaining{0};
  // Transitions since construction, by (from, to).
  std::map<std::pair<BreakerState, BreakerState>, std::uint64_t> transitions;
};

class CircuitBreaker {
 public:
  using Listener = std::function<void(const BreakerTransition&)>;

  // REQUIRES: config.Validate().ok(); `clock` outlives the breaker.
  CircuitBreaker(std::string name, CircuitBreakerConfig config, Clock* clock);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // Called after each transition, outside the breaker's lock, on the thread that caused it.
  // Set before the breaker is used.
  void SetListener(Listener listener) { listener_ = std::move(listener); }

  // True iff a call may go ahead now (CLOSED, or a free half-open probe).
  bool TryAcquirePermission();
  void OnSuccess(std::chrono::nanoseconds duration);
  void OnError(std::chrono::nanoseconds duration);
  // A permitted call that does not count (frees its half-open probe).
  void ReleasePermission();

  // Operator overrides: straight to OPEN (for wait_duration_in_open_state, then as usual) or
  // to CLOSED with an empty window. Both count as transitions.
  void TransitionToOpen(const std::string& reason);
  void TransitionToClosed(const std::string& reason);

  BreakerState state();
  BreakerSnapshot Snapshot();
  const std::string& name() const { return name_; }
  const CircuitBreakerConfig& config() const { return config_; }

  // Runs `call` under the breaker: unavailable ("circuit breaker NAME is open") without
  // calling it when not permitted; otherwise its status, recorded as a failure iff
  // `is_failure(status)` (default: any error but invalid_argument and not_found, which say
  // nothing about the dependency's health: those release the permission instead).
  Status Call(const std::function<Status()>& call,
              const std::function<bool(const Status&)>& is_failure = {});

 private:
  struct Outcome {
    bool failed = false;
    bool slow = false;
  };
  struct Bucket {  // time-based window: one second
    std::int64_t second = 0;
    int calls = 0, failed = 0, slow = 0;
  };

  void Record(bool failed, std::chrono::nanoseconds duration);
  // The transition due now for an elapsed open wait, if any (REQUIRES mu_ held).
  void MaybeHalfOpenLocked(bool on_call, std::vector<BreakerTransition>* out);
  void TransitionLocked(BreakerState to, std::string reason,
                        std::vector<BreakerTransition>* out);
  void ResetWindowLocked();
  // Drops time-based buckets older than the window (REQUIRES mu_ held).
  void ExpireLocked();
  void Totals(int* calls, int* failed, int* slow);
  // The reason to open when a threshold is reached with `min_calls`, else "".
  std::string VerdictLocked(int min_calls);
  void Notify(const std::vector<BreakerTransition>& transitions) const;

  const std::string name_;
  const CircuitBreakerConfig config_;
  Clock* const clock_;
  Listener listener_;

  std::mutex mu_;
  BreakerState state_ = BreakerState::kClosed;  // GUARDED_BY(mu_)
  Clock::TimePoint opened_at_;                  // GUARDED_BY(mu_)
  int half_open_permits_ = 0;                   // GUARDED_BY(mu_)
  std::deque<Outcome> calls_;    // GUARDED_BY(mu_): count-based window and half-open probes
  std::deque<Bucket> buckets_;   // GUARDED_BY(mu_): time-based window, oldest first
  std::uint64_t not_permitted_ = 0;  // GUARDED_BY(mu_)
  std::map<std::pair<BreakerState, BreakerState>, std::uint64_t> transitions_;  // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_RESILIENCE_CIRCUIT_BREAKER_H_
