// SPDX-License-Identifier: GPL-3.0-or-later
//
// The circuit breakers of Sheaf's dependencies (docs/reliability.md): one per dependency, with
// the design's table as defaults (scalability-and-reliability.md, "Circuit Breaker
// Configuration"), overridable per dependency from the configuration ("DEPENDENCY.KEY=VALUE").
//
//   dependency        window        opens at      open for   fallback
//   ocr               30 s          50 % failed   60 s       local Tesseract
//   foundation-model  30 s          30 % failed   120 s      built-in extraction only
//                                   or 50 % slower than 10 s
//   database          10 s          30 % failed   30 s       cache reads, queued writes
//   hitl              60 s          50 % failed   120 s      auto-approve high confidence
//   webhook           60 s          50 % failed   300 s      the retry queue (one per receiver:
//                                                            "webhook:<scheme://host:port>")
// All: at least 5 calls before a verdict, 3 half-open probes, automatic open -> half-open.
//
// Thread safety: the registry is safe for concurrent use; breakers live as long as it does.
#ifndef SHEAF_RESILIENCE_BREAKERS_H_
#define SHEAF_RESILIENCE_BREAKERS_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resilience/circuit_breaker.h"
#include "sheaf/clock.h"
#include "sheaf/status.h"

namespace sheaf {

inline constexpr std::string_view kOcrBreaker = "ocr";
inline constexpr std::string_view kFoundationModelBreaker = "foundation-model";
inline constexpr std::string_view kDatabaseBreaker = "database";
inline constexpr std::string_view kHitlBreaker = "hitl";
inline constexpr std::string_view kWebhookBreaker = "webhook";

// The dependencies above, in that order.
const std::vector<std::string>& BreakerDependencies();

// The design's defaults for every dependency.
std::map<std::string, CircuitBreakerConfig> DefaultBreakerConfigs();

// The dependency a breaker name belongs to: "webhook:http://h:1" -> "webhook"; "ocr" -> "ocr".
std::string BreakerDependency(std::string_view breaker_name);

// Applies overrides "DEPENDENCY.KEY=VALUE[,DEPENDENCY.KEY=VALUE...]" to `configs`. Keys:
//   sliding-window-type (count-based | time-based), sliding-window-size,
//   minimum-number-of-calls, failure-rate-threshold, slow-call-duration-threshold,
//   slow-call-rate-threshold, wait-duration-in-open-state,
//   permitted-number-of-calls-in-half-open-state,
//   automatic-transition-from-open-to-half-open (true | false).
// Durations: "500ms", "30s", "2m", "1h" (a bare number is seconds). Each resulting config is
// validated. invalid_argument naming the item, the key and the limit; `configs` is unchanged
// then.
Status ApplyBreakerOverrides(std::string_view text,
                             std::map<std::string, CircuitBreakerConfig>* configs);

class CircuitBreakerRegistry {
 public:
  // REQUIRES: every config valid; `clock` outlives the registry.
  CircuitBreakerRegistry(std::map<std::string, CircuitBreakerConfig> configs, Clock* clock);

  // The breaker `name`, made on first use with its dependency's config (the webhook default
  // for an unknown dependency). The reference stays valid as long as the registry.
  CircuitBreaker& Get(const std::string& name);
  // The state of `name`, closed when it was never made.
  BreakerState StateOf(const std::string& name);
  // Calls fn for each breaker made so far, by name.
  void ForEach(const std::function<void(CircuitBreaker&)>& fn);
  // Called on every transition of every breaker (see CircuitBreaker::SetListener). Add before
  // the first Get.
  void AddListener(CircuitBreaker::Listener listener);

  Clock* clock() const { return clock_; }

 private:
  const std::map<std::string, CircuitBreakerConfig> configs_;
  Clock* const clock_;
  std::vector<CircuitBreaker::Listener> listeners_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<CircuitBreaker>> breakers_;  // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_RESILIENCE_BREAKERS_H_
