// SPDX-License-Identifier: GPL-3.0-or-later
#include "metadata/rules.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "metadata/keys.h"

namespace sheaf::metadata {

using Json = nlohmann::json;

Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}
Status DocumentNotFound(const std::string& id) {
  return Status(ErrorCode::kNotFound, "document " + id + " not found");
}
Status TenantNotFound(const std::string& id) {
  return Status(ErrorCode::kNotFound, "tenant " + id + " not found");
}
Status TenantNameNotFound(const std::string& name) {
  return Status(ErrorCode::kNotFound, "no tenant named \"" + name.substr(0, 80) + "\"");
}
Status WebhookNotFound(const std::string& id) {
  return Status(ErrorCode::kNotFound, "webhook event " + id + " not found");
}
Status KeyNotFound(const std::string& key_id) {
  return Status(ErrorCode::kNotFound, "API key " + key_id.substr(0, 80) + " not found");
}
Status BadKey() { return Status(ErrorCode::kNotFound, "invalid or revoked API key"); }

Status QueueFull(const std::string& tenant_id, std::int64_t pending, std::int64_t max_queued) {
  return Status(ErrorCode::kLimitExceeded,
                "tenant " + tenant_id + " has " + std::to_string(pending) +
                    " documents queued or processing, the limit is " + std::to_string(max_queued));
}

Status NotAllowedIn(const std::string& id, ProcessingStatus current,
                    const std::vector<ProcessingStatus>& only_if) {
  std::string allowed;
  for (ProcessingStatus p : only_if) {
    if (!allowed.empty()) allowed += ", ";
    allowed += ProcessingStatusName(p);
  }
  return Invalid("document " + id + " is " + std::string(ProcessingStatusName(current)) +
                 "; this change needs it to be " + allowed);
}

Status NotReviewable(const std::string& id, ProcessingStatus current) {
  return Invalid("document " + id + " is " + std::string(ProcessingStatusName(current)) +
                 "; only needs_review and completed documents can be reviewed");
}

Status CheckJson(std::string_view what, const std::string& text) {
  if (Json::accept(text)) return Status::Ok();
  return Invalid(std::string(what) + " is not valid JSON");
}

Status CheckJsonObject(std::string_view what, const std::string& text) {
  const Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) return Status::Ok();
  return Invalid(std::string(what) + " is not a JSON object");
}

Status CheckLimit(int limit) {
  if (limit >= 1 && limit <= kMaxPage) return Status::Ok();
  return Invalid("limit " + std::to_string(limit) + " is not in 1..1000");
}

Status CheckReviewedMax(int max) {
  if (max >= 1 && max <= MetadataStore::kMaxReviewedDocuments) return Status::Ok();
  return Invalid("max " + std::to_string(max) + " reviewed documents is not in 1.." +
                 std::to_string(MetadataStore::kMaxReviewedDocuments));
}

Status CheckActor(const std::string& actor) {
  return actor.empty() ? Invalid("actor is empty") : Status::Ok();
}

Status CheckTenantName(const std::string& name) {
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  const bool valid = !name.empty() && name.size() <= 64 && alnum(name.front()) &&
                     std::all_of(name.begin(), name.end(),
                                 [&](char c) { return alnum(c) || c == '-' || c == '_'; });
  if (valid) return Status::Ok();
  return Invalid("tenant name \"" + name.substr(0, 80) +
                 "\" is not 1-64 of a-z, 0-9, '-' and '_' starting with a letter or digit");
}

bool ValidStageName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

Status CheckWebhookUrl(const std::string& url) {
  if (url.empty()) return Status::Ok();
  const auto starts = [&](std::string_view prefix) {
    return url.size() > prefix.size() && url.compare(0, prefix.size(), prefix) == 0;
  };
  if (!starts("http://") && !starts("https://")) {
    return Invalid("webhook URL \"" + url.substr(0, 80) +
                   "\" does not start with http:// or https://");
  }
  if (url.size() > kMaxWebhookUrl) {
    return Invalid("webhook URL is longer than " + std::to_string(kMaxWebhookUrl) + " bytes");
  }
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f;
      })) {
    return Invalid("webhook URL contains whitespace or control characters");
  }
  return Status::Ok();
}

