// SPDX-License-Identifier: GPL-3.0-or-later
#ifndef SHEAF_CORE_FILES_H_
#define SHEAF_CORE_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sheaf/status.h"

namespace sheaf {

class FileSystem;

// Reads the whole file at `path`. Errors: not_found, io_error, invalid_document (empty file),
// limit_exceeded when it is larger than `max_bytes` (checked before reading).
Result<std::string> ReadFileLimited(const std::string& path, std::uint64_t max_bytes);

// Whether WriteFileAtomic makes the data durable before the rename.
enum class FileSync {
  kData,  // fsync the temporary file: after a crash the new name holds the whole new data
  kNone,  // no fsync (for caches that can recompute): a crash may leave the new name holding
          // less than `data`, even nothing; readers must check what they read
};

// Writes `data` to `path` atomically (temporary file in the same folder, fsync unless
// FileSync::kNone, rename): while the system runs, a reader sees the old file or the whole new
// one. The folder is not fsynced, so the new name may be lost in a crash; fsync the folder
// after OK for that. Nothing is left behind on an error. `fs`: the file operations (nullptr:
// DefaultFileSystem(); tests pass a fault-injecting one).
Status WriteFileAtomic(const std::string& path, std::string_view data, FileSystem* fs = nullptr,
                       FileSync sync = FileSync::kData);

// Expands command-line inputs: a file stays as given; a folder becomes the regular files below
// it, recursively, in sorted order, skipping hidden entries (names starting with '.'). A path
// that does not exist is kept, so that it is reported as a failed input.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& paths);

}  // namespace sheaf

#endif  // SHEAF_CORE_FILES_H_
