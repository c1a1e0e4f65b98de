// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/postgres/postgres_metadata_store.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "adapters/postgres/migrations.h"
#include "adapters/postgres/pg_pool.h"
#include "metadata/audit_chain.h"
#include "metadata/cursors.h"
#include "metadata/keys.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;
using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using pg::Conn;
using pg::Params;
using pg::Rows;

// Audit entries read per statement by VerifyAudit: bounds its memory, not the log's size.
constexpr int kVerifyBatch = 10000;

// ---------------------------------------------------------------------------------------------
// SQL. Values are always parameters ($n); the only text ever joined into a statement is these
// constants.

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

constexpr char kLockAuditHead[] = "SELECT seq, hash FROM audit_head FOR UPDATE";
constexpr char kInsertAudit[] =
    "INSERT INTO audit_log (" SHEAF_AUDIT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
constexpr char kMoveAuditHead[] = "UPDATE audit_head SET seq = $1, hash = $2";
constexpr char kAuditAfter[] =
    "SELECT " SHEAF_AUDIT_COLUMNS " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";

constexpr char kInsertTenant[] = "INSERT INTO tenants (" SHEAF_TENANT_COLUMNS
                                 ") VALUES ($1, $2, $3, $4, '')";
constexpr char kTenantById[] = "SELECT " SHEAF_TENANT_COLUMNS " FROM tenants WHERE id = $1";
constexpr char kTenantByName[] = "SELECT " SHEAF_TENANT_COLUMNS " FROM tenants WHERE name = $1";
constexpr char kTenants[] = "SELECT " SHEAF_TENANT_COLUMNS " FROM tenants ORDER BY name";
constexpr char kSetTenantWebhook[] = "UPDATE tenants SET default_webhook_url = $2 WHERE id = $1";
constexpr char kSetTenantSecret[] = "UPDATE tenants SET webhook_secret = $2 WHERE id = $1";
// FOR UPDATE: the queue cap is checked against a count no other transaction changes meanwhile.
constexpr char kTenantPendingForUpdate[] = "SELECT pending FROM tenants WHERE id = $1 FOR UPDATE";
constexpr char kTenantPending[] = "SELECT pending FROM tenants WHERE id = $1";
constexpr char kCountByStatus[] = "SELECT status, n FROM document_counts WHERE n > 0";

constexpr char kInsertKey[] = "INSERT INTO api_keys (" SHEAF_KEY_COLUMNS
                              ") VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (key_id) DO NOTHING";
constexpr char kKeyById[] = "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE key_id = $1";
constexpr char kKeyByIdForUpdate[] =
    "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE key_id = $1 FOR UPDATE";
constexpr char kKeysOfTenant[] =
    "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE tenant = $1 ORDER BY created_at, key_id";
constexpr char kRevokeKey[] = "UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1";

constexpr char kInsertDocument[] =
    "INSERT INTO documents (" SHEAF_DOCUMENT_COLUMNS("result") ") VALUES ($1, $2, $3, $4, $5, "
    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    " ON CONFLICT (id) DO NOTHING";
constexpr char kDocumentById[] =
    "SELECT " SHEAF_DOCUMENT_COLUMNS("result") " FROM documents WHERE id = $1 AND tenant = $2";
constexpr char kDocumentByKey[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "result") " FROM documents WHERE tenant = $1 AND idempotency_key = $2"
              " AND idempotency_key <> ''";
constexpr char kDocumentForUpdate[] =
    "SELECT status, stages FROM documents WHERE id = $1 AND tenant = $2 FOR UPDATE";
constexpr char kDocumentForShare[] =
    "SELECT status FROM documents WHERE id = $1 AND tenant = $2 FOR SHARE";
// $3 status, $4 type, $5 stages, $6 set result, $7 result or NULL, $8 error, $9 now. NULL
// leaves a column as it is.
constexpr char kUpdateDocument[] =
    "UPDATE documents SET status = COALESCE($3::text, status),"
    " doc_type = COALESCE($4::text, doc_type), stages = $5,"
    " result = CASE WHEN $6::boolean THEN $7::text ELSE result END,"
    " error = COALESCE($8::text, error), updated_at = $9 WHERE id = $1 AND tenant = $2";
constexpr char kSetReviewed[] =
    "UPDATE documents SET status = $3, result = COALESCE($4::text, result), updated_at = $5"
    " WHERE id = $1 AND tenant = $2";
constexpr char kDeleteDocument[] = "DELETE FROM documents WHERE id = $1 AND tenant = $2";
constexpr char kDeleteCorrectionsOf[] =
    "DELETE FROM corrections WHERE document_id = $1 AND tenant = $2";
constexpr char kDeleteWebhooksOf[] =
    "DELETE FROM webhook_events WHERE document_id = $1 AND tenant = $2";
