// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/sqlite/sqlite_metadata_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <unordered_map>
#include <utility>

#include "adapters/sqlite/metadata/rows.h"
#include "adapters/sqlite/private_file.h"
#include "metadata/cursors.h"
#include "metadata/keys.h"

namespace sheaf {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;
using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::sqlite_meta;

// Most operations one transaction takes: bounds the latency a caller adds to the others.

// Schema migrations: kMigrations[v] takes a database from user_version v to v + 1. Append only;
// never edit one that has shipped.
constexpr const char* kMigrations[] = {
    // 0 -> 1
    R"sql(
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,             -- 16 hex digits
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,     -- ms since the Unix epoch, like every time below
  pending INTEGER NOT NULL         -- documents queued or processing, kept by the triggers below
);
CREATE TABLE api_keys (
  key_id TEXT PRIMARY KEY,         -- the key's public part
  tenant TEXT NOT NULL,
  salt TEXT NOT NULL,              -- hex
  hash TEXT NOT NULL,              -- hex SHA-256(salt || key); the key itself is never stored
  created_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL      -- 0 while active
);
CREATE INDEX api_keys_tenant ON api_keys(tenant, created_at);
CREATE TABLE documents (
  seq INTEGER PRIMARY KEY,         -- insertion order: the listing order and the cursors' key
  id TEXT NOT NULL UNIQUE,
  tenant TEXT NOT NULL,
  status TEXT NOT NULL,            -- ProcessingStatusName
  priority INTEGER NOT NULL,       -- 0 urgent, 1 high, 2 normal: the review queue's order
  type_hint TEXT NOT NULL,
  doc_type TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  metadata TEXT NOT NULL,          -- JSON
  idempotency_key TEXT NOT NULL,   -- '' when none
  source_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  stages TEXT NOT NULL,            -- JSON object: stage -> timings
  result TEXT,                     -- JSON; NULL until there is one
  error TEXT NOT NULL
);
CREATE UNIQUE INDEX documents_idempotency ON documents(tenant, idempotency_key)
  WHERE idempotency_key <> '';
CREATE INDEX documents_tenant ON documents(tenant, seq);
CREATE INDEX documents_status ON documents(tenant, status, seq);
CREATE INDEX documents_type ON documents(tenant, doc_type, seq);
CREATE INDEX documents_review ON documents(tenant, priority, seq) WHERE status = 'needs_review';
CREATE TRIGGER documents_pending_insert AFTER INSERT ON documents
  WHEN NEW.status IN ('queued', 'processing')
BEGIN
  UPDATE tenants SET pending = pending + 1 WHERE id = NEW.tenant;
END;
CREATE TRIGGER documents_pending_update AFTER UPDATE OF status ON documents
  WHEN (OLD.status IN ('queued', 'processing')) <> (NEW.status IN ('queued', 'processing'))
BEGIN
  UPDATE tenants SET pending = pending + (CASE WHEN NEW.status IN ('queued', 'processing')
                                          THEN 1 ELSE -1 END)
  WHERE id = NEW.tenant;
END;
CREATE TRIGGER documents_pending_delete AFTER DELETE ON documents
  WHEN OLD.status IN ('queued', 'processing')
BEGIN
  UPDATE tenants SET pending = pending - 1 WHERE id = OLD.tenant;
END;
CREATE TABLE corrections (
  id INTEGER PRIMARY KEY,
  document_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  action TEXT NOT NULL,            -- ReviewActionName
  fields TEXT NOT NULL,            -- JSON
  created_at INTEGER NOT NULL
);
CREATE INDEX corrections_document ON corrections(document_id, id);
CREATE TABLE webhook_events (
  event_id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  document_id TEXT NOT NULL,
  url TEXT NOT NULL,
  event_type TEXT NOT NULL,
  body BLOB NOT NULL,              -- sent byte for byte on every attempt
  state TEXT NOT NULL,             -- WebhookStateName
  attempts INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhook_events_due ON webhook_events(next_attempt_at, created_at)
  WHERE state = 'pending';
CREATE INDEX webhook_events_tenant ON webhook_events(tenant, state, created_at);
CREATE INDEX webhook_events_document ON webhook_events(document_id);
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,         -- 1, 2, 3 ... without gaps
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  tenant TEXT NOT NULL,
  document_id TEXT NOT NULL,
  details TEXT NOT NULL,           -- JSON
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL               -- see AuditEntry in sheaf/metadata_store.h
);
)sql",
    // 1 -> 2: tenant webhook settings. Migrate gives every tenant that has none a fresh secret
    // (random bytes come from the kernel, not from SQL).
    R"sql(
