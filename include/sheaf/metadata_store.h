// SPDX-License-Identifier: GPL-3.0-or-later
//
// MetadataStore: everything Sheaf knows about tenants, API keys, documents, review corrections,
// webhook deliveries and the audit log - all but the documents' bytes (BlobStore) and the queues
// (Broker). Shaped so that the embedded store (SQLite) and PostgreSQL implement the same
// contract.
//
// Contract:
// - Thread safety: every implementation is safe for concurrent use by any number of threads,
//   and several processes may open the same store at once (`sheaf serve` and the `sheaf tenant`,
//   `sheaf key` and `sheaf audit` commands).
// - Durability and atomicity: a call that changes anything returns OK only once the whole change
//   is on stable storage, and it happens entirely or not at all - including the audit entry it
//   appends (see "Audit"). A read that starts after such a call returned sees its change.
// - Tenant scoping: every call about a document, its corrections or its webhook events takes
//   the caller's tenant id and sees only that tenant's rows. Another tenant's document id gives
//   exactly what an unknown id gives: not_found, with the same message. Tenant ids come from
//   Authenticate (API) or GetTenantByName (command line), never from a request body.
// - Audit: every call that records an event - a tenant created or its webhook settings
//   changed, a key created or revoked, a document ingested, updated (a stage done, a status
//   change), reviewed, exported (its webhook delivered) or deleted, a webhook given up or
//   replayed - appends one entry in the same transaction, with the `actor` it was given
//   ("key:<key id>", "cli:<user>", "pipeline", ...; the webhook calls of the delivery worker
//   use "webhooks"); each call names its action. The bookkeeping of deliveries (enqueue,
//   claim, a failed attempt to be retried) is not audited.
//   Each tenant has its own chain (entries with no tenant form the system chain, tenant ""):
//   its entries are numbered 1, 2, 3 ... and each stores the hash of the one before it in the
//   chain and its own hash (AuditEntry), so VerifyAudit detects an entry changed, removed or
//   inserted anywhere but at a chain's end; anchoring the heads elsewhere (print them, ship
//   them) detects the rest. Appends to different tenants' chains do not wait for each other.
//   A store that kept one chain for all tenants before (SQLite schemas before version 5) keeps
//   those entries as they are - one chain across tenants, numbered 1..B, verified as such -
//   and every tenant's chain then continues after entry B: its next entry is numbered B + 1
//   and stores entry B's hash. In a new store B = 0.
//   Deleting a document never deletes its audit entries, which hold ids, hashes and sizes but
//   no document content.
// - Times are milliseconds since the Unix epoch, from the store's clock.
// - JSON arguments (metadata, stage timings, results, details, corrections) must be valid JSON
//   text; invalid_argument otherwise. They are stored as given and returned as stored (stages as
//   re-serialised by the merge).
// - Errors: invalid_argument for bad input and for a call the document's status does not allow
//   (the message says which status it is in); not_found; limit_exceeded for the per-tenant queue
//   cap; unavailable when the storage is busy or locked by another process (retry with
//   backoff); io_error when the storage failed (nothing changed; retry).
#ifndef SHEAF_METADATA_STORE_H_
#define SHEAF_METADATA_STORE_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sheaf/status.h"
#include "sheaf/topics.h"

