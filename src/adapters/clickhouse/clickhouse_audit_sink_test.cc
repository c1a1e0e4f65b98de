// SPDX-License-Identifier: GPL-3.0-or-later
//
// Against the real ClickHouse named by SHEAF_TEST_CLICKHOUSE (e.g. http://127.0.0.1:18123);
// skipped when it is unset. Each test works in a database of its own, dropped at the end.
#include "adapters/clickhouse/clickhouse_audit_sink.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "fixtures.h"
#include "metadata/audit_chain.h"
#include "service/audit_check.h"
#include "service/audit_shipper.h"

namespace sheaf::clickhouse {
namespace {

using namespace std::chrono_literals;

// A loopback port nothing listens on (bound, then closed).
int DeadPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

class ClickHouseAuditSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("SHEAF_TEST_CLICKHOUSE");
    if (endpoint == nullptr || *endpoint == '\0') {
      GTEST_SKIP() << "SHEAF_TEST_CLICKHOUSE is not set (e.g. http://127.0.0.1:18123)";
    }
    std::random_device rd;
    char name[32];
    std::snprintf(name, sizeof(name), "t_%08x%08x", rd(), rd());
    options_.endpoint = endpoint;
    options_.database = name;
    options_.timeout = 10s;
    if (const char* user = std::getenv("CLICKHOUSE_USER")) options_.user = user;
    if (const char* password = std::getenv("CLICKHOUSE_PASSWORD")) options_.password = password;
    Result<std::string> created = Execute(options_, "CREATE DATABASE " + options_.database);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    dropped_ = false;
    sink_ = NewSink();
    auto s = OpenSqliteMetadataStore(testing::TempDir() + "/metadata.sqlite");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  void TearDown() override {
    if (!dropped_) {
      Result<std::string> r = Execute(options_, "DROP DATABASE IF EXISTS " + options_.database);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  std::unique_ptr<AuditSink> NewSink() {
    Result<std::unique_ptr<AuditSink>> sink = OpenClickHouseAuditSink(options_);
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    return sink.ok() ? std::move(sink).value() : nullptr;
  }

  void Append(int n, MetadataStore* store = nullptr) {
    store = store != nullptr ? store : store_.get();
    for (int i = 0; i < n; ++i) {
      AuditInput in;
      in.actor = "key:k" + std::to_string(i % 3);
      in.action = i % 4 == 0 ? "document.ingested" : "document.updated";
      in.tenant_id = i % 2 == 0 ? "tenant-a" : "tenant-b";
      in.document_id = "doc-" + std::to_string(i % 5);
      in.details_json = "{\"i\":" + std::to_string(i) + ",\"note\":\"caf\\u00e9 \\\"q\\\"\"}";
      ASSERT_TRUE(store->AppendAudit(in).ok());
    }
  }

  AuditShipperOptions Options(int batch) {
    AuditShipperOptions o;
    o.batch = batch;
    o.poll_interval = 20ms;
    o.backoff = {5ms, 2.0, 50ms};
    return o;
  }

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

  // One number from ClickHouse, e.g. "SELECT count() FROM db.sheaf_audit FINAL".
  std::int64_t Number(const std::string& sql) {
    Result<std::string> r = Execute(options_, sql);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::stoll(*r) : -1;
  }
  std::string Table() const { return options_.database + ".sheaf_audit"; }

  // The store's chain of `tenant` (Append writes to tenant-a's and tenant-b's).
  std::vector<AuditEntry> Chain(const std::string& tenant, std::int64_t after = 0, int limit = 1000) {
    Result<std::vector<AuditEntry>> mine = store_->ListAudit(tenant, after, limit);
    EXPECT_TRUE(mine.ok()) << mine.status().ToString();
    return mine.ok() ? *mine : std::vector<AuditEntry>{};
  }

  Result<AuditSinkVerification> Verify() {
    Result<AuditVerification> store = store_->VerifyAudit();
    if (!store.ok()) return store.status();
    EXPECT_TRUE(store->intact) << store->reason;
    return VerifyAuditSink(*sink_, *store_, *store);
  }

  // Every entry of the store is in ClickHouse exactly once, and the same.
  void ExpectEveryEntryOnce() {
    std::int64_t n = 0;
    for (const std::string tenant : {"tenant-a", "tenant-b"}) {
      const std::vector<AuditEntry> mine = Chain(tenant);
      n += static_cast<std::int64_t>(mine.size());
      Result<std::vector<AuditEntry>> theirs = sink_->Read(tenant, 0, AuditSink::kMaxBatch);
      ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
      ASSERT_EQ(theirs->size(), mine.size());
      ExpectSame(mine, *theirs);
    }
    EXPECT_EQ(Number("SELECT count() FROM " + Table() + " FINAL"), n);
    EXPECT_EQ(Number("SELECT uniqExact(tenant_id, seq) FROM " + Table()), n);
  }

  static void ExpectSame(const std::vector<AuditEntry>& mine,
                         const std::vector<AuditEntry>& theirs) {
    for (std::size_t i = 0; i < mine.size(); ++i) {
      const AuditEntry& a = mine[i];
      const AuditEntry& b = theirs[i];
      EXPECT_EQ(a.seq, b.seq);
      EXPECT_EQ(a.at, b.at);
      EXPECT_EQ(a.actor, b.actor);
      EXPECT_EQ(a.action, b.action);
      EXPECT_EQ(a.tenant_id, b.tenant_id);
      EXPECT_EQ(a.document_id, b.document_id);
      EXPECT_EQ(a.details_json, b.details_json);
      EXPECT_EQ(a.prev_hash, b.prev_hash);
      EXPECT_EQ(a.hash, b.hash);
    }
  }

  ClickHouseOptions options_;
  bool dropped_ = true;
  std::unique_ptr<AuditSink> sink_;
  std::unique_ptr<MetadataStore> store_;
};

TEST_F(ClickHouseAuditSinkTest, ShipsEveryEntryOfASqliteStoreAndTheChainVerifies) {
  Append(25);
  AuditShipper shipper({store_.get(), sink_.get()}, Options(7));
  EXPECT_EQ(Drain(shipper), 25);
  EXPECT_EQ(shipper.backlog(), 0);
  // Two chains: tenant-a's 13 entries and tenant-b's 12.
  Result<std::int64_t> up_to = sink_->ShippedUpTo("tenant-a");
  ASSERT_TRUE(up_to.ok()) << up_to.status().ToString();
  EXPECT_EQ(*up_to, 13);
  EXPECT_EQ(*sink_->ShippedUpTo("tenant-b"), 12);
  EXPECT_EQ(*sink_->ShippedUpTo("tenant-c"), 0);
  ExpectEveryEntryOnce();
  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->chain.intact) << v->chain.reason;
  EXPECT_EQ(v->chain.entries, 25);
  EXPECT_EQ(v->chain.chains, 2);
  EXPECT_TRUE(v->head_matches) << v->mismatch;
}

TEST_F(ClickHouseAuditSinkTest, ABatchWrittenTwiceCountsOnce) {
  Append(12);  // six entries in each of two chains
  const std::vector<AuditEntry> entries = Chain("tenant-a", 0, 4);
  // A shipper wrote tenant-a's 1..4 and died before moving on; the next one writes them again.
  ASSERT_TRUE(sink_->Write(entries).ok());
  ASSERT_TRUE(sink_->Write(entries).ok());
  Result<std::int64_t> up_to = sink_->ShippedUpTo("tenant-a");
  ASSERT_TRUE(up_to.ok());
  EXPECT_EQ(*up_to, 4);
  // A shipper that starts now takes up at 5; an overlapping batch (3..6) is harmless too.
  ASSERT_TRUE(sink_->Write(Chain("tenant-a", 2, 4)).ok());
  AuditShipper shipper({store_.get(), sink_.get()}, Options(5));
  EXPECT_EQ(Drain(shipper), 6) << "only tenant-b's chain was left to ship";
  ExpectEveryEntryOnce();
  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->chain.intact) << v->chain.reason;
  EXPECT_EQ(v->chain.entries, 12);
}

TEST_F(ClickHouseAuditSinkTest, TwoShippersAtOnceStoreEachEntryOnce) {
  Append(40);
  std::unique_ptr<AuditSink> other_sink = NewSink();
  ASSERT_NE(other_sink, nullptr);
  AuditShipper one({store_.get(), sink_.get()}, Options(6));
  AuditShipper two({store_.get(), other_sink.get()}, Options(9));
  ASSERT_TRUE(one.Start().ok());
  ASSERT_TRUE(two.Start().ok());
  Append(20);  // while both ship
  // Waits (bounded) until both see nothing left; the assertions are on what ClickHouse holds.
  for (int i = 0; i < 3000; ++i) {
    if (one.shipped() == 60 && two.shipped() == 60) break;
    std::this_thread::sleep_for(10ms);
  }
  one.Stop();
  two.Stop();
  EXPECT_EQ(one.backlog(), 0) << one.last_error();
  EXPECT_EQ(two.backlog(), 0) << two.last_error();
  ExpectEveryEntryOnce();
  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->chain.intact) << v->chain.reason;
  EXPECT_EQ(v->chain.entries, 60);
  EXPECT_TRUE(v->head_matches) << v->mismatch;
}

