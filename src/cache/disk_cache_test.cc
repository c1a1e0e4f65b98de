// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/disk_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "fixtures.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<DiskCache> OpenCache() {
  auto c = DiskCache::Open(testing::TempDir() + "/cache");
  EXPECT_TRUE(c.ok());
  return std::move(c).value();
}

TEST(DiskCacheContract, GetOfMissingKeyReturnsNothing) {
  auto c = OpenCache();
  auto got = c->Get("nope");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST(DiskCacheContract, PutThenGetReturnsTheValueAndALaterPutReplacesIt) {
  auto c = OpenCache();
  ASSERT_TRUE(c->Put("ocr:1", std::string("a\0b", 3), 60s).ok());
  EXPECT_EQ(**c->Get("ocr:1"), std::string("a\0b", 3));
  ASSERT_TRUE(c->Put("ocr:1", "second", 60s).ok());
  EXPECT_EQ(**c->Get("ocr:1"), "second");
}

TEST(DiskCacheContract, ExpiredEntriesAreMisses) {
  auto c = OpenCache();
  ASSERT_TRUE(c->Put("k", "v", -1s).ok());
  auto got = c->Get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST(DiskCacheContract, ConcurrentWritersNeverLeaveAPartialValue) {
  auto c = OpenCache();
  std::string big_a(200000, 'a'), big_b(200000, 'b');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) ASSERT_TRUE(c->Put("k", t % 2 ? big_a : big_b, 60s).ok());
    });
  }
  for (int i = 0; i < 50; ++i) {
    auto got = c->Get("k");
    ASSERT_TRUE(got.ok());
    if (got->has_value()) {
      EXPECT_TRUE(**got == big_a || **got == big_b);
    }
  }
  for (auto& t : threads) t.join();
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
