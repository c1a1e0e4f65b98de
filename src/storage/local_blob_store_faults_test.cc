// SPDX-License-Identifier: GPL-3.0-or-later
//
// The local blob store under file system faults (core/fault_injecting_fs.h): failed syncs and
// writes, a full disk, torn and short writes, crashes that lose what was not synced, and the
// ".put-" files a crash can leave, swept at Open. What holds is in docs/reliability.md ("File
// system faults"): a Put that returned OK is readable after any crash, byte for byte; a Put that
// failed left either nothing or one whole earlier or later value under its key, never a part.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/fault_injecting_fs.h"
#include "fixtures.h"
#include "storage/local_blob_store.h"

namespace sheaf {
namespace {

namespace fs = std::filesystem;

// A fault of `op` failing its next matching call with `error`; the caller narrows it.
FsFault Fail(FsOp op, int error) {
  FsFault f;
  f.op = op;
  f.error = error;
  return f;
}

// A write fault that writes half its bytes, then fails the next write with `error`.
FsFault TornWrite(int error) {
  FsFault f = Fail(FsOp::kWrite, error);
  f.torn = true;
  return f;
}


const std::string kKey = "tenants/t1/documents/0123abcd/original";

class LocalBlobStoreFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "sheaf-blob-faults-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    root_ = dir_ + "/blobs";
    store_ = Open(&faulty_);
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<LocalBlobStore> Open(FileSystem* fs,
                                       LocalBlobStoreOptions::Sweep sweep =
                                           LocalBlobStoreOptions::Sweep::kNone,
                                       std::chrono::seconds grace = std::chrono::hours(1)) {
    LocalBlobStoreOptions options;
    options.fs = fs;
    options.sweep = sweep;
    options.stray_grace = grace;
    auto s = LocalBlobStore::Open(root_, options);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) std::abort();
    return std::move(s).value();
  }
  // Every file below the root whose name starts with `prefix`.
  std::vector<std::string> FilesNamed(const std::string& prefix) const {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(root_)) {
      if (e.path().filename().string().rfind(prefix, 0) == 0) found.push_back(e.path().string());
    }
    return found;
  }
  std::size_t TempFiles() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(store_->temp_dir())) {
      (void)e;
      ++n;
    }
    return n;
  }
  // Simulates a power cut: the store is dropped (no call is running), the file system loses
  // what was not durable, and the store is opened again on the plain POSIX file system.
  void Crash(CrashMode mode = CrashMode::kDropUnsynced) {
    store_.reset();
    std::string error;
    ASSERT_TRUE(faulty_.SimulateCrash(mode, &error)) << error;
    store_ = Open(nullptr);
  }

  FaultInjectingFs faulty_;
  std::string dir_;
  std::string root_;
  std::unique_ptr<LocalBlobStore> store_;
};

TEST_F(LocalBlobStoreFaultsTest, AFailedFdatasyncFailsThePutAndLeavesNothingUnderTheKey) {
  faulty_.Inject(Fail(FsOp::kSync, EIO));
  Status s = store_->Put(kKey, "not durable");
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("fdatasync failed"), std::string::npos) << s.message();
  EXPECT_EQ(faulty_.Injected(FsOp::kSync), 1);
  EXPECT_FALSE(*store_->Exists(kKey));
  EXPECT_EQ(faulty_.Calls(FsOp::kLink), 0) << "an unsynced file was given a name";
  // The disk recovers: the same Put now succeeds.
  ASSERT_TRUE(store_->Put(kKey, "durable").ok());
  EXPECT_EQ(*store_->Get(kKey), "durable");
}

TEST_F(LocalBlobStoreFaultsTest, AFailedFdatasyncOfAReplacementKeepsTheOldBlob) {
  ASSERT_TRUE(store_->Put(kKey, "version 1").ok());
  faulty_.Inject(Fail(FsOp::kSync, EIO));
  EXPECT_EQ(store_->Put(kKey, "version 2").code(), ErrorCode::kIoError);
  EXPECT_EQ(*store_->Get(kKey), "version 1");
  EXPECT_TRUE(FilesNamed(".put-").empty());
  Crash();
  EXPECT_EQ(*store_->Get(kKey), "version 1");
}

