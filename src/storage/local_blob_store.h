// SPDX-License-Identifier: GPL-3.0-or-later
//
// The embedded BlobStore: each blob is a file under one folder, at the path its key names
// ("<root>/tenants/t1/documents/<id>/original"), so an operator can find and back up the bytes
// with ordinary tools. It implements the whole contract of sheaf/blob_store.h.
//
// How a Put is made durable and atomic: the bytes go to an unnamed file (O_TMPFILE) in the
// blob's folder and are fdatasynced; the file is then linked at the blob's path, and the folder
// is fsynced (one fsync shared by the Puts in flight into that folder) so that the link survives
// a crash. Nothing is visible under the key before its bytes are durable, and a crash
// leaves nothing behind (an unnamed file vanishes). Replacing an existing blob links the file
// under a ".put-" name beside it and renames it over the blob (a crash there leaves that file,
// which no key can reach; Open sweeps such files once they are older than a grace period, an
// hour by default). Where O_TMPFILE or /proc is missing, the bytes go to a named file in
// "<root>/.tmp", fsynced and renamed into place; Open removes strays there past the same grace
// period. A folder created on the way is made durable by fsyncing its parent.
//
// Every file operation of a Put or Delete goes through a FileSystem (core/file_system.h):
// POSIX by default, a FaultInjectingFs in tests (docs/reliability.md, "File system faults").
//
// Files are created 0600 and folders 0700: documents are private to the service's user.
// Delete leaves the (possibly empty) folders in place; DeletePrefix removes the whole folder.
#ifndef SHEAF_STORAGE_LOCAL_BLOB_STORE_H_
#define SHEAF_STORAGE_LOCAL_BLOB_STORE_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>

#include <condition_variable>
#include <unordered_map>

#include "sheaf/blob_store.h"

namespace sheaf {

class FileSystem;

struct LocalBlobStoreOptions {
  // The file operations of Puts and Deletes; nullptr = DefaultFileSystem(). Not owned: it must
  // outlive the store.
  FileSystem* fs = nullptr;
  // Temporary and ".put-" files younger than this may belong to a Put still running (in this or
  // another process sharing the folder) and are left alone. >= 0.
  std::chrono::seconds stray_grace = std::chrono::hours(1);
  // When Open looks for ".put-" files left by crashed Puts, which means walking every folder of
  // the store: on a thread of its own that the store's destructor stops (the default, so that a
  // large store opens as fast as a small one), before Open returns, or not at all.
  enum class Sweep { kBackground, kAtOpen, kNone };
  Sweep sweep = Sweep::kBackground;
};

class LocalBlobStore final : public BlobStore {
 public:
  // Opens the store rooted at `root`, creating the folder (and its parents) when missing, and
  // removes temporary files older than options.stray_grace (see Sweep for ".put-" files).
  // Errors: invalid_argument for an empty `root` or a negative grace; io_error when the folder
  // cannot be created or is not a folder.
  static Result<std::unique_ptr<LocalBlobStore>> Open(const std::string& root,
                                                      LocalBlobStoreOptions options = {});
  // Stops a background sweep (it resumes at the next Open).
  ~LocalBlobStore() override;
  LocalBlobStore(const LocalBlobStore&) = delete;
  LocalBlobStore& operator=(const LocalBlobStore&) = delete;

  Status Put(const std::string& key, std::string_view bytes) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::uint64_t> Size(const std::string& key) override;
  Result<bool> Exists(const std::string& key) override;
  Status Delete(const std::string& key) override;
  Status DeletePrefix(const std::string& prefix) override;

  // The folder temporary files are written to, inside the root.
  std::string temp_dir() const { return root_ + "/.tmp"; }

  // Removes the ".put-" files anywhere below the root whose last write is older than
  // options.stray_grace: what Puts that crashed between naming a replacement and renaming it
  // over its blob left. Returns how many it removed. Safe to call while Puts run.
  std::size_t SweepStrays();

 private:
  LocalBlobStore(std::string root, LocalBlobStoreOptions options)
      : root_(std::move(root)), options_(options), fs_(ResolveFs(options.fs)) {}
  static FileSystem* ResolveFs(FileSystem* fs);
  // Writes `bytes` to a new, fsynced file in temp_dir() and returns its path.
  Result<std::string> WriteTemp(std::string_view bytes);
  // Creates the folders of `key` below the root that are missing and makes each durable.
  Status MakeParents(const std::string& key);
  // Fsyncs the parent folder of `dir` (a path relative to the root) unless that is already
  // known to be done, then remembers it.
  Status MakeEntryDurable(const std::string& dir);

  // Fsyncs the folder at `path` (absolute), sharing one fsync among the callers that arrive
  // while another caller's fsync of the same folder runs: a caller returns once an fsync that
  // started after its call began has finished (its rename is then durable). Concurrent Puts into
  // one folder thus cost one folder sync per round instead of one each.
  Status SyncDirShared(const std::string& path);
  // Whether every folder on the way to `key` was made durable by this store (and so existed).
  bool ParentsKnownDurable(const std::string& key);

  struct DirSync {
    std::mutex mu;
    std::condition_variable cv;
    std::uint64_t requested = 0;  // GUARDED_BY(mu): calls so far
    std::uint64_t completed = 0;  // GUARDED_BY(mu): calls covered by a finished fsync
    bool running = false;         // GUARDED_BY(mu)
    Status last;                  // GUARDED_BY(mu): the outcome of the latest fsync
    std::uint64_t last_covers = 0;  // GUARDED_BY(mu): calls that outcome covers
  };

  const std::string root_;
  const LocalBlobStoreOptions options_;
  FileSystem* const fs_;
  std::atomic<bool> stop_sweep_{false};
  std::thread sweeper_;  // the background sweep, when Open started one
  std::atomic<std::uint64_t> temp_counter_{0};
  std::mutex syncs_mu_;
  std::unordered_map<std::string, std::unique_ptr<DirSync>> syncs_;  // GUARDED_BY(syncs_mu_)
  std::mutex mu_;
  // Folders (relative to the root) whose entry in their parent is known to be durable, so that a
  // Put fsyncs each ancestor once rather than every time. Bounded: cleared when it grows past
  // kMaxKnownDirs, and by DeletePrefix (which removes folders).
  std::unordered_set<std::string> durable_dirs_;  // GUARDED_BY(mu_)
};

// The same as LocalBlobStore::Open, as the interface (for the composition root's registry).
Result<std::unique_ptr<BlobStore>> OpenLocalBlobStore(const std::string& root);

}  // namespace sheaf

#endif  // SHEAF_STORAGE_LOCAL_BLOB_STORE_H_
