// SPDX-License-Identifier: GPL-3.0-or-later
//
// FileExporter: writes each finished document's result JSON to <dir>/<tenant>/<document>.json,
// for systems that pick results up from a folder (`sheaf serve --data-dir DIR` uses
// DIR/exports).
//
// Contract:
// - Atomic and durable: a reader sees the old file or the whole new one, never a part; OK means
//   the file and its name are on stable storage (temporary file, fsync, rename, fsync of the
//   folder).
// - Idempotent: exporting a document again replaces its file (a redelivered export task
//   changes nothing).
// - Ids are checked, not trusted: invalid_argument unless the tenant is 1-64 and the document
//   1-128 of [A-Za-z0-9_-] starting with a letter or digit, so no id can name a path outside
//   the folder. io_error when writing fails (nothing is replaced then).
// - Thread-safe: concurrent exports, of the same document too, are fine (the last one wins).
#ifndef SHEAF_SERVICE_FILE_EXPORTER_H_
#define SHEAF_SERVICE_FILE_EXPORTER_H_

#include <string>
#include <string_view>

#include "sheaf/status.h"

namespace sheaf {

class FileSystem;

class FileExporter {
 public:
  // `dir` is created when the first document is exported. `fs`: the file operations (nullptr:
  // DefaultFileSystem(); tests pass a fault-injecting one); not owned, it must outlive this.
  explicit FileExporter(std::string dir, FileSystem* fs = nullptr);

  Status Export(const std::string& tenant_name_or_id, const std::string& document_id,
                std::string_view result_json);

  // Where Export writes; "" when the ids are not valid.
  std::string PathFor(const std::string& tenant_name_or_id, const std::string& document_id) const;

  const std::string& dir() const { return dir_; }

 private:
  const std::string dir_;
  FileSystem* const fs_;
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_FILE_EXPORTER_H_
