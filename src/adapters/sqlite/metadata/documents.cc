// SPDX-License-Identifier: GPL-3.0-or-later
// SqliteMetadataStore: documents, their listings and counts.
#include <algorithm>
#include <utility>

#include "adapters/sqlite/metadata/rows.h"
#include "metadata/cursors.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::sqlite_meta;

}  // namespace

Result<CreateDocumentResult> SqliteMetadataStore::CreateDocument(const std::string& tenant_id,
                                                                 const DocumentRecord& doc,
                                                                 std::int64_t max_queued,
                                                                 const std::string& actor) {
  // Everything that needs no database is checked here, on the caller's thread.
  Result<PreparedDocument> prepared = PrepareDocument(tenant_id, doc, actor);
  if (!prepared.ok()) return prepared.status();
  CreateDocumentResult out;
  out.document = std::move(prepared->doc);
  DocumentRecord& d = out.document;
  const std::string& details = prepared->audit_details;

  Status s = Write([&](Conn& c) {
    if (!d.idempotency_key.empty()) {
      Run run(c.S(kDocumentByKey));
      run.Text(1, tenant_id).Text(2, d.idempotency_key);
      const int rc = run.Step();
      if (rc == SQLITE_ROW) {
        out.created = false;
        return ReadDocument(run, c.path(), &d);
      }
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot look up the idempotency key");
    }
    std::int64_t pending = 0;
    {
      Run run(c.S(kTenantPending));
      run.Text(1, tenant_id);
      const int rc = run.Step();
      if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
      pending = run.ColumnInt(0);
    }
    if (max_queued > 0 && IsPending(d.status) && pending >= max_queued) {
      return QueueFull(tenant_id, pending, max_queued);
    }
    d.created_at = d.updated_at = NowMs();
    {
      Run run(c.S(kInsertDocument));
      run.Text(1, d.id)
          .Text(2, tenant_id)
          .Text(3, ProcessingStatusName(d.status))
          .Int(4, PriorityRank(d.priority))
          .Text(5, d.type_hint)
          .Text(6, d.document_type)
          .Text(7, d.webhook_url)
          .Text(8, d.metadata_json)
          .Text(9, d.idempotency_key)
          .Text(10, d.source_name)
          .Text(11, d.content_type)
          .Int(12, d.size)
          .Text(13, d.sha256)
          .Text(14, d.blob_key)
          .Int(15, d.created_at)
          .Int(16, d.updated_at)
          .Text(17, d.stages_json);
      if (d.result_json.empty()) {
        run.Null(18);
      } else {
        run.Text(18, d.result_json);
      }
      run.Text(19, d.error);
      const int rc = run.Step();
      if (rc == SQLITE_CONSTRAINT_UNIQUE) return Invalid("document id " + d.id + " is in use");
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot create document");
    }
    out.created = true;
    return AppendAuditEntry(c, d.created_at, {actor, "document.ingested", tenant_id, d.id, details},
                            nullptr);
  });
  if (!s.ok()) return s;
  return out;
}

Result<DocumentRecord> SqliteMetadataStore::GetDocument(const std::string& tenant_id,
                                                        const std::string& id) {
  DocumentRecord doc;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kDocumentById));
    run.Text(1, id).Text(2, tenant_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return DocumentNotFound(id);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read document");
    return ReadDocument(run, c.path(), &doc);
  });
  if (!s.ok()) return s;
  return doc;
}

Result<DocumentRecord> SqliteMetadataStore::FindByIdempotencyKey(
    const std::string& tenant_id, const std::string& idempotency_key) {
  if (idempotency_key.empty()) return Invalid("idempotency key is empty");
  DocumentRecord doc;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kDocumentByKey));
    run.Text(1, tenant_id).Text(2, idempotency_key);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) {
      return Status(ErrorCode::kNotFound, "no document with this idempotency key");
    }
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot look up the idempotency key");
    return ReadDocument(run, c.path(), &doc);
  });
  if (!s.ok()) return s;
  return doc;
}

Result<DocumentPage> SqliteMetadataStore::ListDocuments(const std::string& tenant_id,
                                                        const DocumentFilter& filter) {
  Status s = CheckLimit(filter.limit);
  if (!s.ok()) return s;
  Result<std::int64_t> before = ParseListCursor(filter.cursor);
  if (!before.ok()) return before.status();
  const char* sql = !filter.sender.empty() ? kListSender
                    : filter.status ? (filter.document_type.empty() ? kListStatus : kListStatusType)
                                    : (filter.document_type.empty() ? kListAll : kListType);
  DocumentPage page;
  s = Read([&](Conn& c) {
    page = DocumentPage();
    Run run(c.S(sql));
    run.Text(1, tenant_id).Int(2, *before).Int(5, filter.limit + 1);
    if (filter.status) {
      run.Text(3, ProcessingStatusName(*filter.status));
    } else if (sql == kListSender) {
      run.Null(3);
    }
    if (!filter.document_type.empty()) {
      run.Text(4, filter.document_type);
    } else if (sql == kListSender) {
      run.Null(4);
    }
    if (sql == kListSender) run.Text(6, filter.sender);
    int rc;
    std::int64_t last_seq = 0;
    while ((rc = run.Step()) == SQLITE_ROW) {
      if (page.documents.size() == static_cast<std::size_t>(filter.limit)) {
        page.next_cursor = ListCursor(last_seq);  // one more exists
        break;
      }
      DocumentRecord doc;
      Status r = ReadDocument(run, c.path(), &doc);
      if (!r.ok()) return r;
      last_seq = run.ColumnInt(19);
      page.documents.push_back(std::move(doc));
    }
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? Status::Ok()
                                                 : c.Error(rc, "cannot list documents");
  });
  if (!s.ok()) return s;
  return page;
}

