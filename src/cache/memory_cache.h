// SPDX-License-Identifier: GPL-3.0-or-later
//
// MemoryCache: an in-process Cache, least recently used first out, bounded in bytes.
//
// - Each entry costs key.size() + value.size() + kEntryOverhead bytes (the overhead stands for
//   the list node, the index node and the strings' headers). bytes() never exceeds max_bytes():
//   a Put first evicts least recently used entries until the new one fits.
// - A value whose entry alone costs more than max_bytes() is not stored; so is one with a TTL
//   of zero or less. Put still returns OK for both (like an entry evicted at once: a cache may
//   drop anything), and still removes the value the key held before, as any Put replaces it.
// - An entry expires `ttl` after its Put, by the injected clock: from then on Get misses and
//   drops it. Expired entries nobody asks for leave by LRU eviction.
// - A hit makes the entry the most recently used one.
//
// Thread safety: safe for concurrent use; one mutex guards everything (Get and Put are O(log n)
// under it, plus the copy of the value Get returns). Never fails: Get and Put return OK.
#ifndef SHEAF_CACHE_MEMORY_CACHE_H_
#define SHEAF_CACHE_MEMORY_CACHE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "sheaf/cache.h"

namespace sheaf {

class MemoryCache final : public Cache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  static constexpr std::size_t kEntryOverhead = 64;

  // `clock` defaults to std::chrono::steady_clock::now.
  explicit MemoryCache(std::size_t max_bytes, Clock clock = {});

  Result<std::optional<std::string>> Get(const std::string& key) override;
  Status Put(const std::string& key, std::string_view value, std::chrono::seconds ttl) override;

  // Removes `key`, if present.
  void Erase(const std::string& key);
  // Removes every key that starts with `prefix` ("" removes all).
  void ErasePrefix(const std::string& prefix);

  std::uint64_t hits() const;       // Gets that returned a value
  std::uint64_t misses() const;     // Gets that returned none (expired ones included)
  std::uint64_t evictions() const;  // entries removed to make room for a Put
  std::size_t bytes() const;        // cost of the entries held, expired ones included
  std::size_t entries() const;      // entries held, expired ones included
  std::size_t max_bytes() const { return max_bytes_; }

 private:
  struct Entry {
    std::string key;  // never changed after insertion: index_ keys view it
    std::string value;
    std::chrono::steady_clock::time_point expires;
    std::size_t Cost() const { return key.size() + value.size() + kEntryOverhead; }
  };
  using Lru = std::list<Entry>;  // most recently used first

  // REQUIRES: mu_ held. Removes the entry `it` points at.
  void RemoveLocked(Lru::iterator it);

  const std::size_t max_bytes_;
  const Clock clock_;
  mutable std::mutex mu_;
  Lru lru_;                                                       // GUARDED_BY(mu_)
  std::map<std::string_view, Lru::iterator, std::less<>> index_;  // GUARDED_BY(mu_)
  std::size_t bytes_ = 0;                                         // GUARDED_BY(mu_)
  std::uint64_t hits_ = 0, misses_ = 0, evictions_ = 0;           // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_MEMORY_CACHE_H_
