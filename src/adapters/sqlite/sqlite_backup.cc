// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "adapters/sqlite/private_file.h"

namespace sheaf {

namespace {

// Closes a connection however the function leaves.
struct Connection {
  sqlite3* db = nullptr;
  ~Connection() {
    if (db != nullptr) sqlite3_close_v2(db);
  }
};

bool IsBusy(int rc) {
  const int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

Status FsyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(ErrorCode::kIoError, path + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status(ErrorCode::kIoError, path + ": fsync: " + std::strerror(err));
  return Status::Ok();
}

// PRAGMA quick_check on an open connection: "ok", or SQLite's first complaint.
Status QuickCheck(sqlite3* db, const std::string& path) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Status(ErrorCode::kInvalidDocument, path + ": not a readable SQLite database: " +
                                              sqlite3_errmsg(db));
  }
  rc = sqlite3_step(stmt);
  std::string answer;
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    answer = text == nullptr ? "" : reinterpret_cast<const char*>(text);
  } else {
    answer = sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  if (answer != "ok") {
    return Status(ErrorCode::kInvalidDocument, path + ": SQLite quick_check failed: " + answer);
  }
  return Status::Ok();
}

// `path` as the path of a file: URI ('%', '?' and '#' escaped).
std::string FileUri(const std::string& path) {
  std::string out = "file:";
  for (char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      out += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

Status SnapshotSqliteDatabase(const std::string& source, const std::string& dest,
                              int busy_timeout_ms) {
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0) {
    return Status(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError,
                  source + ": " + std::strerror(errno));
  }
  if (::access(dest.c_str(), F_OK) == 0) {
    return Status(ErrorCode::kIoError, dest + ": already exists");
  }
  Status result = [&]() -> Status {
    Connection from;
    // Read-write, not read-only: a reader of a WAL database may have to create its -shm file.
    if (sqlite3_open_v2(source.c_str(), &from.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      return Status(ErrorCode::kIoError,
                    source + ": cannot open: " + (from.db ? sqlite3_errmsg(from.db) : "no memory"));
    }
    // Short waits, retried below until the deadline: a database held exclusively (the embedded
    // broker's) answers busy at once each time, and must not cost more than busy_timeout_ms.
    sqlite3_busy_timeout(from.db, 50);
    if (Status s = CreatePrivateFile(dest); !s.ok()) return s;
    Connection to;
    if (sqlite3_open_v2(dest.c_str(), &to.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      return Status(ErrorCode::kIoError,
                    dest + ": cannot open: " + (to.db ? sqlite3_errmsg(to.db) : "no memory"));
    }
    sqlite3_backup* backup = sqlite3_backup_init(to.db, "main", from.db, "main");
    if (backup == nullptr) {
      return Status(ErrorCode::kIoError, dest + ": " + sqlite3_errmsg(to.db));
    }
    // All pages in one step: one read transaction, so one moment of the source. (Smaller steps
    // would restart whenever another process writes, and a busy queue writes all the time.)
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
    int rc = sqlite3_backup_step(backup, -1);
    while (IsBusy(rc) && std::chrono::steady_clock::now() < deadline) {
      sqlite3_sleep(50);
      rc = sqlite3_backup_step(backup, -1);
    }
    const int finish = sqlite3_backup_finish(backup);
    if (IsBusy(rc)) {
      return Status(ErrorCode::kUnavailable,
                    source + ": locked by another process (a running sheaf serve holds its "
                             "embedded queue exclusively)");
    }
    if (rc != SQLITE_DONE || finish != SQLITE_OK) {
      const int code = rc != SQLITE_DONE ? rc : finish;
      if ((code & 0xff) == SQLITE_NOTADB || (code & 0xff) == SQLITE_CORRUPT) {
        return Status(ErrorCode::kInvalidDocument, source + ": " + sqlite3_errstr(code));
      }
      return Status(ErrorCode::kIoError, source + " -> " + dest + ": " + sqlite3_errstr(code));
    }
    return QuickCheck(to.db, dest);
  }();
  if (result.ok()) result = FsyncFile(dest);
  if (!result.ok()) {
    ::unlink(dest.c_str());
    ::unlink((dest + "-journal").c_str());
    ::unlink((dest + "-wal").c_str());
    ::unlink((dest + "-shm").c_str());
  }
  return result;
}

Status CheckSqliteDatabase(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0) {
    return Status(ErrorCode::kNotFound, path + ": " + std::strerror(errno));
  }
  Connection c;
  // Immutable: nothing is written beside the file (no -wal, no -shm), nothing is locked.
  const std::string uri = FileUri(path) + "?immutable=1";
  if (sqlite3_open_v2(uri.c_str(), &c.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) !=
      SQLITE_OK) {
    return Status(ErrorCode::kInvalidDocument,
                  path + ": cannot open: " + (c.db ? sqlite3_errmsg(c.db) : "no memory"));
  }
  return QuickCheck(c.db, path);
}

}  // namespace sheaf
