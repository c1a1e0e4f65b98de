// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/postgres/migrations.h"

#include <chrono>
#include <iterator>

#include "adapters/postgres/pg_pool.h"

namespace sheaf::pg {

namespace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Times are bigint milliseconds since the Unix epoch, from the store's clock, as in SQLite.
constexpr Migration kMigrations[] = {
    {1, "0001_metadata", R"sql(
CREATE TABLE tenants (
  id text PRIMARY KEY,                 -- 16 hex digits
  name text NOT NULL UNIQUE,
  created_at bigint NOT NULL,
  pending bigint NOT NULL DEFAULT 0,   -- documents queued or processing, kept by a trigger
  webhook_secret text NOT NULL,
  default_webhook_url text NOT NULL DEFAULT ''
);
CREATE TABLE api_keys (
  key_id text PRIMARY KEY,             -- the key's public part
  tenant text NOT NULL,
  salt text NOT NULL,
  hash text NOT NULL,                  -- hex SHA-256(salt || key); the key is never stored
  created_at bigint NOT NULL,
  revoked_at bigint NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_tenant ON api_keys (tenant, created_at);
CREATE TABLE documents (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- listing order, the cursors' key
  id text NOT NULL UNIQUE,
  tenant text NOT NULL,
  status text NOT NULL,
  priority smallint NOT NULL,          -- 0 urgent, 1 high, 2 normal
  type_hint text NOT NULL,
  doc_type text NOT NULL,
  webhook_url text NOT NULL,
  metadata text NOT NULL,              -- JSON as sent (text keeps it byte for byte)
  idempotency_key text NOT NULL,       -- '' when none
  source_name text NOT NULL,
  content_type text NOT NULL,
  size bigint NOT NULL,
  sha256 text NOT NULL,
  blob_key text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  stages text NOT NULL,                -- JSON object, merged by the store
  result text,                         -- JSON; NULL until there is one
  error text NOT NULL
);
CREATE UNIQUE INDEX documents_idempotency ON documents (tenant, idempotency_key)
  WHERE idempotency_key <> '';
CREATE INDEX documents_tenant ON documents (tenant, seq);
CREATE INDEX documents_status ON documents (tenant, status, seq);
CREATE INDEX documents_type ON documents (tenant, doc_type, seq);
CREATE INDEX documents_review ON documents (tenant, priority, seq) WHERE status = 'needs_review';
-- Documents by status, for /metrics: kept in the writing transaction by the trigger below, so
-- a scrape reads six rows instead of counting every document.
CREATE TABLE document_counts (
  status text PRIMARY KEY,
  n bigint NOT NULL
);
CREATE FUNCTION sheaf_count_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE document_counts SET n = n - 1 WHERE status = OLD.status;
    IF OLD.status IN ('queued', 'processing') THEN
      UPDATE tenants SET pending = pending - 1 WHERE id = OLD.tenant;
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO document_counts (status, n) VALUES (NEW.status, 1)
      ON CONFLICT (status) DO UPDATE SET n = document_counts.n + 1;
    IF NEW.status IN ('queued', 'processing') THEN
      UPDATE tenants SET pending = pending + 1 WHERE id = NEW.tenant;
    END IF;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER documents_counted_insert_delete AFTER INSERT OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION sheaf_count_documents();
CREATE TRIGGER documents_counted_update AFTER UPDATE OF status ON documents
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION sheaf_count_documents();
CREATE TABLE corrections (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id text NOT NULL,
  tenant text NOT NULL,
  reviewer text NOT NULL,
  action text NOT NULL,
  fields text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX corrections_document ON corrections (document_id, id);
CREATE TABLE webhook_events (
  event_id text PRIMARY KEY,
  tenant text NOT NULL,
  document_id text NOT NULL,
  url text NOT NULL,
  event_type text NOT NULL,
  body bytea NOT NULL,                 -- sent byte for byte on every attempt
  state text NOT NULL,
  attempts integer NOT NULL,
  window_start bigint NOT NULL,
  next_attempt_at bigint NOT NULL,
  last_error text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at, created_at)
  WHERE state = 'pending';
CREATE INDEX webhook_events_tenant ON webhook_events (tenant, state, created_at);
CREATE INDEX webhook_events_document ON webhook_events (document_id);
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,              -- 1, 2, 3 ... without gaps
  at bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  tenant text NOT NULL,
  document_id text NOT NULL,
  details text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
-- The chain's head: one row, locked (SELECT ... FOR UPDATE) by every transaction that appends,
-- so appends from any number of processes form one chain.
CREATE TABLE audit_head (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head (seq, hash)
  VALUES (0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql"},
    // Review holds (ClaimReviewTasks): who works on a needs_review document, until when.
    {2, "0002_review_holds", R"sql(
ALTER TABLE documents ADD COLUMN review_claimed_by text NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN review_claim_expires_at bigint NOT NULL DEFAULT 0;
)sql"},
    // One audit chain per tenant, each with its head row, so appends of different tenants do
    // not wait on one lock. The entries so far stay as they are, one chain across tenants;
    // audit_base records its last entry, after which every tenant's chain continues.
    {3, "0003_audit_chain_per_tenant", R"sql(
CREATE TABLE audit_base (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_base (seq, hash) SELECT seq, hash FROM audit_head;
DROP TABLE audit_head;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD PRIMARY KEY (tenant, seq);  -- seq: the entry's place in its chain
-- Each chain's last entry, locked (SELECT ... FOR UPDATE) by every transaction that appends to
-- it: appends to one tenant's chain from any number of processes form one chain.
CREATE TABLE audit_heads (
  tenant text PRIMARY KEY,             -- '' for the system chain
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_heads (tenant, seq, hash)
  SELECT DISTINCT ON (tenant) tenant, seq, hash FROM audit_log ORDER BY tenant, seq DESC;
)sql"},
    // What corrections taught about each sender (src/learn), per tenant.
    {4, "0004_sender_memory", R"sql(
CREATE TABLE sender_memory (
  tenant text NOT NULL,
  sender text NOT NULL,                -- the sender's identity key, e.g. 'vat:DE123456789'
  field text NOT NULL,
  memory text NOT NULL,                -- JSON object, as given
  document_id text NOT NULL,           -- the corrected document it was learned from
  updated_at bigint NOT NULL,
  PRIMARY KEY (tenant, sender, field)
);
)sql"},
    // Each document's sender identity key, for listing one sender's documents; filled from the
    // results written so far (as json, not jsonb: a result may hold any string).
    {5, "0005_document_sender", R"sql(
ALTER TABLE documents ADD COLUMN sender text NOT NULL DEFAULT '';
UPDATE documents SET sender = result::json -> 'sender' ->> 'key'
  WHERE result IS NOT NULL AND json_typeof(result::json -> 'sender' -> 'key') = 'string';
CREATE INDEX documents_sender ON documents (tenant, sender, seq);
)sql"},
};

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY,"
    " name text NOT NULL, applied_at bigint NOT NULL)";

std::int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int LatestSchemaVersion() { return std::size(kMigrations); }

Status CheckSchemaName(const std::string& schema) {
  if (schema.empty()) return Status::Ok();
  const auto lower = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
  bool ok = schema.size() <= 63 && lower(schema.front());
  for (char c : schema) ok = ok && (lower(c) || (c >= '0' && c <= '9'));
  if (ok) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                "schema name \"" + schema.substr(0, 80) +
                    "\" is not 1-63 of a-z, 0-9 and '_' starting with a letter or '_'");
}

Result<int> SchemaVersion(Conn& conn) {
  Rows rows;
  Status s = conn.Exec("SELECT to_regclass('schema_migrations') IS NOT NULL", &rows);
  if (!s.ok()) return s;
  if (!rows.Bool(0, 0)) return 0;
  s = conn.Exec("SELECT coalesce(max(version), 0) FROM schema_migrations", &rows);
  if (!s.ok()) return s;
  return static_cast<int>(rows.Int(0, 0));
}

Result<MigrationReport> Migrate(const std::string& conninfo, const std::string& schema) {
  if (Status s = CheckConninfo(conninfo); !s.ok()) return s;
  if (Status s = CheckSchemaName(schema); !s.ok()) return s;
  Result<std::unique_ptr<Conn>> connected = Conn::Connect(conninfo, schema, Describe(conninfo));
  if (!connected.ok()) return connected.status();
  Conn& c = **connected;
  // One migrator per schema at a time (taken before the schema may exist, so keyed by its
  // name); the lock ends with the session at the latest.
  const Params key = Params().Text(schema);
  Status s = c.Exec(
      "SELECT pg_advisory_lock(hashtext('sheaf.migrate'),"
      " hashtext(coalesce(nullif($1, ''), current_schema(), '')))",
      key);
  if (!s.ok()) return s;
  const auto unlock = [&](Status result) {
    c.Exec(
        "SELECT pg_advisory_unlock(hashtext('sheaf.migrate'),"
        " hashtext(coalesce(nullif($1, ''), current_schema(), '')))",
        key);
    return result;
  };
  if (!schema.empty()) {
    // The name is checked above: it needs no quoting.
    s = c.Exec(("CREATE SCHEMA IF NOT EXISTS " + schema).c_str());
    if (!s.ok()) return unlock(s);
  }
  s = c.Exec(kCreateMigrationsTable);
  if (!s.ok()) return unlock(s);
  Result<int> version = SchemaVersion(c);
  if (!version.ok()) return unlock(version.status());
  MigrationReport report{*version, *version};
  if (*version > LatestSchemaVersion()) {
    return unlock(Status(ErrorCode::kIoError,
                         c.where() + ": metadata schema version " + std::to_string(*version) +
                             " is newer than this Sheaf supports (" +
                             std::to_string(LatestSchemaVersion()) + ")"));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= report.to) continue;
    s = c.Exec("BEGIN");
    if (s.ok()) s = c.ExecScript(m.sql);
    if (s.ok()) {
      s = c.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                 Params().Int(m.version).Text(m.name).Int(WallMs()));
    }
    if (s.ok()) s = c.Exec("COMMIT");
    if (!s.ok()) {
      c.Exec("ROLLBACK");
      return unlock(Status(s.code(), "migration " + std::string(m.name) + ": " + s.message()));
    }
    report.to = m.version;
  }
  unlock(Status::Ok());
  return report;
}

}  // namespace sheaf::pg
