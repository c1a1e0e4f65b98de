// SPDX-License-Identifier: GPL-3.0-or-later
// A person's decisions on a document (docs/service.md, "Review"): Service::Review and
// Service::Correct (a completed document's correction) both go through Service::Decide, which
// holds, checks and records the decision, applies corrections (and a type change, through
// Service::Retype), and teaches the tenant's sender memory (Service::LearnFrom).
#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/result_json.h"
#include "core/state_json.h"
#include "learn/learner.h"
#include "service/corrections.h"
#include "service/hitl_fallback.h"
#include "service/service.h"

namespace sheaf {

Result<DocumentRecord> Service::Review(const std::string& tenant_id, const std::string& id,
                                       ReviewAction action, const std::string& fields_json,
                                       const std::string& reviewer,
                                       const std::string& line_items_json,
                                       const std::string& document_type) {
  return Decide(tenant_id, id, action, fields_json, line_items_json, reviewer,
                /*completed_only=*/false, document_type);
}

Result<DocumentRecord> Service::Correct(const std::string& tenant_id, const std::string& id,
                                        const std::string& fields_json,
                                        const std::string& reviewer,
                                        const std::string& line_items_json,
                                        const std::string& document_type) {
  return Decide(tenant_id, id, ReviewAction::kCorrect, fields_json, line_items_json, reviewer,
                /*completed_only=*/true, document_type);
}

Result<DocumentRecord> Service::Decide(const std::string& tenant_id, const std::string& id,
                                       ReviewAction action, const std::string& fields_json,
                                       const std::string& line_items_json,
                                       const std::string& reviewer, bool completed_only,
                                       const std::string& document_type) {
  Result<DocumentRecord> doc = deps_.metadata->GetDocument(tenant_id, id);
  if (!doc.ok()) return doc.status();
  if (completed_only && doc->status != ProcessingStatus::kCompleted) {
    return Status(ErrorCode::kInvalidArgument,
                  "document " + id + " is " + std::string(ProcessingStatusName(doc->status)) +
                      "; only a completed document is corrected here (a document that needs "
                      "review is corrected through /v1/review/tasks/{id})");
  }
  nlohmann::json fields = nlohmann::json::parse(fields_json.empty() ? "{}" : fields_json, nullptr,
                                                false);
  if (!fields.is_object()) {
    return Status(ErrorCode::kInvalidArgument, "\"fields\" must be a JSON object of name -> value");
  }
  for (const auto& [name, value] : fields.items()) {
    if (std::string bad = CheckCorrectedValue(name, value); !bad.empty()) {
      return Status(ErrorCode::kInvalidArgument, bad);
    }
  }
  // The words a reviewer filled a field from: where the sender prints it, however OCR read
  // them (learned below); what is recorded and applied is the value alone. A type change reads
  // the document again, so its boxes are not kept.
  std::map<std::string, learn::PointedWords> pointed;
  fields = SplitPointed(fields, &pointed);
  nlohmann::json line_items;  // null: the line items stay as read
  if (action == ReviewAction::kCorrect && !line_items_json.empty()) {
    line_items = nlohmann::json::parse(line_items_json, nullptr, false);
    if (line_items.is_discarded()) line_items = nlohmann::json::object();  // CheckLineItems says
    if (std::string bad = CheckLineItems(line_items); !bad.empty()) {
      return Status(ErrorCode::kInvalidArgument, bad);
    }
  }
  const bool retype = !document_type.empty() && document_type != doc->document_type;
  if (retype && action == ReviewAction::kReject) {
    return Status(ErrorCode::kInvalidArgument,
                  "a rejection keeps the document's type; change the type with \"action\": "
                  "\"correct\"");
  }
  if (retype) {
    // An approval with a type is a correction of the type alone.
    return Retype(*doc, document_type, action == ReviewAction::kCorrect ? fields : nlohmann::json::object(),
                  line_items, reviewer, completed_only);
  }
  ReviewInput in;
  in.reviewer = reviewer;
  in.action = action;
  // The correction as recorded (and audited by its id): the fields, and the line items when
  // they were replaced.
  nlohmann::json recorded = fields;
  if (!line_items.is_null()) recorded["line_items"] = line_items;
  in.fields_json = recorded.dump();
  nlohmann::ordered_json result =
      nlohmann::ordered_json::parse(doc->result_json.empty() ? "{}" : doc->result_json, nullptr,
                                    false);
  if (!result.is_object()) result = nlohmann::ordered_json::object();
  const char* status = action == ReviewAction::kReject ? "rejected" : "completed";
  std::map<std::string, std::string> corrected;  // name -> new value (removals teach nothing)
  if (action == ReviewAction::kCorrect) {
    if (!result.contains("fields") || !result["fields"].is_object()) {
      result["fields"] = nlohmann::ordered_json::object();
    }
    for (const auto& [name, value] : fields.items()) {
      if (!value.is_string() && !value.is_number() && !value.is_null()) {
        return Status(ErrorCode::kInvalidArgument,
                      "field \"" + name + "\": a correction is a string, a number or null");
      }
      if (value.is_null()) {
        result["fields"].erase(name);
        continue;
      }
      const std::string v = value.is_string() ? value.get<std::string>() : value.dump();
      corrected[name] = v;
      nlohmann::ordered_json& f = result["fields"][name];
      if (!f.is_object()) f = nlohmann::ordered_json::object();
      f["value"] = v;
      f["raw"] = v;
      f["confidence"] = 1.0;
      f["source"] = "review";
      if (const auto at = pointed.find(name); at != pointed.end()) {
        const Box& b = at->second.box;
        f["page"] = at->second.page;
        f["bbox"] = nlohmann::ordered_json::array({b.x0, b.y0, b.x1, b.y1});
      }
    }
    if (!line_items.is_null()) ReplaceLineItems(line_items, &result);
    // The rules again, over what the reviewer made of it: the result says whether the corrected
    // document adds up (the decision stands either way).
    if (deps_.understander != nullptr) Revalidate(deps_.understander->schemas(), &result);
  }
  result["status"] = status;
  result["reviewed_by"] = reviewer;
  in.result_json = DumpJson(result);
  const std::string event = action == ReviewAction::kReject ? "document.rejected"
                            : completed_only                ? "document.corrected"
                                                            : "document.reviewed";
  Result<std::optional<std::string>> body = WebhookBodyFor(*doc, event, status, in.result_json);
  if (!body.ok()) return body.status();
  if (body->has_value()) in.webhook = NewWebhookEvent{id, doc->webhook_url, event, **body};
  Result<Correction> c = deps_.metadata->RecordReview(tenant_id, id, in);
  if (!c.ok()) return c.status();
  Invalidate(tenant_id, id);
  if (action == ReviewAction::kCorrect) LearnFrom(*doc, corrected, line_items, reviewer, pointed);
  Result<DocumentRecord> after = deps_.metadata->GetDocument(tenant_id, id);
  if (!after.ok()) return after.status();
  if (deps_.exporter != nullptr) (void)PublishNext(topics::kExportTasks, *after);
  return after;
}

void Service::LearnFrom(const DocumentRecord& doc,
                        const std::map<std::string, std::string>& corrected,
                        const nlohmann::json& line_items, const std::string& reviewer,
                        const std::map<std::string, learn::PointedWords>& pointed) {
  const bool rows = line_items.is_array() && !line_items.empty();
  if (corrected.empty() && !rows) return;
  // The words and fields as extraction left them: where the sender printed what was meant.
  Result<Document> state = ReadState(doc, "extracted");
  const learn::SenderLearner learner(deps_.metadata);
  Status s = state.status();
  if (s.ok() && !corrected.empty()) {
    s = learner.Learn(doc.tenant_id, doc.id, *state, corrected, reviewer, pointed).status();
  }
  if (s.ok() && rows) {
    s = learner.LearnLineItems(doc.tenant_id, doc.id, *state, LineItemRows(line_items), reviewer)
            .status();
  }
  // The correction itself is recorded and exported; a lesson that could not be kept only
  // means the sender's next document is read without it.
  if (!s.ok()) {
    spdlog::warn("document {}: nothing learned from the correction: {}", doc.id, s.ToString());
  }
}

}  // namespace sheaf
