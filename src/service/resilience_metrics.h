// SPDX-License-Identifier: GPL-3.0-or-later
//
// The circuit breakers and the degradation level on /metrics, read when scraped:
//   sheaf_circuit_breaker_state{name}                         0 closed, 1 half-open, 2 open
//   sheaf_circuit_breaker_transitions_total{name,from,to}     from/to: closed|open|half_open
//   sheaf_circuit_breaker_not_permitted_calls_total{name}     calls refused while open
//   sheaf_degradation_level                                   0..4 (L0..L4)
// Thread safety: as MetricsRegistry's collectors.
#ifndef SHEAF_SERVICE_RESILIENCE_METRICS_H_
#define SHEAF_SERVICE_RESILIENCE_METRICS_H_

#include "resilience/breakers.h"
#include "resilience/degradation.h"
#include "service/metrics.h"

namespace sheaf {

// The breakers' series; breakers made later appear from their first scrape on. `degradation`
// may be null (no level series). Both must outlive the registry's scrapes.
void WatchResilience(MetricsRegistry* registry, CircuitBreakerRegistry* breakers,
                     DegradationController* degradation);

// The gauge value of a state: 0 closed, 1 half-open, 2 open.
int BreakerStateValue(BreakerState state);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_RESILIENCE_METRICS_H_
