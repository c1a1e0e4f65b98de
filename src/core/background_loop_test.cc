// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/background_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace sheaf {
namespace {

using std::chrono::milliseconds;

// Waits up to 10 s for `pred`; the loop's own timing is never asserted, only what happened.
template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 1000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

TEST(BackgroundLoop, RunsTheStepAtOnceAndAgainAfterEachWait) {
  BackgroundLoop loop("test");
  std::atomic<int> runs{0};
  ASSERT_TRUE(loop.Start([&] {
    ++runs;
    return BackgroundLoop::Next{milliseconds(1), true};
  }).ok());
  EXPECT_TRUE(Eventually([&] { return runs.load() >= 3; }));
  loop.Stop();
  const int after_stop = runs.load();
  std::this_thread::sleep_for(milliseconds(30));
  EXPECT_EQ(runs.load(), after_stop);
  EXPECT_FALSE(loop.running());
}

TEST(BackgroundLoop, StopEndsALongWaitAndIsIdempotent) {
  BackgroundLoop loop("test");
  std::atomic<int> runs{0};
  ASSERT_TRUE(loop.Start([&] {
    ++runs;
    return BackgroundLoop::Next{std::chrono::hours(1), false};
  }).ok());
  ASSERT_TRUE(Eventually([&] { return runs.load() == 1; }));
  loop.Stop();  // would hang for an hour if the unwakeable wait ignored Stop
  loop.Stop();
  EXPECT_TRUE(loop.stopping());
  EXPECT_EQ(runs.load(), 1);
}

TEST(BackgroundLoop, WakeEndsAWakeableWaitButNotAnUnwakeableOne) {
  BackgroundLoop loop("test");
  std::atomic<int> runs{0};
  std::atomic<bool> wakeable{false};
  ASSERT_TRUE(loop.Start([&] {
    ++runs;
    return BackgroundLoop::Next{std::chrono::hours(1), wakeable.load()};
  }).ok());
  ASSERT_TRUE(Eventually([&] { return runs.load() == 1; }));
  loop.Wake();  // the first wait is unwakeable: nothing runs
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(runs.load(), 1);
  loop.Stop();

  BackgroundLoop second("test");
  runs = 0;
  wakeable = true;
  ASSERT_TRUE(second.Start([&] {
    ++runs;
    return BackgroundLoop::Next{std::chrono::hours(1), wakeable.load()};
  }).ok());
  ASSERT_TRUE(Eventually([&] { return runs.load() == 1; }));
  second.Wake();
  EXPECT_TRUE(Eventually([&] { return runs.load() == 2; }));
}

TEST(BackgroundLoop, AWakeDuringTheStepIsNotLost) {
  BackgroundLoop loop("test");
  std::atomic<int> runs{0};
  ASSERT_TRUE(loop.Start([&] {
    if (++runs == 1) loop.Wake();  // arrives before the wait begins
    return BackgroundLoop::Next{std::chrono::hours(1), true};
  }).ok());
  EXPECT_TRUE(Eventually([&] { return runs.load() >= 2; }));
}

TEST(BackgroundLoop, StartWhileRunningKeepsTheFirstStep) {
  BackgroundLoop loop("test");
  std::atomic<int> first{0}, second{0};
  ASSERT_TRUE(loop.Start([&] {
    ++first;
    return BackgroundLoop::Next{milliseconds(1), true};
  }).ok());
  ASSERT_TRUE(loop.Start([&] {
    ++second;
    return BackgroundLoop::Next{milliseconds(1), true};
  }).ok());
  EXPECT_TRUE(Eventually([&] { return first.load() >= 2; }));
  loop.Stop();
  EXPECT_EQ(second.load(), 0);
}

}  // namespace
}  // namespace sheaf
