// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/disk_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "fixtures.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

// The contract every cache keeps is tested in tests/contract/cache_contract_test.cc.

TEST(DiskCache, EntriesSurviveReopeningTheFolder) {
  const std::string dir = testing::TempDir() + "/cache";
  {
    auto c = DiskCache::Open(dir);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->Put("ocr:1", "kept", 60s).ok());
  }
  auto again = DiskCache::Open(dir);
  ASSERT_TRUE(again.ok());
  auto got = (*again)->Get("ocr:1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::optional<std::string>("kept"));
}

// The one file an entry is written to (the folder holds nothing else).
std::string OnlyEntryFile(const std::string& dir) {
  std::string found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) found = e.path().string();
  }
  return found;
}

TEST(DiskCache, AnEntryCutShortOrOfAnotherFormatIsAMissAndIsRemoved) {
  // Entries written without fsync (FileSync::kNone) may be cut short by a crash: what is left
  // must never come back as a value, nor a header whose lengths lie make it allocate.
  const std::string dir = testing::TempDir() + "/cache";
  auto c = DiskCache::Open(dir, DiskCache::kDefaultMaxBytes, FileSync::kNone);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE((*c)->Put("classify:1", R"({"label":"invoice","confidence":0.97})", 60s).ok());
  ASSERT_EQ(*(*c)->Get("classify:1"), std::optional<std::string>(R"({"label":"invoice","confidence":0.97})"));
  const std::string file = OnlyEntryFile(dir);
  ASSERT_FALSE(file.empty());
  const std::string whole = testing::ReadFile(file);
  for (std::size_t cut : {whole.size() - 1, whole.size() / 2, std::size_t{3}, std::size_t{0}}) {
    testing::WriteFile(file, whole.substr(0, cut));
    auto got = (*c)->Get("classify:1");
    ASSERT_TRUE(got.ok()) << cut;
    EXPECT_FALSE(got->has_value()) << "an entry cut to " << cut << " bytes was returned";
    EXPECT_FALSE(std::filesystem::exists(file)) << cut;
  }
  // Lengths far beyond the file, and the previous format (no value length).
  for (const std::string& bad : {std::string("sheaf-cache 2 99999999999 1000000000000000 5\nclassify:1"),
                                 std::string("sheaf-cache 1 99999999999 10\nclassify:1{}")}) {
    testing::WriteFile(file, bad);
    auto got = (*c)->Get("classify:1");
    ASSERT_TRUE(got.ok());
    EXPECT_FALSE(got->has_value()) << bad;
  }
  // Put writes it whole again.
  ASSERT_TRUE((*c)->Put("classify:1", "again", 60s).ok());
  EXPECT_EQ(*(*c)->Get("classify:1"), std::optional<std::string>("again"));
}

}  // namespace
}  // namespace sheaf

namespace sheaf {
namespace {

TEST(DiskCache, EvictsLeastRecentlyUsedEntriesBeyondItsBudget) {
  std::string dir = testing::TempDir() + "/cache";
  auto c = DiskCache::Open(dir, 50 * 1024);
  ASSERT_TRUE(c.ok());
  std::string value(10 * 1024, 'v');
  ASSERT_TRUE((*c)->Put("first", value, std::chrono::seconds(60)).ok());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE((*c)->Put("k" + std::to_string(i), value, std::chrono::seconds(60)).ok());
  }
  // Make "first" the most recently used, then overflow the budget.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE((*c)->Get("first")->has_value());
  for (int i = 3; i < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_TRUE((*c)->Put("k" + std::to_string(i), value, std::chrono::seconds(60)).ok());
  }
  EXPECT_TRUE((*c)->Get("first")->has_value());
  EXPECT_FALSE((*c)->Get("k0")->has_value());
  EXPECT_TRUE((*c)->Get("k5")->has_value());
  // Reopening measures what is on disk and stays within the budget.
  auto again = DiskCache::Open(dir, 15 * 1024);
  ASSERT_TRUE(again.ok());
  int left = 0;
  for (const char* k : {"first", "k0", "k1", "k2", "k3", "k4", "k5"}) {
    left += (*again)->Get(k)->has_value() ? 1 : 0;
  }
  EXPECT_EQ(left, 1);
}

}  // namespace
}  // namespace sheaf
