// SPDX-License-Identifier: GPL-3.0-or-later
//
// Retry: calls an operation again while it fails with a retryable error code, up to
// max_attempts calls in all, sleeping between attempts a full-jitter exponential backoff
// (src/queue/backoff.h: uniform in [0, min(max, initial * multiplier^(attempt-1))]) on the
// injected Clock. Resilience4j's Retry with a randomised exponential IntervalFunction, where
// "retryable exceptions" are Sheaf's ErrorCodes.
//
// Thread safety: Run may be called from many threads at once (the jitter generator is locked).
#ifndef SHEAF_RESILIENCE_RETRY_H_
#define SHEAF_RESILIENCE_RETRY_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "sheaf/broker.h"
#include "sheaf/clock.h"
#include "sheaf/status.h"

namespace sheaf {

struct RetryConfig {
  int max_attempts = 3;  // calls in all, the first included; >= 1
  // The design's textract retry: waitDuration 2 s, exponentialBackoffMultiplier 2.
  BackoffOptions backoff{std::chrono::milliseconds(2000), 2.0, std::chrono::milliseconds(60000)};
  // Errors worth another attempt (the design's IOException and TimeoutException).
  std::set<ErrorCode> retry_on{ErrorCode::kUnavailable, ErrorCode::kIoError};

  // invalid_argument naming the first value out of range.
  Status Validate() const;
};

class Retry {
 public:
  // REQUIRES: config.Validate().ok(); `clock` outlives this. seed 0 = random.
  Retry(std::string name, RetryConfig config, Clock* clock, std::uint64_t seed = 0);

  // The first OK, the first error that is not retryable, or the last attempt's error with
  // "(after N attempts)" added to its message.
  Status Run(const std::function<Status()>& call);

  template <typename T>
  Result<T> Run(const std::function<Result<T>()>& call) {
    std::optional<Result<T>> last;
    Status s = Run([&]() -> Status {
      last.emplace(call());
      return last->status();
    });
    if (s.ok()) return std::move(*last);
    return s;
  }

  const std::string& name() const { return name_; }

 private:
  std::chrono::milliseconds NextDelay(int attempt);

  const std::string name_;
  const RetryConfig config_;
  Clock* const clock_;
  std::mutex mu_;
  std::mt19937_64 rng_;  // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_RESILIENCE_RETRY_H_
