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

#include "adapters/sqlite/private_file.h"
#include "metadata/audit_chain.h"
#include "metadata/cursors.h"
#include "metadata/keys.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;
using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)

// Most operations one transaction takes: bounds the latency a caller adds to the others.
constexpr std::size_t kMaxBatch = 1024;

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
};
static_assert(std::size(kMigrations) == SqliteMetadataStore::kSchemaVersion);

// ---------------------------------------------------------------------------------------------
// SQL. Every statement is prepared once per connection (SqlConn::PrepareAll) and found again by
// its address.

#define SHEAF_DOCUMENT_COLUMNS(result)                                                          \
  "id, tenant, status, priority, type_hint, doc_type, webhook_url, metadata, idempotency_key, " \
  "source_name, content_type, size, sha256, blob_key, created_at, updated_at, stages, " result  \
  ", error"
#define SHEAF_WEBHOOK_COLUMNS                                                             \
  "event_id, tenant, document_id, url, event_type, body, state, attempts, window_start, " \
  "next_attempt_at, last_error, created_at, updated_at"
#define SHEAF_AUDIT_COLUMNS "seq, at, actor, action, tenant, document_id, details, prev_hash, hash"
#define SHEAF_KEY_COLUMNS "key_id, tenant, salt, hash, created_at, revoked_at"

#define SHEAF_TENANT_COLUMNS "id, name, created_at, webhook_secret, default_webhook_url"

constexpr char kInsertTenant[] =
    "INSERT INTO tenants (" SHEAF_TENANT_COLUMNS ", pending) VALUES (?1, ?2, ?3, ?4, '', 0)";
constexpr char kTenantById[] = "SELECT " SHEAF_TENANT_COLUMNS " FROM tenants WHERE id = ?1";
constexpr char kTenantByName[] = "SELECT " SHEAF_TENANT_COLUMNS " FROM tenants WHERE name = ?1";
constexpr char kTenants[] = "SELECT " SHEAF_TENANT_COLUMNS " FROM tenants ORDER BY name";
constexpr char kSetTenantWebhook[] = "UPDATE tenants SET default_webhook_url = ?2 WHERE id = ?1";
constexpr char kSetTenantSecret[] = "UPDATE tenants SET webhook_secret = ?2 WHERE id = ?1";
constexpr char kTenantPending[] = "SELECT pending FROM tenants WHERE id = ?1";
constexpr char kCountByStatus[] = "SELECT status, COUNT(*) FROM documents GROUP BY status";

constexpr char kInsertKey[] =
    "INSERT INTO api_keys (" SHEAF_KEY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, 0)";
constexpr char kKeyById[] = "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE key_id = ?1";
constexpr char kKeysOfTenant[] =
    "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE tenant = ?1 ORDER BY created_at, key_id";
constexpr char kRevokeKey[] =
    "UPDATE api_keys SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at = 0";

constexpr char kInsertDocument[] =
    "INSERT INTO documents (" SHEAF_DOCUMENT_COLUMNS("result") ") VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
constexpr char kDocumentById[] =
    "SELECT " SHEAF_DOCUMENT_COLUMNS("result") " FROM documents WHERE id = ?1 AND tenant = ?2";
constexpr char kDocumentByKey[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "result") " FROM documents WHERE tenant = ?1 AND idempotency_key = ?2"
              " AND idempotency_key <> ''";
constexpr char kDocumentStatus[] = "SELECT status FROM documents WHERE id = ?1 AND tenant = ?2";
// ?3 status, ?4 type, ?5 reset stages, ?6 stage path or NULL, ?7 stage JSON, ?8 set result,
// ?9 result or NULL, ?10 error, ?11 now. NULL leaves a column as it is.
constexpr char kUpdateDocument[] =
    "UPDATE documents SET status = COALESCE(?3, status), doc_type = COALESCE(?4, doc_type),"
    " stages = CASE WHEN ?6 IS NULL THEN (CASE WHEN ?5 THEN '{}' ELSE stages END)"
    "   ELSE json_set(CASE WHEN ?5 THEN '{}' ELSE stages END, ?6, json(?7)) END,"
    " result = CASE WHEN ?8 THEN ?9 ELSE result END, error = COALESCE(?10, error),"
    " updated_at = ?11 WHERE id = ?1 AND tenant = ?2";
constexpr char kSetReviewed[] =
    "UPDATE documents SET status = ?3, result = COALESCE(?4, result), updated_at = ?5"
    " WHERE id = ?1 AND tenant = ?2";
constexpr char kDeleteDocument[] = "DELETE FROM documents WHERE id = ?1 AND tenant = ?2";
constexpr char kDeleteCorrectionsOf[] =
    "DELETE FROM corrections WHERE document_id = ?1 AND tenant = ?2";
constexpr char kDeleteWebhooksOf[] =
    "DELETE FROM webhook_events WHERE document_id = ?1 AND tenant = ?2";
