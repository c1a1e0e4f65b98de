// SPDX-License-Identifier: GPL-3.0-or-later
// Backup and restore of a data dir with the real SQLite stores (src/backup, the SQLite snapshot
// in src/adapters/sqlite/sqlite_backup.cc, the re-queueing in src/service/requeue.cc).
#include "backup/backup.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "adapters/postgres/pg_dump.h"
#include "adapters/sqlite/sqlite_backup.h"
#include "adapters/sqlite/sqlite_broker.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "contract/metadata_store_harness.h"
#include "fixtures.h"
#include "service/requeue.h"
#include "sheaf/topics.h"

namespace sheaf::backup {
namespace {

namespace fs = std::filesystem;
using sheaf::testing::ReadFile;
using sheaf::testing::WriteFile;

DatabaseOps Sqlite() {
  DatabaseOps ops;
  ops.snapshot = [](const std::string& s, const std::string& d, int wait_ms) {
    return SnapshotSqliteDatabase(s, d, wait_ms);
  };
  ops.check = [](const std::string& p) { return CheckSqliteDatabase(p); };
  return ops;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = sheaf::testing::TempDir();
    data_ = root_ + "/data";
    set_ = root_ + "/backups";
    fs::create_directories(data_ + "/blobs");
    auto store = OpenSqliteMetadataStore(data_ + "/metadata.sqlite");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    tenant_ = sheaf::testing::NewTenant(**store, "acme");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void Blob(const std::string& key, const std::string& bytes) {
    fs::create_directories(fs::path(data_ + "/blobs/" + key).parent_path());
    const std::string tmp = data_ + "/blobs/.tmp-test";
    WriteFile(tmp, bytes);
    fs::rename(tmp, data_ + "/blobs/" + key);  // as the blob store replaces: a new file
  }

  Result<BackupReport> Backup(bool full = false) {
    BackupOptions o;
    o.data_dir = data_;
    o.to = set_;
    o.full = full;
    o.db = Sqlite();
    o.sheaf_version = "test";
    return CreateBackup(o);
  }

  Result<RestoreReport> RestoreTo(const std::string& target, const std::string& from = "",
                                  bool force = false) {
    RestoreOptions o;
    o.from = from.empty() ? set_ : from;
    o.data_dir = target;
    o.force = force;
    o.db = Sqlite();
    return Restore(o);
  }

  std::string root_, data_, set_, tenant_;
};

TEST_F(BackupTest, RestoreGivesBackEveryBlobTheMetadataAndTheConfiguration) {
  Blob("tenants/t1/originals/a", "first document");
  Blob("tenants/t1/documents/a/state/ocr.json", "{\"pages\":[]}");
  WriteFile(data_ + "/blobs/.put-stray", "a store's temporary file");
  WriteFile(root_ + "/sheaf.yaml", "ocr-workers: 2\n");
  BackupOptions o;
  o.data_dir = data_;
  o.to = set_;
  o.config_file = root_ + "/sheaf.yaml";
  o.db = Sqlite();
  Result<BackupReport> b = CreateBackup(o);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->blobs, 2);
  EXPECT_EQ(b->blobs_copied, 2);
  EXPECT_TRUE(b->base_id.empty());
  EXPECT_TRUE(fs::exists(b->dir + "/manifest.json"));

  RestoreOptions r;
  r.from = set_;
  r.data_dir = root_ + "/restored";
  r.config_to = root_ + "/restored.yaml";
  r.db = Sqlite();
  Result<RestoreReport> done = Restore(r);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->id, b->id);
  EXPECT_EQ(ReadFile(root_ + "/restored/blobs/tenants/t1/originals/a"), "first document");
  EXPECT_EQ(ReadFile(root_ + "/restored/blobs/tenants/t1/documents/a/state/ocr.json"),
            "{\"pages\":[]}");
  EXPECT_FALSE(fs::exists(root_ + "/restored/blobs/.put-stray"));
  EXPECT_EQ(ReadFile(root_ + "/restored.yaml"), "ocr-workers: 2\n");
  auto store = OpenSqliteMetadataStore(root_ + "/restored/metadata.sqlite");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto tenant = (*store)->GetTenantByName("acme");
  ASSERT_TRUE(tenant.ok()) << tenant.status().ToString();
  EXPECT_EQ(tenant->id, tenant_);
  // Nothing of the staging folder is left beside the target.
  for (const auto& e : fs::directory_iterator(root_)) {
    EXPECT_EQ(e.path().filename().string().find(".restoring"), std::string::npos) << e.path();
  }
}

