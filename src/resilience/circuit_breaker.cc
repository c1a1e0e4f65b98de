// SPDX-License-Identifier: GPL-3.0-or-later
#include "resilience/circuit_breaker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace sheaf {

namespace {

std::string Percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%", v);
  return buf;
}

}  // namespace

std::string_view BreakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "unknown";
}

Status CircuitBreakerConfig::Validate() const {
  auto bad = [](const std::string& what) {
    return Status(ErrorCode::kInvalidArgument, "circuit breaker: " + what);
  };
  if (sliding_window_size < 1) return bad("sliding-window-size must be at least 1");
  if (minimum_number_of_calls < 1) return bad("minimum-number-of-calls must be at least 1");
  if (!(failure_rate_threshold > 0 && failure_rate_threshold <= 100)) {
    return bad("failure-rate-threshold must be in (0, 100]");
  }
  if (!(slow_call_rate_threshold > 0 && slow_call_rate_threshold <= 100)) {
    return bad("slow-call-rate-threshold must be in (0, 100]");
  }
  if (slow_call_duration_threshold.count() < 1) {
    return bad("slow-call-duration-threshold must be positive");
  }
  if (wait_duration_in_open_state.count() < 1) {
    return bad("wait-duration-in-open-state must be positive");
  }
  if (permitted_number_of_calls_in_half_open_state < 1) {
    return bad("permitted-number-of-calls-in-half-open-state must be at least 1");
  }
  return Status::Ok();
}

CircuitBreaker::CircuitBreaker(std::string name, CircuitBreakerConfig config, Clock* clock)
    : name_(std::move(name)), config_(config), clock_(clock) {}

bool CircuitBreaker::TryAcquirePermission() {
  std::vector<BreakerTransition> happened;
  bool permitted = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MaybeHalfOpenLocked(/*on_call=*/true, &happened);
    switch (state_) {
      case BreakerState::kClosed:
        permitted = true;
        break;
      case BreakerState::kOpen:
        break;
      case BreakerState::kHalfOpen:
        if (half_open_permits_ > 0) {
          --half_open_permits_;
          permitted = true;
        }
        break;
    }
    if (!permitted) ++not_permitted_;
  }
  Notify(happened);
  return permitted;
}

void CircuitBreaker::OnSuccess(std::chrono::nanoseconds duration) { Record(false, duration); }
void CircuitBreaker::OnError(std::chrono::nanoseconds duration) { Record(true, duration); }

void CircuitBreaker::ReleasePermission() {
  std::lock_guard<std::mutex> lock(mu_);
  if (state_ == BreakerState::kHalfOpen &&
      half_open_permits_ < config_.permitted_number_of_calls_in_half_open_state) {
    ++half_open_permits_;
  }
}

void CircuitBreaker::Record(bool failed, std::chrono::nanoseconds duration) {
  const bool slow = duration > config_.slow_call_duration_threshold;
  std::vector<BreakerTransition> happened;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MaybeHalfOpenLocked(/*on_call=*/false, &happened);
    if (state_ == BreakerState::kOpen) {
      // A call let through before the breaker opened: it no longer counts.
    } else if (state_ == BreakerState::kHalfOpen) {
      calls_.push_back({failed, slow});
      const int probes = config_.permitted_number_of_calls_in_half_open_state;
      if (static_cast<int>(calls_.size()) >= probes) {
        std::string reason = VerdictLocked(probes);
        if (!reason.empty()) {
          TransitionLocked(BreakerState::kOpen, "probes: " + reason, &happened);
        } else {
          int calls = 0, f = 0, s = 0;
          Totals(&calls, &f, &s);
          TransitionLocked(BreakerState::kClosed,
                           "probes: " + std::to_string(calls - f) + " of " +
                               std::to_string(calls) + " succeeded, below the thresholds",
                           &happened);
        }
      }
    } else if (config_.sliding_window_type == SlidingWindowType::kCountBased) {
      calls_.push_back({failed, slow});
      while (static_cast<int>(calls_.size()) > config_.sliding_window_size) calls_.pop_front();
      std::string reason = VerdictLocked(
          std::min(config_.minimum_number_of_calls, config_.sliding_window_size));
      if (!reason.empty()) TransitionLocked(BreakerState::kOpen, reason, &happened);
    } else {
      ExpireLocked();
      const std::int64_t second = std::chrono::duration_cast<std::chrono::seconds>(
                                      clock_->Now().time_since_epoch())
                                      .count();
      if (buckets_.empty() || buckets_.back().second != second) buckets_.push_back({second});
      Bucket& b = buckets_.back();
      ++b.calls;
      b.failed += failed ? 1 : 0;
      b.slow += slow ? 1 : 0;
      std::string reason = VerdictLocked(config_.minimum_number_of_calls);
      if (!reason.empty()) TransitionLocked(BreakerState::kOpen, reason, &happened);
    }
  }
  Notify(happened);
}

void CircuitBreaker::MaybeHalfOpenLocked(bool on_call, std::vector<BreakerTransition>* out) {
  if (state_ != BreakerState::kOpen) return;
  if (!on_call && !config_.automatic_transition_from_open_to_half_open) return;
  if (clock_->Now() - opened_at_ < config_.wait_duration_in_open_state) return;
  TransitionLocked(BreakerState::kHalfOpen,
                   "open for " +
                       std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          config_.wait_duration_in_open_state)
                                          .count()) +
                       " ms",
                   out);
}

