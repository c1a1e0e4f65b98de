// SPDX-License-Identifier: GPL-3.0-or-later
//
// The file operations of backup and restore: copies that hash what they copy, made durable
// together (syncfs), folders made 0700, small files read whole. Plain POSIX; errors as Status
// (not_found for a missing source, io_error otherwise, naming the path).
#ifndef SHEAF_BACKUP_FILES_H_
#define SHEAF_BACKUP_FILES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "sheaf/hash.h"
#include "sheaf/status.h"

namespace sheaf::backup {

struct FileDigest {
  std::int64_t size = 0;
  std::string sha256;  // lower-case hex
};

// Reads the file at `path` whole (it may be empty); limit_exceeded past `max_bytes`.
Result<std::string> ReadSmallFile(const std::string& path, std::uint64_t max_bytes);

// The size and SHA-256 of the file at `path`, read in chunks.
Result<FileDigest> DigestFile(const std::string& path);

// Copies `source` to the new file `dest` (0600; it must not exist); returns what was copied.
// Not synced: SyncTree makes a whole tree of copies durable at once.
Result<FileDigest> CopyFile(const std::string& source, const std::string& dest);

// Writes `bytes` to `path` (0600) through a temporary file, fsync and rename.
Status WriteDurable(const std::string& path, std::string_view bytes);

// Creates `path` and its missing parents (0700).
Status MakeDirs(const std::string& path);

// Fsyncs the folder `path`.
Status SyncDir(const std::string& path);
// Makes every file and folder written below `path` durable (syncfs of its file system).
Status SyncTree(const std::string& path);

// Reads the lines of the file at `path` one at a time (each at most `max_line` bytes), calling
// `fn` with each non-empty one and its number; then checks that the file's SHA-256 is
// `expected_sha256` (invalid_document naming the file when it is not). A line too long is
// invalid_document too; `fn`'s error stops the reading and is returned.
Status ReadLines(const std::string& path, std::size_t max_line, const std::string& expected_sha256,
                 const std::function<Status(const std::string& line, int number)>& fn);

// A source file held open: its size and modification time are those of the bytes read, even if
// the path is replaced meanwhile.
class OpenFile {
 public:
  OpenFile() = default;
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  Status Open(const std::string& path);
  std::int64_t size() const { return size_; }
  std::int64_t mtime_ns() const { return mtime_ns_; }
  // Copies the whole file to the new file `dest`, as CopyFile.
  Result<FileDigest> CopyTo(const std::string& dest);

 private:
  int fd_ = -1;
  std::string path_;
  std::int64_t size_ = 0;
  std::int64_t mtime_ns_ = 0;
};

// A file written line by line through a buffer, hashed as written; Close fsyncs it.
class LineWriter {
 public:
  LineWriter() = default;
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  Status Open(const std::string& path);
  Status Write(std::string_view line);  // appends line + '\n'
  Result<FileDigest> Close();

 private:
  Status Flush();
  int fd_ = -1;
  std::string path_;
  std::string buffer_;
  Sha256 sha_;
  std::int64_t size_ = 0;
};

}  // namespace sheaf::backup

#endif  // SHEAF_BACKUP_FILES_H_
