// SPDX-License-Identifier: GPL-3.0-or-later
// PostgresMetadataStore: reviewers' decisions and corrections.
#include <algorithm>
#include <utility>

#include "adapters/postgres/metadata/rows.h"
#include "adapters/postgres/postgres_metadata_store.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::pg;

constexpr char kSetReviewed[] =
    "UPDATE documents SET status = $3, result = COALESCE($4::text, result), updated_at = $5"
    " WHERE id = $1 AND tenant = $2";
constexpr char kInsertCorrection[] =
    "INSERT INTO corrections (document_id, tenant, reviewer, action, fields, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
// One statement: no rows = no such document; a row with a NULL id = a document without
// corrections.
constexpr char kCorrectionsOf[] =
    "SELECT c.id, c.document_id, c.tenant, c.reviewer, c.action, c.fields, c.created_at"
    " FROM documents d LEFT JOIN corrections c ON c.document_id = d.id AND c.tenant = d.tenant"
    " WHERE d.id = $1 AND d.tenant = $2 ORDER BY c.id";

}  // namespace

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

}  // namespace sheaf
