// SPDX-License-Identifier: GPL-3.0-or-later
//
// The MetadataStore on PostgreSQL (libpq), for several `sheaf serve` processes sharing one
// database. It implements the whole contract of sheaf/metadata_store.h and passes the same
// contract suite as the SQLite store (tests/contract/metadata_store_contract_test.cc).
//
// Schema: versioned migrations (migrations.h). Open checks the schema's version: an older one
// is refused with "run `sheaf migrate`" unless options.migrate_on_open is set, a newer one is
// refused always. Refusing is the default because several processes start at once in a
// deployment and the schema belongs to the operator: a rollout migrates once (`sheaf migrate`,
// under an advisory lock), then starts the servers; a server never changes the schema behind
// the operator's back. Tests and single-node setups set migrate_on_open.
//
// Transactions and ordering: every write runs in one READ COMMITTED transaction. Every write
// that appends to the audit log first locks its tenant's chain head row (audit_heads, SELECT
// ... FOR UPDATE), so one tenant's writes are serialised in one order across all processes:
// each appends the entry after the head it locked, and the tenant's documents get their seq
// (the listing order, per tenant) in commit order. Different tenants' writes do not wait for
// each other. A writer that also reads (the queue cap, an idempotency key, a document's status)
// reads after taking the lock, so it sees every earlier write. Writes that append nothing
// (enqueueing and claiming webhook events) take no head lock: claims use SELECT ... FOR UPDATE
// SKIP LOCKED, so concurrent claimers never get the same event and never wait for each other.
// A serialization failure or deadlock is retried inside the store, up to max_retries times; a
// connection found dead when a transaction begins is reset and the transaction retried.
//
// Errors: a lost connection, a pool with no free connection within checkout_timeout, or a
// failure retried max_retries times are unavailable; constraint violations are the contract's
// codes (a tenant name or document id in use: invalid_argument); other failures io_error.
//
// Read routing: with options.replica set, reads that may be a little stale - listings of
// documents, the review queue, webhooks, tenants and the audit log, and the counts for metrics -
// go to the replica's pool (marked "replica-safe" below). Reads that must see the caller's
// latest write - GetDocument, FindByIdempotencyKey, Authenticate, GetTenant, GetWebhook,
// ListCorrections, VerifyAudit - and every read inside a write use the primary. Without a
// replica every read uses the primary and the contract's read-your-writes holds for all.
//
// Times are the clock's (options.clock), in milliseconds since the epoch, as in SQLite.
#ifndef SHEAF_ADAPTERS_POSTGRES_POSTGRES_METADATA_STORE_H_
#define SHEAF_ADAPTERS_POSTGRES_POSTGRES_METADATA_STORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sheaf/metadata_store.h"

namespace sheaf {

namespace pg {
class Conn;
class Pool;
}  // namespace pg

struct PostgresMetadataStoreOptions {
  // The time source for every timestamp; empty = std::chrono::system_clock::now. Thread-safe.
  std::function<std::chrono::system_clock::time_point()> clock;
  // The schema the tables are in ("" = the connection's default, usually public): 1-63 of
  // [a-z0-9_]. Tests give each test its own.
  std::string schema;
  // A read replica's conninfo; "" = none (every read goes to the primary).
  std::string replica;
  // Connections per pool (primary, and replica when set), opened when first needed. >= 1.
  int pool_size = 8;
  // How long a call waits for a free connection before it is unavailable.
  std::chrono::milliseconds checkout_timeout{5000};
  // Times a transaction that hit a serialization failure or deadlock is run again. >= 0.
  int max_retries = 5;
  // Apply missing migrations when opening (see the header comment for why this is off).
  bool migrate_on_open = false;
};

class PostgresMetadataStore final : public MetadataStore {
 public:
  // Connects to `conninfo` (a libpq URI or key=value string without a password) and checks the
  // schema's version. Errors: invalid_argument for bad options or a conninfo holding a
  // password; unavailable when the server cannot be reached; io_error when the schema is older
  // (the message says to run `sheaf migrate`) or newer than this Sheaf's.
  static Result<std::unique_ptr<PostgresMetadataStore>> Open(const std::string& conninfo,
                                                             PostgresMetadataStoreOptions options);
  ~PostgresMetadataStore() override;
  PostgresMetadataStore(const PostgresMetadataStore&) = delete;
  PostgresMetadataStore& operator=(const PostgresMetadataStore&) = delete;

  Result<Tenant> CreateTenant(const std::string& name, const std::string& actor) override;
  Result<Tenant> GetTenant(const std::string& tenant_id) override;
  Result<Tenant> GetTenantByName(const std::string& name) override;
  Result<std::vector<Tenant>> ListTenants() override;
  Status SetTenantWebhook(const std::string& tenant_id, const std::string& url,
                          const std::string& actor) override;
  Status RotateWebhookSecret(const std::string& tenant_id, const std::string& actor) override;

  Result<NewApiKey> CreateApiKey(const std::string& tenant_id, const std::string& actor) override;
  Result<ApiKeyInfo> Authenticate(std::string_view key) override;
  Status RevokeApiKey(const std::string& key_id, const std::string& actor) override;
  Result<std::vector<ApiKeyInfo>> ListApiKeys(const std::string& tenant_id) override;

