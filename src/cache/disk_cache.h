// SPDX-License-Identifier: GPL-3.0-or-later
//
// The embedded Cache: one file per key under a folder, written atomically, expired by age and
// bounded in size: when the files exceed `max_bytes`, the least recently used ones (by file
// modification time, refreshed on every hit) are removed until 90% of the budget is left.
// An entry records its key and its value's length; one that does not hold both whole (written
// without fsync and cut short by a crash, or of an older format) is a miss and is removed.
#ifndef SHEAF_CACHE_DISK_CACHE_H_
#define SHEAF_CACHE_DISK_CACHE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/files.h"
#include "sheaf/cache.h"

namespace sheaf {

class DiskCache : public Cache {
 public:
  static constexpr std::uint64_t kDefaultMaxBytes = 10ull << 30;  // 10 GiB

  // Creates `dir` if needed and measures what it holds. `sync`: FileSync::kNone skips the fsync
  // of each entry (for entries cheap to recompute: a crash may lose them, never return them
  // wrong). Errors: io_error when it cannot be created.
  static Result<std::unique_ptr<DiskCache>> Open(const std::string& dir,
                                                 std::uint64_t max_bytes = kDefaultMaxBytes,
                                                 FileSync sync = FileSync::kData);

  Result<std::optional<std::string>> Get(const std::string& key) override;
  Status Put(const std::string& key, std::string_view value, std::chrono::seconds ttl) override;

 private:
  DiskCache(std::string dir, std::uint64_t max_bytes, FileSync sync)
      : dir_(std::move(dir)), max_bytes_(max_bytes), sync_(sync) {}
  // Keys may hold any bytes: the file name is the SHA-256 of the key, fanned out by 2 hex digits.
  std::string PathFor(const std::string& key) const;
  // Total size of the entry files below dir_.
  std::uint64_t MeasureBytes() const;
  // Removes least recently used entries until at most 90% of max_bytes_ is used.
  void Evict();

  const std::string dir_;
  const std::uint64_t max_bytes_;
  const FileSync sync_;
  std::atomic<std::uint64_t> bytes_{0};  // estimate: exact after Open and Evict
  std::mutex evict_mu_;                  // one eviction at a time
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_DISK_CACHE_H_
