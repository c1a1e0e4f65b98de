// SPDX-License-Identifier: GPL-3.0-or-later
//
// Cache: a byte-oriented key/value store with a time to live, shaped so that the embedded disk
// cache and Redis (GET / SETEX) implement the same contract.
//
// Thread safety: every implementation is safe for concurrent use.
// A cache is an optimisation: callers treat any error from Get as a miss and any error from Put
// as "not stored"; it never fails a document.
#ifndef SHEAF_CACHE_H_
#define SHEAF_CACHE_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "sheaf/status.h"

namespace sheaf {

class Cache {
 public:
  virtual ~Cache() = default;
  // Returns the value stored under `key` and not yet expired, std::nullopt when there is none.
  virtual Result<std::optional<std::string>> Get(const std::string& key) = 0;
  // Stores `value` under `key` for `ttl`; a later Put of the same key replaces it. A ttl of zero
  // or less stores nothing (and still removes the value the key held). Atomic: a concurrent Get
  // sees the old value, the new one or none, never a partial one.
  virtual Status Put(const std::string& key, std::string_view value,
                     std::chrono::seconds ttl) = 0;
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_H_
