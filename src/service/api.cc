// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/api.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cache/memory_cache.h"
#include "core/json_depth.h"
#include "core/result_json.h"
#include "core/times.h"
#include "resilience/degradation.h"
#include "service/corrections.h"
#include "service/document_types.h"
#include "service/event_streams.h"
#include "service/rate_limiter.h"
#include "service/static_assets.h"
#include "service/web_session.h"

namespace sheaf {

namespace {

using Json = nlohmann::ordered_json;

HttpReply JsonResponse(int status, const Json& body) {
  HttpReply r;
  r.status = status;
  r.body = DumpJson(body);
  return r;
}

HttpReply Error(int status, const std::string& code, const std::string& message) {
  return JsonResponse(status, Json{{"error", {{"code", code}, {"message", message}}}});
}

// The HTTP answer for an error of the service or the store.
HttpReply FromStatus(const Status& s) {
  const std::string code(ErrorCodeName(s.code()));
  switch (s.code()) {
    case ErrorCode::kNotFound:
      return Error(404, "not_found", s.message());
    case ErrorCode::kUnsupportedFormat:
      return Error(415, code, s.message());
    case ErrorCode::kInvalidDocument:
    case ErrorCode::kEncryptedDocument:
      return Error(422, code, s.message());
    case ErrorCode::kLimitExceeded:
      return Error(413, code, s.message());
    case ErrorCode::kInvalidArgument:
      return Error(400, "bad_request", s.message());
    case ErrorCode::kUnavailable:
    case ErrorCode::kIoError:
      return Error(503, "unavailable", s.message());
    default:
      spdlog::error("internal error: {}", s.message());
      return Error(500, "internal", s.message());
  }
}


Json ParseOr(const std::string& text, Json fallback) {
  if (text.empty()) return fallback;
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

Json DocumentJson(const DocumentRecord& d, bool with_result) {
  Json j;
  j["id"] = d.id;
  j["status"] = ProcessingStatusName(d.status);
  j["priority"] = PriorityName(d.priority);
  j["document_type"] = d.document_type.empty() ? Json(nullptr) : Json(d.document_type);
  j["type_hint"] = d.type_hint.empty() ? Json(nullptr) : Json(d.type_hint);
  j["filename"] = d.source_name;
  j["content_type"] = d.content_type;
  j["size"] = d.size;
  j["sha256"] = d.sha256;
  j["metadata"] = ParseOr(d.metadata_json, Json::object());
  j["webhook_url"] = d.webhook_url.empty() ? Json(nullptr) : Json(d.webhook_url);
  j["created_at"] = FormatUtc(d.created_at, true);
  j["updated_at"] = FormatUtc(d.updated_at, true);
  j["stages"] = ParseOr(d.stages_json, Json::object());
  j["error"] = d.error.empty() ? Json(nullptr) : Json(d.error);
  if (with_result) j["result"] = ParseOr(d.result_json, Json(nullptr));
  return j;
}

// "/v1/documents/abc/pages/2/image" -> {"v1", "documents", "abc", "pages", "2", "image"}.
std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

// docs/openapi.yaml's WebhookUrl: "^https?://[!-.0-~][!-~]*$", at most 2048 bytes.
bool IsHttpUrl(const std::string& url) {
  if (url.size() > 2048) return false;
  std::size_t rest = 0;
  if (url.rfind("http://", 0) == 0) {
    rest = 7;
  } else if (url.rfind("https://", 0) == 0) {
    rest = 8;
  } else {
    return false;
  }
  if (url.size() == rest || url[rest] == '/') return false;
  return std::all_of(url.begin() + static_cast<std::ptrdiff_t>(rest), url.end(),
                     [](char c) { return c >= '!' && c <= '~'; });
}

// Characters (code points) in valid UTF-8; JSON strings nlohmann parsed are valid UTF-8.
std::size_t Utf8Length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

// A positive decimal integer of at most 9 digits, or -1.
int ParseCount(const std::string& s) {
  if (s.empty() || s.size() > 9) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}



// The route template `seg` names and the methods it has ("" when none: 404).
struct RouteMatch {
  std::string route;
  std::vector<const char*> methods;
};

RouteMatch MatchRoute(const std::vector<std::string>& seg, bool probes_only, bool web) {
  if (seg.size() == 1 && (seg[0] == "healthz" || seg[0] == "readyz" || seg[0] == "metrics")) {
    return {"/" + seg[0], {"GET"}};
  }
  if (web && !probes_only) {
    if (seg.empty()) return {"/", {"GET"}};
    if (seg[0] == "assets" && seg.size() >= 2) return {"/assets/{file}", {"GET"}};
    if (seg.size() == 2 && seg[0] == "v1" && seg[1] == "session") {
      return {"/v1/session", {"POST", "DELETE"}};
    }
    if (seg.size() == 2 && seg[0] == "v1" && seg[1] == "events") return {"/v1/events", {"GET"}};
  }
  if (probes_only || seg.empty() || seg[0] != "v1") return {};
  if (seg.size() == 2 && seg[1] == "documents") return {"/v1/documents", {"GET", "POST"}};
  if (seg.size() == 3 && seg[1] == "documents") return {"/v1/documents/{id}", {"GET", "DELETE"}};
  if (seg.size() == 4 && seg[1] == "documents" && seg[3] == "reprocess") {
    return {"/v1/documents/{id}/reprocess", {"POST"}};
  }
  if (seg.size() == 4 && seg[1] == "documents" && seg[3] == "corrections") {
    return {"/v1/documents/{id}/corrections", {"POST"}};
  }
  if (seg.size() == 6 && seg[1] == "documents" && seg[3] == "pages" &&
      (seg[5] == "image" || seg[5] == "text")) {
    return {"/v1/documents/{id}/pages/{n}/" + seg[5], {"GET"}};
  }
  if (seg.size() == 6 && seg[1] == "documents" && seg[3] == "pages" && seg[5] == "words") {
    return {"/v1/documents/{id}/pages/{n}/words", {"GET"}};
  }
  if (seg.size() == 3 && seg[1] == "review" && seg[2] == "tasks") {
    return {"/v1/review/tasks", {"GET"}};
  }
  if (seg.size() == 4 && seg[1] == "review" && seg[2] == "tasks") {
    return {"/v1/review/tasks/{id}", {"POST"}};
  }
  if (seg.size() == 3 && seg[1] == "review" && seg[2] == "claims") {
    return {"/v1/review/claims", {"POST"}};
  }
  if (seg.size() == 4 && seg[1] == "review" && seg[2] == "claims") {
    return {"/v1/review/claims/{id}", {"PUT", "DELETE"}};
  }
  if (seg.size() == 3 && seg[1] == "system" && seg[2] == "status") {
    return {"/v1/system/status", {"GET"}};
  }
  if (seg.size() == 2 && seg[1] == "document-types") return {"/v1/document-types", {"GET"}};
  return {};
}

}  // namespace

Api::Api(ApiDeps deps, ApiOptions options) : deps_(std::move(deps)), options_(std::move(options)) {}

std::string Api::ErrorBody(int status, const std::string& message) {
  const char* code = status == 413   ? "payload_too_large"
                     : status == 414 ? "uri_too_long"
                     : status == 405 ? "method_not_allowed"
                     : status == 431 ? "headers_too_large"
                     : status == 404 ? "not_found"
                     : status >= 500 ? "internal"
                                     : "bad_request";
  return DumpJson(Json{{"error", {{"code", code}, {"message", message}}}});
}

HttpReply Api::Handle(HttpRequest& request) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string route = "unmatched";
  HttpReply r = Route(request, &route);
  if (deps_.observe) {
    deps_.observe(request.method, route, r.status,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return r;
}

HttpReply Api::Route(HttpRequest& req, std::string* route) {
  const std::vector<std::string> seg = Segments(req.path);
  const std::string& m = req.method;
  // 404 for a path no route has, 405 (with Allow) for a method the route does not have; both
  // before authentication: which routes exist is public (docs/openapi.yaml).
  const bool web = deps_.sessions != nullptr && deps_.events != nullptr && deps_.serve_page;
  const RouteMatch match = MatchRoute(seg, options_.probes_only, web);
  if (match.route.empty()) {
    if (options_.probes_only) {
      return Error(404, "not_found",
                   "no such route: " + req.path +
                       " (a worker serves /healthz, /readyz and /metrics only)");
    }
    return Error(404, "not_found", "no such route: " + req.path);
  }
  if (std::find(match.methods.begin(), match.methods.end(), m) == match.methods.end()) {
    *route = match.route;
    std::string allow;
    for (const char* a : match.methods) allow += (allow.empty() ? "" : ", ") + std::string(a);
    HttpReply r = Error(405, "method_not_allowed",
                        "method " + m.substr(0, 16) + " is not allowed on " + match.route +
                            " (allowed: " + allow + ")");
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  if (seg.size() == 1 && seg[0] == "healthz" && m == "GET") {
    *route = "/healthz";
    return JsonResponse(200, Json{{"status", "ok"}});
  }
  if (seg.size() == 1 && seg[0] == "readyz" && m == "GET") {
    *route = "/readyz";
    Status s = deps_.ready ? deps_.ready() : Status::Ok();
    if (!s.ok()) return Error(503, "not_ready", s.message());
    return JsonResponse(200, Json{{"status", "ready"}});
  }
  if (seg.size() == 1 && seg[0] == "metrics" && m == "GET") {
    *route = "/metrics";
    HttpReply r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = deps_.metrics ? deps_.metrics() : "";
    return r;
  }

  if (match.route == "/" || match.route == "/assets/{file}") {
    *route = match.route;
    return ServeWebAsset(req.path, req.Header("if-none-match"));
  }

  // Everything else under /v1 needs a key: in the Authorization header, or the one a session
  // cookie was made with (the page's).
  const std::string auth = req.Header("authorization");
  const std::string kBearer = "Bearer ";
  std::string api_key;
  std::string session_id;
  std::string body_key;  // POST /v1/session's {"api_key"}
  if (match.route == "/v1/session" && m == "POST" && !req.body.empty()) {
    *route = match.route;
    if (Status s = CheckJsonDepth(req.body, options_.max_json_depth); !s.ok()) {
      return Error(400, "bad_request", s.message());
    }
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() ||
        (body.contains("api_key") &&
         (!body["api_key"].is_string() || body["api_key"].get<std::string>().empty()))) {
      return Error(400, "bad_request",
                   "the body must be {\"api_key\": \"...\"} (a non-empty string)");
    }
    if (body.contains("api_key")) body_key = body["api_key"].get<std::string>();
  }
  if (auth.size() > kBearer.size() && auth.compare(0, kBearer.size(), kBearer) == 0) {
    api_key = auth.substr(kBearer.size());
  } else if (match.route == "/v1/session" && m == "POST" && auth.empty()) {
    // Signing in with the key in the body.
    *route = match.route;
    if (body_key.empty()) {
      HttpReply r = Error(401, "unauthorized",
                          "no API key: sign in with the body {\"api_key\": \"...\"} or "
                          "Authorization: Bearer KEY");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
    api_key = body_key;
  } else if (web && auth.empty() &&
             !(session_id = WebSessions::CookieValue(req.Header("cookie"), WebSessions::kCookie))
                  .empty()) {
    std::optional<WebSession> session = deps_.sessions->Find(session_id);
    if (!session) {
      *route = "/v1/*";
      return Error(401, "unauthorized", "the session has expired or was signed out; sign in again");
    }
    const bool safe = m == "GET" || m == "HEAD" || m == "OPTIONS";
    if (!safe && !SameToken(req.Header("x-csrf-token"), session->csrf_token)) {
      *route = "/v1/*";
      return Error(403, "forbidden",
                   "a request authenticated by the session cookie with method " + m.substr(0, 16) +
                       " needs the session's X-CSRF-Token header");
    }
    api_key = session->api_key;
  } else {
    *route = "/v1/*";
    HttpReply r = Error(401, "unauthorized",
                           "missing or malformed Authorization header (expected: Bearer KEY)");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  Result<ApiKeyInfo> key = deps_.metadata->Authenticate(api_key);
  if (!key.ok()) {
    *route = "/v1/*";
    if (key.status().code() != ErrorCode::kNotFound) return FromStatus(key.status());
    HttpReply r = Error(401, "unauthorized", "the API key is not valid (unknown or revoked)");
    r.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return r;
  }
  if (deps_.limiter != nullptr) {
    if (auto wait = deps_.limiter->TryAcquire(key->tenant_id)) {
      *route = "/v1/*";
      const long long secs = std::max<long long>(1, (wait->count() + 999) / 1000);
      HttpReply r = Error(429, "rate_limited",
                             "too many requests for this tenant; retry after " +
                                 std::to_string(secs) + " s");
      r.headers.emplace_back("Retry-After", std::to_string(secs));
      return r;
    }
  }
  const std::string actor = "key:" + key->key_id;

  if (match.route == "/v1/session" && m == "POST") {
    *route = match.route;
    return CreateSession(req, *key, api_key);
  }
  if (match.route == "/v1/session" && m == "DELETE") {
    *route = match.route;
    if (!session_id.empty()) deps_.sessions->Delete(session_id);
    HttpReply r;
    r.status = 204;
    r.headers.emplace_back("Set-Cookie", std::string(WebSessions::kCookie) +
                                             "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return r;
  }
  if (match.route == "/v1/events" && m == "GET") {
    *route = match.route;
    return deps_.events->Open(key->tenant_id);
  }

  if (seg.size() == 3 && seg[1] == "system" && seg[2] == "status" && m == "GET" &&
      deps_.degradation != nullptr) {
    *route = "/v1/system/status";
    return SystemStatus();
  }
  if (match.route == "/v1/document-types") {
    *route = match.route;
    Result<const std::map<std::string, extract::Schema>*> types = deps_.service->DocumentTypes();
    if (!types.ok()) return FromStatus(types.status());
    return JsonResponse(200, DocumentTypesJson(**types));
  }
  if (seg.size() == 2 && seg[1] == "documents") {
    if (m == "POST") {
      *route = "/v1/documents";
      return Ingest(req, *key);
    }
    if (m == "GET") {
      *route = "/v1/documents";
      return ListDocuments(req, *key);
    }
  }
  if (seg.size() >= 3 && seg[1] == "documents") {
    const std::string& id = seg[2];
    if (seg.size() == 3 && m == "GET") {
      *route = "/v1/documents/{id}";
      return GetDocument(*key, id);
    }
    if (seg.size() == 3 && m == "DELETE") {
      *route = "/v1/documents/{id}";
      Status s = deps_.service->Delete(key->tenant_id, id, actor);
      if (!s.ok()) return FromStatus(s);
      HttpReply r;
      r.status = 204;
      r.content_type = "application/json";
      return r;
    }
    if (seg.size() == 4 && seg[3] == "reprocess" && m == "POST") {
      *route = "/v1/documents/{id}/reprocess";
      // An optional body {"reclassify": true}: forget a reviewer's type and classify again.
      bool reclassify = false;
      if (!req.body.empty()) {
        if (Status s = CheckJsonDepth(req.body, options_.max_json_depth); !s.ok()) {
          return Error(400, "bad_request", s.message());
        }
        const Json body = Json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object() ||
            (body.contains("reclassify") && !body["reclassify"].is_boolean())) {
          return Error(400, "bad_request",
                       "the body, when given, must be a JSON object; \"reclassify\" a boolean");
        }
        reclassify = body.value("reclassify", false);
      }
      Result<DocumentRecord> d = deps_.service->Reprocess(key->tenant_id, id, actor, reclassify);
      if (!d.ok()) {
        if (d.status().code() == ErrorCode::kInvalidArgument) {
          return Error(409, "conflict", d.status().message());
        }
        return FromStatus(d.status());
      }
      return JsonResponse(202, DocumentJson(*d, true));
    }
    if (seg.size() == 6 && seg[3] == "pages" && seg[5] == "words" && m == "GET") {
      *route = "/v1/documents/{id}/pages/{n}/words";
      return PageWords(*key, id, seg[4]);
    }
    if (seg.size() == 4 && seg[3] == "corrections" && m == "POST") {
      *route = "/v1/documents/{id}/corrections";
      return Correct(req, *key, id);
    }
    if (seg.size() == 6 && seg[3] == "pages" && (seg[5] == "image" || seg[5] == "text") &&
        m == "GET") {
      *route = "/v1/documents/{id}/pages/{n}/" + seg[5];
      const int page = ParseCount(seg[4]);
      if (page < 1) return Error(400, "bad_request", "page number must be a positive integer");
      if (seg[5] == "text") {
        Result<std::string> text = deps_.service->PageText(key->tenant_id, id, page);
        if (!text.ok()) return FromStatus(text.status());
        HttpReply r;
        r.content_type = "text/plain; charset=utf-8";
        r.body = std::move(text).value();
        return r;
      }
      Result<std::string> png = deps_.service->PageImage(key->tenant_id, id, page);
      if (!png.ok()) {
        if (png.status().code() == ErrorCode::kInvalidArgument) {
          return Error(409, "conflict", png.status().message());
        }
        return FromStatus(png.status());
      }
      HttpReply r;
      r.content_type = "image/png";
      r.body = std::move(png).value();
      return r;
    }
  }
  if (seg.size() == 3 && seg[1] == "review" && seg[2] == "tasks" && m == "GET") {
    *route = "/v1/review/tasks";
    return ReviewTasks(req, *key);
  }
  if (seg.size() == 4 && seg[1] == "review" && seg[2] == "tasks" && m == "POST") {
    *route = "/v1/review/tasks/{id}";
    return Review(req, *key, seg[3]);
  }
  if (seg.size() == 3 && seg[1] == "review" && seg[2] == "claims" && m == "POST") {
    *route = "/v1/review/claims";
    return ClaimReviewTasks(req, *key);
  }
  if (seg.size() == 4 && seg[1] == "review" && seg[2] == "claims" && m == "PUT") {
    *route = "/v1/review/claims/{id}";
    return ClaimReviewTask(req, *key, seg[3]);
  }
  if (seg.size() == 4 && seg[1] == "review" && seg[2] == "claims" && m == "DELETE") {
    *route = "/v1/review/claims/{id}";
    return ReleaseReviewTask(req, *key, seg[3]);
  }
  *route = "unmatched";
  return Error(404, "not_found", "no such route: " + m + " " + req.path);
}

HttpReply Api::Ingest(HttpRequest& req, const ApiKeyInfo& key) {
  IngestRequest in;
  in.tenant_id = key.tenant_id;
  in.actor = "key:" + key.key_id;
  // Parameters come from the query string or, for multipart uploads, from form fields. Every
  // value given is checked (a parameter given twice, or in both places, must be valid each
  // time); the first one given is used, the query string's before the form's. A parameter
  // given with an empty value is checked like any other (and refused: none may be empty).
  auto values = [&](const std::string& name) {
    std::vector<std::string> out;
    for (auto [it, end] = req.query.equal_range(name); it != end; ++it) out.push_back(it->second);
    if (req.multipart) {
      for (auto [it, end] = req.parts.equal_range(name); it != end; ++it) {
        if (it->second.filename.empty()) out.push_back(it->second.content);
      }
    }
    return out;
  };
  if (req.multipart) {
    auto it = req.parts.find("file");
    if (it == req.parts.end()) {
      return Error(400, "bad_request", "multipart upload without a \"file\" field");
    }
    in.bytes = std::make_shared<const std::string>(std::move(it->second.content));
    in.filename = it->second.filename;
    in.content_type = it->second.content_type;
  } else {
    in.bytes = std::make_shared<const std::string>(std::move(req.body));
    in.content_type = req.Header("content-type");
    in.filename = req.Query("filename");
  }
  if (in.bytes->empty()) return Error(400, "bad_request", "the request has no document (empty body)");
  if (in.bytes->size() > options_.max_body_bytes) {
    return Error(413, "payload_too_large",
                 "the document is " + std::to_string(in.bytes->size()) +
                     " bytes; the limit is " + std::to_string(options_.max_body_bytes));
  }
  for (const std::string& priority : values("priority")) {
    std::optional<Lane> lane = ParsePriority(priority);
    if (!lane) {
      return Error(400, "bad_request",
                   "unknown priority \"" + priority.substr(0, 40) +
                       "\" (expected urgent, high or normal)");
    }
  }
  if (std::vector<std::string> p = values("priority"); !p.empty()) in.priority = *ParsePriority(p[0]);
  for (const std::string& type : values("type")) {
    if (type != "auto" && options_.document_types.count(type) == 0) {
      std::string known;
      for (const std::string& t : options_.document_types) known += (known.empty() ? "" : ", ") + t;
      return Error(422, "unknown_type",
                   "unknown document type \"" + type.substr(0, 40) + "\" (known: " + known +
                       ", or auto)");
    }
  }
  if (std::vector<std::string> t = values("type"); !t.empty() && t[0] != "auto") in.type_hint = t[0];
  for (const std::string& url : values("webhook_url")) {
    if (!IsHttpUrl(url)) {
      return Error(400, "bad_request",
                   "webhook_url must be an http:// or https:// URL of at most 2048 bytes, in "
                   "printable ASCII without spaces");
    }
    if (deps_.check_webhook_url) {
      if (Status s = deps_.check_webhook_url(url); !s.ok()) return Error(400, "bad_request", s.message());
    }
    if (in.webhook_url.empty()) in.webhook_url = url;
  }
  bool have_metadata = false;
  for (const std::string& metadata : values("metadata")) {
    if (metadata.size() > 64 * 1024) {
      return Error(413, "payload_too_large", "metadata is larger than 64 KiB");
    }
    if (Status s = CheckJsonDepth(metadata, options_.max_json_depth); !s.ok()) {
      return Error(400, "bad_request", "metadata: " + s.message());
    }
    Json j = Json::parse(metadata, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Error(400, "bad_request", "metadata must be a JSON object");
    }
    if (!have_metadata) in.metadata_json = j.dump();
    have_metadata = true;
  }
  in.idempotency_key = req.Header("idempotency-key");
  if (in.idempotency_key.size() > 255) {
    return Error(400, "bad_request", "Idempotency-Key is longer than 255 bytes");
  }
  bool queue_full = false;
  Result<IngestResult> r = deps_.service->Ingest(in, &queue_full);
  if (!r.ok()) {
    if (queue_full) {
      HttpReply out = Error(429, "queue_full", r.status().message());
      out.headers.emplace_back("Retry-After", "5");
      return out;
    }
    return FromStatus(r.status());
  }
  HttpReply out = JsonResponse(r->created ? 202 : 200, DocumentJson(r->document, false));
  out.headers.emplace_back("Location", "/v1/documents/" + r->document.id);
  if (!r->created) out.headers.emplace_back("Idempotent-Replayed", "true");
  return out;
}

HttpReply Api::GetDocument(const ApiKeyInfo& key, const std::string& id) {
  const std::string cache_key = "api/" + key.tenant_id + "/" + id;
  if (deps_.api_cache != nullptr) {
    Result<std::optional<std::string>> hit = deps_.api_cache->Get(cache_key);
    if (hit.ok() && hit->has_value()) {
      HttpReply r;
      r.body = std::move(**hit);
      return r;
    }
  }
  Result<DocumentRecord> d = deps_.metadata->GetDocument(key.tenant_id, id);
  if (!d.ok()) return FromStatus(d.status());
  HttpReply r = JsonResponse(200, DocumentJson(*d, true));
  if (deps_.api_cache != nullptr) {
    (void)deps_.api_cache->Put(cache_key, r.body, options_.result_cache_ttl);
  }
  return r;
}

HttpReply Api::ListDocuments(const HttpRequest& req, const ApiKeyInfo& key) {
  DocumentFilter f;
  const std::string status = req.Query("status");
  if (req.query.count("status") != 0) {
    f.status = ParseProcessingStatus(status);
    if (!f.status) {
      return Error(400, "bad_request",
                   "unknown status \"" + status.substr(0, 40) +
                       "\" (queued, processing, completed, needs_review, failed, rejected)");
    }
  }
  f.document_type = req.Query("type");
  f.sender = req.Query("sender");
  if (Utf8Length(f.sender) > 256) {
    return Error(400, "bad_request", "sender is an identity key of at most 256 characters");
  }
  const std::string limit = req.Query("limit");
  if (req.query.count("limit") != 0) {
    f.limit = ParseCount(limit);
    if (f.limit < 1 || f.limit > 1000) {
      return Error(400, "bad_request", "limit must be an integer from 1 to 1000");
    }
  }
  f.cursor = req.Query("cursor");
  Result<DocumentPage> page = deps_.metadata->ListDocuments(key.tenant_id, f);
  if (!page.ok()) return FromStatus(page.status());
  Json docs = Json::array();
  for (const DocumentRecord& d : page->documents) docs.push_back(DocumentJson(d, false));
  return JsonResponse(200, Json{{"documents", docs},
                                {"next_cursor", page->next_cursor.empty()
                                                    ? Json(nullptr)
                                                    : Json(page->next_cursor)}});
}

namespace {

// A review task: the document with its result, why it needs review and who holds it.
Json ReviewTaskJson(const DocumentRecord& d) {
  Json t = DocumentJson(d, true);
  Json reasons = Json::array();
  const Json& result = t["result"];
  if (result.is_object() && result.contains("review_reasons")) reasons = result["review_reasons"];
  t["review_reasons"] = reasons;
  t["claimed_by"] = d.review_claimed_by.empty() ? Json(nullptr) : Json(d.review_claimed_by);
  t["claim_expires_at"] = d.review_claim_expires_at == 0
                              ? Json(nullptr)
                              : Json(FormatUtc(d.review_claim_expires_at, true));
  return t;
}

// Who decides or claims: the key, and the name the request gives, as "NAME (key:ID)"; a name
// alone could be anyone's. nullopt (with *error set) when the given name is not acceptable.
std::optional<std::string> ReviewerOf(const Json* name, const ApiKeyInfo& key,
                                      std::string* error) {
  const std::string by_key = "key:" + key.key_id;
  if (name == nullptr) return by_key;
  if (!name->is_string() || name->get<std::string>().empty() ||
      Utf8Length(name->get<std::string>()) > 200) {
    *error = "\"reviewer\" must be a non-empty string of at most 200 characters";
    return std::nullopt;
  }
  return name->get<std::string>() + " (" + by_key + ")";
}

}  // namespace

HttpReply Api::ReviewTasks(const HttpRequest& req, const ApiKeyInfo& key) {
  int limit = 50;
  if (const std::string l = req.Query("limit"); req.query.count("limit") != 0) {
    limit = ParseCount(l);
    if (limit < 1 || limit > 1000) {
      return Error(400, "bad_request", "limit must be an integer from 1 to 1000");
    }
  }
  Result<DocumentPage> page =
      deps_.metadata->ListReviewQueue(key.tenant_id, limit, req.Query("cursor"));
  if (!page.ok()) return FromStatus(page.status());
  Json tasks = Json::array();
  // The page carries each document's result: one query for the page, not one per task.
  for (const DocumentRecord& d : page->documents) tasks.push_back(ReviewTaskJson(d));
  return JsonResponse(200, Json{{"tasks", tasks},
                                {"next_cursor", page->next_cursor.empty()
                                                    ? Json(nullptr)
                                                    : Json(page->next_cursor)}});
}

// The "fields" (name -> string, number, null or {value, page, bbox}: CheckCorrectedValue),
// "line_items" (rows that replace the line
// items; service/corrections.h), "document_type" (one of `types`; "" when the body has none)
// and "reviewer" of a review or correction body, or the reply that says what is wrong with
// them. *line_items is "" when the body has none.
std::optional<HttpReply> ParseDecision(const Json& body, const ApiKeyInfo& key,
                                       bool needs_fields, const std::set<std::string>& types,
                                       std::string* fields, std::string* line_items,
                                       std::string* document_type, std::string* reviewer) {
  *fields = "{}";
  line_items->clear();
  document_type->clear();
  if (body.contains("document_type")) {
    const Json& t = body["document_type"];
    if (!t.is_string() || types.count(t.get<std::string>()) == 0) {
      std::string known;
      for (const std::string& k : types) known += (known.empty() ? "" : ", ") + k;
      return Error(400, "bad_request",
                   (t.is_string() ? "unknown document type \"" + t.get<std::string>().substr(0, 64) +
                                        "\""
                                  : std::string("\"document_type\" must be a string")) +
                       " (known: " + known + ")");
    }
    *document_type = t.get<std::string>();
  }
  if (body.contains("fields")) {
    if (!body["fields"].is_object()) {
      return Error(400, "bad_request", "\"fields\" must be an object of field name -> value");
    }
    for (const auto& [name, value] : body["fields"].items()) {
      if (name == "line_items") {
        return Error(400, "bad_request",
                     "line items are corrected with \"line_items\" beside \"fields\", not as a "
                     "field");
      }
      if (std::string bad = CheckCorrectedValue(name, value); !bad.empty()) {
        return Error(400, "bad_request", bad);
      }
    }
    *fields = body["fields"].dump();
  }
  if (body.contains("line_items")) {
    if (std::string bad = CheckLineItems(body["line_items"]); !bad.empty()) {
      return Error(400, "bad_request", bad);
    }
    *line_items = body["line_items"].dump();
  }
  if (needs_fields && *fields == "{}" && line_items->empty() && document_type->empty()) {
    return Error(400, "bad_request",
                 "a correction needs \"fields\", \"line_items\" or \"document_type\"");
  }
  std::string error;
  const std::optional<std::string> who =
      ReviewerOf(body.contains("reviewer") ? &body["reviewer"] : nullptr, key, &error);
  if (!who) return Error(400, "bad_request", error);
  *reviewer = *who;
  return std::nullopt;
}

HttpReply Api::Review(const HttpRequest& req, const ApiKeyInfo& key, const std::string& id) {
  if (Status s = CheckJsonDepth(req.body, options_.max_json_depth); !s.ok()) {
    return Error(400, "bad_request", s.message());
  }
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error(400, "bad_request", "the body must be a JSON object");
  }
  if (!body.contains("action") || !body["action"].is_string()) {
    return Error(400, "bad_request", "\"action\" is required: approve, reject or correct");
  }
  std::optional<ReviewAction> action = ParseReviewAction(body["action"].get<std::string>());
  if (!action) {
    return Error(400, "bad_request", "unknown action (expected approve, reject or correct)");
  }
  std::string fields, line_items, document_type, reviewer;
  if (std::optional<HttpReply> bad =
          ParseDecision(body, key, *action == ReviewAction::kCorrect, options_.document_types,
                        &fields, &line_items, &document_type, &reviewer)) {
    return *bad;
  }
  if (*action == ReviewAction::kReject && !document_type.empty()) {
    return Error(400, "bad_request",
                 "a rejection keeps the document's type; change the type with \"action\": "
                 "\"correct\" (or \"approve\")");
  }
  Result<DocumentRecord> d = deps_.service->Review(key.tenant_id, id, *action, fields, reviewer,
                                                   line_items, document_type);
  if (!d.ok()) {
    if (d.status().code() == ErrorCode::kInvalidArgument) {
      return Error(409, "conflict", d.status().message());
    }
    return FromStatus(d.status());
  }
  return JsonResponse(200, DocumentJson(*d, true));
}

HttpReply Api::Correct(const HttpRequest& req, const ApiKeyInfo& key, const std::string& id) {
  if (Status s = CheckJsonDepth(req.body, options_.max_json_depth); !s.ok()) {
    return Error(400, "bad_request", s.message());
  }
  Json body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error(400, "bad_request", "the body must be a JSON object");
  }
  std::string fields, line_items, document_type, reviewer;
  if (std::optional<HttpReply> bad =
          ParseDecision(body, key, true, options_.document_types, &fields, &line_items,
                        &document_type, &reviewer)) {
    return *bad;
  }
  Result<DocumentRecord> d = deps_.service->Correct(key.tenant_id, id, fields, reviewer,
                                                    line_items, document_type);
  if (!d.ok()) {
    if (d.status().code() == ErrorCode::kInvalidArgument) {
      return Error(409, "conflict", d.status().message());
    }
    return FromStatus(d.status());
  }
  return JsonResponse(200, DocumentJson(*d, true));
}

// The body of a review claim: {"max", "lease_seconds", "reviewer"}, each optional; `max` null
// when the claim takes no max (a claim of one document by id). A reply when it is bad.
std::optional<HttpReply> Api::ParseClaim(const HttpRequest& req, const ApiKeyInfo& key,
                                         int* max, int* lease_seconds, std::string* reviewer) {
  if (Status s = CheckJsonDepth(req.body, options_.max_json_depth); !s.ok()) {
    return Error(400, "bad_request", s.message());
  }
  Json body = req.body.empty() ? Json::object() : Json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Error(400, "bad_request", "the body must be a JSON object (or empty)");
  }
  const auto integer = [&](const char* name, int def, int lo, int hi, int* out) {
    if (!body.contains(name)) {
      *out = def;
      return true;
    }
    // JSON Schema's integer: any number with no fraction, 17250.0 too.
    const Json& v = body[name];
    if (!v.is_number()) return false;
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::floor(d) != d || d < lo || d > hi) return false;
    *out = static_cast<int>(d);
    return true;
  };
  if (max != nullptr && !integer("max", 10, 1, 100, max)) {
    return Error(400, "bad_request", "\"max\" must be an integer from 1 to 100");
  }
  if (!integer("lease_seconds", 900, 1, 86400, lease_seconds)) {
    return Error(400, "bad_request", "\"lease_seconds\" must be an integer from 1 to 86400");
  }
  std::string error;
  const std::optional<std::string> who =
      ReviewerOf(body.contains("reviewer") ? &body["reviewer"] : nullptr, key, &error);
  if (!who) return Error(400, "bad_request", error);
  *reviewer = *who;
  return std::nullopt;
}

HttpReply Api::ClaimReviewTasks(const HttpRequest& req, const ApiKeyInfo& key) {
  int max = 0;
  int lease_seconds = 0;
  std::string reviewer;
  if (std::optional<HttpReply> bad = ParseClaim(req, key, &max, &lease_seconds, &reviewer)) {
    return *bad;
  }
  Result<std::vector<DocumentRecord>> claimed = deps_.metadata->ClaimReviewTasks(
      key.tenant_id, reviewer, max, std::chrono::seconds(lease_seconds));
  if (!claimed.ok()) return FromStatus(claimed.status());
  Json tasks = Json::array();
  for (const DocumentRecord& d : *claimed) tasks.push_back(ReviewTaskJson(d));
  return JsonResponse(200, Json{{"tasks", tasks}, {"reviewer", reviewer}});
}

HttpReply Api::ClaimReviewTask(const HttpRequest& req, const ApiKeyInfo& key,
                               const std::string& id) {
  int lease_seconds = 0;
  std::string reviewer;
  if (std::optional<HttpReply> bad = ParseClaim(req, key, nullptr, &lease_seconds, &reviewer)) {
    return *bad;
  }
  Result<DocumentRecord> claimed = deps_.metadata->ClaimReviewTask(
      key.tenant_id, id, reviewer, std::chrono::seconds(lease_seconds));
  if (!claimed.ok()) {
    if (claimed.status().code() == ErrorCode::kInvalidArgument) {
      return Error(409, "conflict", claimed.status().message());
    }
    return FromStatus(claimed.status());
  }
  Json task = ReviewTaskJson(*claimed);
  task["reviewer"] = reviewer;
  return JsonResponse(200, task);
}

HttpReply Api::ReleaseReviewTask(const HttpRequest& req, const ApiKeyInfo& key,
                                 const std::string& id) {
  const std::string name = req.Query("reviewer");
  const Json given = name;
  std::string error;
  const std::optional<std::string> reviewer =
      ReviewerOf(name.empty() ? nullptr : &given, key, &error);
  if (!reviewer) return Error(400, "bad_request", error);
  Status s = deps_.metadata->ReleaseReviewTask(key.tenant_id, id, *reviewer);
  if (!s.ok()) {
    if (s.code() == ErrorCode::kInvalidArgument) return Error(409, "conflict", s.message());
    return FromStatus(s);
  }
  HttpReply r;
  r.status = 204;
  return r;
}

HttpReply Api::SystemStatus() {
  const DegradationStatus st = deps_.degradation->Current();
  const DegradationLevel level = st.assessment.level;
  // The level's start in wall-clock time: the controller's clock is monotonic.
  const auto ago = deps_.degradation->clock()->Now() - st.since;
  const std::int64_t since_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          (std::chrono::system_clock::now() - ago).time_since_epoch())
          .count();
  Json causes = Json::array();
  for (const DegradationCause& c : st.assessment.causes) {
    causes.push_back({{"level", DegradationLevelName(c.level)}, {"trigger", c.trigger}});
  }
  // The dependencies' breakers; the per-receiver webhook breakers ("webhook:<receiver>") name
  // other tenants' receivers and are left to /metrics.
  Json breakers = Json::array();
  for (const auto& [name, state] : st.breakers) {
    if (name.find(':') != std::string::npos) continue;
    breakers.push_back({{"name", name}, {"state", BreakerStateName(state)}});
  }
  return JsonResponse(200, Json{{"level", DegradationLevelName(level)},
                                {"level_number", static_cast<int>(level)},
                                {"description", DegradationLevelDescription(level)},
                                {"since", FormatUtc(since_ms, false)},
                                {"causes", causes},
                                {"breakers", breakers}});
}

}  // namespace sheaf

