// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/sqlite/fault_vfs.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace sheaf {

namespace {

// The bytes one xWrite or xTruncate replaced, to be put back by a crash.
struct Undo {
  std::string path;
  sqlite3_int64 offset = 0;
  std::string old_bytes;       // what was at [offset, offset + old_bytes.size())
  sqlite3_int64 old_size = 0;  // the file's size before the call
  sqlite3_int64 length = 0;    // bytes the call wrote (a truncate: 0)
};

struct Rule {
  SqliteFault fault;
  int seen = 0;
  int failed = 0;
};

struct State {
  std::mutex mu;
  sqlite3_vfs* base = nullptr;  // the VFS wrapped
  std::vector<Rule> write_rules;
  std::vector<Rule> sync_rules;
  int write_failures = 0;
  int sync_failures = 0;
  int syncs = 0;
  bool crashed = false;
  std::vector<Undo> unsynced;  // oldest first
};

State& S() {
  static State* const state = new State();  // never destroyed: SQLite may call late
  return *state;
}

// Whether the call on `path` fails by one of `rules`; counts it. REQUIRES: S().mu held.
const Rule* Matches(std::vector<Rule>& rules, const char* path) {
  const std::string name = path != nullptr ? path : "";
  for (Rule& r : rules) {
    if (!r.fault.path_contains.empty() && name.find(r.fault.path_contains) == std::string::npos) {
      continue;
    }
    if (r.seen++ < r.fault.after) continue;
    if (r.fault.times >= 0 && r.failed >= r.fault.times) continue;
    ++r.failed;
    return &r;
  }
  return nullptr;
}

// Our file: the wrapped VFS's file follows it in the same allocation.
struct FaultFile {
  sqlite3_file base;
  const char* path;  // SQLite keeps the name alive until xClose
  sqlite3_file* real;
};
constexpr int kHeader = (sizeof(FaultFile) + 7) / 8 * 8;

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }
const char* PathOf(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->path; }

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }

int Read(sqlite3_file* f, void* data, int n, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), data, n, offset);
}

// Remembers what [offset, offset + n) and the size were, before a write or truncate changes
// them. REQUIRES: S().mu held.
int Remember(sqlite3_file* f, sqlite3_int64 offset, sqlite3_int64 n, bool write) {
  sqlite3_file* real = Real(f);
  Undo u;
  u.path = PathOf(f) != nullptr ? PathOf(f) : "";
  if (u.path.empty()) return SQLITE_OK;  // a temporary file: gone in a crash anyway
  int rc = real->pMethods->xFileSize(real, &u.old_size);
  if (rc != SQLITE_OK) return rc;
  u.offset = offset;
  u.length = write ? n : 0;
  const sqlite3_int64 have = std::max<sqlite3_int64>(0, std::min(n, u.old_size - offset));
  if (have > 0) {
    u.old_bytes.resize(static_cast<std::size_t>(have));
    rc = real->pMethods->xRead(real, u.old_bytes.data(), static_cast<int>(have), offset);
    if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
  }
  S().unsynced.push_back(std::move(u));
  return SQLITE_OK;
}

int Write(sqlite3_file* f, const void* data, int n, sqlite3_int64 offset) {
  {
    std::lock_guard<std::mutex> lock(S().mu);
    if (S().crashed) return SQLITE_OK;  // the process is "dead": nothing reaches the disk
    if (const Rule* r = Matches(S().write_rules, PathOf(f))) {
      ++S().write_failures;
      return r->fault.disk_full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    }
    const int rc = Remember(f, offset, n, true);
    if (rc != SQLITE_OK) return rc;
  }
  return Real(f)->pMethods->xWrite(Real(f), data, n, offset);
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  {
    std::lock_guard<std::mutex> lock(S().mu);
    if (S().crashed) return SQLITE_OK;
    sqlite3_int64 now = 0;
    const int rc = Real(f)->pMethods->xFileSize(Real(f), &now);
    if (rc != SQLITE_OK) return rc;
    if (now > size) {
      const int remembered = Remember(f, size, now - size, false);
      if (remembered != SQLITE_OK) return remembered;
    }
  }
  return Real(f)->pMethods->xTruncate(Real(f), size);
}