// Listing: newest first, keyset on seq; results left out (NULL); seq is the last column. $3 and
// $4 are NULL for "any status" and "any type".
constexpr char kList[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = $1 AND seq < $2"
            " AND ($3::text IS NULL OR status = $3::text)"
            " AND ($4::text IS NULL OR doc_type = $4::text) ORDER BY seq DESC LIMIT $5";
// The review queue carries results: a reviewer needs the fields, and one query serves the page.
constexpr char kReviewQueue[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "result") ", seq FROM documents WHERE tenant = $1 AND status = 'needs_review'"
              " AND (priority, seq) > ($2::smallint, $3::bigint) ORDER BY priority, seq LIMIT $4";

constexpr char kInsertCorrection[] =
    "INSERT INTO corrections (document_id, tenant, reviewer, action, fields, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
// One statement: no rows = no such document; a row with a NULL id = a document without
// corrections.
constexpr char kCorrectionsOf[] =
    "SELECT c.id, c.document_id, c.tenant, c.reviewer, c.action, c.fields, c.created_at"
    " FROM documents d LEFT JOIN corrections c ON c.document_id = d.id AND c.tenant = d.tenant"
    " WHERE d.id = $1 AND d.tenant = $2 ORDER BY c.id";

constexpr char kInsertWebhook[] = "INSERT INTO webhook_events (" SHEAF_WEBHOOK_COLUMNS
                                  ") VALUES ($1, $2, $3, $4, $5, $6,"
                                  " 'pending', 0, $7, $7, '', $7, $7)";
constexpr char kWebhookForUpdate[] =
    "SELECT " SHEAF_WEBHOOK_COLUMNS " FROM webhook_events WHERE event_id = $1 FOR UPDATE";
constexpr char kWebhookOfTenant[] =
    "SELECT " SHEAF_WEBHOOK_COLUMNS " FROM webhook_events WHERE event_id = $1 AND tenant = $2";
constexpr char kWebhooksOfTenant[] = "SELECT " SHEAF_WEBHOOK_COLUMNS
                                     " FROM webhook_events WHERE tenant = $1 AND state = $2"
                                     " ORDER BY created_at DESC, event_id DESC LIMIT $3";
// Claims: due events locked by no other claimer (SKIP LOCKED), each leased in the same
// statement. due_at and the creation time order the answer (RETURNING keeps no order).
constexpr char kClaimWebhooks[] =
    "WITH due AS (SELECT event_id, next_attempt_at AS due_at FROM webhook_events"
    " WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at"
    " LIMIT $2 FOR UPDATE SKIP LOCKED)"
    " UPDATE webhook_events w SET attempts = w.attempts + 1, next_attempt_at = $3,"
    " updated_at = $1 FROM due WHERE w.event_id = due.event_id RETURNING w.event_id, w.tenant,"
    " w.document_id, w.url, w.event_type, w.body, w.state, w.attempts, w.window_start,"
    " w.next_attempt_at, w.last_error, w.created_at, w.updated_at, due.due_at";
constexpr char kWebhookDelivered[] =
    "UPDATE webhook_events SET state = 'delivered', last_error = '', updated_at = $2"
    " WHERE event_id = $1";
constexpr char kWebhookRetry[] =
    "UPDATE webhook_events SET next_attempt_at = $2, last_error = $3, updated_at = $4"
    " WHERE event_id = $1";
constexpr char kWebhookFailed[] =
    "UPDATE webhook_events SET state = 'failed', last_error = $2, updated_at = $3"
    " WHERE event_id = $1";
constexpr char kWebhookReplay[] =
    "UPDATE webhook_events SET state = 'pending', attempts = 0, window_start = $2,"
    " next_attempt_at = $2, last_error = '', updated_at = $2 WHERE event_id = $1";

#undef SHEAF_DOCUMENT_COLUMNS
#undef SHEAF_WEBHOOK_COLUMNS
#undef SHEAF_AUDIT_COLUMNS
#undef SHEAF_KEY_COLUMNS
#undef SHEAF_TENANT_COLUMNS

// ---------------------------------------------------------------------------------------------
// Reading rows.

Status Corrupt(const Conn& c, const std::string& what) {
  return Status(ErrorCode::kIoError, c.where() + ": " + what);
}

Status ReadDocument(const Conn& c, const Rows& r, int i, DocumentRecord* d) {
  d->id = r.Text(i, 0);
  d->tenant_id = r.Text(i, 1);
  const std::optional<ProcessingStatus> status = ParseProcessingStatus(r.Text(i, 2));
  const std::optional<Lane> lane = LaneOfRank(r.Int(i, 3));
  if (!status || !lane) return Corrupt(c, "document " + d->id + " has an unknown status or priority");
  d->status = *status;
  d->priority = *lane;
  d->type_hint = r.Text(i, 4);
  d->document_type = r.Text(i, 5);
  d->webhook_url = r.Text(i, 6);
  d->metadata_json = r.Text(i, 7);
  d->idempotency_key = r.Text(i, 8);
  d->source_name = r.Text(i, 9);
  d->content_type = r.Text(i, 10);
  d->size = r.Int(i, 11);
  d->sha256 = r.Text(i, 12);
  d->blob_key = r.Text(i, 13);
  d->created_at = r.Int(i, 14);
  d->updated_at = r.Int(i, 15);
  d->stages_json = r.Text(i, 16);
  d->result_json = r.IsNull(i, 17) ? std::string() : r.Text(i, 17);
  d->error = r.Text(i, 18);
  return Status::Ok();
}

Status ReadWebhook(const Conn& c, const Rows& r, int i, WebhookEvent* e) {
  e->event_id = r.Text(i, 0);
  e->tenant_id = r.Text(i, 1);
  e->document_id = r.Text(i, 2);
  e->url = r.Text(i, 3);
  e->event_type = r.Text(i, 4);
  e->body = r.Bytes(i, 5);
  const std::optional<WebhookState> state = ParseWebhookState(r.Text(i, 6));
  if (!state) return Corrupt(c, "webhook event " + e->event_id + " has an unknown state");
  e->state = *state;
  e->attempts = static_cast<int>(r.Int(i, 7));
  e->window_start = r.Int(i, 8);
  e->next_attempt_at = r.Int(i, 9);
  e->last_error = r.Text(i, 10);
  e->created_at = r.Int(i, 11);
  e->updated_at = r.Int(i, 12);
  return Status::Ok();
}

Tenant ReadTenant(const Rows& r, int i) {
  return Tenant{r.Text(i, 0), r.Text(i, 1), r.Int(i, 2), r.Text(i, 3), r.Text(i, 4)};
}

ApiKeyInfo ReadKey(const Rows& r, int i) {
  return ApiKeyInfo{r.Text(i, 0), r.Text(i, 1), r.Int(i, 4), r.Int(i, 5)};
}

AuditEntry ReadAudit(const Rows& r, int i) {
  AuditEntry e;
  e.seq = r.Int(i, 0);
  e.at = r.Int(i, 1);
  e.actor = r.Text(i, 2);
  e.action = r.Text(i, 3);
  e.tenant_id = r.Text(i, 4);
  e.document_id = r.Text(i, 5);
  e.details_json = r.Text(i, 6);
  e.prev_hash = r.Text(i, 7);
  e.hash = r.Text(i, 8);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Steps shared by several writes. Each runs inside the caller's transaction.

// The audit chain's head, locked until the transaction ends: taken first by every write that
// appends, so such writes run one after another in one order across all processes.
struct AuditHead {
  std::int64_t seq = 0;
  std::string hash;
};

Status LockAuditHead(Conn& c, AuditHead* head) {
  Rows r;
  Status s = c.Exec(kLockAuditHead, &r);
  if (!s.ok()) return s;
  if (r.size() != 1) return Corrupt(c, "the audit log's head row is missing");
  head->seq = r.Int(0, 0);
  head->hash = r.Text(0, 1);
  return Status::Ok();
}

// Appends the entry after `head` (locked by LockAuditHead in this transaction) and moves the
// head to it. Sets *seq (when not null) to the new entry's number.
Status AppendAuditEntry(Conn& c, AuditHead& head, std::int64_t now, const AuditInput& in,
                        std::int64_t* seq = nullptr) {
  const AuditEntry e = NextAuditEntry(head.seq, head.hash, now, in);
  Status s = c.Exec(kInsertAudit, Params()
                                      .Int(e.seq)
                                      .Int(e.at)
                                      .Text(e.actor)
                                      .Text(e.action)
                                      .Text(e.tenant_id)
                                      .Text(e.document_id)
                                      .Text(e.details_json)
                                      .Text(e.prev_hash)
                                      .Text(e.hash));
  if (s.ok()) s = c.Exec(kMoveAuditHead, Params().Int(e.seq).Text(e.hash));
  if (!s.ok()) return s;
  head.seq = e.seq;
  head.hash = e.hash;
  if (seq != nullptr) *seq = e.seq;
  return Status::Ok();
}

Status InsertWebhook(Conn& c, const std::string& event_id, const std::string& tenant_id,
                     const std::string& document_id, const NewWebhookEvent& event,
                     std::int64_t now) {
  return c.Exec(kInsertWebhook, Params()
                                    .Text(event_id)
                                    .Text(tenant_id)
                                    .Text(document_id)
                                    .Text(event.url)
                                    .Text(event.event_type)
                                    .Bytes(event.body)
                                    .Int(now));
}

// The event `event_id`, locked until the transaction ends; not_found when there is none.
Status LockWebhook(Conn& c, const std::string& event_id, WebhookEvent* e) {
  Rows r;
  Status s = c.Exec(kWebhookForUpdate, Params().Text(event_id), &r);
  if (!s.ok()) return s;
  if (r.size() == 0) return WebhookNotFound(event_id);
  return ReadWebhook(c, r, 0, e);
}

// The status (and stages) of the tenant's document `id`, locked until the transaction ends.
Status LockDocument(Conn& c, const std::string& tenant_id, const std::string& id,
                    ProcessingStatus* status, std::string* stages = nullptr) {
  Rows r;
  Status s = c.Exec(kDocumentForUpdate, Params().Text(id).Text(tenant_id), &r);
  if (!s.ok()) return s;
  if (r.size() == 0) return DocumentNotFound(id);
  const std::optional<ProcessingStatus> parsed = ParseProcessingStatus(r.Text(0, 0));
  if (!parsed) return Corrupt(c, "document " + id + " has an unknown status");
  *status = *parsed;
  if (stages != nullptr) *stages = r.Text(0, 1);
  return Status::Ok();
}

bool IsUniqueViolation(const Conn& c) { return c.sqlstate() == "23505"; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Opening, transactions.

Result<std::unique_ptr<PostgresMetadataStore>> PostgresMetadataStore::Open(
    const std::string& conninfo, PostgresMetadataStoreOptions options) {
  if (options.pool_size < 1) return Invalid("pool_size must be at least 1");
  if (options.max_retries < 0) return Invalid("max_retries must not be negative");
  if (options.checkout_timeout.count() < 0) return Invalid("checkout_timeout must not be negative");
  if (Status s = pg::CheckSchemaName(options.schema); !s.ok()) return s;
  if (Status s = pg::CheckConninfo(conninfo); !s.ok()) return s;
  if (!options.replica.empty()) {
    if (Status s = pg::CheckConninfo(options.replica); !s.ok()) return s;
  }
  if (options.migrate_on_open) {
    Result<pg::MigrationReport> migrated = pg::Migrate(conninfo, options.schema);
    if (!migrated.ok()) return migrated.status();
  }
  auto primary = std::make_unique<pg::Pool>(conninfo, options.schema, options.pool_size,
                                            options.checkout_timeout);
  {
    Result<pg::Pool::Lease> lease = primary->Acquire();
    if (!lease.ok()) return lease.status();
    Result<int> version = pg::SchemaVersion(**lease);
    if (!version.ok()) return version.status();
    const int want = pg::LatestSchemaVersion();
    if (*version < want) {
      return Status(ErrorCode::kIoError,
                    primary->where() + (options.schema.empty() ? "" : " schema " + options.schema) +
                        ": the metadata schema is at version " + std::to_string(*version) +
                        ", this Sheaf needs version " + std::to_string(want) +
                        ": run `sheaf migrate`");
    }
    if (*version > want) {
      return Status(ErrorCode::kIoError, primary->where() + ": metadata schema version " +
                                             std::to_string(*version) +
                                             " is newer than this Sheaf supports (" +
                                             std::to_string(want) + ")");
    }
  }
  std::unique_ptr<pg::Pool> replica;
  if (!options.replica.empty()) {
    replica = std::make_unique<pg::Pool>(options.replica, options.schema, options.pool_size,
                                         options.checkout_timeout);
  }
  return std::unique_ptr<PostgresMetadataStore>(
      new PostgresMetadataStore(std::move(primary), std::move(replica), std::move(options)));
}

PostgresMetadataStore::PostgresMetadataStore(std::unique_ptr<pg::Pool> primary,
                                             std::unique_ptr<pg::Pool> replica,
                                             PostgresMetadataStoreOptions options)
    : primary_(std::move(primary)), replica_(std::move(replica)), options_(std::move(options)) {}

PostgresMetadataStore::~PostgresMetadataStore() = default;

std::int64_t PostgresMetadataStore::NowMs() const {
  const system_clock::time_point now = options_.clock ? options_.clock() : system_clock::now();
  return std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
}

Status PostgresMetadataStore::Write(const std::function<Status(Conn&)>& run) {
  Status last;
  for (int attempt = 0; attempt <= options_.max_retries; ++attempt) {
    Result<pg::Pool::Lease> lease = primary_->Acquire();
    if (!lease.ok()) return lease.status();
    Conn& c = **lease;
    Status s = c.Exec("BEGIN");
    if (!s.ok()) {
      // Nothing was done yet: a connection that died while idle is reset and the call retried.
      if (c.Broken() && c.Reset()) {
        last = s;
        continue;
      }
      return s;
    }
    try {
      s = run(c);
    } catch (const std::exception& e) {
      s = Status(ErrorCode::kInternal, std::string("metadata operation threw: ") + e.what());
    }
    const bool retry = !s.ok() && c.Retryable();
    if (s.ok()) s = c.Exec("COMMIT");
    if (s.ok()) return s;
    // The transaction failed (or its COMMIT did): nothing of it stays. The pool rolls back a
    // connection given back mid-transaction.
    c.Exec("ROLLBACK");
    if (!retry && !c.Retryable()) return s;
    last = s;
  }
  return Status(ErrorCode::kUnavailable,
                last.message() + " (still failing after " + std::to_string(options_.max_retries) +
                    " retries)");
}

Status PostgresMetadataStore::Read(bool replica_safe, const std::function<Status(Conn&)>& run) {
  pg::Pool& pool = replica_safe && replica_ != nullptr ? *replica_ : *primary_;
  Status s;
  for (int attempt = 0; attempt < 2; ++attempt) {
    Result<pg::Pool::Lease> lease = pool.Acquire();
    if (!lease.ok()) return lease.status();
    Conn& c = **lease;
    try {
      s = run(c);
    } catch (const std::exception& e) {
      return Status(ErrorCode::kInternal, std::string("metadata read threw: ") + e.what());
    }
    // A read changes nothing: one found dead is read again on a fresh connection.
    if (s.ok() || !c.Broken() || !c.Reset()) return s;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Tenants.

Result<Tenant> PostgresMetadataStore::CreateTenant(const std::string& name,
                                                   const std::string& actor) {
  if (Status s = CheckTenantName(name); !s.ok()) return s;
  if (Status s = CheckActor(actor); !s.ok()) return s;
  Tenant tenant;
  tenant.name = name;
  Status s = Write([&](Conn& c) {
    AuditHead head;
    Status r = LockAuditHead(c, &head);
    if (!r.ok()) return r;
    tenant.id = NewTenantId();
    tenant.created_at = NowMs();
    tenant.webhook_secret = NewWebhookSecret();
    r = c.Exec(kInsertTenant, Params()
                                  .Text(tenant.id)
                                  .Text(tenant.name)
                                  .Int(tenant.created_at)
                                  .Text(tenant.webhook_secret));
    if (!r.ok() && IsUniqueViolation(c) && c.constraint() == "tenants_name_key") {
      return Invalid("tenant \"" + name + "\" already exists");
    }
    if (!r.ok()) return r;
    return AppendAuditEntry(c, head, tenant.created_at,
                            {actor, "tenant.created", tenant.id, "", TenantCreatedDetails(name)});
  });
  if (!s.ok()) return s;
  return tenant;
}

// Not replica-safe: a tenant is read right after it is made or its secret rotated.
Result<Tenant> PostgresMetadataStore::GetTenant(const std::string& tenant_id) {
  Tenant tenant;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kTenantById, Params().Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return TenantNotFound(tenant_id);
    tenant = ReadTenant(r, 0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenant;
}

// Not replica-safe: the command line finds a tenant by name right after creating it.
Result<Tenant> PostgresMetadataStore::GetTenantByName(const std::string& name) {
  Tenant tenant;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kTenantByName, Params().Text(name), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return TenantNameNotFound(name);
    tenant = ReadTenant(r, 0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenant;
}

// Replica-safe: listings (and every metrics scrape) may lag.
Result<std::vector<Tenant>> PostgresMetadataStore::ListTenants() {
  std::vector<Tenant> tenants;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kTenants, &r);
    if (!e.ok()) return e;
    tenants.clear();
    for (int i = 0; i < r.size(); ++i) tenants.push_back(ReadTenant(r, i));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenants;
}

Status PostgresMetadataStore::SetTenantWebhook(const std::string& tenant_id,
                                               const std::string& url, const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  if (Status s = CheckWebhookUrl(url); !s.ok()) return s;
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, &head);
    if (!s.ok()) return s;
    Rows r;
    s = c.Exec(kSetTenantWebhook, Params().Text(tenant_id).Text(url), &r);
    if (!s.ok()) return s;
    if (r.affected() == 0) return TenantNotFound(tenant_id);
    return AppendAuditEntry(c, head, NowMs(),
                            {actor, "tenant.webhook_set", tenant_id, "", WebhookSetDetails(url)});
  });
}

Status PostgresMetadataStore::RotateWebhookSecret(const std::string& tenant_id,
                                                  const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, &head);
    if (!s.ok()) return s;
    Rows r;
    s = c.Exec(kSetTenantSecret, Params().Text(tenant_id).Text(NewWebhookSecret()), &r);
    if (!s.ok()) return s;
    if (r.affected() == 0) return TenantNotFound(tenant_id);
    return AppendAuditEntry(c, head, NowMs(),
                            {actor, "tenant.webhook_secret_rotated", tenant_id, "", "{}"});
  });
}

