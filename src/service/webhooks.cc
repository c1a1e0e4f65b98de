// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/webhooks.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <map>
#include <utility>
#include <vector>

#include "queue/backoff.h"
#include "sheaf/build_info.h"
#include "sheaf/hash.h"

namespace sheaf {

namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxErrorBody = 200;  // bytes of a receiver's answer kept in last_error

// A receiver's answer for last_error: printable ASCII only, cut short.
std::string Excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, kMaxErrorBody)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : ' ';
  }
  if (body.size() > kMaxErrorBody) out += "...";
  return out;
}

}  // namespace

std::string ReceiverBreakerName(std::string_view url) {
  std::string_view rest = url;
  std::string scheme;
  if (const std::size_t colon = rest.find("://"); colon != std::string_view::npos) {
    scheme = std::string(rest.substr(0, colon)) + "://";
    rest = rest.substr(colon + 3);
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  std::string name = std::string(kWebhookBreaker) + ":" + scheme + std::string(rest);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

WebhookDeliverer::WebhookDeliverer(WebhookDelivererDeps deps, WebhookDelivererOptions options)
    : deps_(std::move(deps)),
      options_(std::move(options)),
      rng_(options_.jitter_seed != 0 ? options_.jitter_seed : std::random_device()()) {}

WebhookDeliverer::~WebhookDeliverer() { Stop(); }

std::string WebhookDeliverer::Signature(
    const std::function<std::string(std::string_view, std::string_view)>& hmac,
    std::string_view secret, std::string_view body) {
  return "sha256=" + (hmac ? hmac(secret, body) : HmacSha256Hex(secret, body));
}

std::int64_t WebhookDeliverer::NowMs() const {
  const auto now = deps_.clock ? deps_.clock() : std::chrono::system_clock::now();
  return std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
}

Status WebhookDeliverer::Start() {
  if (deps_.metadata == nullptr || deps_.http == nullptr) {
    return Status(ErrorCode::kInvalidArgument, "webhook deliverer: metadata and http are required");
  }
  if (options_.claim_batch < 1 || options_.lease.count() <= 0 ||
      options_.request_timeout.count() <= 0 || options_.poll_interval.count() <= 0 ||
      options_.retry_window.count() < 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "webhook deliverer: claim_batch, lease, request_timeout and poll_interval must "
                  "be positive and retry_window not negative");
  }
  return loop_.Start([this] {
    Result<int> claimed = RunOnce();
    if (!claimed.ok()) spdlog::warn("webhooks: {}", claimed.status().ToString());
    // A full batch means more may be due now; otherwise wait for new events.
    const bool more = claimed.ok() && *claimed >= options_.claim_batch;
    return BackgroundLoop::Next{more ? std::chrono::milliseconds(0) : options_.poll_interval,
                                false};
  });
}

void WebhookDeliverer::Stop() { loop_.Stop(); }

Result<int> WebhookDeliverer::RunOnce() {
  if (deps_.metadata == nullptr || deps_.http == nullptr) {
    return Status(ErrorCode::kInvalidArgument, "webhook deliverer: metadata and http are required");
  }
  Result<std::vector<WebhookEvent>> claimed =
      deps_.metadata->ClaimDueWebhooks(options_.claim_batch, options_.lease);
  if (!claimed.ok()) return claimed.status();
  const std::int64_t lease_end = NowMs() + options_.lease.count();
  const std::string user_agent =
      options_.user_agent.empty() ? std::string("sheaf/") + SHEAF_VERSION : options_.user_agent;
  // Tenants looked up in this round: a secret rotated now applies from the next round on.
  std::map<std::string, Result<Tenant>> tenants;
  const std::vector<WebhookEvent>& events = *claimed;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const WebhookEvent& e = events[i];
    // Stopping, or too late to finish within the lease (another worker could claim it then):
    // hand the rest back, due now, without counting them as failures.
    const bool stop = stopping();
    if (stop || NowMs() + options_.request_timeout.count() > lease_end) {
      for (std::size_t j = i; j < events.size(); ++j) {
        Status s = deps_.metadata->MarkWebhookAttemptFailed(
            events[j].event_id,
            stop ? "not attempted: the delivery worker stopped"
                 : "not attempted within its lease: released",
            NowMs());
        if (!s.ok()) spdlog::warn("webhooks: {}: {}", events[j].event_id, s.ToString());
      }
      break;
    }

    auto it = tenants.find(e.tenant_id);
    if (it == tenants.end())
      it = tenants.emplace(e.tenant_id, deps_.metadata->GetTenant(e.tenant_id)).first;
    const Result<Tenant>& tenant = it->second;
    if (!tenant.ok()) {
      // A tenant that is gone never comes back; a store that is busy may.
      AttemptFailed(e, "cannot sign: " + tenant.status().message(),
                    tenant.status().code() != ErrorCode::kNotFound);
      continue;
    }
    const HttpHeaders headers = {
        {"Content-Type", "application/json"},
        {"User-Agent", user_agent},
        {"X-Sheaf-Event-Id", e.event_id},
        {"X-Sheaf-Event-Type", e.event_type},
        {"X-Sheaf-Signature", Signature(deps_.hmac, tenant->webhook_secret, e.body)},
    };
    CircuitBreaker* breaker =
        deps_.breakers != nullptr ? &deps_.breakers->Get(ReceiverBreakerName(e.url)) : nullptr;
    if (breaker != nullptr && !breaker->TryAcquirePermission()) {
      const auto wait = std::chrono::ceil<milliseconds>(breaker->Snapshot().open_remaining);
      deferred_.fetch_add(1);
      AttemptFailed(e, "not attempted: circuit breaker " + breaker->name() + " is open", true,
                    wait, /*attempted=*/false);
      continue;
    }
    const Clock::TimePoint started =
        breaker != nullptr ? deps_.breakers->clock()->Now() : Clock::TimePoint();
    Result<HttpResponse> answer =
        deps_.http->Post(e.url, headers, e.body, options_.request_timeout);
    if (breaker != nullptr) {
      const auto took = deps_.breakers->clock()->Now() - started;
      if (answer.ok() && answer->status >= 200 && answer->status < 300) {
        breaker->OnSuccess(took);
      } else if (!answer.ok() && answer.status().code() == ErrorCode::kInvalidArgument) {
        breaker->ReleasePermission();  // our request, not the receiver, is at fault
      } else {
        breaker->OnError(took);
      }
    }
    if (answer.ok() && answer->status >= 200 && answer->status < 300) {
      Status s = deps_.metadata->MarkWebhookDelivered(e.event_id);
      if (s.ok()) {
        delivered_.fetch_add(1);
      } else {
        // Delivered but not recorded: the lease ends and it is delivered again (at least once).
        spdlog::warn("webhooks: {} delivered but not recorded: {}", e.event_id, s.ToString());
      }
      continue;
    }
    if (answer.ok()) {
      std::string error = "HTTP " + std::to_string(answer->status);
      if (!answer->body.empty()) error += ": " + Excerpt(answer->body);
      AttemptFailed(e, error, true);
    } else {
      // invalid_argument (a URL that is not http(s), a header that cannot be sent) fails the
      // same way every time: give up at once.
      AttemptFailed(e, answer.status().message(),
                    answer.status().code() != ErrorCode::kInvalidArgument);
    }
  }
  return static_cast<int>(events.size());
}

