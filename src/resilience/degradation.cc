// SPDX-License-Identifier: GPL-3.0-or-later
#include "resilience/degradation.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

namespace sheaf {

namespace {

BreakerState StateIn(const std::map<std::string, BreakerState>& breakers, std::string_view name) {
  auto it = breakers.find(std::string(name));
  return it == breakers.end() ? BreakerState::kClosed : it->second;
}

std::string CausesText(const DegradationAssessment& a) {
  if (a.causes.empty()) return "no trigger";
  std::string out;
  for (const DegradationCause& c : a.causes) {
    out += (out.empty() ? "" : "; ") + c.trigger + " (" +
           std::string(DegradationLevelName(c.level)) + ")";
  }
  return out;
}

bool SameCauses(const DegradationAssessment& a, const DegradationAssessment& b) {
  if (a.causes.size() != b.causes.size()) return false;
  for (std::size_t i = 0; i < a.causes.size(); ++i) {
    if (a.causes[i].trigger != b.causes[i].trigger) return false;
  }
  return true;
}

}  // namespace

std::string_view DegradationLevelName(DegradationLevel level) {
  switch (level) {
    case DegradationLevel::kL0:
      return "L0";
    case DegradationLevel::kL1:
      return "L1";
    case DegradationLevel::kL2:
      return "L2";
    case DegradationLevel::kL3:
      return "L3";
    case DegradationLevel::kL4:
      return "L4";
  }
  return "L?";
}

std::string_view DegradationLevelDescription(DegradationLevel level) {
  switch (level) {
    case DegradationLevel::kL0:
      return "normal operation";
    case DegradationLevel::kL1:
      return "degraded: foundation models unavailable";
    case DegradationLevel::kL2:
      return "degraded: OCR service issues";
    case DegradationLevel::kL3:
      return "degraded: HITL unavailable";
    case DegradationLevel::kL4:
      return "minimal: critical failure, ingestion only";
  }
  return "";
}

DegradationAssessment AssessDegradation(const std::map<std::string, BreakerState>& breakers,
                                        const HealthSignals& health) {
  DegradationAssessment a;
  auto add = [&](DegradationLevel level, std::string trigger) {
    a.causes.push_back({level, std::move(trigger)});
    a.level = std::max(a.level, level);
  };
  auto down = [&](std::string_view name) {
    return StateIn(breakers, name) != BreakerState::kClosed;
  };
  auto breaker_cause = [&](std::string_view name) {
    return std::string(name) + " circuit breaker " +
           std::string(BreakerStateName(StateIn(breakers, name)));
  };
  int services_down = 0;
  if (down(kFoundationModelBreaker)) {
    ++services_down;
    add(DegradationLevel::kL1, breaker_cause(kFoundationModelBreaker));
  }
  if (down(kDatabaseBreaker)) {
    ++services_down;
    add(DegradationLevel::kL1, breaker_cause(kDatabaseBreaker));
  }
  if (health.database_write_latency && *health.database_write_latency > kSlowDatabaseWrite) {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "database write latency %.1f s > %lld s",
                  std::chrono::duration<double>(*health.database_write_latency).count(),
                  static_cast<long long>(kSlowDatabaseWrite.count()));
    add(DegradationLevel::kL1, buf);
  }
  if (health.spooled_writes && *health.spooled_writes > 0) {
    add(DegradationLevel::kL1, std::to_string(*health.spooled_writes) + " database writes spooled");
  }
  if (down(kOcrBreaker)) {
    ++services_down;
    add(DegradationLevel::kL2, breaker_cause(kOcrBreaker));
  }
  if (health.worker_availability && *health.worker_availability < kMinWorkerAvailability) {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "worker availability %.0f%% < %.0f%%",
                  *health.worker_availability * 100, kMinWorkerAvailability * 100);
    add(DegradationLevel::kL2, buf);
  }
  if (down(kHitlBreaker)) {
    ++services_down;
    add(DegradationLevel::kL3, breaker_cause(kHitlBreaker));
  }
  if (services_down >= 2) {
    add(DegradationLevel::kL4, std::to_string(services_down) + " services down");
  }
  return a;
}

void WriteLatencyWindow::Record(std::chrono::nanoseconds took) {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::TimePoint now = clock_->Now();
  ExpireLocked(now);
  while (!samples_.empty() && samples_.back().second <= took) samples_.pop_back();
  samples_.emplace_back(now, took);
}

std::optional<std::chrono::nanoseconds> WriteLatencyWindow::Slowest() {
  std::lock_guard<std::mutex> lock(mu_);
  ExpireLocked(clock_->Now());
  if (samples_.empty()) return std::nullopt;
  return samples_.front().second;
}

void WriteLatencyWindow::ExpireLocked(Clock::TimePoint now) {
  while (!samples_.empty() && now - samples_.front().first >= window_) samples_.pop_front();
}

DegradationController::DegradationController(CircuitBreakerRegistry* breakers,
                                             std::function<HealthSignals()> health, Clock* clock)
    : breakers_(breakers), health_(std::move(health)), clock_(clock) {
  current_.since = clock_->Now();
}

DegradationController::~DegradationController() { Stop(); }

DegradationStatus DegradationController::Update() {
  DegradationStatus next;
  breakers_->ForEach([&](CircuitBreaker& b) { next.breakers[b.name()] = b.state(); });
  const HealthSignals health = health_ ? health_() : HealthSignals{};
  next.assessment = AssessDegradation(next.breakers, health);
  DegradationStatus before;
  std::vector<std::function<void(const DegradationStatus&, const DegradationStatus&)>> listeners;
  bool level_changed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    before = current_;
    level_changed = next.assessment.level != before.assessment.level;
    next.since = level_changed ? clock_->Now() : before.since;
    current_ = next;
    level_.store(next.assessment.level);
    if (level_changed) listeners = listeners_;
  }
  if (level_changed) {
    const auto log = next.assessment.level > before.assessment.level ? spdlog::level::warn
                                                                     : spdlog::level::info;
    spdlog::log(log, "degradation: {} -> {} ({}): {}",
                DegradationLevelName(before.assessment.level),
                DegradationLevelName(next.assessment.level),
                DegradationLevelDescription(next.assessment.level), CausesText(next.assessment));
    for (const auto& fn : listeners) fn(before, next);
  } else if (!SameCauses(before.assessment, next.assessment)) {
    spdlog::info("degradation: still {}, causes now: {}",
                 DegradationLevelName(next.assessment.level), CausesText(next.assessment));
  }
  return next;
}

DegradationStatus DegradationController::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

void DegradationController::OnChange(
    std::function<void(const DegradationStatus&, const DegradationStatus&)> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(fn));
}

Status DegradationController::Start(std::chrono::milliseconds interval) {
  return loop_.Start([this, interval] {
    Update();
    return BackgroundLoop::Next{interval, true};
  });
}

void DegradationController::Stop() { loop_.Stop(); }

void DegradationController::Poke() { loop_.Wake(); }

}  // namespace sheaf
