// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/sqlite/sqlite_metadata_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "contract/metadata_store_harness.h"
#include "fixtures.h"
#include "metadata/audit_chain.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::system_clock;
using testing::Create;
using testing::Doc;
using testing::NewTenant;

constexpr std::int64_t kStart = 1'700'000'000'000;  // the fake clock's first reading, in ms

class SqliteMetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = ::testing::TempDir() + "sheaf-meta-XXXXXX";
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
    path_ = dir_ + "/metadata.db";
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  SqliteMetadataStoreOptions Options() {
    SqliteMetadataStoreOptions o;
    o.clock = [this] { return Now(); };
    return o;
  }
  SqliteMetadataStore& Open(SqliteMetadataStoreOptions options) {
    store_.reset();
    auto s = SqliteMetadataStore::Open(path_, std::move(options));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) std::abort();
    store_ = std::move(s).value();
    return *store_;
  }
  SqliteMetadataStore& Open() { return Open(Options()); }

  system_clock::time_point Now() const {
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(milliseconds(now_ms_.load())));
  }

  // The bytes of the database and its WAL, as they are on disk now.
  std::string FileBytes() const {
    std::string all;
    for (const std::string& p : {path_, path_ + "-wal"}) {
      std::ifstream in(p, std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      all += s.str();
    }
    return all;
  }
  // Runs `sql` on a connection of its own, as an attacker with file access (or an operator)
  // would.
  void RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::string dir_;
  std::string path_;
  std::atomic<std::int64_t> now_ms_{kStart};
  std::unique_ptr<SqliteMetadataStore> store_;
};

bool IsWebhookSecret(const std::string& s) {
  return s.size() == 6 + 64 && s.rfind("whsec_", 0) == 0 &&
         std::all_of(s.begin() + 6, s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST_F(SqliteMetadataStoreTest, DatabaseFilesAreReadableByTheOwnerOnly) {
  MetadataStore& m = Open();
  ASSERT_TRUE(m.CreateTenant("acme", "admin").ok());
  EXPECT_EQ(testing::FileMode(path_), 0600);
  EXPECT_EQ(testing::FileMode(path_ + "-wal"), 0600);
}

// Only a salted hash of a key is stored (the contract suite checks the columns); here: the
// plaintext is nowhere in the files either, while open (WAL) and after close (checkpointed).
TEST_F(SqliteMetadataStoreTest, KeysAreNeverInTheFilesInPlain) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  auto key = m.CreateApiKey(a, "cli:admin");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const std::string secret = key->key.substr(21);
  EXPECT_EQ(FileBytes().find(secret), std::string::npos);
  store_.reset();
  EXPECT_EQ(FileBytes().find(secret), std::string::npos);
  EXPECT_NE(FileBytes().find(key->info.key_id), std::string::npos);  // the id is stored
}

TEST_F(SqliteMetadataStoreTest, AGlobalAuditChainIsKeptAndEveryTenantsChainGoesOnAfterIt) {
  std::string a;
  std::string b;
  {
    MetadataStore& m = Open();
    a = NewTenant(m, "a");
    b = NewTenant(m, "b");
    store_.reset();
  }
  // What version 4 had: one chain across tenants, numbered by the log.
  RawExec(
      "DROP TABLE audit_heads; DROP TABLE audit_base; DROP TABLE audit_log;"
      "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
      " actor TEXT NOT NULL, action TEXT NOT NULL, tenant TEXT NOT NULL,"
      " document_id TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL,"
      " hash TEXT NOT NULL);"
      "DROP TABLE sender_memory;"  // version 6
      "DROP INDEX documents_sender; ALTER TABLE documents DROP COLUMN sender;"  // version 7
      "PRAGMA user_version = 4;");
  std::vector<AuditEntry> global;
  std::string head(metadata::kGenesisHash);
  const std::string tenants[] = {a, b, a, "", b};
  for (int i = 0; i < 5; ++i) {
    global.push_back(metadata::NextAuditEntry(i, head, kStart + i, {"cli:old", "noted",
                                                                    tenants[i], "", "{}"}));
    const AuditEntry& e = global.back();
    head = e.hash;
    RawExec("INSERT INTO audit_log VALUES (" + std::to_string(e.seq) + ", " +
            std::to_string(e.at) + ", 'cli:old', 'noted', '" + e.tenant_id + "', '', '{}', '" +
            e.prev_hash + "', '" + e.hash + "')");
  }
  MetadataStore& m = Open();
  auto v = m.VerifyAudit();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->intact) << v->reason;
  EXPECT_EQ(v->entries, 5);
  EXPECT_EQ(v->base_seq, 5);
  EXPECT_EQ(v->base_hash, global[4].hash);
  // Each tenant's chain goes on after the old log's last entry.
  ASSERT_EQ(*m.AppendAudit({"cli:new", "noted", a, "", "{}"}), 6);
  ASSERT_EQ(*m.AppendAudit({"cli:new", "noted", b, "", "{}"}), 6);
  ASSERT_EQ(*m.AppendAudit({"cli:new", "noted", a, "", "{}"}), 7);
  auto chain = m.ListAudit(a, 0, 100);
  ASSERT_TRUE(chain.ok());
  std::vector<std::int64_t> seqs;
  for (const AuditEntry& e : *chain) seqs.push_back(e.seq);
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{1, 3, 6, 7}));
  EXPECT_EQ((*chain)[2].prev_hash, global[4].hash);
  EXPECT_EQ(m.ListAudit(b, 5, 10)->front().prev_hash, global[4].hash);
  v = m.VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->intact) << v->reason;
  EXPECT_EQ(v->entries, 8);
  EXPECT_EQ(v->chains, 3);  // a, b and the system chain (its one old entry)
  // The old entries are still checked as the one chain they form.
  RawExec("UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 2");
  v = m.VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->intact);
  EXPECT_EQ(v->first_bad_seq, 2);
}

