// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/file_exporter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/file_system.h"
#include "core/files.h"

namespace sheaf {

namespace {

bool ValidId(std::string_view id, std::size_t max) {
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  return !id.empty() && id.size() <= max && alnum(id.front()) &&
         std::all_of(id.begin(), id.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_'; });
}

Status IoError(const std::string& path, const std::string& what, int err) {
  return Status(ErrorCode::kIoError, path + ": " + what + ": " + std::strerror(err));
}

// fsync of a folder: makes the names created, removed or renamed in it durable.
Status SyncDir(FileSystem& fs, const std::string& dir) {
  const int fd = fs.Open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) return IoError(dir, "cannot open folder", errno);
  const int rc = fs.Fsync(fd);
  const int err = errno;
  fs.Close(fd);
  return rc == 0 ? Status::Ok() : IoError(dir, "fsync failed", err);
}

std::string Parent(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Makes folder `dir` (and missing parents); each one made is made durable in its parent.
Status EnsureDir(FileSystem& fs, const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::Ok();
    return Status(ErrorCode::kIoError, dir + ": exists and is not a folder");
  }
  if (errno != ENOENT) return IoError(dir, "cannot stat", errno);
  const std::string parent = Parent(dir);
  if (parent != dir) {
    Status s = EnsureDir(fs, parent);
    if (!s.ok()) return s;
  }
  if (fs.Mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return IoError(dir, "cannot create folder", errno);
  }
  return SyncDir(fs, parent);
}

}  // namespace

FileExporter::FileExporter(std::string dir, FileSystem* fs)
    : dir_(std::move(dir)), fs_(fs != nullptr ? fs : DefaultFileSystem()) {}

std::string FileExporter::PathFor(const std::string& tenant_name_or_id,
                                  const std::string& document_id) const {
  if (!ValidId(tenant_name_or_id, 64) || !ValidId(document_id, 128)) return "";
  return dir_ + "/" + tenant_name_or_id + "/" + document_id + ".json";
}

Status FileExporter::Export(const std::string& tenant_name_or_id, const std::string& document_id,
                            std::string_view result_json) {
  if (!ValidId(tenant_name_or_id, 64)) {
    return Status(ErrorCode::kInvalidArgument,
                  "export: tenant \"" + tenant_name_or_id.substr(0, 80) +
                      "\" is not 1-64 of [A-Za-z0-9_-] starting with a letter or digit");
  }
  if (!ValidId(document_id, 128)) {
    return Status(ErrorCode::kInvalidArgument,
                  "export: document id \"" + document_id.substr(0, 80) +
                      "\" is not 1-128 of [A-Za-z0-9_-] starting with a letter or digit");
  }
  if (dir_.empty()) return Status(ErrorCode::kInvalidArgument, "export: no folder configured");
  const std::string tenant_dir = dir_ + "/" + tenant_name_or_id;
  Status s = EnsureDir(*fs_, tenant_dir);
  if (!s.ok()) return s;
  // Temporary file in the same folder, fsync, rename over the old file.
  s = WriteFileAtomic(tenant_dir + "/" + document_id + ".json", result_json, fs_);
  if (!s.ok()) return s;
  return SyncDir(*fs_, tenant_dir);
}

}  // namespace sheaf