TEST_F(BackupTest, SecondBackupCopiesOnlyNewAndReplacedBlobsAndRestoresFromBoth) {
  Blob("tenants/t1/originals/a", "unchanged");
  Blob("tenants/t1/originals/b", "will be replaced");
  Result<BackupReport> first = Backup();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a later modification time
  Blob("tenants/t1/originals/b", "replaced");
  Blob("tenants/t1/originals/c", "new");
  Result<BackupReport> second = Backup();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->base_id, first->id);
  EXPECT_EQ(second->blobs, 3);
  EXPECT_EQ(second->blobs_copied, 2);
  EXPECT_FALSE(fs::exists(second->dir + "/blobs/tenants/t1/originals/a"));

  Result<RestoreReport> latest = RestoreTo(root_ + "/r2");
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->id, second->id);
  EXPECT_EQ(ReadFile(root_ + "/r2/blobs/tenants/t1/originals/a"), "unchanged");
  EXPECT_EQ(ReadFile(root_ + "/r2/blobs/tenants/t1/originals/b"), "replaced");
  EXPECT_EQ(ReadFile(root_ + "/r2/blobs/tenants/t1/originals/c"), "new");

  Result<RestoreReport> older = RestoreTo(root_ + "/r1", first->dir);
  ASSERT_TRUE(older.ok()) << older.status().ToString();
  EXPECT_EQ(ReadFile(root_ + "/r1/blobs/tenants/t1/originals/b"), "will be replaced");
  EXPECT_FALSE(fs::exists(root_ + "/r1/blobs/tenants/t1/originals/c"));

  Result<BackupReport> full = Backup(/*full=*/true);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_TRUE(full->base_id.empty());
  EXPECT_EQ(full->blobs_copied, 3);
}

TEST_F(BackupTest, DamagedBlobIsRefusedByNameAndTheTargetIsNotCreated) {
  Blob("tenants/t1/originals/a", "good bytes");
  Result<BackupReport> b = Backup();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  WriteFile(b->dir + "/blobs/tenants/t1/originals/a", "bad bytes!");
  Result<RestoreReport> r = RestoreTo(root_ + "/restored");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidDocument);
  EXPECT_NE(r.status().message().find("blobs/tenants/t1/originals/a is damaged"),
            std::string::npos)
      << r.status().message();
  EXPECT_FALSE(fs::exists(root_ + "/restored"));

  RestoreOptions check;
  check.from = b->dir;
  check.check_only = true;
  check.db = Sqlite();
  EXPECT_EQ(Restore(check).status().code(), ErrorCode::kInvalidDocument);
}

TEST_F(BackupTest, MissingBlobDamagedDatabaseAndEditedManifestAreEachRefused) {
  Blob("tenants/t1/originals/a", "bytes");
  Result<BackupReport> b = Backup();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const std::string blob = b->dir + "/blobs/tenants/t1/originals/a";
  const std::string saved = ReadFile(blob);

  fs::remove(blob);
  Result<RestoreReport> r = RestoreTo(root_ + "/r");
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("originals/a is missing"), std::string::npos)
      << r.status().message();
  WriteFile(blob, saved);

  std::string db = ReadFile(b->dir + "/metadata.sqlite");
  db[db.size() / 2] ^= 0x5a;
  WriteFile(b->dir + "/metadata.sqlite", db);
  r = RestoreTo(root_ + "/r");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidDocument);
  EXPECT_NE(r.status().message().find("metadata.sqlite is damaged"), std::string::npos)
      << r.status().message();

  std::string manifest = ReadFile(b->dir + "/manifest.json");
  manifest.replace(manifest.find("\"sheaf_version\""), 15, "\"sheaf_versioN\"");
  WriteFile(b->dir + "/manifest.json", manifest);
  r = RestoreTo(root_ + "/r");
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidDocument);
  EXPECT_NE(r.status().message().find("manifest.json: damaged"), std::string::npos)
      << r.status().message();
  EXPECT_FALSE(fs::exists(root_ + "/r"));
}

