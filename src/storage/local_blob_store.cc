// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/local_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <system_error>
#include <vector>

#include "core/file_system.h"

namespace sheaf {

namespace fs = std::filesystem;

namespace {

// The name a replacing Put gives its new file beside the blob before renaming it over it.
constexpr char kReplacePrefix[] = ".put-";
// A Put whose folder is removed under it (a concurrent DeletePrefix) starts over this often.
constexpr int kPutTries = 4;
// Bound of LocalBlobStore::durable_dirs_.
constexpr std::size_t kMaxKnownDirs = 4096;

Status IoError(const std::string& path, std::string_view what, int err) {
  return Status(ErrorCode::kIoError, path + ": " + std::string(what) + ": " + std::strerror(err));
}

Status Conflict(const std::string& key) {
  return Status(ErrorCode::kInvalidArgument,
                "blob key \"" + key + "\" conflicts with an existing key: a key cannot be both " +
                    "a blob and a folder of blobs");
}

Status NotFound(const std::string& key) {
  return Status(ErrorCode::kNotFound, "no blob under key \"" + key + "\"");
}

// Fsyncs the folder at `path`. A folder that does not exist has nothing to make durable.
Status SyncDir(FileSystem& fs, const std::string& path) {
  const int fd = fs.Open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();
    return IoError(path, "cannot open folder to fsync", errno);
  }
  if (fs.Fsync(fd) != 0) {
    const int err = errno;
    fs.Close(fd);
    return IoError(path, "fsync of folder failed", err);
  }
  fs.Close(fd);
  return Status::Ok();
}

// Writes all of `bytes` to `fd`. Returns 0 or the errno.
int WriteAll(FileSystem& fs, int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = fs.Write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// The folder part of a key or relative path: "a/b/c" -> "a/b", "a" -> "".
std::string ParentOf(const std::string& rel) {
  const std::size_t slash = rel.rfind('/');
  return slash == std::string::npos ? std::string() : rel.substr(0, slash);
}

}  // namespace

Result<std::unique_ptr<LocalBlobStore>> LocalBlobStore::Open(const std::string& root,
                                                              LocalBlobStoreOptions options) {
  if (root.empty()) return Status(ErrorCode::kInvalidArgument, "blob store folder is empty");
  if (options.stray_grace.count() < 0) {
    return Status(ErrorCode::kInvalidArgument, "blob store stray_grace must not be negative");
  }
  std::string normal = root;
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  std::error_code ec;
  fs::create_directories(normal, ec);
  if (ec) {
    return Status(ErrorCode::kIoError, normal + ": cannot create blob folder: " + ec.message());
  }
  if (!fs::is_directory(normal, ec)) {
    return Status(ErrorCode::kIoError, normal + ": blob store path is not a folder");
  }
  std::unique_ptr<LocalBlobStore> store(new LocalBlobStore(normal, options));
  const std::string tmp = store->temp_dir();
  if (::mkdir(tmp.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError(tmp, "cannot create folder", errno);
  }
  // Sweep what crashed Puts left behind: the named temporary files now (one folder), the
  // ".put-" files beside blobs by walking the whole tree, in the background unless asked not to.
  const auto cutoff = fs::file_time_type::clock::now() - options.stray_grace;
  for (auto it = fs::directory_iterator(tmp, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code entry_ec;
    const auto written = it->last_write_time(entry_ec);
    if (!entry_ec && written <= cutoff) fs::remove(it->path(), entry_ec);
  }
  switch (options.sweep) {
    case LocalBlobStoreOptions::Sweep::kNone:
      break;
    case LocalBlobStoreOptions::Sweep::kAtOpen:
      store->SweepStrays();
      break;
    case LocalBlobStoreOptions::Sweep::kBackground: {
      LocalBlobStore* self = store.get();
      store->sweeper_ = std::thread([self] { self->SweepStrays(); });
      break;
    }
  }
  return store;
}

FileSystem* LocalBlobStore::ResolveFs(FileSystem* fs) {
  return fs != nullptr ? fs : DefaultFileSystem();
}

LocalBlobStore::~LocalBlobStore() {
  stop_sweep_.store(true);
  if (sweeper_.joinable()) sweeper_.join();
}

std::size_t LocalBlobStore::SweepStrays() {
  // A ".put-" file is linked and renamed over its blob within one Put, right after its bytes
  // were written, so its modification time is the moment that Put ran: one older than the
  // grace period belongs to a Put that will never rename it. The walk is best effort: a folder
  // removed under it (DeletePrefix) ends it, and the next Open walks again.
  const auto cutoff = fs::file_time_type::clock::now() - options_.stray_grace;
  std::size_t removed = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(
           root_, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (stop_sweep_.load(std::memory_order_relaxed)) break;
    if (it->path().filename().string().rfind(kReplacePrefix, 0) != 0) continue;
    std::error_code entry_ec;
    if (!it->is_regular_file(entry_ec) || entry_ec) continue;
    const auto written = it->last_write_time(entry_ec);
    if (entry_ec || written > cutoff) continue;
    if (fs::remove(it->path(), entry_ec) && !entry_ec) ++removed;
  }
  return removed;
}

Result<std::string> LocalBlobStore::WriteTemp(std::string_view bytes) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::string path = temp_dir() + "/" + std::to_string(::getpid()) + "-" +
                           std::to_string(temp_counter_.fetch_add(1)) + "-" +
                           std::to_string(rng() & 0xffffffffu);
  int fd = fs_->Open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == ENOENT) {
    // Someone removed the temporary folder: make it again.
    if (fs_->Mkdir(temp_dir().c_str(), 0700) != 0 && errno != EEXIST) {
      return IoError(temp_dir(), "cannot create folder", errno);
    }
    fd = fs_->Open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  }
  if (fd < 0) return IoError(path, "cannot create temporary file", errno);
  if (const int err = WriteAll(*fs_, fd, bytes); err != 0) {
    fs_->Close(fd);
    fs_->Unlink(path.c_str());
    return IoError(path, "write failed", err);
  }
  if (fs_->Fsync(fd) != 0) {
    const int err = errno;
    fs_->Close(fd);
    fs_->Unlink(path.c_str());
    return IoError(path, "fsync failed", err);
  }
  if (fs_->Close(fd) != 0) {
    const int err = errno;
    fs_->Unlink(path.c_str());
    return IoError(path, "close failed", err);
  }
  return path;
}

Status LocalBlobStore::MakeEntryDurable(const std::string& dir) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (durable_dirs_.count(dir) != 0) return Status::Ok();
  }
  const std::string parent = ParentOf(dir);
  Status s = SyncDir(*fs_, parent.empty() ? root_ : root_ + "/" + parent);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  if (durable_dirs_.size() >= kMaxKnownDirs) durable_dirs_.clear();
  durable_dirs_.insert(dir);
  return Status::Ok();
}