int Sync(sqlite3_file* f, int flags) {
  {
    std::lock_guard<std::mutex> lock(S().mu);
    if (S().crashed) return SQLITE_OK;
    if (Matches(S().sync_rules, PathOf(f)) != nullptr) {
      ++S().sync_failures;
      return SQLITE_IOERR_FSYNC;
    }
  }
  const int rc = Real(f)->pMethods->xSync(Real(f), flags);
  if (rc != SQLITE_OK) return rc;
  std::lock_guard<std::mutex> lock(S().mu);
  ++S().syncs;
  const std::string path = PathOf(f) != nullptr ? PathOf(f) : "";
  auto& u = S().unsynced;
  u.erase(std::remove_if(u.begin(), u.end(), [&](const Undo& x) { return x.path == path; }),
          u.end());
  return SQLITE_OK;
}

int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, n, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, p);
}

const sqlite3_io_methods kMethods = {
    3,        Close,       Read,     Write,      Truncate,      Sync,     FileSize,
    Lock,     Unlock,      CheckReservedLock,    FileControl,   SectorSize,
    DeviceCharacteristics, ShmMap,   ShmLock,    ShmBarrier,    ShmUnmap, Fetch,
    Unfetch,
};

int VfsOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* ff = reinterpret_cast<FaultFile*>(f);
  ff->path = name;
  ff->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kHeader);
  ff->real->pMethods = nullptr;
  const int rc = S().base->xOpen(S().base, name, ff->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set; the wrapped file decides.
  f->pMethods = ff->real->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}

int VfsDelete(sqlite3_vfs*, const char* name, int sync_dir) {
  {
    std::lock_guard<std::mutex> lock(S().mu);
    if (S().crashed) return SQLITE_OK;
    // The file's contents are gone: nothing of it to put back.
    const std::string path = name != nullptr ? name : "";
    auto& u = S().unsynced;
    u.erase(std::remove_if(u.begin(), u.end(), [&](const Undo& x) { return x.path == path; }),
            u.end());
  }
  return S().base->xDelete(S().base, name, sync_dir);
}
int VfsAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return S().base->xAccess(S().base, name, flags, out);
}
int VfsFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return S().base->xFullPathname(S().base, name, n, out);
}
void* VfsDlOpen(sqlite3_vfs*, const char* name) { return S().base->xDlOpen(S().base, name); }
void VfsDlError(sqlite3_vfs*, int n, char* out) { S().base->xDlError(S().base, n, out); }
void (*VfsDlSym(sqlite3_vfs*, void* handle, const char* sym))(void) {
  return S().base->xDlSym(S().base, handle, sym);
}
void VfsDlClose(sqlite3_vfs*, void* handle) { S().base->xDlClose(S().base, handle); }
int VfsRandomness(sqlite3_vfs*, int n, char* out) {
  return S().base->xRandomness(S().base, n, out);
}
int VfsSleep(sqlite3_vfs*, int micros) { return S().base->xSleep(S().base, micros); }
int VfsCurrentTime(sqlite3_vfs*, double* out) { return S().base->xCurrentTime(S().base, out); }
int VfsGetLastError(sqlite3_vfs*, int n, char* out) {
  return S().base->xGetLastError(S().base, n, out);
}
int VfsCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return S().base->xCurrentTimeInt64(S().base, out);
}

sqlite3_vfs& Vfs() {
  static sqlite3_vfs vfs{};
  return vfs;
}

void Reset() {
  State& s = S();
  s.write_rules.clear();
  s.sync_rules.clear();
  s.write_failures = 0;
  s.sync_failures = 0;
  s.syncs = 0;
  s.crashed = false;
  s.unsynced.clear();
}

}  // namespace

