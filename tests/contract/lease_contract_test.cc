// SPDX-License-Identifier: GPL-3.0-or-later
//
// The LeaseTable contract (include/sheaf/lease.h) against the in-process table and Redis (when
// SHEAF_TEST_REDIS names a server; each test under its own key prefix).
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/redis/redis_cache.h"
#include "backends.h"
#include "cache/memory_leases.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

struct LeaseBackend {
  std::string name;
  // Makes `n` handles on one fresh table (for Redis: n clients, as n workers would hold).
  std::function<std::vector<std::shared_ptr<LeaseTable>>(int n, std::string* skip)> make;
};

// Names the backend in test output (instead of its bytes).
void PrintTo(const LeaseBackend& backend, std::ostream* os) { *os << backend.name; }

const std::vector<LeaseBackend>& Backends() {
  static const std::vector<LeaseBackend> kAll = {
      {"Memory",
       [](int n, std::string*) {
         auto one = std::make_shared<MemoryLeases>();
         return std::vector<std::shared_ptr<LeaseTable>>(static_cast<std::size_t>(n), one);
       }},
      {"Redis",
       [](int n, std::string* skip) {
         std::vector<std::shared_ptr<LeaseTable>> out;
         std::optional<RedisOptions> o = testing::TestRedisOptions("sheaf-test-lease");
         if (!o) {
           *skip = testing::kNoTestRedis;
           return out;
         }
         for (int i = 0; i < n; ++i) out.push_back(std::make_shared<RedisCache>(*o));
         return out;
       }},
  };
  return kAll;
}

class LeaseContract : public ::testing::TestWithParam<LeaseBackend> {
 protected:
  void SetUp() override {
    std::string skip;
    tables_ = GetParam().make(2, &skip);
    if (!skip.empty()) GTEST_SKIP() << skip;
    ASSERT_EQ(tables_.size(), 2u);
  }
  std::vector<std::shared_ptr<LeaseTable>> tables_;
};

TEST_P(LeaseContract, OnlyOneHolderAtATimeUntilItReleases) {
  LeaseTable& a = *tables_[0];
  LeaseTable& b = *tables_[1];
  auto first = a.TryAcquire("page", 60s);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(first->has_value());
  EXPECT_FALSE((*first)->empty());
  auto second = b.TryAcquire("page", 60s);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
  auto other = b.TryAcquire("other page", 60s);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->has_value());
  ASSERT_TRUE(a.Release("page", **first).ok());
  auto third = b.TryAcquire("page", 60s);
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(third->has_value());
  EXPECT_NE(**third, **first);
}

TEST_P(LeaseContract, ReleaseWithAnotherTokenLeavesTheLeaseHeld) {
  auto held = tables_[0]->TryAcquire("page", 60s);
  ASSERT_TRUE(held.ok() && held->has_value());
  EXPECT_TRUE(tables_[1]->Release("page", "not-the-token").ok());
  EXPECT_TRUE(tables_[1]->Release("never-taken", "x").ok());
  auto again = tables_[1]->TryAcquire("page", 60s);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST_P(LeaseContract, ALeaseLapsesAfterItsTtl) {
  auto held = tables_[0]->TryAcquire("page", 200ms);
  ASSERT_TRUE(held.ok() && held->has_value());
  // Bounded wait: the lease must lapse well within 10 s.
  bool taken = false;
  for (int i = 0; i < 100 && !taken; ++i) {
    std::this_thread::sleep_for(100ms);
    auto r = tables_[1]->TryAcquire("page", 60s);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    taken = r->has_value();
  }
  EXPECT_TRUE(taken);
  // The lapsed holder's release does not free the new holder's lease.
  EXPECT_TRUE(tables_[0]->Release("page", **held).ok());
  auto r = tables_[0]->TryAcquire("page", 60s);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
}

TEST_P(LeaseContract, AZeroTtlIsRefused) {
  EXPECT_EQ(tables_[0]->TryAcquire("page", 0ms).status().code(), ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(AllLeaseTables, LeaseContract, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<LeaseBackend>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace sheaf