namespace sheaf {

// Where a document is in its life. Queued and processing are "pending" (counted against the
// tenant's queue cap); the others are where processing stops until someone acts.
enum class ProcessingStatus { kQueued, kProcessing, kCompleted, kNeedsReview, kFailed, kRejected };

// "queued", "processing", "completed", "needs_review", "failed", "rejected".
constexpr std::string_view ProcessingStatusName(ProcessingStatus s) {
  switch (s) {
    case ProcessingStatus::kQueued:
      return "queued";
    case ProcessingStatus::kProcessing:
      return "processing";
    case ProcessingStatus::kCompleted:
      return "completed";
    case ProcessingStatus::kNeedsReview:
      return "needs_review";
    case ProcessingStatus::kFailed:
      return "failed";
    case ProcessingStatus::kRejected:
      return "rejected";
  }
  return "failed";
}

constexpr std::optional<ProcessingStatus> ParseProcessingStatus(std::string_view name) {
  for (ProcessingStatus s :
       {ProcessingStatus::kQueued, ProcessingStatus::kProcessing, ProcessingStatus::kCompleted,
        ProcessingStatus::kNeedsReview, ProcessingStatus::kFailed, ProcessingStatus::kRejected}) {
    if (ProcessingStatusName(s) == name) return s;
  }
  return std::nullopt;
}

// A document's priority is the ingestion lane it travels on (sheaf/topics.h): "urgent",
// "high", "normal".
constexpr std::string_view PriorityName(Lane lane) {
  switch (lane) {
    case Lane::kUrgent:
      return "urgent";
    case Lane::kHigh:
      return "high";
    case Lane::kNormal:
      return "normal";
  }
  return "normal";
}

constexpr std::optional<Lane> ParsePriority(std::string_view name) {
  for (Lane lane : {Lane::kUrgent, Lane::kHigh, Lane::kNormal}) {
    if (PriorityName(lane) == name) return lane;
  }
  return std::nullopt;
}

// Returns a new document id: 32 lower-case hex digits, 128 random bits. Ids are not secrets
// (every lookup is tenant-scoped); they only need to be unique, and known before the document's
// blob is written under a key that contains them.
inline std::string NewDocumentId() {
  static constexpr char kHex[] = "0123456789abcdef";
  // One device per thread: opening it is the expensive part (this runs once per upload).
  thread_local std::random_device device;
  std::string id;
  id.reserve(32);
  for (int word = 0; word < 4; ++word) {
    std::uint32_t bits = device();
    for (int i = 0; i < 8; ++i, bits >>= 4) id += kHex[bits & 15];
  }
  return id;
}

struct Tenant {
  std::string id;    // 16 hex digits, stable; what documents and keys refer to
  std::string name;  // unique; 1-64 of [a-z0-9_-], starting with a letter or digit
  std::int64_t created_at = 0;
  // Signs the tenant's webhook deliveries (HMAC-SHA256 of the body, header X-Sheaf-Signature):
  // "whsec_" + 64 lower-case hex digits (256 bits from a CSPRNG), made by CreateTenant and
  // replaced by RotateWebhookSecret. A secret: never written to the audit log.
  std::string webhook_secret;
  // Where the tenant's webhooks go when a document names no URL of its own; "" = none.
  std::string default_webhook_url;
  // Documents queued or processing when the tenant was read (as CountQueued), so a listing of
  // every tenant's backlog (/metrics) is one read.
  std::int64_t pending = 0;
};

// What is stored about an API key: never the key itself.
struct ApiKeyInfo {
  std::string key_id;  // the key's public part, shown in listings and audit entries
  std::string tenant_id;
  std::int64_t created_at = 0;
  std::int64_t revoked_at = 0;  // 0 while the key is active
};

// The answer of CreateApiKey: the only time the plaintext key exists outside its holder.
struct NewApiKey {
  ApiKeyInfo info;
  std::string key;  // "shf_<key id>_<secret>"
};

struct DocumentRecord {
  std::string id;         // NewDocumentId()
  std::string tenant_id;  // set by the store from the call's tenant argument
  ProcessingStatus status = ProcessingStatus::kQueued;
  Lane priority = Lane::kNormal;
  std::string type_hint;             // the type the client said, "" when none
  std::string document_type;         // best known type: the hint at first, the classifier's later
  std::string webhook_url;           // "" when none
  std::string metadata_json = "{}";  // the client's metadata, as sent
  std::string idempotency_key;       // "" when none; at most 255 bytes
  std::string source_name;           // the uploaded file's name
  std::string content_type;
  std::int64_t size = 0;           // bytes of the original
  std::string sha256;              // of the original, hex
  std::string blob_key;            // where the original is in the BlobStore
  std::int64_t created_at = 0;     // set by the store
  std::int64_t updated_at = 0;     // set by the store
  std::string stages_json = "{}";  // stage name -> that stage's timings (a JSON object)
  std::string result_json;         // the result document; "" = none yet (null in the API)
  std::string error;               // why processing failed; "" when it did not
  // Who holds the document for review and until when (ClaimReviewTasks). Filled by
  // ListReviewQueue and ClaimReviewTasks only; "" and 0 when no one holds it or the hold ended.
  std::string review_claimed_by;
  std::int64_t review_claim_expires_at = 0;
};

struct CreateDocumentResult {
  DocumentRecord document;  // the document created, or the one created first for the key
  bool created = false;     // false iff an earlier document had the same idempotency key
};

struct DocumentFilter {
  std::optional<ProcessingStatus> status;  // only documents in this status
  std::string document_type;               // only documents of this type; "" = any
  std::string sender;  // only documents of this sender identity key (docs/learning.md); "" = any
  int limit = 50;                          // 1..1000
  std::string cursor;  // "" for the first page, else a previous page's next_cursor
};

struct DocumentPage {
  std::vector<DocumentRecord> documents;
  std::string next_cursor;  // "" iff there are no more documents
};

// A webhook event to deliver. The body is stored once and sent byte for byte on every attempt.
struct NewWebhookEvent {
  std::string document_id;
  std::string url;
  std::string event_type;  // e.g. "document.completed"
  std::string body;        // the exact request body, usually JSON
};

// Changes to one document; unset members stay as they are.
struct DocumentUpdate {
  std::optional<ProcessingStatus> status;
  std::optional<std::string> document_type;
  bool reset_stages = false;  // stages become {} before `stage` is applied (reprocessing)
  // Sets stages[stage_name] = stage_json (JSON, e.g. {"started_at":..,"ms":..}); the other
  // stages are kept. stage_name: 1-64 of [A-Za-z0-9_-]; "" = no stage change.
  std::string stage_name;
  std::string stage_json;
  std::optional<std::string> result_json;  // "" = back to none
  std::optional<std::string> error;
  // The sender identity key the result names (docs/learning.md; ListDocuments filters by it);
  // "" = none. Up to 256 bytes.
  std::optional<std::string> sender;
  // When not empty, the update applies only if the document's status is one of these;
  // invalid_argument otherwise (so "reprocess" cannot restart a document being processed).
  std::vector<ProcessingStatus> only_if;
  // Enqueued in the same transaction (an outbox: a completed document never loses its
  // webhook to a crash between the two writes). Its document_id is this document's.
  std::optional<NewWebhookEvent> webhook;
  // The audit entry: action "" = "document.updated"; details "" = {"status":..,"stage":..}.
  std::string audit_action;
  std::string audit_details_json;
};

enum class ReviewAction { kApprove, kCorrect, kReject };

constexpr std::string_view ReviewActionName(ReviewAction a) {
  switch (a) {
    case ReviewAction::kApprove:
      return "approve";
    case ReviewAction::kCorrect:
      return "correct";
    case ReviewAction::kReject:
      return "reject";
  }
  return "approve";
}

constexpr std::optional<ReviewAction> ParseReviewAction(std::string_view name) {
  for (ReviewAction a : {ReviewAction::kApprove, ReviewAction::kCorrect, ReviewAction::kReject}) {
    if (ReviewActionName(a) == name) return a;
  }
  return std::nullopt;
}

struct ReviewInput {
  std::string reviewer;  // who decided, e.g. the reviewer's user name; required
  ReviewAction action = ReviewAction::kApprove;
  // The corrected fields, e.g. {"total":"12.50"}, and "line_items": [rows] when the correction
  // replaced the line items (no field is named "line_items").
  std::string fields_json = "{}";
  std::string result_json;         // the result with the corrections applied; "" = unchanged
  // Enqueued in the same transaction (outbox), for this document: the review's export.
  std::optional<NewWebhookEvent> webhook;
  // The document's type as the reviewer says it is (DocumentRecord::document_type), when it
  // differs from what the classifier said; "" = unchanged. 1-64 of [A-Za-z0-9_-]. (Its
  // initialiser lets the brace-initialisations that end at `webhook` stay as they are.)
  std::string document_type = "";
};

struct Correction {
  std::int64_t id = 0;
  std::string document_id;
  std::string tenant_id;
  std::string reviewer;
  ReviewAction action = ReviewAction::kApprove;
  std::string fields_json;
  std::int64_t created_at = 0;
};

// What Sheaf learned from a correction about where one sender prints one field (src/learn
// writes and reads memory_json; the store keeps it as given). One per (tenant, sender, field):
// the newest learning replaces the one before.
struct SenderFieldMemory {
  std::string sender;           // the sender's identity key, e.g. "vat:DE123456789"; 1..256 bytes
  std::string field;            // the field's name; 1..128 bytes
  std::string memory_json;      // a JSON object: where, beside which label, what shape
  std::string document_id;      // the corrected document it was learned from ("" = none)
  std::int64_t updated_at = 0;  // set by the store
};

enum class WebhookState { kPending, kDelivered, kFailed };

constexpr std::string_view WebhookStateName(WebhookState s) {
  switch (s) {
    case WebhookState::kPending:
      return "pending";
    case WebhookState::kDelivered:
      return "delivered";
    case WebhookState::kFailed:
      return "failed";
  }
  return "failed";
}

struct WebhookEvent {
  std::string event_id;  // "evt_" + 32 hex digits; the same on every attempt and replay
  std::string tenant_id;
  std::string document_id;
  std::string url;
  std::string event_type;
  std::string body;
  WebhookState state = WebhookState::kPending;
  int attempts = 0;                  // attempts claimed since the window started
  std::int64_t window_start = 0;     // creation, or the latest replay: the retry window's start
  std::int64_t next_attempt_at = 0;  // pending: not claimed again before this
  std::string last_error;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct AuditInput {
  std::string actor;   // required
  std::string action;  // required, e.g. "document.exported"
  std::string tenant_id;
  std::string document_id;
  std::string details_json = "{}";
};

// One entry of the audit log. hash = SHA-256 (lower-case hex) of
//   prev_hash || N(seq) || N(at) || N(actor) || N(action) || N(tenant_id) || N(document_id) ||
//   N(details_json)
// where N(x) is the decimal byte length of x's text, ':', the text, ';' (numbers as decimal
// text), and prev_hash is the hash of the entry before it in its chain - 64 '0's for entry 1.
struct AuditEntry {
  std::int64_t seq = 0;  // its place in its tenant's chain: 1, 2, 3 ... without gaps
  std::int64_t at = 0;
  std::string actor;
  std::string action;
  std::string tenant_id;
  std::string document_id;
  std::string details_json;
  std::string prev_hash;
  std::string hash;
};

// The last entry of one tenant's audit chain.
struct AuditChainHead {
  std::string tenant_id;  // "" for the system chain
  std::int64_t seq = 0;
  std::string hash;
};

struct AuditVerification {
  bool intact = true;
  std::int64_t entries = 0;        // entries checked
  std::int64_t chains = 0;         // tenants' chains checked
  std::string first_bad_tenant;    // !intact: the chain where a check failed
  std::int64_t first_bad_seq = 0;  // !intact: the first entry whose check failed
  std::string reason;              // !intact: what failed there
  std::vector<AuditChainHead> heads;  // intact: each chain's last entry, by tenant: anchor them
  // Where every tenant's chain starts (see "Audit"): 0 and 64 '0's in a store created with
  // per-tenant chains.
  std::int64_t base_seq = 0;
  std::string base_hash;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // --- Tenants.
  // Creates tenant `name` (audit "tenant.created"). invalid_argument for a bad name or one
  // that exists.
  virtual Result<Tenant> CreateTenant(const std::string& name, const std::string& actor) = 0;
  virtual Result<Tenant> GetTenant(const std::string& tenant_id) = 0;   // not_found
  virtual Result<Tenant> GetTenantByName(const std::string& name) = 0;  // not_found
  virtual Result<std::vector<Tenant>> ListTenants() = 0;                // by name
  // Sets the tenant's default webhook URL (audit "tenant.webhook_set"); "" removes it.
  // invalid_argument unless `url` is "" or starts with "http://" or "https://" and has no
  // whitespace or control characters and at most 2048 bytes; not_found for an unknown tenant.
  virtual Status SetTenantWebhook(const std::string& tenant_id, const std::string& url,
                                  const std::string& actor) = 0;
  // Replaces the tenant's webhook secret with a new random one (audit
  // "tenant.webhook_secret_rotated"; the secret itself is not in the entry). Deliveries signed
  // from then on use the new secret; read it with GetTenant. not_found for an unknown tenant.
  virtual Status RotateWebhookSecret(const std::string& tenant_id, const std::string& actor) = 0;