TEST_F(ClickHouseAuditSinkTest, VerifyDetectsAnEntryChangedInClickHouse) {
  Append(10);
  AuditShipper shipper({store_.get(), sink_.get()}, Options(100));
  ASSERT_EQ(Drain(shipper), 10);
  // Tenant-a's entry 4 rewritten in place (same tenant and seq, another actor), as a mutation
  // would.
  const std::vector<AuditEntry> fourth = Chain("tenant-a", 3, 1);
  ASSERT_EQ(fourth.size(), 1u);
  const AuditEntry& e = fourth.front();
  Result<std::string> forged =
      Execute(options_, "ALTER TABLE " + Table() +
                            " UPDATE actor = 'cli:mallory' WHERE tenant_id = 'tenant-a' AND seq = 4");
  ASSERT_TRUE(forged.ok()) << forged.status().ToString();
  // Mutations run in the background in 18.16: wait (bounded) for this one to be done.
  for (int i = 0; i < 500; ++i) {
    if (Number("SELECT count() FROM system.mutations WHERE database = '" + options_.database +
               "' AND is_done = 0") == 0) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  Result<std::vector<AuditEntry>> read = sink_->Read("tenant-a", 3, 1);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  ASSERT_EQ(read->front().actor, "cli:mallory");
  ASSERT_EQ(read->front().hash, e.hash);  // the stored hash no longer matches the content

  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->chain.intact);
  EXPECT_EQ(v->chain.first_bad_tenant, "tenant-a");
  EXPECT_EQ(v->chain.first_bad_seq, 4);
  EXPECT_NE(v->chain.reason.find("hash does not match"), std::string::npos) << v->chain.reason;
}