// ---------------------------------------------------------------------------------------------
// API keys.

Result<NewApiKey> PostgresMetadataStore::CreateApiKey(const std::string& tenant_id,
                                                      const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  NewApiKey out;
  Status s = Write([&](Conn& c) {
    AuditHead head;
    Status e = LockAuditHead(c, &head);
    if (!e.ok()) return e;
    Rows r;
    e = c.Exec(kTenantById, Params().Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return TenantNotFound(tenant_id);
    const std::int64_t now = NowMs();
    // A 64-bit key id collides about never; try again if it does.
    for (int attempt = 0;; ++attempt) {
      const NewKeyMaterial k = NewKey();
      e = c.Exec(kInsertKey, Params().Text(k.key_id).Text(tenant_id).Text(k.salt).Text(k.hash).Int(now),
                 &r);
      if (!e.ok()) return e;
      if (r.affected() == 0 && attempt < 3) continue;
      if (r.affected() == 0) return Status(ErrorCode::kInternal, "cannot make a unique key id");
      out.info = ApiKeyInfo{k.key_id, tenant_id, now, 0};
      out.key = k.key;
      break;
    }
    return AppendAuditEntry(c, head, now,
                            {actor, "key.created", tenant_id, "", KeyDetails(out.info.key_id)});
  });
  if (!s.ok()) return s;
  return out;
}

// Not replica-safe: a revoked key must fail at once.
Result<ApiKeyInfo> PostgresMetadataStore::Authenticate(std::string_view key) {
  const std::optional<std::string> key_id = KeyIdOf(key);
  if (!key_id) return BadKey();
  ApiKeyInfo info;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kKeyById, Params().Text(*key_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return BadKey();
    info = ReadKey(r, 0);
    if (!KeyMatches(key, r.Text(0, 2), r.Text(0, 3)) || info.revoked_at != 0) return BadKey();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return info;
}

Status PostgresMetadataStore::RevokeApiKey(const std::string& key_id, const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, &head);
    if (!s.ok()) return s;
    Rows r;
    s = c.Exec(kKeyByIdForUpdate, Params().Text(key_id), &r);
    if (!s.ok()) return s;
    if (r.size() == 0) return KeyNotFound(key_id);
    const ApiKeyInfo info = ReadKey(r, 0);
    if (info.revoked_at != 0) return Status::Ok();
    const std::int64_t now = NowMs();
    s = c.Exec(kRevokeKey, Params().Text(key_id).Int(now));
    if (!s.ok()) return s;
    return AppendAuditEntry(c, head, now,
                            {actor, "key.revoked", info.tenant_id, "", KeyDetails(key_id)});
  });
}

