// SPDX-License-Identifier: GPL-3.0-or-later
#include "resilience/retry.h"

#include <spdlog/spdlog.h>

#include "queue/backoff.h"

namespace sheaf {

Status RetryConfig::Validate() const {
  if (max_attempts < 1) {
    return Status(ErrorCode::kInvalidArgument, "retry: max-attempts must be at least 1");
  }
  if (backoff.initial.count() < 0 || backoff.max.count() < 0 || !(backoff.multiplier >= 1.0)) {
    return Status(ErrorCode::kInvalidArgument,
                  "retry: wait durations must not be negative and the multiplier at least 1");
  }
  return Status::Ok();
}

Retry::Retry(std::string name, RetryConfig config, Clock* clock, std::uint64_t seed)
    : name_(std::move(name)),
      config_(std::move(config)),
      clock_(clock),
      rng_(seed != 0 ? seed : std::random_device()()) {}

std::chrono::milliseconds Retry::NextDelay(int attempt) {
  std::lock_guard<std::mutex> lock(mu_);
  return RetryDelay(attempt, config_.backoff, rng_);
}

Status Retry::Run(const std::function<Status()>& call) {
  for (int attempt = 1;; ++attempt) {
    Status s = call();
    if (s.ok() || config_.retry_on.count(s.code()) == 0) return s;
    if (attempt >= config_.max_attempts) {
      if (attempt == 1) return s;
      return Status(s.code(),
                    s.message() + " (after " + std::to_string(attempt) + " attempts)");
    }
    const std::chrono::milliseconds delay = NextDelay(attempt);
    spdlog::debug("retry {}: attempt {} failed ({}); next in {} ms", name_, attempt,
                  s.ToString(), delay.count());
    clock_->SleepFor(delay);
  }
}

}  // namespace sheaf