TEST_F(BackupTest, NonEmptyTargetIsRefusedUnlessForcedAndThenKeptAside) {
  Blob("tenants/t1/originals/a", "backed up");
  Result<BackupReport> b = Backup();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const std::string target = root_ + "/live";
  fs::create_directories(target);
  WriteFile(target + "/metadata.sqlite", "the live data");

  Result<RestoreReport> r = RestoreTo(target);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("is not empty (it holds metadata.sqlite)"),
            std::string::npos)
      << r.status().message();
  EXPECT_EQ(ReadFile(target + "/metadata.sqlite"), "the live data");

  r = RestoreTo(target, "", /*force=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ReadFile(target + "/blobs/tenants/t1/originals/a"), "backed up");
  ASSERT_FALSE(r->replaced_dir.empty());
  EXPECT_EQ(ReadFile(r->replaced_dir + "/metadata.sqlite"), "the live data");

  fs::create_directories(root_ + "/empty");
  EXPECT_TRUE(RestoreTo(root_ + "/empty").ok()) << "an empty folder is a fine target";
}

TEST_F(BackupTest, IncrementalWithoutItsBaseNamesTheMissingBackup) {
  Blob("tenants/t1/originals/a", "in the first");
  Result<BackupReport> first = Backup();
  ASSERT_TRUE(first.ok());
  Blob("tenants/t1/originals/b", "in the second");
  Result<BackupReport> second = Backup();
  ASSERT_TRUE(second.ok());
  fs::remove_all(first->dir);
  Result<RestoreReport> r = RestoreTo(root_ + "/r");
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("stored in backup " + first->id + ", which is missing"),
            std::string::npos)
      << r.status().message();
}

TEST_F(BackupTest, NoWholeBackupAndNoDataDirAreClearErrors) {
  fs::create_directories(set_ + "/.20260101T000000.000Z.partial");
  Result<RestoreReport> r = RestoreTo(root_ + "/r");
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("holds no whole backup"), std::string::npos);

  BackupOptions inside;
  inside.data_dir = data_;
  inside.to = data_ + "/blobs/backups";
  inside.db = Sqlite();
  Result<BackupReport> refused = CreateBackup(inside);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("outside the data dir"), std::string::npos);
  EXPECT_FALSE(fs::exists(data_ + "/blobs/backups"));

  BackupOptions o;
  o.data_dir = root_ + "/nowhere";
  o.to = set_;
  o.db = Sqlite();
  Result<BackupReport> b = CreateBackup(o);
  EXPECT_EQ(b.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(b.status().message().find("metadata.sqlite: not found"), std::string::npos);
}

TEST_F(BackupTest, QueueHeldByARunningBrokerIsLeftOutAndSaidSo) {
  {
    auto broker = SqliteBroker::Open(data_ + "/queue.sqlite", BrokerOptions{});
    ASSERT_TRUE(broker.ok()) << broker.status().ToString();
    ASSERT_TRUE(
        (*broker)->Publish(std::string(topics::kDocumentsNormal), tenant_, "d1", "{}").ok());
    Result<BackupReport> held = Backup();
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    EXPECT_FALSE(held->queue_captured);
    EXPECT_NE(held->queue_note.find("locked"), std::string::npos) << held->queue_note;
    EXPECT_FALSE(fs::exists(held->dir + "/queue.sqlite"));
  }
  // Closed: the queue is copied, and a restore brings back its message.
  Result<BackupReport> b = Backup();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(b->queue_captured) << b->queue_note;
  Result<RestoreReport> r = RestoreTo(root_ + "/r");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->queue_restored);
  auto broker = SqliteBroker::Open(root_ + "/r/queue.sqlite", BrokerOptions{});
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  auto got = (*broker)->Lease({std::string(topics::kDocumentsNormal)}, 10, std::chrono::seconds(5));
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].message.key, "d1");
}

// PostgreSQL metadata (SHEAF_TEST_POSTGRES): pg_dump into the backup, pg_restore back.
TEST_F(BackupTest, PostgresMetadataIsDumpedAndLoadedBackWithItsTools) {
  auto harness = sheaf::testing::MakePostgresHarness(/*replica=*/false);
  if (!harness->SkipReason().empty()) GTEST_SKIP() << harness->SkipReason();
  const std::string url = std::getenv("SHEAF_TEST_POSTGRES");
  const std::string schema = harness->Exec("SELECT current_schema()");
  ASSERT_EQ(schema.rfind("t_", 0), 0u) << schema;
  std::string tenant;
  {
    auto store = harness->Open(nullptr);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    tenant = sheaf::testing::NewTenant(**store, "pg-acme");
  }
  MetadataDump pg;
  pg.format = "pg_dump";
  pg.file_name = "metadata.pgdump";
  pg.dump = [&](const std::string& dest) { return PgDump(url, schema, dest); };
  pg.check = [](const std::string& path) { return PgDumpCheck(path); };
  pg.load = [&](const std::string& path, bool replace) { return PgRestore(url, path, replace); };
  Blob("tenants/t1/originals/a", "with postgres");
  BackupOptions o;
  o.data_dir = data_;
  o.to = set_;
  o.db = Sqlite();
  o.metadata = pg;
  Result<BackupReport> b = CreateBackup(o);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(fs::exists(b->dir + "/metadata.pgdump"));
  EXPECT_FALSE(fs::exists(b->dir + "/metadata.sqlite"));

  RestoreOptions r;
  r.from = set_;
  r.data_dir = root_ + "/r";
  r.db = Sqlite();
  r.metadata = pg;
  // The schema is still there: refused unless forced, and nothing is written.
  Result<RestoreReport> refused = Restore(r);
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument) << refused.status().ToString();
  EXPECT_FALSE(fs::exists(root_ + "/r"));

  harness->Exec("DROP SCHEMA " + schema + " CASCADE");
  Result<RestoreReport> done = Restore(r);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(ReadFile(root_ + "/r/blobs/tenants/t1/originals/a"), "with postgres");
  {
    auto store = harness->Open(nullptr);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto t = (*store)->GetTenantByName("pg-acme");
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->id, tenant);
    auto audit = (*store)->VerifyAudit();
    ASSERT_TRUE(audit.ok());
    EXPECT_TRUE(audit->intact);
  }
  r.force = true;
  r.data_dir = root_ + "/r2";
  EXPECT_TRUE(Restore(r).ok()) << "forced: the dump's objects are replaced";

  // A SQLite restore of this backup is refused, naming what to give.
  RestoreOptions plain;
  plain.from = set_;
  plain.data_dir = root_ + "/r3";
  plain.db = Sqlite();
  Result<RestoreReport> wrong = Restore(plain);
  EXPECT_EQ(wrong.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("--metadata postgres://"), std::string::npos);
}

