// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/audit_shipper.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "fixtures.h"
#include "service/audit_check.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

// An AuditSink in memory, idempotent per seq like the real ones; it can be made to fail.
class MemoryAuditSink final : public AuditSink {
 public:
  Result<std::int64_t> ShippedUpTo() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return Status(ErrorCode::kUnavailable, "memory sink: down");
    return entries_.empty() ? 0 : entries_.rbegin()->first;
  }
  Status Write(const std::vector<AuditEntry>& entries) override {
    if (Status s = CheckAuditBatch(entries); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return Status(ErrorCode::kUnavailable, "memory sink: down");
    ++writes_;
    for (const AuditEntry& e : entries) entries_[e.seq] = e;
    return Status::Ok();
  }
  Result<std::vector<AuditEntry>> Read(std::int64_t after_seq, int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return Status(ErrorCode::kUnavailable, "memory sink: down");
    std::vector<AuditEntry> out;
    for (auto it = entries_.upper_bound(after_seq);
         it != entries_.end() && it->first <= after_seq + limit; ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  void SetDown(bool down) {
    std::lock_guard<std::mutex> lock(mu_);
    down_ = down;
  }
  int writes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }
  std::map<std::int64_t, AuditEntry> entries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::int64_t, AuditEntry> entries_;
  bool down_ = false;
  int writes_ = 0;
};

class AuditShipperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = OpenSqliteMetadataStore(testing::TempDir() + "/metadata.sqlite");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      AuditInput in;
      in.actor = "cli:test";
      in.action = "test.event";
      in.tenant_id = i % 2 == 0 ? "tenant-a" : "tenant-b";
      in.details_json = "{\"i\":" + std::to_string(i) + "}";
      ASSERT_TRUE(store_->AppendAudit(in).ok());
    }
  }

  AuditShipperOptions Options(int batch) {
    AuditShipperOptions o;
    o.batch = batch;
    o.poll_interval = 10ms;
    o.backoff = {1ms, 2.0, 20ms};
    o.jitter_seed = 7;
    return o;
  }

  // RunOnce until a round ships nothing; returns the entries shipped.
  int Drain(AuditShipper& shipper) {
    int total = 0;
    for (int round = 0; round < 1000; ++round) {
      Result<int> n = shipper.RunOnce();
      EXPECT_TRUE(n.ok()) << n.status().ToString();
      if (!n.ok() || *n == 0) break;
      total += *n;
    }
    return total;
  }

  std::vector<AuditEntry> StoreEntries() {
    auto all = store_->ListAudit(0, 1000);
    EXPECT_TRUE(all.ok());
    return all.ok() ? *all : std::vector<AuditEntry>{};
  }

  std::unique_ptr<MetadataStore> store_;
  MemoryAuditSink sink_;
};

void ExpectSameEntries(const std::vector<AuditEntry>& store,
                       const std::map<std::int64_t, AuditEntry>& sink) {
  ASSERT_EQ(store.size(), sink.size());
  for (const AuditEntry& e : store) {
    auto it = sink.find(e.seq);
    ASSERT_NE(it, sink.end()) << e.seq;
    EXPECT_EQ(it->second.hash, e.hash);
    EXPECT_EQ(it->second.prev_hash, e.prev_hash);
    EXPECT_EQ(it->second.details_json, e.details_json);
    EXPECT_EQ(it->second.tenant_id, e.tenant_id);
    EXPECT_EQ(it->second.at, e.at);
  }
}

TEST_F(AuditShipperTest, ShipsEveryEntryInBatchesAndEndsWithNoBacklog) {
  Append(10);
  AuditShipper shipper({store_.get(), &sink_}, Options(3));
  EXPECT_EQ(Drain(shipper), 10);
  EXPECT_EQ(sink_.writes(), 4);  // 3 + 3 + 3 + 1
  EXPECT_EQ(shipper.shipped_seq(), 10);
  EXPECT_EQ(shipper.backlog(), 0);
  EXPECT_EQ(shipper.errors(), 0u);
  ExpectSameEntries(StoreEntries(), sink_.entries());
}

TEST_F(AuditShipperTest, StartsFromWhatTheSinkHoldsNotFromTheBeginning) {
  Append(8);
  std::vector<AuditEntry> first = StoreEntries();
  first.resize(5);
  ASSERT_TRUE(sink_.Write(first).ok());  // another shipper got this far
  AuditShipper shipper({store_.get(), &sink_}, Options(100));
  EXPECT_EQ(Drain(shipper), 3);
  EXPECT_EQ(sink_.writes(), 2);
  ExpectSameEntries(StoreEntries(), sink_.entries());
}