Status LocalBlobStore::MakeParents(const std::string& key) {
  // Every folder is created (or found) every time: the set of durable folders only saves
  // fsyncs, it is never trusted for existence.
  for (std::size_t slash = key.find('/'); slash != std::string::npos;
       slash = key.find('/', slash + 1)) {
    const std::string dir = key.substr(0, slash);
    const std::string path = root_ + "/" + dir;
    if (fs_->Mkdir(path.c_str(), 0700) == 0) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        durable_dirs_.erase(dir);  // a new folder: its entry is not durable yet
      }
      Status s = MakeEntryDurable(dir);
      if (!s.ok()) return s;
      continue;
    }
    const int err = errno;
    // EEXIST with a file in the way shows up as ENOTDIR one level down, or at the rename.
    if (err == ENOTDIR) return Conflict(key);
    if (err != EEXIST) return IoError(path, "cannot create folder", err);
    Status s = MakeEntryDurable(dir);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

bool LocalBlobStore::ParentsKnownDurable(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  for (std::size_t slash = key.find('/'); slash != std::string::npos;
       slash = key.find('/', slash + 1)) {
    if (durable_dirs_.count(key.substr(0, slash)) == 0) return false;
  }
  return true;
}

Status LocalBlobStore::SyncDirShared(const std::string& path) {
  std::unique_lock<std::mutex> table(syncs_mu_);
  if (syncs_.size() > kMaxKnownDirs) {
    // Bound the table: drop the folders nobody is syncing. A caller holds an entry only while
    // its call is counted in `requested` and not yet in `completed`, and it counts itself
    // under both locks (below), so an idle entry has no holder.
    for (auto it = syncs_.begin(); it != syncs_.end();) {
      bool idle;
      {
        std::lock_guard<std::mutex> l(it->second->mu);
        idle = !it->second->running && it->second->completed == it->second->requested;
      }
      it = idle ? syncs_.erase(it) : std::next(it);
    }
  }
  std::unique_ptr<DirSync>& slot = syncs_[path];
  if (!slot) slot = std::make_unique<DirSync>();
  DirSync* d = slot.get();
  std::unique_lock<std::mutex> lock(d->mu);
  table.unlock();
  const std::uint64_t mine = ++d->requested;
  while (d->completed < mine) {
    if (d->running) {
      d->cv.wait(lock);
      continue;
    }
    d->running = true;
    const std::uint64_t covers = d->requested;  // every call so far renamed before this fsync
    lock.unlock();
    Status s = SyncDir(*fs_, path);
    lock.lock();
    d->running = false;
    d->completed = covers;
    d->last = s;
    d->last_covers = covers;
    d->cv.notify_all();
  }
  return d->last_covers >= mine ? d->last : Status::Ok();
}