ALTER TABLE tenants ADD COLUMN webhook_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE tenants ADD COLUMN default_webhook_url TEXT NOT NULL DEFAULT '';
)sql",
    // 2 -> 3: documents by status kept in a table by triggers, in the writing transaction, so
    // CountByStatus (every /metrics scrape) reads six rows instead of counting every document.
    R"sql(
CREATE TABLE document_counts (
  status TEXT PRIMARY KEY,
  n INTEGER NOT NULL
);
INSERT INTO document_counts (status, n) SELECT status, COUNT(*) FROM documents GROUP BY status;
CREATE TRIGGER documents_counted_insert AFTER INSERT ON documents
BEGIN
  INSERT INTO document_counts (status, n) VALUES (NEW.status, 1)
    ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER documents_counted_update AFTER UPDATE OF status ON documents
  WHEN OLD.status <> NEW.status
BEGIN
  UPDATE document_counts SET n = n - 1 WHERE status = OLD.status;
  INSERT INTO document_counts (status, n) VALUES (NEW.status, 1)
    ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER documents_counted_delete AFTER DELETE ON documents
BEGIN
  UPDATE document_counts SET n = n - 1 WHERE status = OLD.status;
END;
)sql",
    // 3 -> 4: review holds (ClaimReviewTasks): who works on a needs_review document, until when.
    R"sql(
ALTER TABLE documents ADD COLUMN review_claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN review_claim_expires_at INTEGER NOT NULL DEFAULT 0;
)sql",
    // 4 -> 5: one audit chain per tenant. The entries so far stay as they are, one chain across
    // tenants; audit_base records its last entry, after which every tenant's chain continues.
    // audit_heads holds each chain's last entry, so an append reads one row.
    R"sql(
CREATE TABLE audit_base (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_base (one, seq, hash)
  SELECT 1, coalesce(max(seq), 0),
         coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
                  '0000000000000000000000000000000000000000000000000000000000000000')
  FROM audit_log;
CREATE TABLE audit_log_by_tenant (
  seq INTEGER NOT NULL,            -- the entry's place in its tenant's chain
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  tenant TEXT NOT NULL,            -- '' for the system chain
  document_id TEXT NOT NULL,
  details TEXT NOT NULL,           -- JSON
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,              -- see AuditEntry in sheaf/metadata_store.h
  PRIMARY KEY (tenant, seq)
) WITHOUT ROWID;
INSERT INTO audit_log_by_tenant
  SELECT seq, at, actor, action, tenant, document_id, details, prev_hash, hash FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_by_tenant RENAME TO audit_log;
CREATE TABLE audit_heads (
  tenant TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_heads (tenant, seq, hash)
  SELECT tenant, seq, hash FROM audit_log a
  WHERE seq = (SELECT max(seq) FROM audit_log b WHERE b.tenant = a.tenant);
)sql",
    // 5 -> 6: what corrections taught about each sender (src/learn), per tenant.
    R"sql(
CREATE TABLE sender_memory (
  tenant TEXT NOT NULL,
  sender TEXT NOT NULL,
  field TEXT NOT NULL,
  memory TEXT NOT NULL,
  document_id TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, sender, field)
);
)sql",
    // 6 -> 7: each document's sender identity key, for listing one sender's documents; filled
    // from the results written so far.
    R"sql(
ALTER TABLE documents ADD COLUMN sender TEXT NOT NULL DEFAULT '';
UPDATE documents SET sender = coalesce(json_extract(result, '$.sender.key'), '')
  WHERE result IS NOT NULL AND json_valid(result) AND json_type(result, '$.sender.key') = 'text';
CREATE INDEX documents_sender ON documents(tenant, sender, seq);
)sql",
};
static_assert(std::size(kMigrations) == SqliteMetadataStore::kSchemaVersion);

