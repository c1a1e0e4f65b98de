// SPDX-License-Identifier: GPL-3.0-or-later
#include "backup/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

namespace sheaf::backup {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 1 << 20;

Status Errno(const std::string& path, const char* what, int err) {
  return Status(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError,
                path + ": " + what + ": " + std::strerror(err));
}

Status WriteAll(int fd, const char* data, std::size_t size, const std::string& path) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(path, "write", errno);
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

// Reads `fd` to its end; with `out` >= 0 writes every chunk there too.
Result<FileDigest> Pump(int in, const std::string& in_path, int out, const std::string& out_path) {
  std::vector<char> buf(kChunk);
  Sha256 sha;
  FileDigest d;
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno(in_path, "read", errno);
    if (n == 0) break;
    sha.Update(buf.data(), static_cast<std::size_t>(n));
    d.size += n;
    if (out >= 0) {
      if (Status s = WriteAll(out, buf.data(), static_cast<std::size_t>(n), out_path); !s.ok()) {
        return s;
      }
    }
  }
  d.sha256 = sha.HexDigest();
  return d;
}

Result<FileDigest> CopyFd(int in, const std::string& in_path, const std::string& dest) {
  const int out = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) return Errno(dest, "create", errno);
  Result<FileDigest> d = Pump(in, in_path, out, dest);
  if (::close(out) != 0 && d.ok()) d = Errno(dest, "close", errno);
  if (!d.ok()) ::unlink(dest.c_str());
  return d;
}

}  // namespace

Result<std::string> ReadSmallFile(const std::string& path, std::uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(path, "open", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status(ErrorCode::kIoError, path + ": not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    ::close(fd);
    return Status(ErrorCode::kLimitExceeded, path + ": " + std::to_string(st.st_size) +
                                                 " bytes, more than the " +
                                                 std::to_string(max_bytes) + " allowed");
  }
  std::string out;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Errno(path, "read", err);
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return Status(ErrorCode::kLimitExceeded, path + ": grew past " + std::to_string(max_bytes) +
                                                   " bytes while read");
    }
  }
  ::close(fd);
  return out;
}

Result<FileDigest> DigestFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(path, "open", errno);
  Result<FileDigest> d = Pump(fd, path, -1, "");
  ::close(fd);
  return d;
}

Result<FileDigest> CopyFile(const std::string& source, const std::string& dest) {
  const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(source, "open", errno);
  Result<FileDigest> d = CopyFd(fd, source, dest);
  ::close(fd);
  return d;
}

Status WriteDurable(const std::string& path, std::string_view bytes) {
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(counter.fetch_add(1));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno(tmp, "create", errno);
  Status s = WriteAll(fd, bytes.data(), bytes.size(), tmp);
  if (s.ok() && ::fsync(fd) != 0) s = Errno(tmp, "fsync", errno);
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) s = Errno(path, "rename", errno);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  std::error_code ec;
  const fs::path parent = fs::absolute(path, ec).parent_path();
  return SyncDir(parent.string());
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Status::Ok();
  const fs::path p(path);
  if (p.has_parent_path() && p.parent_path() != p) {
    if (Status s = MakeDirs(p.parent_path().string()); !s.ok()) return s;
  }
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return Errno(path, "mkdir", errno);
  return Status::Ok();
}

Status SyncDir(const std::string& path) {
  const int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno(path, "open folder", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Errno(path, "fsync folder", err);
  return Status::Ok();
}

Status SyncTree(const std::string& path) {
  // One syncfs for every file and folder written below `path`: a fsync per file costs a disk
  // flush each (seconds for a thousand blobs), and what matters is that all are durable before
  // the manifest (or the restored folder's rename) says so.
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno(path, "open folder", errno);
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Errno(path, "syncfs", err);
  return Status::Ok();
}

Status ReadLines(const std::string& path, std::size_t max_line, const std::string& expected_sha256,
                 const std::function<Status(const std::string& line, int number)>& fn) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno(path, "open", errno);
  std::vector<char> buf(kChunk);
  Sha256 sha;
  std::string line;
  int number = 0;
  Status result;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      result = Errno(path, "read", errno);
      break;
    }
    if (n == 0) break;
    sha.Update(buf.data(), static_cast<std::size_t>(n));
    for (ssize_t i = 0; i < n && result.ok(); ++i) {
      if (buf[static_cast<std::size_t>(i)] != '\n') {
        if (line.size() >= max_line) {
          result = Status(ErrorCode::kInvalidDocument,
                          path + " line " + std::to_string(number + 1) + ": longer than " +
                              std::to_string(max_line) + " bytes");
        }
        line += buf[static_cast<std::size_t>(i)];
        continue;
      }
      ++number;
      if (!line.empty()) result = fn(line, number);
      line.clear();
    }
    if (!result.ok()) break;
  }
  ::close(fd);
  if (!result.ok()) return result;
  const std::string actual = sha.HexDigest();
  if (actual != expected_sha256) {
    return Status(ErrorCode::kInvalidDocument, path + " is damaged: its SHA-256 is " + actual +
                                                   ", the manifest gives " + expected_sha256);
  }
  if (!line.empty()) return fn(line, number + 1);
  return Status::Ok();
}

OpenFile::~OpenFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status OpenFile::Open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd_ < 0) return Errno(path, "open", errno);
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return Errno(path, "stat", errno);
  size_ = st.st_size;
  mtime_ns_ = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return Status::Ok();
}

Result<FileDigest> OpenFile::CopyTo(const std::string& dest) { return CopyFd(fd_, path_, dest); }

LineWriter::~LineWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status LineWriter::Open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd_ < 0) return Errno(path, "create", errno);
  return Status::Ok();
}

Status LineWriter::Write(std::string_view line) {
  buffer_.append(line);
  buffer_ += '\n';
  return buffer_.size() >= kChunk ? Flush() : Status::Ok();
}

Status LineWriter::Flush() {
  sha_.Update(buffer_);
  size_ += static_cast<std::int64_t>(buffer_.size());
  Status s = WriteAll(fd_, buffer_.data(), buffer_.size(), path_);
  buffer_.clear();
  return s;
}

Result<FileDigest> LineWriter::Close() {
  if (Status s = Flush(); !s.ok()) return s;
  if (::fsync(fd_) != 0) return Errno(path_, "fsync", errno);
  ::close(fd_);
  fd_ = -1;
  return FileDigest{size_, sha_.HexDigest()};
}

}  // namespace sheaf::backup
