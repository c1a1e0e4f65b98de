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
    "UPDATE documents SET status = $3, result = COALESCE($4::text, result), updated_at = $5,"
    " doc_type = COALESCE($6::text, doc_type),"
    " review_claimed_by = '', review_claim_expires_at = 0 WHERE id = $1 AND tenant = $2";
// $1 tenant, $2 reviewer, $3 now, $4 hold until, $5 max. SKIP LOCKED: a document another
// claim (or a review) has locked is passed over, not waited for; one that claim committed
// meanwhile is re-checked against the WHERE on its new version and left out.
constexpr char kClaimReview[] =
    "UPDATE documents d SET review_claimed_by = $2, review_claim_expires_at = $4"
    " FROM (SELECT seq FROM documents WHERE tenant = $1 AND status = 'needs_review'"
    "  AND (review_claim_expires_at <= $3 OR review_claimed_by = $2)"
    "  ORDER BY priority, seq LIMIT $5 FOR UPDATE SKIP LOCKED) picked"
    " WHERE d.seq = picked.seq RETURNING " SHEAF_DOCUMENT_COLUMNS(
        "d.result") ", d.priority, d.seq, d.review_claimed_by, d.review_claim_expires_at";
// $1 id, $2 tenant, $3 reviewer, $4 hold until (locked and checked claimable first).
constexpr char kClaimOneReview[] =
    "UPDATE documents SET review_claimed_by = $3, review_claim_expires_at = $4"
    " WHERE id = $1 AND tenant = $2 RETURNING " SHEAF_DOCUMENT_COLUMNS(
        "result") ", priority, seq, review_claimed_by, review_claim_expires_at";
constexpr char kReleaseReview[] =
    "UPDATE documents SET review_claimed_by = '', review_claim_expires_at = 0"
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

// Training data: completed documents a person approved or corrected, newest first.
constexpr char kReviewedDocuments[] = "SELECT " SHEAF_DOCUMENT_COLUMNS(
    "NULL") " FROM documents d WHERE d.tenant = $1 AND d.status = 'completed' AND EXISTS"
            " (SELECT 1 FROM corrections c WHERE c.document_id = d.id AND c.tenant = d.tenant"
            "  AND c.action IN ('approve', 'correct')) ORDER BY d.seq DESC LIMIT $2";

}  // namespace

Result<Correction> PostgresMetadataStore::RecordReview(const std::string& tenant_id,
                                                       const std::string& document_id,
                                                       const ReviewInput& review) {
  Result<PreparedReview> prepared = PrepareReview(review);
  if (!prepared.ok()) return prepared.status();
  Correction out;
  Status s = Write([&](Conn& c) {
    AuditHead head;
    Status e = LockAuditHead(c, tenant_id, &head);
    if (!e.ok()) return e;
    ReviewHold hold;
    e = LockReviewHold(c, tenant_id, document_id, &hold);
    if (!e.ok()) return e;
    const ProcessingStatus current = hold.status;
    if (current != ProcessingStatus::kNeedsReview && current != ProcessingStatus::kCompleted) {
      return NotReviewable(document_id, current);
    }
    const std::int64_t now = NowMs();
    e = CheckReviewHold(document_id, review.reviewer, hold.holder, hold.expires_at, now);
    if (!e.ok()) return e;
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
    if (review.document_type.empty()) {
      p.Null();
    } else {
      p.Text(review.document_type);
    }
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

Result<std::vector<DocumentRecord>> PostgresMetadataStore::ClaimReviewTasks(
    const std::string& tenant_id, const std::string& reviewer, int max,
    std::chrono::milliseconds lease) {
  if (Status s = CheckReviewClaim(reviewer, max, lease); !s.ok()) return s;
  std::vector<ClaimedDocument> claimed;  // RETURNING gives rows in no particular order
  Status s = Write([&](Conn& c) {
    claimed.clear();
    const std::int64_t now = NowMs();
    Rows r;
    Status e = c.Exec(kClaimReview,
                      Params()
                          .Text(tenant_id)
                          .Text(reviewer)
                          .Int(now)
                          .Int(now + lease.count())
                          .Int(max),
                      &r);
    if (!e.ok()) return e;
    for (int i = 0; i < r.size(); ++i) {
      DocumentRecord d;
      e = ReadDocument(c, r, i, &d);
      if (!e.ok()) return e;
      ReadReviewHold(r, i, 21, now, &d);
      claimed.emplace_back(std::make_pair(r.Int(i, 19), r.Int(i, 20)), std::move(d));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return InReviewQueueOrder(std::move(claimed));
}

Result<DocumentRecord> PostgresMetadataStore::ClaimReviewTask(const std::string& tenant_id,
                                                              const std::string& document_id,
                                                              const std::string& reviewer,
                                                              std::chrono::milliseconds lease) {
  if (Status s = CheckReviewClaim(reviewer, 1, lease); !s.ok()) return s;
  DocumentRecord out;
  Status s = Write([&](Conn& c) {
    ReviewHold hold;
    Status e = LockReviewHold(c, tenant_id, document_id, &hold);
    if (!e.ok()) return e;
    const std::int64_t now = NowMs();
    e = CheckClaimable(document_id, reviewer, hold, now);
    if (!e.ok()) return e;
    Rows r;
    e = c.Exec(kClaimOneReview,
               Params().Text(document_id).Text(tenant_id).Text(reviewer).Int(now + lease.count()),
               &r);
    if (!e.ok()) return e;
    if (r.size() != 1) return DocumentNotFound(document_id);
    out = DocumentRecord{};
    e = ReadDocument(c, r, 0, &out);
    if (!e.ok()) return e;
    ReadReviewHold(r, 0, 21, now, &out);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PostgresMetadataStore::ReleaseReviewTask(const std::string& tenant_id,
                                                const std::string& document_id,
                                                const std::string& reviewer) {
  if (reviewer.empty()) return Invalid("releasing a review hold needs the reviewer");
  return Write([&](Conn& c) {
    ReviewHold hold;
    Status e = LockReviewHold(c, tenant_id, document_id, &hold);
    if (!e.ok()) return e;
    e = CheckReviewHold(document_id, reviewer, hold.holder, hold.expires_at, NowMs());
    if (!e.ok() || hold.holder.empty()) return e;
    return c.Exec(kReleaseReview, Params().Text(document_id).Text(tenant_id));
  });
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

// Replica-safe: training data may lag the primary by what replication lags.
Result<std::vector<DocumentRecord>> PostgresMetadataStore::ListReviewedDocuments(
    const std::string& tenant_id, int max) {
  if (Status s = CheckReviewedMax(max); !s.ok()) return s;
  std::vector<DocumentRecord> out;
  Status s = Read(true, [&](Conn& c) {
    out.clear();
    Rows r;
    Status e = c.Exec(kReviewedDocuments, Params().Text(tenant_id).Int(max), &r);
    if (!e.ok()) return e;
    for (int i = 0; i < r.size(); ++i) {
      DocumentRecord d;
      e = ReadDocument(c, r, i, &d);
      if (!e.ok()) return e;
      out.push_back(std::move(d));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace sheaf
