// SPDX-License-Identifier: GPL-3.0-or-later
// What only the PostgreSQL store has: migrations, the connection pool, conninfo secrets and
// URL parameters. The contract itself is tests/contract/metadata_store_contract_test.cc.
#include "adapters/postgres/postgres_metadata_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "adapters/postgres/migrations.h"
#include "adapters/postgres/pg_pool.h"
#include "metadata/keys.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

// No server needed.

TEST(PostgresUrl, StoreParametersAreTakenOutAndTheRestIsLeftToLibpq) {
  auto u = ParsePostgresUrl(
      "postgres://sheaf@127.0.0.1:5432/sheaf?sslmode=disable&schema=tenant_a&replica="
      "postgres%3A%2F%2Fsheaf%40127.0.0.1%3A5433%2Fsheaf%3Fsslmode%3Ddisable&connect_timeout=3");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->conninfo, "postgres://sheaf@127.0.0.1:5432/sheaf?sslmode=disable&connect_timeout=3");
  EXPECT_EQ(u->schema, "tenant_a");
  EXPECT_EQ(u->replica, "postgres://sheaf@127.0.0.1:5433/sheaf?sslmode=disable");
  auto plain = ParsePostgresUrl("postgres://127.0.0.1/x");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->conninfo, "postgres://127.0.0.1/x");
  EXPECT_EQ(plain->replica, "");
  EXPECT_EQ(ParsePostgresUrl("postgres://h/x?replica=%zz").status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParsePostgresUrl("postgres://h/x?replica=%2").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST(PostgresConninfo, APasswordInTheConninfoIsRefusedWithoutBeingRepeated) {
  for (const std::string conninfo :
       {"postgres://sheaf:hunter2secret@127.0.0.1:1/sheaf",
        "host=127.0.0.1 port=1 user=sheaf password=hunter2secret dbname=sheaf"}) {
    Status s = pg::CheckConninfo(conninfo);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << conninfo;
    EXPECT_NE(s.message().find("PGPASSWORD"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("hunter2secret"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("127.0.0.1"), std::string::npos) << s.message();
    auto store = PostgresMetadataStore::Open(conninfo, {});
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().message().find("hunter2secret"), std::string::npos);
    EXPECT_EQ(pg::Describe(conninfo).find("hunter2secret"), std::string::npos);
  }
  EXPECT_TRUE(pg::CheckConninfo("postgres://sheaf@127.0.0.1:1/sheaf").ok());
  EXPECT_EQ(pg::CheckConninfo("postgres://[::1").code(), ErrorCode::kInvalidArgument);
}

TEST(PostgresConninfo, AnUnreachableServerIsUnavailable) {
  // Port 1 on loopback: nothing listens there.
  PostgresMetadataStoreOptions o;
  o.migrate_on_open = true;
  auto store = PostgresMetadataStore::Open("postgres://sheaf@127.0.0.1:1/sheaf", o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kUnavailable) << store.status().ToString();
}

TEST(PostgresOptions, BadOptionsAreInvalid) {
  PostgresMetadataStoreOptions o;
  o.schema = "Robert'); DROP TABLE students;--";
  EXPECT_EQ(PostgresMetadataStore::Open("postgres://127.0.0.1:1/x", o).status().code(),
            ErrorCode::kInvalidArgument);
  o = {};
  o.pool_size = 0;
  EXPECT_EQ(PostgresMetadataStore::Open("postgres://127.0.0.1:1/x", o).status().code(),
            ErrorCode::kInvalidArgument);
}

// With a server (SHEAF_TEST_POSTGRES).

class PostgresMetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("SHEAF_TEST_POSTGRES");
    if (url == nullptr || url[0] == '\0') {
      GTEST_SKIP() << "SHEAF_TEST_POSTGRES is not set (a libpq URI of a PostgreSQL test server)";
    }
    url_ = url;
    schema_ = "t_" + metadata::RandomHex(8);
    admin_ = PQconnectdb(url_.c_str());
    PQsetNoticeProcessor(admin_, [](void*, const char*) {}, nullptr);  // DROP ... CASCADE chatter
    ASSERT_EQ(PQstatus(admin_), CONNECTION_OK) << PQerrorMessage(admin_);
    Exec("CREATE SCHEMA " + schema_);
    Exec("SET search_path TO " + schema_);
  }
  void TearDown() override {
    if (admin_ != nullptr) {
      Exec("ROLLBACK");
      Exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      PQfinish(admin_);
    }
  }
  // The first value of the first row, "" when none.
  std::string Exec(const std::string& sql) {
    PGresult* r = PQexec(admin_, sql.c_str());
    std::string out = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return out;
  }
  PostgresMetadataStoreOptions Options() {
    PostgresMetadataStoreOptions o;
    o.schema = schema_;
    return o;
  }
  // The URL with an application_name that tells this test's connections apart.
  std::string TaggedUrl(const std::string& suffix = "") const {
    return url_ + (url_.find('?') == std::string::npos ? "?" : "&") +
           "application_name=" + schema_ + suffix;
  }
  // Connections open now whose application_name is this test's schema + `suffix`.
  int Connections(const std::string& suffix) {
    Exec("SELECT pg_stat_clear_snapshot()");
    return std::stoi(Exec("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                          schema_ + suffix + "'"));
  }

  std::string url_;
  std::string schema_;
  PGconn* admin_ = nullptr;
};

TEST_F(PostgresMetadataStoreTest, AnUnmigratedSchemaIsRefusedWithRunSheafMigrate) {
  auto store = PostgresMetadataStore::Open(url_, Options());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), ErrorCode::kIoError);
  EXPECT_NE(store.status().message().find("run `sheaf migrate`"), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("version 0"), std::string::npos);

  auto migrated = pg::Migrate(url_, schema_);
  ASSERT_TRUE(migrated.ok()) << migrated.status().ToString();
  EXPECT_EQ(migrated->from, 0);
  EXPECT_EQ(migrated->to, pg::LatestSchemaVersion());
  EXPECT_TRUE(PostgresMetadataStore::Open(url_, Options()).ok());
  // Again: nothing to do.
  auto again = pg::Migrate(url_, schema_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->from, pg::LatestSchemaVersion());
  EXPECT_EQ(again->to, pg::LatestSchemaVersion());
  EXPECT_EQ(Exec("SELECT count(*) FROM schema_migrations"),
            std::to_string(pg::LatestSchemaVersion()));
}