// Not replica-safe: `sheaf key list` follows `sheaf key create`.
Result<std::vector<ApiKeyInfo>> PostgresMetadataStore::ListApiKeys(const std::string& tenant_id) {
  std::vector<ApiKeyInfo> keys;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kKeysOfTenant, Params().Text(tenant_id), &r);
    if (!e.ok()) return e;
    keys.clear();
    for (int i = 0; i < r.size(); ++i) keys.push_back(ReadKey(r, i));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Documents.

Result<CreateDocumentResult> PostgresMetadataStore::CreateDocument(const std::string& tenant_id,
                                                                   const DocumentRecord& doc,
                                                                   std::int64_t max_queued,
                                                                   const std::string& actor) {
  Result<PreparedDocument> prepared = PrepareDocument(tenant_id, doc, actor);
  if (!prepared.ok()) return prepared.status();
  CreateDocumentResult out;
  Status s = Write([&](Conn& c) {
    out.document = prepared->doc;
    DocumentRecord& d = out.document;
    AuditHead head;
    Status e = LockAuditHead(c, &head);
    if (!e.ok()) return e;
    Rows r;
    if (!d.idempotency_key.empty()) {
      e = c.Exec(kDocumentByKey, Params().Text(tenant_id).Text(d.idempotency_key), &r);
      if (!e.ok()) return e;
      if (r.size() > 0) {
        out.created = false;
        return ReadDocument(c, r, 0, &d);
      }
    }
    e = c.Exec(kTenantPendingForUpdate, Params().Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return TenantNotFound(tenant_id);
    const std::int64_t pending = r.Int(0, 0);
    if (max_queued > 0 && IsPending(d.status) && pending >= max_queued) {
      return QueueFull(tenant_id, pending, max_queued);
    }
    d.created_at = d.updated_at = NowMs();
    Params p;
    p.Text(d.id)
        .Text(tenant_id)
        .Text(ProcessingStatusName(d.status))
        .Int(PriorityRank(d.priority))
        .Text(d.type_hint)
        .Text(d.document_type)
        .Text(d.webhook_url)
        .Text(d.metadata_json)
        .Text(d.idempotency_key)
        .Text(d.source_name)
        .Text(d.content_type)
        .Int(d.size)
        .Text(d.sha256)
        .Text(d.blob_key)
        .Int(d.created_at)
        .Int(d.updated_at)
        .Text(d.stages_json);
    if (d.result_json.empty()) {
      p.Null();
    } else {
      p.Text(d.result_json);
    }
    p.Text(d.error);
    e = c.Exec(kInsertDocument, p, &r);
    if (!e.ok()) return e;
    if (r.affected() == 0) return Invalid("document id " + d.id + " is in use");
    out.created = true;
    return AppendAuditEntry(c, head, d.created_at,
                            {actor, "document.ingested", tenant_id, d.id, prepared->audit_details});
  });
  if (!s.ok()) return s;
  return out;
}

// Not replica-safe: read right after an update (the API's GET after a POST).
Result<DocumentRecord> PostgresMetadataStore::GetDocument(const std::string& tenant_id,
                                                          const std::string& id) {
  DocumentRecord doc;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kDocumentById, Params().Text(id).Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return DocumentNotFound(id);
    return ReadDocument(c, r, 0, &doc);
  });
  if (!s.ok()) return s;
  return doc;
}

