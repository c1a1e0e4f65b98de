// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

namespace sheaf {

namespace {

using Duration = std::chrono::steady_clock::duration;

constexpr double kMinRate = 1e-6;
// Doubles drift: a bucket this close to a whole token has it, so a caller that waits exactly
// the time it was told is let in.
constexpr double kSlack = 1e-9;
// Sweeps by size start at this many buckets; by time, come at most this often.
constexpr std::size_t kMinSweepSize = 1024;
constexpr std::chrono::seconds kSweepInterval{60};
// Longest time computed with, in seconds (about 31 years): keeps durations finite.
constexpr double kMaxSeconds = 1e9;

Duration Seconds(double s) {
  const std::chrono::duration<double> capped(std::min(s, kMaxSeconds));
  return std::chrono::duration_cast<Duration>(capped);
}

}  // namespace

RateLimiter::RateLimiter(double rate_per_second, double burst, Clock clock)
    : rate_(rate_per_second >= kMinRate ? rate_per_second : kMinRate),  // NaN too
      burst_(burst >= 1 ? burst : 1),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      last_sweep_(clock_()),
      sweep_at_size_(kMinSweepSize) {}

std::optional<std::chrono::milliseconds> RateLimiter::TryAcquire(const std::string& key) {
  const auto now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= sweep_at_size_ || now - last_sweep_ >= kSweepInterval) SweepLocked(now);

  auto [it, added] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (added) {
    b.tokens = burst_;
    b.updated = now;
  } else if (now > b.updated) {  // a clock that stands still or steps back adds nothing
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.updated = now;
  }

  if (b.tokens >= 1 - kSlack) {
    b.tokens = std::max(0.0, b.tokens - 1);
    return std::nullopt;
  }
  const double wait_seconds = std::min((1 - b.tokens) / rate_, kMaxSeconds);
  // To the nearest nanosecond first, so that 0.0010000000000000009 s reads as 1 ms, not 2.
  const long long ns = std::llround(wait_seconds * 1e9);
  return std::chrono::milliseconds(std::max(1LL, (ns + 999'999) / 1'000'000));
}

void RateLimiter::SweepLocked(std::chrono::steady_clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    const bool full = now >= b.updated && now - b.updated >= Seconds((burst_ - b.tokens) / rate_);
    it = full ? buckets_.erase(it) : std::next(it);
  }
  last_sweep_ = now;
  sweep_at_size_ = std::max(kMinSweepSize, 2 * buckets_.size());
}

std::size_t RateLimiter::tracked_keys() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace sheaf
