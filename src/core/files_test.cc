// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/files.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/fault_injecting_fs.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using testing::TempDir;
using testing::WriteFile;

TEST(ReadFileLimited, EmptyFileIsAnInvalidDocumentNamingTheFile) {
  std::string dir = TempDir();
  WriteFile(dir + "/empty.pdf", "");
  Result<std::string> r = ReadFileLimited(dir + "/empty.pdf", 100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidDocument);
  EXPECT_NE(r.status().message().find("empty.pdf"), std::string::npos);
  EXPECT_NE(r.status().message().find("empty"), std::string::npos);
}

TEST(ReadFileLimited, LargerThanTheLimitIsRefusedWithTheLimitInTheMessage) {
  std::string dir = TempDir();
  WriteFile(dir + "/big.bin", std::string(3 * 1024 * 1024, 'x'));
  Result<std::string> r = ReadFileLimited(dir + "/big.bin", 1024 * 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(r.status().message().find("3.0 MiB"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("1.0 MiB"), std::string::npos) << r.status().message();
}

TEST(ReadFileLimited, MissingFileIsNotFound) {
  Result<std::string> r = ReadFileLimited("/nonexistent/sheaf/file", 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
}

TEST(ReadFileLimited, SomethingOtherThanARegularFileIsAnIoError) {
  Result<std::string> r = ReadFileLimited("/dev/null", 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError);
  EXPECT_NE(r.status().message().find("/dev/null: not a regular file"), std::string::npos);
}

TEST(ReadFileLimited, ReadsTheWholeFile) {
  std::string dir = TempDir();
  WriteFile(dir + "/a.txt", "hello");
  Result<std::string> r = ReadFileLimited(dir + "/a.txt", 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "hello");
}

TEST(WriteFileAtomic, ReplacesExistingContent) {
  std::string dir = TempDir();
  ASSERT_TRUE(WriteFileAtomic(dir + "/f", "one").ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/f", "two").ok());
  EXPECT_EQ(testing::ReadFile(dir + "/f"), "two");
}

// The folder's entries other than `keep`.
std::vector<std::string> OthersIn(const std::string& dir, const std::string& keep) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename() != keep) out.push_back(e.path().filename().string());
  }
  return out;
}

TEST(WriteFileAtomic, AFailedFsyncKeepsTheOldFileAndLeavesNoTemporary) {
  std::string dir = TempDir();
  ASSERT_TRUE(WriteFileAtomic(dir + "/f", "old").ok());
  FaultInjectingFs faulty;
  FsFault fault;
  fault.op = FsOp::kSync;
  fault.error = EIO;
  faulty.Inject(fault);
  Status s = WriteFileAtomic(dir + "/f", "new", &faulty);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("fsync failed"), std::string::npos) << s.message();
  EXPECT_EQ(testing::ReadFile(dir + "/f"), "old");
  EXPECT_TRUE(OthersIn(dir, "f").empty());
}

TEST(WriteFileAtomic, AFullDiskKeepsTheOldFileAndSaysSo) {
  std::string dir = TempDir();
  ASSERT_TRUE(WriteFileAtomic(dir + "/f", "old").ok());
  FaultInjectingFs faulty;
  faulty.SetFreeSpace(10);
  Status s = WriteFileAtomic(dir + "/f", std::string(1000, 'n'), &faulty);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find(std::strerror(ENOSPC)), std::string::npos) << s.message();
  EXPECT_EQ(testing::ReadFile(dir + "/f"), "old");
  EXPECT_TRUE(OthersIn(dir, "f").empty());
}

TEST(WriteFileAtomic, AfterACrashTheFileIsTheOldOneOrTheWholeNewOne) {
  const std::string old_bytes(3000, 'o');
  const std::string new_bytes(5000, 'n');
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    std::string dir = TempDir();
    ASSERT_TRUE(WriteFileAtomic(dir + "/f", old_bytes).ok());
    FaultInjectingFs faulty(seed);
    ASSERT_TRUE(WriteFileAtomic(dir + "/f", new_bytes, &faulty).ok());
    std::string error;
    ASSERT_TRUE(faulty.SimulateCrash(CrashMode::kTearUnsynced, &error)) << error;
    const std::string now = testing::ReadFile(dir + "/f");
    EXPECT_TRUE(now == old_bytes || now == new_bytes) << "seed " << seed << ": " << now.size();
  }
}

TEST(ExpandInputs, WalksFoldersRecursivelyInSortedOrderSkippingHiddenEntries) {
  std::string dir = TempDir();
  WriteFile(dir + "/b.txt", "b");
  WriteFile(dir + "/a/z.txt", "z");
  WriteFile(dir + "/a/c.txt", "c");
  WriteFile(dir + "/.hidden/x.txt", "x");
  WriteFile(dir + "/.DS_Store", "x");
  std::vector<std::string> got = ExpandInputs({dir, "/nonexistent/file.pdf"});
  std::vector<std::string> want{dir + "/a/c.txt", dir + "/a/z.txt", dir + "/b.txt",
                                "/nonexistent/file.pdf"};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace sheaf
