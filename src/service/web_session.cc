// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/web_session.h"

#include <random>

namespace sheaf {

std::string RandomToken() {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local std::random_device device;
  std::string out;
  out.reserve(64);
  for (int word = 0; word < 8; ++word) {
    std::uint32_t v = device();
    for (int i = 0; i < 8; ++i) {
      out.push_back(kHex[v & 0xf]);
      v >>= 4;
    }
  }
  return out;
}

bool SameToken(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

WebSessions::WebSessions(WebSessionOptions options) : options_(std::move(options)) {}

std::chrono::steady_clock::time_point WebSessions::Now() const {
  return options_.now ? options_.now() : std::chrono::steady_clock::now();
}

Result<WebSession> WebSessions::Create(const std::string& api_key) {
  const auto now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (sessions_.size() >= options_.max_sessions) {
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
    }
  }
  if (sessions_.size() >= options_.max_sessions) {
    return Status(ErrorCode::kUnavailable,
                  "too many signed-in sessions (the limit is " +
                      std::to_string(options_.max_sessions) + "); try again later");
  }
  WebSession s{RandomToken(), RandomToken(), api_key, now + options_.ttl};
  sessions_[s.id] = s;
  return s;
}

std::optional<WebSession> WebSessions::Find(const std::string& id) {
  const auto now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void WebSessions::Delete(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(id);
}

std::size_t WebSessions::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

std::string WebSessions::CookieValue(const std::string& header, const std::string& name) {
  std::size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
    std::size_t end = header.find(';', i);
    if (end == std::string::npos) end = header.size();
    const std::string pair = header.substr(i, end - i);
    const std::size_t eq = pair.find('=');
    if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
    i = end;
  }
  return "";
}

}  // namespace sheaf
