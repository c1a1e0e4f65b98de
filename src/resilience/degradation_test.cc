// SPDX-License-Identifier: GPL-3.0-or-later
#include "resilience/degradation.h"

#include <gtest/gtest.h>

#include "resilience/manual_clock.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
constexpr BreakerState kOpen = BreakerState::kOpen;
constexpr BreakerState kHalf = BreakerState::kHalfOpen;
constexpr BreakerState kClosed = BreakerState::kClosed;

struct MatrixRow {
  std::string name;
  std::map<std::string, BreakerState> breakers;
  HealthSignals health;
  DegradationLevel want;
  std::vector<std::string> want_causes;
};

TEST(DegradationMatrix, FollowsTheDesignsDecisionMatrix) {
  const std::vector<MatrixRow> rows = {
      {"all closed, healthy", {{"ocr", kClosed}, {"database", kClosed}}, {5s, 1.0, std::nullopt},
       DegradationLevel::kL0, {}},
      {"nothing known", {}, {}, DegradationLevel::kL0, {}},
      {"foundation model down", {{"foundation-model", kOpen}}, {}, DegradationLevel::kL1,
       {"foundation-model circuit breaker open"}},
      {"database writes exactly 5 s are not slow", {}, {5s, std::nullopt, std::nullopt}, DegradationLevel::kL0,
       {}},
      {"database writes over 5 s", {}, {5001ms, std::nullopt, std::nullopt}, DegradationLevel::kL1,
       {"database write latency 5.0 s > 5 s"}},
      {"database breaker open", {{"database", kOpen}}, {}, DegradationLevel::kL1,
       {"database circuit breaker open"}},
      {"writes waiting in the spool", {}, {std::nullopt, std::nullopt, 3},
       DegradationLevel::kL1, {"3 database writes spooled"}},
      {"an empty spool", {}, {std::nullopt, std::nullopt, 0}, DegradationLevel::kL0, {}},
      {"OCR unavailable", {{"ocr", kOpen}}, {}, DegradationLevel::kL2,
       {"ocr circuit breaker open"}},
      {"OCR probing counts as down", {{"ocr", kHalf}}, {}, DegradationLevel::kL2,
       {"ocr circuit breaker half_open"}},
      {"workers at exactly 50 % are enough", {}, {std::nullopt, 0.5, std::nullopt}, DegradationLevel::kL0, {}},
      {"workers below 50 %", {}, {std::nullopt, 0.49, std::nullopt}, DegradationLevel::kL2,
       {"worker availability 49% < 50%"}},
      {"HITL down", {{"hitl", kOpen}}, {}, DegradationLevel::kL3, {"hitl circuit breaker open"}},
      {"slow database and few workers: the higher level", {}, {6s, 0.25, std::nullopt}, DegradationLevel::kL2,
       {"database write latency 6.0 s > 5 s", "worker availability 25% < 50%"}},
      {"two services down", {{"ocr", kOpen}, {"hitl", kOpen}}, {}, DegradationLevel::kL4,
       {"ocr circuit breaker open", "hitl circuit breaker open", "2 services down"}},
      {"model and database down", {{"foundation-model", kOpen}, {"database", kHalf}}, {},
       DegradationLevel::kL4,
       {"foundation-model circuit breaker open", "database circuit breaker half_open",
        "2 services down"}},
      {"a webhook receiver is no service of the matrix",
       {{"webhook:http://127.0.0.1:9", kOpen}, {"ocr", kOpen}}, {}, DegradationLevel::kL2,
       {"ocr circuit breaker open"}},
      {"one service down and slow writes is not multiple", {{"ocr", kOpen}}, {6s, 0.1, std::nullopt},
       DegradationLevel::kL2,
       {"database write latency 6.0 s > 5 s", "ocr circuit breaker open",
        "worker availability 10% < 50%"}},
  };
  for (const MatrixRow& r : rows) {
    SCOPED_TRACE(r.name);
    const DegradationAssessment a = AssessDegradation(r.breakers, r.health);
    EXPECT_EQ(DegradationLevelName(a.level), DegradationLevelName(r.want));
    std::vector<std::string> causes;
    for (const auto& c : a.causes) causes.push_back(c.trigger);
    EXPECT_EQ(causes, r.want_causes);
  }
}