TEST_F(LocalBlobStoreFaultsTest, AFailedFolderSyncFailsThePutSoItIsNeverAcknowledged) {
  // The bytes are synced and named, but the name is not durable: the Put must not say OK.
  ASSERT_TRUE(store_->Put("tenants/t1/other", "x").ok());  // the folders exist and are durable
  FsFault dir_sync = Fail(FsOp::kDirSync, EIO);
  dir_sync.path_contains = "0123abcd";
  faulty_.Inject(dir_sync);
  Status s = store_->Put(kKey, "name not durable");
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("fsync of folder failed"), std::string::npos) << s.message();
  // A crash now may lose it - which is allowed, since nobody was told it was stored.
  Crash();
  Result<bool> there = store_->Exists(kKey);
  ASSERT_TRUE(there.ok());
  if (*there) {
    EXPECT_EQ(*store_->Get(kKey), "name not durable");
  }
  EXPECT_EQ(*store_->Get("tenants/t1/other"), "x");
}

TEST_F(LocalBlobStoreFaultsTest, AFullDiskFailsThePutWithNoSpaceAndNoPartialBlob) {
  ASSERT_TRUE(store_->Put(kKey, "old").ok());
  faulty_.SetFreeSpace(100);
  const std::string big(4096, 'b');
  Status s = store_->Put(kKey, big);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find(std::strerror(ENOSPC)), std::string::npos) << s.message();
  EXPECT_EQ(*store_->Get(kKey), "old");
  s = store_->Put("tenants/t1/documents/new/original", big);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_FALSE(*store_->Exists("tenants/t1/documents/new/original"));
  EXPECT_TRUE(FilesNamed(".put-").empty());
  // Space freed: a small Put fits again.
  faulty_.SetFreeSpace(std::nullopt);
  ASSERT_TRUE(store_->Put("tenants/t1/documents/new/original", big).ok());
  EXPECT_EQ(*store_->Get("tenants/t1/documents/new/original"), big);
}

TEST_F(LocalBlobStoreFaultsTest, ATornWriteFailsThePutAndNothingHalfWrittenIsVisible) {
  ASSERT_TRUE(store_->Put(kKey, "whole old value").ok());
  faulty_.Inject(TornWrite(EIO));
  const std::string value(10000, 'n');
  EXPECT_EQ(store_->Put(kKey, value).code(), ErrorCode::kIoError);
  EXPECT_EQ(*store_->Get(kKey), "whole old value");
  faulty_.Inject(TornWrite(EIO));
  EXPECT_EQ(store_->Put("tenants/t1/fresh", value).code(), ErrorCode::kIoError);
  EXPECT_FALSE(*store_->Exists("tenants/t1/fresh"));
  Crash(CrashMode::kTearUnsynced);
  EXPECT_EQ(*store_->Get(kKey), "whole old value");
  EXPECT_FALSE(*store_->Exists("tenants/t1/fresh"));
}

TEST_F(LocalBlobStoreFaultsTest, ShortWritesStillStoreEveryByte) {
  faulty_.SetMaxWriteSize(7);
  std::string value;
  for (int i = 0; i < 1000; ++i) value += static_cast<char>('a' + i % 26);
  ASSERT_TRUE(store_->Put(kKey, value).ok());
  EXPECT_GE(faulty_.Calls(FsOp::kWrite), 1000 / 7);
  EXPECT_EQ(*store_->Get(kKey), value);
}

