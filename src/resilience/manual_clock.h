// SPDX-License-Identifier: GPL-3.0-or-later
//
// ManualClock: a virtual Clock for tests. Time stands still until Advance (or SleepFor, which
// advances instead of blocking, so a Retry's backoff takes no real time). Thread-safe.
#ifndef SHEAF_RESILIENCE_MANUAL_CLOCK_H_
#define SHEAF_RESILIENCE_MANUAL_CLOCK_H_

#include <chrono>
#include <mutex>
#include <vector>

#include "sheaf/clock.h"

namespace sheaf {

class ManualClock final : public Clock {
 public:
  // Starts at an arbitrary point well after the steady clock's epoch.
  ManualClock() : now_(TimePoint() + std::chrono::hours(1000)) {}

  TimePoint Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void SleepFor(std::chrono::nanoseconds d) override {
    std::lock_guard<std::mutex> lock(mu_);
    sleeps_.push_back(d);
    now_ += d;
  }
  void Advance(std::chrono::nanoseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  // Every SleepFor so far, in order.
  std::vector<std::chrono::nanoseconds> sleeps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;                               // GUARDED_BY(mu_)
  std::vector<std::chrono::nanoseconds> sleeps_;  // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_RESILIENCE_MANUAL_CLOCK_H_
