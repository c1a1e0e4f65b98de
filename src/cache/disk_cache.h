// SPDX-License-Identifier: GPL-3.0-or-later
//
// The embedded Cache: one file per key under a folder, written atomically, expired by age.
#ifndef SHEAF_CACHE_DISK_CACHE_H_
#define SHEAF_CACHE_DISK_CACHE_H_

#include <memory>
#include <string>

#include "sheaf/cache.h"

namespace sheaf {

class DiskCache : public Cache {
 public:
  // Creates `dir` if needed. Errors: io_error when it cannot be created.
  static Result<std::unique_ptr<DiskCache>> Open(const std::string& dir);

  Result<std::optional<std::string>> Get(const std::string& key) override;
  Status Put(const std::string& key, std::string_view value, std::chrono::seconds ttl) override;

 private:
  explicit DiskCache(std::string dir) : dir_(std::move(dir)) {}
  // Keys may hold any bytes: the file name is the SHA-256 of the key, fanned out by 2 hex digits.
  std::string PathFor(const std::string& key) const;
  std::string dir_;
};

}  // namespace sheaf

#endif  // SHEAF_CACHE_DISK_CACHE_H_