  Result<CreateDocumentResult> CreateDocument(const std::string& tenant_id,
                                              const DocumentRecord& doc, std::int64_t max_queued,
                                              const std::string& actor) override;
  Result<DocumentRecord> GetDocument(const std::string& tenant_id, const std::string& id) override;
  Result<DocumentRecord> FindByIdempotencyKey(const std::string& tenant_id,
                                              const std::string& idempotency_key) override;
  Result<DocumentPage> ListDocuments(const std::string& tenant_id,
                                     const DocumentFilter& filter) override;
  Result<DocumentPage> ListReviewQueue(const std::string& tenant_id, int limit,
                                       const std::string& cursor) override;
  Status UpdateDocument(const std::string& tenant_id, const std::string& id,
                        const DocumentUpdate& update, const std::string& actor) override;
  Status DeleteDocument(const std::string& tenant_id, const std::string& id,
                        const std::string& actor) override;
  Result<std::int64_t> CountQueued(const std::string& tenant_id) override;
  Result<std::map<ProcessingStatus, std::int64_t>> CountByStatus() override;

  Result<Correction> RecordReview(const std::string& tenant_id, const std::string& document_id,
                                  const ReviewInput& review) override;
  Result<std::vector<DocumentRecord>> ClaimReviewTasks(const std::string& tenant_id,
                                                       const std::string& reviewer, int max,
                                                       std::chrono::milliseconds lease) override;
  Result<DocumentRecord> ClaimReviewTask(const std::string& tenant_id,
                                         const std::string& document_id,
                                         const std::string& reviewer,
                                         std::chrono::milliseconds lease) override;
  Status ReleaseReviewTask(const std::string& tenant_id, const std::string& document_id,
                           const std::string& reviewer) override;
  Result<std::vector<Correction>> ListCorrections(const std::string& tenant_id,
                                                  const std::string& document_id) override;
  Result<std::vector<DocumentRecord>> ListReviewedDocuments(const std::string& tenant_id,
                                                            int max) override;

  Status PutSenderMemory(const std::string& tenant_id, const SenderFieldMemory& memory,
                         const std::string& actor) override;
  Result<std::vector<SenderFieldMemory>> ListSenderMemory(const std::string& tenant_id,
                                                          const std::string& sender) override;
  Result<std::vector<std::string>> ListSenders(const std::string& tenant_id,
                                               const std::string& prefix) override;

    Result<WebhookEvent> EnqueueWebhook(const std::string& tenant_id,
                                      const NewWebhookEvent& event) override;
  Result<std::vector<WebhookEvent>> ClaimDueWebhooks(int max,
                                                     std::chrono::milliseconds lease) override;
  Status MarkWebhookDelivered(const std::string& event_id) override;
  Status MarkWebhookAttemptFailed(const std::string& event_id, const std::string& error,
                                  std::optional<std::int64_t> retry_at) override;
  Result<WebhookEvent> GetWebhook(const std::string& tenant_id,
                                  const std::string& event_id) override;
  Result<std::vector<WebhookEvent>> ListWebhooks(const std::string& tenant_id, WebhookState state,
                                                 int limit) override;
  Status ReplayWebhook(const std::string& tenant_id, const std::string& event_id,
                       const std::string& actor) override;

  Result<std::int64_t> AppendAudit(const AuditInput& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(const std::string& tenant_id, std::int64_t after_seq,
                                            int limit) override;
  Result<std::vector<AuditChainHead>> ListAuditHeads() override;
  Result<AuditVerification> VerifyAudit() override;

 private:
  PostgresMetadataStore(std::unique_ptr<pg::Pool> primary, std::unique_ptr<pg::Pool> replica,
                        PostgresMetadataStoreOptions options);
  std::int64_t NowMs() const;
  // Runs `run` in one transaction on the primary, again (from the start) after a serialization
  // failure or deadlock, up to max_retries times. Returns the status of `run`, or the error that
  // kept its transaction from committing.
  Status Write(const std::function<Status(pg::Conn&)>& run);
  // Runs `run` (its statements in autocommit) on the primary, or on the replica when
  // `replica_safe` and one is configured.
  Status Read(bool replica_safe, const std::function<Status(pg::Conn&)>& run);

  const std::unique_ptr<pg::Pool> primary_;
  const std::unique_ptr<pg::Pool> replica_;  // null when there is none
  const PostgresMetadataStoreOptions options_;
};

// Opens the store at a `postgres://` or `postgresql://` URL for the composition root's
// registry. Two query parameters are the store's, not libpq's, and are taken out before the
// URL reaches libpq: `schema=<name>` (options.schema) and `replica=<URL-encoded conninfo>`
// (options.replica). Everything else is libpq's (https://www.postgresql.org/docs/15/libpq-connect.html).
Result<std::unique_ptr<MetadataStore>> OpenPostgresMetadataStore(
    const std::string& url, PostgresMetadataStoreOptions options = {});

// For OpenPostgresMetadataStore, and tests: splits the store's own parameters out of `url`.
// invalid_argument for a malformed percent-encoding.
struct PostgresUrl {
  std::string conninfo;  // the URL without schema= and replica=
  std::string schema;
  std::string replica;
};
Result<PostgresUrl> ParsePostgresUrl(const std::string& url);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_POSTGRES_POSTGRES_METADATA_STORE_H_
