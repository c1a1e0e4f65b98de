// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/memory_leases.h"

#include <iterator>

namespace sheaf {

MemoryLeases::MemoryLeases(Clock clock)
    : clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

Result<std::optional<std::string>> MemoryLeases::TryAcquire(const std::string& name,
                                                            std::chrono::milliseconds ttl) {
  if (ttl.count() <= 0) {
    return Status(ErrorCode::kInvalidArgument, "lease \"" + name + "\": ttl must be positive");
  }
  const auto now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  if (held_.size() >= kMaxLeases) {
    for (auto it = held_.begin(); it != held_.end();) {
      it = it->second.until <= now ? held_.erase(it) : std::next(it);
    }
  }
  auto it = held_.find(name);
  if (it != held_.end() && it->second.until > now) return std::optional<std::string>();
  if (held_.size() >= kMaxLeases && it == held_.end()) {
    return Status(ErrorCode::kLimitExceeded,
                  "lease table holds " + std::to_string(kMaxLeases) + " leases (the limit)");
  }
  std::string token = std::to_string(next_token_++);
  held_[name] = Held{token, now + ttl};
  return std::optional<std::string>(std::move(token));
}

Status MemoryLeases::Release(const std::string& name, const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = held_.find(name);
  if (it != held_.end() && it->second.token == token) held_.erase(it);
  return Status::Ok();
}

}  // namespace sheaf
