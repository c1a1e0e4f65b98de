// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/disk_cache.h"

#include <gtest/gtest.h>

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
