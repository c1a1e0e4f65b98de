// SPDX-License-Identifier: GPL-3.0-or-later
//
// The fault-injecting file system's own promises: a test that trusts it to lose unsynced data
// is only as good as this model.
#include "core/fault_injecting_fs.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

#include "fixtures.h"

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


class FaultInjectingFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "sheaf-faultfs-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // Creates `name` in dir_ with `bytes`, fdatasyncs it when `sync_data`, and fsyncs dir_ when
  // `sync_dir`. Returns the path.
  std::string Make(const std::string& name, const std::string& bytes, bool sync_data,
                   bool sync_dir) {
    const std::string path = dir_ + "/" + name;
    const int fd = fs_.Open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    EXPECT_GE(fd, 0) << path;
    EXPECT_EQ(fs_.Write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    if (sync_data) {
      EXPECT_EQ(fs_.Fdatasync(fd), 0);
    }
    EXPECT_EQ(fs_.Close(fd), 0);
    if (sync_dir) SyncDir();
    return path;
  }
  void SyncDir() {
    const int fd = fs_.Open(dir_.c_str(), O_RDONLY | O_DIRECTORY, 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(fs_.Fsync(fd), 0);
    EXPECT_EQ(fs_.Close(fd), 0);
  }
  void Crash(CrashMode mode = CrashMode::kDropUnsynced) {
    std::string error;
    ASSERT_TRUE(fs_.SimulateCrash(mode, &error)) << error;
  }

  FaultInjectingFs fs_{42};
  std::string dir_;
};

TEST_F(FaultInjectingFsTest, ACrashKeepsSyncedBytesUnderSyncedNames) {
  const std::string path = Make("durable", "all of it", true, true);
  Crash();
  EXPECT_EQ(testing::ReadFile(path), "all of it");
}

TEST_F(FaultInjectingFsTest, ACrashDropsBytesWrittenAfterTheLastSync) {
  const std::string path = Make("growing", "synced", true, true);
  const int fd = fs_.Open(path.c_str(), O_WRONLY | O_APPEND, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(fs_.Write(fd, " and not", 8), 8);
  ASSERT_EQ(fs_.Close(fd), 0);
  EXPECT_EQ(testing::ReadFile(path), "synced and not");
  Crash();
  EXPECT_EQ(testing::ReadFile(path), "synced");
}

TEST_F(FaultInjectingFsTest, ACrashRemovesNamesCreatedInAFolderNotSyncedSince) {
  const std::string path = Make("unsynced-name", "bytes synced", true, false);
  Crash();
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(FaultInjectingFsTest, ACrashUndoesAnUnsyncedRenameOverAnOldFile) {
  const std::string old_file = Make("blob", "old", true, true);
  const std::string fresh = Make("fresh", "new", true, true);
  ASSERT_EQ(fs_.Rename(fresh.c_str(), old_file.c_str()), 0);
  EXPECT_EQ(testing::ReadFile(old_file), "new");
  Crash();
  EXPECT_EQ(testing::ReadFile(old_file), "old");
  EXPECT_EQ(testing::ReadFile(fresh), "new");
}

TEST_F(FaultInjectingFsTest, ACrashBringsBackAnUnlinkNotMadeDurable) {
  const std::string path = Make("deleted", "still here", true, true);
  ASSERT_EQ(fs_.Unlink(path.c_str()), 0);
  Crash();
  EXPECT_EQ(testing::ReadFile(path), "still here");
}

TEST_F(FaultInjectingFsTest, ATornCrashKeepsAPrefixOfTheUnsyncedBytes) {
  const std::string unsynced(1000, 'u');
  const std::string path = Make("torn", "S", true, true);
  const int fd = fs_.Open(path.c_str(), O_WRONLY | O_APPEND, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(fs_.Write(fd, unsynced.data(), unsynced.size()), 1000);
  ASSERT_EQ(fs_.Close(fd), 0);
  Crash(CrashMode::kTearUnsynced);
  const std::string left = testing::ReadFile(path);
  ASSERT_GE(left.size(), 1u);
  EXPECT_EQ(left, "S" + unsynced.substr(0, left.size() - 1));
}

TEST_F(FaultInjectingFsTest, AFaultFailsTheChosenCallsOnly) {
  FsFault fault = Fail(FsOp::kSync, EIO);
  fault.path_contains = "/b";
  fault.after = 1;
  fault.times = 2;
  fs_.Inject(fault);
  const std::string a = Make("a", "x", true, true);  // does not match
  for (int i = 0; i < 4; ++i) {
    const std::string path = dir_ + "/b" + std::to_string(i);
    const int fd = fs_.Open(path.c_str(), O_WRONLY | O_CREAT, 0600);
    ASSERT_GE(fd, 0);
    errno = 0;
    const int rc = fs_.Fdatasync(fd);
    // The first matching call passes, the next two fail, the fourth passes.
    EXPECT_EQ(rc, (i == 1 || i == 2) ? -1 : 0) << i;
    if (rc != 0) {
      EXPECT_EQ(errno, EIO);
    }
    fs_.Close(fd);
  }
  EXPECT_EQ(fs_.Injected(FsOp::kSync), 2);
}

TEST_F(FaultInjectingFsTest, AFullDiskWritesWhatFitsThenFailsWithNoSpace) {
  fs_.SetFreeSpace(5);
  const std::string path = dir_ + "/full";
  const int fd = fs_.Open(path.c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(fs_.Write(fd, "0123456789", 10), 5);
  errno = 0;
  EXPECT_EQ(fs_.Write(fd, "56789", 5), -1);
  EXPECT_EQ(errno, ENOSPC);
  fs_.Close(fd);
  EXPECT_EQ(testing::ReadFile(path), "01234");
}

TEST_F(FaultInjectingFsTest, ATornWriteReportsHalfThenFailsTheNextWrite) {
  fs_.Inject(TornWrite(EIO));
  const std::string path = dir_ + "/torn-write";
  const int fd = fs_.Open(path.c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(fs_.Write(fd, "abcdefgh", 8), 4);
  errno = 0;
  EXPECT_EQ(fs_.Write(fd, "efgh", 4), -1);
  EXPECT_EQ(errno, EIO);
  fs_.Close(fd);
  EXPECT_EQ(testing::ReadFile(path), "abcd");
}

}  // namespace
}  // namespace sheaf