// Not replica-safe: answers a retried request, which must see the first one's document.
Result<DocumentRecord> PostgresMetadataStore::FindByIdempotencyKey(
    const std::string& tenant_id, const std::string& idempotency_key) {
  if (idempotency_key.empty()) return Invalid("idempotency key is empty");
  DocumentRecord doc;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kDocumentByKey, Params().Text(tenant_id).Text(idempotency_key), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return Status(ErrorCode::kNotFound, "no document with this idempotency key");
    return ReadDocument(c, r, 0, &doc);
  });
  if (!s.ok()) return s;
  return doc;
}

// Replica-safe: a listing may lag.
Result<DocumentPage> PostgresMetadataStore::ListDocuments(const std::string& tenant_id,
                                                          const DocumentFilter& filter) {
  if (Status s = CheckLimit(filter.limit); !s.ok()) return s;
  Result<std::int64_t> before = ParseListCursor(filter.cursor);
  if (!before.ok()) return before.status();
  DocumentPage page;
  Status s = Read(true, [&](Conn& c) {
    Params p;
    p.Text(tenant_id).Int(*before);
    if (filter.status) {
      p.Text(ProcessingStatusName(*filter.status));
    } else {
      p.Null();
    }
    if (filter.document_type.empty()) {
      p.Null();
    } else {
      p.Text(filter.document_type);
    }
    p.Int(filter.limit + 1);
    Rows r;
    Status e = c.Exec(kList, p, &r);
    if (!e.ok()) return e;
    page = DocumentPage();
    const int n = std::min(r.size(), filter.limit);
    for (int i = 0; i < n; ++i) {
      DocumentRecord d;
      e = ReadDocument(c, r, i, &d);
      if (!e.ok()) return e;
      page.documents.push_back(std::move(d));
    }
    if (r.size() > filter.limit) page.next_cursor = ListCursor(r.Int(n - 1, 19));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return page;
}

// Replica-safe: the review queue may lag (a reviewer's decision is checked against the
// document's status on the primary).
Result<DocumentPage> PostgresMetadataStore::ListReviewQueue(const std::string& tenant_id, int limit,
                                                            const std::string& cursor) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  Result<std::pair<std::int64_t, std::int64_t>> after = ParseReviewCursor(cursor);
  if (!after.ok()) return after.status();
  DocumentPage page;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(
        kReviewQueue,
        Params().Text(tenant_id).Int(after->first).Int(after->second).Int(limit + 1), &r);
    if (!e.ok()) return e;
    page = DocumentPage();
    const int n = std::min(r.size(), limit);
    for (int i = 0; i < n; ++i) {
      DocumentRecord d;
      e = ReadDocument(c, r, i, &d);
      if (!e.ok()) return e;
      page.documents.push_back(std::move(d));
    }
    if (r.size() > limit) page.next_cursor = ReviewCursor(r.Int(n - 1, 3), r.Int(n - 1, 19));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return page;
}

Status PostgresMetadataStore::UpdateDocument(const std::string& tenant_id, const std::string& id,
                                             const DocumentUpdate& update,
                                             const std::string& actor) {
  Result<PreparedUpdate> prepared = PrepareUpdate(update, actor);
  if (!prepared.ok()) return prepared.status();
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, &head);
    if (!s.ok()) return s;
    ProcessingStatus current;
    std::string stages;
    s = LockDocument(c, tenant_id, id, &current, &stages);
    if (!s.ok()) return s;
    if (!UpdateAllowed(update, current)) return NotAllowedIn(id, current, update.only_if);
    Result<std::string> merged = MergeStages(stages, update);
    if (!merged.ok()) return Corrupt(c, "document " + id + ": " + merged.status().message());
    const std::int64_t now = NowMs();
    Params p;
    p.Text(id).Text(tenant_id);
    if (update.status) {
      p.Text(ProcessingStatusName(*update.status));
    } else {
      p.Null();
    }
    p.OptText(update.document_type).Text(*merged).Bool(update.result_json.has_value());
    if (update.result_json && !update.result_json->empty()) {
      p.Text(*update.result_json);
    } else {
      p.Null();
    }
    p.OptText(update.error).Int(now);
    s = c.Exec(kUpdateDocument, p);
    if (!s.ok()) return s;
    if (update.webhook) {
      s = InsertWebhook(c, prepared->event_id, tenant_id, id, *update.webhook, now);
      if (!s.ok()) return s;
    }
    return AppendAuditEntry(c, head, now,
                            {actor, prepared->action, tenant_id, id,
                             UpdateAuditDetails(update, current, prepared->event_id)});
  });
}

