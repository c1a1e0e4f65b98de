// SPDX-License-Identifier: GPL-3.0-or-later
//
// WebhookDeliverer: the worker that delivers the webhook events the MetadataStore holds (an
// outbox: the event is written in the same transaction as the change it reports).
//
// Each round claims up to claim_batch due events (held back from other workers for `lease`)
// and POSTs each event's stored body, byte for byte, to its URL with the headers
//   Content-Type: application/json
//   User-Agent: sheaf/<version>
//   X-Sheaf-Event-Id: <event id>       the same on every attempt and replay: deduplicate by it
//   X-Sheaf-Event-Type: <event type>   e.g. document.completed
//   X-Sheaf-Signature: sha256=<hex>    HMAC-SHA256 of the exact body under the tenant's secret
// A 2xx answer marks the event delivered. Anything else - another status, no answer, a
// timeout - is a failed attempt: it is due again after a full-jitter backoff delay
// (src/queue/backoff.h) while the event's retry window (measured from its creation or latest
// replay) is open, and failed for good once it has closed (`sheaf export replay` revives it).
// Delivery is at least once: a worker that dies between the POST and the mark leaves the event
// to be claimed again when its lease ends.
//
// With a CircuitBreakerRegistry, each receiver (scheme://host:port of the URL) has its own
// breaker, "webhook:<receiver>" (src/resilience/breakers.h): a receiver that keeps failing or
// hanging opens it, and its events are then put back without a request - due when the breaker
// lets probes through, or after their backoff if later - so a dead receiver does not hold the
// worker (each hanging request would for request_timeout) nor delay other receivers' events.
//
// Thread safety: Start, Stop and the counters may be called from any thread; RunOnce from one
// thread at a time, and not while the worker runs (tests drive it directly on a fake clock).
#ifndef SHEAF_SERVICE_WEBHOOKS_H_
#define SHEAF_SERVICE_WEBHOOKS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

#include "core/background_loop.h"
#include "resilience/breakers.h"
#include "sheaf/broker.h"
#include "sheaf/http_client.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf {

struct WebhookDelivererOptions {
  int claim_batch = 16;                              // events claimed per round
  std::chrono::milliseconds lease{60000};            // how long a claimed event is held back
  std::chrono::milliseconds request_timeout{10000};  // bounds each POST
  std::chrono::milliseconds poll_interval{200};      // sleep when nothing was due
  // Attempts go on while now - window_start < retry_window; the attempt after that is the last.
  std::chrono::milliseconds retry_window = std::chrono::hours(24);
  BackoffOptions backoff{std::chrono::seconds(5), 2.0, std::chrono::minutes(30)};
  std::string user_agent;         // "" = "sheaf/<version>"
  std::uint64_t jitter_seed = 0;  // 0 = seeded at random
};

struct WebhookDelivererDeps {
  MetadataStore* metadata = nullptr;  // required; outlives the deliverer
  HttpClient* http = nullptr;         // required; outlives the deliverer
  // HMAC-SHA256 as lower-case hex (key, data); empty = HmacSha256Hex (sheaf/hash.h).
  std::function<std::string(std::string_view, std::string_view)> hmac;
  // The time source for retry decisions; empty = std::chrono::system_clock::now. Must be the
  // same clock as the MetadataStore's (window_start and retry_at are in its time).
  std::function<std::chrono::system_clock::time_point()> clock;
  // One circuit breaker per receiver; null = none (every due event is attempted).
  CircuitBreakerRegistry* breakers = nullptr;
};

// The breaker name of a webhook URL's receiver: "webhook:" + scheme://host[:port], lower-case,
// without user info, path, query or fragment.
std::string ReceiverBreakerName(std::string_view url);

class WebhookDeliverer {
 public:
  WebhookDeliverer(WebhookDelivererDeps deps, WebhookDelivererOptions options);
  ~WebhookDeliverer();  // Stop()
  WebhookDeliverer(const WebhookDeliverer&) = delete;
  WebhookDeliverer& operator=(const WebhookDeliverer&) = delete;

  // Starts the worker thread. invalid_argument for missing dependencies or options out of
  // range; OK when it already runs.
  Status Start();
  // Stops the worker: returns once the POST in flight (if any) has finished, which its
  // request_timeout bounds. Events claimed but not yet attempted are released, due now, for the
  // next worker. Idempotent.
  void Stop();

  // One round: claims due events and attempts each. Returns how many were attempted; an error
  // when claiming failed (the worker logs it and tries again after poll_interval).
  Result<int> RunOnce();

  // Since construction: events acknowledged with 2xx; events given up (failed for good);
  // failed attempts scheduled for a retry (deferrals by an open breaker not included).
  std::uint64_t delivered() const { return delivered_.load(); }
  std::uint64_t failed() const { return failed_.load(); }
  std::uint64_t retried() const { return retried_.load(); }
  // Events put back unattempted because their receiver's breaker was open.
  std::uint64_t deferred() const { return deferred_.load(); }

  // The value of the X-Sheaf-Signature header for `body` under `secret`: "sha256=<hex>".
  static std::string Signature(
      const std::function<std::string(std::string_view, std::string_view)>& hmac,
      std::string_view secret, std::string_view body);

 private:
  std::int64_t NowMs() const;
  // Settles one attempt that did not get a 2xx.
  // A retry is due after the backoff delay, or after `at_least` when that is later.
  // `attempted` false: no request was made (a deferral): not counted as a retried attempt.
  void AttemptFailed(const WebhookEvent& event, const std::string& error, bool retryable,
                     std::chrono::milliseconds at_least = std::chrono::milliseconds(0),
                     bool attempted = true);
  bool stopping() const { return loop_.stopping(); }

  const WebhookDelivererDeps deps_;
  const WebhookDelivererOptions options_;
  std::mt19937_64 rng_;  // worker thread only (RunOnce)
  std::atomic<std::uint64_t> delivered_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> retried_{0};
  std::atomic<std::uint64_t> deferred_{0};
  BackgroundLoop loop_{"webhook deliverer"};
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_WEBHOOKS_H_