void WebhookDeliverer::AttemptFailed(const WebhookEvent& event, const std::string& error,
                                     bool retryable, milliseconds at_least, bool attempted) {
  const std::int64_t now = NowMs();
  std::optional<std::int64_t> retry_at;
  if (retryable && now - event.window_start < options_.retry_window.count()) {
    retry_at = now + std::max(RetryDelay(event.attempts, options_.backoff, rng_), at_least).count();
  }
  Status s = deps_.metadata->MarkWebhookAttemptFailed(event.event_id, error, retry_at);
  if (!s.ok()) {
    // Not recorded: the lease ends and the event is attempted again.
    spdlog::warn("webhooks: {}: cannot record a failed attempt: {}", event.event_id, s.ToString());
    return;
  }
  if (retry_at && !attempted) {
    spdlog::debug("webhooks: {} deferred ({}); due in {} ms", event.event_id, error,
                  *retry_at - now);
  } else if (retry_at) {
    retried_.fetch_add(1);
    spdlog::info("webhooks: {} attempt {} failed ({}); retry in {} ms", event.event_id,
                 event.attempts, error, *retry_at - now);
  } else {
    failed_.fetch_add(1);
    spdlog::warn("webhooks: {} failed for good after {} attempts: {}", event.event_id,
                 event.attempts, error);
  }
}

}  // namespace sheaf
