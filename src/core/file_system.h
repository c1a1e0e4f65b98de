// SPDX-License-Identifier: GPL-3.0-or-later
//
// FileSystem: the file operations a durable writer makes (create, write, sync, name, rename,
// remove), as a seam that tests replace to break them on purpose, in the spirit of leveldb's
// Env and its fault-injection Env. DefaultFileSystem() is plain POSIX: each call is the system
// call of the same name, nothing more, so a writer going through it behaves (and costs, up to
// one indirect call) exactly as one calling POSIX itself. FaultInjectingFs
// (core/fault_injecting_fs.h, tests only) fails calls, fills the disk, tears writes and
// simulates a crash that loses what was not synced.
//
// The calls keep POSIX's shape - a result >= 0 or -1 with errno set - rather than Status:
// callers act on the exact error (ENOENT: make the folder again; EEXIST: replace; EOPNOTSUPP:
// no O_TMPFILE here), which an ErrorCode would blur. SQLite's unix VFS makes the same choice
// for its overridable system calls (xSetSystemCall).
//
// Thread safety: implementations are safe for concurrent use by any number of threads.
// Ownership: descriptors returned by Open belong to the caller, who closes them with Close of
// the same FileSystem.
#ifndef SHEAF_CORE_FILE_SYSTEM_H_
#define SHEAF_CORE_FILE_SYSTEM_H_

#include <sys/types.h>

#include <cstddef>

namespace sheaf {

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // open(2): a descriptor, or -1 and errno. O_TMPFILE (an unnamed file in a folder) and
  // O_DIRECTORY (a folder opened to be fsynced) are passed through.
  virtual int Open(const char* path, int flags, mode_t mode) = 0;
  // write(2): the number of bytes written (possibly fewer than `n`), or -1 and errno.
  virtual ssize_t Write(int fd, const void* data, std::size_t n) = 0;
  // fsync(2) of a file or a folder: 0, or -1 and errno. Of a folder, it makes the names
  // created, replaced or removed in it durable.
  virtual int Fsync(int fd) = 0;
  // fdatasync(2): 0, or -1 and errno. After 0, the file's bytes survive a crash.
  virtual int Fdatasync(int fd) = 0;
  // close(2): 0, or -1 and errno. The descriptor is released either way.
  virtual int Close(int fd) = 0;
  // Gives the file open as `fd` (usually an unnamed O_TMPFILE file) the name `path`:
  // linkat(2) of /proc/self/fd/<fd> with AT_SYMLINK_FOLLOW. 0, or -1 and errno (EEXIST when
  // `path` exists).
  virtual int LinkFd(int fd, const char* path) = 0;
  // rename(2): 0, or -1 and errno.
  virtual int Rename(const char* from, const char* to) = 0;
  // unlink(2): 0, or -1 and errno.
  virtual int Unlink(const char* path) = 0;
  // mkdir(2): 0, or -1 and errno.
  virtual int Mkdir(const char* path, mode_t mode) = 0;
};

// The POSIX file system. Never destroyed; safe to use from any thread, at any time.
FileSystem* DefaultFileSystem();

}  // namespace sheaf

#endif  // SHEAF_CORE_FILE_SYSTEM_H_
