// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/ocr_cache.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "cache/disk_cache.h"
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