// Listing: newest first, keyset on seq. Results are left out (NULL). seq is the last column.
constexpr char kListAll[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?5";
constexpr char kListStatus[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND seq < ?2 AND status = ?3"
            " ORDER BY seq DESC LIMIT ?5";
constexpr char kListType[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND seq < ?2 AND doc_type = ?4"
            " ORDER BY seq DESC LIMIT ?5";
constexpr char kListStatusType[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND seq < ?2 AND status = ?3"
            " AND doc_type = ?4 ORDER BY seq DESC LIMIT ?5";
constexpr char kReviewQueue[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = ?1 AND status = 'needs_review'"
            " AND (priority, seq) > (?2, ?3) ORDER BY priority, seq LIMIT ?4";

constexpr char kInsertCorrection[] =
    "INSERT INTO corrections (document_id, tenant, reviewer, action, fields, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr char kCorrectionsOf[] =
    "SELECT id, document_id, tenant, reviewer, action, fields, created_at FROM corrections"
    " WHERE document_id = ?1 AND tenant = ?2 ORDER BY id";

constexpr char kInsertWebhook[] = "INSERT INTO webhook_events (" SHEAF_WEBHOOK_COLUMNS
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                                  " 'pending', 0, ?7, ?7, '', ?7, ?7)";
constexpr char kWebhookById[] =
    "SELECT " SHEAF_WEBHOOK_COLUMNS " FROM webhook_events WHERE event_id = ?1";
constexpr char kWebhookOfTenant[] =
    "SELECT " SHEAF_WEBHOOK_COLUMNS " FROM webhook_events WHERE event_id = ?1 AND tenant = ?2";
constexpr char kWebhooksOfTenant[] = "SELECT " SHEAF_WEBHOOK_COLUMNS
                                     " FROM webhook_events WHERE tenant = ?1 AND state = ?2"
                                     " ORDER BY created_at DESC, event_id DESC LIMIT ?3";
constexpr char kDueWebhooks[] =
    "SELECT event_id FROM webhook_events WHERE state = 'pending' AND next_attempt_at <= ?1"
    " ORDER BY next_attempt_at, created_at LIMIT ?2";
constexpr char kClaimWebhook[] =
    "UPDATE webhook_events SET attempts = attempts + 1, next_attempt_at = ?2, updated_at = ?3"
    " WHERE event_id = ?1 RETURNING " SHEAF_WEBHOOK_COLUMNS;
constexpr char kWebhookDelivered[] =
    "UPDATE webhook_events SET state = 'delivered', last_error = '', updated_at = ?2"
    " WHERE event_id = ?1";
constexpr char kWebhookRetry[] =
    "UPDATE webhook_events SET next_attempt_at = ?2, last_error = ?3, updated_at = ?4"
    " WHERE event_id = ?1";
constexpr char kWebhookFailed[] =
    "UPDATE webhook_events SET state = 'failed', last_error = ?2, updated_at = ?3"
    " WHERE event_id = ?1";
constexpr char kWebhookReplay[] =
    "UPDATE webhook_events SET state = 'pending', attempts = 0, window_start = ?2,"
    " next_attempt_at = ?2, last_error = '', updated_at = ?2 WHERE event_id = ?1";

constexpr char kAuditHead[] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr char kInsertAudit[] =
    "INSERT INTO audit_log (" SHEAF_AUDIT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr char kAuditAfter[] =
    "SELECT " SHEAF_AUDIT_COLUMNS " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2";
constexpr char kAuditAll[] = "SELECT " SHEAF_AUDIT_COLUMNS " FROM audit_log ORDER BY seq";

#undef SHEAF_DOCUMENT_COLUMNS
#undef SHEAF_WEBHOOK_COLUMNS
#undef SHEAF_AUDIT_COLUMNS
#undef SHEAF_KEY_COLUMNS
#undef SHEAF_TENANT_COLUMNS

constexpr const char* kStatements[] = {
    kInsertTenant,     kTenantById,          kTenantByName,
    kTenants,          kTenantPending,       kInsertKey,
    kKeyById,          kKeysOfTenant,        kRevokeKey,
    kInsertDocument,   kDocumentById,        kDocumentByKey,
    kDocumentStatus,   kUpdateDocument,      kSetReviewed,
    kDeleteDocument,   kDeleteCorrectionsOf, kDeleteWebhooksOf,
    kListAll,          kListStatus,          kListType,
    kListStatusType,   kReviewQueue,         kInsertCorrection,
    kCorrectionsOf,    kInsertWebhook,       kWebhookById,
    kWebhookOfTenant,  kWebhooksOfTenant,    kDueWebhooks,
    kClaimWebhook,     kWebhookDelivered,    kWebhookRetry,
    kWebhookFailed,    kWebhookReplay,       kAuditHead,
    kInsertAudit,      kAuditAfter,          kAuditAll,
    kSetTenantWebhook, kSetTenantSecret,  kCountByStatus,
};

// ---------------------------------------------------------------------------------------------
// Small helpers.

Status StorageError(sqlite3* db, int rc, const std::string& path, std::string_view what) {
  const int primary = rc & 0xff;
  const ErrorCode code = primary == SQLITE_BUSY || primary == SQLITE_LOCKED
                             ? ErrorCode::kUnavailable
                             : ErrorCode::kIoError;
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY) detail += " (another process is writing the metadata store)";
  return Status(code, path + ": " + std::string(what) + ": " + detail);
}

// ---------------------------------------------------------------------------------------------
// Statements.

// A prepared statement, finalized on destruction.
class Stmt {
 public:
  Stmt() = default;
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  int Prepare(sqlite3* db, const char* sql) {
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// One execution of a prepared statement: binds (copying the bytes), steps, reads columns, and
// resets the statement when it goes out of scope (which also ends a read's snapshot use).
class Run {
 public:
  explicit Run(const Stmt& stmt) : s_(stmt.get()) {}
  ~Run() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  Run& Int(int i, std::int64_t v) {
    Note(sqlite3_bind_int64(s_, i, v));
    return *this;
  }
  Run& Text(int i, std::string_view v) {
    Note(sqlite3_bind_text64(s_, i, v.data() != nullptr ? v.data() : "", v.size(), SQLITE_TRANSIENT,
                             SQLITE_UTF8));
    return *this;
  }
  Run& Blob(int i, std::string_view v) {
    Note(sqlite3_bind_blob64(s_, i, v.data() != nullptr ? v.data() : "", v.size(),
                             SQLITE_TRANSIENT));
    return *this;
  }
  Run& Null(int i) {
    Note(sqlite3_bind_null(s_, i));
    return *this;
  }
  Run& OptText(int i, const std::optional<std::string>& v) {
    return v.has_value() ? Text(i, *v) : Null(i);
  }
  // Returns SQLITE_ROW, SQLITE_DONE or an error (including a failed bind).
  int Step() { return bind_rc_ != SQLITE_OK ? bind_rc_ : sqlite3_step(s_); }

  std::int64_t ColumnInt(int c) const { return sqlite3_column_int64(s_, c); }
  bool ColumnIsNull(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string ColumnText(int c) const {
    const auto* p = sqlite3_column_text(s_, c);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
                        : std::string();
  }
  std::string ColumnBlob(int c) const {
    const void* p = sqlite3_column_blob(s_, c);
    return p != nullptr ? std::string(static_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
                        : std::string();
  }

 private:
  void Note(int rc) {
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }
  sqlite3_stmt* s_;
  int bind_rc_ = SQLITE_OK;
};

// A connection and its prepared statements. Used by one thread at a time.
class SqlConn {
 public:
  SqlConn(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqlConn() {
    // Statements first: a connection with live statements does not close.
    stmts_.clear();
    sqlite3_close(db_);
  }
  SqlConn(const SqlConn&) = delete;
  SqlConn& operator=(const SqlConn&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* db() const { return db_; }
  Status Error(int rc, std::string_view what) const { return StorageError(db_, rc, path_, what); }
  Status Exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : Error(rc, sql);
  }
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  std::int64_t Changes() const { return sqlite3_changes64(db_); }
  std::int64_t LastRowId() const { return sqlite3_last_insert_rowid(db_); }
  int ExtendedError() const { return sqlite3_extended_errcode(db_); }

  Status PrepareAll() {
    for (const char* sql : kStatements) {
      auto stmt = std::make_unique<Stmt>();
      const int rc = stmt->Prepare(db_, sql);
      if (rc != SQLITE_OK) return Error(rc, sql);
      stmts_.emplace(sql, std::move(stmt));
    }
    return Status::Ok();
  }
  // REQUIRES: `sql` is one of kStatements (a missing one is a bug in this file).
  const Stmt& S(const char* sql) const {
    const auto it = stmts_.find(sql);
    if (it == stmts_.end()) {
      std::fprintf(stderr, "sheaf: statement not prepared: %s\n", sql);
      std::abort();
    }
    return *it->second;
  }

  // Returns the first column of a one-row PRAGMA or query, as text.
  Result<std::string> QueryText(const char* sql) {
    Stmt stmt;
    int rc = stmt.Prepare(db_, sql);
    if (rc != SQLITE_OK) return Error(rc, sql);
    Run run(stmt);
    rc = run.Step();
    if (rc != SQLITE_ROW) return Error(rc, sql);
    return run.ColumnText(0);
  }

 private:
  sqlite3* const db_;
  const std::string path_;
  std::unordered_map<const char*, std::unique_ptr<Stmt>> stmts_;
};

// ---------------------------------------------------------------------------------------------
// Reading rows.

Status ReadDocument(const Run& run, const std::string& path, DocumentRecord* d) {
  d->id = run.ColumnText(0);
  d->tenant_id = run.ColumnText(1);
  const std::string status = run.ColumnText(2);
  const std::optional<ProcessingStatus> parsed = ParseProcessingStatus(status);
  const std::optional<Lane> lane = LaneOfRank(run.ColumnInt(3));
  if (!parsed || !lane) {
    return Status(ErrorCode::kIoError,
                  path + ": document " + d->id + " has an unknown status or priority");
  }
  d->status = *parsed;
  d->priority = *lane;
  d->type_hint = run.ColumnText(4);
  d->document_type = run.ColumnText(5);
  d->webhook_url = run.ColumnText(6);
  d->metadata_json = run.ColumnText(7);
  d->idempotency_key = run.ColumnText(8);
  d->source_name = run.ColumnText(9);
  d->content_type = run.ColumnText(10);
  d->size = run.ColumnInt(11);
  d->sha256 = run.ColumnText(12);
  d->blob_key = run.ColumnText(13);
  d->created_at = run.ColumnInt(14);
  d->updated_at = run.ColumnInt(15);
  d->stages_json = run.ColumnText(16);
  d->result_json = run.ColumnIsNull(17) ? std::string() : run.ColumnText(17);
  d->error = run.ColumnText(18);
  return Status::Ok();
}

Status ReadWebhook(const Run& run, const std::string& path, WebhookEvent* e) {
  e->event_id = run.ColumnText(0);
  e->tenant_id = run.ColumnText(1);
  e->document_id = run.ColumnText(2);
  e->url = run.ColumnText(3);
  e->event_type = run.ColumnText(4);
  e->body = run.ColumnBlob(5);
  const std::optional<WebhookState> state = ParseWebhookState(run.ColumnText(6));
  if (!state) {
    return Status(ErrorCode::kIoError,
                  path + ": webhook event " + e->event_id + " has an unknown state");
  }
  e->state = *state;
  e->attempts = static_cast<int>(run.ColumnInt(7));
  e->window_start = run.ColumnInt(8);
  e->next_attempt_at = run.ColumnInt(9);
  e->last_error = run.ColumnText(10);
  e->created_at = run.ColumnInt(11);
  e->updated_at = run.ColumnInt(12);
  return Status::Ok();
}

Tenant ReadTenant(const Run& run) {
  return Tenant{run.ColumnText(0), run.ColumnText(1), run.ColumnInt(2), run.ColumnText(3),
                run.ColumnText(4)};
}

ApiKeyInfo ReadKey(const Run& run) {
  return ApiKeyInfo{run.ColumnText(0), run.ColumnText(1), run.ColumnInt(4), run.ColumnInt(5)};
}

AuditEntry ReadAudit(const Run& run) {
  AuditEntry e;
  e.seq = run.ColumnInt(0);
  e.at = run.ColumnInt(1);
  e.actor = run.ColumnText(2);
  e.action = run.ColumnText(3);
  e.tenant_id = run.ColumnText(4);
  e.document_id = run.ColumnText(5);
  e.details_json = run.ColumnText(6);
  e.prev_hash = run.ColumnText(7);
  e.hash = run.ColumnText(8);
  return e;
}

Status ReadCorrection(const Run& run, const std::string& path, Correction* c) {
  c->id = run.ColumnInt(0);
  c->document_id = run.ColumnText(1);
  c->tenant_id = run.ColumnText(2);
  c->reviewer = run.ColumnText(3);
  const std::optional<ReviewAction> action = ParseReviewAction(run.ColumnText(4));
  if (!action) {
    return Status(ErrorCode::kIoError,
                  path + ": correction " + std::to_string(c->id) + " has an unknown action");
  }
  c->action = *action;
  c->fields_json = run.ColumnText(5);
  c->created_at = run.ColumnInt(6);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Writer-side steps shared by several operations. Each runs inside the batch's transaction.

// Appends an audit entry after the chain's current head, read in this transaction (so the chain
// stays linear even with other processes writing). Sets *seq to the new entry's number.
Status AppendAuditEntry(SqlConn& c, std::int64_t now, const AuditInput& in, std::int64_t* seq) {
  std::int64_t head_seq = 0;
  std::string head_hash(kGenesisHash);
  {
    Run run(c.S(kAuditHead));
    const int rc = run.Step();
    if (rc == SQLITE_ROW) {
      head_seq = run.ColumnInt(0);
      head_hash = run.ColumnText(1);
    } else if (rc != SQLITE_DONE) {
      return c.Error(rc, "cannot read the audit log's head");
    }
  }
  const AuditEntry e = NextAuditEntry(head_seq, head_hash, now, in);
  Run run(c.S(kInsertAudit));
  run.Int(1, e.seq)
      .Int(2, e.at)
      .Text(3, e.actor)
      .Text(4, e.action)
      .Text(5, e.tenant_id)
      .Text(6, e.document_id)
      .Text(7, e.details_json)
      .Text(8, e.prev_hash)
      .Text(9, e.hash);
  const int rc = run.Step();
  if (rc != SQLITE_DONE) return c.Error(rc, "cannot append to the audit log");
  if (seq != nullptr) *seq = e.seq;
  return Status::Ok();
}

// Reads the status of the tenant's document `id`; not_found when it has none.
Status DocumentStatusOf(SqlConn& c, const std::string& tenant_id, const std::string& id,
                        ProcessingStatus* status) {
  Run run(c.S(kDocumentStatus));
  run.Text(1, id).Text(2, tenant_id);
  const int rc = run.Step();
  if (rc == SQLITE_DONE) return DocumentNotFound(id);
  if (rc != SQLITE_ROW) return c.Error(rc, "cannot read document " + id);
  const std::optional<ProcessingStatus> parsed = ParseProcessingStatus(run.ColumnText(0));
  if (!parsed) {
    return Status(ErrorCode::kIoError, c.path() + ": document " + id + " has an unknown status");
  }
  *status = *parsed;
  return Status::Ok();
}

Status InsertWebhook(SqlConn& c, const std::string& event_id, const std::string& tenant_id,
                     const std::string& document_id, const NewWebhookEvent& event,
                     std::int64_t now) {
  Run run(c.S(kInsertWebhook));
  run.Text(1, event_id)
      .Text(2, tenant_id)
      .Text(3, document_id)
      .Text(4, event.url)
      .Text(5, event.event_type)
      .Blob(6, event.body)
      .Int(7, now);
  const int rc = run.Step();
  return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot enqueue webhook event");
}

Status FindWebhook(SqlConn& c, const std::string& event_id, WebhookEvent* out) {
  Run run(c.S(kWebhookById));
  run.Text(1, event_id);
  const int rc = run.Step();
  if (rc == SQLITE_DONE) return WebhookNotFound(event_id);
  if (rc != SQLITE_ROW) return c.Error(rc, "cannot read webhook event " + event_id);
  return ReadWebhook(run, c.path(), out);
}

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

// ---------------------------------------------------------------------------------------------
// Connections and the read pool.

class SqliteMetadataStore::Conn : public SqlConn {
 public:
  using SqlConn::SqlConn;
};

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

struct SqliteMetadataStore::Op {
  const std::function<Status(Conn&)>* run;
  Status status;
  bool done = false;  // GUARDED_BY(mu_)
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
  try {
    store->writer_ = std::thread(&SqliteMetadataStore::WriterLoop, store.get());
  } catch (const std::exception& e) {
    return Status(ErrorCode::kUnavailable, path + ": cannot start the writer thread: " + e.what());
  }
  return store;
}

SqliteMetadataStore::SqliteMetadataStore(std::unique_ptr<Conn> writer,
                                         std::unique_ptr<ReadPool> readers,
                                         SqliteMetadataStoreOptions options)
    : writer_conn_(std::move(writer)), readers_(std::move(readers)), options_(std::move(options)) {}

SqliteMetadataStore::~SqliteMetadataStore() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  if (writer_.joinable()) writer_.join();
}

std::int64_t SqliteMetadataStore::NowMs() const {
  const system_clock::time_point now = options_.clock ? options_.clock() : system_clock::now();
  return std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
}

// ---------------------------------------------------------------------------------------------
// Group commit (the same design as SqliteBroker).

Status SqliteMetadataStore::Write(const std::function<Status(Conn&)>& run) {
  Op op{&run, Status::Ok(), false};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&op);
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return op.done; });
  return op.status;
}

void SqliteMetadataStore::WriterLoop() {
  std::vector<Op*> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      const std::size_t n = std::min(queue_.size(), kMaxBatch);
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    RunBatch(batch);
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (Op* op : batch) op->done = true;
    }
    done_cv_.notify_all();
  }
}

void SqliteMetadataStore::RunBatch(const std::vector<Op*>& batch) {
  Conn& conn = *writer_conn_;
  const Status begin = conn.Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) {
    for (Op* op : batch) op->status = begin;
    return;
  }
  Status lost;  // set when a failure took the whole transaction down with it
  for (Op* op : batch) {
    if (!lost.ok()) {
      op->status = lost;
      continue;
    }
    Status s = conn.Exec("SAVEPOINT op");
    if (s.ok()) {
      try {
        s = (*op->run)(conn);
      } catch (const std::exception& e) {
        s = Status(ErrorCode::kInternal, std::string("metadata operation threw: ") + e.what());
      }
    }
    op->status = s;
    if (!conn.InTransaction()) {
      // SQLite rolled everything back (disk full, I/O error): the operations before this one
      // are undone too.
      lost = s.ok() ? Status(ErrorCode::kIoError, "metadata transaction rolled back") : s;
      continue;
    }
    if (s.ok()) {
      s = conn.Exec("RELEASE op");
    } else {
      conn.Exec("ROLLBACK TO op");
      s = conn.Exec("RELEASE op");
    }
    if (!s.ok() && lost.ok()) lost = s;
  }
  Status commit = lost;
  if (commit.ok()) commit = conn.Exec("COMMIT");
  if (!commit.ok()) {
    if (conn.InTransaction()) conn.Exec("ROLLBACK");
    for (Op* op : batch) {
      if (op->status.ok()) op->status = commit;
    }
    return;
  }
  commits_.fetch_add(1);
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

// ---------------------------------------------------------------------------------------------
// Tenants.

Result<Tenant> SqliteMetadataStore::CreateTenant(const std::string& name,
                                                 const std::string& actor) {
  if (Status s = CheckTenantName(name); !s.ok()) return s;
  if (Status s = CheckActor(actor); !s.ok()) return s;
  Tenant tenant;
  tenant.name = name;
  const std::string details = TenantCreatedDetails(name);
  Status s = Write([&](Conn& c) {
    tenant.id = NewTenantId();
    tenant.created_at = NowMs();
    tenant.webhook_secret = NewWebhookSecret();
    {
      Run run(c.S(kInsertTenant));
      run.Text(1, tenant.id)
          .Text(2, tenant.name)
          .Int(3, tenant.created_at)
          .Text(4, tenant.webhook_secret);
      const int rc = run.Step();
      if (rc == SQLITE_CONSTRAINT_UNIQUE) return Invalid("tenant \"" + name + "\" already exists");
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot create tenant");
    }
    return AppendAuditEntry(c, tenant.created_at, {actor, "tenant.created", tenant.id, "", details},
                            nullptr);
  });
  if (!s.ok()) return s;
  return tenant;
}

Result<Tenant> SqliteMetadataStore::GetTenant(const std::string& tenant_id) {
  Tenant tenant;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kTenantById));
    run.Text(1, tenant_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    tenant = ReadTenant(run);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenant;
}

Result<Tenant> SqliteMetadataStore::GetTenantByName(const std::string& name) {
  Tenant tenant;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kTenantByName));
    run.Text(1, name);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return TenantNameNotFound(name);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    tenant = ReadTenant(run);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenant;
}

Result<std::vector<Tenant>> SqliteMetadataStore::ListTenants() {
  std::vector<Tenant> tenants;
  Status s = Read([&](Conn& c) {
    tenants.clear();
    Run run(c.S(kTenants));
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) tenants.push_back(ReadTenant(run));
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list tenants");
  });
  if (!s.ok()) return s;
  return tenants;
}