  // --- API keys. Only a salted SHA-256 of a key is stored (a key holds 256 random bits, so a
  // fast hash is enough); the plaintext exists only in CreateApiKey's answer.
  // Creates a key for the tenant (audit "key.created"). not_found for an unknown tenant.
  virtual Result<NewApiKey> CreateApiKey(const std::string& tenant_id,
                                         const std::string& actor) = 0;
  // Returns the active key `key` is, with its tenant. Any failure - malformed, unknown, wrong
  // secret, revoked - is not_found with one and the same message, so a caller learns nothing
  // about which; the API answers 401.
  virtual Result<ApiKeyInfo> Authenticate(std::string_view key) = 0;
  // Revokes a key (audit "key.revoked"): Authenticate fails for it from then on. Revoking a
  // revoked key is OK and changes nothing. not_found for an unknown key id.
  virtual Status RevokeApiKey(const std::string& key_id, const std::string& actor) = 0;
  virtual Result<std::vector<ApiKeyInfo>> ListApiKeys(const std::string& tenant_id) = 0;

  // --- Documents.
  // Creates `doc` for tenant `tenant_id` (audit "document.ingested"), unless the tenant already
  // has a document with the same non-empty idempotency key: then returns that one, unchanged,
  // with created = false (even when `doc` differs; a deleted document frees its key). Errors:
  // not_found for an unknown tenant; invalid_argument for a bad id (not 32 lower-case hex
  // digits), an id in use, invalid JSON, a key over 255 bytes; limit_exceeded when `max_queued`
  // > 0 and the tenant already has that many pending (queued or processing) documents - checked
  // in the same transaction, so concurrent creates never overshoot it.
  virtual Result<CreateDocumentResult> CreateDocument(const std::string& tenant_id,
                                                      const DocumentRecord& doc,
                                                      std::int64_t max_queued,
                                                      const std::string& actor) = 0;
  virtual Result<DocumentRecord> GetDocument(const std::string& tenant_id,
                                             const std::string& id) = 0;  // not_found
  // The tenant's document created with `idempotency_key`; not_found when there is none. Lets
  // the API answer a retried request before storing its upload again.
  virtual Result<DocumentRecord> FindByIdempotencyKey(const std::string& tenant_id,
                                                      const std::string& idempotency_key) = 0;
  // One page of the tenant's documents, newest first, filtered. Keyset pagination: following
  // next_cursor from the first page visits every document that existed when the first page was
  // read and still matches, exactly once, in a stable order, however many are created or
  // deleted meanwhile (newer ones are not shown). Records in a page have no result_json (Get one
  // for it). invalid_argument for a limit outside 1..1000 or a cursor this call did not make.
  virtual Result<DocumentPage> ListDocuments(const std::string& tenant_id,
                                             const DocumentFilter& filter) = 0;
  // The review queue: the tenant's needs_review documents, urgent before high before normal,
  // oldest first within a priority; paged like ListDocuments, but each record carries its
  // result_json (what the reviewer checks), so a page is one read, not one per document.
  virtual Result<DocumentPage> ListReviewQueue(const std::string& tenant_id, int limit,
                                               const std::string& cursor) = 0;
  // Applies `update` (audit as the update says). not_found; invalid_argument for bad fields or
  // when only_if does not hold.
  virtual Status UpdateDocument(const std::string& tenant_id, const std::string& id,
                                const DocumentUpdate& update, const std::string& actor) = 0;
  // Deletes the document with its corrections and webhook events (audit "document.deleted").
  // The caller removes its blobs (BlobStore::DeletePrefix) after this returns OK. not_found.
  virtual Status DeleteDocument(const std::string& tenant_id, const std::string& id,
                                const std::string& actor) = 0;
  // The tenant's pending (queued or processing) documents; not_found for an unknown tenant.
  virtual Result<std::int64_t> CountQueued(const std::string& tenant_id) = 0;
  // Documents of all tenants by status (for metrics); statuses with none are left out. Cheap:
  // read from counts kept in the writing transactions, not counted on each call.
  virtual Result<std::map<ProcessingStatus, std::int64_t>> CountByStatus() = 0;

