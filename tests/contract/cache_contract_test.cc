// SPDX-License-Identifier: GPL-3.0-or-later
//
// The Cache contract (include/sheaf/cache.h), run against every implementation: the disk cache,
// the in-process LRU, the two tiered, and Redis when SHEAF_TEST_REDIS names a server (each
// Redis test under its own key prefix). What only one implementation promises is tested beside
// it (src/cache/*_test.cc, src/adapters/redis/redis_cache_test.cc).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/redis/redis_cache.h"
#include "backends.h"
#include "cache/disk_cache.h"
#include "cache/memory_cache.h"
#include "cache/tiered_cache.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

struct CacheBackend {
  std::string name;
  // Makes a fresh, empty cache; sets *skip to why when the backend is not available here.
  std::function<std::shared_ptr<Cache>(std::string* skip)> make;
};

// Names the backend in test output (instead of its bytes).
void PrintTo(const CacheBackend& backend, std::ostream* os) { *os << backend.name; }

std::shared_ptr<Cache> MakeDisk(std::string*) {
  auto c = DiskCache::Open(testing::TempDir() + "/cache");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::shared_ptr<Cache>(std::move(c).value()) : nullptr;
}

std::shared_ptr<Cache> MakeRedis(std::string* skip) {
  std::optional<RedisOptions> o = testing::TestRedisOptions("sheaf-test-cache");
  if (!o) {
    *skip = testing::kNoTestRedis;
    return nullptr;
  }
  return std::make_shared<RedisCache>(*o);
}

const std::vector<CacheBackend>& Backends() {
  static const std::vector<CacheBackend> kAll = {
      {"Disk", MakeDisk},
      {"Memory", [](std::string*) { return std::make_shared<MemoryCache>(64 << 20); }},
      {"MemoryOverDisk",
       [](std::string* skip) -> std::shared_ptr<Cache> {
         return std::make_shared<TieredCache>(std::make_shared<MemoryCache>(64 << 20),
                                              MakeDisk(skip));
       }},
      {"Redis", MakeRedis},
  };
  return kAll;
}

class CacheContract : public ::testing::TestWithParam<CacheBackend> {
 protected:
  void SetUp() override {
    std::string skip;
    cache_ = GetParam().make(&skip);
    if (!skip.empty()) GTEST_SKIP() << skip;
    ASSERT_NE(cache_, nullptr);
  }
  std::optional<std::string> GetOrFail(const std::string& key) {
    Result<std::optional<std::string>> got = cache_->Get(key);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::nullopt;
  }
  std::shared_ptr<Cache> cache_;
};

TEST_P(CacheContract, GetOfMissingKeyReturnsNothing) {
  EXPECT_EQ(GetOrFail("nope"), std::nullopt);
}

TEST_P(CacheContract, PutThenGetReturnsTheValueAndALaterPutReplacesIt) {
  ASSERT_TRUE(cache_->Put("ocr:1", std::string("a\0b", 3), 60s).ok());
  EXPECT_EQ(GetOrFail("ocr:1"), std::string("a\0b", 3));
  ASSERT_TRUE(cache_->Put("ocr:1", "second", 60s).ok());
  EXPECT_EQ(GetOrFail("ocr:1"), "second");
}

TEST_P(CacheContract, APutWithATtlOfZeroOrLessLeavesAMiss) {
  ASSERT_TRUE(cache_->Put("k", "v", 60s).ok());
  ASSERT_TRUE(cache_->Put("k", "v2", -1s).ok());
  ASSERT_TRUE(cache_->Put("j", "v", 0s).ok());
  EXPECT_EQ(GetOrFail("k"), std::nullopt);
  EXPECT_EQ(GetOrFail("j"), std::nullopt);
}

TEST_P(CacheContract, KeysAreComparedByEveryByte) {
  const std::vector<std::string> keys = {
      "a", "a ", "A", "a/b", "classify/v1/ab", "ü/ключ/鍵", std::string("k\0x", 3),
      std::string("k\0y", 3), std::string(1000, 'k')};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(cache_->Put(keys[i], "value " + std::to_string(i), 60s).ok()) << i;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(GetOrFail(keys[i]), "value " + std::to_string(i)) << i;
  }
}

TEST_P(CacheContract, ALargeValueComesBackWhole) {
  std::string big(4 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) >> 3);
  ASSERT_TRUE(cache_->Put("big", big, 60s).ok());
  EXPECT_EQ(GetOrFail("big"), big);
}

TEST_P(CacheContract, ConcurrentWritersNeverLeaveAPartialValue) {
  std::string big_a(200000, 'a'), big_b(200000, 'b');
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        if (!cache_->Put("k", t % 2 ? big_a : big_b, 60s).ok()) ++failed;
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    auto got = cache_->Get("k");
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    if (got->has_value()) {
      EXPECT_TRUE(**got == big_a || **got == big_b);
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  auto last = GetOrFail("k");
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(*last == big_a || *last == big_b);
}

TEST_P(CacheContract, ManyThreadsOnDistinctKeysEachReadTheirOwn) {
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        if (!cache_->Put(key, key + " value", 60s).ok()) ++wrong;
        auto got = cache_->Get(key);
        if (!got.ok() || *got != key + " value") ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(AllCaches, CacheContract, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<CacheBackend>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace sheaf