TEST(WriteLatencyWindow, ReportsTheSlowestWriteOfTheWindow) {
  ManualClock clock;
  WriteLatencyWindow w(&clock, 30s);
  EXPECT_FALSE(w.Slowest().has_value());
  w.Record(2s);
  clock.Advance(10s);
  w.Record(7s);
  clock.Advance(10s);
  w.Record(1s);
  EXPECT_EQ(*w.Slowest(), 7s);
  clock.Advance(10s);  // the 7 s write finished 20 s ago: still in
  EXPECT_EQ(*w.Slowest(), 7s);
  clock.Advance(10s);  // now 30 s ago: out
  EXPECT_EQ(*w.Slowest(), 1s);
  clock.Advance(10s);
  EXPECT_FALSE(w.Slowest().has_value());
}

TEST(DegradationController, FollowsTheBreakersAndReportsEachChange) {
  ManualClock clock;
  auto configs = DefaultBreakerConfigs();
  CircuitBreakerRegistry registry(configs, &clock);
  HealthSignals health;
  DegradationController controller(&registry, [&] { return health; }, &clock);
  std::vector<std::string> changes;
  controller.OnChange([&](const DegradationStatus& from, const DegradationStatus& to) {
    changes.push_back(std::string(DegradationLevelName(from.assessment.level)) + "->" +
                      std::string(DegradationLevelName(to.assessment.level)));
  });
  EXPECT_EQ(controller.Update().assessment.level, DegradationLevel::kL0);
  const auto start = clock.Now();

  clock.Advance(1s);
  registry.Get("ocr").TransitionToOpen("test");
  DegradationStatus s = controller.Update();
  EXPECT_EQ(s.assessment.level, DegradationLevel::kL2);
  EXPECT_EQ(controller.level(), DegradationLevel::kL2);
  EXPECT_EQ(s.since, start + 1s);
  EXPECT_EQ(s.breakers.at("ocr"), BreakerState::kOpen);

  clock.Advance(1s);
  registry.Get("hitl").TransitionToOpen("test");
  EXPECT_EQ(controller.Update().assessment.level, DegradationLevel::kL4);
  // The OCR breaker's wait (60 s) ends: half-open still counts as down.
  clock.Advance(60s);
  EXPECT_EQ(controller.Update().assessment.level, DegradationLevel::kL4);
  registry.Get("hitl").TransitionToClosed("test");
  registry.Get("ocr").TransitionToClosed("test");
  EXPECT_EQ(controller.Update().assessment.level, DegradationLevel::kL0);
  health.database_write_latency = 8s;
  EXPECT_EQ(controller.Update().assessment.level, DegradationLevel::kL1);
  EXPECT_EQ(controller.Current().assessment.causes.at(0).trigger,
            "database write latency 8.0 s > 5 s");
  EXPECT_EQ(changes, (std::vector<std::string>{"L0->L2", "L2->L4", "L4->L0", "L0->L1"}));
}

TEST(DegradationController, ItsThreadUpdatesWhenPoked) {
  ManualClock clock;
  CircuitBreakerRegistry registry(DefaultBreakerConfigs(), &clock);
  DegradationController controller(&registry, {}, &clock);
  registry.AddListener([&](const BreakerTransition&) { controller.Poke(); });
  std::mutex mu;
  std::condition_variable cv;
  DegradationLevel seen = DegradationLevel::kL0;
  controller.OnChange([&](const DegradationStatus&, const DegradationStatus& to) {
    std::lock_guard<std::mutex> lock(mu);
    seen = to.assessment.level;
    cv.notify_all();
  });
  ASSERT_TRUE(controller.Start(std::chrono::hours(1)).ok());  // only a poke can wake it in time
  registry.Get("foundation-model").TransitionToOpen("test");
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 60s, [&] { return seen == DegradationLevel::kL1; }));
  lock.unlock();
  controller.Stop();
}

}  // namespace
}  // namespace sheaf
