// SPDX-License-Identifier: GPL-3.0-or-later
//
// WebSessions: the review page's sign-in (docs/review-page.md). POST /v1/session exchanges an
// API key for a random session id, sent back as an HttpOnly, SameSite=Strict cookie, and a
// CSRF token the page repeats in X-CSRF-Token on every unsafe request. The session keeps the key
// so that each request is authenticated exactly like a Bearer one (a revoked key ends its
// sessions at once, and the tenant is the key's).
//
// Sessions live in this process's memory: a restart signs everyone out, and behind a load
// balancer the page needs sticky sessions (or an API key per request).
//
// Contract:
// - Ids and tokens are 256 bits from std::random_device (the kernel's CSPRNG on Linux), hex.
// - A session lasts `ttl` from its creation; Find refuses it after that.
// - At most `max_sessions` at once: Create first drops expired ones, then answers
//   unavailable when still full.
// - Thread-safe.
#ifndef SHEAF_SERVICE_WEB_SESSION_H_
#define SHEAF_SERVICE_WEB_SESSION_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "sheaf/status.h"

namespace sheaf {

struct WebSessionOptions {
  std::chrono::seconds ttl{8 * 3600};
  std::size_t max_sessions = 10000;
  // Now, for tests; steady_clock when null.
  std::function<std::chrono::steady_clock::time_point()> now;
};

struct WebSession {
  std::string id;          // the cookie's value
  std::string csrf_token;  // what X-CSRF-Token must carry
  std::string api_key;     // the key it was made with (never sent back)
  std::chrono::steady_clock::time_point expires;
};

class WebSessions {
 public:
  explicit WebSessions(WebSessionOptions options = {});

  // A new session for `api_key` (already authenticated by the caller).
  Result<WebSession> Create(const std::string& api_key);
  // The live session with this id; nullopt when unknown or expired.
  std::optional<WebSession> Find(const std::string& id);
  // Ends the session (no-op when unknown).
  void Delete(const std::string& id);
  std::size_t size();

  // The cookie's name, and the value of a Cookie header's `name` ("" when absent).
  static constexpr const char* kCookie = "sheaf_session";
  static std::string CookieValue(const std::string& cookie_header, const std::string& name);

 private:
  std::chrono::steady_clock::time_point Now() const;

  WebSessionOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, WebSession> sessions_;  // GUARDED_BY(mu_)
};

// 64 hex digits from std::random_device.
std::string RandomToken();

// Constant-time equality (a CSRF token compared byte by byte leaks nothing by timing).
bool SameToken(const std::string& a, const std::string& b);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_WEB_SESSION_H_
