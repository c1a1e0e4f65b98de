// SPDX-License-Identifier: GPL-3.0-or-later
//
// WriteSpool: a durable first-in first-out queue of records in one local file, for writes that
// could not reach their store yet (docs/reliability.md, "Database write spool"). Appended
// records are replayed by the caller in order and marked done; an empty spool starts its file
// afresh.
//
// File format: one record per line, "<checksum> <seq> <kind> <payload>\n", where checksum is
// the first 16 hex digits of the SHA-256 of everything after it on the line, seq a decimal
// number (increasing), kind "A" (an appended payload) or "D" (every payload up to seq is done),
// and payload a single line of text (JSON as nlohmann::json::dump makes it). On open, a last
// line that is incomplete or fails its checksum is a record torn by a crash: it was never
// acknowledged (Append returns only after fdatasync), so it is dropped and the file rewritten
// without it. A damaged line followed by good ones is corruption: Open fails, naming the file
// and the byte.
//
// Durability: Append and MarkDone return OK only after the record is synced (fdatasync through
// the FileSystem seam). A write that failed half way leaves the file rewritten from memory
// (temp file, fsync, rename, folder fsync) before the next append, so a torn record is never
// followed by another.
//
// Limit: Append refuses (limit_exceeded, naming the file and the limit) a record that would
// take the file past max_bytes. Done markers are always accepted (they follow appends one for
// one), and the file is emptied when nothing is pending.
//
// Thread safety: all methods are safe for concurrent use.
#ifndef SHEAF_METADATA_WRITE_SPOOL_H_
#define SHEAF_METADATA_WRITE_SPOOL_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/file_system.h"
#include "sheaf/status.h"

namespace sheaf {

class WriteSpool {
 public:
  struct Entry {
    std::uint64_t seq = 0;
    std::string payload;
  };

  // Opens (creating it and its folder's last component when missing) the spool at `path`.
  // `fs` outlives the spool. io_error when the file cannot be read, written or is damaged
  // before its last record.
  static Result<std::unique_ptr<WriteSpool>> Open(FileSystem* fs, std::string path,
                                                  std::uint64_t max_bytes);
  ~WriteSpool();
  WriteSpool(const WriteSpool&) = delete;
  WriteSpool& operator=(const WriteSpool&) = delete;

  // Appends `payload` (one line: no '\n') durably; returns its seq. limit_exceeded when full;
  // io_error when the file could not be written (the record is then not in the spool);
  // invalid_argument for a payload with a newline.
  Result<std::uint64_t> Append(const std::string& payload);
  // The oldest pending record; nullopt when none.
  std::optional<Entry> Front() const;
  // Marks the oldest pending record done, durably. REQUIRES: `seq` is Front()'s seq
  // (invalid_argument otherwise). io_error when the marker could not be written: the record
  // stays pending (a replay of it must be idempotent anyway, since a crash can come between
  // the replay and the marker).
  Status MarkDone(std::uint64_t seq);

  // Every pending record, oldest first.
  std::vector<Entry> Pending() const;
  std::size_t pending() const;
  std::uint64_t bytes() const;  // the file's size
  std::uint64_t max_bytes() const { return max_bytes_; }
  const std::string& path() const { return path_; }

 private:
  WriteSpool(FileSystem* fs, std::string path, std::uint64_t max_bytes)
      : fs_(fs), path_(std::move(path)), max_bytes_(max_bytes) {}
  Status Load();
  // Writes `line` at the end of the file and syncs it; on failure the file is rewritten.
  Status AppendLineLocked(const std::string& line);
  // Replaces the file with the pending records only.
  Status RewriteLocked();
  Status OpenForAppendLocked();

  FileSystem* const fs_;
  const std::string path_;
  const std::uint64_t max_bytes_;
  mutable std::mutex mu_;
  int fd_ = -1;                 // GUARDED_BY(mu_); -1 until a rewrite succeeds after a failure
  std::uint64_t bytes_ = 0;     // GUARDED_BY(mu_)
  std::uint64_t next_seq_ = 1;  // GUARDED_BY(mu_)
  std::deque<Entry> pending_;   // GUARDED_BY(mu_)
};

// The line WriteSpool writes for (seq, kind, payload), newline included; for tests that build
// damaged files.
std::string WriteSpoolLine(std::uint64_t seq, char kind, const std::string& payload);

}  // namespace sheaf

#endif  // SHEAF_METADATA_WRITE_SPOOL_H_