TEST_F(ClickHouseAuditSinkTest, VerifyDetectsAnEntryReplacedByAWellFormedForgery) {
  Append(10);
  AuditShipper shipper({store_.get(), sink_.get()}, Options(100));
  ASSERT_EQ(Drain(shipper), 10);
  // Tenant-b's entry 2 written again with other content and a hash that matches it: the table
  // keeps the later row for (tenant, seq), and entry 3 no longer follows it.
  AuditEntry forged = Chain("tenant-b", 1, 1).front();
  forged.details_json = R"({"i":3,"note":"forged"})";
  forged.hash = metadata::AuditHash(forged);
  ASSERT_TRUE(sink_->Write({forged}).ok());
  Result<std::vector<AuditEntry>> read = sink_->Read("tenant-b", 1, 1);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->front().details_json, forged.details_json) << "the forgery is what is read";
  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->chain.intact);
  EXPECT_EQ(v->chain.first_bad_tenant, "tenant-b");
  EXPECT_EQ(v->chain.first_bad_seq, 3);  // its prev_hash is the true entry 2's
}

TEST_F(ClickHouseAuditSinkTest, AnUnreachableClickHouseGrowsTheBacklogAndTheShipperCatchesUpLater) {
  ClickHouseOptions dead = options_;
  dead.endpoint = "http://127.0.0.1:" + std::to_string(DeadPort());
  dead.timeout = 2s;
  Result<std::unique_ptr<AuditSink>> unreachable = OpenClickHouseAuditSink(dead);
  ASSERT_TRUE(unreachable.ok());
  Append(5);
  AuditShipper stuck({store_.get(), unreachable->get()}, Options(10));
  Result<int> r = stuck.RunOnce();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kUnavailable) << r.status().ToString();
  EXPECT_EQ(stuck.backlog(), 5);
  // In the background it keeps failing while the store goes on taking entries.
  ASSERT_TRUE(stuck.Start().ok());
  Append(7);
  for (int i = 0; i < 1000 && (stuck.errors() < 3 || stuck.backlog() < 12); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  stuck.Stop();
  EXPECT_GE(stuck.errors(), 3u);
  EXPECT_EQ(stuck.backlog(), 12);
  EXPECT_EQ(stuck.shipped(), 0);
  EXPECT_NE(stuck.last_error().find("127.0.0.1"), std::string::npos) << stuck.last_error();

  // Given a ClickHouse that answers, shipping catches up.
  AuditShipper shipper({store_.get(), sink_.get()}, Options(5));
  EXPECT_EQ(Drain(shipper), 12);
  EXPECT_EQ(shipper.backlog(), 0);
  ExpectEveryEntryOnce();
}