bool SqliteFaultVfs::Install() {
  std::lock_guard<std::mutex> lock(S().mu);
  if (S().base == nullptr) {
    sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    if (base == nullptr) return false;
    S().base = base;
    sqlite3_vfs& v = Vfs();
    v.iVersion = 2;
    v.szOsFile = kHeader + base->szOsFile;
    v.mxPathname = base->mxPathname;
    v.zName = kName;
    v.xOpen = VfsOpen;
    v.xDelete = VfsDelete;
    v.xAccess = VfsAccess;
    v.xFullPathname = VfsFullPathname;
    v.xDlOpen = VfsDlOpen;
    v.xDlError = VfsDlError;
    v.xDlSym = VfsDlSym;
    v.xDlClose = VfsDlClose;
    v.xRandomness = VfsRandomness;
    v.xSleep = VfsSleep;
    v.xCurrentTime = VfsCurrentTime;
    v.xGetLastError = VfsGetLastError;
    v.xCurrentTimeInt64 = VfsCurrentTimeInt64;
  }
  Reset();
  return sqlite3_vfs_register(&Vfs(), 1) == SQLITE_OK;
}

void SqliteFaultVfs::Uninstall() {
  std::lock_guard<std::mutex> lock(S().mu);
  if (S().base == nullptr) return;
  sqlite3_vfs_register(S().base, 1);
  sqlite3_vfs_unregister(&Vfs());
  Reset();
}

void SqliteFaultVfs::FailWrites(SqliteFault fault) {
  std::lock_guard<std::mutex> lock(S().mu);
  S().write_rules.push_back(Rule{std::move(fault)});
}

void SqliteFaultVfs::FailSyncs(SqliteFault fault) {
  std::lock_guard<std::mutex> lock(S().mu);
  S().sync_rules.push_back(Rule{std::move(fault)});
}

void SqliteFaultVfs::ClearFaults() {
  std::lock_guard<std::mutex> lock(S().mu);
  S().write_rules.clear();
  S().sync_rules.clear();
}

int SqliteFaultVfs::InjectedWriteFailures() {
  std::lock_guard<std::mutex> lock(S().mu);
  return S().write_failures;
}

int SqliteFaultVfs::InjectedSyncFailures() {
  std::lock_guard<std::mutex> lock(S().mu);
  return S().sync_failures;
}

int SqliteFaultVfs::Syncs() {
  std::lock_guard<std::mutex> lock(S().mu);
  return S().syncs;
}

namespace {

// Applies the crash: each unsynced write, newest first, is undone whole, kept, or (torn) kept
// for its first sectors only. REQUIRES: S().mu held.
long long Crash(std::mt19937_64* torn) {
  constexpr sqlite3_int64 kSector = 512;
  S().crashed = true;
  long long undone = 0;
  auto& u = S().unsynced;
  for (auto it = u.rbegin(); it != u.rend(); ++it) {
    sqlite3_int64 keep = 0;  // leading bytes of the write that reached the disk
    if (torn != nullptr) {
      const std::uint64_t pick = (*torn)() % 3;
      if (pick == 1) continue;  // reached the disk whole
      if (pick == 2 && it->length > kSector) {
        // Torn: its first sectors reached the disk, the rest did not.
        keep = static_cast<sqlite3_int64>((*torn)() % static_cast<std::uint64_t>(
                                                          it->length / kSector)) * kSector;
      }
    }
    const int fd = ::open(it->path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) continue;  // removed since (by something outside SQLite): nothing to restore
    ++undone;
    const auto old_len = static_cast<sqlite3_int64>(it->old_bytes.size());
    const sqlite3_int64 from = std::min(keep, old_len);
    if (from < old_len &&
        ::pwrite(fd, it->old_bytes.data() + from, static_cast<std::size_t>(old_len - from),
                 it->offset + from) < 0) {
      // Nothing more to do: the test then sees the file as it is.
    }
    const sqlite3_int64 size = keep == 0 ? it->old_size : std::max(it->old_size, it->offset + keep);
    if (::ftruncate(fd, size) != 0) {
      // As above.
    }
    ::close(fd);
  }
  u.clear();
  return undone;
}

}  // namespace

long long SqliteFaultVfs::SimulateCrash() {
  std::lock_guard<std::mutex> lock(S().mu);
  return Crash(nullptr);
}

long long SqliteFaultVfs::SimulateTornCrash(unsigned long long seed) {
  std::lock_guard<std::mutex> lock(S().mu);
  std::mt19937_64 rng(seed);
  return Crash(&rng);
}

}  // namespace sheaf
