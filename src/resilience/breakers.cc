// SPDX-License-Identifier: GPL-3.0-or-later
#include "resilience/breakers.h"

#include <cmath>
#include <cstdlib>

namespace sheaf {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

CircuitBreakerConfig Design(int window_seconds, double failure_rate, seconds open_for) {
  CircuitBreakerConfig c;
  c.sliding_window_type = SlidingWindowType::kTimeBased;
  c.sliding_window_size = window_seconds;
  c.minimum_number_of_calls = 5;  // the design's textract instance
  c.failure_rate_threshold = failure_rate;
  c.wait_duration_in_open_state = open_for;
  c.permitted_number_of_calls_in_half_open_state = 3;
  c.automatic_transition_from_open_to_half_open = true;
  return c;
}

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

bool ParseInt(const std::string& text, int* out) {
  double v = 0;
  if (!ParseDouble(text, &v) || v != std::floor(v) || v < -1e9 || v > 1e9) return false;
  *out = static_cast<int>(v);
  return true;
}

// "500ms", "30s", "2m", "1h", "30" (seconds).
bool ParseDuration(const std::string& text, milliseconds* out) {
  struct Unit {
    const char* suffix;
    double ms;
  };
  static const Unit kUnits[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
  for (const Unit& u : kUnits) {
    const std::string suffix = u.suffix;
    if (text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(),
                                                    suffix) == 0) {
      double v = 0;
      if (!ParseDouble(text.substr(0, text.size() - suffix.size()), &v)) continue;
      if (v < 0 || v * u.ms > 1e12) return false;
      *out = milliseconds(static_cast<long long>(std::llround(v * u.ms)));
      return true;
    }
  }
  double v = 0;
  if (!ParseDouble(text, &v) || v < 0 || v > 1e9) return false;
  *out = milliseconds(static_cast<long long>(std::llround(v * 1000)));
  return true;
}

bool ParseBool(const std::string& text, bool* out) {
  if (text == "true" || text == "1" || text == "yes") {
    *out = true;
  } else if (text == "false" || text == "0" || text == "no") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

// Applies one KEY=VALUE; false when the key is unknown or the value malformed.
bool ApplyKey(const std::string& key, const std::string& value, CircuitBreakerConfig* c,
              bool* known) {
  *known = true;
  if (key == "sliding-window-type") {
    if (value == "count-based") {
      c->sliding_window_type = SlidingWindowType::kCountBased;
    } else if (value == "time-based") {
      c->sliding_window_type = SlidingWindowType::kTimeBased;
    } else {
      return false;
    }
    return true;
  }
  if (key == "sliding-window-size") return ParseInt(value, &c->sliding_window_size);
  if (key == "minimum-number-of-calls") return ParseInt(value, &c->minimum_number_of_calls);
  if (key == "failure-rate-threshold") return ParseDouble(value, &c->failure_rate_threshold);
  if (key == "slow-call-rate-threshold") return ParseDouble(value, &c->slow_call_rate_threshold);
  if (key == "slow-call-duration-threshold") {
    return ParseDuration(value, &c->slow_call_duration_threshold);
  }
  if (key == "wait-duration-in-open-state") {
    return ParseDuration(value, &c->wait_duration_in_open_state);
  }
  if (key == "permitted-number-of-calls-in-half-open-state") {
    return ParseInt(value, &c->permitted_number_of_calls_in_half_open_state);
  }
  if (key == "automatic-transition-from-open-to-half-open") {
    return ParseBool(value, &c->automatic_transition_from_open_to_half_open);
  }
  *known = false;
  return false;
}

}  // namespace

const std::vector<std::string>& BreakerDependencies() {
  static const std::vector<std::string> kNames = {
      std::string(kOcrBreaker), std::string(kFoundationModelBreaker),
      std::string(kDatabaseBreaker), std::string(kHitlBreaker), std::string(kWebhookBreaker)};
  return kNames;
}

std::map<std::string, CircuitBreakerConfig> DefaultBreakerConfigs() {
  std::map<std::string, CircuitBreakerConfig> c;
  c[std::string(kOcrBreaker)] = Design(30, 50, seconds(60));
  CircuitBreakerConfig model = Design(30, 30, seconds(120));
  model.slow_call_duration_threshold = seconds(10);
  model.slow_call_rate_threshold = 50;
  c[std::string(kFoundationModelBreaker)] = model;
  c[std::string(kDatabaseBreaker)] = Design(10, 30, seconds(30));
  c[std::string(kHitlBreaker)] = Design(60, 50, seconds(120));
  c[std::string(kWebhookBreaker)] = Design(60, 50, seconds(300));
  return c;
}

std::string BreakerDependency(std::string_view breaker_name) {
  return std::string(breaker_name.substr(0, breaker_name.find(':')));
}

Status ApplyBreakerOverrides(std::string_view text,
                             std::map<std::string, CircuitBreakerConfig>* configs) {
  std::map<std::string, CircuitBreakerConfig> out = *configs;
  std::size_t start = 0;
  const std::string all(text);
  while (start < all.size()) {
    std::size_t end = all.find(',', start);
    if (end == std::string::npos) end = all.size();
    std::string item = all.substr(start, end - start);
    start = end + 1;
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    const std::size_t dot = item.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
      return Status(ErrorCode::kInvalidArgument,
                    "circuit breakers: \"" + item +
                        "\": expected DEPENDENCY.KEY=VALUE, e.g. webhook.failure-rate-threshold=50");
    }
    const std::string dependency = item.substr(0, dot);
    const std::string key = item.substr(dot + 1, eq - dot - 1);
    const std::string value = item.substr(eq + 1);
    auto it = out.find(dependency);
    if (it == out.end()) {
      std::string names;
      for (const std::string& n : BreakerDependencies()) names += (names.empty() ? "" : ", ") + n;
      return Status(ErrorCode::kInvalidArgument, "circuit breakers: unknown dependency \"" +
                                                     dependency + "\" (dependencies: " + names +
                                                     ")");
    }
    bool known = false;
    if (!ApplyKey(key, value, &it->second, &known)) {
      return Status(ErrorCode::kInvalidArgument,
                    known ? "circuit breakers: " + dependency + "." + key + ": invalid value \"" +
                                value + "\""
                          : "circuit breakers: " + dependency + ": unknown key \"" + key + "\"");
    }
  }
  for (const auto& [dependency, config] : out) {
    if (Status s = config.Validate(); !s.ok()) {
      return Status(ErrorCode::kInvalidArgument, dependency + ": " + s.message());
    }
  }
  *configs = std::move(out);
  return Status::Ok();
}

