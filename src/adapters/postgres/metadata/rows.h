// SPDX-License-Identifier: GPL-3.0-or-later
//
// What the PostgreSQL MetadataStore's parts share (internal to src/adapters/postgres): the
// column lists, reading rows into the contract's types, and the steps several writes take
// inside their transaction - above all the audit chain's head lock and append.
#ifndef SHEAF_ADAPTERS_POSTGRES_METADATA_ROWS_H_
#define SHEAF_ADAPTERS_POSTGRES_METADATA_ROWS_H_

#include <cstdint>
#include <string>

#include "adapters/postgres/pg_pool.h"
#include "metadata/rules.h"
#include "sheaf/metadata_store.h"

// Column lists, in the order the Read* functions below expect.
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

namespace sheaf::pg {

// io_error: a stored row the store cannot read.
Status Corrupt(const Conn& c, const std::string& what);
bool IsUniqueViolation(const Conn& c);

// Row i of `r`, selected with the matching column list.
Status ReadDocument(const Conn& c, const Rows& r, int i, DocumentRecord* d);
Status ReadWebhook(const Conn& c, const Rows& r, int i, WebhookEvent* e);
Tenant ReadTenant(const Rows& r, int i);
ApiKeyInfo ReadKey(const Rows& r, int i);
AuditEntry ReadAudit(const Rows& r, int i);

// The audit chain's head, locked until the transaction ends: taken first by every write that
// appends (before any other row), so such writes run one after another in one order across
// all processes, and never deadlock on each other.
struct AuditHead {
  std::int64_t seq = 0;
  std::string hash;
};
Status LockAuditHead(Conn& c, AuditHead* head);
// Appends the entry after `head` (locked by LockAuditHead in this transaction) and moves the
// head to it. Sets *seq (when not null) to the new entry's number.
Status AppendAuditEntry(Conn& c, AuditHead& head, std::int64_t now, const AuditInput& in,
                        std::int64_t* seq = nullptr);

Status InsertWebhook(Conn& c, const std::string& event_id, const std::string& tenant_id,
                     const std::string& document_id, const NewWebhookEvent& event,
                     std::int64_t now);
// The event `event_id`, locked until the transaction ends; not_found when there is none.
Status LockWebhook(Conn& c, const std::string& event_id, WebhookEvent* e);
// The status (and stages) of the tenant's document `id`, locked until the transaction ends;
// not_found when the tenant has none.
Status LockDocument(Conn& c, const std::string& tenant_id, const std::string& id,
                    ProcessingStatus* status, std::string* stages = nullptr);

// The status of the tenant's document `id` and its review hold, locked until the transaction
// ends; not_found when the tenant has none.
Status LockReviewHold(Conn& c, const std::string& tenant_id, const std::string& id,
                      metadata::ReviewHold* hold);
// Who holds the document for review (columns `first`, `first` + 1 of row i: claimed by,
// until), shown only while the hold lasts at `now`.
void ReadReviewHold(const Rows& r, int i, int first, std::int64_t now, DocumentRecord* d);

}  // namespace sheaf::pg

#endif  // SHEAF_ADAPTERS_POSTGRES_METADATA_ROWS_H_