TEST_F(ClickHouseAuditSinkTest, AnEmptySinkHoldsNothingAndReadsNothing) {
  Result<std::int64_t> up_to = sink_->ShippedUpTo("tenant-a");
  ASSERT_TRUE(up_to.ok()) << up_to.status().ToString();
  EXPECT_EQ(*up_to, 0);
  Result<std::vector<AuditEntry>> read = sink_->Read("tenant-a", 0, 10);
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
  EXPECT_EQ(sink_->Read("tenant'; DROP TABLE x", 0, 10).status().code(),
            ErrorCode::kInvalidArgument);
  Result<AuditSinkVerification> v = Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->chain.intact);
  EXPECT_EQ(v->chain.entries, 0);
}

TEST_F(ClickHouseAuditSinkTest, CredentialsAreSentAndNeverPartOfAMessage) {
  ClickHouseOptions stranger = options_;
  stranger.user = "sheaf_no_such_user";
  stranger.password = "hunter2";
  Result<std::unique_ptr<AuditSink>> sink = OpenClickHouseAuditSink(stranger);
  ASSERT_TRUE(sink.ok());
  Result<std::int64_t> r = (*sink)->ShippedUpTo("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIoError) << r.status().ToString();
  EXPECT_NE(r.status().message().find("sheaf_no_such_user"), std::string::npos)
      << "ClickHouse saw the user: " << r.status().message();
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos) << r.status().message();
}

TEST(ClickHouseAuditSinkOpen, RefusesABadEndpointOrName) {
  ClickHouseOptions o;
  o.endpoint = "http://127.0.0.1:18123";
  o.database = "audit; DROP TABLE x";
  Result<std::unique_ptr<AuditSink>> bad_name = OpenClickHouseAuditSink(o);
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad_name.status().message().find("database"), std::string::npos);
  o.database = "audit";
  o.endpoint = "http://user:secret@127.0.0.1:18123/x";
  Result<std::unique_ptr<AuditSink>> bad_endpoint = OpenClickHouseAuditSink(o);
  ASSERT_FALSE(bad_endpoint.ok());
  EXPECT_EQ(bad_endpoint.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad_endpoint.status().message().find("secret"), std::string::npos);
}

TEST(ClickHouseAuditSinkOpen, RefusesABatchOutOfOrderOrOfTwoTenantsWithoutSendingIt) {
  ClickHouseOptions o;
  o.endpoint = "http://127.0.0.1:" + std::to_string(DeadPort());
  o.database = "audit";
  Result<std::unique_ptr<AuditSink>> sink = OpenClickHouseAuditSink(o);
  ASSERT_TRUE(sink.ok());
  AuditEntry a, b;
  a.seq = 3;
  b.seq = 2;
  Status s = (*sink)->Write({a, b});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);  // not unavailable: nothing was sent
  EXPECT_NE(s.message().find("seq 2"), std::string::npos) << s.message();
  b.seq = 4;
  b.tenant_id = "tenant-b";
  s = (*sink)->Write({a, b});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("another tenant"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace sheaf::clickhouse
