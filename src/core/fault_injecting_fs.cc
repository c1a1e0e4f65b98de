// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/fault_injecting_fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace sheaf {

namespace fs = std::filesystem;

namespace {

std::string Normal(const std::string& path) {
  std::string p = fs::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string DirOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// The bytes of the regular file at `path`, or nullopt when there is none.
std::optional<std::string> Slurp(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool IsDir(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool WriteWhole(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(out);
}

}  // namespace

void FaultInjectingFs::Inject(FsFault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.push_back(Rule{std::move(fault)});
}

void FaultInjectingFs::ClearFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.clear();
  free_space_.reset();
  max_write_ = 0;
}

void FaultInjectingFs::SetFreeSpace(std::optional<std::uint64_t> bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  free_space_ = bytes;
}

void FaultInjectingFs::SetMaxWriteSize(std::size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  max_write_ = bytes;
}

int FaultInjectingFs::Calls(FsOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

int FaultInjectingFs::Injected(FsOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = injected_.find(op);
  return it == injected_.end() ? 0 : it->second;
}

int FaultInjectingFs::Check(FsOp op, const std::string& path, bool* torn, int open_flags) {
  ++calls_[op];
  for (Rule& r : rules_) {
    if (r.fault.op != op) continue;
    if (!r.fault.path_contains.empty() && path.find(r.fault.path_contains) == std::string::npos) {
      continue;
    }
    if ((open_flags & r.fault.open_flags) != r.fault.open_flags) continue;
    if (r.seen++ < r.fault.after) continue;
    if (r.fault.times >= 0 && r.failed >= r.fault.times) continue;
    ++r.failed;
    ++injected_[op];
    if (torn != nullptr) *torn = r.fault.torn;
    return r.fault.error;
  }
  return 0;
}

void FaultInjectingFs::Record(NameChange::Kind kind, const std::string& path, bool is_dir) {
  NameChange c{kind, DirOf(path), path, {}, is_dir};
  if (kind != NameChange::Kind::kCreated) {
    std::optional<std::string> bytes = Slurp(path);
    if (bytes) c.old_bytes = std::move(*bytes);
  }
  unsynced_names_.push_back(std::move(c));
}

int FaultInjectingFs::Open(const char* raw_path, int flags, mode_t mode) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Normal(raw_path);
  if (const int err = Check(FsOp::kOpen, path, nullptr, flags); err != 0) {
    errno = err;
    return -1;
  }
  const bool unnamed = (flags & O_TMPFILE) == O_TMPFILE;
  const bool creates = !unnamed && (flags & O_CREAT) != 0 && !Exists(path);
  const int fd = ::open(raw_path, flags, mode);
  if (fd < 0) return -1;
  Descriptor d;
  d.path = path;
  d.is_dir = !unnamed && (flags & O_DIRECTORY) != 0;
  if (!d.is_dir && (flags & O_ACCMODE) != O_RDONLY) {
    d.file = std::make_shared<File>();
    if (!unnamed) {
      d.file->path = path;
      struct stat st {};
      if (::fstat(fd, &st) == 0) {
        d.file->size = d.file->synced = static_cast<std::uint64_t>(st.st_size);
      }
    }
    files_.push_back(d.file);
  }
  if (creates) Record(NameChange::Kind::kCreated, path, false);
  fds_[fd] = std::move(d);
  return fd;
}

ssize_t FaultInjectingFs::Write(int fd, const void* data, std::size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fds_.find(fd);
  const std::string path = it == fds_.end() ? std::string() : it->second.path;
  if (it != fds_.end() && it->second.pending_error != 0) {
    ++calls_[FsOp::kWrite];
    errno = it->second.pending_error;
    it->second.pending_error = 0;
    return -1;
  }
  bool torn = false;
  const int err = Check(FsOp::kWrite, path, &torn);
  if (err != 0 && !torn) {
    errno = err;
    return -1;
  }
  std::size_t len = n;
  if (torn) len = n / 2;
  if (max_write_ != 0) len = std::min(len, max_write_);
  if (free_space_) {
    if (*free_space_ == 0 && len > 0) {
      errno = ENOSPC;
      return -1;
    }
    len = static_cast<std::size_t>(std::min<std::uint64_t>(len, *free_space_));
  }
  const ssize_t written = len == 0 ? 0 : ::write(fd, data, len);
  if (written < 0) return -1;
  if (free_space_) *free_space_ -= static_cast<std::uint64_t>(written);
  if (it != fds_.end() && it->second.file) {
    it->second.file->size += static_cast<std::uint64_t>(written);
  }
  if (torn && n > 0 && written == 0) {
    // Nothing fitted in half of it: report the error now rather than a zero-byte write.
    errno = err;
    return -1;
  }
  if (torn && it != fds_.end()) it->second.pending_error = err;
  return written;
}

int FaultInjectingFs::SyncFile(int fd, bool data_only) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fds_.find(fd);
  const bool is_dir = it != fds_.end() && it->second.is_dir;
  const std::string path = it == fds_.end() ? std::string() : it->second.path;
  if (const int err = Check(is_dir ? FsOp::kDirSync : FsOp::kSync, path); err != 0) {
    errno = err;
    return -1;
  }
  const int rc = data_only ? ::fdatasync(fd) : ::fsync(fd);
  if (rc != 0) return rc;
  if (is_dir) {
    // The names changed in this folder are durable now.
    unsynced_names_.erase(std::remove_if(unsynced_names_.begin(), unsynced_names_.end(),
                                         [&](const NameChange& c) { return c.dir == path; }),
                          unsynced_names_.end());
  } else if (it != fds_.end() && it->second.file) {
    it->second.file->synced = it->second.file->size;
  }
  return 0;
}

int FaultInjectingFs::Fsync(int fd) { return SyncFile(fd, false); }

int FaultInjectingFs::Fdatasync(int fd) { return SyncFile(fd, true); }

int FaultInjectingFs::Close(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fds_.find(fd);
  const std::string path = it == fds_.end() ? std::string() : it->second.path;
  if (it != fds_.end()) fds_.erase(it);
  if (const int err = Check(FsOp::kClose, path); err != 0) {
    ::close(fd);  // released either way, as close(2) does
    errno = err;
    return -1;
  }
  return ::close(fd);
}

int FaultInjectingFs::LinkFd(int fd, const char* raw_path) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Normal(raw_path);
  if (const int err = Check(FsOp::kLink, path); err != 0) {
    errno = err;
    return -1;
  }
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, raw_path, AT_SYMLINK_FOLLOW) != 0) return -1;
  auto it = fds_.find(fd);
  if (it != fds_.end() && it->second.file) it->second.file->path = path;
  Record(NameChange::Kind::kCreated, path, false);
  return 0;
}