Status SqliteMetadataStore::SetTenantWebhook(const std::string& tenant_id, const std::string& url,
                                             const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  if (Status s = CheckWebhookUrl(url); !s.ok()) return s;
  const std::string details = WebhookSetDetails(url);
  return Write([&](Conn& c) {
    {
      Run run(c.S(kSetTenantWebhook));
      run.Text(1, tenant_id).Text(2, url);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot set the tenant's webhook");
      if (c.Changes() == 0) return TenantNotFound(tenant_id);
    }
    return AppendAuditEntry(c, NowMs(), {actor, "tenant.webhook_set", tenant_id, "", details},
                            nullptr);
  });
}

Status SqliteMetadataStore::RotateWebhookSecret(const std::string& tenant_id,
                                                const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    {
      Run run(c.S(kSetTenantSecret));
      run.Text(1, tenant_id).Text(2, NewWebhookSecret());
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot rotate the tenant's webhook secret");
      if (c.Changes() == 0) return TenantNotFound(tenant_id);
    }
    return AppendAuditEntry(c, NowMs(),
                            {actor, "tenant.webhook_secret_rotated", tenant_id, "", "{}"}, nullptr);
  });
}

// ---------------------------------------------------------------------------------------------
// API keys.

Result<NewApiKey> SqliteMetadataStore::CreateApiKey(const std::string& tenant_id,
                                                    const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  NewApiKey out;
  Status s = Write([&](Conn& c) {
    {
      Run run(c.S(kTenantById));
      run.Text(1, tenant_id);
      const int rc = run.Step();
      if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    }
    const std::int64_t now = NowMs();
    // A 64-bit key id collides about never; try again if it does.
    for (int attempt = 0;; ++attempt) {
      const NewKeyMaterial k = NewKey();
      Run run(c.S(kInsertKey));
      run.Text(1, k.key_id).Text(2, tenant_id).Text(3, k.salt).Text(4, k.hash).Int(5, now);
      const int rc = run.Step();
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY && attempt < 3) continue;
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot create API key");
      out.info = ApiKeyInfo{k.key_id, tenant_id, now, 0};
      out.key = k.key;
      break;
    }
    return AppendAuditEntry(
        c, now, {actor, "key.created", tenant_id, "", KeyDetails(out.info.key_id)},
        nullptr);
  });
  if (!s.ok()) return s;
  return out;
}

