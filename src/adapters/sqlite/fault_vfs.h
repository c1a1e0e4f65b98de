// SPDX-License-Identifier: GPL-3.0-or-later
//
// SqliteFaultVfs: file system faults for the SQLite stores (broker and metadata store), by
// SQLite's own mechanism: a VFS registered with sqlite3_vfs_register that wraps the default
// VFS and passes every call through, except where a test asked for a fault:
//
//  - FailWrites / FailSyncs: the n-th xWrite or xSync of a file whose name contains a given
//    text (say "-wal") returns SQLITE_IOERR_WRITE / SQLITE_IOERR_FSYNC (or SQLITE_FULL for a
//    full disk), once, several times or from then on;
//  - SimulateCrash(): the power cut. Writes go through to the real files, each remembering
//    the bytes it overwrote until the file's next xSync. Crashing stops every later write,
//    truncate, sync and delete (so closing the stores afterwards changes nothing on disk, as if
//    the process had died) and puts back, newest first, every byte not synced. The stores are
//    then destroyed and opened again, and SQLite recovers from what a real crash would have
//    left. SimulateTornCrash leaves a random part of the unsynced writes, some of them torn.
//
// Model limits: what is undone is file contents; file creation and deletion (a WAL created or
// removed) are not, and the wal-index (-shm, shared memory) is left as it is - SQLite rebuilds
// it when the first connection after a crash opens the database.
//
// Use: Install() registers the VFS as the default, so stores that open with no VFS name use it;
// Uninstall() restores the previous default. Tests only; one test at a time per process.
// Thread safety: the fault settings and the record of unsynced bytes are guarded by a mutex;
// SQLite's own calls may come from any thread.
#ifndef SHEAF_ADAPTERS_SQLITE_FAULT_VFS_H_
#define SHEAF_ADAPTERS_SQLITE_FAULT_VFS_H_

#include <string>

namespace sheaf {

struct SqliteFault {
  std::string path_contains;  // only files whose name contains this (empty: any file)
  int after = 0;              // matching calls let through before the first failure
  int times = 1;              // failing calls; -1: every matching call from then on
  bool disk_full = false;     // writes: SQLITE_FULL instead of SQLITE_IOERR_WRITE
};

class SqliteFaultVfs {
 public:
  static constexpr const char* kName = "sheaf-faults";

  // Registers the VFS as the default (once per process) and clears any earlier faults and
  // records. Returns false when SQLite refused.
  static bool Install();
  // Makes the VFS it wrapped the default again. REQUIRES: no connection uses this VFS.
  static void Uninstall();

  static void FailWrites(SqliteFault fault);
  static void FailSyncs(SqliteFault fault);
  static void ClearFaults();
  // Failures injected so far, of writes and of syncs.
  static int InjectedWriteFailures();
  static int InjectedSyncFailures();
  // Successful xSync calls so far.
  static int Syncs();

  // Puts back every byte written since its file's last xSync, and makes all later writes,
  // truncates, syncs and deletes do nothing until Install() is called again. Returns the
  // number of writes and truncates undone.
  static long long SimulateCrash();
  // The same, but as a disk that wrote some of the unsynced data and tore some writes: each
  // unsynced write (newest first) is, at random from `seed`, undone, kept, or kept for its
  // first 512-byte sectors only (the rest gets its old bytes back).
  static long long SimulateTornCrash(unsigned long long seed);
};

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_SQLITE_FAULT_VFS_H_