  // --- Review.
  // Records a reviewer's decision on a needs_review or completed document and applies it
  // (audit "document.reviewed"): approve and correct make it completed, reject makes it
  // rejected; a non-empty result_json replaces the result; any review hold ends.
  // invalid_argument for any other status, while another reviewer holds the document
  // (ClaimReviewTasks), for an empty reviewer or invalid JSON; not_found.
  virtual Result<Correction> RecordReview(const std::string& tenant_id,
                                          const std::string& document_id,
                                          const ReviewInput& review) = 0;
  // Hands `reviewer` up to `max` (1..100) of the tenant's needs_review documents to work on, in
  // review-queue order, each held for `lease` (at most a day): documents no one holds or whose
  // hold has ended, and those `reviewer` holds already (held again). Reviewers claiming at the
  // same time never get the same document (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED; a
  // claim does not wait for another's transaction). While a hold lasts, RecordReview by anyone
  // else is invalid_argument (the message names the holder); a decision ends the hold. Claims
  // are bookkeeping and not audited, like webhook claims; the decision is. Records carry
  // result_json. invalid_argument for a bad max or lease or an empty reviewer.
  virtual Result<std::vector<DocumentRecord>> ClaimReviewTasks(const std::string& tenant_id,
                                                               const std::string& reviewer,
                                                               int max,
                                                               std::chrono::milliseconds lease) = 0;
  // Holds one needs_review document for `reviewer` for `lease` (at most a day), as
  // ClaimReviewTasks would: when no one holds it, its hold has ended, or `reviewer` holds it
  // already (held again, from now). The record carries result_json and the new hold.
  // invalid_argument while another reviewer holds it (the message names the holder), when it is
  // not needs_review, for a bad lease or an empty reviewer; not_found.
  virtual Result<DocumentRecord> ClaimReviewTask(const std::string& tenant_id,
                                                 const std::string& document_id,
                                                 const std::string& reviewer,
                                                 std::chrono::milliseconds lease) = 0;
  // Ends `reviewer`'s hold on the document so others may claim it; OK when there is none (or it
  // has ended). invalid_argument when another reviewer holds it; not_found.
  virtual Status ReleaseReviewTask(const std::string& tenant_id, const std::string& document_id,
                                   const std::string& reviewer) = 0;
  // The document's corrections, oldest first; not_found for an unknown document.
  virtual Result<std::vector<Correction>> ListCorrections(const std::string& tenant_id,
                                                          const std::string& document_id) = 0;
  // Training data (`sheaf train-classifier --from-reviews`, docs/learning.md): the tenant's
  // documents a person approved or corrected (RecordReview) and that are completed now, with
  // their type as finally recorded (document_type), newest first, at most `max`
  // (1..kMaxReviewedDocuments). Rejected documents and documents only a rule or the HITL
  // fallback approved are left out. Records have no result_json. Never another tenant's.
  // invalid_argument for a bad max.
  static constexpr int kMaxReviewedDocuments = 100000;
  virtual Result<std::vector<DocumentRecord>> ListReviewedDocuments(const std::string& tenant_id,
                                                                    int max) = 0;

