// SPDX-License-Identifier: GPL-3.0-or-later
//
// OCR deduplication (design, "OCR Deduplication"): the key is the SHA-256 of the exact image the
// engine reads plus the engine's identity (version, models, languages, settings), so an
// identical page is never OCR'd twice and a changed engine never serves stale text.
#ifndef SHEAF_CACHE_OCR_CACHE_H_
#define SHEAF_CACHE_OCR_CACHE_H_

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "sheaf/cache.h"
#include "sheaf/image.h"
#include "sheaf/ocr_engine.h"

namespace sheaf {

class OcrCache {
 public:
  // `cache` may be null (caching off). It must outlive this object. Thread-safe.
  explicit OcrCache(Cache* cache, std::chrono::seconds ttl = std::chrono::hours(24))
      : cache_(cache), ttl_(ttl) {}

  static std::string Key(const Image& image, const std::string& engine_identity);

  // Counts a hit or a miss. Unreadable entries count as misses.
  std::optional<OcrPage> Get(const std::string& key);
  void Put(const std::string& key, const OcrPage& page);

  std::uint64_t hits() const { return hits_.load(); }
  std::uint64_t misses() const { return misses_.load(); }

 private:
  Cache* cache_;
  std::chrono::seconds ttl_;
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_OCR_CACHE_H_
