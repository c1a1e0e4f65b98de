// SPDX-License-Identifier: GPL-3.0-or-later
//
// Degradation levels L0-L4 (scalability-and-reliability.md, "Graceful Degradation Levels" and
// "Degradation Decision Matrix"), computed from the dependencies' circuit breakers and health:
//
//   trigger                                              level
//   foundation-model breaker not closed                  L1   specialised models only
//   database breaker not closed, or the slowest          L1   buffer writes
//     pipeline write of the last 30 s took > 5 s,
//     or database writes wait in the write spool
//   ocr breaker not closed                               L2   local OCR only
//   worker availability < 50 %                           L2   reduced throughput
//   hitl breaker not closed                              L3   auto-approve >= 0.85, queue rest
//   two or more of ocr, foundation-model, database,      L4   accept ingestion only, stop
//     hitl breakers not closed ("multiple services down")      processing, queue for later
//
// The level is the highest triggered; every trigger is reported as a cause. A half-open
// breaker counts as not closed: the dependency has not proved it is back.
// docs/reliability.md says which of each level's actions Sheaf applies today.
//
// Thread safety: DegradationController is safe for concurrent use.
#ifndef SHEAF_RESILIENCE_DEGRADATION_H_
#define SHEAF_RESILIENCE_DEGRADATION_H_

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/background_loop.h"
#include "resilience/breakers.h"
#include "sheaf/clock.h"

namespace sheaf {

enum class DegradationLevel { kL0 = 0, kL1 = 1, kL2 = 2, kL3 = 3, kL4 = 4 };
// "L0" .. "L4".
std::string_view DegradationLevelName(DegradationLevel level);
// The design's one-line description: "normal operation", ...
std::string_view DegradationLevelDescription(DegradationLevel level);

inline constexpr std::chrono::seconds kSlowDatabaseWrite{5};  // slower: L1
inline constexpr double kMinWorkerAvailability = 0.5;         // lower: L2

struct HealthSignals {
  // The slowest recent database write; nullopt = not known (no trigger).
  std::optional<std::chrono::nanoseconds> database_write_latency;
  // Workers available / workers expected, 0..1; nullopt = not known (no trigger).
  std::optional<double> worker_availability;
  // Database writes waiting in the write spool (metadata/spooling_store.h); > 0 = L1 (writes
  // are buffered). nullopt = no spool.
  std::optional<std::size_t> spooled_writes;
};

struct DegradationCause {
  DegradationLevel level;
  std::string trigger;  // e.g. "ocr circuit breaker open"
};

struct DegradationAssessment {
  DegradationLevel level = DegradationLevel::kL0;
  std::vector<DegradationCause> causes;  // in the matrix's order; empty at L0
};

// The matrix: a pure function of the four dependencies' breaker states (a name missing from
// `breakers` is closed) and the health signals.
DegradationAssessment AssessDegradation(const std::map<std::string, BreakerState>& breakers,
                                        const HealthSignals& health);

// The slowest write of the last `window`, from samples recorded as writes finish.
class WriteLatencyWindow {
 public:
  WriteLatencyWindow(Clock* clock, std::chrono::seconds window = std::chrono::seconds(30))
      : clock_(clock), window_(window) {}
  void Record(std::chrono::nanoseconds took);
  std::optional<std::chrono::nanoseconds> Slowest();

 private:
  void ExpireLocked(Clock::TimePoint now);
  Clock* const clock_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  // (finished at, took), `took` decreasing from front to back: a later, slower sample makes the
  // earlier, faster ones irrelevant (a monotonic queue of maxima).
  std::deque<std::pair<Clock::TimePoint, std::chrono::nanoseconds>> samples_;  // GUARDED_BY(mu_)
};

struct DegradationStatus {
  DegradationAssessment assessment;
  Clock::TimePoint since;  // when this level began (the controller's clock)
  std::map<std::string, BreakerState> breakers;  // every breaker made so far, by name
};

class DegradationController {
 public:
  // `health` may be empty (no health signals). Both pointers outlive the controller.
  DegradationController(CircuitBreakerRegistry* breakers, std::function<HealthSignals()> health,
                        Clock* clock);
  ~DegradationController();  // Stop()

  // Recomputes the level; logs a change of level or causes with the causes. Returns the status.
  DegradationStatus Update();
  // The level as of the latest Update (cheap: for gates asked before every message).
  DegradationLevel level() const { return level_.load(); }
  // The status as of the latest Update.
  DegradationStatus Current() const;
  // Called after each change of level, with the old and new status, outside the lock.
  void OnChange(std::function<void(const DegradationStatus&, const DegradationStatus&)> fn);

  // Updates every `interval` on a thread, and at once after any breaker transition (the
  // registry's listener must call Poke()). Stop ends it; both idempotent.
  Status Start(std::chrono::milliseconds interval);
  void Stop();
  void Poke();

  Clock* clock() const { return clock_; }

 private:
  CircuitBreakerRegistry* const breakers_;
  const std::function<HealthSignals()> health_;
  Clock* const clock_;
  std::atomic<DegradationLevel> level_{DegradationLevel::kL0};

  mutable std::mutex mu_;
  DegradationStatus current_;  // GUARDED_BY(mu_)
  std::vector<std::function<void(const DegradationStatus&, const DegradationStatus&)>>
      listeners_;  // GUARDED_BY(mu_)

  BackgroundLoop loop_{"degradation controller"};
};

}  // namespace sheaf

#endif  // SHEAF_RESILIENCE_DEGRADATION_H_
