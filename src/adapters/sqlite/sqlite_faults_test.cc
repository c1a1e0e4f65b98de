// SPDX-License-Identifier: GPL-3.0-or-later
//
// The SQLite broker and metadata store under file system faults injected by a VFS shim
// (fault_vfs.h): a WAL fsync that fails, a full disk, a crash that loses every byte not
// synced. What must hold (docs/reliability.md, "File system faults"): a call that failed
// reports an error and leaves nothing acknowledged; a call that returned OK survives any crash;
// the store keeps working once the disk does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "adapters/sqlite/fault_vfs.h"
#include "adapters/sqlite/sqlite_broker.h"
#include "adapters/sqlite/sqlite_metadata_store.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kOcr = {"ocr.tasks"};

SqliteFault OnWal(int times = 1) {
  SqliteFault f;
  f.path_contains = "-wal";
  f.times = times;
  return f;
}

class SqliteFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "sheaf-sqlite-faults-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    ASSERT_TRUE(SqliteFaultVfs::Install());
  }
  void TearDown() override {
    broker_.reset();
    store_.reset();
    SqliteFaultVfs::Uninstall();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void OpenBroker(const std::string& name = "broker.db") {
    broker_.reset();
    auto b = SqliteBroker::Open(dir_ + "/" + name, BrokerOptions{});
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    broker_ = std::move(b).value();
  }
  void OpenStore(const std::string& name = "metadata.db") {
    store_.reset();
    auto s = SqliteMetadataStore::Open(dir_ + "/" + name, SqliteMetadataStoreOptions{});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  // The power cut: unsynced bytes are put back, the stores (whose closing now writes nothing)
  // are dropped, and the VFS is installed afresh for the stores to open again.
  // Returns how many writes the crash undid.
  // torn_seed != 0: a torn crash (SimulateTornCrash) from that seed.
  long long Crash(unsigned long long torn_seed = 0) {
    const long long restored = torn_seed == 0 ? SqliteFaultVfs::SimulateCrash()
                                              : SqliteFaultVfs::SimulateTornCrash(torn_seed);
    broker_.reset();
    store_.reset();
    EXPECT_TRUE(SqliteFaultVfs::Install());
    return restored;
  }
  // The keys of every message ready on ocr.tasks, leased (and acked) until none is left.
  std::multiset<std::string> DrainKeys() {
    std::multiset<std::string> keys;
    for (;;) {
      auto got = broker_->Lease(kOcr, 50, 60s);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (!got.ok() || got->empty()) break;
      for (const Delivery& d : *got) {
        keys.insert(d.message.key);
        EXPECT_TRUE(broker_->Ack(d.id).ok());
      }
    }
    return keys;
  }

  std::string dir_;
  std::unique_ptr<SqliteBroker> broker_;
  std::unique_ptr<SqliteMetadataStore> store_;
};

TEST_F(SqliteFaultsTest, AFailedWalFsyncFailsThePublishAndTheMessageIsNeverDelivered) {
  OpenBroker();
  ASSERT_TRUE(broker_->Publish("ocr.tasks", "t1", "before", "p").ok());
  SqliteFaultVfs::FailSyncs(OnWal());
  Status s = broker_->Publish("ocr.tasks", "t1", "unsynced", "p");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.code() == ErrorCode::kIoError || s.code() == ErrorCode::kUnavailable)
      << s.ToString();
  EXPECT_EQ(SqliteFaultVfs::InjectedSyncFailures(), 1);
  // The disk works again: the broker does too, without the failed message.
  ASSERT_TRUE(broker_->Publish("ocr.tasks", "t1", "after", "p").ok());
  EXPECT_EQ(DrainKeys(), (std::multiset<std::string>{"before", "after"}));
}

TEST_F(SqliteFaultsTest, AFullDiskFailsThePublishAndTheBrokerRecovers) {
  OpenBroker();
  ASSERT_TRUE(broker_->Publish("ocr.tasks", "t1", "before", "p").ok());
  SqliteFault full = OnWal(-1);
  full.disk_full = true;
  SqliteFaultVfs::FailWrites(full);
  Status s = broker_->Publish("ocr.tasks", "t1", "no room", std::string(8192, 'x'));
  EXPECT_FALSE(s.ok());
  EXPECT_GE(SqliteFaultVfs::InjectedWriteFailures(), 1);
  SqliteFaultVfs::ClearFaults();
  ASSERT_TRUE(broker_->Publish("ocr.tasks", "t1", "after", "p").ok());
  EXPECT_EQ(DrainKeys(), (std::multiset<std::string>{"before", "after"}));
}

TEST_F(SqliteFaultsTest, EveryAcknowledgedPublishSurvivesACrashAndNoFailedOneAppears) {
  OpenBroker();
  std::multiset<std::string> acked;
  for (int i = 0; i < 40; ++i) {
    const std::string key = "m" + std::to_string(i);
    if (i % 5 == 2) SqliteFaultVfs::FailSyncs(OnWal());
    if (i % 7 == 3) SqliteFaultVfs::FailWrites(OnWal());
    if (broker_->Publish("ocr.tasks", "t" + std::to_string(i % 3), key, "payload " + key).ok()) {
      acked.insert(key);
    }
    SqliteFaultVfs::ClearFaults();
  }
  ASSERT_GT(acked.size(), 20u);
  ASSERT_LT(acked.size(), 40u);  // some did fail
  // An unsynced write in flight at the moment of the crash.
  SqliteFaultVfs::FailSyncs(OnWal(-1));
  EXPECT_FALSE(broker_->Publish("ocr.tasks", "t1", "in flight", "p").ok());
  EXPECT_GT(Crash(), 0) << "the crash lost nothing: the test would prove nothing";
  OpenBroker();
  EXPECT_EQ(DrainKeys(), acked);
}

