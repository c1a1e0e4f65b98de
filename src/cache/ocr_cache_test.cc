// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/ocr_cache.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "cache/disk_cache.h"
#include "cache/memory_cache.h"
#include "cache/memory_leases.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using testing::Gray;

TEST(OcrCacheKey, DependsOnPixelsSizeAndEngineIdentity) {
  Image a = Gray(10, 10, 255);
  Image b = a;
  b.pixels[55] = 0;
  Image c = Gray(20, 5, 255);
  EXPECT_EQ(OcrCache::Key(a, "tess 5.3 eng"), OcrCache::Key(Gray(10, 10, 255), "tess 5.3 eng"));
  EXPECT_NE(OcrCache::Key(a, "tess 5.3 eng"), OcrCache::Key(b, "tess 5.3 eng"));
  EXPECT_NE(OcrCache::Key(a, "tess 5.3 eng"), OcrCache::Key(c, "tess 5.3 eng"));
  EXPECT_NE(OcrCache::Key(a, "tess 5.3 eng"), OcrCache::Key(a, "tess 5.3 deu"));
  EXPECT_EQ(OcrCache::Key(a, "x").rfind("ocr:", 0), 0u);
}

TEST(OcrCache, StoresPagesAndCountsHitsAndMisses) {
  auto store = DiskCache::Open(testing::TempDir() + "/c");
  ASSERT_TRUE(store.ok());
  OcrCache cache(store->get());
  OcrPage page;
  page.mean_confidence = 0.8;
  page.blocks.push_back(Block{{1, 2, 3, 4}, {Line{{1, 2, 3, 4}, {Word{"Hi", {1, 2, 3, 4}, 0.8}}}}});
  EXPECT_FALSE(cache.Get("ocr:x").has_value());
  cache.Put("ocr:x", page);
  auto got = cache.Get("ocr:x");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->blocks[0].lines[0].words[0].text, "Hi");
  EXPECT_DOUBLE_EQ(got->mean_confidence, 0.8);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(OcrCache, CorruptEntriesAreMissesNotErrors) {
  auto store = DiskCache::Open(testing::TempDir() + "/c");
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("ocr:bad", "{not json", std::chrono::seconds(60)).ok());
  OcrCache cache(store->get());
  EXPECT_FALSE(cache.Get("ocr:bad").has_value());
  EXPECT_EQ(cache.misses(), 1u);
}

}  // namespace
}  // namespace sheaf

namespace sheaf {
namespace {

TEST(OcrCache, ConcurrentRequestsForOneKeyComputeOnce) {
  auto store = DiskCache::Open(testing::TempDir() + "/c");
  ASSERT_TRUE(store.ok());
  OcrCache cache(store->get());
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  std::atomic<int> hits{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      bool hit = false;
      Result<OcrPage> r = cache.GetOrCompute(
          "ocr:same",
          [&]() -> Result<OcrPage> {
            ++runs;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            OcrPage p;
            p.mean_confidence = 0.5;
            return p;
          },
          &hit);
      ASSERT_TRUE(r.ok());
      EXPECT_DOUBLE_EQ(r->mean_confidence, 0.5);
      if (hit) ++hits;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(hits.load(), 3);
}

TEST(OcrCache, FailuresAreNotStored) {
  auto store = DiskCache::Open(testing::TempDir() + "/c");
  ASSERT_TRUE(store.ok());
  OcrCache cache(store->get());
  bool hit = true;
  auto r = cache.GetOrCompute(
      "ocr:k", [] { return Result<OcrPage>(ErrorCode::kLimitExceeded, "too slow"); }, &hit);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(hit);
  int runs = 0;
  r = cache.GetOrCompute(
      "ocr:k", [&] { ++runs; return Result<OcrPage>(OcrPage{}); }, &hit);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace sheaf

namespace sheaf {
namespace {

using namespace std::chrono_literals;

TEST(OcrCache, TwoCachesSharingALeaseTableComputeAPageOnce) {
  // Two "workers": their own OcrCache (so their own in-process single flight) over one shared
  // cache and lease table, as two processes on one Redis would be.
  MemoryCache shared(1 << 20);
  MemoryLeases leases;
  OcrSingleFlightOptions sf;
  sf.leases = &leases;
  sf.poll = 10ms;
  OcrCache a(&shared, OcrCache::kDefaultTtl, sf);
  OcrCache b(&shared, OcrCache::kDefaultTtl, sf);
  std::atomic<int> runs{0};
  std::atomic<bool> started{false};
  const auto ocr = [&]() -> Result<OcrPage> {
    ++runs;
    started = true;
    std::this_thread::sleep_for(200ms);
    OcrPage p;
    p.mean_confidence = 0.25;
    return p;
  };
  bool hit_a = true, hit_b = false;
  std::thread first([&] { ASSERT_TRUE(a.GetOrCompute("ocr:p", ocr, &hit_a).ok()); });
  while (!started) std::this_thread::sleep_for(1ms);
  Result<OcrPage> got = b.GetOrCompute("ocr:p", ocr, &hit_b);
  first.join();
  ASSERT_TRUE(got.ok());
  EXPECT_DOUBLE_EQ(got->mean_confidence, 0.25);
  EXPECT_EQ(runs.load(), 1);
  EXPECT_FALSE(hit_a);
  EXPECT_TRUE(hit_b);
  EXPECT_EQ(b.hits(), 1u);
  EXPECT_EQ(b.misses(), 0u);
  EXPECT_EQ(b.waited_hits(), 1u);
}

TEST(OcrCache, AFailedHolderFreesTheLeaseAndTheWaiterComputesItself) {
  MemoryCache shared(1 << 20);
  MemoryLeases leases;
  OcrSingleFlightOptions sf;
  sf.leases = &leases;
  sf.poll = 10ms;
  OcrCache a(&shared, OcrCache::kDefaultTtl, sf);
  OcrCache b(&shared, OcrCache::kDefaultTtl, sf);
  std::atomic<bool> started{false};
  bool hit = false;
  std::thread first([&] {
    auto r = a.GetOrCompute(
        "ocr:p",
        [&]() -> Result<OcrPage> {
          started = true;
          std::this_thread::sleep_for(100ms);
          return Status(ErrorCode::kOcrFailed, "engine crashed");
        },
        &hit);
    EXPECT_FALSE(r.ok());
  });
  while (!started) std::this_thread::sleep_for(1ms);
  int runs = 0;
  bool hit_b = true;
  Result<OcrPage> got =
      b.GetOrCompute("ocr:p", [&]() -> Result<OcrPage> { ++runs; return OcrPage{}; }, &hit_b);
  first.join();
  EXPECT_TRUE(got.ok());
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(hit_b);
}

}  // namespace
}  // namespace sheaf