TEST_F(LocalBlobStoreFaultsTest, WithoutUnnamedFilesAFailedFsyncLeavesNoTemporaryFile) {
  // The file system refuses O_TMPFILE: the store writes a named file in .tmp instead.
  FsFault no_tmpfile = Fail(FsOp::kOpen, EOPNOTSUPP);
  no_tmpfile.open_flags = O_TMPFILE;
  no_tmpfile.times = -1;
  faulty_.Inject(no_tmpfile);
  ASSERT_TRUE(store_->Put(kKey, "via .tmp").ok());
  EXPECT_EQ(*store_->Get(kKey), "via .tmp");
  faulty_.Inject(Fail(FsOp::kSync, EIO));
  Status s = store_->Put(kKey, "not durable");
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("fsync failed"), std::string::npos) << s.message();
  EXPECT_EQ(*store_->Get(kKey), "via .tmp");
  EXPECT_EQ(TempFiles(), 0u);
  faulty_.SetFreeSpace(3);
  EXPECT_EQ(store_->Put(kKey, "does not fit").code(), ErrorCode::kIoError);
  EXPECT_EQ(TempFiles(), 0u);
  EXPECT_EQ(*store_->Get(kKey), "via .tmp");
}

TEST_F(LocalBlobStoreFaultsTest, EveryAcknowledgedPutIsReadableAfterACrash) {
  std::map<std::string, std::string> acked;
  for (int i = 0; i < 30; ++i) {
    const std::string key = "tenants/t" + std::to_string(i % 3) + "/documents/d" +
                            std::to_string(i % 7) + "/part" + std::to_string(i % 4);
    const std::string value = "value " + std::to_string(i) + " of " + key;
    ASSERT_TRUE(store_->Put(key, value).ok()) << key;
    acked[key] = value;
    if (i % 10 == 9) {
      ASSERT_TRUE(store_->Delete(key).ok());
      acked.erase(key);
    }
  }
  Crash();
  for (const auto& [key, value] : acked) {
    Result<std::string> got = store_->Get(key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.status().ToString();
    EXPECT_EQ(*got, value) << key;
  }
  EXPECT_TRUE(FilesNamed(".put-").empty());
}

// Puts that succeed and Puts that fail at every step a fault can hit, then a crash that keeps a
// random part of what was not synced; run for many seeds. Afterwards every key holds its last
// acknowledged value, or a whole value of a later failed Put; a key never acknowledged holds
// nothing or a whole value.
TEST_F(LocalBlobStoreFaultsTest, AfterACrashAtAnyPointNothingHalfWrittenIsVisible) {
  const std::vector<FsFault> faults = {
      TornWrite(ENOSPC),
      Fail(FsOp::kSync, EIO),
      Fail(FsOp::kLink, EIO),
      Fail(FsOp::kRename, EIO),
      Fail(FsOp::kDirSync, EIO),
      Fail(FsOp::kOpen, EMFILE),
      Fail(FsOp::kMkdir, EIO),
  };
  int strays_seen = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    store_.reset();
    fs::remove_all(root_);
    faulty_.SimulateCrash();  // forget the previous round
    store_ = Open(&faulty_);
    std::mt19937_64 rng(seed);
    std::map<std::string, std::string> acked;
    std::map<std::string, std::set<std::string>> allowed;  // whole values a key may hold
    for (int i = 0; i < 16; ++i) {
      const std::string key = "tenants/t1/documents/d" + std::to_string(rng() % 5) + "/state";
      const std::string value(100 + rng() % 3000, static_cast<char>('a' + i));
      const bool fail = rng() % 2 == 0;
      if (fail) faulty_.Inject(faults[rng() % faults.size()]);
      Status s = store_->Put(key, value);
      faulty_.ClearFaults();
      if (s.ok()) {
        acked[key] = value;
        allowed[key] = {value};
      } else {
        allowed[key].insert(value);
      }
    }
    store_.reset();
    std::string error;
    ASSERT_TRUE(faulty_.SimulateCrash(CrashMode::kTearUnsynced, &error)) << error;
    strays_seen += static_cast<int>(FilesNamed(".put-").size());
    store_ = Open(nullptr, LocalBlobStoreOptions::Sweep::kAtOpen, std::chrono::seconds(0));
    EXPECT_TRUE(FilesNamed(".put-").empty()) << "the sweep left a stray";
    for (const auto& [key, values] : allowed) {
      Result<std::string> got = store_->Get(key);
      if (!got.ok()) {
        EXPECT_EQ(got.status().code(), ErrorCode::kNotFound);
        EXPECT_EQ(acked.count(key), 0u) << key << " was acknowledged and is gone";
        continue;
      }
      EXPECT_EQ(values.count(*got), 1u) << key << " holds " << got->size() << " bytes of '"
                                        << got->substr(0, 1) << "', not a whole value Put";
    }
  }
  // The scenario must have reached the case the sweep is for at least once.
  EXPECT_GT(strays_seen, 0);
}