Status CheckWebhook(const NewWebhookEvent& event) {
  if (event.url.empty()) return Invalid("webhook event has no url");
  if (event.event_type.empty()) return Invalid("webhook event has no event type");
  return Status::Ok();
}

Status CheckLease(int max, std::chrono::milliseconds lease) {
  if (max < 1) return Invalid("max must be at least 1");
  if (lease.count() <= 0 || lease > kMaxLease) {
    return Invalid("lease of " + std::to_string(lease.count()) + " ms is not in (0, 1 year]");
  }
  return Status::Ok();
}

Status CheckReviewClaim(const std::string& reviewer, int max, std::chrono::milliseconds lease) {
  if (reviewer.empty()) return Invalid("a review claim needs a reviewer");
  if (max < 1 || max > kMaxReviewClaims) {
    return Invalid("max must be from 1 to " + std::to_string(kMaxReviewClaims));
  }
  if (lease.count() <= 0 || lease > kMaxReviewLease) {
    return Invalid("a review hold of " + std::to_string(lease.count()) +
                   " ms is not in (0, 24 h]");
  }
  return Status::Ok();
}

std::vector<DocumentRecord> InReviewQueueOrder(std::vector<ClaimedDocument> claimed) {
  std::sort(claimed.begin(), claimed.end(),
            [](const ClaimedDocument& a, const ClaimedDocument& b) { return a.first < b.first; });
  std::vector<DocumentRecord> out;
  out.reserve(claimed.size());
  for (auto& [order, d] : claimed) out.push_back(std::move(d));
  return out;
}

Status CheckReviewHold(const std::string& id, const std::string& reviewer,
                       const std::string& holder, std::int64_t expires_at, std::int64_t now) {
  if (holder.empty() || holder == reviewer || expires_at <= now) return Status::Ok();
  return Invalid("document " + id + " is held for review by " + holder + " for another " +
                 std::to_string((expires_at - now + 999) / 1000) + " s");
}

Status CheckClaimable(const std::string& id, const std::string& reviewer, const ReviewHold& hold,
                      std::int64_t now) {
  if (hold.status != ProcessingStatus::kNeedsReview) {
    return Invalid("document " + id + " is " + std::string(ProcessingStatusName(hold.status)) +
                   "; only needs_review documents can be claimed for review");
  }
  return CheckReviewHold(id, reviewer, hold.holder, hold.expires_at, now);
}

std::int64_t PriorityRank(Lane lane) {
  switch (lane) {
    case Lane::kUrgent:
      return 0;
    case Lane::kHigh:
      return 1;
    case Lane::kNormal:
      return 2;
  }
  return 2;
}

std::optional<Lane> LaneOfRank(std::int64_t rank) {
  switch (rank) {
    case 0:
      return Lane::kUrgent;
    case 1:
      return Lane::kHigh;
    case 2:
      return Lane::kNormal;
    default:
      return std::nullopt;
  }
}

bool IsPending(ProcessingStatus s) {
  return s == ProcessingStatus::kQueued || s == ProcessingStatus::kProcessing;
}

std::optional<WebhookState> ParseWebhookState(std::string_view name) {
  for (WebhookState s : {WebhookState::kPending, WebhookState::kDelivered, WebhookState::kFailed}) {
    if (WebhookStateName(s) == name) return s;
  }
  return std::nullopt;
}

