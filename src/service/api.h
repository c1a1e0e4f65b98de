// SPDX-License-Identifier: GPL-3.0-or-later
//
// Api: Sheaf's HTTP API (docs/openapi.yaml) as a plain function of a request, on top of the
// Service and the MetadataStore. It authenticates (Authorization: Bearer KEY), scopes every
// lookup to the caller's tenant (another tenant's id answers exactly like a missing one: 404),
// rate-limits per tenant (429 + Retry-After), validates parameters and maps errors to statuses:
//
// The review page (docs/review-page.md) signs in with POST /v1/session: a session cookie then
// authenticates like the key it was made with, and a request it authenticates with an unsafe
// method (POST, DELETE, ...) needs X-CSRF-Token equal to the session's token, else 403
// forbidden. GET / and /assets/... serve the page itself (no authentication).
//
//   403 forbidden (a session cookie without its X-CSRF-Token on an unsafe method)
//   400 bad_request (malformed parameters, JSON, multipart; JSON nested too deep; a webhook
//       URL that is not public)   401 unauthorized
//   404 not_found (no such route or document)   405 method_not_allowed (with Allow)
//   409 conflict (the document's status does not allow the call)   431 headers_too_large
//   413 payload_too_large / limit_exceeded    415 unsupported_format
//   422 invalid_document / encrypted_document / unknown_type   429 rate_limited / queue_full
//   503 unavailable (storage or broker; retry)
//
// Every error body is {"error": {"code": "...", "message": "..."}}.
//
// Thread safety: Handle is called concurrently from the HTTP server's threads.
#ifndef SHEAF_SERVICE_API_H_
#define SHEAF_SERVICE_API_H_

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "sheaf/http_server.h"
#include "sheaf/metadata_store.h"
#include "service/service.h"

namespace sheaf {

class DegradationController;
class EventStreams;
class MemoryCache;
class RateLimiter;
class WebSessions;

struct ApiOptions {
  std::set<std::string> document_types;  // accepted `type` hints (the schemas)
  std::uint64_t max_body_bytes = 50ull * 1024 * 1024;
  std::chrono::seconds result_cache_ttl{2};
  // JSON in a request (the review body, `metadata`) nested deeper answers 400.
  int max_json_depth = 32;
  // A worker process (`sheaf worker`): only /healthz, /readyz and /metrics; everything else 404.
  bool probes_only = false;
};

struct ApiDeps {
  Service* service = nullptr;
  MetadataStore* metadata = nullptr;
  RateLimiter* limiter = nullptr;    // may be null: no rate limit
  MemoryCache* api_cache = nullptr;  // may be null: no caching of GET /v1/documents/{id}
  // /readyz: OK iff storage and broker answer.
  std::function<Status()> ready;
  // GET /v1/system/status: the degradation level, its causes and the dependencies' breakers.
  // May be null: the route is then not found.
  DegradationController* degradation = nullptr;
  // Checks a webhook_url given at ingestion beyond its syntax (the SSRF guard: public addresses
  // only); OK or invalid_argument with the reason. Null: syntax only.
  std::function<Status(const std::string& url)> check_webhook_url;
  // /metrics: the Prometheus text.
  std::function<std::string()> metrics;
  // Called once per request with its route template ("/v1/documents/{id}"), status and time.
  std::function<void(const std::string& method, const std::string& route, int status,
                     double seconds)>
      observe;
  // The review page: sign-in sessions and GET /v1/events. Null: those routes answer 404, and
  // so do / and /assets/... (serve_page false).
  WebSessions* sessions = nullptr;
  EventStreams* events = nullptr;
  bool serve_page = false;
};

class Api {
 public:
  Api(ApiDeps deps, ApiOptions options);

  // May move the body out of `request`.
  HttpReply Handle(HttpRequest& request);

  // {"error": {"code", "message"}} for a status the HTTP server answers itself.
  static std::string ErrorBody(int status, const std::string& message);

 private:
  HttpReply Route(HttpRequest& req, std::string* route);
  HttpReply Ingest(HttpRequest& req, const ApiKeyInfo& key);
  HttpReply GetDocument(const ApiKeyInfo& key, const std::string& id);
  HttpReply ListDocuments(const HttpRequest& req, const ApiKeyInfo& key);
  HttpReply ReviewTasks(const HttpRequest& req, const ApiKeyInfo& key);
  HttpReply Review(const HttpRequest& req, const ApiKeyInfo& key, const std::string& id);
  HttpReply Correct(const HttpRequest& req, const ApiKeyInfo& key, const std::string& id);
  std::optional<HttpReply> ParseClaim(const HttpRequest& req, const ApiKeyInfo& key, int* max,
                                      int* lease_seconds, std::string* reviewer);
  HttpReply ClaimReviewTasks(const HttpRequest& req, const ApiKeyInfo& key);
  HttpReply ClaimReviewTask(const HttpRequest& req, const ApiKeyInfo& key, const std::string& id);
  HttpReply ReleaseReviewTask(const HttpRequest& req, const ApiKeyInfo& key,
                              const std::string& id);
  HttpReply SystemStatus();
  HttpReply CreateSession(const HttpRequest& req, const ApiKeyInfo& key,
                          const std::string& api_key);
  HttpReply PageWords(const ApiKeyInfo& key, const std::string& id, const std::string& page);

  ApiDeps deps_;
  ApiOptions options_;
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_API_H_
