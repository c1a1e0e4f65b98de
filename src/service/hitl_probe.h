// SPDX-License-Identifier: GPL-3.0-or-later
//
// HitlProbe: whether the review service (the design's HITL backend: the `sheaf serve` that
// serves the review API and page) answers, as seen from a process that runs the pipeline.
//
// Every `interval` it GETs {review_url}/readyz through the "hitl" circuit breaker: a 200 is a
// success, anything else (no answer, a timeout, another status) a failure. The breaker's
// window, threshold and open time are the design's (50 % in 60 s, 120 s open) unless
// overridden. While that breaker is not closed, review counts as unavailable and the validate
// stage approves documents whose fields are all >= 0.85 confident (service/hitl_fallback.h; level
// L3). A refused probe (breaker open) is not sent: the breaker half-opens after its wait and
// lets the next probes through.
//
// Thread-safe. Start runs a thread of its own until Stop (or destruction).
#ifndef SHEAF_SERVICE_HITL_PROBE_H_
#define SHEAF_SERVICE_HITL_PROBE_H_

#include <chrono>
#include <string>

#include "core/background_loop.h"
#include "resilience/circuit_breaker.h"
#include "sheaf/http_client.h"

namespace sheaf {

struct HitlProbeOptions {
  std::string review_url;  // e.g. http://127.0.0.1:8080 (no trailing /readyz)
  std::chrono::milliseconds interval{2000};
  std::chrono::milliseconds timeout{2000};
};

class HitlProbe {
 public:
  // `http` and `breaker` must outlive the probe.
  HitlProbe(HttpClient* http, CircuitBreaker* breaker, HitlProbeOptions options);
  ~HitlProbe();
  HitlProbe(const HitlProbe&) = delete;
  HitlProbe& operator=(const HitlProbe&) = delete;

  // One probe, now: false when the breaker refused it (nothing was sent).
  bool ProbeOnce();
  // Probes every `interval` on a thread of its own until Stop.
  Status Start();
  void Stop();

 private:
  HttpClient* http_;
  CircuitBreaker* breaker_;
  HitlProbeOptions options_;
  BackgroundLoop loop_{"hitl probe"};
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_HITL_PROBE_H_
