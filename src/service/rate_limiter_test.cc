// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace sheaf {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
      std::make_shared<std::chrono::steady_clock::time_point>();
  RateLimiter::Clock AsClock() const {
    return [t = now] { return *t; };
  }
  void Advance(std::chrono::steady_clock::duration d) const { *now += d; }
};

TEST(RateLimiter, AllowsABurstThenSaysHowLongToWait) {
  FakeClock clock;
  RateLimiter limiter(2, 3, clock.AsClock());  // 2 per second, 3 at once
  EXPECT_EQ(limiter.TryAcquire("t"), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire("t"), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire("t"), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire("t"), std::optional(500ms));
  clock.Advance(499ms);
  EXPECT_EQ(limiter.TryAcquire("t"), std::optional(1ms));
  clock.Advance(1ms);
  EXPECT_EQ(limiter.TryAcquire("t"), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire("t"), std::optional(500ms));
}

TEST(RateLimiter, WaitsAreRoundedUpToWholeMilliseconds) {
  FakeClock clock;
  RateLimiter limiter(3, 1, clock.AsClock());  // a token every 333.33 ms
  EXPECT_EQ(limiter.TryAcquire("t"), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire("t"), std::optional(334ms));
  clock.Advance(333ms);
  EXPECT_EQ(limiter.TryAcquire("t"), std::optional(1ms));
  clock.Advance(1ms);
  EXPECT_EQ(limiter.TryAcquire("t"), std::nullopt);
}

TEST(RateLimiter, RefillsAtTheRateButNeverBeyondTheBurst) {
  FakeClock clock;
  RateLimiter limiter(10, 5, clock.AsClock());
  for (int i = 0; i < 5; ++i) ASSERT_EQ(limiter.TryAcquire("t"), std::nullopt);
  ASSERT_NE(limiter.TryAcquire("t"), std::nullopt);
  clock.Advance(300ms);  // three tokens
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.TryAcquire("t"), std::nullopt) << i;
  EXPECT_NE(limiter.TryAcquire("t"), std::nullopt);
  clock.Advance(1h);  // a long idle time fills the bucket only to the burst
  int allowed = 0;
  while (!limiter.TryAcquire("t")) ++allowed;
  EXPECT_EQ(allowed, 5);
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
  FakeClock clock;
  RateLimiter limiter(1, 1, clock.AsClock());
  EXPECT_EQ(limiter.TryAcquire("a"), std::nullopt);
  EXPECT_EQ(limiter.TryAcquire("a"), std::optional(1000ms));
  EXPECT_EQ(limiter.TryAcquire("b"), std::nullopt);
  EXPECT_EQ(limiter.tracked_keys(), 2u);
}

TEST(RateLimiter, IdleBucketsThatAreFullAgainAreDropped) {
  FakeClock clock;
  RateLimiter limiter(1, 2, clock.AsClock());  // full again 2 s after one request
  // Waves of new keys, each wave idle long enough for the last one's buckets to refill.
  for (int wave = 0; wave < 10; ++wave) {
    clock.Advance(3s);
    for (int i = 0; i < 1000; ++i) {
      ASSERT_EQ(limiter.TryAcquire("w" + std::to_string(wave) + "/" + std::to_string(i)),
                std::nullopt);
      ASSERT_LE(limiter.tracked_keys(), 2048u);
    }
  }
  // Once a minute a sweep runs whatever the size.
  clock.Advance(61s);
  EXPECT_EQ(limiter.TryAcquire("late"), std::nullopt);
  EXPECT_EQ(limiter.tracked_keys(), 1u);
}

TEST(RateLimiter, ABucketThatIsNotFullIsKept) {
  FakeClock clock;
  RateLimiter limiter(0.01, 2, clock.AsClock());  // 200 s from empty to full
  ASSERT_EQ(limiter.TryAcquire("slow"), std::nullopt);
  ASSERT_EQ(limiter.TryAcquire("slow"), std::nullopt);
  clock.Advance(61s);  // a sweep runs on the next call; "slow" holds 0.61 tokens
  EXPECT_EQ(limiter.TryAcquire("other"), std::nullopt);
  EXPECT_EQ(limiter.tracked_keys(), 2u);
  EXPECT_EQ(limiter.TryAcquire("slow"), std::optional(39000ms));
}

TEST(RateLimiter, ManyThreadsTakeExactlyTheBurst) {
  FakeClock clock;  // frozen: no refill while they race
  RateLimiter limiter(1, 50, clock.AsClock());
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        if (!limiter.TryAcquire("shared")) ++allowed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 50);
}

TEST(RateLimiter, NonsenseSettingsAreClamped) {
  FakeClock clock;
  RateLimiter limiter(0, 0, clock.AsClock());  // burst 1, rate 1e-6 per second
  EXPECT_EQ(limiter.TryAcquire("t"), std::nullopt);
  auto wait = limiter.TryAcquire("t");
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, std::chrono::milliseconds(1'000'000'000));
}

}  // namespace
}  // namespace sheaf