TEST_F(LocalBlobStoreFaultsTest, OpenSweepsPutFilesOlderThanTheGracePeriodOnly) {
  ASSERT_TRUE(store_->Put(kKey, "blob").ok());
  const std::string folder = root_ + "/tenants/t1/documents/0123abcd";
  const std::string stale = folder + "/.put-123";
  const std::string fresh = folder + "/.put-456";
  const std::string deep_stale = root_ + "/tenants/t2/a/b/.put-789";
  fs::create_directories(root_ + "/tenants/t2/a/b");
  for (const std::string& p : {stale, fresh, deep_stale}) std::ofstream(p) << "orphan";
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(2);
  fs::last_write_time(stale, old);
  fs::last_write_time(deep_stale, old);
  store_.reset();
  store_ = Open(nullptr, LocalBlobStoreOptions::Sweep::kAtOpen);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(deep_stale));
  EXPECT_TRUE(fs::exists(fresh)) << "a young .put- file may belong to a Put still running";
  EXPECT_EQ(*store_->Get(kKey), "blob");
  // A direct sweep with the same grace finds nothing more.
  EXPECT_EQ(store_->SweepStrays(), 0u);
}

TEST_F(LocalBlobStoreFaultsTest, AReplacementWhoseRenameAndCleanupFailLeavesAStrayTheSweepRemoves) {
  ASSERT_TRUE(store_->Put(kKey, "old").ok());
  faulty_.Inject(Fail(FsOp::kRename, EIO));
  faulty_.Inject(Fail(FsOp::kUnlink, EIO));
  EXPECT_EQ(store_->Put(kKey, "new").code(), ErrorCode::kIoError);
  EXPECT_EQ(*store_->Get(kKey), "old");
  // What a crash between naming the replacement and renaming it leaves: a ".put-" file beside
  // the blob, which no key reaches.
  ASSERT_EQ(FilesNamed(".put-").size(), 1u);
  store_.reset();
  store_ = Open(nullptr, LocalBlobStoreOptions::Sweep::kAtOpen, std::chrono::hours(1));
  EXPECT_EQ(FilesNamed(".put-").size(), 1u) << "swept within the grace period";
  store_.reset();
  store_ = Open(nullptr, LocalBlobStoreOptions::Sweep::kAtOpen, std::chrono::seconds(0));
  EXPECT_TRUE(FilesNamed(".put-").empty());
  EXPECT_EQ(*store_->Get(kKey), "old");
}

TEST_F(LocalBlobStoreFaultsTest, TheDefaultOpenSweepsInTheBackground) {
  const std::string stale = root_ + "/tenants/t1/.put-1";
  fs::create_directories(root_ + "/tenants/t1");
  std::ofstream(stale) << "orphan";
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(2));
  store_.reset();
  auto opened = LocalBlobStore::Open(root_);
  ASSERT_TRUE(opened.ok());
  // Waits for the sweep's effect (bounded), it asserts no duration.
  for (int i = 0; i < 1000 && fs::exists(stale); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(fs::exists(stale));
}

TEST_F(LocalBlobStoreFaultsTest, ANegativeGracePeriodIsRefused) {
  LocalBlobStoreOptions options;
  options.stray_grace = std::chrono::seconds(-1);
  auto opened = LocalBlobStore::Open(root_, options);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("stray_grace"), std::string::npos);
}

}  // namespace
}  // namespace sheaf