// Opens a connection of type C (SqlConn or a subclass) to `path` with the settings every
// connection shares.
template <typename C>
Result<std::unique_ptr<C>> OpenConn(const std::string& path, int flags, milliseconds busy_timeout) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  // The connection owns the handle from here on, even when opening failed.
  auto conn = std::make_unique<C>(db, path);
  if (rc != SQLITE_OK) return conn->Error(rc, "cannot open");
  sqlite3_busy_timeout(db, static_cast<int>(std::min<std::int64_t>(
                               busy_timeout.count(), std::numeric_limits<int>::max())));
  // Constraint failures are told apart by their extended codes (SQLITE_CONSTRAINT_UNIQUE).
  sqlite3_extended_result_codes(db, 1);
  return conn;
}

}  // namespace

class SqliteMetadataStore::ReadPool {
 public:
  explicit ReadPool(std::vector<std::unique_ptr<Conn>> conns) : all_(std::move(conns)) {
    for (const auto& c : all_) free_.push_back(c.get());
  }
  // Waits until a connection is free and takes it.
  Conn* Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    Conn* c = free_.back();
    free_.pop_back();
    return c;
  }
  void Release(Conn* c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(c);
    }
    cv_.notify_one();
  }

 private:
  const std::vector<std::unique_ptr<Conn>> all_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Conn*> free_;  // GUARDED_BY(mu_)
};

namespace {

// Part of migration 1 -> 2: every tenant without a webhook secret gets a fresh one.
Status GiveTenantsWebhookSecrets(SqlConn& conn) {
  std::vector<std::string> ids;
  {
    Stmt select;
    int rc = select.Prepare(conn.db(), "SELECT id FROM tenants WHERE webhook_secret = ''");
    if (rc != SQLITE_OK) return conn.Error(rc, "cannot list tenants to migrate");
    Run run(select);
    while ((rc = run.Step()) == SQLITE_ROW) ids.push_back(run.ColumnText(0));
    if (rc != SQLITE_DONE) return conn.Error(rc, "cannot list tenants to migrate");
  }
  if (ids.empty()) return Status::Ok();
  Stmt update;
  const int prepared = update.Prepare(conn.db(), kSetTenantSecret);
  if (prepared != SQLITE_OK) return conn.Error(prepared, "cannot migrate tenants");
  for (const std::string& id : ids) {
    Run run(update);
    run.Text(1, id).Text(2, NewWebhookSecret());
    const int rc = run.Step();
    if (rc != SQLITE_DONE) return conn.Error(rc, "cannot give tenant " + id + " a webhook secret");
  }
  return Status::Ok();
}

// Makes `conn` a writer: WAL, synchronous=FULL, then brings the schema to kSchemaVersion.
Status Migrate(SqlConn& conn) {
  Result<std::string> mode = conn.QueryText("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return Status(ErrorCode::kIoError,
                  conn.path() + ": the database refuses WAL mode (journal mode " + *mode + ")");
  }
  // FULL: in WAL mode, every commit syncs the WAL before it returns.
  Status s = conn.Exec("PRAGMA synchronous = FULL");
  if (!s.ok()) return s;
  // IMMEDIATE: two processes opening a new store at once migrate it once.
  s = conn.Exec("BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  const auto fail = [&](Status error) {
    conn.Exec("ROLLBACK");
    return error;
  };
  Result<std::string> version_text = conn.QueryText("PRAGMA user_version");
  if (!version_text.ok()) return fail(version_text.status());
  std::int64_t version = 0;
  if (!ParseNonNegative(*version_text, &version)) {
    return fail(Status(ErrorCode::kIoError, conn.path() + ": bad user_version " + *version_text));
  }
  if (version > SqliteMetadataStore::kSchemaVersion) {
    return fail(Status(ErrorCode::kIoError,
                       conn.path() + ": metadata schema version " + std::to_string(version) +
                           " is newer than this Sheaf supports (" +
                           std::to_string(SqliteMetadataStore::kSchemaVersion) + ")"));
  }
  if (version == 0) {
    Result<std::string> tables = conn.QueryText("SELECT count(*) FROM sqlite_master");
    if (!tables.ok()) return fail(tables.status());
    if (*tables != "0") {
      return fail(Status(ErrorCode::kIoError,
                         conn.path() + ": not a Sheaf metadata database (it has other tables)"));
    }
  }
  for (std::int64_t v = version; v < SqliteMetadataStore::kSchemaVersion; ++v) {
    s = conn.Exec(kMigrations[v]);
    if (!s.ok()) return fail(s);
  }
  if (version < 2) {
    s = GiveTenantsWebhookSecrets(conn);
    if (!s.ok()) return fail(s);
  }
  if (version != SqliteMetadataStore::kSchemaVersion) {
    const std::string set =
        "PRAGMA user_version = " + std::to_string(SqliteMetadataStore::kSchemaVersion);
    s = conn.Exec(set.c_str());
    if (!s.ok()) return fail(s);
  }
  s = conn.Exec("COMMIT");
  return s.ok() ? s : fail(s);
}

}  // namespace

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(
    const std::string& path, SqliteMetadataStoreOptions options) {
  if (options.read_connections < 1) {
    return Status(ErrorCode::kInvalidArgument, "read_connections must be at least 1");
  }
  if (options.busy_timeout.count() < 0) {
    return Status(ErrorCode::kInvalidArgument, "busy_timeout must not be negative");
  }
  if (Status made = CreatePrivateFile(path); !made.ok()) return made;
  Result<std::unique_ptr<Conn>> writer =
      OpenConn<Conn>(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options.busy_timeout);
  if (!writer.ok()) return writer.status();
  Status s = Migrate(**writer);
  if (s.ok()) s = (*writer)->PrepareAll();
  if (!s.ok()) return s;

  std::vector<std::unique_ptr<Conn>> readers;
  for (int i = 0; i < options.read_connections; ++i) {
    Result<std::unique_ptr<Conn>> reader =
        OpenConn<Conn>(path, SQLITE_OPEN_READWRITE, options.busy_timeout);
    if (!reader.ok()) return reader.status();
    // Writable only for WAL's shared-memory index; no statement may change the database.
    s = (*reader)->Exec("PRAGMA query_only = 1");
    if (s.ok()) s = (*reader)->PrepareAll();
    if (!s.ok()) return s;
    readers.push_back(std::move(reader).value());
  }

  std::unique_ptr<SqliteMetadataStore> store(
      new SqliteMetadataStore(std::move(writer).value(),
                              std::make_unique<ReadPool>(std::move(readers)), std::move(options)));
  if (Status started = store->writer_.Start(); !started.ok()) {
    return Status(started.code(), path + ": " + started.message());
  }
  return store;
}