TEST(SqliteSnapshot, CopyTakenWhileAWriterCommitsIsAWholeDatabase) {
  const std::string dir = sheaf::testing::TempDir();
  auto store = OpenSqliteMetadataStore(dir + "/m.sqlite");
  ASSERT_TRUE(store.ok());
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) (void)(*store)->CreateTenant("t" + std::to_string(i), "cli:test");
  });
  for (int i = 0; i < 5; ++i) {
    const std::string copy = dir + "/copy" + std::to_string(i) + ".sqlite";
    ASSERT_TRUE(SnapshotSqliteDatabase(dir + "/m.sqlite", copy).ok());
    EXPECT_TRUE(CheckSqliteDatabase(copy).ok());
    auto opened = OpenSqliteMetadataStore(copy);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    auto verified = (*opened)->VerifyAudit();
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->intact) << "the copy's audit chain is whole";
  }
  stop = true;
  writer.join();
  EXPECT_EQ(SnapshotSqliteDatabase(dir + "/absent.sqlite", dir + "/x").code(),
            ErrorCode::kNotFound);
  WriteFile(dir + "/junk.sqlite", std::string(8192, 'j'));
  EXPECT_EQ(CheckSqliteDatabase(dir + "/junk.sqlite").code(), ErrorCode::kInvalidDocument);
  fs::remove_all(dir);
}

TEST(RequeueUnfinished, PutsQueuedAndProcessingDocumentsBackOnTheirLanesOnly) {
  const std::string dir = sheaf::testing::TempDir();
  auto store = OpenSqliteMetadataStore(dir + "/m.sqlite");
  ASSERT_TRUE(store.ok());
  MetadataStore& m = **store;
  const std::string t = sheaf::testing::NewTenant(m, "acme");
  DocumentRecord urgent = sheaf::testing::Doc();
  urgent.priority = Lane::kUrgent;
  urgent = sheaf::testing::Create(m, t, urgent);
  DocumentRecord processing = sheaf::testing::Create(m, t, sheaf::testing::Doc());
  DocumentRecord done = sheaf::testing::Create(m, t, sheaf::testing::Doc());
  DocumentUpdate u;
  u.status = ProcessingStatus::kProcessing;
  ASSERT_TRUE(m.UpdateDocument(t, processing.id, u, "pipeline").ok());
  ASSERT_TRUE(m.UpdateDocument(t, done.id, u, "pipeline").ok());
  u.status = ProcessingStatus::kCompleted;
  ASSERT_TRUE(m.UpdateDocument(t, done.id, u, "pipeline").ok());

  auto broker = SqliteBroker::Open(dir + "/q.sqlite", BrokerOptions{});
  ASSERT_TRUE(broker.ok());
  Result<std::int64_t> n = RequeueUnfinished(m, **broker);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  auto got = (*broker)->Lease({std::string(topics::kDocumentsUrgent),
                               std::string(topics::kDocumentsNormal)},
                              10, std::chrono::seconds(5));
  ASSERT_TRUE(got.ok());
  std::map<std::string, std::string> topic_of;
  for (const Delivery& d : *got) topic_of[d.message.key] = d.message.topic;
  EXPECT_EQ(topic_of.size(), 2u);
  EXPECT_EQ(topic_of[urgent.id], topics::kDocumentsUrgent);
  EXPECT_EQ(topic_of[processing.id], topics::kDocumentsNormal);
  EXPECT_EQ(topic_of.count(done.id), 0u);
  broker->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sheaf::backup
