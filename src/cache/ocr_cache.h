// SPDX-License-Identifier: GPL-3.0-or-later
//
// OCR deduplication (design, "OCR Deduplication"): the key is the SHA-256 of the exact image the
// engine reads plus the engine's identity (version, models, languages, settings), so an
// identical page is never OCR'd twice and a changed engine never serves stale text.
#ifndef SHEAF_CACHE_OCR_CACHE_H_
#define SHEAF_CACHE_OCR_CACHE_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <mutex>
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

  // Returns the page stored under `key`, or runs `compute` and stores its result. Concurrent
  // callers with the same key share one run of `compute` (the others wait and count as hits),
  // so two identical pages processed at the same moment are still recognised once. Failures
  // are returned to every waiter and not stored. *hit tells whether `compute` ran for this
  // caller.
  Result<OcrPage> GetOrCompute(const std::string& key,
                               const std::function<Result<OcrPage>()>& compute, bool* hit);

  std::uint64_t hits() const { return hits_.load(); }
  std::uint64_t misses() const { return misses_.load(); }

 private:
  Cache* cache_;
  std::chrono::seconds ttl_;
  std::mutex mu_;
  std::map<std::string, std::shared_future<Result<OcrPage>>> in_flight_;  // GUARDED_BY(mu_)
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_OCR_CACHE_H_
