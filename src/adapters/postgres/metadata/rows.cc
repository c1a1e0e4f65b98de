// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/postgres/metadata/rows.h"

#include "metadata/audit_chain.h"
#include "metadata/rules.h"

namespace sheaf::pg {

using namespace sheaf::metadata;

namespace {

constexpr char kLockAuditHead[] = "SELECT seq, hash FROM audit_head FOR UPDATE";
constexpr char kInsertAudit[] =
    "INSERT INTO audit_log (" SHEAF_AUDIT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
constexpr char kMoveAuditHead[] = "UPDATE audit_head SET seq = $1, hash = $2";
constexpr char kInsertWebhook[] = "INSERT INTO webhook_events (" SHEAF_WEBHOOK_COLUMNS
                                  ") VALUES ($1, $2, $3, $4, $5, $6,"
                                  " 'pending', 0, $7, $7, '', $7, $7)";
constexpr char kWebhookForUpdate[] =
    "SELECT " SHEAF_WEBHOOK_COLUMNS " FROM webhook_events WHERE event_id = $1 FOR UPDATE";
constexpr char kDocumentForUpdate[] =
    "SELECT status, stages FROM documents WHERE id = $1 AND tenant = $2 FOR UPDATE";
constexpr char kReviewHoldForUpdate[] =
    "SELECT status, review_claimed_by, review_claim_expires_at FROM documents"
    " WHERE id = $1 AND tenant = $2 FOR UPDATE";

}  // namespace

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

Status LockAuditHead(Conn& c, AuditHead* head) {
  Rows r;
  Status s = c.Exec(kLockAuditHead, &r);
  if (!s.ok()) return s;
  if (r.size() != 1) return Corrupt(c, "the audit log's head row is missing");
  head->seq = r.Int(0, 0);
  head->hash = r.Text(0, 1);
  return Status::Ok();
}

Status AppendAuditEntry(Conn& c, AuditHead& head, std::int64_t now, const AuditInput& in,
                        std::int64_t* seq) {
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

Status LockWebhook(Conn& c, const std::string& event_id, WebhookEvent* e) {
  Rows r;
  Status s = c.Exec(kWebhookForUpdate, Params().Text(event_id), &r);
  if (!s.ok()) return s;
  if (r.size() == 0) return WebhookNotFound(event_id);
  return ReadWebhook(c, r, 0, e);
}

Status LockDocument(Conn& c, const std::string& tenant_id, const std::string& id,
                    ProcessingStatus* status, std::string* stages) {
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

Status LockReviewHold(Conn& c, const std::string& tenant_id, const std::string& id,
                      metadata::ReviewHold* hold) {
  Rows r;
  Status s = c.Exec(kReviewHoldForUpdate, Params().Text(id).Text(tenant_id), &r);
  if (!s.ok()) return s;
  if (r.size() == 0) return DocumentNotFound(id);
  const std::optional<ProcessingStatus> parsed = ParseProcessingStatus(r.Text(0, 0));
  if (!parsed) return Corrupt(c, "document " + id + " has an unknown status");
  hold->status = *parsed;
  hold->holder = r.Text(0, 1);
  hold->expires_at = r.Int(0, 2);
  return Status::Ok();
}

void ReadReviewHold(const Rows& r, int i, int first, std::int64_t now, DocumentRecord* d) {
  const std::int64_t until = r.Int(i, first + 1);
  if (until <= now) return;
  d->review_claimed_by = r.Text(i, first);
  d->review_claim_expires_at = until;
}

bool IsUniqueViolation(const Conn& c) { return c.sqlstate() == "23505"; }

}  // namespace sheaf::pg
