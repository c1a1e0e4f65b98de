// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/files.h"

#include <gtest/gtest.h>

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
