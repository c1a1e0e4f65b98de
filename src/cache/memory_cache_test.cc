// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/memory_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace sheaf {
namespace {

using namespace std::chrono_literals;

// A clock that moves only when told to.
struct FakeClock {
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
      std::make_shared<std::chrono::steady_clock::time_point>();
  MemoryCache::Clock AsClock() const {
    return [t = now] { return *t; };
  }
  void Advance(std::chrono::steady_clock::duration d) const { *now += d; }
};

// The contract every cache keeps is tested in tests/contract/cache_contract_test.cc; here, what
// only MemoryCache promises (its counters, its byte budget, its clock).

// The cost of an entry, as the cache counts it.
constexpr std::size_t Cost(std::string_view key, std::string_view value) {
  return key.size() + value.size() + MemoryCache::kEntryOverhead;
}

std::optional<std::string> GetOrDie(MemoryCache& c, const std::string& key) {
  auto got = c.Get(key);
  EXPECT_TRUE(got.ok());
  return got.ok() ? *got : std::nullopt;
}

TEST(MemoryCache, AGetOfAMissingKeyCountsAMiss) {
  MemoryCache c(1 << 20);
  EXPECT_EQ(GetOrDie(c, "nope"), std::nullopt);
  EXPECT_EQ(c.misses(), 1u);
  EXPECT_EQ(c.hits(), 0u);
}

TEST(MemoryCache, AReplacedValueIsHeldAndCountedOnce) {
  MemoryCache c(1 << 20);
  ASSERT_TRUE(c.Put("ocr:1", std::string("a\0b", 3), 60s).ok());
  EXPECT_EQ(GetOrDie(c, "ocr:1"), std::string("a\0b", 3));
  ASSERT_TRUE(c.Put("ocr:1", "second", 60s).ok());
  EXPECT_EQ(GetOrDie(c, "ocr:1"), "second");
  EXPECT_EQ(c.entries(), 1u);
  EXPECT_EQ(c.bytes(), Cost("ocr:1", "second"));
  EXPECT_EQ(c.hits(), 2u);
}

TEST(MemoryCache, EvictsTheLeastRecentlyUsedEntryFirst) {
  // Room for exactly three entries of this size.
  MemoryCache c(3 * Cost("a", "0123456789"));
  ASSERT_TRUE(c.Put("a", "0123456789", 60s).ok());
  ASSERT_TRUE(c.Put("b", "0123456789", 60s).ok());
  ASSERT_TRUE(c.Put("c", "0123456789", 60s).ok());
  EXPECT_EQ(c.evictions(), 0u);
  ASSERT_TRUE(GetOrDie(c, "a").has_value());  // now b is the least recently used
  ASSERT_TRUE(c.Put("d", "0123456789", 60s).ok());
  EXPECT_EQ(c.evictions(), 1u);
  EXPECT_EQ(GetOrDie(c, "b"), std::nullopt);
  EXPECT_TRUE(GetOrDie(c, "a").has_value());
  EXPECT_TRUE(GetOrDie(c, "c").has_value());
  EXPECT_TRUE(GetOrDie(c, "d").has_value());
  // A bigger entry pushes out as many as it needs, oldest first: a, then c (d was read last).
  ASSERT_TRUE(GetOrDie(c, "d").has_value());
  ASSERT_TRUE(c.Put("e", std::string(Cost("a", "0123456789") + 5, 'x'), 60s).ok());
  EXPECT_EQ(c.evictions(), 3u);
  EXPECT_EQ(GetOrDie(c, "a"), std::nullopt);
  EXPECT_EQ(GetOrDie(c, "c"), std::nullopt);
  EXPECT_TRUE(GetOrDie(c, "d").has_value());
  EXPECT_EQ(c.entries(), 2u);
}

TEST(MemoryCache, NeverHoldsMoreBytesThanItsBudget) {
  const std::size_t budget = 4096;
  MemoryCache c(budget);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> key_of(0, 40), size_of(0, 900);
  for (int i = 0; i < 3000; ++i) {
    std::string key = "k" + std::to_string(key_of(rng));
    std::string value(static_cast<std::size_t>(size_of(rng)), 'v');
    ASSERT_TRUE(c.Put(key, value, 60s).ok());
    ASSERT_LE(c.bytes(), budget);
    // What was just stored is there (every value here fits the budget).
    ASSERT_EQ(GetOrDie(c, key), value) << i;
  }
  EXPECT_GT(c.evictions(), 0u);
}

TEST(MemoryCache, AValueLargerThanTheBudgetIsNotStoredAndDropsTheOldOne) {
  MemoryCache c(1000);
  ASSERT_TRUE(c.Put("k", "small", 60s).ok());
  ASSERT_TRUE(c.Put("other", "x", 60s).ok());
  EXPECT_TRUE(c.Put("k", std::string(1000, 'x'), 60s).ok());
  EXPECT_EQ(GetOrDie(c, "k"), std::nullopt);
  EXPECT_EQ(GetOrDie(c, "other"), "x");  // nothing else was evicted for it
  EXPECT_EQ(c.evictions(), 0u);
  EXPECT_EQ(c.bytes(), Cost("other", "x"));
  // An entry costing exactly the budget fits.
  std::string exact(1000 - Cost("k", ""), 'y');
  ASSERT_TRUE(c.Put("k", exact, 60s).ok());
  EXPECT_EQ(GetOrDie(c, "k"), exact);
  EXPECT_EQ(c.bytes(), 1000u);
}

TEST(MemoryCache, EntriesExpireAfterTheirTtlByTheInjectedClock) {
  FakeClock clock;
  MemoryCache c(1 << 20, clock.AsClock());
  ASSERT_TRUE(c.Put("short", "1", 10s).ok());
  ASSERT_TRUE(c.Put("long", "2", 100s).ok());
  clock.Advance(9s);
  EXPECT_EQ(GetOrDie(c, "short"), "1");
  clock.Advance(1s);
  EXPECT_EQ(GetOrDie(c, "short"), std::nullopt);
  EXPECT_EQ(c.entries(), 1u);  // dropped, not only hidden
  EXPECT_EQ(c.bytes(), Cost("long", "2"));
  EXPECT_EQ(GetOrDie(c, "long"), "2");
  // A Put restarts the time to live.
  clock.Advance(80s);
  ASSERT_TRUE(c.Put("long", "3", 100s).ok());
  clock.Advance(80s);
  EXPECT_EQ(GetOrDie(c, "long"), "3");
  EXPECT_EQ(c.hits(), 3u);
  EXPECT_EQ(c.misses(), 1u);
}

TEST(MemoryCache, ATtlOfZeroOrLessStoresNothing) {
  MemoryCache c(1 << 20);
  ASSERT_TRUE(c.Put("k", "v", 60s).ok());
  ASSERT_TRUE(c.Put("k", "v2", 0s).ok());
  ASSERT_TRUE(c.Put("j", "v", -5s).ok());
  EXPECT_EQ(GetOrDie(c, "k"), std::nullopt);
  EXPECT_EQ(GetOrDie(c, "j"), std::nullopt);
  EXPECT_EQ(c.entries(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
}

TEST(MemoryCache, AHugeTtlDoesNotOverflow) {
  FakeClock clock;
  clock.Advance(1000h);
  MemoryCache c(1 << 20, clock.AsClock());
  ASSERT_TRUE(c.Put("k", "v", std::chrono::seconds::max()).ok());
  clock.Advance(24h * 365 * 100);
  EXPECT_EQ(GetOrDie(c, "k"), "v");
}

TEST(MemoryCache, EraseRemovesOneKey) {
  MemoryCache c(1 << 20);
  ASSERT_TRUE(c.Put("a", "1", 60s).ok());
  ASSERT_TRUE(c.Put("b", "2", 60s).ok());
  c.Erase("a");
  c.Erase("missing");
  EXPECT_EQ(GetOrDie(c, "a"), std::nullopt);
  EXPECT_EQ(GetOrDie(c, "b"), "2");
  EXPECT_EQ(c.bytes(), Cost("b", "2"));
}

TEST(MemoryCache, ErasePrefixRemovesExactlyTheKeysStartingWithIt) {
  MemoryCache c(1 << 20);
  for (const char* k : {"api/t1", "api/t1/a", "api/t1/b", "api/t10/a", "api/t2/a", "api/t0", "b"}) {
    ASSERT_TRUE(c.Put(k, "v", 60s).ok());
  }
  c.ErasePrefix("api/t1/");
  EXPECT_EQ(GetOrDie(c, "api/t1/a"), std::nullopt);
  EXPECT_EQ(GetOrDie(c, "api/t1/b"), std::nullopt);
  for (const char* k : {"api/t1", "api/t10/a", "api/t2/a", "api/t0", "b"}) {
    EXPECT_EQ(GetOrDie(c, k), "v") << k;
  }
  EXPECT_EQ(c.entries(), 5u);
  c.ErasePrefix("api/");
  EXPECT_EQ(c.entries(), 1u);
  EXPECT_EQ(c.bytes(), Cost("b", "v"));
  c.ErasePrefix("");
  EXPECT_EQ(c.entries(), 0u);
  EXPECT_EQ(c.bytes(), 0u);
}

TEST(MemoryCache, ManyThreadsKeepItConsistent) {
  const std::size_t budget = 8 * 1024;
  MemoryCache c(budget);
  constexpr int kThreads = 4, kOps = 4000;
  std::atomic<int> gets{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      std::uniform_int_distribution<int> key_of(0, 60), op_of(0, 9), size_of(1, 300);
      for (int i = 0; i < kOps; ++i) {
        std::string key = "t/" + std::to_string(key_of(rng));
        int op = op_of(rng);
        if (op < 5) {
          // Values carry their key, so a value under the wrong key would show.
          std::string value = key + ":" + std::string(static_cast<std::size_t>(size_of(rng)), 'v');
          if (!c.Put(key, value, 60s).ok()) ++wrong;
        } else if (op < 9) {
          ++gets;
          auto got = c.Get(key);
          if (!got.ok() || (got->has_value() && (*got)->rfind(key + ":", 0) != 0)) ++wrong;
        } else if (i % 2) {
          c.Erase(key);
        } else {
          c.ErasePrefix("t/1");
        }
        if (c.bytes() > budget) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(c.hits() + c.misses(), static_cast<std::uint64_t>(gets.load()));
  EXPECT_GT(c.hits(), 0u);
  EXPECT_LE(c.bytes(), budget);
  // bytes() is the sum of what is held: emptying the cache brings it to zero exactly.
  c.ErasePrefix("");
  EXPECT_EQ(c.bytes(), 0u);
  EXPECT_EQ(c.entries(), 0u);
}

}  // namespace
}  // namespace sheaf