Status PostgresMetadataStore::DeleteDocument(const std::string& tenant_id, const std::string& id,
                                             const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, &head);
    if (!s.ok()) return s;
    Rows r;
    s = c.Exec(kDeleteDocument, Params().Text(id).Text(tenant_id), &r);
    if (!s.ok()) return s;
    if (r.affected() == 0) return DocumentNotFound(id);
    for (const char* sql : {kDeleteCorrectionsOf, kDeleteWebhooksOf}) {
      s = c.Exec(sql, Params().Text(id).Text(tenant_id));
      if (!s.ok()) return s;
    }
    return AppendAuditEntry(c, head, NowMs(), {actor, "document.deleted", tenant_id, id, "{}"});
  });
}

// Replica-safe: for metrics. (The queue cap is checked inside CreateDocument, on the primary.)
Result<std::int64_t> PostgresMetadataStore::CountQueued(const std::string& tenant_id) {
  std::int64_t pending = 0;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kTenantPending, Params().Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return TenantNotFound(tenant_id);
    pending = r.Int(0, 0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return pending;
}

// Replica-safe: for metrics; reads the counters the trigger keeps (six rows at most).
Result<std::map<ProcessingStatus, std::int64_t>> PostgresMetadataStore::CountByStatus() {
  std::map<ProcessingStatus, std::int64_t> out;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kCountByStatus, &r);
    if (!e.ok()) return e;
    out.clear();
    for (int i = 0; i < r.size(); ++i) {
      const std::optional<ProcessingStatus> status = ParseProcessingStatus(r.Text(i, 0));
      if (status) out[*status] = r.Int(i, 1);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Review.

Result<Correction> PostgresMetadataStore::RecordReview(const std::string& tenant_id,
                                                       const std::string& document_id,
                                                       const ReviewInput& review) {
  Result<PreparedReview> prepared = PrepareReview(review);
  if (!prepared.ok()) return prepared.status();
  Correction out;
  Status s = Write([&](Conn& c) {
    AuditHead head;
    Status e = LockAuditHead(c, &head);
    if (!e.ok()) return e;
    ProcessingStatus current;
    e = LockDocument(c, tenant_id, document_id, &current);
    if (!e.ok()) return e;
    if (current != ProcessingStatus::kNeedsReview && current != ProcessingStatus::kCompleted) {
      return NotReviewable(document_id, current);
    }
    const std::int64_t now = NowMs();
    Rows r;
    e = c.Exec(kInsertCorrection,
               Params()
                   .Text(document_id)
                   .Text(tenant_id)
                   .Text(review.reviewer)
                   .Text(ReviewActionName(review.action))
                   .Text(prepared->fields_json)
                   .Int(now),
               &r);
    if (!e.ok()) return e;
    out = Correction{r.Int(0, 0),           document_id, tenant_id, review.reviewer,
                     review.action,         prepared->fields_json, now};
    Params p;
    p.Text(document_id).Text(tenant_id).Text(ProcessingStatusName(prepared->next));
    if (review.result_json.empty()) {
      p.Null();
    } else {
      p.Text(review.result_json);
    }
    p.Int(now);
    e = c.Exec(kSetReviewed, p);
    if (!e.ok()) return e;
    if (review.webhook) {
      e = InsertWebhook(c, prepared->event_id, tenant_id, document_id, *review.webhook, now);
      if (!e.ok()) return e;
    }
    return AppendAuditEntry(
        c, head, now,
        {review.reviewer, "document.reviewed", tenant_id, document_id,
         ReviewAuditDetails(review, out.id, current, prepared->next, prepared->event_id)});
  });
  if (!s.ok()) return s;
  return out;
}

// Not replica-safe: read right after a review.
Result<std::vector<Correction>> PostgresMetadataStore::ListCorrections(
    const std::string& tenant_id, const std::string& document_id) {
  std::vector<Correction> corrections;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kCorrectionsOf, Params().Text(document_id).Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return DocumentNotFound(document_id);
    corrections.clear();
    for (int i = 0; i < r.size(); ++i) {
      if (r.IsNull(i, 0)) continue;  // the document has none
      const std::optional<ReviewAction> action = ParseReviewAction(r.Text(i, 4));
      if (!action) return Corrupt(c, "correction " + r.Text(i, 0) + " has an unknown action");
      corrections.push_back(Correction{r.Int(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),
                                       *action, r.Text(i, 5), r.Int(i, 6)});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return corrections;
}

// ---------------------------------------------------------------------------------------------
// Webhooks.

Result<WebhookEvent> PostgresMetadataStore::EnqueueWebhook(const std::string& tenant_id,
                                                           const NewWebhookEvent& event) {
  if (Status s = CheckWebhook(event); !s.ok()) return s;
  WebhookEvent out;
  out.event_id = NewEventId();
  out.tenant_id = tenant_id;
  out.document_id = event.document_id;
  out.url = event.url;
  out.event_type = event.event_type;
  out.body = event.body;
  Status s = Write([&](Conn& c) {
    // FOR SHARE: the document cannot be deleted until this event is in.
    Rows r;
    Status e = c.Exec(kDocumentForShare, Params().Text(event.document_id).Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return DocumentNotFound(event.document_id);
    const std::int64_t now = NowMs();
    out.window_start = out.next_attempt_at = out.created_at = out.updated_at = now;
    return InsertWebhook(c, out.event_id, tenant_id, event.document_id, event, now);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<WebhookEvent>> PostgresMetadataStore::ClaimDueWebhooks(int max,
                                                                          milliseconds lease) {
  if (Status s = CheckLease(max, lease); !s.ok()) return s;
  std::vector<WebhookEvent> out;
  Status s = Write([&](Conn& c) {
    const std::int64_t now = NowMs();
    Rows r;
    Status e = c.Exec(kClaimWebhooks, Params().Int(now).Int(max).Int(now + lease.count()), &r);
    if (!e.ok()) return e;
    std::vector<std::pair<std::int64_t, WebhookEvent>> claimed;
    for (int i = 0; i < r.size(); ++i) {
      WebhookEvent ev;
      e = ReadWebhook(c, r, i, &ev);
      if (!e.ok()) return e;
      claimed.emplace_back(r.Int(i, 13), std::move(ev));
    }
    // Oldest due first, as the claim chose them.
    std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first, a.second.created_at) < std::tie(b.first, b.second.created_at);
    });
    out.clear();
    for (auto& [due, ev] : claimed) out.push_back(std::move(ev));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PostgresMetadataStore::MarkWebhookDelivered(const std::string& event_id) {
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, &head);
    if (!s.ok()) return s;
    WebhookEvent e;
    s = LockWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.state == WebhookState::kDelivered) return Status::Ok();
    if (e.state == WebhookState::kFailed) {
      return Invalid("webhook event " + event_id + " has failed; replay it to deliver it again");
    }
    const std::int64_t now = NowMs();
    s = c.Exec(kWebhookDelivered, Params().Text(event_id).Int(now));
    if (!s.ok()) return s;
    return AppendAuditEntry(
        c, head, now,
        {kWebhookActor, "document.exported", e.tenant_id, e.document_id, ExportedDetails(e)});
  });
}

// Locks the audit head even when the attempt is only rescheduled (nothing to append): every
// write that may append takes the head before any other row, so writes never deadlock.
Status PostgresMetadataStore::MarkWebhookAttemptFailed(const std::string& event_id,
                                                       const std::string& error,
                                                       std::optional<std::int64_t> retry_at) {
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, &head);
    if (!s.ok()) return s;
    WebhookEvent e;
    s = LockWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.state != WebhookState::kPending) {
      return Invalid("webhook event " + event_id + " is " + std::string(WebhookStateName(e.state)) +
                     ", not pending");
    }
    const std::int64_t now = NowMs();
    if (retry_at) {
      return c.Exec(kWebhookRetry, Params().Text(event_id).Int(*retry_at).Text(error).Int(now));
    }
    s = c.Exec(kWebhookFailed, Params().Text(event_id).Text(error).Int(now));
    if (!s.ok()) return s;
    return AppendAuditEntry(c, head, now,
                            {kWebhookActor, "webhook.failed", e.tenant_id, e.document_id,
                             WebhookFailedDetails(e, error)});
  });
}