Result<ApiKeyInfo> SqliteMetadataStore::Authenticate(std::string_view key) {
  const std::optional<std::string> key_id = KeyIdOf(key);
  if (!key_id) return BadKey();
  ApiKeyInfo info;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kKeyById));
    run.Text(1, *key_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return BadKey();
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read API key");
    const std::string salt = run.ColumnText(2);
    const std::string hash = run.ColumnText(3);
    info = ReadKey(run);
    if (!KeyMatches(key, salt, hash) || info.revoked_at != 0) return BadKey();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return info;
}

Status SqliteMetadataStore::RevokeApiKey(const std::string& key_id, const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    ApiKeyInfo info;
    {
      Run run(c.S(kKeyById));
      run.Text(1, key_id);
      const int rc = run.Step();
      if (rc == SQLITE_DONE) return KeyNotFound(key_id);
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot read API key");
      info = ReadKey(run);
    }
    if (info.revoked_at != 0) return Status::Ok();
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kRevokeKey));
      run.Text(1, key_id).Int(2, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot revoke API key");
    }
    return AppendAuditEntry(
        c, now, {actor, "key.revoked", info.tenant_id, "", KeyDetails(key_id)},
        nullptr);
  });
}

Result<std::vector<ApiKeyInfo>> SqliteMetadataStore::ListApiKeys(const std::string& tenant_id) {
  std::vector<ApiKeyInfo> keys;
  Status s = Read([&](Conn& c) {
    keys.clear();
    Run run(c.S(kKeysOfTenant));
    run.Text(1, tenant_id);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) keys.push_back(ReadKey(run));
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list API keys");
  });
  if (!s.ok()) return s;
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Documents.

