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
