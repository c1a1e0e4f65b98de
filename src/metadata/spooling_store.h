// SPDX-License-Identifier: GPL-3.0-or-later
//
// SpoolingMetadataStore: the database fallback of scalability-and-reliability.md ("buffer
// writes, async persistence"). A MetadataStore decorator that keeps the pipeline going while
// the real store fails:
//
// - Spooled writes: UpdateDocument calls with a status guard (update.only_if not empty: every
//   write of the pipeline - a stage done, processing, completed, needs_review, failed - with its
//   audit entry and webhook outbox event, which the store applies in the same transaction) go
//   to the store through the "database" circuit breaker. When the store answers io_error or
//   unavailable, or the breaker is open, the call is appended durably to a local WriteSpool and
//   answered OK. While anything is spooled, every such write is spooled behind it, so one
//   document's writes reach the store in the order they were made.
// - Replay: Replay() (and the thread Start runs) applies the spooled writes in order, oldest
//   first, through the breaker, and marks each done. Exactly once in effect: a replayed write
//   whose stage entry is already in the document (the same stage JSON, times included) was
//   applied before a crash and is skipped; one whose guard no longer holds (invalid_argument)
//   or whose document was deleted (not_found) is dropped with a log line - the guard makes a
//   second application of a status change impossible.
// - Reads: GetDocument answers from the store and remembers the record (a bounded
//   least-recently-used cache of records, by bytes); when the store fails, from that cache. Either way
//   the spooled writes of the document are applied to the answer, so the pipeline reads what
//   it wrote. With no cached record: unavailable, "metadata store unavailable ... no cached
//   copy" (the API's 503).
// - Everything else passes through unchanged: ingestion (CreateDocument), reviews, deletes,
//   tenants, keys, webhooks, audit reads. Their errors reach the caller (503 for io_error and
//   unavailable), and nothing acknowledged depends on them being spooled: an upload is answered
//   202 only after CreateDocument returned OK.
//
// Thread safety: safe for concurrent use, like the store it wraps.
#ifndef SHEAF_METADATA_SPOOLING_STORE_H_
#define SHEAF_METADATA_SPOOLING_STORE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/background_loop.h"
#include "metadata/write_spool.h"
#include "sheaf/metadata_store.h"

namespace sheaf {

class CircuitBreaker;

struct SpoolingStoreOptions {
  std::string path;                           // the spool file
  std::uint64_t max_bytes = 64ull << 20;      // the spool's size limit
  FileSystem* fs = nullptr;                   // null: DefaultFileSystem()
  CircuitBreaker* breaker = nullptr;          // the "database" breaker; may be null
  // Told how long each write that reached the store took (may be empty): the degradation
  // controller's "database write latency".
  std::function<void(std::chrono::nanoseconds)> observe_write;
  // While it returns true (the database's writes are slow: level L1, "buffer writes, async
  // persistence"), spoolable writes go to the spool without trying the store first, and the
  // replay thread persists them. May be empty.
  std::function<bool()> buffer_writes;
  // GetDocument answers remembered, least recently used first out, up to this many bytes
  // (their JSON members and a fixed overhead each); 0 = none.
  std::size_t cached_bytes = 32u << 20;
  std::chrono::milliseconds replay_interval{500};  // Start's thread: pause between tries
};

class SpoolingMetadataStore final : public MetadataStore {
 public:
  // Wraps `inner` (which it owns); opens the spool (replaying nothing yet). io_error when the
  // spool cannot be opened.
  static Result<std::unique_ptr<SpoolingMetadataStore>> Open(std::unique_ptr<MetadataStore> inner,
                                                             SpoolingStoreOptions options);
  ~SpoolingMetadataStore() override;  // Stop()

  // Replays spooled writes, oldest first, until the spool is empty (OK) or the store fails
  // (that error: the rest waits for the next try).
  Status Replay();
  // Replays on a thread every replay_interval while something is spooled (and at once after a
  // write is spooled). Stop ends it; both idempotent.
  Status Start();
  void Stop();

  std::size_t spooled() const { return spool_->pending(); }
  std::uint64_t spool_bytes() const { return spool_->bytes(); }
  MetadataStore* inner() const { return inner_.get(); }

  // --- MetadataStore.
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
  // Sender memory is not spooled (a lesson that cannot be kept only means the sender's next
  // document is read without it): both pass through.
  Status PutSenderMemory(const std::string& tenant_id, const SenderFieldMemory& memory,
                         const std::string& actor) override;
  Result<std::vector<SenderFieldMemory>> ListSenderMemory(const std::string& tenant_id,
                                                          const std::string& sender) override;
  Result<std::vector<std::string>> ListSenders(const std::string& tenant_id,
                                               const std::string& prefix) override;

 private:
  struct Spooled {
    std::string tenant_id;
    std::string id;
    std::string actor;
    DocumentUpdate update;
  };

  SpoolingMetadataStore(std::unique_ptr<MetadataStore> inner, SpoolingStoreOptions options,
                        std::unique_ptr<WriteSpool> spool);
  Status Spool(const Spooled& write);
  // Calls the store's UpdateDocument through the breaker; `*reached` = the store answered.
  Status WriteThrough(const Spooled& write, bool* reached);
  // Applies the spooled writes of (tenant, id) to `doc`, as the store would.
  void Overlay(DocumentRecord* doc);
  void Remember(const DocumentRecord& doc);
  std::optional<DocumentRecord> Remembered(const std::string& tenant_id, const std::string& id);
  Status ReplayOne(const WriteSpool::Entry& entry);

  const std::unique_ptr<MetadataStore> inner_;
  const SpoolingStoreOptions options_;
  const std::unique_ptr<WriteSpool> spool_;

  // Serialises "is anything spooled? then spool" with appends, so a write never overtakes a
  // spooled one of the same document.
  std::mutex order_mu_;
  std::mutex replay_mu_;  // one replayer at a time

  std::mutex overlay_mu_;
  // Spooled writes by "tenant/id", in spool order (a copy of the spool's pending records).
  std::map<std::string, std::list<std::pair<std::uint64_t, Spooled>>> overlay_;  // GUARDED_BY

  std::mutex cache_mu_;
  std::list<DocumentRecord> lru_;  // GUARDED_BY(cache_mu_), most recent first
  std::size_t lru_bytes_ = 0;      // GUARDED_BY(cache_mu_)
  std::unordered_map<std::string, std::list<DocumentRecord>::iterator> cached_;  // GUARDED_BY

  BackgroundLoop replayer_{"write spool replayer"};
};

// A document update as spooled (JSON), and back; exposed for tests.
std::string DocumentUpdateToJson(const std::string& tenant_id, const std::string& id,
                                 const std::string& actor, const DocumentUpdate& update);
// Applies `update` to `doc` as a store would (stages merged, guard checked); returns false
// (and leaves `doc` as it was) when the guard does not hold.
bool ApplyDocumentUpdate(const DocumentUpdate& update, DocumentRecord* doc);

}  // namespace sheaf

#endif  // SHEAF_METADATA_SPOOLING_STORE_H_