Result<CreateDocumentResult> SqliteMetadataStore::CreateDocument(const std::string& tenant_id,
                                                                 const DocumentRecord& doc,
                                                                 std::int64_t max_queued,
                                                                 const std::string& actor) {
  // Everything that needs no database is checked here, on the caller's thread.
  Result<PreparedDocument> prepared = PrepareDocument(tenant_id, doc, actor);
  if (!prepared.ok()) return prepared.status();
  CreateDocumentResult out;
  out.document = std::move(prepared->doc);
  DocumentRecord& d = out.document;
  const std::string& details = prepared->audit_details;

  Status s = Write([&](Conn& c) {
    if (!d.idempotency_key.empty()) {
      Run run(c.S(kDocumentByKey));
      run.Text(1, tenant_id).Text(2, d.idempotency_key);
      const int rc = run.Step();
      if (rc == SQLITE_ROW) {
        out.created = false;
        return ReadDocument(run, c.path(), &d);
      }
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot look up the idempotency key");
    }
    std::int64_t pending = 0;
    {
      Run run(c.S(kTenantPending));
      run.Text(1, tenant_id);
      const int rc = run.Step();
      if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
      pending = run.ColumnInt(0);
    }
    if (max_queued > 0 && IsPending(d.status) && pending >= max_queued) {
      return QueueFull(tenant_id, pending, max_queued);
    }
    d.created_at = d.updated_at = NowMs();
    {
      Run run(c.S(kInsertDocument));
      run.Text(1, d.id)
          .Text(2, tenant_id)
          .Text(3, ProcessingStatusName(d.status))
          .Int(4, PriorityRank(d.priority))
          .Text(5, d.type_hint)
          .Text(6, d.document_type)
          .Text(7, d.webhook_url)
          .Text(8, d.metadata_json)
          .Text(9, d.idempotency_key)
          .Text(10, d.source_name)
          .Text(11, d.content_type)
          .Int(12, d.size)
          .Text(13, d.sha256)
          .Text(14, d.blob_key)
          .Int(15, d.created_at)
          .Int(16, d.updated_at)
          .Text(17, d.stages_json);
      if (d.result_json.empty()) {
        run.Null(18);
      } else {
        run.Text(18, d.result_json);
      }
      run.Text(19, d.error);
      const int rc = run.Step();
      if (rc == SQLITE_CONSTRAINT_UNIQUE) return Invalid("document id " + d.id + " is in use");
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot create document");
    }
    out.created = true;
    return AppendAuditEntry(c, d.created_at, {actor, "document.ingested", tenant_id, d.id, details},
                            nullptr);
  });
  if (!s.ok()) return s;
  return out;
}

