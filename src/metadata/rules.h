// SPDX-License-Identifier: GPL-3.0-or-later
//
// The rules of sheaf/metadata_store.h that need no storage, shared by every backend so that
// each store is SQL and transactions only: argument checks (tenant and stage names, webhook
// URLs, JSON fields, limits), the errors the contract fixes word for word (a tenant's view of
// another tenant's document is exactly a missing one), priority ranks, and the audit details
// of each call. Everything here runs on the caller's thread, before any transaction.
#ifndef SHEAF_METADATA_RULES_H_
#define SHEAF_METADATA_RULES_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sheaf/metadata_store.h"

namespace sheaf::metadata {

inline constexpr int kMaxPage = 1000;
inline constexpr std::size_t kMaxIdempotencyKey = 255;
inline constexpr std::size_t kMaxWebhookUrl = 2048;
inline constexpr std::chrono::milliseconds kMaxLease = std::chrono::hours(24 * 365);
// The actor of the delivery worker's webhook calls.
inline constexpr const char* kWebhookActor = "webhooks";

// --- Errors the contract fixes.
Status Invalid(std::string message);
Status DocumentNotFound(const std::string& id);
Status TenantNotFound(const std::string& id);
Status TenantNameNotFound(const std::string& name);
Status WebhookNotFound(const std::string& id);
Status KeyNotFound(const std::string& key_id);
// Every Authenticate failure: one and the same message.
Status BadKey();
Status QueueFull(const std::string& tenant_id, std::int64_t pending, std::int64_t max_queued);
// A document whose status `only_if` does not allow.
Status NotAllowedIn(const std::string& id, ProcessingStatus current,
                    const std::vector<ProcessingStatus>& only_if);
// A review of a document in a status other than needs_review or completed.
Status NotReviewable(const std::string& id, ProcessingStatus current);

// --- Argument checks: OK or invalid_argument saying what and which limit.
Status CheckJson(std::string_view what, const std::string& text);
Status CheckJsonObject(std::string_view what, const std::string& text);
Status CheckLimit(int limit);
// ListReviewedDocuments' max: 1..MetadataStore::kMaxReviewedDocuments.
Status CheckReviewedMax(int max);
Status CheckActor(const std::string& actor);
Status CheckTenantName(const std::string& name);
// A stage name: 1-64 of [A-Za-z0-9_-].
bool ValidStageName(std::string_view name);
// "" (none), or an http:// or https:// URL of at most kMaxWebhookUrl bytes without whitespace
// or control characters (which could split a request line or a header).
Status CheckWebhookUrl(const std::string& url);
Status CheckWebhook(const NewWebhookEvent& event);
Status CheckLease(int max, std::chrono::milliseconds lease);
// ClaimReviewTasks' arguments: max 1..kMaxReviewClaims, lease (0, kMaxReviewLease], a reviewer.
inline constexpr int kMaxReviewClaims = 100;
inline constexpr std::chrono::milliseconds kMaxReviewLease = std::chrono::hours(24);
Status CheckReviewClaim(const std::string& reviewer, int max, std::chrono::milliseconds lease);
// Documents a review claim returned (in no particular order), each with its (priority rank,
// seq): the documents in review-queue order.
using ClaimedDocument = std::pair<std::pair<std::int64_t, std::int64_t>, DocumentRecord>;
std::vector<DocumentRecord> InReviewQueueOrder(std::vector<ClaimedDocument> claimed);
// A document's status and who holds it for review until when (read in a write transaction).
struct ReviewHold {
  ProcessingStatus status = ProcessingStatus::kQueued;
  std::string holder;           // "" when no one
  std::int64_t expires_at = 0;  // 0 when no one
};
// RecordReview or ReleaseReviewTask by `reviewer` on a document `holder` holds until
// `expires_at` (0 / "" when no one): invalid_argument naming the holder while the hold lasts.
Status CheckReviewHold(const std::string& id, const std::string& reviewer,
                       const std::string& holder, std::int64_t expires_at, std::int64_t now);
// ClaimReviewTask by `reviewer` of a document in `hold`: invalid_argument unless it is
// needs_review and no one else holds it (CheckReviewHold's message).
Status CheckClaimable(const std::string& id, const std::string& reviewer, const ReviewHold& hold,
                      std::int64_t now);

// --- Priorities and statuses as stored.
// 0 urgent, 1 high, 2 normal: the review queue's order.
std::int64_t PriorityRank(Lane lane);
std::optional<Lane> LaneOfRank(std::int64_t rank);
bool IsPending(ProcessingStatus s);
std::optional<WebhookState> ParseWebhookState(std::string_view name);

// --- Calls checked and prepared before their transaction.

// CreateDocument: checks `doc` and returns it as it will be stored (tenant set, empty JSON
// fields "{}", document_type defaulting to the hint), with its audit details.
struct PreparedDocument {
  DocumentRecord doc;
  std::string audit_details;
};
Result<PreparedDocument> PrepareDocument(const std::string& tenant_id, const DocumentRecord& doc,
                                         const std::string& actor);

// UpdateDocument: checks `update`; the event id its webhook will get ("" when none) and the
// audit action.
struct PreparedUpdate {
  std::string event_id;
  std::string action;
};
Result<PreparedUpdate> PrepareUpdate(const DocumentUpdate& update, const std::string& actor);
// The audit details of an update of a document that was in `current`: the update's own, or
// {"from","to"} for a status change, "stage", "webhook_event_id".
std::string UpdateAuditDetails(const DocumentUpdate& update, ProcessingStatus current,
                               const std::string& event_id);
// The stages JSON `stages_json` becomes under `update` (reset_stages, then stage_name set to
// stage_json, the other stages kept in their order), minified - what SQLite's json_set writes.
// io_error when the stored stages are not a JSON object.
Result<std::string> MergeStages(const std::string& stages_json, const DocumentUpdate& update);
// True iff `update.only_if` allows `current`.
bool UpdateAllowed(const DocumentUpdate& update, ProcessingStatus current);

// RecordReview: checks `review`; the stored fields JSON and the webhook's event id ("" when
// none).
struct PreparedReview {
  std::string fields_json;
  std::string event_id;
  ProcessingStatus next = ProcessingStatus::kCompleted;
};
Result<PreparedReview> PrepareReview(const ReviewInput& review);
std::string ReviewAuditDetails(const ReviewInput& review, std::int64_t correction_id,
                               ProcessingStatus from, ProcessingStatus to,
                               const std::string& event_id);

// AppendAudit: checks the entry; empty details become "{}".
Result<AuditInput> PrepareAudit(const AuditInput& entry);

// Audit details of the other calls.
// Checks a PutSenderMemory call (sheaf/metadata_store.h) and returns its audit details.
Result<std::string> PrepareSenderMemory(const SenderFieldMemory& memory, const std::string& actor);

std::string TenantCreatedDetails(const std::string& name);
std::string WebhookSetDetails(const std::string& url);
std::string KeyDetails(const std::string& key_id);
std::string ExportedDetails(const WebhookEvent& e);
std::string WebhookFailedDetails(const WebhookEvent& e, const std::string& error);
std::string ReplayedDetails(const WebhookEvent& e);

}  // namespace sheaf::metadata

#endif  // SHEAF_METADATA_RULES_H_
