// SPDX-License-Identifier: GPL-3.0-or-later
// SqliteMetadataStore: reviewers' decisions and corrections.
#include <algorithm>
#include <utility>

#include "adapters/sqlite/metadata/rows.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::sqlite_meta;

}  // namespace

Result<Correction> SqliteMetadataStore::RecordReview(const std::string& tenant_id,
                                                     const std::string& document_id,
                                                     const ReviewInput& review) {
  Result<PreparedReview> prepared = PrepareReview(review);
  if (!prepared.ok()) return prepared.status();
  const std::string& fields = prepared->fields_json;
  const std::string& event_id = prepared->event_id;
  const ProcessingStatus next = prepared->next;
  Correction out;
  Status s = Write([&](Conn& c) {
    ReviewHold hold;
    Status r = ReviewHoldOf(c, tenant_id, document_id, &hold);
    if (!r.ok()) return r;
    const ProcessingStatus current = hold.status;
    if (current != ProcessingStatus::kNeedsReview && current != ProcessingStatus::kCompleted) {
      return NotReviewable(document_id, current);
    }
    const std::int64_t now = NowMs();
    r = CheckReviewHold(document_id, review.reviewer, hold.holder, hold.expires_at, now);
    if (!r.ok()) return r;
    {
      Run run(c.S(kInsertCorrection));
      run.Text(1, document_id)
          .Text(2, tenant_id)
          .Text(3, review.reviewer)
          .Text(4, ReviewActionName(review.action))
          .Text(5, fields)
          .Int(6, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot store the correction");
    }
    out = Correction{c.LastRowId(), document_id, tenant_id, review.reviewer,
                     review.action, fields,      now};
    {
      Run run(c.S(kSetReviewed));
      run.Text(1, document_id).Text(2, tenant_id).Text(3, ProcessingStatusName(next));
      if (review.result_json.empty()) {
        run.Null(4);
      } else {
        run.Text(4, review.result_json);
      }
      run.Int(5, now);
      if (review.document_type.empty()) {
        run.Null(6);
      } else {
        run.Text(6, review.document_type);
      }
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot update document " + document_id);
    }
    if (review.webhook) {
      Status w = InsertWebhook(c, event_id, tenant_id, document_id, *review.webhook, now);
      if (!w.ok()) return w;
    }
    const std::string details = ReviewAuditDetails(review, out.id, current, next, event_id);
    return AppendAuditEntry(
        c, now, {review.reviewer, "document.reviewed", tenant_id, document_id, details}, nullptr);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<DocumentRecord>> SqliteMetadataStore::ClaimReviewTasks(
    const std::string& tenant_id, const std::string& reviewer, int max,
    std::chrono::milliseconds lease) {
  if (Status s = CheckReviewClaim(reviewer, max, lease); !s.ok()) return s;
  std::vector<ClaimedDocument> claimed;  // RETURNING gives rows in no particular order
  Status s = Write([&](Conn& c) {
    claimed.clear();
    const std::int64_t now = NowMs();
    Run run(c.S(kClaimReview));
    run.Text(1, tenant_id).Text(2, reviewer).Int(3, now).Int(4, now + lease.count()).Int(5, max);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      DocumentRecord d;
      Status r = ReadDocument(run, c.path(), &d);
      if (!r.ok()) return r;
      ReadReviewHold(run, 20, now, &d);
      claimed.emplace_back(std::make_pair(run.ColumnInt(3), run.ColumnInt(19)), std::move(d));
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot claim review tasks");
  });
  if (!s.ok()) return s;
  return InReviewQueueOrder(std::move(claimed));
}

Result<DocumentRecord> SqliteMetadataStore::ClaimReviewTask(const std::string& tenant_id,
                                                            const std::string& document_id,
                                                            const std::string& reviewer,
                                                            std::chrono::milliseconds lease) {
  if (Status s = CheckReviewClaim(reviewer, 1, lease); !s.ok()) return s;
  DocumentRecord out;
  Status s = Write([&](Conn& c) {
    ReviewHold hold;
    Status r = ReviewHoldOf(c, tenant_id, document_id, &hold);
    if (!r.ok()) return r;
    const std::int64_t now = NowMs();
    r = CheckClaimable(document_id, reviewer, hold, now);
    if (!r.ok()) return r;
    Run run(c.S(kClaimOneReview));
    run.Text(1, document_id).Text(2, tenant_id).Text(3, reviewer).Int(4, now + lease.count());
    const int rc = run.Step();
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot claim document " + document_id);
    out = DocumentRecord{};
    r = ReadDocument(run, c.path(), &out);
    if (!r.ok()) return r;
    ReadReviewHold(run, 20, now, &out);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteMetadataStore::ReleaseReviewTask(const std::string& tenant_id,
                                              const std::string& document_id,
                                              const std::string& reviewer) {
  if (reviewer.empty()) return Invalid("releasing a review hold needs the reviewer");
  return Write([&](Conn& c) {
    ReviewHold hold;
    Status r = ReviewHoldOf(c, tenant_id, document_id, &hold);
    if (!r.ok()) return r;
    r = CheckReviewHold(document_id, reviewer, hold.holder, hold.expires_at, NowMs());
    if (!r.ok() || hold.holder.empty()) return r;
    Run run(c.S(kReleaseReview));
    run.Text(1, document_id).Text(2, tenant_id);
    const int rc = run.Step();
    return rc == SQLITE_DONE ? Status::Ok()
                             : c.Error(rc, "cannot release the review hold on " + document_id);
  });
}

Result<std::vector<Correction>> SqliteMetadataStore::ListCorrections(
    const std::string& tenant_id, const std::string& document_id) {
  std::vector<Correction> corrections;
  Status s = Read([&](Conn& c) {
    corrections.clear();
    ProcessingStatus ignored;
    Status r = DocumentStatusOf(c, tenant_id, document_id, &ignored);
    if (!r.ok()) return r;
    Run run(c.S(kCorrectionsOf));
    run.Text(1, document_id).Text(2, tenant_id);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      Correction one;
      r = ReadCorrection(run, c.path(), &one);
      if (!r.ok()) return r;
      corrections.push_back(std::move(one));
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list corrections");
  });
  if (!s.ok()) return s;
  return corrections;
}

Result<std::vector<DocumentRecord>> SqliteMetadataStore::ListReviewedDocuments(
    const std::string& tenant_id, int max) {
  if (Status s = CheckReviewedMax(max); !s.ok()) return s;
  std::vector<DocumentRecord> out;
  Status s = Read([&](Conn& c) {
    out.clear();
    Run run(c.S(kReviewedDocuments));
    run.Text(1, tenant_id).Int(2, max);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      DocumentRecord d;
      Status r = ReadDocument(run, c.path(), &d);
      if (!r.ok()) return r;
      out.push_back(std::move(d));
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list reviewed documents");
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace sheaf