Result<DocumentRecord> SqliteMetadataStore::GetDocument(const std::string& tenant_id,
                                                        const std::string& id) {
  DocumentRecord doc;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kDocumentById));
    run.Text(1, id).Text(2, tenant_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return DocumentNotFound(id);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read document");
    return ReadDocument(run, c.path(), &doc);
  });
  if (!s.ok()) return s;
  return doc;
}

Result<DocumentRecord> SqliteMetadataStore::FindByIdempotencyKey(
    const std::string& tenant_id, const std::string& idempotency_key) {
  if (idempotency_key.empty()) return Invalid("idempotency key is empty");
  DocumentRecord doc;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kDocumentByKey));
    run.Text(1, tenant_id).Text(2, idempotency_key);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) {
      return Status(ErrorCode::kNotFound, "no document with this idempotency key");
    }
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot look up the idempotency key");
    return ReadDocument(run, c.path(), &doc);
  });
  if (!s.ok()) return s;
  return doc;
}

Result<DocumentPage> SqliteMetadataStore::ListDocuments(const std::string& tenant_id,
                                                        const DocumentFilter& filter) {
  Status s = CheckLimit(filter.limit);
  if (!s.ok()) return s;
  Result<std::int64_t> before = ParseListCursor(filter.cursor);
  if (!before.ok()) return before.status();
  const char* sql = filter.status ? (filter.document_type.empty() ? kListStatus : kListStatusType)
                                  : (filter.document_type.empty() ? kListAll : kListType);
  DocumentPage page;
  s = Read([&](Conn& c) {
    page = DocumentPage();
    Run run(c.S(sql));
    run.Text(1, tenant_id).Int(2, *before).Int(5, filter.limit + 1);
    if (filter.status) run.Text(3, ProcessingStatusName(*filter.status));
    if (!filter.document_type.empty()) run.Text(4, filter.document_type);
    int rc;
    std::int64_t last_seq = 0;
    while ((rc = run.Step()) == SQLITE_ROW) {
      if (page.documents.size() == static_cast<std::size_t>(filter.limit)) {
        page.next_cursor = ListCursor(last_seq);  // one more exists
        break;
      }
      DocumentRecord doc;
      Status r = ReadDocument(run, c.path(), &doc);
      if (!r.ok()) return r;
      last_seq = run.ColumnInt(19);
      page.documents.push_back(std::move(doc));
    }
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? Status::Ok()
                                                 : c.Error(rc, "cannot list documents");
  });
  if (!s.ok()) return s;
  return page;
}

Result<DocumentPage> SqliteMetadataStore::ListReviewQueue(const std::string& tenant_id, int limit,
                                                          const std::string& cursor) {
  Status s = CheckLimit(limit);
  if (!s.ok()) return s;
  Result<std::pair<std::int64_t, std::int64_t>> after = ParseReviewCursor(cursor);
  if (!after.ok()) return after.status();
  DocumentPage page;
  s = Read([&](Conn& c) {
    page = DocumentPage();
    Run run(c.S(kReviewQueue));
    run.Text(1, tenant_id).Int(2, after->first).Int(3, after->second).Int(4, limit + 1);
    int rc;
    std::int64_t last_rank = 0;
    std::int64_t last_seq = 0;
    while ((rc = run.Step()) == SQLITE_ROW) {
      if (page.documents.size() == static_cast<std::size_t>(limit)) {
        page.next_cursor = ReviewCursor(last_rank, last_seq);
        break;
      }
      DocumentRecord doc;
      Status r = ReadDocument(run, c.path(), &doc);
      if (!r.ok()) return r;
      last_rank = run.ColumnInt(3);
      last_seq = run.ColumnInt(19);
      page.documents.push_back(std::move(doc));
    }
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? Status::Ok()
                                                 : c.Error(rc, "cannot list the review queue");
  });
  if (!s.ok()) return s;
  return page;
}