namespace sheaf {

HttpReply Api::CreateSession(const HttpRequest& req, const ApiKeyInfo& key,
                             const std::string& api_key) {
  Result<Tenant> tenant = deps_.metadata->GetTenant(key.tenant_id);
  if (!tenant.ok()) return FromStatus(tenant.status());
  Result<WebSession> session = deps_.sessions->Create(api_key);
  if (!session.ok()) return FromStatus(session.status());
  HttpReply r = JsonResponse(201, Json{{"csrf_token", session->csrf_token},
                                       {"tenant", tenant->name},
                                       {"key_id", key.key_id}});
  // Secure when the client reached us over TLS (a proxy in front says so).
  const bool tls = req.Header("x-forwarded-proto") == "https";
  r.headers.emplace_back("Set-Cookie", std::string(WebSessions::kCookie) + "=" + session->id +
                                           "; Path=/; HttpOnly; SameSite=Strict" +
                                           (tls ? "; Secure" : ""));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpReply Api::PageWords(const ApiKeyInfo& key, const std::string& id, const std::string& page) {
  const int n = ParseCount(page);
  if (n < 1) return Error(400, "bad_request", "page number must be a positive integer");
  Result<Page> p = deps_.service->OcrPage(key.tenant_id, id, n);
  if (!p.ok()) return FromStatus(p.status());
  JsonOptions options;
  options.include_words = true;
  return JsonResponse(200, PageToJson(*p, options));
}

}  // namespace sheaf
