// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/resilience_metrics.h"

namespace sheaf {

int BreakerStateValue(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return 0;
    case BreakerState::kHalfOpen:
      return 1;
    case BreakerState::kOpen:
      return 2;
  }
  return 0;
}

void WatchResilience(MetricsRegistry* registry, CircuitBreakerRegistry* breakers,
                     DegradationController* degradation) {
  registry->AddCollector([breakers, degradation](MetricsSink& sink) {
    breakers->ForEach([&](CircuitBreaker& b) {
      const BreakerSnapshot snap = b.Snapshot();
      sink.Gauge("sheaf_circuit_breaker_state",
                 "Circuit breaker state: 0 closed, 1 half-open, 2 open.", {{"name", b.name()}},
                 BreakerStateValue(snap.state));
      for (const auto& [edge, count] : snap.transitions) {
        sink.Counter("sheaf_circuit_breaker_transitions_total",
                     "Circuit breaker state transitions.",
                     {{"name", b.name()},
                      {"from", std::string(BreakerStateName(edge.first))},
                      {"to", std::string(BreakerStateName(edge.second))}},
                     static_cast<double>(count));
      }
      sink.Counter("sheaf_circuit_breaker_not_permitted_calls_total",
                   "Calls a circuit breaker refused (open, or half-open probes taken).",
                   {{"name", b.name()}}, static_cast<double>(snap.not_permitted));
    });
    if (degradation != nullptr) {
      sink.Gauge("sheaf_degradation_level", "Degradation level: 0 (L0, normal) to 4 (L4).", {},
                 static_cast<double>(degradation->level()));
    }
  });
}

}  // namespace sheaf
