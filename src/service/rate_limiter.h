// SPDX-License-Identifier: GPL-3.0-or-later
//
// RateLimiter: one token bucket per key (a tenant, an API key, an address). A bucket holds up to
// `burst` tokens, starts full and refills at `rate_per_second`; each allowed request takes one.
//
// Contract:
// - TryAcquire returns std::nullopt when the request is allowed (a token was taken), otherwise
//   how long until a token will be there, rounded up to whole milliseconds and at least 1 ms
//   (nothing is taken then). A caller sending Retry-After rounds it up to whole seconds.
// - Memory is bounded by the keys seen recently: a bucket idle long enough to be full again is
//   indistinguishable from a new one and is dropped by a sweep. A sweep runs when the number of
//   buckets reaches twice what the last sweep left (and at least 1024), and once a minute
//   otherwise: amortised O(1) per call, and at most about twice the buckets that are not full.
// - Time comes from the injected clock (steady_clock::now by default).
// - Thread safety: safe for concurrent use; one mutex guards the buckets.
#ifndef SHEAF_SERVICE_RATE_LIMITER_H_
#define SHEAF_SERVICE_RATE_LIMITER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sheaf {

class RateLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // REQUIRES: rate_per_second > 0, burst >= 1 (the configuration checks them); other values are
  // clamped: burst to at least 1, rate to at least one token per ~11.6 days (1e-6 per second).
  RateLimiter(double rate_per_second, double burst, Clock clock = {});

  std::optional<std::chrono::milliseconds> TryAcquire(const std::string& key);

  // Buckets held (for tests and metrics).
  std::size_t tracked_keys() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;  // when `tokens` was right
  };
  // REQUIRES: mu_ held. Drops the buckets that are full again by `now`.
  void SweepLocked(std::chrono::steady_clock::time_point now);

  const double rate_;   // tokens per second
  const double burst_;  // bucket size
  const Clock clock_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;   // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point last_sweep_;  // GUARDED_BY(mu_)
  std::size_t sweep_at_size_;                         // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_RATE_LIMITER_H_