int FaultInjectingFs::Rename(const char* raw_from, const char* raw_to) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string from = Normal(raw_from);
  const std::string to = Normal(raw_to);
  if (const int err = Check(FsOp::kRename, to); err != 0) {
    errno = err;
    return -1;
  }
  const bool replaces = Exists(to);
  const bool moved_dir = IsDir(from);
  // Taken before the rename: what each folder held, for a crash to bring back.
  NameChange removed{NameChange::Kind::kRemoved, DirOf(from), from, {}, moved_dir};
  if (std::optional<std::string> bytes = Slurp(from)) removed.old_bytes = std::move(*bytes);
  NameChange added{replaces ? NameChange::Kind::kReplaced : NameChange::Kind::kCreated, DirOf(to),
                   to, {}, moved_dir};
  if (replaces) {
    if (std::optional<std::string> bytes = Slurp(to)) added.old_bytes = std::move(*bytes);
  }
  if (::rename(raw_from, raw_to) != 0) return -1;
  unsynced_names_.push_back(std::move(removed));
  unsynced_names_.push_back(std::move(added));
  for (const auto& f : files_) {
    if (f->path == to) f->path.clear();  // replaced: no longer reachable
  }
  for (const auto& f : files_) {
    if (f->path == from) f->path = to;
  }
  return 0;
}

int FaultInjectingFs::Unlink(const char* raw_path) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Normal(raw_path);
  if (const int err = Check(FsOp::kUnlink, path); err != 0) {
    errno = err;
    return -1;
  }
  NameChange removed{NameChange::Kind::kRemoved, DirOf(path), path, {}, false};
  if (std::optional<std::string> bytes = Slurp(path)) removed.old_bytes = std::move(*bytes);
  if (::unlink(raw_path) != 0) return -1;
  unsynced_names_.push_back(std::move(removed));
  for (const auto& f : files_) {
    if (f->path == path) f->path.clear();
  }
  return 0;
}

int FaultInjectingFs::Mkdir(const char* raw_path, mode_t mode) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string path = Normal(raw_path);
  if (const int err = Check(FsOp::kMkdir, path); err != 0) {
    errno = err;
    return -1;
  }
  if (::mkdir(raw_path, mode) != 0) return -1;
  Record(NameChange::Kind::kCreated, path, true);
  return 0;
}

bool FaultInjectingFs::SimulateCrash(CrashMode mode, std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  std::ostringstream problems;
  // First the bytes: each named file keeps what was synced (and, torn, part of the rest).
  for (const auto& f : files_) {
    if (f->path.empty() || f->size <= f->synced) continue;
    std::uint64_t keep = f->synced;
    if (mode == CrashMode::kTearUnsynced) keep += rng_() % (f->size - f->synced + 1);
    if (::truncate(f->path.c_str(), static_cast<off_t>(keep)) != 0 && errno != ENOENT) {
      problems << f->path << ": cannot truncate; ";
    }
  }
  // Then the names, newest change first, in folders not fsynced since. Torn: a journaling file
  // system commits name changes in order, so an oldest part of them may have reached the disk.
  std::size_t keep_names = 0;
  if (mode == CrashMode::kTearUnsynced) keep_names = rng_() % (unsynced_names_.size() + 1);
  const auto kept = static_cast<std::ptrdiff_t>(keep_names);
  for (auto it = unsynced_names_.rbegin(); it != unsynced_names_.rend() - kept; ++it) {
    std::error_code ec;
    switch (it->kind) {
      case NameChange::Kind::kCreated:
        fs::remove_all(it->path, ec);
        break;
      case NameChange::Kind::kReplaced:
        if (!WriteWhole(it->path, it->old_bytes)) problems << it->path << ": cannot restore; ";
        break;
      case NameChange::Kind::kRemoved:
        if (it->is_dir) {
          fs::create_directories(it->path, ec);
        } else {
          fs::create_directories(it->dir, ec);
          if (!WriteWhole(it->path, it->old_bytes)) problems << it->path << ": cannot restore; ";
        }
        break;
    }
    if (ec) problems << it->path << ": " << ec.message() << "; ";
  }
  files_.clear();
  unsynced_names_.clear();
  fds_.clear();
  rules_.clear();
  free_space_.reset();
  max_write_ = 0;
  const std::string p = problems.str();
  if (error != nullptr) *error = p;
  return p.empty();
}

}  // namespace sheaf
