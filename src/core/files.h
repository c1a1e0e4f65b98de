// SPDX-License-Identifier: GPL-3.0-or-later
#ifndef SHEAF_CORE_FILES_H_
#define SHEAF_CORE_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sheaf/status.h"

namespace sheaf {

// Reads the whole file at `path`. Errors: not_found, io_error, invalid_document (empty file),
// limit_exceeded when it is larger than `max_bytes` (checked before reading).
Result<std::string> ReadFileLimited(const std::string& path, std::uint64_t max_bytes);

// Writes `data` to `path` atomically (temporary file in the same folder, fsync, rename).
Status WriteFileAtomic(const std::string& path, std::string_view data);

// Expands command-line inputs: a file stays as given; a folder becomes the regular files below
// it, recursively, in sorted order, skipping hidden entries (names starting with '.'). A path
// that does not exist is kept, so that it is reported as a failed input.
std::vector<std::string> ExpandInputs(const std::vector<std::string>& paths);

}  // namespace sheaf

#endif  // SHEAF_CORE_FILES_H_