// Not replica-safe: read right after a replay.
Result<WebhookEvent> PostgresMetadataStore::GetWebhook(const std::string& tenant_id,
                                                       const std::string& event_id) {
  WebhookEvent e;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status x = c.Exec(kWebhookOfTenant, Params().Text(event_id).Text(tenant_id), &r);
    if (!x.ok()) return x;
    if (r.size() == 0) return WebhookNotFound(event_id);
    return ReadWebhook(c, r, 0, &e);
  });
  if (!s.ok()) return s;
  return e;
}

// Replica-safe: a listing may lag.
Result<std::vector<WebhookEvent>> PostgresMetadataStore::ListWebhooks(const std::string& tenant_id,
                                                                      WebhookState state,
                                                                      int limit) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  std::vector<WebhookEvent> events;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status x = c.Exec(kWebhooksOfTenant,
                      Params().Text(tenant_id).Text(WebhookStateName(state)).Int(limit), &r);
    if (!x.ok()) return x;
    events.clear();
    for (int i = 0; i < r.size(); ++i) {
      WebhookEvent e;
      x = ReadWebhook(c, r, i, &e);
      if (!x.ok()) return x;
      events.push_back(std::move(e));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return events;
}

Status PostgresMetadataStore::ReplayWebhook(const std::string& tenant_id,
                                            const std::string& event_id,
                                            const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, &head);
    if (!s.ok()) return s;
    WebhookEvent e;
    s = LockWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.tenant_id != tenant_id) return WebhookNotFound(event_id);
    if (e.state == WebhookState::kPending) {
      return Invalid("webhook event " + event_id + " is pending; it will be delivered");
    }
    const std::int64_t now = NowMs();
    s = c.Exec(kWebhookReplay, Params().Text(event_id).Int(now));
    if (!s.ok()) return s;
    return AppendAuditEntry(c, head, now,
                            {actor, "webhook.replayed", tenant_id, e.document_id, ReplayedDetails(e)});
  });
}