TEST_F(PostgresMetadataStoreTest, ProcessesMigratingAtOnceApplyEachMigrationOnce) {
  constexpr int kProcesses = 6;
  std::atomic<int> ok{0};
  std::atomic<int> applied{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kProcesses; ++i) {
    threads.emplace_back([&] {
      auto m = pg::Migrate(url_, schema_);
      if (!m.ok()) {
        ADD_FAILURE() << m.status().ToString();
        return;
      }
      ++ok;
      if (m->from == 0) ++applied;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kProcesses);
  EXPECT_EQ(applied.load(), 1) << "one process migrated, the others found it done";
  EXPECT_EQ(Exec("SELECT count(*) FROM schema_migrations"),
            std::to_string(pg::LatestSchemaVersion()));
  EXPECT_EQ(Exec("SELECT seq FROM audit_base"), "0");
  EXPECT_EQ(Exec("SELECT count(*) FROM audit_heads"), "0");
}

TEST_F(PostgresMetadataStoreTest, ProcessesMigratingAtOnceCreateAMissingSchemaOnce) {
  const std::string fresh = schema_ + "_new";
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto m = pg::Migrate(url_, fresh);
      if (m.ok()) {
        ++ok;
      } else {
        ADD_FAILURE() << m.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  PostgresMetadataStoreOptions o;
  o.schema = fresh;
  EXPECT_TRUE(PostgresMetadataStore::Open(url_, o).ok());
  Exec("DROP SCHEMA " + fresh + " CASCADE");
}

TEST_F(PostgresMetadataStoreTest, ANewerSchemaIsRefused) {
  ASSERT_TRUE(pg::Migrate(url_, schema_).ok());
  Exec("INSERT INTO schema_migrations VALUES (999, 'from_the_future', 0)");
  auto store = PostgresMetadataStore::Open(url_, Options());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("newer"), std::string::npos);
  auto m = pg::Migrate(url_, schema_);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("newer"), std::string::npos);
}

TEST_F(PostgresMetadataStoreTest, MigrateOnOpenMigratesWhenAsked) {
  PostgresMetadataStoreOptions o = Options();
  o.migrate_on_open = true;
  auto store = PostgresMetadataStore::Open(url_, o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE((*store)->CreateTenant("a", "cli:test").ok());
}

TEST_F(PostgresMetadataStoreTest, TextPostgresCannotHoldIsRefusedNotCutShort) {
  PostgresMetadataStoreOptions o = Options();
  o.migrate_on_open = true;
  auto opened = PostgresMetadataStore::Open(url_, o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MetadataStore& m = **opened;
  auto t = m.CreateTenant("a", "cli:test");
  ASSERT_TRUE(t.ok());
  DocumentRecord d;
  d.id = NewDocumentId();
  d.source_name = std::string("invoice.pdf\0.exe", 15);
  auto nul = m.CreateDocument(t->id, d, 0, "key:a");
  EXPECT_EQ(nul.status().code(), ErrorCode::kInvalidArgument) << nul.status().ToString();
  EXPECT_NE(nul.status().message().find("NUL"), std::string::npos);
  d.source_name = "caf\xe9.pdf";  // Latin-1, not UTF-8
  auto latin1 = m.CreateDocument(t->id, d, 0, "key:a");
  EXPECT_EQ(latin1.status().code(), ErrorCode::kInvalidArgument) << latin1.status().ToString();
  EXPECT_EQ(m.GetDocument(t->id, d.id).status().code(), ErrorCode::kNotFound) << "nothing stored";
  d.source_name = "café.pdf";
  EXPECT_TRUE(m.CreateDocument(t->id, d, 0, "key:a").ok());
  EXPECT_EQ(m.GetDocument(t->id, d.id)->source_name, "café.pdf");
  EXPECT_TRUE(m.VerifyAudit()->intact);
}

TEST_F(PostgresMetadataStoreTest, ADeadlockWithAnotherProcessDoesNotFailTheStoresWrite) {
  PostgresMetadataStoreOptions o = Options();
  o.migrate_on_open = true;
  auto opened = PostgresMetadataStore::Open(TaggedUrl(), o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MetadataStore& m = **opened;
  auto t = m.CreateTenant("a", "cli:test");
  ASSERT_TRUE(t.ok());
  DocumentRecord d;
  d.id = NewDocumentId();
  ASSERT_TRUE(m.CreateDocument(t->id, d, 0, "key:a").ok());

  // Another process locks the document, the store's update takes the audit head and waits for
  // the document, then the other process asks for the head: a deadlock, which the server
  // breaks by failing one of the two transactions with 40P01.
  Exec("BEGIN");
  Exec("SELECT id FROM documents FOR UPDATE");
  Status update;
  std::thread writer([&] {
    DocumentUpdate u;
    u.status = ProcessingStatus::kProcessing;
    update = m.UpdateDocument(t->id, d.id, u, "pipeline");
  });
  bool waiting = false;
  for (int i = 0; i < 500 && !waiting; ++i) {
    Exec("SELECT pg_stat_clear_snapshot()");  // this transaction would see one snapshot only
    waiting = Exec("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + schema_ +
                   "' AND wait_event_type = 'Lock'") == "1";
    if (!waiting) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(waiting) << "the store's update never waited for the document";
  // Blocks until the server breaks the cycle. Which side it gives up depends on whose deadlock
  // check runs first (usually the store's, which then runs its transaction again); either
  // way the store's update must end done, not failed.
  Exec("SELECT seq FROM audit_heads WHERE tenant = '" + t->id + "' FOR UPDATE");
  Exec("COMMIT");
  writer.join();
  EXPECT_TRUE(update.ok()) << update.ToString();
  EXPECT_EQ(m.GetDocument(t->id, d.id)->status, ProcessingStatus::kProcessing);
  auto v = m.VerifyAudit();
  EXPECT_TRUE(v->intact);
  EXPECT_EQ(v->entries, 3);
}

TEST_F(PostgresMetadataStoreTest, ReplicaSafeReadsGoToTheReplicaAndTheOthersToThePrimary) {
  ASSERT_TRUE(pg::Migrate(url_, schema_).ok());
  PostgresMetadataStoreOptions o = Options();
  o.replica = TaggedUrl("_r");  // the same server, told apart by application_name
  auto opened = PostgresMetadataStore::Open(TaggedUrl("_p"), o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MetadataStore& m = **opened;
  auto t = m.CreateTenant("a", "cli:test");
  ASSERT_TRUE(t.ok());
  DocumentRecord d;
  d.id = NewDocumentId();
  ASSERT_TRUE(m.CreateDocument(t->id, d, 0, "key:a").ok());
  // Reads that must see the latest write: the primary only.
  ASSERT_TRUE(m.GetDocument(t->id, d.id).ok());
  ASSERT_TRUE(m.GetTenant(t->id).ok());
  ASSERT_TRUE(m.VerifyAudit().ok());
  EXPECT_EQ(Connections("_r"), 0) << "no read so far may use the replica";
  EXPECT_GE(Connections("_p"), 1);
  // Listings and counts: the replica.
  ASSERT_EQ(m.ListDocuments(t->id, {})->documents.size(), 1u);
  ASSERT_TRUE(m.CountByStatus().ok());
  EXPECT_EQ(Connections("_r"), 1);
}

TEST_F(PostgresMetadataStoreTest, ConnectionsKilledByTheServerAreReplaced) {
  ASSERT_TRUE(pg::Migrate(url_, schema_).ok());
  auto opened = PostgresMetadataStore::Open(TaggedUrl(), Options());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MetadataStore& m = **opened;
  auto t = m.CreateTenant("a", "cli:test");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(m.GetTenant(t->id).ok());
  // An operator (or a failover) ends every connection the store has.
  const std::string killed =
      Exec("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
           " WHERE application_name = '" + schema_ + "'");
  ASSERT_NE(killed, "0") << "the store's connections are found by their application_name";
  ASSERT_NE(killed, "");
  // Reads and writes go on, on fresh connections.
  EXPECT_TRUE(m.GetTenant(t->id).ok());
  EXPECT_TRUE(m.CreateTenant("b", "cli:test").ok());
  EXPECT_TRUE(m.VerifyAudit()->intact);
}

TEST_F(PostgresMetadataStoreTest, NoFreeConnectionWithinTheCheckoutTimeoutIsUnavailable) {
  ASSERT_TRUE(pg::Migrate(url_, schema_).ok());
  PostgresMetadataStoreOptions o = Options();
  o.pool_size = 1;
  o.checkout_timeout = 100ms;
  auto opened = PostgresMetadataStore::Open(url_, o);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  MetadataStore& m = **opened;
  // Another process holds the system audit chain's head: the store's only connection waits
  // on it.
  ASSERT_TRUE(m.AppendAudit({"cli:ops", "noted", "", "", ""}).ok());
  Exec("BEGIN");
  Exec("SELECT seq FROM audit_heads WHERE tenant = '' FOR UPDATE");
  std::thread writer([&] { EXPECT_TRUE(m.AppendAudit({"cli:ops", "noted", "", "", ""}).ok()); });
  // Until the writer has the connection, a read may still get it; once it has, reads wait
  // the checkout timeout and are told to retry.
  Status s;
  for (int i = 0; i < 200; ++i) {
    s = m.ListTenants().status();
    if (!s.ok()) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("no connection free"), std::string::npos) << s.message();
  Exec("COMMIT");
  writer.join();
  EXPECT_TRUE(m.ListTenants().ok());
  EXPECT_EQ(m.VerifyAudit()->entries, 2);
}

}  // namespace
}  // namespace sheaf
