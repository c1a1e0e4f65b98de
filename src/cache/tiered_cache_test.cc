// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/tiered_cache.h"

#include <gtest/gtest.h>

#include "cache/memory_cache.h"

namespace sheaf {
namespace {

TEST(TieredCache, AFarHitIsCopiedNearAndPutsReachBoth) {
  auto near_ptr = std::make_shared<MemoryCache>(1 << 20);
  auto far_ptr = std::make_shared<MemoryCache>(1 << 20);
  MemoryCache& near = *near_ptr;
  MemoryCache& far = *far_ptr;
  TieredCache cache(near_ptr, far_ptr);
  ASSERT_TRUE(far.Put("k", "v", std::chrono::seconds(60)).ok());
  EXPECT_FALSE(near.Get("k")->has_value());
  Result<std::optional<std::string>> got = cache.Get("k");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, "v");
  EXPECT_EQ(*near.Get("k").value(), "v");  // copied near

  ASSERT_TRUE(cache.Put("p", "q", std::chrono::seconds(60)).ok());
  EXPECT_EQ(*near.Get("p").value(), "q");
  EXPECT_EQ(*far.Get("p").value(), "q");
  EXPECT_FALSE(cache.Get("missing")->has_value());
}

}  // namespace
}  // namespace sheaf