Status SqliteMetadataStore::UpdateDocument(const std::string& tenant_id, const std::string& id,
                                           const DocumentUpdate& update, const std::string& actor) {
  Result<PreparedUpdate> prepared = PrepareUpdate(update, actor);
  if (!prepared.ok()) return prepared.status();
  const std::string& event_id = prepared->event_id;
  std::optional<std::string> stage_path;
  if (!update.stage_name.empty()) stage_path = "$.\"" + update.stage_name + "\"";

  return Write([&](Conn& c) {
    ProcessingStatus current;
    Status s = DocumentStatusOf(c, tenant_id, id, &current);
    if (!s.ok()) return s;
    if (!UpdateAllowed(update, current)) return NotAllowedIn(id, current, update.only_if);
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kUpdateDocument));
      run.Text(1, id).Text(2, tenant_id);
      if (update.status) {
        run.Text(3, ProcessingStatusName(*update.status));
      } else {
        run.Null(3);
      }
      run.OptText(4, update.document_type).Int(5, update.reset_stages ? 1 : 0);
      run.OptText(6, stage_path).Text(7, update.stage_json);
      run.Int(8, update.result_json ? 1 : 0);
      if (update.result_json && !update.result_json->empty()) {
        run.Text(9, *update.result_json);
      } else {
        run.Null(9);
      }
      run.OptText(10, update.error).Int(11, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot update document " + id);
    }
    if (update.webhook) {
      s = InsertWebhook(c, event_id, tenant_id, id, *update.webhook, now);
      if (!s.ok()) return s;
    }
    return AppendAuditEntry(
        c, now,
        {actor, prepared->action, tenant_id, id, UpdateAuditDetails(update, current, event_id)},
        nullptr);
  });
}

Status SqliteMetadataStore::DeleteDocument(const std::string& tenant_id, const std::string& id,
                                           const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    {
      Run run(c.S(kDeleteDocument));
      run.Text(1, id).Text(2, tenant_id);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot delete document " + id);
      if (c.Changes() == 0) return DocumentNotFound(id);
    }
    for (const char* sql : {kDeleteCorrectionsOf, kDeleteWebhooksOf}) {
      Run run(c.S(sql));
      run.Text(1, id).Text(2, tenant_id);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot delete the data of document " + id);
    }
    return AppendAuditEntry(c, NowMs(), {actor, "document.deleted", tenant_id, id, "{}"}, nullptr);
  });
}

