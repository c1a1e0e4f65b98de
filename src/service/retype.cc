// SPDX-License-Identifier: GPL-3.0-or-later
// Service::Retype: a reviewer says a document is of another type (docs/review-page.md, "Changing
// a document's type"). The document is read again as that type from the pages OCR read (the
// stored "ocr" state; nothing is read by OCR again), the tenant's sender memory and the
// reviewer's corrections that the new type's schema has are applied, and the rules decide
// again whether it needs review.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/result_json.h"
#include "learn/learner.h"
#include "service/corrections.h"
#include "service/service.h"

namespace sheaf {

namespace {

// How long a type change holds a document in review for its reviewer: the review page's claim.
constexpr std::chrono::seconds kRetypeHold{900};

std::string KnownTypes(const std::map<std::string, extract::Schema>& schemas) {
  std::string known;
  for (const auto& [type, schema] : schemas) known += (known.empty() ? "" : ", ") + type;
  return known;
}

// Whether a correction of field `name` survives the change to `schema`: the schema names the
// field, reads any labelled pair (forms), or the new reading found a field of that name.
bool SchemaHas(const extract::Schema& schema, const Document& reread, const std::string& name) {
  if (schema.key_values || reread.fields.count(name) != 0) return true;
  return std::any_of(schema.fields.begin(), schema.fields.end(),
                     [&](const extract::FieldSpec& f) { return f.name == name; });
}

Field Reviewed(const std::string& value, Field f = {}) {
  f.value = value;
  f.raw = value;
  f.confidence = 1.0;
  f.source = "review";
  return f;
}

}  // namespace

Result<DocumentRecord> Service::Retype(const DocumentRecord& doc, const std::string& type,
                                       const nlohmann::json& fields,
                                       const nlohmann::json& line_items,
                                       const std::string& reviewer, bool completed_only) {
  if (doc.status != ProcessingStatus::kNeedsReview && doc.status != ProcessingStatus::kCompleted) {
    return Status(ErrorCode::kInvalidArgument,
                  "document " + doc.id + " is " + std::string(ProcessingStatusName(doc.status)) +
                      "; only a document in review or completed can change its type");
  }
  if (deps_.understander == nullptr) {
    return Status(ErrorCode::kUnavailable,
                  "this process cannot read documents again (it runs no extraction)");
  }
  const std::map<std::string, extract::Schema>& schemas = deps_.understander->schemas();
  const auto schema = schemas.find(type);
  if (schema == schemas.end()) {
    return Status(ErrorCode::kInvalidArgument, "unknown document type \"" + type.substr(0, 64) +
                                                   "\" (known: " + KnownTypes(schemas) + ")");
  }
  // A document in review is held for the reviewer first (as PUT /v1/review/claims/{id} does):
  // another reviewer's hold refuses the change (invalid_argument naming the holder), and the
  // reviewer, who has the new type's fields to check when they still need review, keeps it.
  // (RecordReview checks holds itself; UpdateDocument, which keeps it in review, does not.)
  if (doc.status == ProcessingStatus::kNeedsReview) {
    Result<DocumentRecord> held =
        deps_.metadata->ClaimReviewTask(doc.tenant_id, doc.id, reviewer, kRetypeHold);
    if (!held.ok()) return held.status();
  }
  Result<Document> read = ReadState(doc, "ocr");
  if (!read.ok()) {
    if (read.status().code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kInvalidArgument,
                    "document " + doc.id + " has no stored OCR reading to read again as \"" +
                        type + "\"; reprocess it first");
    }
    return read.status();
  }
  Document state = std::move(read).value();
  state.document_type = {type, 1.0};  // the reviewer said
  if (Status s = ExtractWithOriginal(doc, &state); !s.ok()) return s;
  const Document extracted = state;  // what the sender memory learns places from
  Result<learn::SenderLearner::Recalled> recalled =
      learn::SenderLearner(deps_.metadata).Recall(doc.tenant_id, &state);
  if (!recalled.ok()) return recalled.status();

  // The reviewer's corrections that the new schema has; the others are dropped (and audited).
  nlohmann::json kept = nlohmann::json::object();
  std::vector<std::string> dropped;
  std::map<std::string, std::string> corrected;
  for (const auto& [name, value] : fields.items()) {
    if (!value.is_string() && !value.is_number() && !value.is_null()) {
      return Status(ErrorCode::kInvalidArgument,
                    "field \"" + name + "\": a correction is a string, a number or null");
    }
    if (!SchemaHas(schema->second, state, name)) {
      dropped.push_back(name);
      continue;
    }
    kept[name] = value;
    if (value.is_null()) {
      state.fields.erase(name);
      continue;
    }
    const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
    corrected[name] = v;
    auto at = state.fields.find(name);
    state.fields[name] = Reviewed(v, at == state.fields.end() ? Field{} : at->second);
  }
  nlohmann::json rows = line_items;  // null: the line items as read again
  if (!rows.is_null() && schema->second.line_item_columns.empty()) {
    dropped.push_back("line_items");
    rows = nullptr;
  }
  if (!rows.is_null()) {
    state.line_items.clear();
    for (const std::map<std::string, std::string>& row : LineItemRows(rows)) {
      LineItem item;
      for (const auto& [column, value] : row) item[column] = Reviewed(value);
      state.line_items.push_back(std::move(item));
    }
  }
  deps_.understander->ValidateStep(&state);
  const bool completes = state.status == DocumentStatus::kCompleted;