TEST_F(SqliteMetadataStoreTest, MigratingAVersion1DatabaseGivesTenantsSecretsAndCountsDocuments) {
  std::string a;
  std::string key;
  {
    MetadataStore& m = Open();
    a = NewTenant(m, "a");
    NewTenant(m, "b");
    key = m.CreateApiKey(a, "cli:admin")->key;
    Create(m, a, Doc());
    DocumentRecord review = Doc();
    review.status = ProcessingStatus::kNeedsReview;
    Create(m, a, review);
    store_.reset();
  }
  // Turn the file back into what version 1 wrote: the tenants table without the new columns,
  // no status counts, no review holds, one audit chain (left empty here: its migration is
  // AGlobalAuditChainIsKeptAndEveryTenantsChainGoesOnAfterIt's subject).
  RawExec(
      "DROP TABLE audit_heads; DROP TABLE audit_base; DROP TABLE audit_log;"
      "CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
      " actor TEXT NOT NULL, action TEXT NOT NULL, tenant TEXT NOT NULL,"
      " document_id TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL,"
      " hash TEXT NOT NULL);"
      "DROP INDEX documents_review;"  // a partial index names a column: drop, drop, recreate
      "ALTER TABLE documents DROP COLUMN review_claimed_by;"
      "ALTER TABLE documents DROP COLUMN review_claim_expires_at;"
      "CREATE INDEX documents_review ON documents(tenant, priority, seq)"
      "  WHERE status = 'needs_review';"
      "DROP TRIGGER documents_counted_insert;"
      "DROP TRIGGER documents_counted_update;"
      "DROP TRIGGER documents_counted_delete;"
      "DROP TABLE document_counts;"
      "ALTER TABLE tenants DROP COLUMN webhook_secret;"
      "ALTER TABLE tenants DROP COLUMN default_webhook_url;"
      "DROP TABLE sender_memory;"  // version 6
      "DROP INDEX documents_sender; ALTER TABLE documents DROP COLUMN sender;"  // version 7
      "PRAGMA user_version = 1;");
  MetadataStore& m = Open();
  auto tenants = m.ListTenants();
  ASSERT_TRUE(tenants.ok()) << tenants.status().ToString();
  ASSERT_EQ(tenants->size(), 2u);
  EXPECT_TRUE(IsWebhookSecret((*tenants)[0].webhook_secret)) << (*tenants)[0].webhook_secret;
  SenderFieldMemory learned{"vat:DE1", "total", "{}", "", 0};
  EXPECT_TRUE(m.PutSenderMemory((*tenants)[0].id, learned, "cli:test").ok())
      << "the migration to version 6 adds sender memory";
  EXPECT_TRUE(IsWebhookSecret((*tenants)[1].webhook_secret)) << (*tenants)[1].webhook_secret;
  EXPECT_NE((*tenants)[0].webhook_secret, (*tenants)[1].webhook_secret);
  EXPECT_EQ((*tenants)[0].default_webhook_url, "");
  // The status counts start from the documents there are.
  EXPECT_EQ(*m.CountByStatus(), (std::map<ProcessingStatus, std::int64_t>{
                                    {ProcessingStatus::kQueued, 1},
                                    {ProcessingStatus::kNeedsReview, 1}}));
  // Everything else is as it was; the secret survives reopening (no second migration).
  EXPECT_EQ(m.Authenticate(key)->tenant_id, a);
  EXPECT_TRUE(m.VerifyAudit()->intact);
  const std::string secret = m.GetTenant(a)->webhook_secret;
  store_.reset();
  MetadataStore& again = Open();
  EXPECT_EQ(again.GetTenant(a)->webhook_secret, secret);
  // The review hold columns came with the migration.
  auto held = again.ClaimReviewTasks(a, "alice", 5, 1min);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].review_claimed_by, "alice");
  ASSERT_TRUE(again.SetTenantWebhook(a, "https://h.example/", "cli:ops").ok());
  EXPECT_TRUE(IsWebhookSecret(again.CreateTenant("c", "cli:test")->webhook_secret));
}

