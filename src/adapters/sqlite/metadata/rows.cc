// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/sqlite/metadata/rows.h"

#include "metadata/audit_chain.h"
#include "metadata/rules.h"

namespace sheaf::sqlite_meta {

using namespace sheaf::metadata;

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
                run.ColumnText(4), run.ColumnInt(5)};
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
  std::string head_hash;
  {
    Run run(c.S(kAuditHead));
    run.Text(1, in.tenant_id);
    const int rc = run.Step();
    // The base row always exists (the schema makes it), so no row at all is a damaged store:
    // going on from the genesis hash would fork a migrated store's chains.
    if (rc == SQLITE_DONE) {
      return Status(ErrorCode::kIoError, c.path() + ": the audit log's base row is missing");
    }
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read the audit chain's head");
    head_seq = run.ColumnInt(0);
    head_hash = run.ColumnText(1);
  }
  const AuditEntry e = NextAuditEntry(head_seq, head_hash, now, in);
  {
    Run run(c.S(kSetAuditHead));
    run.Text(1, e.tenant_id).Int(2, e.seq).Text(3, e.hash);
    const int rc = run.Step();
    if (rc != SQLITE_DONE) return c.Error(rc, "cannot move the audit chain's head");
  }
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

Status DocumentStatusOf(SqlConn& c, const std::string& tenant_id, const std::string& id,
                        ProcessingStatus* status) {
  metadata::ReviewHold hold;
  Status s = ReviewHoldOf(c, tenant_id, id, &hold);
  if (s.ok()) *status = hold.status;
  return s;
}

void ReadReviewHold(const Run& run, int first, std::int64_t now, DocumentRecord* d) {
  const std::int64_t until = run.ColumnInt(first + 1);
  if (until <= now) return;
  d->review_claimed_by = run.ColumnText(first);
  d->review_claim_expires_at = until;
}

Status ReviewHoldOf(SqlConn& c, const std::string& tenant_id, const std::string& id,
                    metadata::ReviewHold* hold) {
  Run run(c.S(kReviewHold));
  run.Text(1, id).Text(2, tenant_id);
  const int rc = run.Step();
  if (rc == SQLITE_DONE) return DocumentNotFound(id);
  if (rc != SQLITE_ROW) return c.Error(rc, "cannot read document " + id);
  const std::optional<ProcessingStatus> parsed = ParseProcessingStatus(run.ColumnText(0));
  if (!parsed) {
    return Status(ErrorCode::kIoError, c.path() + ": document " + id + " has an unknown status");
  }
  hold->status = *parsed;
  hold->holder = run.ColumnText(1);
  hold->expires_at = run.ColumnInt(2);
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

}  // namespace sheaf::sqlite_meta
