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
#include "metadata/audit_chain.h"
#include "service/audit_check.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

// An AuditSink in memory, idempotent per (tenant, seq) like the real ones; it can be made to
// fail.
class MemoryAuditSink final : public AuditSink {
 public:
  Result<std::int64_t> ShippedUpTo(const std::string& tenant_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return Status(ErrorCode::kUnavailable, "memory sink: down");
    auto it = entries_.find(tenant_id);
    return it == entries_.end() || it->second.empty() ? 0 : it->second.rbegin()->first;
  }
  Status Write(const std::vector<AuditEntry>& entries) override {
    if (Status s = CheckAuditBatch(entries); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return Status(ErrorCode::kUnavailable, "memory sink: down");
    ++writes_;
    for (const AuditEntry& e : entries) entries_[e.tenant_id][e.seq] = e;
    return Status::Ok();
  }
  Result<std::vector<AuditEntry>> Read(const std::string& tenant_id, std::int64_t after_seq,
                                       int limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return Status(ErrorCode::kUnavailable, "memory sink: down");
    std::vector<AuditEntry> out;
    auto chain = entries_.find(tenant_id);
    if (chain == entries_.end()) return out;
    for (auto it = chain->second.upper_bound(after_seq);
         it != chain->second.end() && out.size() < static_cast<std::size_t>(limit); ++it) {
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
  std::map<std::int64_t, AuditEntry> entries(const std::string& tenant_id = "tenant-a") const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(tenant_id);
    return it == entries_.end() ? std::map<std::int64_t, AuditEntry>() : it->second;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::int64_t, AuditEntry>> entries_;  // tenant -> seq -> entry
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

  void Append(int n, const std::string& tenant = "tenant-a") {
    for (int i = 0; i < n; ++i) {
      AuditInput in;
      in.actor = "cli:test";
      in.action = "test.event";
      in.tenant_id = tenant;
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

  std::vector<AuditEntry> StoreEntries(const std::string& tenant = "tenant-a") {
    auto all = store_->ListAudit(tenant, 0, 1000);
    EXPECT_TRUE(all.ok());
    return all.ok() ? *all : std::vector<AuditEntry>{};
  }

  Result<AuditSinkVerification> Verify() {
    Result<AuditVerification> store = store_->VerifyAudit();
    if (!store.ok()) return store.status();
    return VerifyAuditSink(sink_, *store_, *store);
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
  EXPECT_EQ(shipper.shipped(), 10);
  EXPECT_EQ(shipper.backlog(), 0);
  EXPECT_EQ(shipper.errors(), 0u);
  ExpectSameEntries(StoreEntries(), sink_.entries());
}

TEST_F(AuditShipperTest, ShipsEveryTenantsChainAndCountsTheBacklogOverThemAll) {
  Append(4, "tenant-a");
  Append(3, "tenant-b");
  Append(2, "");  // the system chain
  sink_.SetDown(true);
  AuditShipper shipper({store_.get(), &sink_}, Options(2));
  EXPECT_FALSE(shipper.RunOnce().ok());
  EXPECT_EQ(shipper.backlog(), 9);
  sink_.SetDown(false);
  EXPECT_EQ(Drain(shipper), 9);
  EXPECT_EQ(shipper.backlog(), 0);
  EXPECT_EQ(shipper.shipped(), 9);
  for (const std::string tenant : {"tenant-a", "tenant-b", ""}) {
    ExpectSameEntries(StoreEntries(tenant), sink_.entries(tenant));
    EXPECT_EQ(sink_.entries(tenant).begin()->second.prev_hash, metadata::kGenesisHash)
        << "each tenant's chain starts afresh";
  }
  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->chain.intact) << v->chain.reason;
  EXPECT_EQ(v->chain.chains, 3);
  EXPECT_EQ(v->chain.entries, 9);
  EXPECT_TRUE(v->head_matches) << v->mismatch;
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
  stray.tenant_id = "tenant-a";
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
  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->chain.intact) << v->chain.reason;
  EXPECT_EQ(v->chain.entries, 5);
  EXPECT_TRUE(v->head_matches) << v->mismatch;
  ASSERT_EQ(v->chain.heads.size(), 1u);
  EXPECT_EQ(v->chain.heads[0].hash, StoreEntries()[4].hash);
}

TEST_F(AuditShipperTest, VerifyingASinkWithAChangedEntryNamesIt) {
  Append(5);
  AuditShipper shipper({store_.get(), &sink_}, Options(5));
  Drain(shipper);
  std::vector<AuditEntry> changed = {sink_.entries().at(3)};
  changed[0].actor = "someone-else";
  ASSERT_TRUE(sink_.Write(changed).ok());
  Result<AuditSinkVerification> v = Verify();
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
  in.tenant_id = "tenant-a";
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*other)->AppendAudit(in).ok());
  AuditShipper shipper({other->get(), &sink_}, Options(10));
  Drain(shipper);
  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->chain.intact);  // a chain of its own, whole
  EXPECT_FALSE(v->head_matches);
  EXPECT_NE(v->mismatch.find("entry 3 of tenant tenant-a differs"), std::string::npos)
      << v->mismatch;
}

}  // namespace
}  // namespace sheaf
