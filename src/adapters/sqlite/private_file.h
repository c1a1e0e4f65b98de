// SPDX-License-Identifier: GPL-3.0-or-later
//
// The SQLite files hold tenants, key hashes, document metadata and queue messages: they are made
// readable by the service's user only. SQLite creates a new database file 0644, and its -wal and
// -shm files with the database file's permissions, so creating the database file 0600 first
// covers all three.
#ifndef SHEAF_ADAPTERS_SQLITE_PRIVATE_FILE_H_
#define SHEAF_ADAPTERS_SQLITE_PRIVATE_FILE_H_

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "sheaf/status.h"

namespace sheaf {

// Creates `path` empty with mode 0600 unless it exists (an existing file keeps its mode).
inline Status CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(ErrorCode::kIoError, path + ": cannot create: " + std::strerror(errno));
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_SQLITE_PRIVATE_FILE_H_