void CircuitBreaker::TransitionLocked(BreakerState to, std::string reason,
                                      std::vector<BreakerTransition>* out) {
  const BreakerState from = state_;
  state_ = to;
  ++transitions_[{from, to}];
  ResetWindowLocked();
  if (to == BreakerState::kOpen) opened_at_ = clock_->Now();
  half_open_permits_ =
      to == BreakerState::kHalfOpen ? config_.permitted_number_of_calls_in_half_open_state : 0;
  out->push_back({name_, from, to, std::move(reason)});
}

void CircuitBreaker::ResetWindowLocked() {
  calls_.clear();
  buckets_.clear();
}

void CircuitBreaker::ExpireLocked() {
  if (config_.sliding_window_type != SlidingWindowType::kTimeBased ||
      state_ == BreakerState::kHalfOpen) {
    return;
  }
  const std::int64_t now_second =
      std::chrono::duration_cast<std::chrono::seconds>(clock_->Now().time_since_epoch()).count();
  while (!buckets_.empty() && buckets_.front().second <= now_second - config_.sliding_window_size) {
    buckets_.pop_front();
  }
}

void CircuitBreaker::Totals(int* calls, int* failed, int* slow) {
  *calls = *failed = *slow = 0;
  if (config_.sliding_window_type == SlidingWindowType::kTimeBased &&
      state_ == BreakerState::kClosed) {
    ExpireLocked();
    for (const Bucket& b : buckets_) {
      *calls += b.calls;
      *failed += b.failed;
      *slow += b.slow;
    }
    return;
  }
  for (const Outcome& o : calls_) {
    ++*calls;
    *failed += o.failed ? 1 : 0;
    *slow += o.slow ? 1 : 0;
  }
}

std::string CircuitBreaker::VerdictLocked(int min_calls) {
  int calls = 0, failed = 0, slow = 0;
  Totals(&calls, &failed, &slow);
  if (calls < min_calls || calls == 0) return "";
  const double failure_rate = 100.0 * failed / calls;
  const double slow_rate = 100.0 * slow / calls;
  const std::string over = " over " + std::to_string(calls) + " calls";
  if (failure_rate >= config_.failure_rate_threshold) {
    return "failure rate " + Percent(failure_rate) + " >= " +
           Percent(config_.failure_rate_threshold) + over;
  }
  if (slow_rate >= config_.slow_call_rate_threshold) {
    return "slow-call rate " + Percent(slow_rate) + " >= " +
           Percent(config_.slow_call_rate_threshold) + over;
  }
  return "";
}

void CircuitBreaker::TransitionToOpen(const std::string& reason) {
  std::vector<BreakerTransition> happened;
  {
    std::lock_guard<std::mutex> lock(mu_);
    TransitionLocked(BreakerState::kOpen, reason, &happened);
  }
  Notify(happened);
}

void CircuitBreaker::TransitionToClosed(const std::string& reason) {
  std::vector<BreakerTransition> happened;
  {
    std::lock_guard<std::mutex> lock(mu_);
    TransitionLocked(BreakerState::kClosed, reason, &happened);
  }
  Notify(happened);
}

BreakerState CircuitBreaker::state() {
  std::vector<BreakerTransition> happened;
  BreakerState s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MaybeHalfOpenLocked(/*on_call=*/false, &happened);
    s = state_;
  }
  Notify(happened);
  return s;
}

BreakerSnapshot CircuitBreaker::Snapshot() {
  std::vector<BreakerTransition> happened;
  BreakerSnapshot snap;
  {
    std::lock_guard<std::mutex> lock(mu_);
    MaybeHalfOpenLocked(/*on_call=*/false, &happened);
    snap.state = state_;
    Totals(&snap.calls, &snap.failed, &snap.slow);
    const int min_calls =
        state_ == BreakerState::kHalfOpen
            ? config_.permitted_number_of_calls_in_half_open_state
            : (config_.sliding_window_type == SlidingWindowType::kCountBased
                   ? std::min(config_.minimum_number_of_calls, config_.sliding_window_size)
                   : config_.minimum_number_of_calls);
    if (snap.calls >= min_calls && snap.calls > 0) {
      snap.failure_rate = 100.0 * snap.failed / snap.calls;
      snap.slow_call_rate = 100.0 * snap.slow / snap.calls;
    }
    snap.not_permitted = not_permitted_;
    if (state_ == BreakerState::kOpen) {
      const auto left = config_.wait_duration_in_open_state - (clock_->Now() - opened_at_);
      snap.open_remaining = std::max(std::chrono::nanoseconds(0),
                                     std::chrono::duration_cast<std::chrono::nanoseconds>(left));
    }
    snap.transitions = transitions_;
  }
  Notify(happened);
  return snap;
}

Status CircuitBreaker::Call(const std::function<Status()>& call,
                            const std::function<bool(const Status&)>& is_failure) {
  if (!TryAcquirePermission()) {
    return Status(ErrorCode::kUnavailable, "circuit breaker " + name_ + " is open");
  }
  const Clock::TimePoint start = clock_->Now();
  Status s = call();
  const auto took = clock_->Now() - start;
  if (s.ok()) {
    OnSuccess(took);
  } else if (is_failure ? is_failure(s)
                        : (s.code() != ErrorCode::kInvalidArgument &&
                           s.code() != ErrorCode::kNotFound)) {
    OnError(took);
  } else {
    ReleasePermission();
  }
  return s;
}

void CircuitBreaker::Notify(const std::vector<BreakerTransition>& transitions) const {
  for (const BreakerTransition& t : transitions) {
    spdlog::warn("circuit breaker {}: {} -> {} ({})", t.name, BreakerStateName(t.from),
                 BreakerStateName(t.to), t.reason);
    if (listener_) listener_(t);
  }
}

}  // namespace sheaf
