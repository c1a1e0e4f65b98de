// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/file_exporter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/fault_injecting_fs.h"
#include "fixtures.h"

namespace sheaf {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FileExporter, WritesOneFilePerDocumentUnderItsTenant) {
  const std::string root = testing::TempDir();
  FileExporter exporter(root + "/exports/nested");  // made on first use, parents too
  const std::string doc = "0123456789abcdef0123456789abcdef";
  ASSERT_TRUE(exporter.Export("acme", doc, R"({"status":"completed"})").ok());
  ASSERT_TRUE(exporter.Export("0a1b2c3d4e5f6071", doc, R"({"other":true})").ok());
  EXPECT_EQ(testing::ReadFile(root + "/exports/nested/acme/" + doc + ".json"),
            R"({"status":"completed"})");
  EXPECT_EQ(testing::ReadFile(root + "/exports/nested/0a1b2c3d4e5f6071/" + doc + ".json"),
            R"({"other":true})");
  EXPECT_EQ(exporter.PathFor("acme", doc), root + "/exports/nested/acme/" + doc + ".json");
}

TEST(FileExporter, ExportingAgainReplacesTheFileAndLeavesNoTemporaries) {
  const std::string root = testing::TempDir();
  FileExporter exporter(root);
  ASSERT_TRUE(exporter.Export("t", "doc1", std::string(100000, 'a')).ok());
  ASSERT_TRUE(exporter.Export("t", "doc1", "short").ok());
  ASSERT_TRUE(exporter.Export("t", "doc1", "short").ok());
  EXPECT_EQ(testing::ReadFile(root + "/t/doc1.json"), "short");
  EXPECT_EQ(FilesUnder(root), std::vector<std::string>{"t/doc1.json"});
}

TEST(FileExporter, AFailedFolderFsyncIsAnIoErrorNotAnExport) {
  const std::string root = testing::TempDir();
  FaultInjectingFs faulty;
  FileExporter exporter(root, &faulty);
  ASSERT_TRUE(exporter.Export("t", "doc1", "first").ok());
  FsFault fault;
  fault.op = FsOp::kDirSync;
  fault.error = EIO;
  fault.path_contains = "/t";
  faulty.Inject(fault);
  Status s = exporter.Export("t", "doc2", "second");
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("fsync failed"), std::string::npos) << s.message();
}

TEST(FileExporter, AnExportThatReturnedOkSurvivesACrash) {
  const std::string root = testing::TempDir();
  FaultInjectingFs faulty;
  {
    FileExporter exporter(root + "/exports", &faulty);
    ASSERT_TRUE(exporter.Export("t", "doc1", "one").ok());
    ASSERT_TRUE(exporter.Export("t", "doc2", "two").ok());
    ASSERT_TRUE(exporter.Export("t", "doc1", "one, again").ok());
  }
  std::string error;
  ASSERT_TRUE(faulty.SimulateCrash(CrashMode::kDropUnsynced, &error)) << error;
  EXPECT_EQ(testing::ReadFile(root + "/exports/t/doc1.json"), "one, again");
  EXPECT_EQ(testing::ReadFile(root + "/exports/t/doc2.json"), "two");
  EXPECT_EQ(FilesUnder(root + "/exports"),
            (std::vector<std::string>{"t/doc1.json", "t/doc2.json"}));
}

TEST(FileExporter, IdsThatCouldLeaveTheFolderAreRefused) {
  const std::string root = testing::TempDir();
  FileExporter exporter(root + "/exports");
  for (const std::string bad :
       {"..", "../x", "a/b", "/etc", "", ".hidden", "-dash", "a b", "a\nb", "t\\x"}) {
    EXPECT_EQ(exporter.Export(bad, "doc", "{}").code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(exporter.Export("t", bad, "{}").code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(exporter.PathFor("t", bad), "");
  }
  EXPECT_EQ(exporter.Export(std::string(65, 'a'), "doc", "{}").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(exporter.Export("t", std::string(129, 'd'), "{}").code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(root + "/exports")) << "nothing was written";
  EXPECT_FALSE(fs::exists(root + "/x.json"));
}

TEST(FileExporter, AFolderThatCannotBeWrittenIsAnIoError) {
  const std::string root = testing::TempDir();
  testing::WriteFile(root + "/file", "not a folder");
  FileExporter exporter(root + "/file");
  EXPECT_EQ(exporter.Export("t", "doc", "{}").code(), ErrorCode::kIoError);
}

TEST(FileExporter, ConcurrentExportsOfOneDocumentLeaveOneWholeFile) {
  const std::string root = testing::TempDir();
  FileExporter exporter(root);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string body(50000, static_cast<char>('a' + t));
      for (int i = 0; i < 10; ++i) EXPECT_TRUE(exporter.Export("t", "doc", body).ok());
    });
  }
  for (auto& t : threads) t.join();
  const std::string got = testing::ReadFile(root + "/t/doc.json");
  ASSERT_EQ(got.size(), 50000u);
  EXPECT_EQ(got, std::string(50000, got[0])) << "one writer's bytes, never a mix";
  EXPECT_EQ(FilesUnder(root), std::vector<std::string>{"t/doc.json"});
}

}  // namespace
}  // namespace sheaf
