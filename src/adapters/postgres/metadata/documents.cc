// SPDX-License-Identifier: GPL-3.0-or-later
// PostgresMetadataStore: documents, their listings and counts.
#include <algorithm>
#include <utility>

#include "adapters/postgres/metadata/rows.h"
#include "adapters/postgres/postgres_metadata_store.h"
#include "metadata/cursors.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::pg;

// FOR UPDATE: the queue cap is checked against a count no other transaction changes meanwhile.
constexpr char kTenantPendingForUpdate[] = "SELECT pending FROM tenants WHERE id = $1 FOR UPDATE";
constexpr char kTenantPending[] = "SELECT pending FROM tenants WHERE id = $1";
constexpr char kCountByStatus[] = "SELECT status, n FROM document_counts WHERE n > 0";
constexpr char kInsertDocument[] =
    "INSERT INTO documents (" SHEAF_DOCUMENT_COLUMNS("result") ") VALUES ($1, $2, $3, $4, $5, "
    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)"
    " ON CONFLICT (id) DO NOTHING";
constexpr char kDocumentById[] =
    "SELECT " SHEAF_DOCUMENT_COLUMNS("result") " FROM documents WHERE id = $1 AND tenant = $2";
constexpr char kDocumentByKey[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "result") " FROM documents WHERE tenant = $1 AND idempotency_key = $2"
              " AND idempotency_key <> ''";
// $3 status, $4 type, $5 stages, $6 set result, $7 result or NULL, $8 error, $9 now. NULL
// leaves a column as it is.
constexpr char kUpdateDocument[] =
    "UPDATE documents SET status = COALESCE($3::text, status),"
    " doc_type = COALESCE($4::text, doc_type), stages = $5,"
    " result = CASE WHEN $6::boolean THEN $7::text ELSE result END,"
    " error = COALESCE($8::text, error), updated_at = $9, sender = COALESCE($10::text, sender)"
    " WHERE id = $1 AND tenant = $2";
constexpr char kDeleteDocument[] = "DELETE FROM documents WHERE id = $1 AND tenant = $2";
constexpr char kDeleteCorrectionsOf[] =
    "DELETE FROM corrections WHERE document_id = $1 AND tenant = $2";
constexpr char kDeleteWebhooksOf[] =
    "DELETE FROM webhook_events WHERE document_id = $1 AND tenant = $2";
// Listing: newest first, keyset on seq; results left out (NULL); seq is the last column. $3 and
// $4 are NULL for "any status" and "any type", $6 for "any sender".
constexpr char kList[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") ", seq FROM documents WHERE tenant = $1 AND seq < $2"
            " AND ($3::text IS NULL OR status = $3::text)"
            " AND ($4::text IS NULL OR doc_type = $4::text)"
            " AND ($6::text IS NULL OR sender = $6::text) ORDER BY seq DESC LIMIT $5";
// The review queue carries results: a reviewer needs the fields, and one query serves the page.
constexpr char kReviewQueue[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "result") ", seq, review_claimed_by, review_claim_expires_at FROM documents"
              " WHERE tenant = $1 AND status = 'needs_review'"
              " AND (priority, seq) > ($2::smallint, $3::bigint) ORDER BY priority, seq LIMIT $4";

}  // namespace

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
    Status e = LockAuditHead(c, tenant_id, &head);
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
    if (filter.sender.empty()) {
      p.Null();
    } else {
      p.Text(filter.sender);
    }
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
    const std::int64_t now = NowMs();
    for (int i = 0; i < n; ++i) {
      DocumentRecord d;
      e = ReadDocument(c, r, i, &d);
      if (!e.ok()) return e;
      ReadReviewHold(r, i, 20, now, &d);
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
    Status s = LockAuditHead(c, tenant_id, &head);
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
    p.OptText(update.error).Int(now).OptText(update.sender);
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
    Status s = LockAuditHead(c, tenant_id, &head);
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

}  // namespace sheaf
