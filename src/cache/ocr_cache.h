// SPDX-License-Identifier: GPL-3.0-or-later
//
// OCR deduplication (design, "OCR Deduplication"): the key is the SHA-256 of the exact image the
// engine reads plus the engine's identity (version, models, languages, settings), so an
// identical page is never OCR'd twice and a changed engine never serves stale text (the key is
// version-tagged by that identity: a new engine or model reads anew). Entries live 24 h (design,
// "Cache Layers").
//
// Single flight: within a process, concurrent callers of GetOrCompute with one key share one
// run. Across processes (workers on one Redis), an optional LeaseTable extends it: the first
// worker to take the key's lease computes; the others poll the cache for its result every
// `poll` for at most `max_wait`, taking the lease themselves if it is freed without a result,
// and compute on their own once the wait is over. A dead worker's lease lapses after
// `lease_ttl`, and no caller ever waits longer than `max_wait` for another: a document is never
// blocked on a lost lease. Any lease error means "compute".
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
#include "sheaf/lease.h"
#include "sheaf/ocr_engine.h"

namespace sheaf {

struct OcrSingleFlightOptions {
  // Shared by the workers; null: single flight within this process only.
  LeaseTable* leases = nullptr;
  // How long a lease lives: longer than one page's OCR normally takes.
  std::chrono::milliseconds lease_ttl{std::chrono::seconds(60)};
  // How long a caller waits for another worker's result before computing it itself.
  std::chrono::milliseconds max_wait{std::chrono::seconds(60)};
  std::chrono::milliseconds poll{std::chrono::milliseconds(100)};
};

class OcrCache {
 public:
  static constexpr std::chrono::seconds kDefaultTtl = std::chrono::hours(24);

  // `cache` may be null (caching off); `cache` and `single_flight.leases` must outlive this
  // object. Thread-safe.
  explicit OcrCache(Cache* cache, std::chrono::seconds ttl = kDefaultTtl,
                    OcrSingleFlightOptions single_flight = {})
      : cache_(cache), ttl_(ttl), single_flight_(single_flight) {}

  static std::string Key(const Image& image, const std::string& engine_identity);

  // Counts a hit or a miss. Unreadable entries count as misses.
  std::optional<OcrPage> Get(const std::string& key);
  void Put(const std::string& key, const OcrPage& page);

  // Returns the page stored under `key`, or runs `compute` and stores its result. Concurrent
  // callers with the same key share one run of `compute` (the others wait and count as hits),
  // so two identical pages processed at the same moment are still recognised once; across
  // processes too when a LeaseTable is given (see above). Failures are returned to every
  // waiter in this process and not stored. *hit tells whether `compute` ran for this caller.
  Result<OcrPage> GetOrCompute(const std::string& key,
                               const std::function<Result<OcrPage>()>& compute, bool* hit);

  std::uint64_t hits() const { return hits_.load(); }
  std::uint64_t misses() const { return misses_.load(); }
  // Pages another worker computed while this one waited for them (counted as hits too).
  std::uint64_t waited_hits() const { return waited_hits_.load(); }

 private:
  // The page under `key`, without counting; nullopt for none or an unreadable entry.
  std::optional<OcrPage> Lookup(const std::string& key);
  // The miss path of GetOrCompute, across processes: see the class comment.
  Result<OcrPage> ComputeOnce(const std::string& key,
                              const std::function<Result<OcrPage>()>& compute, bool* hit);
  // Runs `compute` and stores a success.
  Result<OcrPage> ComputeAndStore(const std::string& key,
                                  const std::function<Result<OcrPage>()>& compute);

  Cache* cache_;
  std::chrono::seconds ttl_;
  OcrSingleFlightOptions single_flight_;
  std::mutex mu_;
  std::map<std::string, std::shared_future<Result<OcrPage>>> in_flight_;  // GUARDED_BY(mu_)
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> waited_hits_{0};
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_OCR_CACHE_H_
