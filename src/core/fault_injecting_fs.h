// SPDX-License-Identifier: GPL-3.0-or-later
//
// FaultInjectingFs: a FileSystem for tests that breaks on purpose, in the spirit of leveldb's
// fault-injection test Env. Calls pass to the real file system (a temp dir of the test) unless
// a fault says otherwise:
//
//  - Inject(FsFault): the n-th matching call of an operation (open, write, fsync/fdatasync of a
//    file, fsync of a folder, link, rename, unlink, mkdir) fails with a chosen errno - EIO,
//    ENOSPC, EDQUOT, ... - once, several times or from then on; a write fault may be "torn":
//    half the bytes are written and reported, the error comes with the next write.
//  - SetFreeSpace(n): the disk takes n more bytes, then a write writes what fits and the next
//    one fails with ENOSPC (a full disk).
//  - SetMaxWriteSize(n): every write writes at most n bytes (short writes, which POSIX allows).
//  - SimulateCrash(): what a power cut would lose, applied to the real files. The file system
//    remembers what was made durable: each file's bytes up to its last fsync/fdatasync, and in
//    each folder the names (created, replaced, removed, renamed) up to the folder's last fsync.
//    A crash truncates every file to what was synced (or, in the torn mode, keeps a random
//    prefix of the unsynced bytes, and of the unsynced name changes) and undoes, newest first,
//    every other name change in a folder not fsynced since: a new name disappears, a replaced
//    file gets its old bytes back, a removed or renamed-away one comes back.
//
// Model limits: files are written by appending (as Sheaf's writers do: new files only);
// bytes are synced per file, not per range; operations made without this FileSystem (a
// std::filesystem walk, remove_all) are neither tracked nor undone.
//
// Thread safety: every call is serialised on one mutex (a test file system, not a fast one).
// SimulateCrash requires that no writer is running and that every descriptor it opened is
// closed; afterwards all state is forgotten (faults included), as after a reboot.
#ifndef SHEAF_CORE_FAULT_INJECTING_FS_H_
#define SHEAF_CORE_FAULT_INJECTING_FS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/file_system.h"

namespace sheaf {

enum class FsOp { kOpen, kWrite, kSync, kDirSync, kClose, kLink, kRename, kUnlink, kMkdir };

struct FsFault {
  FsOp op = FsOp::kWrite;
  int error = 5;  // EIO
  // Only calls whose path contains this fail (empty: any). A call on a descriptor uses the path
  // it was opened with (for an unnamed O_TMPFILE file: its folder); Rename uses `to`.
  std::string path_contains;
  // kOpen only: only opens whose flags include all of these (O_TMPFILE: the unnamed files).
  int open_flags = 0;
  int after = 0;   // matching calls let through before the first failure
  int times = 1;   // failing calls; -1: every matching call from then on
  // kWrite only: the failing call writes the first half of its bytes and returns that count;
  // the next write on the same descriptor fails with `error`.
  bool torn = false;
};

enum class CrashMode {
  kDropUnsynced,  // every byte not synced is lost (leveldb's model)
  // A random prefix of each file's unsynced bytes survives (a torn write), and a random oldest
  // part of the unsynced name changes (a journal that committed some of them, in order).
  kTearUnsynced,
};

class FaultInjectingFs final : public FileSystem {
 public:
  explicit FaultInjectingFs(std::uint64_t seed = 1) : rng_(seed) {}

  void Inject(FsFault fault);
  // Removes every fault, the space limit and the write size limit.
  void ClearFaults();
  // The disk takes `bytes` more bytes of writes (none: unlimited).
  void SetFreeSpace(std::optional<std::uint64_t> bytes);
  // Each write writes at most `bytes` (0: no limit).
  void SetMaxWriteSize(std::size_t bytes);
  // Calls of `op` so far, failed ones included.
  int Calls(FsOp op) const;
  // Calls of `op` failed on purpose so far.
  int Injected(FsOp op) const;
  // Loses what a power cut would (see above). Returns true, or false with *error saying what
  // could not be applied.
  // REQUIRES: no call running, no descriptor from Open still open.
  bool SimulateCrash(CrashMode mode = CrashMode::kDropUnsynced, std::string* error = nullptr);

  int Open(const char* path, int flags, mode_t mode) override;
  ssize_t Write(int fd, const void* data, std::size_t n) override;
  int Fsync(int fd) override;
  int Fdatasync(int fd) override;
  int Close(int fd) override;
  int LinkFd(int fd, const char* path) override;
  int Rename(const char* from, const char* to) override;
  int Unlink(const char* path) override;
  int Mkdir(const char* path, mode_t mode) override;

 private:
  // A file written through this file system.
  struct File {
    std::string path;          // its name now; empty while unnamed or once removed
    std::uint64_t size = 0;    // bytes written
    std::uint64_t synced = 0;  // bytes known durable
  };
  struct Descriptor {
    std::string path;            // as opened (an unnamed file: its folder)
    bool is_dir = false;
    std::shared_ptr<File> file;  // null for folders and files opened read-only
    int pending_error = 0;       // the error a torn write owes the next write
  };
  // A name change in a folder not fsynced since.
  struct NameChange {
    enum class Kind { kCreated, kReplaced, kRemoved };
    Kind kind;
    std::string dir;
    std::string path;
    std::string old_bytes;  // kReplaced, kRemoved: what was there
    bool is_dir = false;
  };
  struct Rule {
    FsFault fault;
    int seen = 0;
    int failed = 0;
  };

  // Returns the errno an injected fault sets for this call, or 0. REQUIRES: mu_ held.
  int Check(FsOp op, const std::string& path, bool* torn = nullptr, int open_flags = 0);
  // Records a name change. REQUIRES: mu_ held.
  void Record(NameChange::Kind kind, const std::string& path, bool is_dir);
  int SyncFile(int fd, bool data_only);

  mutable std::mutex mu_;
  std::vector<Rule> rules_;                     // GUARDED_BY(mu_)
  std::optional<std::uint64_t> free_space_;     // GUARDED_BY(mu_)
  std::size_t max_write_ = 0;                   // GUARDED_BY(mu_)
  std::map<FsOp, int> calls_;                   // GUARDED_BY(mu_)
  std::map<FsOp, int> injected_;                // GUARDED_BY(mu_)
  std::map<int, Descriptor> fds_;               // GUARDED_BY(mu_)
  std::vector<std::shared_ptr<File>> files_;    // GUARDED_BY(mu_)
  std::vector<NameChange> unsynced_names_;      // GUARDED_BY(mu_): oldest first
  std::mt19937_64 rng_;                         // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_CORE_FAULT_INJECTING_FS_H_