  // --- Sender memory (learning from corrections; docs/learning.md). Per tenant: no call ever
  // reads or changes another tenant's memory, even of a sender with the same key.
  // Stores `memory` for (tenant, memory.sender, memory.field), replacing any earlier one (audit
  // "sender.learned" with the sender, field and document, never the learned values).
  // invalid_argument for an empty or too long sender or field, or memory_json not a JSON
  // object; not_found for an unknown tenant.
  virtual Status PutSenderMemory(const std::string& tenant_id, const SenderFieldMemory& memory,
                                 const std::string& actor) = 0;
  // The tenant's memories of `sender`, by field name; empty when there are none.
  virtual Result<std::vector<SenderFieldMemory>> ListSenderMemory(const std::string& tenant_id,
                                                                  const std::string& sender) = 0;
  // The tenant's senders with a memory whose key starts with `prefix` (e.g. "name:"), sorted,
  // at most kMaxListedSenders: for recognising a sender whose name OCR read differently.
  static constexpr int kMaxListedSenders = 10000;
  virtual Result<std::vector<std::string>> ListSenders(const std::string& tenant_id,
                                                       const std::string& prefix) = 0;

  // --- Webhook deliveries: at least once, the receiver deduplicates by event id.
  // Enqueues an event for one of the tenant's documents, due now. not_found for the document.
  virtual Result<WebhookEvent> EnqueueWebhook(const std::string& tenant_id,
                                              const NewWebhookEvent& event) = 0;
  // For the delivery worker, across tenants: up to `max` pending events due now, oldest due
  // first, each with attempts incremented and held back for `lease` (so no other worker claims
  // it meanwhile, and a worker that dies leaves it to be claimed again when the lease ends).
  // invalid_argument for max < 1 or lease <= 0.
  virtual Result<std::vector<WebhookEvent>> ClaimDueWebhooks(int max,
                                                             std::chrono::milliseconds lease) = 0;
  // The receiver acknowledged the event: delivered (audit "document.exported"). OK when it
  // already was; invalid_argument when it had failed; not_found.
  virtual Status MarkWebhookDelivered(const std::string& event_id) = 0;
  // The attempt failed with `error`: due again at `retry_at`, or, when there is none (the retry
  // window is over; the worker decides), failed for good (audit "webhook.failed").
  // invalid_argument unless the event is pending; not_found.
  virtual Status MarkWebhookAttemptFailed(const std::string& event_id, const std::string& error,
                                          std::optional<std::int64_t> retry_at) = 0;
  virtual Result<WebhookEvent> GetWebhook(const std::string& tenant_id,
                                          const std::string& event_id) = 0;  // not_found
  // The tenant's events in `state`, newest first, at most `limit` (1..1000).
  virtual Result<std::vector<WebhookEvent>> ListWebhooks(const std::string& tenant_id,
                                                         WebhookState state, int limit) = 0;
  // Makes a failed or delivered event pending again, due now, with a fresh retry window and
  // the same id and body (audit "webhook.replayed"). invalid_argument while it is pending.
  virtual Status ReplayWebhook(const std::string& tenant_id, const std::string& event_id,
                               const std::string& actor) = 0;

  // --- Audit log.
  // Appends an entry for an event no other call records (e.g. an export to a file) to its
  // tenant's chain; returns its seq. invalid_argument for an empty actor or action or invalid
  // details.
  virtual Result<std::int64_t> AppendAudit(const AuditInput& entry) = 0;
  // Up to `limit` (1..1000) entries of the tenant's chain ("" = the system chain) with
  // seq > after_seq, in order; entries from before per-tenant chains (see "Audit") are in their
  // tenant's list, with the numbers they have.
  virtual Result<std::vector<AuditEntry>> ListAudit(const std::string& tenant_id,
                                                    std::int64_t after_seq, int limit) = 0;
  // Every chain's last entry, by tenant: one cheap read (kept in the appending transactions),
  // for shippers that follow every chain.
  virtual Result<std::vector<AuditChainHead>> ListAuditHeads() = 0;
  // Recomputes every chain from its first entry. A broken chain is an OK result with
  // intact = false; an error means the log could not be read.
  virtual Result<AuditVerification> VerifyAudit() = 0;
};

}  // namespace sheaf

#endif  // SHEAF_METADATA_STORE_H_