Status LocalBlobStore::Put(const std::string& key, std::string_view bytes) {
  Status s = ValidateBlobKey(key);
  if (!s.ok()) return s;
  const std::string path = root_ + "/" + key;
  const std::string parent = ParentOf(key);
  const std::string dir = parent.empty() ? root_ : root_ + "/" + parent;
  for (int attempt = 1;; ++attempt) {
    // The folders are made (or found) unless a Put already made them durable; a folder removed
    // since then shows up as ENOENT below, and the next attempt makes it again.
    if (attempt > 1 || !ParentsKnownDurable(key)) {
      s = MakeParents(key);
      if (!s.ok()) return s;
    }
    // An unnamed file in the destination folder, linked in place once durable: no entry is
    // created in a shared temporary folder and nothing is renamed across folders (which the
    // kernel serialises file-system wide), so concurrent Puts do not queue behind each other.
    const int fd = fs_->Open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT && attempt < kPutTries) continue;  // the folder vanished: make it again
      if (err == ENOTDIR) return Conflict(key);
      if (err == EOPNOTSUPP || err == EISDIR || err == EINVAL) break;  // no O_TMPFILE here
      return IoError(dir, "cannot create a file", err);
    }
    if (const int err = WriteAll(*fs_, fd, bytes); err != 0) {
      fs_->Close(fd);
      return IoError(path, "write failed", err);
    }
    // The bytes must be durable before the file gets its name. Each Put syncs its own file: a
    // syncfs shared by the Puts in flight would also wait for every other writer's dirty data
    // on the file system, and queue each Put behind the round already running.
    if (fs_->Fdatasync(fd) != 0) {
      const int err = errno;
      fs_->Close(fd);
      return IoError(path, "fdatasync failed", err);
    }
    if (fs_->LinkFd(fd, path.c_str()) == 0) {
      fs_->Close(fd);
      return SyncDirShared(dir);
    }
    const int err = errno;
    if (err != EEXIST) {
      fs_->Close(fd);
      if (err == ENOENT && attempt < kPutTries) continue;
      if (err == EISDIR || err == ENOTDIR) return Conflict(key);
      if (err == EPERM || err == EXDEV) break;  // /proc unusable: the portable way below
      return IoError(path, "cannot link the new file into place", err);
    }
    // A blob is there already: link under a temporary name beside it and rename over it (a
    // rename within one folder replaces atomically).
    thread_local std::mt19937_64 rng{std::random_device{}()};
    const std::string tmp = dir + "/" + kReplacePrefix + std::to_string(rng());
    const int linked = fs_->LinkFd(fd, tmp.c_str());
    const int link_err = errno;
    fs_->Close(fd);
    if (linked != 0) return IoError(tmp, "cannot link the new file", link_err);
    if (fs_->Rename(tmp.c_str(), path.c_str()) != 0) {
      const int rename_err = errno;
      fs_->Unlink(tmp.c_str());
      if (rename_err == EISDIR || rename_err == ENOTDIR || rename_err == ENOTEMPTY) {
        return Conflict(key);
      }
      return IoError(path, "cannot rename the new file into place", rename_err);
    }
    return SyncDirShared(dir);
  }
  // Without O_TMPFILE: a named temporary file, renamed into place.
  Result<std::string> tmp = WriteTemp(bytes);
  if (!tmp.ok()) return tmp.status();
  for (int attempt = 1;; ++attempt) {
    s = MakeParents(key);
    if (!s.ok()) {
      fs_->Unlink(tmp->c_str());
      return s;
    }
    if (fs_->Rename(tmp->c_str(), path.c_str()) == 0) break;
    const int err = errno;
    if (err == ENOENT && attempt < kPutTries) continue;  // a folder vanished: make it again
    fs_->Unlink(tmp->c_str());
    if (err == EISDIR || err == ENOTDIR || err == ENOTEMPTY || err == EEXIST) return Conflict(key);
    return IoError(path, "cannot rename the temporary file into place", err);
  }
  return SyncDirShared(dir);
}

