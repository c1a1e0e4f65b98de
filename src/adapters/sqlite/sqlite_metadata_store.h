// SPDX-License-Identifier: GPL-3.0-or-later
//
// The embedded MetadataStore: one SQLite database file in WAL mode with synchronous=FULL, so a
// committed transaction is on disk (the WAL is fsynced) before any caller is told OK. It
// implements the whole contract of sheaf/metadata_store.h.
//
// Writes - group commit, as in SqliteBroker: callers never write to the database themselves.
// Each change (CreateDocument, UpdateDocument, ...) is queued for one writer thread, which takes
// every change waiting (up to a bound), runs them in one transaction - each in its own savepoint,
// so one that fails does not undo the others - commits once, with one fsync for all, and only
// then wakes their callers. The more concurrent callers, the more changes share each fsync, with
// no timer and no added latency when calls are sparse. Checks that need no database (argument
// validation, JSON parsing, building audit details) run on the caller's thread, so the writer
// does only what must be serialised.
//
// Reads - a pool of query-only connections, one per concurrent reader up to
// SqliteMetadataStoreOptions::read_connections. WAL lets readers run alongside the writer
// without blocking it or waiting for its fsyncs, so Authenticate and GetDocument (every API
// request) never queue behind a batch of ingestions. Each read runs in one read transaction: a
// consistent snapshot that includes every write that returned before it began.
//
// Several processes: unlike the broker, the file is not locked exclusively, so `sheaf key
// create` can run while `sheaf serve` has the store open. A writer that finds another process
// writing waits up to busy_timeout, then reports unavailable. The audit chain stays linear
// across processes because each append reads the chain's head inside its write transaction.
//
// Schema: versioned by PRAGMA user_version (kSchemaVersion); Open migrates an older database
// forward in one transaction and refuses a newer one, or a database that is not Sheaf's.
#ifndef SHEAF_ADAPTERS_SQLITE_SQLITE_METADATA_STORE_H_
#define SHEAF_ADAPTERS_SQLITE_SQLITE_METADATA_STORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sqlite/group_commit.h"
#include "sheaf/metadata_store.h"

namespace sheaf {

struct SqliteMetadataStoreOptions {
  // The time source for every timestamp; empty = std::chrono::system_clock::now. Called from the
  // writer thread and from callers' threads: it must be thread-safe.
  std::function<std::chrono::system_clock::time_point()> clock;
  // Read connections in the pool: the number of reads that run at once. >= 1.
  int read_connections = 4;
  // How long a write waits for another process's write transaction before it is unavailable.
  std::chrono::milliseconds busy_timeout{5000};
};

class SqliteMetadataStore final : public MetadataStore {
 public:
  // 1: the first schema; 2: tenants' webhook secret and default URL; 3: documents counted by
  // status in a table; 6: sender memory.
  static constexpr int kSchemaVersion = 7;

  // Opens the store at `path`, creating the file when missing and migrating its schema.
  // Errors: invalid_argument for options out of range; unavailable when another process holds
  // the write lock past busy_timeout; io_error when the file cannot be opened, refuses WAL, is
  // not a Sheaf metadata database or has a newer schema.
  static Result<std::unique_ptr<SqliteMetadataStore>> Open(const std::string& path,
                                                           SqliteMetadataStoreOptions options);
  // Finishes the changes already queued, then closes the database.
  // REQUIRES: no call on this store is running or will start.
  ~SqliteMetadataStore() override;
  SqliteMetadataStore(const SqliteMetadataStore&) = delete;
  SqliteMetadataStore& operator=(const SqliteMetadataStore&) = delete;

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

  // Write transactions committed since Open. Under concurrent writes this is fewer than the
  // writes (group commit at work); for tests and metrics.
  std::uint64_t commits() const { return writer_.commits(); }

 private:
  class Conn;      // a connection with its prepared statements
  class ReadPool;  // the read connections

  SqliteMetadataStore(std::unique_ptr<Conn> writer, std::unique_ptr<ReadPool> readers,
                      SqliteMetadataStoreOptions options);
  std::int64_t NowMs() const;
  // Runs `run` on the writer thread (sqlite/group_commit.h) and waits until the transaction it
  // ran in has committed: the status of `run`, or the error that kept it from committing.
  Status Write(const std::function<Status(Conn&)>& run) { return writer_.Submit(run); }
  // Runs `run` on a read connection, inside one read transaction.
  Status Read(const std::function<Status(Conn&)>& run);

  const std::unique_ptr<Conn> writer_conn_;  // writer thread only (and Open, before it starts)
  const std::unique_ptr<ReadPool> readers_;
  const SqliteMetadataStoreOptions options_;
  sqlite::GroupCommit<Conn> writer_;  // after the connections: stopped before they close
};

// The same as SqliteMetadataStore::Open, as the interface (for the composition root's registry).
Result<std::unique_ptr<MetadataStore>> OpenSqliteMetadataStore(
    const std::string& path, SqliteMetadataStoreOptions options = {});

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_SQLITE_SQLITE_METADATA_STORE_H_
