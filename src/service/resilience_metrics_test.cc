// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/resilience_metrics.h"

#include <gtest/gtest.h>

#include "resilience/manual_clock.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

TEST(ResilienceMetrics, ShowStatesTransitionsRefusalsAndTheLevel) {
  ManualClock clock;
  CircuitBreakerRegistry breakers(DefaultBreakerConfigs(), &clock);
  DegradationController degradation(&breakers, {}, &clock);
  MetricsRegistry metrics;
  WatchResilience(&metrics, &breakers, &degradation);

  breakers.Get("database");
  CircuitBreaker& ocr = breakers.Get("ocr");
  for (int i = 0; i < 5; ++i) ocr.OnError(1ms);  // 100 % of 5 calls: opens
  EXPECT_FALSE(ocr.TryAcquirePermission());
  degradation.Update();
  std::string text = metrics.Render();
  EXPECT_NE(text.find("sheaf_circuit_breaker_state{name=\"ocr\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sheaf_circuit_breaker_state{name=\"database\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("sheaf_circuit_breaker_transitions_total{name=\"ocr\",from=\"closed\","
                      "to=\"open\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sheaf_circuit_breaker_not_permitted_calls_total{name=\"ocr\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("sheaf_degradation_level 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE sheaf_circuit_breaker_transitions_total counter"),
            std::string::npos);

  clock.Advance(60s);  // the automatic transition shows on the next scrape
  text = metrics.Render();
  EXPECT_NE(text.find("sheaf_circuit_breaker_state{name=\"ocr\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sheaf_circuit_breaker_transitions_total{name=\"ocr\",from=\"open\","
                      "to=\"half_open\"} 1\n"),
            std::string::npos);
}

}  // namespace
}  // namespace sheaf