Result<DocumentPage> SqliteMetadataStore::ListReviewQueue(const std::string& tenant_id, int limit,
                                                          const std::string& cursor) {
  Status s = CheckLimit(limit);
  if (!s.ok()) return s;
  Result<std::pair<std::int64_t, std::int64_t>> after = ParseReviewCursor(cursor);
  if (!after.ok()) return after.status();
  DocumentPage page;
  s = Read([&](Conn& c) {
    page = DocumentPage();
    const std::int64_t now = NowMs();
    Run run(c.S(kReviewQueue));
    run.Text(1, tenant_id).Int(2, after->first).Int(3, after->second).Int(4, limit + 1);
    int rc;
    std::int64_t last_rank = 0;
    std::int64_t last_seq = 0;
    while ((rc = run.Step()) == SQLITE_ROW) {
      if (page.documents.size() == static_cast<std::size_t>(limit)) {
        page.next_cursor = ReviewCursor(last_rank, last_seq);
        break;
      }
      DocumentRecord doc;
      Status r = ReadDocument(run, c.path(), &doc);
      if (!r.ok()) return r;
      last_rank = run.ColumnInt(3);
      last_seq = run.ColumnInt(19);
      ReadReviewHold(run, 20, now, &doc);
      page.documents.push_back(std::move(doc));
    }
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? Status::Ok()
                                                 : c.Error(rc, "cannot list the review queue");
  });
  if (!s.ok()) return s;
  return page;
}

Status SqliteMetadataStore::UpdateDocument(const std::string& tenant_id, const std::string& id,
                                           const DocumentUpdate& update, const std::string& actor) {
  Result<PreparedUpdate> prepared = PrepareUpdate(update, actor);
  if (!prepared.ok()) return prepared.status();
  const std::string& event_id = prepared->event_id;
  std::optional<std::string> stage_path;
  if (!update.stage_name.empty()) stage_path = "$.\"" + update.stage_name + "\"";

  return Write([&](Conn& c) {
    ProcessingStatus current;
    Status s = DocumentStatusOf(c, tenant_id, id, &current);
    if (!s.ok()) return s;
    if (!UpdateAllowed(update, current)) return NotAllowedIn(id, current, update.only_if);
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kUpdateDocument));
      run.Text(1, id).Text(2, tenant_id);
      if (update.status) {
        run.Text(3, ProcessingStatusName(*update.status));
      } else {
        run.Null(3);
      }
      run.OptText(4, update.document_type).Int(5, update.reset_stages ? 1 : 0);
      run.OptText(6, stage_path).Text(7, update.stage_json);
      run.Int(8, update.result_json ? 1 : 0);
      if (update.result_json && !update.result_json->empty()) {
        run.Text(9, *update.result_json);
      } else {
        run.Null(9);
      }
      run.OptText(10, update.error).Int(11, now).OptText(12, update.sender);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot update document " + id);
    }
    if (update.webhook) {
      s = InsertWebhook(c, event_id, tenant_id, id, *update.webhook, now);
      if (!s.ok()) return s;
    }
    return AppendAuditEntry(
        c, now,
        {actor, prepared->action, tenant_id, id, UpdateAuditDetails(update, current, event_id)},
        nullptr);
  });
}

Status SqliteMetadataStore::DeleteDocument(const std::string& tenant_id, const std::string& id,
                                           const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    {
      Run run(c.S(kDeleteDocument));
      run.Text(1, id).Text(2, tenant_id);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot delete document " + id);
      if (c.Changes() == 0) return DocumentNotFound(id);
    }
    for (const char* sql : {kDeleteCorrectionsOf, kDeleteWebhooksOf}) {
      Run run(c.S(sql));
      run.Text(1, id).Text(2, tenant_id);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot delete the data of document " + id);
    }
    return AppendAuditEntry(c, NowMs(), {actor, "document.deleted", tenant_id, id, "{}"}, nullptr);
  });
}

Result<std::int64_t> SqliteMetadataStore::CountQueued(const std::string& tenant_id) {
  std::int64_t pending = 0;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kTenantPending));
    run.Text(1, tenant_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    pending = run.ColumnInt(0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return pending;
}

Result<std::map<ProcessingStatus, std::int64_t>> SqliteMetadataStore::CountByStatus() {
  std::map<ProcessingStatus, std::int64_t> out;
  Status s = Read([&](Conn& c) {
    out.clear();
    Run run(c.S(kCountByStatus));
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      const std::optional<ProcessingStatus> status = ParseProcessingStatus(run.ColumnText(0));
      if (status) out[*status] = run.ColumnInt(1);
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot count documents");
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace sheaf
