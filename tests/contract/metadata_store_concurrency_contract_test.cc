// SPDX-License-Identifier: GPL-3.0-or-later
//
// The MetadataStore contract, several processes on one database: two store objects on the same
// database race for webhook events, review tasks and the queue cap (fixture:
// metadata_store_contract.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "contract/metadata_store_contract.h"

namespace sheaf {
namespace {

using namespace metadata_contract;  // the fixture, kStart, the harness's helpers


TEST_P(MetadataStoreContract, EachWebhookEventIsClaimedByOnlyOneOfTwoConcurrentClaimers) {
  MetadataStore& first = Open();
  std::unique_ptr<MetadataStore> second = OpenAnother();
  const std::string a = NewTenant(first, "a");
  const DocumentRecord d = Create(first, a, Doc());
  constexpr int kEvents = 60;
  std::set<std::string> enqueued;
  for (int i = 0; i < kEvents; ++i) {
    auto e = first.EnqueueWebhook(a, {d.id, "https://h.example", "document.completed", "{}"});
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    enqueued.insert(e->event_id);
  }
  // Two delivery workers in two processes claim small batches until nothing is due; the lease
  // outlasts the test, so an event claimed twice is a broken claim.
  std::vector<std::string> claimed[2];
  std::atomic<int> errors{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&, w] {
      MetadataStore& m = w == 0 ? first : *second;
      for (;;) {
        auto batch = m.ClaimDueWebhooks(3, 1h);
        if (!batch.ok()) {
          ++errors;
          return;
        }
        if (batch->empty()) return;
        for (const WebhookEvent& e : *batch) {
          EXPECT_EQ(e.attempts, 1) << e.event_id;
          claimed[w].push_back(e.event_id);
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(errors.load(), 0);
  std::multiset<std::string> all(claimed[0].begin(), claimed[0].end());
  all.insert(claimed[1].begin(), claimed[1].end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kEvents)) << "no event claimed twice";
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), enqueued) << "every event claimed";
}


TEST_P(MetadataStoreContract, EachReviewTaskIsClaimedByOnlyOneOfTwoConcurrentReviewers) {
  MetadataStore& first = Open();
  std::unique_ptr<MetadataStore> second = OpenAnother();
  const std::string a = NewTenant(first, "a");
  constexpr int kTasks = 40;
  std::set<std::string> queued;
  for (int i = 0; i < kTasks; ++i) {
    DocumentRecord d = Doc();
    d.status = ProcessingStatus::kNeedsReview;
    queued.insert(Create(first, a, d).id);
  }
  // Two reviewers, each in their own process, claim small batches until nothing is left; each
  // decides on what it got (so its own claims do not come back). A document held twice is a
  // broken claim.
  std::vector<std::string> claimed[2];
  std::atomic<int> errors{0};
  std::vector<std::thread> reviewers;
  for (int w = 0; w < 2; ++w) {
    reviewers.emplace_back([&, w] {
      MetadataStore& m = w == 0 ? first : *second;
      const std::string who = w == 0 ? "alice" : "bob";
      for (;;) {
        auto batch = m.ClaimReviewTasks(a, who, 3, 1h);
        if (!batch.ok()) {
          ++errors;
          return;
        }
        if (batch->empty()) return;
        for (const DocumentRecord& d : *batch) {
          claimed[w].push_back(d.id);
          if (!m.RecordReview(a, d.id, {who, ReviewAction::kApprove, "{}", "", std::nullopt})
                   .ok()) {
            ++errors;
          }
        }
      }
    });
  }
  for (auto& t : reviewers) t.join();
  EXPECT_EQ(errors.load(), 0);
  std::multiset<std::string> all(claimed[0].begin(), claimed[0].end());
  all.insert(claimed[1].begin(), claimed[1].end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kTasks)) << "no document claimed twice";
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), queued) << "every document claimed";
}


TEST_P(MetadataStoreContract, QueueCapHoldsUnderConcurrentCreatesFromTwoStores) {
  MetadataStore& first = Open();
  std::unique_ptr<MetadataStore> second = OpenAnother();
  const std::string a = NewTenant(first, "a");
  constexpr int kCap = 7;
  constexpr int kThreads = 8;
  constexpr int kEach = 3;
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      MetadataStore& m = t % 2 == 0 ? first : *second;
      for (int i = 0; i < kEach; ++i) {
        auto r = m.CreateDocument(a, Doc(), kCap, "key:a");
        if (r.ok()) {
          ++accepted;
        } else if (r.status().code() == ErrorCode::kLimitExceeded) {
          ++refused;
        } else {
          ++other;
          ADD_FAILURE() << r.status().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(accepted.load(), kCap);
  EXPECT_EQ(refused.load(), kThreads * kEach - kCap);
  EXPECT_EQ(*first.CountQueued(a), kCap);
  EXPECT_EQ(*second->CountQueued(a), kCap);
  EXPECT_EQ(first.ListDocuments(a, {})->documents.size(), static_cast<std::size_t>(kCap));
  EXPECT_TRUE(second->VerifyAudit()->intact);
}


}  // namespace
}  // namespace sheaf
