// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace sheaf {

namespace {

class PosixFileSystem final : public FileSystem {
 public:
  int Open(const char* path, int flags, mode_t mode) override {
    return ::open(path, flags, mode);
  }
  ssize_t Write(int fd, const void* data, std::size_t n) override {
    return ::write(fd, data, n);
  }
  int Fsync(int fd) override { return ::fsync(fd); }
  int Fdatasync(int fd) override { return ::fdatasync(fd); }
  int Close(int fd) override { return ::close(fd); }
  int LinkFd(int fd, const char* path) override {
    const std::string self = "/proc/self/fd/" + std::to_string(fd);
    return ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path, AT_SYMLINK_FOLLOW);
  }
  int Rename(const char* from, const char* to) override { return ::rename(from, to); }
  int Unlink(const char* path) override { return ::unlink(path); }
  int Mkdir(const char* path, mode_t mode) override { return ::mkdir(path, mode); }
};

}  // namespace

FileSystem* DefaultFileSystem() {
  static PosixFileSystem* const fs = new PosixFileSystem();  // never destroyed: no exit order
  return fs;
}

}  // namespace sheaf