SqliteMetadataStore::SqliteMetadataStore(std::unique_ptr<Conn> writer,
                                         std::unique_ptr<ReadPool> readers,
                                         SqliteMetadataStoreOptions options)
    : writer_conn_(std::move(writer)),
      readers_(std::move(readers)),
      options_(std::move(options)),
      writer_(writer_conn_.get(), "metadata") {}

SqliteMetadataStore::~SqliteMetadataStore() = default;

std::int64_t SqliteMetadataStore::NowMs() const {
  const system_clock::time_point now = options_.clock ? options_.clock() : system_clock::now();
  return std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
}

Status SqliteMetadataStore::Read(const std::function<Status(Conn&)>& run) {
  Conn* conn = readers_->Acquire();
  Status s = conn->Exec("BEGIN");
  if (s.ok()) {
    try {
      s = run(*conn);
    } catch (const std::exception& e) {
      s = Status(ErrorCode::kInternal, std::string("metadata read threw: ") + e.what());
    }
    // A read transaction has nothing to commit; this only ends the snapshot.
    if (conn->InTransaction()) conn->Exec("COMMIT");
  }
  readers_->Release(conn);
  return s;
}

Result<std::unique_ptr<MetadataStore>> OpenSqliteMetadataStore(const std::string& path,
                                                               SqliteMetadataStoreOptions options) {
  Result<std::unique_ptr<SqliteMetadataStore>> store =
      SqliteMetadataStore::Open(path, std::move(options));
  if (!store.ok()) return store.status();
  return std::unique_ptr<MetadataStore>(std::move(store).value());
}

}  // namespace sheaf
