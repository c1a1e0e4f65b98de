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

Status HitlProbe::Start() {
  return loop_.Start([this] {
    ProbeOnce();
    return BackgroundLoop::Next{options_.interval, false};
  });
}

void HitlProbe::Stop() { loop_.Stop(); }

}  // namespace sheaf
