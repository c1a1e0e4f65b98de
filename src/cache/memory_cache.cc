// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/memory_cache.h"

#include <iterator>
#include <utility>

namespace sheaf {

MemoryCache::MemoryCache(std::size_t max_bytes, Clock clock)
    : max_bytes_(max_bytes),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })) {}

void MemoryCache::RemoveLocked(Lru::iterator it) {
  bytes_ -= it->Cost();
  index_.erase(it->key);
  lru_.erase(it);
}

Result<std::optional<std::string>> MemoryCache::Get(const std::string& key) {
  const auto now = clock_();
  std::lock_guard<std::mutex> lock(mu_);
  auto found = index_.find(key);
  if (found == index_.end()) {
    ++misses_;
    return std::optional<std::string>();
  }
  Lru::iterator it = found->second;
  if (now >= it->expires) {
    RemoveLocked(it);
    ++misses_;
    return std::optional<std::string>();
  }
  lru_.splice(lru_.begin(), lru_, it);
  ++hits_;
  return std::optional<std::string>(it->value);
}

Status MemoryCache::Put(const std::string& key, std::string_view value, std::chrono::seconds ttl) {
  using TimePoint = std::chrono::steady_clock::time_point;
  const TimePoint now = clock_();
  // now + ttl, saturating instead of overflowing for huge TTLs.
  const auto room = std::chrono::duration_cast<std::chrono::seconds>(TimePoint::max() - now);
  const TimePoint expires = ttl >= room ? TimePoint::max() : now + ttl;
  const std::size_t cost = key.size() + value.size() + kEntryOverhead;

  std::lock_guard<std::mutex> lock(mu_);
  if (auto found = index_.find(key); found != index_.end()) RemoveLocked(found->second);
  if (ttl.count() <= 0 || cost > max_bytes_) return Status::Ok();
  while (cost > max_bytes_ - bytes_) {
    RemoveLocked(std::prev(lru_.end()));
    ++evictions_;
  }
  lru_.push_front(Entry{key, std::string(value), expires});
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += cost;
  return Status::Ok();
}

void MemoryCache::Erase(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto found = index_.find(key); found != index_.end()) RemoveLocked(found->second);
}

void MemoryCache::ErasePrefix(const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.lower_bound(std::string_view(prefix));
  while (it != index_.end() && it->first.starts_with(prefix)) {
    Lru::iterator entry = it->second;
    ++it;  // RemoveLocked invalidates the index node of `entry` only
    RemoveLocked(entry);
  }
}

std::uint64_t MemoryCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

std::uint64_t MemoryCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

std::uint64_t MemoryCache::evictions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return evictions_;
}

std::size_t MemoryCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

std::size_t MemoryCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace sheaf