CircuitBreakerRegistry::CircuitBreakerRegistry(std::map<std::string, CircuitBreakerConfig> configs,
                                               Clock* clock)
    : configs_(std::move(configs)), clock_(clock) {}

void CircuitBreakerRegistry::AddListener(CircuitBreaker::Listener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(listener));
}

CircuitBreaker& CircuitBreakerRegistry::Get(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = breakers_.find(name);
  if (it != breakers_.end()) return *it->second;
  auto config = configs_.find(BreakerDependency(name));
  if (config == configs_.end()) config = configs_.find(std::string(kWebhookBreaker));
  auto breaker = std::make_unique<CircuitBreaker>(
      name, config != configs_.end() ? config->second : CircuitBreakerConfig{}, clock_);
  if (!listeners_.empty()) {
    const std::vector<CircuitBreaker::Listener> listeners = listeners_;
    breaker->SetListener([listeners](const BreakerTransition& t) {
      for (const auto& l : listeners) l(t);
    });
  }
  return *breakers_.emplace(name, std::move(breaker)).first->second;
}

BreakerState CircuitBreakerRegistry::StateOf(const std::string& name) {
  CircuitBreaker* breaker = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = breakers_.find(name);
    if (it == breakers_.end()) return BreakerState::kClosed;
    breaker = it->second.get();
  }
  return breaker->state();
}

void CircuitBreakerRegistry::ForEach(const std::function<void(CircuitBreaker&)>& fn) {
  std::vector<CircuitBreaker*> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, breaker] : breakers_) all.push_back(breaker.get());
  }
  for (CircuitBreaker* b : all) fn(*b);
}

}  // namespace sheaf