// ---------------------------------------------------------------------------------------------
// Audit log.

Result<std::int64_t> PostgresMetadataStore::AppendAudit(const AuditInput& entry) {
  Result<AuditInput> in = PrepareAudit(entry);
  if (!in.ok()) return in.status();
  std::int64_t seq = 0;
  Status s = Write([&](Conn& c) {
    AuditHead head;
    Status e = LockAuditHead(c, &head);
    if (!e.ok()) return e;
    return AppendAuditEntry(c, head, NowMs(), *in, &seq);
  });
  if (!s.ok()) return s;
  return seq;
}

// Replica-safe: reading the log may lag; VerifyAudit (the anchor) reads the primary.
Result<std::vector<AuditEntry>> PostgresMetadataStore::ListAudit(std::int64_t after_seq,
                                                                 int limit) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  std::vector<AuditEntry> entries;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kAuditAfter, Params().Int(after_seq).Int(limit), &r);
    if (!e.ok()) return e;
    entries.clear();
    for (int i = 0; i < r.size(); ++i) entries.push_back(ReadAudit(r, i));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return entries;
}

// Not replica-safe: the head hash it returns is an anchor; it must be the primary's.
Result<AuditVerification> PostgresMetadataStore::VerifyAudit() {
  AuditVerification v;
  Status s = Read(false, [&](Conn& c) {
    // In batches (bounded memory). Entries appended meanwhile extend the chain; they are
    // checked too, like any other.
    AuditVerifier verifier;
    std::int64_t after = 0;
    for (;;) {
      Rows r;
      Status e = c.Exec(kAuditAfter, Params().Int(after).Int(kVerifyBatch), &r);
      if (!e.ok()) return e;
      bool intact = true;
      for (int i = 0; i < r.size() && intact; ++i) intact = verifier.Add(ReadAudit(r, i));
      if (!intact || r.size() < kVerifyBatch) break;
      after = r.Int(r.size() - 1, 0);
    }
    v = verifier.Result();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return v;
}

// ---------------------------------------------------------------------------------------------
// URLs.

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return Invalid("bad percent-encoding in a PostgreSQL URL parameter");
    const int hi = HexValue(s[i + 1]);
    const int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return Invalid("bad percent-encoding in a PostgreSQL URL parameter");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

Result<PostgresUrl> ParsePostgresUrl(const std::string& url) {
  PostgresUrl out;
  const std::size_t q = url.find('?');
  if (q == std::string::npos) {
    out.conninfo = url;
    return out;
  }
  std::string kept;
  std::string_view rest = std::string_view(url).substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view param = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const std::size_t eq = param.find('=');
    const std::string_view key = param.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    if (key == "schema" || key == "replica") {
      Result<std::string> decoded = PercentDecode(value);
      if (!decoded.ok()) return decoded.status();
      (key == "schema" ? out.schema : out.replica) = *decoded;
      continue;
    }
    if (!kept.empty()) kept += '&';
    kept += param;
  }
  out.conninfo = url.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  return out;
}

Result<std::unique_ptr<MetadataStore>> OpenPostgresMetadataStore(
    const std::string& url, PostgresMetadataStoreOptions options) {
  Result<PostgresUrl> parsed = ParsePostgresUrl(url);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->schema.empty()) options.schema = parsed->schema;
  if (!parsed->replica.empty()) options.replica = parsed->replica;
  Result<std::unique_ptr<PostgresMetadataStore>> store =
      PostgresMetadataStore::Open(parsed->conninfo, std::move(options));
  if (!store.ok()) return store.status();
  return std::unique_ptr<MetadataStore>(std::move(store).value());
}

}  // namespace sheaf
