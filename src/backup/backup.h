// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf backup` and `sheaf restore` (docs/operations.md): a data dir of the embedded service
// copied into a backup set and back.
//
// A backup set is a folder of backups, one sub-folder each, named by the UTC time it was taken
// ("20261204T211500.123Z"). A backup holds
//
//   manifest.json          what it holds: version, times, base, databases, configuration, and
//                          the SHA-256 and size of every file
//   manifest.json.sha256   the manifest's own SHA-256, in `sha256sum -c` form
//   metadata.sqlite        the metadata store at one moment (SQLite's online backup API), or
//   metadata.pgdump        a PostgreSQL store's dump (MetadataDump: pg_dump)
//   queue.sqlite           the embedded queue, when it could be read (see CreateBackup)
//   config/NAME            the configuration file, when one was given
//   blobs.jsonl            one line per blob: key, size, sha256, mtime_ns, stored_in
//   blobs/KEY              the blobs this backup copied
//
// The first backup of a set copies every blob; each later one is incremental: a blob whose
// size and modification time (nanoseconds) equal those recorded by the newest backup of the set
// is not copied again but named by the backup that holds its bytes ("stored_in"). Blobs are
// replaced only by a rename (a new file, a new modification time), so an unchanged pair means
// unchanged bytes. A backup is written under ".ID.partial" and renamed to ID once complete:
// a folder with a manifest is a whole backup.
//
// Restore checks everything before it changes anything: every file is copied into a staging
// folder beside the target while its SHA-256 is computed, compared with the manifest (a
// mismatch names the file), the databases pass SQLite's quick_check (a dump its MetadataDump's
// check), and only then is a dump loaded and the staging folder renamed into place.
//
// Thread safety: the functions keep no state. Two backups into one set at the same moment are
// not supported (neither would build on the other).
#ifndef SHEAF_BACKUP_BACKUP_H_
#define SHEAF_BACKUP_BACKUP_H_

#include <cstdint>
#include <functional>
#include <string>

#include "sheaf/status.h"

namespace sheaf::backup {

// What backup and restore need from the SQLite adapter (injected by src/app, which owns the
// SDKs): a consistent copy of a live database, and a check of a copied one. The signatures are
// those of SnapshotSqliteDatabase and CheckSqliteDatabase (src/adapters/sqlite/sqlite_backup.h).
struct DatabaseOps {
  std::function<Status(const std::string& source, const std::string& dest, int busy_timeout_ms)>
      snapshot;
  std::function<Status(const std::string& path)> check;
};

// A metadata store that is not the data dir's SQLite file (PostgreSQL): dumped by `dump` into the
// backup as `file_name` ("metadata.pgdump"), checked by `check`, loaded back by `load`.
struct MetadataDump {
  std::string format;     // "pg_dump": recorded in the manifest
  std::string file_name;  // a plain file name
  std::function<Status(const std::string& dest)> dump;
  std::function<Status(const std::string& path)> check;
  // Loads the dump into the store; `replace` = restore's force. Called only after every file
  // of the backup was checked; an error must leave the store unchanged.
  std::function<Status(const std::string& path, bool replace)> load;
};

struct BackupOptions {
  std::string data_dir;     // the service's data dir: metadata.sqlite, queue.sqlite, blobs/
  MetadataDump metadata;    // empty dump = the data dir's metadata.sqlite (SQLite)
  std::string blobs_root;   // "" = data_dir + "/blobs"
  std::string config_file;  // "" = none; else copied to config/<its file name>
  std::string to;           // the backup set (created when missing)
  bool full = false;        // copy every blob even when the set has a backup to build on
  DatabaseOps db;
  std::string sheaf_version;
  std::function<std::int64_t()> now_ms;  // milliseconds since the epoch; the system clock if empty
};

struct BackupReport {
  std::string id;
  std::string dir;      // the backup's folder
  std::string base_id;  // "" for a full backup
  std::int64_t started_at_ms = 0;
  std::int64_t metadata_at_ms = 0;  // when the metadata snapshot was taken (its moment)
  std::int64_t finished_at_ms = 0;
  bool queue_captured = false;
  std::string queue_note;  // why the queue is not in the backup, when it is not
  std::int64_t blobs = 0, blob_bytes = 0;                // in the backup, copied or not
  std::int64_t blobs_copied = 0, blob_bytes_copied = 0;  // copied by this backup
};

// Takes a backup of `options.data_dir` into a new folder of the set `options.to`, in this order:
// the metadata store (its moment is the backup's recovery point), the queue, the configuration,
// then the blobs (so every blob a document recorded in the metadata snapshot names is there,
// unless that document was deleted meanwhile). The embedded queue of a running `sheaf serve` is
// held exclusively by that process and cannot be read: the backup then goes on without it and
// says so (queue_captured false, queue_note); Restore rebuilds the pending work from the
// metadata either way. Errors: not_found when data_dir has no metadata.sqlite; invalid_argument
// for a bad option; io_error or invalid_document (a database that fails its check) otherwise,
// with nothing left in the set but a ".ID.partial" folder (ignored by restore; delete it).
Result<BackupReport> CreateBackup(const BackupOptions& options);

struct RestoreOptions {
  // A backup folder (with manifest.json), or a backup set (its newest whole backup is taken).
  std::string from;
  std::string data_dir;   // the target
  bool force = false;     // replace a non-empty target (it is kept as "<target>.replaced-ID")
  bool check_only = false;  // verify every checksum, change nothing
  std::string config_to;  // where to write the backed-up configuration file; "" = nowhere
  DatabaseOps db;
  // For a backup of a PostgreSQL store (format "pg_dump"): its check and load; a backup of that
  // format without them, or of SQLite with them, is refused (invalid_argument).
  MetadataDump metadata;
};

struct RestoreReport {
  std::string id;
  std::string dir;           // the backup restored
  std::string replaced_dir;  // where the old target went (with force), or ""
  bool queue_restored = false;
  std::int64_t files = 0, bytes = 0;  // verified (and, unless check_only, written)
  std::int64_t metadata_at_ms = 0;    // the backup's recovery point
};

// Restores (or with check_only, verifies) a backup: see the file comment. Errors:
// not_found when `from` holds no whole backup, or a blob's backup is missing from the set;
// invalid_argument when the target is not empty and force is not set (naming an entry in it);
// invalid_document when a file's size or SHA-256 differs from the manifest (naming the file and
// both digests), the manifest differs from manifest.json.sha256, or a database fails its check;
// io_error otherwise. On any error the target is as it was.
Result<RestoreReport> Restore(const RestoreOptions& options);

}  // namespace sheaf::backup

#endif  // SHEAF_BACKUP_BACKUP_H_
