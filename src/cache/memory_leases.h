// SPDX-License-Identifier: GPL-3.0-or-later
//
// MemoryLeases: the LeaseTable of one process (sheaf/lease.h), for the embedded mode and for
// tests of what runs on leases. Leases lapse by the injected clock; lapsed ones are dropped when
// their name is asked for again, and all of them whenever the table holds more than
// kMaxLeases, so it stays bounded. Never fails.
#ifndef SHEAF_CACHE_MEMORY_LEASES_H_
#define SHEAF_CACHE_MEMORY_LEASES_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "sheaf/lease.h"

namespace sheaf {

class MemoryLeases final : public LeaseTable {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr std::size_t kMaxLeases = 100000;

  // `clock` defaults to std::chrono::steady_clock::now.
  explicit MemoryLeases(Clock clock = {});

  Result<std::optional<std::string>> TryAcquire(const std::string& name,
                                                std::chrono::milliseconds ttl) override;
  Status Release(const std::string& name, const std::string& token) override;

 private:
  struct Held {
    std::string token;
    std::chrono::steady_clock::time_point until;
  };
  const Clock clock_;
  std::mutex mu_;
  std::map<std::string, Held> held_;  // GUARDED_BY(mu_)
  std::uint64_t next_token_ = 1;      // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_MEMORY_LEASES_H_