TEST_F(SqliteFaultsTest, AFailedWalFsyncFailsTheMetadataWriteAndNothingOfItIsVisible) {
  OpenStore();
  ASSERT_TRUE(store_->CreateTenant("before", "test").ok());
  SqliteFaultVfs::FailSyncs(OnWal());
  auto failed = store_->CreateTenant("unsynced", "test");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(store_->GetTenantByName("unsynced").status().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(store_->CreateTenant("after", "test").ok());
  auto verified = store_->VerifyAudit();
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->intact) << verified->reason;
}

TEST_F(SqliteFaultsTest, AcknowledgedMetadataSurvivesACrashWithItsAuditChainIntact) {
  OpenStore();
  std::set<std::string> acked;
  for (int i = 0; i < 20; ++i) {
    const std::string name = "tenant" + std::to_string(i);
    if (i % 4 == 1) SqliteFaultVfs::FailSyncs(OnWal());
    if (store_->CreateTenant(name, "test").ok()) acked.insert(name);
    SqliteFaultVfs::ClearFaults();
  }
  ASSERT_GT(acked.size(), 10u);
  ASSERT_LT(acked.size(), 20u);
  SqliteFaultVfs::FailSyncs(OnWal(-1));
  EXPECT_FALSE(store_->CreateTenant("in-flight", "test").ok());
  EXPECT_GT(Crash(), 0) << "the crash lost nothing: the test would prove nothing";
  OpenStore();
  auto tenants = store_->ListTenants();
  ASSERT_TRUE(tenants.ok()) << tenants.status().ToString();
  std::set<std::string> names;
  for (const Tenant& t : *tenants) names.insert(t.name);
  EXPECT_EQ(names, acked);
  auto verified = store_->VerifyAudit();
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->intact) << verified->reason;
  EXPECT_EQ(verified->entries, static_cast<std::int64_t>(acked.size()));
}

// A disk that wrote part of what was not synced, tearing some writes: the WAL's checksums must
// keep every torn or partial frame out. Acknowledged messages all come back; a message whose
// Publish failed may come back only whole (its frames all reached the disk), never twice.
TEST_F(SqliteFaultsTest, AfterATornCrashTheBrokerHasEveryAcknowledgedMessageAndNoPartOfOthers) {
  for (unsigned long long seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::string name = "broker-" + std::to_string(seed) + ".db";
    OpenBroker(name);
    std::multiset<std::string> acked;
    std::set<std::string> failed;
    for (int i = 0; i < 20; ++i) {
      const std::string key = "m" + std::to_string(i);
      const bool fail = i % 4 == 1;
      if (fail) SqliteFaultVfs::FailSyncs(OnWal());
      const Status s = broker_->Publish("ocr.tasks", "t1", key, std::string(700 + i * 90, 'p'));
      SqliteFaultVfs::ClearFaults();
      if (s.ok()) {
        acked.insert(key);
      } else {
        failed.insert(key);
      }
    }
    SqliteFaultVfs::FailSyncs(OnWal(-1));
    EXPECT_FALSE(broker_->Publish("ocr.tasks", "t1", "in flight", std::string(3000, 'f')).ok());
    failed.insert("in flight");
    EXPECT_GT(Crash(seed), 0);
    OpenBroker(name);
    const std::multiset<std::string> got = DrainKeys();
    for (const std::string& key : acked) EXPECT_EQ(got.count(key), 1u) << key;
    for (const std::string& key : got) {
      EXPECT_TRUE(acked.count(key) == 1 || (failed.count(key) == 1 && got.count(key) == 1)) << key;
    }
    broker_.reset();
  }
}

TEST_F(SqliteFaultsTest, AfterATornCrashTheMetadataStoreHasEveryAcknowledgedTenantAndAnIntactChain) {
  for (unsigned long long seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::string name = "metadata-" + std::to_string(seed) + ".db";
    OpenStore(name);
    std::set<std::string> acked;
    std::set<std::string> failed;
    for (int i = 0; i < 12; ++i) {
      const std::string tenant = "tenant" + std::to_string(i);
      if (i % 3 == 1) SqliteFaultVfs::FailSyncs(OnWal());
      if (store_->CreateTenant(tenant, "test").ok()) {
        acked.insert(tenant);
      } else {
        failed.insert(tenant);
      }
      SqliteFaultVfs::ClearFaults();
    }
    SqliteFaultVfs::FailSyncs(OnWal(-1));
    EXPECT_FALSE(store_->CreateTenant("in-flight", "test").ok());
    failed.insert("in-flight");
    EXPECT_GT(Crash(seed), 0);
    OpenStore(name);
    auto tenants = store_->ListTenants();
    ASSERT_TRUE(tenants.ok()) << tenants.status().ToString();
    std::set<std::string> names;
    for (const Tenant& t : *tenants) names.insert(t.name);
    for (const std::string& t : acked) EXPECT_EQ(names.count(t), 1u) << t;
    for (const std::string& t : names) {
      EXPECT_TRUE(acked.count(t) == 1 || failed.count(t) == 1) << t;
    }
    auto verified = store_->VerifyAudit();
    ASSERT_TRUE(verified.ok()) << verified.status().ToString();
    EXPECT_TRUE(verified->intact) << verified->reason;
    EXPECT_EQ(verified->entries, static_cast<std::int64_t>(names.size()));
    store_.reset();
  }
}

}  // namespace
}  // namespace sheaf
