// SPDX-License-Identifier: GPL-3.0-or-later
//
// Consistent copies of the embedded SQLite databases for `sheaf backup` (src/backup): SQLite's
// online backup API, run against a database that a live `sheaf serve` keeps writing.
//
// Thread safety: each call opens connections of its own; calls may run concurrently.
#ifndef SHEAF_ADAPTERS_SQLITE_SQLITE_BACKUP_H_
#define SHEAF_ADAPTERS_SQLITE_SQLITE_BACKUP_H_

#include <string>

#include "sheaf/status.h"

namespace sheaf {

// Copies the database at `source` to a new file `dest` (which must not exist) as it was at one
// moment: every page is copied inside one read transaction, so the copy is a state the database
// was in, however many writers commit meanwhile (in WAL mode they are not held up). `dest` is
// fsynced and passes PRAGMA quick_check before OK is returned; on any error it is removed.
// Errors: not_found when `source` does not exist; unavailable when another process holds the
// database exclusively (the embedded broker of a running `sheaf serve` does) or keeps it busy
// beyond `busy_timeout_ms`; invalid_document when the copy fails quick_check; io_error otherwise.
Status SnapshotSqliteDatabase(const std::string& source, const std::string& dest,
                              int busy_timeout_ms = 10000);

// OK iff the database file at `path` opens read-only and passes PRAGMA quick_check;
// invalid_document (naming the file and SQLite's first complaint) otherwise; not_found when
// it is missing.
Status CheckSqliteDatabase(const std::string& path);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_SQLITE_SQLITE_BACKUP_H_