TEST_F(AuditShipperTest, ASinkThatIsDownGrowsTheBacklogAndIsCaughtUpWhenItIsBack) {
  Append(4);
  sink_.SetDown(true);
  AuditShipper shipper({store_.get(), &sink_}, Options(2));
  Result<int> failed = shipper.RunOnce();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(shipper.backlog(), 4);
  Append(3);  // the store takes entries while the sink is down
  EXPECT_FALSE(shipper.RunOnce().ok());
  EXPECT_EQ(shipper.backlog(), 7);
  EXPECT_EQ(shipper.errors(), 2u);
  EXPECT_NE(shipper.last_error().find("memory sink: down"), std::string::npos);

  sink_.SetDown(false);
  EXPECT_EQ(Drain(shipper), 7);
  EXPECT_EQ(shipper.backlog(), 0);
  EXPECT_EQ(shipper.last_error(), "");
  ExpectSameEntries(StoreEntries(), sink_.entries());
}

TEST_F(AuditShipperTest, AWriteThatFailedIsRetriedFromTheSinksPosition) {
  Append(6);
  AuditShipper shipper({store_.get(), &sink_}, Options(3));
  ASSERT_EQ(*shipper.RunOnce(), 3);
  sink_.SetDown(true);
  EXPECT_FALSE(shipper.RunOnce().ok());
  EXPECT_EQ(shipper.backlog(), 3);
  sink_.SetDown(false);
  EXPECT_EQ(Drain(shipper), 3);
  ExpectSameEntries(StoreEntries(), sink_.entries());
}

TEST_F(AuditShipperTest, ASinkAheadOfTheStoreIsAnErrorAndNothingIsWritten) {
  Append(2);
  AuditEntry stray;
  stray.seq = 1;
  std::vector<AuditEntry> ahead;
  for (std::int64_t seq = 1; seq <= 5; ++seq) {
    stray.seq = seq;
    ahead.push_back(stray);
  }
  ASSERT_TRUE(sink_.Write(ahead).ok());
  AuditShipper shipper({store_.get(), &sink_}, Options(10));
  Result<int> r = shipper.RunOnce();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("up to 5"), std::string::npos) << r.status().message();
  EXPECT_EQ(sink_.writes(), 1);
}

TEST_F(AuditShipperTest, RunsInTheBackgroundUntilStopped) {
  AuditShipper shipper({store_.get(), &sink_}, Options(4));
  ASSERT_TRUE(shipper.Start().ok());
  Append(9);
  // Waits (bounded) for the worker to ship all; the assertion is on what it shipped.
  for (int i = 0; i < 1000 && sink_.entries().size() < 9; ++i) std::this_thread::sleep_for(10ms);
  shipper.Stop();
  ExpectSameEntries(StoreEntries(), sink_.entries());
  EXPECT_EQ(shipper.backlog(), 0);
}

TEST_F(AuditShipperTest, StartRefusesMissingPartsAndABatchOutOfRange) {
  AuditShipper no_sink({store_.get(), nullptr}, Options(4));
  EXPECT_EQ(no_sink.Start().code(), ErrorCode::kInvalidArgument);
  AuditShipper huge({store_.get(), &sink_}, Options(AuditSink::kMaxBatch + 1));
  EXPECT_EQ(huge.Start().code(), ErrorCode::kInvalidArgument);
}

TEST_F(AuditShipperTest, VerifyingTheSinkFindsItIntactAndItsHeadTheStores) {
  Append(5);
  AuditShipper shipper({store_.get(), &sink_}, Options(2));
  Drain(shipper);
  Append(2);  // not shipped yet: the sink's head is still the store's entry 5
  Result<AuditSinkVerification> v = VerifyAuditSink(sink_, *store_);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->chain.intact) << v->chain.reason;
  EXPECT_EQ(v->chain.entries, 5);
  EXPECT_TRUE(v->head_matches) << v->mismatch;
  EXPECT_EQ(v->chain.head_hash, StoreEntries()[4].hash);
}

TEST_F(AuditShipperTest, VerifyingASinkWithAChangedEntryNamesIt) {
  Append(5);
  AuditShipper shipper({store_.get(), &sink_}, Options(5));
  Drain(shipper);
  std::vector<AuditEntry> changed = {sink_.entries().at(3)};
  changed[0].actor = "someone-else";
  ASSERT_TRUE(sink_.Write(changed).ok());
  Result<AuditSinkVerification> v = VerifyAuditSink(sink_, *store_);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->chain.intact);
  EXPECT_EQ(v->chain.first_bad_seq, 3);
}

TEST_F(AuditShipperTest, VerifyingASinkOfAnotherStoreReportsTheHeadsDisagree) {
  Append(3);
  auto other = OpenSqliteMetadataStore(testing::TempDir() + "/other.sqlite");
  ASSERT_TRUE(other.ok());
  AuditInput in;
  in.actor = "cli:other";
  in.action = "other.event";
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*other)->AppendAudit(in).ok());
  AuditShipper shipper({other->get(), &sink_}, Options(10));
  Drain(shipper);
  Result<AuditSinkVerification> v = VerifyAuditSink(sink_, *store_);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->chain.intact);  // a chain of its own, whole
  EXPECT_FALSE(v->head_matches);
  EXPECT_NE(v->mismatch.find("entry 3 differs"), std::string::npos) << v->mismatch;
}

}  // namespace
}  // namespace sheaf
