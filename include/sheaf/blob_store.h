// SPDX-License-Identifier: GPL-3.0-or-later
//
// BlobStore: the bytes of documents and of what the stages derive from them (page images,
// results), by key, shaped so that the embedded store (a local folder) and S3 implement the same
// contract. Metadata about a blob lives in the MetadataStore; the BlobStore knows only keys.
//
// Contract:
// - Thread safety: every implementation is safe for concurrent use by any number of threads.
// - Keys are relative, '/'-separated paths such as "tenants/<t>/documents/<id>/original":
//   1 to 1024 bytes; segments of 1 to 255 bytes, none empty (no leading, trailing or doubled
//   '/'), none starting with '.' (so never "." or "..": such names are reserved for an
//   implementation's own files); no NUL byte. Any other key gives invalid_argument and nothing
//   is read or written. A key is a blob or a folder of blobs, never both: Put of "a/b" when
//   "a/b/c" exists (or the reverse) gives invalid_argument in stores that have folders (the
//   local one); S3 has none and stores both, so callers never rely on that refusal.
// - Durability: Put and Delete return OK only once the change is on stable storage (it survives
//   a crash of the process and, where the storage keeps its promises, of the machine).
// - Atomicity: a Put is seen whole or not at all. A Get concurrent with a Put of the same key
//   returns the old bytes, the new bytes or not_found (when there were none), never a mix.
//   Concurrent Puts of one key: the last to finish wins.
// - Errors: invalid_argument for a bad key; not_found where a call says so; io_error when the
//   storage failed (nothing was changed, or the change is not durable: retry); unavailable when
//   a remote store cannot be reached (retry).
#ifndef SHEAF_BLOB_STORE_H_
#define SHEAF_BLOB_STORE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sheaf/status.h"

namespace sheaf {

// Returns OK iff `key` is a valid blob key (see the contract), invalid_argument naming the rule
// it breaks otherwise. Every implementation checks keys with this function.
inline Status ValidateBlobKey(std::string_view key) {
  constexpr std::size_t kMaxKey = 1024;
  constexpr std::size_t kMaxSegment = 255;
  const auto bad = [&](std::string_view why) {
    std::string shown(key.substr(0, 80));
    for (char& c : shown) {
      if (c == '\0') c = '?';
    }
    return Status(
        ErrorCode::kInvalidArgument,
        "blob key \"" + shown + (key.size() > 80 ? "...\"" : "\"") + ": " + std::string(why));
  };
  if (key.empty()) return bad("is empty");
  if (key.size() > kMaxKey) return bad("is longer than 1024 bytes");
  if (key.find('\0') != std::string_view::npos) return bad("contains a NUL byte");
  if (key.front() == '/') return bad("is an absolute path");
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = key.find('/', start);
    const std::string_view segment =
        key.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (segment.empty()) return bad("has an empty segment");
    if (segment.size() > kMaxSegment) return bad("has a segment longer than 255 bytes");
    if (segment.front() == '.') return bad("has a segment starting with '.' (such as \"..\")");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return Status::Ok();
}

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores `bytes` under `key`, replacing any blob there. Returns OK iff the blob is durable.
  virtual Status Put(const std::string& key, std::string_view bytes) = 0;
  // Returns the bytes stored under `key`; not_found when there is no blob there.
  virtual Result<std::string> Get(const std::string& key) = 0;
  // Returns the size in bytes of the blob under `key`; not_found when there is none.
  virtual Result<std::uint64_t> Size(const std::string& key) = 0;
  // Returns whether a blob is stored under `key` (a folder of blobs is not one).
  virtual Result<bool> Exists(const std::string& key) = 0;
  // Removes the blob under `key`. Idempotent: OK also when there was none (like S3's
  // DeleteObject), so a retried delete succeeds. Returns OK iff the removal is durable.
  virtual Status Delete(const std::string& key) = 0;
  // Removes the blob `prefix` and every blob whose key starts with `prefix` + "/" (e.g. all the
  // blobs of one document). Idempotent. `prefix` must be a valid key. A Put under `prefix`
  // concurrent with this call may or may not survive it.
  virtual Status DeletePrefix(const std::string& prefix) = 0;
};

}  // namespace sheaf

#endif  // SHEAF_BLOB_STORE_H_
