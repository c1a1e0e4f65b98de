// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/file_system.h"

namespace sheaf {

namespace fs = std::filesystem;

namespace {
std::string MiB(std::uint64_t bytes) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return buf;
}
}  // namespace

Result<std::string> ReadFileLimited(const std::string& path, std::uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status(ErrorCode::kNotFound, path + ": no such file");
    return Status(ErrorCode::kIoError, path + ": cannot open: " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status(ErrorCode::kIoError, path + ": not a regular file");
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return Status(ErrorCode::kInvalidDocument, path + ": file is empty (0 bytes)");
  }
  if (size > max_bytes) {
    ::close(fd);
    return Status(ErrorCode::kLimitExceeded, path + ": file is " + MiB(size) +
                                                 ", larger than the limit of " + MiB(max_bytes));
  }
  std::string data(size, '\0');
  std::size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, data.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      return Status(ErrorCode::kIoError,
                    path + ": read failed: " + (n == 0 ? "file shrank while reading"
                                                       : std::strerror(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return data;
}

Status WriteFileAtomic(const std::string& path, std::string_view data, FileSystem* fs, FileSync sync) {
  if (fs == nullptr) fs = DefaultFileSystem();
  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                    std::to_string(counter.fetch_add(1));
  int fd = fs->Open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(ErrorCode::kIoError, tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = fs->Write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      fs->Close(fd);
      fs->Unlink(tmp.c_str());
      return Status(ErrorCode::kIoError, tmp + ": write failed: " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (sync == FileSync::kData && fs->Fsync(fd) != 0) {
    int err = errno;
    fs->Close(fd);
    fs->Unlink(tmp.c_str());
    return Status(ErrorCode::kIoError, tmp + ": fsync failed: " + std::strerror(err));
  }
  if (fs->Close(fd) != 0) {
    int err = errno;
    fs->Unlink(tmp.c_str());
    return Status(ErrorCode::kIoError, tmp + ": close failed: " + std::strerror(err));
  }
  if (fs->Rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    fs->Unlink(tmp.c_str());
    return Status(ErrorCode::kIoError, path + ": rename failed: " + std::strerror(err));
  }
  return Status::Ok();
}

std::vector<std::string> ExpandInputs(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    auto it = fs::recursive_directory_iterator(
        p, fs::directory_options::follow_directory_symlink |
               fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec)) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace sheaf