TEST_F(SqliteMetadataStoreTest, MigratingToVersion7ListsTheStoredResultsBySender) {
  std::string a;
  std::string with, without, broken;
  {
    MetadataStore& m = Open();
    a = NewTenant(m, "a");
    with = Create(m, a, Doc()).id;
    without = Create(m, a, Doc()).id;
    broken = Create(m, a, Doc()).id;
    DocumentUpdate u;
    u.result_json = R"({"fields": {}, "sender": {"kind": "name", "key": "name:acme"}})";
    ASSERT_TRUE(m.UpdateDocument(a, with, u, "worker").ok());
    u.result_json = R"({"fields": {}, "sender": null})";
    ASSERT_TRUE(m.UpdateDocument(a, without, u, "worker").ok());
    u.result_json = R"({"sender": {"key": 7}})";
    ASSERT_TRUE(m.UpdateDocument(a, broken, u, "worker").ok());
    store_.reset();
  }
  // What version 6 had: no sender column.
  RawExec(
      "DROP INDEX documents_sender; ALTER TABLE documents DROP COLUMN sender;"
      "PRAGMA user_version = 6;");
  MetadataStore& m = Open();
  DocumentFilter f;
  f.sender = "name:acme";
  auto page = m.ListDocuments(a, f);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->documents.size(), 1u);
  EXPECT_EQ(page->documents[0].id, with);
  f.sender = "7";
  EXPECT_TRUE(m.ListDocuments(a, f)->documents.empty());
}

TEST_F(SqliteMetadataStoreTest, SchemaIsVersionedAndForeignDatabasesAreRefused) {
  Open();
  store_.reset();
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), SqliteMetadataStore::kSchemaVersion);
    sqlite3_finalize(stmt);
    stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  RawExec("PRAGMA user_version = 99");
  auto newer = SqliteMetadataStore::Open(path_, Options());
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), ErrorCode::kIoError);
  EXPECT_NE(newer.status().message().find("newer"), std::string::npos);

  const std::string other = dir_ + "/other.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE messages (id INTEGER)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto foreign = SqliteMetadataStore::Open(other, Options());
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("not a Sheaf metadata database"), std::string::npos);

  SqliteMetadataStoreOptions bad = Options();
  bad.read_connections = 0;
  EXPECT_EQ(SqliteMetadataStore::Open(dir_ + "/x.db", bad).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(SqliteMetadataStoreTest, AnotherProcessHoldingTheWriteLockMakesWritesUnavailable) {
  SqliteMetadataStoreOptions o = Options();
  o.busy_timeout = 50ms;
  MetadataStore& m = Open(o);
  const std::string a = NewTenant(m, "a");
  const DocumentRecord d = Create(m, a, Doc());

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  // Reads go on (WAL); writes wait busy_timeout, then say to retry, and change nothing.
  EXPECT_TRUE(m.GetDocument(a, d.id).ok());
  auto blocked = m.CreateDocument(a, Doc(), 0, "key:a");
  EXPECT_EQ(blocked.status().code(), ErrorCode::kUnavailable) << blocked.status().ToString();
  ASSERT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  EXPECT_EQ(m.ListDocuments(a, {})->documents.size(), 1u);
  EXPECT_TRUE(m.CreateDocument(a, Doc(), 0, "key:a").ok());
  EXPECT_TRUE(m.VerifyAudit()->intact);
}

TEST_F(SqliteMetadataStoreTest, ConcurrentCreatesFrom64ThreadsShareCommits) {
  SqliteMetadataStoreOptions o;  // the real clock
  SqliteMetadataStore& m = Open(o);
  std::vector<std::string> tenants;
  for (int t = 0; t < 4; ++t) tenants.push_back(NewTenant(m, "t" + std::to_string(t)));
  constexpr int kThreads = 64;
  constexpr int kEach = 40;
  const std::uint64_t commits_before = m.commits();
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        DocumentRecord d = Doc("req-" + std::to_string(t) + "-" + std::to_string(i));
        auto r = m.CreateDocument(tenants[static_cast<std::size_t>(t % 4)], d, 0, "key:bench");
        if (!r.ok() || !r->created) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const int total = kThreads * kEach;
  const std::uint64_t commits = m.commits() - commits_before;
  std::printf(
      "[ metric   ] %d creates from %d threads in %.3f s: %.0f creates/s, %llu commits "
      "(%.1f creates per fsync)\n",
      total, kThreads, seconds, total / seconds, static_cast<unsigned long long>(commits),
      static_cast<double>(total) / static_cast<double>(commits));
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LT(commits, static_cast<std::uint64_t>(total)) << "group commit shares transactions";
  std::int64_t pending = 0;
  for (const std::string& t : tenants) pending += *m.CountQueued(t);
  EXPECT_EQ(pending, total);
  auto v = m.VerifyAudit();
  EXPECT_TRUE(v->intact);
  EXPECT_EQ(v->entries, 4 + total);
}

}  // namespace
}  // namespace sheaf
