// SPDX-License-Identifier: GPL-3.0-or-later
//
// Clock: where time-driven policy (circuit breakers, retries, degradation) reads the time and
// waits, so tests run it on a virtual clock (src/resilience/manual_clock.h).
//
// Contract: Now() is monotonic (never goes back) and unrelated to the wall clock. SleepFor
// blocks the calling thread for `d` of this clock's time (a virtual clock advances instead).
// Implementations are safe for concurrent use.
#ifndef SHEAF_CLOCK_H_
#define SHEAF_CLOCK_H_

#include <chrono>
#include <thread>

namespace sheaf {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  virtual void SleepFor(std::chrono::nanoseconds d) = 0;
};

// std::chrono::steady_clock and std::this_thread::sleep_for.
class SteadyClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  void SleepFor(std::chrono::nanoseconds d) override { std::this_thread::sleep_for(d); }
  // One instance for the whole process (it has no state).
  static SteadyClock& Instance() {
    static SteadyClock clock;
    return clock;
  }
};

}  // namespace sheaf

#endif  // SHEAF_CLOCK_H_
