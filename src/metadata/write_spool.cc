// SPDX-License-Identifier: GPL-3.0-or-later
#include "metadata/write_spool.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "sheaf/hash.h"

namespace sheaf {

namespace {

constexpr std::size_t kChecksumDigits = 16;

std::string Checksum(std::string_view body) {
  return Sha256Hex(body).substr(0, kChecksumDigits);
}

std::string Folder(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

Status Errno(const std::string& what, const std::string& path, int err) {
  return Status(ErrorCode::kIoError,
                "write spool " + path + ": " + what + ": " + std::strerror(err));
}

// Writes all of `data`, however short the writes; errno of the failing write otherwise.
int WriteAll(FileSystem* fs, int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = fs->Write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

Status SyncFolder(FileSystem* fs, const std::string& folder, const std::string& path) {
  const int dir = fs->Open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir < 0) return Errno("cannot open folder " + folder, path, errno);
  const int synced = fs->Fsync(dir);
  const int err = errno;
  fs->Close(dir);
  if (synced != 0) return Errno("cannot sync folder " + folder, path, err);
  return Status::Ok();
}

}  // namespace

std::string WriteSpoolLine(std::uint64_t seq, char kind, const std::string& payload) {
  std::string body = std::to_string(seq) + " " + kind + " " + payload;
  return Checksum(body) + " " + body + "\n";
}

Result<std::unique_ptr<WriteSpool>> WriteSpool::Open(FileSystem* fs, std::string path,
                                                     std::uint64_t max_bytes) {
  std::unique_ptr<WriteSpool> spool(new WriteSpool(fs, std::move(path), max_bytes));
  const std::string folder = Folder(spool->path_);
  if (fs->Mkdir(folder.c_str(), 0755) == 0) {
    // The new folder's name must survive a crash like the records in it.
    if (Status s = SyncFolder(fs, Folder(folder), spool->path_); !s.ok()) return s;
  } else if (errno != EEXIST) {
    return Errno("cannot create its folder", spool->path_, errno);
  }
  if (Status s = spool->Load(); !s.ok()) return s;
  return spool;
}

WriteSpool::~WriteSpool() {
  if (fd_ >= 0) fs_->Close(fd_);
}

Status WriteSpool::Load() {
  std::lock_guard<std::mutex> lock(mu_);
  std::ifstream in(path_, std::ios::binary);
  if (in) {
    std::stringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    std::size_t at = 0;
    std::uint64_t done_upto = 0;
    while (at < text.size()) {
      const std::size_t end = text.find('\n', at);
      const std::string line = text.substr(at, end == std::string::npos ? std::string::npos
                                                                        : end - at);
      bool good = end != std::string::npos && line.size() > kChecksumDigits + 1 &&
                  line[kChecksumDigits] == ' ' &&
                  Checksum(std::string_view(line).substr(kChecksumDigits + 1)) ==
                      line.substr(0, kChecksumDigits);
      std::uint64_t seq = 0;
      char kind = 0;
      std::string payload;
      if (good) {
        const std::string body = line.substr(kChecksumDigits + 1);
        const std::size_t sp1 = body.find(' ');
        good = sp1 != std::string::npos && body.size() > sp1 + 2 && body[sp1 + 2] == ' ';
        if (good) {
          try {
            seq = std::stoull(body.substr(0, sp1));
          } catch (...) {
            good = false;
          }
          kind = body[sp1 + 1];
          payload = body.substr(sp1 + 3);
          good = good && (kind == 'A' || kind == 'D');
        }
      }
      if (!good) {
        const std::size_t next = end == std::string::npos ? text.size() : end + 1;
        if (next < text.size()) {
          return Status(ErrorCode::kIoError, "write spool " + path_ + ": the record at byte " +
                                                 std::to_string(at) +
                                                 " is damaged and records follow it; move the "
                                                 "file away to start without it");
        }
        spdlog::warn("write spool {}: dropping a torn last record ({} bytes at byte {}), "
                     "never acknowledged",
                     path_, text.size() - at, at);
        break;
      }
      if (kind == 'A') {
        pending_.push_back({seq, std::move(payload)});
      } else {
        done_upto = std::max(done_upto, seq);
        while (!pending_.empty() && pending_.front().seq <= done_upto) pending_.pop_front();
      }
      next_seq_ = std::max(next_seq_, seq + 1);
      bytes_ = end + 1;
      at = end + 1;
    }
  }
  // Start from the pending records only, under a name made durable: drops a torn tail and
  // finished records, and creates the file when it is new.
  if (Status s = RewriteLocked(); !s.ok()) return s;
  if (!pending_.empty()) {
    spdlog::warn("write spool {}: {} writes waiting to be replayed", path_, pending_.size());
  }
  return Status::Ok();
}

Status WriteSpool::OpenForAppendLocked() {
  if (fd_ >= 0) {
    fs_->Close(fd_);
    fd_ = -1;
  }
  const int fd = fs_->Open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot open", path_, errno);
  fd_ = fd;
  return Status::Ok();
}

Status WriteSpool::RewriteLocked() {
  if (fd_ >= 0) {
    fs_->Close(fd_);
    fd_ = -1;
  }
  std::string text;
  for (const Entry& e : pending_) text += WriteSpoolLine(e.seq, 'A', e.payload);
  const std::string tmp = path_ + ".rewrite";
  const int fd = fs_->Open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create " + tmp, path_, errno);
  if (int err = WriteAll(fs_, fd, text); err != 0) {
    fs_->Close(fd);
    fs_->Unlink(tmp.c_str());
    return Errno("cannot write " + tmp, path_, err);
  }
  if (fs_->Fdatasync(fd) != 0) {
    const int err = errno;
    fs_->Close(fd);
    fs_->Unlink(tmp.c_str());
    return Errno("cannot sync " + tmp, path_, err);
  }
  fs_->Close(fd);
  if (fs_->Rename(tmp.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    fs_->Unlink(tmp.c_str());
    return Errno("cannot rename " + tmp, path_, err);
  }
  if (Status s = SyncFolder(fs_, Folder(path_), path_); !s.ok()) return s;
  bytes_ = text.size();
  return OpenForAppendLocked();
}

Status WriteSpool::AppendLineLocked(const std::string& line) {
  if (fd_ < 0) {
    // An earlier failure left the file unknown: start again from memory.
    if (Status s = RewriteLocked(); !s.ok()) return s;
  }
  int err = WriteAll(fs_, fd_, line);
  if (err == 0 && fs_->Fdatasync(fd_) != 0) err = errno;
  if (err != 0) {
    // Part of the line may be in the file: it must not be followed by another record.
    fs_->Close(fd_);
    fd_ = -1;
    (void)RewriteLocked();
    return Errno("cannot append", path_, err);
  }
  bytes_ += line.size();
  return Status::Ok();
}

Result<std::uint64_t> WriteSpool::Append(const std::string& payload) {
  if (payload.find('\n') != std::string::npos) {
    return Status(ErrorCode::kInvalidArgument, "write spool: a record must be one line");
  }
  std::lock_guard<std::mutex> lock(mu_);
  const std::uint64_t seq = next_seq_;
  const std::string line = WriteSpoolLine(seq, 'A', payload);
  if (bytes_ + line.size() > max_bytes_) {
    return Status(ErrorCode::kLimitExceeded,
                  "write spool " + path_ + " is full: " + std::to_string(bytes_) + " bytes, " +
                      std::to_string(line.size()) + " more would pass its limit of " +
                      std::to_string(max_bytes_) + " bytes (--write-spool-mb)");
  }
  if (Status s = AppendLineLocked(line); !s.ok()) return s;
  ++next_seq_;
  pending_.push_back({seq, payload});
  return seq;
}

std::optional<WriteSpool::Entry> WriteSpool::Front() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_.empty()) return std::nullopt;
  return pending_.front();
}

Status WriteSpool::MarkDone(std::uint64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_.empty() || pending_.front().seq != seq) {
    return Status(ErrorCode::kInvalidArgument,
                  "write spool: record " + std::to_string(seq) + " is not the oldest pending");
  }
  if (pending_.size() == 1) {
    // The last one: an empty file says the same, durably, and frees the space.
    const Entry kept = pending_.front();
    pending_.pop_front();
    if (Status s = RewriteLocked(); !s.ok()) {
      pending_.push_front(kept);
      return s;
    }
    return Status::Ok();
  }
  if (Status s = AppendLineLocked(WriteSpoolLine(seq, 'D', "")); !s.ok()) return s;
  pending_.pop_front();
  return Status::Ok();
}

std::vector<WriteSpool::Entry> WriteSpool::Pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return {pending_.begin(), pending_.end()};
}

std::size_t WriteSpool::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

std::uint64_t WriteSpool::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace sheaf