  nlohmann::ordered_json result = DocumentToJson(state, {});
  result["sender"] = recalled->sender.key.empty()
                         ? nlohmann::ordered_json(nullptr)
                         : nlohmann::ordered_json{{"kind", recalled->sender.kind},
                                                  {"key", recalled->sender.key}};
  nlohmann::json recorded = kept;
  if (!rows.is_null()) recorded["line_items"] = rows;
  const std::string& tenant_id = doc.tenant_id;
  // The type change itself, whichever way it goes: who, from which type to which, what was
  // kept and dropped, and why the document still needs review when it does.
  nlohmann::json details{{"previous_document_type", doc.document_type},
                         {"document_type", type},
                         {"from", ProcessingStatusName(doc.status)},
                         {"to", completes ? "completed" : "needs_review"},
                         {"fields", nlohmann::json::array()},
                         {"review_reasons", state.review_reasons}};
  for (const auto& [name, value] : kept.items()) details["fields"].push_back(name);
  if (!rows.is_null()) details["line_items"] = rows.size();
  if (!dropped.empty()) details["dropped"] = dropped;
  if (completes) {
    // The change is the decision: recorded, audited ("document.reviewed" with the new
    // "document_type") and exported as any correction, in one transaction.
    result["status"] = "completed";
    result["reviewed_by"] = reviewer;
    ReviewInput in;
    in.reviewer = reviewer;
    in.action = ReviewAction::kCorrect;
    in.fields_json = recorded.dump();
    in.result_json = DumpJson(result);
    in.document_type = type;
    const std::string event = completed_only ? "document.corrected" : "document.reviewed";
    Result<std::optional<std::string>> body =
        WebhookBodyFor(doc, event, "completed", in.result_json);
    if (!body.ok()) return body.status();
    if (body->has_value()) in.webhook = NewWebhookEvent{doc.id, doc.webhook_url, event, **body};
    Result<Correction> c = deps_.metadata->RecordReview(tenant_id, doc.id, in);
    if (!c.ok()) return c.status();
    details["correction_id"] = c->id;
    // The previous type and the dropped corrections, in an entry of their own after it (a
    // crash between the two loses this one only: the review's entry names the new type).
    Result<std::int64_t> a = deps_.metadata->AppendAudit(
        AuditInput{reviewer, "document.retyped", tenant_id, doc.id, details.dump()});
    if (!a.ok()) {
      spdlog::warn("document {}: the type change was recorded but not audited as such: {}",
                   doc.id, a.status().ToString());
    }
  } else {
    // The reviewer has not seen the new type's fields yet: the document waits in the review
    // queue with them (the reviewer's hold is kept); written and audited in one transaction.
    result["status"] = "needs_review";
    DocumentUpdate u;
    u.status = ProcessingStatus::kNeedsReview;
    u.document_type = type;
    u.result_json = DumpJson(result);
    u.sender = recalled->sender.key;
    u.only_if = {doc.status};
    u.audit_action = "document.retyped";
    u.audit_details_json = details.dump();
    if (Status s = deps_.metadata->UpdateDocument(tenant_id, doc.id, u, reviewer); !s.ok()) {
      return s;
    }
  }
  Invalidate(tenant_id, doc.id);
  // Kept for reprocessing, which reads the document as this type instead of classifying it.
  // After the change is recorded: a crash between the two leaves a type change that a later
  // reprocess does not know of (it classifies again), never a kept type no one recorded.
  if (Status s = KeepReviewerType(doc, type, reviewer); !s.ok()) {
    spdlog::warn("document {}: the reviewer's type is not kept for reprocessing: {}", doc.id,
                 s.ToString());
  }
  // The new type's extraction is the document's from now on: what later corrections learn from.
  if (Status s = WriteState(doc, "extracted", extracted); !s.ok()) {
    spdlog::warn("document {}: the new type's extraction was not stored: {}", doc.id,
                 s.ToString());
  }
  if (!corrected.empty() || (rows.is_array() && !rows.empty())) {
    LearnFrom(doc, corrected, rows, reviewer);
  }
  Result<DocumentRecord> after = deps_.metadata->GetDocument(tenant_id, doc.id);
  if (!after.ok()) return after.status();
  if (completes && deps_.exporter != nullptr) (void)PublishNext(topics::kExportTasks, *after);
  if (!completes && doc.status != ProcessingStatus::kNeedsReview) {
    (void)PublishNext(topics::kReviewTasks, *after);  // announces its return to the queue
  }
  return after;
}

Status Service::KeepReviewerType(const DocumentRecord& doc, const std::string& type,
                                 const std::string& reviewer) {
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  const nlohmann::json kept{{"document_type", type}, {"by", reviewer}, {"at", now.count()}};
  return deps_.blobs->Put(ReviewerTypeKey(doc.tenant_id, doc.id), kept.dump());
}

Result<std::optional<std::string>> Service::ReviewerType(const DocumentRecord& doc) {
  const std::string key = ReviewerTypeKey(doc.tenant_id, doc.id);
  Result<std::string> bytes = deps_.blobs->Get(key);
  if (!bytes.ok()) {
    if (bytes.status().code() == ErrorCode::kNotFound) return std::optional<std::string>();
    return bytes.status();
  }
  const nlohmann::json kept = nlohmann::json::parse(*bytes, nullptr, false);
  if (!kept.is_object() || !kept.contains("document_type") || !kept["document_type"].is_string()) {
    // Not ours to trust: the document is classified again rather than never reprocessed.
    spdlog::warn("{}: not a kept document type; the document is classified again", key);
    return std::optional<std::string>();
  }
  return std::optional<std::string>(kept["document_type"].get<std::string>());
}

}  // namespace sheaf