Result<std::int64_t> SqliteMetadataStore::CountQueued(const std::string& tenant_id) {
  std::int64_t pending = 0;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kTenantPending));
    run.Text(1, tenant_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    pending = run.ColumnInt(0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return pending;
}

Result<std::map<ProcessingStatus, std::int64_t>> SqliteMetadataStore::CountByStatus() {
  std::map<ProcessingStatus, std::int64_t> out;
  Status s = Read([&](Conn& c) {
    out.clear();
    Run run(c.S(kCountByStatus));
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      const std::optional<ProcessingStatus> status = ParseProcessingStatus(run.ColumnText(0));
      if (status) out[*status] = run.ColumnInt(1);
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot count documents");
  });
  if (!s.ok()) return s;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Review.

Result<Correction> SqliteMetadataStore::RecordReview(const std::string& tenant_id,
                                                     const std::string& document_id,
                                                     const ReviewInput& review) {
  Result<PreparedReview> prepared = PrepareReview(review);
  if (!prepared.ok()) return prepared.status();
  const std::string& fields = prepared->fields_json;
  const std::string& event_id = prepared->event_id;
  const ProcessingStatus next = prepared->next;
  Correction out;
  Status s = Write([&](Conn& c) {
    ProcessingStatus current;
    Status r = DocumentStatusOf(c, tenant_id, document_id, &current);
    if (!r.ok()) return r;
    if (current != ProcessingStatus::kNeedsReview && current != ProcessingStatus::kCompleted) {
      return NotReviewable(document_id, current);
    }
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kInsertCorrection));
      run.Text(1, document_id)
          .Text(2, tenant_id)
          .Text(3, review.reviewer)
          .Text(4, ReviewActionName(review.action))
          .Text(5, fields)
          .Int(6, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot store the correction");
    }
    out = Correction{c.LastRowId(), document_id, tenant_id, review.reviewer,
                     review.action, fields,      now};
    {
      Run run(c.S(kSetReviewed));
      run.Text(1, document_id).Text(2, tenant_id).Text(3, ProcessingStatusName(next));
      if (review.result_json.empty()) {
        run.Null(4);
      } else {
        run.Text(4, review.result_json);
      }
      run.Int(5, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot update document " + document_id);
    }
    if (review.webhook) {
      Status w = InsertWebhook(c, event_id, tenant_id, document_id, *review.webhook, now);
      if (!w.ok()) return w;
    }
    const std::string details = ReviewAuditDetails(review, out.id, current, next, event_id);
    return AppendAuditEntry(
        c, now, {review.reviewer, "document.reviewed", tenant_id, document_id, details}, nullptr);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<Correction>> SqliteMetadataStore::ListCorrections(
    const std::string& tenant_id, const std::string& document_id) {
  std::vector<Correction> corrections;
  Status s = Read([&](Conn& c) {
    corrections.clear();
    ProcessingStatus ignored;
    Status r = DocumentStatusOf(c, tenant_id, document_id, &ignored);
    if (!r.ok()) return r;
    Run run(c.S(kCorrectionsOf));
    run.Text(1, document_id).Text(2, tenant_id);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      Correction one;
      r = ReadCorrection(run, c.path(), &one);
      if (!r.ok()) return r;
      corrections.push_back(std::move(one));
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list corrections");
  });
  if (!s.ok()) return s;
  return corrections;
}

// ---------------------------------------------------------------------------------------------
// Webhooks.

Result<WebhookEvent> SqliteMetadataStore::EnqueueWebhook(const std::string& tenant_id,
                                                         const NewWebhookEvent& event) {
  Status s = CheckWebhook(event);
  if (!s.ok()) return s;
  WebhookEvent out;
  out.event_id = NewEventId();
  out.tenant_id = tenant_id;
  out.document_id = event.document_id;
  out.url = event.url;
  out.event_type = event.event_type;
  out.body = event.body;
  s = Write([&](Conn& c) {
    ProcessingStatus ignored;
    Status r = DocumentStatusOf(c, tenant_id, event.document_id, &ignored);
    if (!r.ok()) return r;
    const std::int64_t now = NowMs();
    out.window_start = out.next_attempt_at = out.created_at = out.updated_at = now;
    return InsertWebhook(c, out.event_id, tenant_id, event.document_id, event, now);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<WebhookEvent>> SqliteMetadataStore::ClaimDueWebhooks(int max,
                                                                        milliseconds lease) {
  if (Status s = CheckLease(max, lease); !s.ok()) return s;
  std::vector<WebhookEvent> out;
  Status s = Write([&](Conn& c) {
    out.clear();
    const std::int64_t now = NowMs();
    std::vector<std::string> due;
    {
      Run run(c.S(kDueWebhooks));
      run.Int(1, now).Int(2, max);
      int rc;
      while ((rc = run.Step()) == SQLITE_ROW) due.push_back(run.ColumnText(0));
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot find due webhook events");
    }
    for (const std::string& event_id : due) {
      Run run(c.S(kClaimWebhook));
      run.Text(1, event_id).Int(2, now + lease.count()).Int(3, now);
      const int rc = run.Step();
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot claim webhook event " + event_id);
      WebhookEvent e;
      Status r = ReadWebhook(run, c.path(), &e);
      if (!r.ok()) return r;
      out.push_back(std::move(e));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteMetadataStore::MarkWebhookDelivered(const std::string& event_id) {
  return Write([&](Conn& c) {
    WebhookEvent e;
    Status s = FindWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.state == WebhookState::kDelivered) return Status::Ok();
    if (e.state == WebhookState::kFailed) {
      return Invalid("webhook event " + event_id + " has failed; replay it to deliver it again");
    }
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kWebhookDelivered));
      run.Text(1, event_id).Int(2, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot mark webhook event " + event_id);
    }
    return AppendAuditEntry(
        c, now,
        {kWebhookActor, "document.exported", e.tenant_id, e.document_id, ExportedDetails(e)},
        nullptr);
  });
}

Status SqliteMetadataStore::MarkWebhookAttemptFailed(const std::string& event_id,
                                                     const std::string& error,
                                                     std::optional<std::int64_t> retry_at) {
  return Write([&](Conn& c) {
    WebhookEvent e;
    Status s = FindWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.state != WebhookState::kPending) {
      return Invalid("webhook event " + event_id + " is " + std::string(WebhookStateName(e.state)) +
                     ", not pending");
    }
    const std::int64_t now = NowMs();
    if (retry_at) {
      Run run(c.S(kWebhookRetry));
      run.Text(1, event_id).Int(2, *retry_at).Text(3, error).Int(4, now);
      const int rc = run.Step();
      return rc == SQLITE_DONE ? Status::Ok()
                               : c.Error(rc, "cannot reschedule webhook event " + event_id);
    }
    {
      Run run(c.S(kWebhookFailed));
      run.Text(1, event_id).Text(2, error).Int(3, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot mark webhook event " + event_id);
    }
    return AppendAuditEntry(c, now,
                            {kWebhookActor, "webhook.failed", e.tenant_id, e.document_id,
                             WebhookFailedDetails(e, error)},
                            nullptr);
  });
}

Result<WebhookEvent> SqliteMetadataStore::GetWebhook(const std::string& tenant_id,
                                                     const std::string& event_id) {
  WebhookEvent e;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kWebhookOfTenant));
    run.Text(1, event_id).Text(2, tenant_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return WebhookNotFound(event_id);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read webhook event");
    return ReadWebhook(run, c.path(), &e);
  });
  if (!s.ok()) return s;
  return e;
}

Result<std::vector<WebhookEvent>> SqliteMetadataStore::ListWebhooks(const std::string& tenant_id,
                                                                    WebhookState state, int limit) {
  Status s = CheckLimit(limit);
  if (!s.ok()) return s;
  std::vector<WebhookEvent> events;
  s = Read([&](Conn& c) {
    events.clear();
    Run run(c.S(kWebhooksOfTenant));
    run.Text(1, tenant_id).Text(2, WebhookStateName(state)).Int(3, limit);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      WebhookEvent e;
      Status r = ReadWebhook(run, c.path(), &e);
      if (!r.ok()) return r;
      events.push_back(std::move(e));
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list webhook events");
  });
  if (!s.ok()) return s;
  return events;
}

Status SqliteMetadataStore::ReplayWebhook(const std::string& tenant_id, const std::string& event_id,
                                          const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    WebhookEvent e;
    Status s = FindWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.tenant_id != tenant_id) return WebhookNotFound(event_id);
    if (e.state == WebhookState::kPending) {
      return Invalid("webhook event " + event_id + " is pending; it will be delivered");
    }
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kWebhookReplay));
      run.Text(1, event_id).Int(2, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot replay webhook event " + event_id);
    }
    return AppendAuditEntry(
        c, now, {actor, "webhook.replayed", tenant_id, e.document_id, ReplayedDetails(e)}, nullptr);
  });
}

// ---------------------------------------------------------------------------------------------
// Audit log.

Result<std::int64_t> SqliteMetadataStore::AppendAudit(const AuditInput& entry) {
  Result<AuditInput> in = PrepareAudit(entry);
  if (!in.ok()) return in.status();
  std::int64_t seq = 0;
  Status s = Write([&](Conn& c) { return AppendAuditEntry(c, NowMs(), *in, &seq); });
  if (!s.ok()) return s;
  return seq;
}

Result<std::vector<AuditEntry>> SqliteMetadataStore::ListAudit(std::int64_t after_seq, int limit) {
  Status s = CheckLimit(limit);
  if (!s.ok()) return s;
  std::vector<AuditEntry> entries;
  s = Read([&](Conn& c) {
    entries.clear();
    Run run(c.S(kAuditAfter));
    run.Int(1, after_seq).Int(2, limit);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) entries.push_back(ReadAudit(run));
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot read the audit log");
  });
  if (!s.ok()) return s;
  return entries;
}

Result<AuditVerification> SqliteMetadataStore::VerifyAudit() {
  AuditVerification v;
  Status s = Read([&](Conn& c) {
    AuditVerifier verifier;
    Run run(c.S(kAuditAll));
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      if (!verifier.Add(ReadAudit(run))) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return c.Error(rc, "cannot read the audit log");
    v = verifier.Result();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return v;
}

Result<std::unique_ptr<MetadataStore>> OpenSqliteMetadataStore(const std::string& path,
                                                               SqliteMetadataStoreOptions options) {
  Result<std::unique_ptr<SqliteMetadataStore>> store =
      SqliteMetadataStore::Open(path, std::move(options));
  if (!store.ok()) return store.status();
  return std::unique_ptr<MetadataStore>(std::move(store).value());
}

}  // namespace sheaf