Result<std::string> LocalBlobStore::Get(const std::string& key) {
  Status s = ValidateBlobKey(key);
  if (!s.ok()) return s;
  const std::string path = root_ + "/" + key;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return NotFound(key);
    return IoError(path, "cannot open", err);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return IoError(path, "cannot stat", err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return NotFound(key);
  }
  // Blobs are replaced by rename, never written in place: the open file keeps its bytes.
  std::string data(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  for (;;) {
    if (done == data.size()) data.resize(data.size() + 4096);
    const ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return IoError(path, "read failed", err);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  data.resize(done);
  return data;
}

Result<std::uint64_t> LocalBlobStore::Size(const std::string& key) {
  Status s = ValidateBlobKey(key);
  if (!s.ok()) return s;
  const std::string path = root_ + "/" + key;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return NotFound(key);
    return IoError(path, "cannot stat", err);
  }
  if (!S_ISREG(st.st_mode)) return NotFound(key);
  return static_cast<std::uint64_t>(st.st_size);
}

Result<bool> LocalBlobStore::Exists(const std::string& key) {
  Result<std::uint64_t> size = Size(key);
  if (size.ok()) return true;
  if (size.status().code() == ErrorCode::kNotFound) return false;
  return size.status();
}

Status LocalBlobStore::Delete(const std::string& key) {
  Status s = ValidateBlobKey(key);
  if (!s.ok()) return s;
  const std::string path = root_ + "/" + key;
  if (fs_->Unlink(path.c_str()) != 0) {
    const int err = errno;
    // Not there, or a folder (not a blob): nothing to delete. The folder is still fsynced, so
    // that a retry after a failed fsync makes the earlier unlink durable.
    if (err != ENOENT && err != ENOTDIR && err != EISDIR) {
      return IoError(path, "cannot delete", err);
    }
  }
  const std::string parent = ParentOf(key);
  return SyncDir(*fs_, parent.empty() ? root_ : root_ + "/" + parent);
}

Status LocalBlobStore::DeletePrefix(const std::string& prefix) {
  Status s = ValidateBlobKey(prefix);
  if (!s.ok()) return s;
  const std::string path = root_ + "/" + prefix;
  // Folders are about to disappear: forget which ones were durable, before and after.
  {
    std::lock_guard<std::mutex> lock(mu_);
    durable_dirs_.clear();
  }
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory) {
    return Status(ErrorCode::kIoError, path + ": cannot delete: " + ec.message());
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    durable_dirs_.clear();
  }
  const std::string parent = ParentOf(prefix);
  return SyncDir(*fs_, parent.empty() ? root_ : root_ + "/" + parent);
}

Result<std::unique_ptr<BlobStore>> OpenLocalBlobStore(const std::string& root) {
  Result<std::unique_ptr<LocalBlobStore>> store = LocalBlobStore::Open(root);
  if (!store.ok()) return store.status();
  return std::unique_ptr<BlobStore>(std::move(store).value());
}

}  // namespace sheaf