Result<PreparedDocument> PrepareDocument(const std::string& tenant_id, const DocumentRecord& doc,
                                         const std::string& actor) {
  if (!IsLowerHex(doc.id, 32)) {
    return Invalid("document id \"" + doc.id.substr(0, 80) + "\" is not 32 lower-case hex digits");
  }
  if (Status s = CheckActor(actor); !s.ok()) return s;
  if (doc.idempotency_key.size() > kMaxIdempotencyKey) {
    return Invalid("idempotency key is longer than 255 bytes");
  }
  if (doc.size < 0) return Invalid("document size is negative");
  PreparedDocument out;
  DocumentRecord& d = out.doc;
  d = doc;
  d.tenant_id = tenant_id;
  if (d.metadata_json.empty()) d.metadata_json = "{}";
  if (d.stages_json.empty()) d.stages_json = "{}";
  if (d.document_type.empty()) d.document_type = d.type_hint;
  Status s = CheckJson("metadata", d.metadata_json);
  if (s.ok()) s = CheckJsonObject("stages", d.stages_json);
  if (s.ok() && !d.result_json.empty()) s = CheckJson("result", d.result_json);
  if (!s.ok()) return s;
  out.audit_details = Json{{"size", d.size},
                           {"sha256", d.sha256},
                           {"priority", PriorityName(d.priority)},
                           {"status", ProcessingStatusName(d.status)}}
                          .dump();
  return out;
}

Result<PreparedUpdate> PrepareUpdate(const DocumentUpdate& update, const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  if (update.sender && update.sender->size() > 256) {
    return Invalid("a sender key is at most 256 bytes (got " +
                   std::to_string(update.sender->size()) + ")");
  }
  if (!update.stage_name.empty()) {
    if (!ValidStageName(update.stage_name)) {
      return Invalid("stage name \"" + update.stage_name.substr(0, 80) +
                     "\" is not 1-64 of A-Z, a-z, 0-9, '-' and '_'");
    }
    Status s = CheckJson("stage " + update.stage_name, update.stage_json);
    if (!s.ok()) return s;
  }
  if (update.result_json && !update.result_json->empty()) {
    Status s = CheckJson("result", *update.result_json);
    if (!s.ok()) return s;
  }
  if (!update.audit_details_json.empty()) {
    Status s = CheckJson("audit details", update.audit_details_json);
    if (!s.ok()) return s;
  }
  PreparedUpdate out;
  if (update.webhook) {
    Status s = CheckWebhook(*update.webhook);
    if (!s.ok()) return s;
    out.event_id = NewEventId();
  }
  out.action = update.audit_action.empty() ? std::string("document.updated") : update.audit_action;
  return out;
}

std::string UpdateAuditDetails(const DocumentUpdate& update, ProcessingStatus current,
                               const std::string& event_id) {
  if (!update.audit_details_json.empty()) return update.audit_details_json;
  Json d = Json::object();
  if (update.status && *update.status != current) {
    d["from"] = ProcessingStatusName(current);
    d["to"] = ProcessingStatusName(*update.status);
  }
  if (!update.stage_name.empty()) d["stage"] = update.stage_name;
  if (update.webhook) d["webhook_event_id"] = event_id;
  return d.dump();
}

Result<std::string> MergeStages(const std::string& stages_json, const DocumentUpdate& update) {
  using Ordered = nlohmann::ordered_json;
  Ordered stages = update.reset_stages
                       ? Ordered::object()
                       : Ordered::parse(stages_json, nullptr, /*allow_exceptions=*/false);
  if (!stages.is_object()) {
    return Status(ErrorCode::kIoError, "the stored stages are not a JSON object");
  }
  if (!update.stage_name.empty()) {
    Ordered stage = Ordered::parse(update.stage_json, nullptr, /*allow_exceptions=*/false);
    if (stage.is_discarded()) return CheckJson("stage " + update.stage_name, update.stage_json);
    stages[update.stage_name] = std::move(stage);
  }
  return stages.dump();
}

bool UpdateAllowed(const DocumentUpdate& update, ProcessingStatus current) {
  return update.only_if.empty() ||
         std::find(update.only_if.begin(), update.only_if.end(), current) != update.only_if.end();
}

