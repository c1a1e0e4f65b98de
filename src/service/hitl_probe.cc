// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/hitl_probe.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace sheaf {

HitlProbe::HitlProbe(HttpClient* http, CircuitBreaker* breaker, HitlProbeOptions options)
    : http_(http), breaker_(breaker), options_(std::move(options)) {
  while (!options_.review_url.empty() && options_.review_url.back() == '/') {
    options_.review_url.pop_back();
  }
}

HitlProbe::~HitlProbe() { Stop(); }

bool HitlProbe::ProbeOnce() {
  if (!breaker_->TryAcquirePermission()) return false;
  const auto t0 = std::chrono::steady_clock::now();
  Result<HttpResponse> r = http_->Get(options_.review_url + "/readyz", {}, options_.timeout);
  const auto took = std::chrono::steady_clock::now() - t0;
  if (r.ok() && r->status == 200) {
    breaker_->OnSuccess(took);
  } else {
    spdlog::debug("hitl probe: review service {} not ready: {}", options_.review_url,
                  r.ok() ? "HTTP " + std::to_string(r->status) : r.status().ToString());
    breaker_->OnError(took);
  }
  return true;
}

void HitlProbe::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> held(mu_);
    while (!stopping_) {
      held.unlock();
      ProbeOnce();
      held.lock();
      wake_.wait_for(held, options_.interval, [this] { return stopping_; });
    }
  });
}

void HitlProbe::Stop() {
  std::thread t;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    t = std::move(thread_);
  }
  wake_.notify_all();
  if (t.joinable()) t.join();
}

}  // namespace sheaf
