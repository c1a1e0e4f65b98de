// SPDX-License-Identifier: GPL-3.0-or-later
//
// TieredCache: a fast cache in front of a slower, larger one (design, "Cache Layers": the
// in-process LRU in front of the shared store - the disk cache embedded, Redis distributed).
// Get asks the near cache first, then the far one, and copies a far hit near. Put writes both.
// Entries copied near live at most `near_ttl` there, so that the far cache stays the reference.
// Thread-safe when both caches are.
#ifndef SHEAF_CACHE_TIERED_CACHE_H_
#define SHEAF_CACHE_TIERED_CACHE_H_

#include <algorithm>
#include <chrono>
#include <memory>

#include "sheaf/cache.h"

namespace sheaf {

class TieredCache final : public Cache {
 public:
  // `near` is required; `far` may be null (then this is just `near`).
  TieredCache(std::shared_ptr<Cache> near, std::shared_ptr<Cache> far,
              std::chrono::seconds near_ttl = std::chrono::hours(1))
      : near_(std::move(near)), far_(std::move(far)), near_ttl_(near_ttl) {}

  Result<std::optional<std::string>> Get(const std::string& key) override {
    Result<std::optional<std::string>> got = near_->Get(key);
    if (got.ok() && got->has_value()) return got;
    if (far_ == nullptr) return got;
    got = far_->Get(key);
    if (got.ok() && got->has_value()) (void)near_->Put(key, **got, near_ttl_);
    return got;
  }

  Status Put(const std::string& key, std::string_view value, std::chrono::seconds ttl) override {
    (void)near_->Put(key, value, std::min(ttl, near_ttl_));
    return far_ == nullptr ? Status::Ok() : far_->Put(key, value, ttl);
  }

 private:
  std::shared_ptr<Cache> near_;
  std::shared_ptr<Cache> far_;
  std::chrono::seconds near_ttl_;
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_TIERED_CACHE_H_