Result<PreparedReview> PrepareReview(const ReviewInput& review) {
  if (review.reviewer.empty()) return Invalid("reviewer is empty");
  PreparedReview out;
  out.fields_json = review.fields_json.empty() ? "{}" : review.fields_json;
  Status s = CheckJson("corrected fields", out.fields_json);
  if (s.ok() && !review.result_json.empty()) s = CheckJson("result", review.result_json);
  if (!s.ok()) return s;
  if (!review.document_type.empty()) {
    if (!ValidStageName(review.document_type)) {  // the same alphabet and length
      return Invalid("document type \"" + review.document_type.substr(0, 80) +
                     "\": expected 1-64 of A-Z, a-z, 0-9, _ and -");
    }
  }
  if (review.webhook) {
    s = CheckWebhook(*review.webhook);
    if (!s.ok()) return s;
    out.event_id = NewEventId();
  }
  out.next = review.action == ReviewAction::kReject ? ProcessingStatus::kRejected
                                                    : ProcessingStatus::kCompleted;
  return out;
}

std::string ReviewAuditDetails(const ReviewInput& review, std::int64_t correction_id,
                               ProcessingStatus from, ProcessingStatus to,
                               const std::string& event_id) {
  Json d{{"action", ReviewActionName(review.action)},
         {"correction_id", correction_id},
         {"from", ProcessingStatusName(from)},
         {"to", ProcessingStatusName(to)}};
  if (review.webhook) d["webhook_event_id"] = event_id;
  if (!review.document_type.empty()) d["document_type"] = review.document_type;
  // A correction that replaced the line items says how many rows it left (the rows themselves
  // are in the correction it names, as its "line_items").
  const Json corrected = Json::parse(review.fields_json, nullptr, false);
  if (corrected.is_object() && corrected.contains("line_items") &&
      corrected["line_items"].is_array()) {
    d["line_items"] = corrected["line_items"].size();
  }
  return d.dump();
}

Result<AuditInput> PrepareAudit(const AuditInput& entry) {
  if (entry.actor.empty()) return Invalid("audit actor is empty");
  if (entry.action.empty()) return Invalid("audit action is empty");
  AuditInput in = entry;
  if (in.details_json.empty()) in.details_json = "{}";
  Status s = CheckJson("audit details", in.details_json);
  if (!s.ok()) return s;
  return in;
}

std::string TenantCreatedDetails(const std::string& name) { return Json{{"name", name}}.dump(); }
std::string WebhookSetDetails(const std::string& url) { return Json{{"url", url}}.dump(); }
Result<std::string> PrepareSenderMemory(const SenderFieldMemory& memory,
                                        const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  if (memory.sender.empty() || memory.sender.size() > 256) {
    return Invalid("a sender key is 1 to 256 bytes (got " + std::to_string(memory.sender.size()) +
                   ")");
  }
  if (memory.field.empty() || memory.field.size() > 128) {
    return Invalid("a field name is 1 to 128 bytes (got " + std::to_string(memory.field.size()) +
                   ")");
  }
  if (Status s = CheckJsonObject("sender memory", memory.memory_json); !s.ok()) return s;
  return Json{{"sender", memory.sender}, {"field", memory.field},
              {"document_id", memory.document_id}}
      .dump();
}

std::string KeyDetails(const std::string& key_id) { return Json{{"key_id", key_id}}.dump(); }

std::string ExportedDetails(const WebhookEvent& e) {
  return Json{{"via", "webhook"},
              {"event_id", e.event_id},
              {"event_type", e.event_type},
              {"attempts", e.attempts}}
      .dump();
}

std::string WebhookFailedDetails(const WebhookEvent& e, const std::string& error) {
  return Json{{"event_id", e.event_id}, {"attempts", e.attempts}, {"error", error}}.dump();
}

std::string ReplayedDetails(const WebhookEvent& e) {
  return Json{{"event_id", e.event_id}, {"was", WebhookStateName(e.state)}}.dump();
}

}  // namespace sheaf::metadata
