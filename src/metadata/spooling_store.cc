// SPDX-License-Identifier: GPL-3.0-or-later
#include "metadata/spooling_store.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "resilience/circuit_breaker.h"

namespace sheaf {

namespace {

using Json = nlohmann::json;

std::string Key(const std::string& tenant_id, const std::string& id) {
  return tenant_id + "/" + id;
}

// The store's failures (retry later), as opposed to its answers.
bool IsStoreFailure(const Status& s) {
  return s.code() == ErrorCode::kIoError || s.code() == ErrorCode::kUnavailable;
}

bool Spoolable(const DocumentUpdate& u) { return !u.only_if.empty(); }

// What a remembered record costs, roughly: its variable members and a fixed overhead.
std::size_t RecordBytes(const DocumentRecord& d) {
  return 512 + d.result_json.size() + d.stages_json.size() + d.metadata_json.size() +
         d.webhook_url.size() + d.source_name.size() + d.error.size() + d.idempotency_key.size();
}

struct Parsed {
  std::string tenant_id, id, actor;
  DocumentUpdate update;
};

std::optional<Parsed> ParseSpooled(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    Parsed p;
    p.tenant_id = j.at("tenant_id").get<std::string>();
    p.id = j.at("id").get<std::string>();
    p.actor = j.at("actor").get<std::string>();
    const Json& u = j.at("update");
    DocumentUpdate& d = p.update;
    if (u.contains("status")) {
      std::optional<ProcessingStatus> s = ParseProcessingStatus(u["status"].get<std::string>());
      if (!s) return std::nullopt;
      d.status = *s;
    }
    if (u.contains("document_type")) d.document_type = u["document_type"].get<std::string>();
    d.reset_stages = u.value("reset_stages", false);
    d.stage_name = u.value("stage_name", "");
    d.stage_json = u.value("stage_json", "");
    if (u.contains("result_json")) d.result_json = u["result_json"].get<std::string>();
    if (u.contains("error")) d.error = u["error"].get<std::string>();
    if (u.contains("sender")) d.sender = u["sender"].get<std::string>();
    for (const Json& s : u.value("only_if", Json::array())) {
      std::optional<ProcessingStatus> st = ParseProcessingStatus(s.get<std::string>());
      if (!st) return std::nullopt;
      d.only_if.push_back(*st);
    }
    if (u.contains("webhook")) {
      const Json& w = u["webhook"];
      d.webhook = NewWebhookEvent{w.at("document_id").get<std::string>(),
                                  w.at("url").get<std::string>(),
                                  w.at("event_type").get<std::string>(),
                                  w.at("body").get<std::string>()};
    }
    d.audit_action = u.value("audit_action", "");
    d.audit_details_json = u.value("audit_details_json", "");
    return p;
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string DocumentUpdateToJson(const std::string& tenant_id, const std::string& id,
                                 const std::string& actor, const DocumentUpdate& d) {
  Json u = Json::object();
  if (d.status) u["status"] = std::string(ProcessingStatusName(*d.status));
  if (d.document_type) u["document_type"] = *d.document_type;
  if (d.reset_stages) u["reset_stages"] = true;
  if (!d.stage_name.empty()) {
    u["stage_name"] = d.stage_name;
    u["stage_json"] = d.stage_json;
  }
  if (d.result_json) u["result_json"] = *d.result_json;
  if (d.sender) u["sender"] = *d.sender;
  if (d.error) u["error"] = *d.error;
  Json only = Json::array();
  for (ProcessingStatus s : d.only_if) only.push_back(std::string(ProcessingStatusName(s)));
  u["only_if"] = only;
  if (d.webhook) {
    u["webhook"] = {{"document_id", d.webhook->document_id},
                    {"url", d.webhook->url},
                    {"event_type", d.webhook->event_type},
                    {"body", d.webhook->body}};
  }
  if (!d.audit_action.empty()) u["audit_action"] = d.audit_action;
  if (!d.audit_details_json.empty()) u["audit_details_json"] = d.audit_details_json;
  // Invalid UTF-8 in a result is replaced rather than refused: the spool must take any write.
  return Json{{"tenant_id", tenant_id}, {"id", id}, {"actor", actor}, {"update", u}}.dump(
      -1, ' ', false, Json::error_handler_t::replace);
}

bool ApplyDocumentUpdate(const DocumentUpdate& u, DocumentRecord* doc) {
  if (!u.only_if.empty() &&
      std::find(u.only_if.begin(), u.only_if.end(), doc->status) == u.only_if.end()) {
    return false;
  }
  if (u.status) doc->status = *u.status;
  if (u.document_type) doc->document_type = *u.document_type;
  if (u.reset_stages || !u.stage_name.empty()) {
    Json stages = u.reset_stages ? Json::object() : Json::parse(doc->stages_json, nullptr, false);
    if (!stages.is_object()) stages = Json::object();
    if (!u.stage_name.empty()) {
      Json stage = Json::parse(u.stage_json, nullptr, false);
      stages[u.stage_name] = stage.is_discarded() ? Json() : stage;
    }
    doc->stages_json = stages.dump();
  }
  if (u.result_json) doc->result_json = *u.result_json;
  if (u.error) doc->error = *u.error;
  return true;
}

Result<std::unique_ptr<SpoolingMetadataStore>> SpoolingMetadataStore::Open(
    std::unique_ptr<MetadataStore> inner, SpoolingStoreOptions options) {
  if (options.fs == nullptr) options.fs = DefaultFileSystem();
  Result<std::unique_ptr<WriteSpool>> spool =
      WriteSpool::Open(options.fs, options.path, options.max_bytes);
  if (!spool.ok()) return spool.status();
  std::unique_ptr<SpoolingMetadataStore> store(new SpoolingMetadataStore(
      std::move(inner), std::move(options), std::move(spool).value()));
  return store;
}

SpoolingMetadataStore::SpoolingMetadataStore(std::unique_ptr<MetadataStore> inner,
                                             SpoolingStoreOptions options,
                                             std::unique_ptr<WriteSpool> spool)
    : inner_(std::move(inner)), options_(std::move(options)), spool_(std::move(spool)) {
  // Writes spooled before a restart are read back into the overlay, in order, so reads show
  // them until they are replayed.
  for (const WriteSpool::Entry& e : spool_->Pending()) {
    std::optional<Parsed> p = ParseSpooled(e.payload);
    if (!p) continue;  // Replay reports and drops it
    overlay_[Key(p->tenant_id, p->id)].emplace_back(
        e.seq, Spooled{p->tenant_id, p->id, p->actor, p->update});
  }
}

SpoolingMetadataStore::~SpoolingMetadataStore() { Stop(); }

Status SpoolingMetadataStore::WriteThrough(const Spooled& w, bool* reached) {
  *reached = false;
  CircuitBreaker* breaker = options_.breaker;
  if (breaker != nullptr && !breaker->TryAcquirePermission()) {
    return Status(ErrorCode::kUnavailable, "circuit breaker " + breaker->name() + " is open");
  }
  const auto start = std::chrono::steady_clock::now();
  Status s = inner_->UpdateDocument(w.tenant_id, w.id, w.update, w.actor);
  const auto took = std::chrono::steady_clock::now() - start;
  *reached = !IsStoreFailure(s);
  if (breaker != nullptr) {
    if (*reached) {
      breaker->OnSuccess(took);
    } else {
      breaker->OnError(took);
    }
  }
  if (options_.observe_write) options_.observe_write(took);
  return s;
}

Status SpoolingMetadataStore::Spool(const Spooled& w) {
  Result<std::uint64_t> seq =
      spool_->Append(DocumentUpdateToJson(w.tenant_id, w.id, w.actor, w.update));
  if (!seq.ok()) {
    spdlog::error("metadata: cannot spool a write of document {}: {}", w.id,
                  seq.status().message());
    return seq.status();
  }
  {
    std::lock_guard<std::mutex> lock(overlay_mu_);
    overlay_[Key(w.tenant_id, w.id)].emplace_back(*seq, w);
  }
  replayer_.Wake();
  return Status::Ok();
}

Status SpoolingMetadataStore::UpdateDocument(const std::string& tenant_id, const std::string& id,
                                             const DocumentUpdate& update,
                                             const std::string& actor) {
  if (!Spoolable(update)) return inner_->UpdateDocument(tenant_id, id, update, actor);
  const Spooled w{tenant_id, id, actor, update};
  {
    std::lock_guard<std::mutex> lock(order_mu_);
    if (spool_->pending() > 0 || (options_.buffer_writes && options_.buffer_writes())) {
      return Spool(w);
    }
  }
  bool reached = false;
  Status s = WriteThrough(w, &reached);
  if (reached) return s;
  std::lock_guard<std::mutex> lock(order_mu_);
  Status spooled = Spool(w);
  if (spooled.ok()) {
    spdlog::warn("metadata: store failed ({}); write of document {} spooled to {}",
                 s.message(), id, spool_->path());
  }
  return spooled;
}

Status SpoolingMetadataStore::ReplayOne(const WriteSpool::Entry& entry) {
  std::optional<Parsed> p = ParseSpooled(entry.payload);
  if (!p) {
    spdlog::error("write spool {}: record {} is not a document update; dropped",
                  spool_->path(), entry.seq);
    return Status::Ok();
  }
  CircuitBreaker* breaker = options_.breaker;
  // Applied already (a crash came between the write and its done marker)? The stage entry,
  // with its times, is then in the document; a status change is caught by its guard below.
  if (!p->update.stage_name.empty()) {
    if (breaker != nullptr && !breaker->TryAcquirePermission()) {
      return Status(ErrorCode::kUnavailable, "circuit breaker " + breaker->name() + " is open");
    }
    const auto start = std::chrono::steady_clock::now();
    Result<DocumentRecord> doc = inner_->GetDocument(p->tenant_id, p->id);
    const auto took = std::chrono::steady_clock::now() - start;
    const bool reached = doc.ok() || !IsStoreFailure(doc.status());
    if (breaker != nullptr) reached ? breaker->OnSuccess(took) : breaker->OnError(took);
    if (!reached) return doc.status();
    if (!doc.ok()) {
      spdlog::info("write spool: document {} is gone ({}); its spooled write is dropped",
                   p->id, doc.status().message());
      return Status::Ok();
    }
    Json stages = Json::parse(doc->stages_json, nullptr, false);
    Json mine = Json::parse(p->update.stage_json, nullptr, false);
    if (stages.is_object() && stages.contains(p->update.stage_name) &&
        stages[p->update.stage_name] == mine) {
      return Status::Ok();  // applied before
    }
  }
  bool reached = false;
  Spooled w{p->tenant_id, p->id, p->actor, p->update};
  Status s = WriteThrough(w, &reached);
  if (!reached) return s;
  if (!s.ok()) {
    spdlog::info("write spool: spooled write of document {} not applied: {}", p->id,
                 s.message());
  }
  return Status::Ok();
}

Status SpoolingMetadataStore::Replay() {
  std::lock_guard<std::mutex> replaying(replay_mu_);
  std::size_t replayed = 0;
  for (;;) {
    std::optional<WriteSpool::Entry> front = spool_->Front();
    if (!front) break;
    if (Status s = ReplayOne(*front); !s.ok()) {
      if (replayed > 0) spdlog::info("write spool: {} writes replayed, the rest wait", replayed);
      return s;
    }
    {
      // Marking done and dropping from the overlay together, so a read never sees neither.
      std::lock_guard<std::mutex> lock(order_mu_);
      if (Status s = spool_->MarkDone(front->seq); !s.ok()) return s;
      std::lock_guard<std::mutex> olock(overlay_mu_);
      for (auto it = overlay_.begin(); it != overlay_.end(); ++it) {
        auto& writes = it->second;
        if (!writes.empty() && writes.front().first == front->seq) {
          writes.pop_front();
          if (writes.empty()) overlay_.erase(it);
          break;
        }
      }
    }
    ++replayed;
  }
  if (replayed > 0) spdlog::info("write spool: {} writes replayed, spool empty", replayed);
  return Status::Ok();
}

Status SpoolingMetadataStore::Start() {
  return replayer_.Start([this] {
    if (spool_->pending() > 0) {
      if (Status s = Replay(); !s.ok()) spdlog::debug("write spool: replay: {}", s.message());
    }
    // After a failed try, wait the interval rather than spin on new spooled writes.
    return BackgroundLoop::Next{options_.replay_interval, spool_->pending() == 0};
  });
}

void SpoolingMetadataStore::Stop() { replayer_.Stop(); }

void SpoolingMetadataStore::Overlay(DocumentRecord* doc) {
  std::lock_guard<std::mutex> lock(overlay_mu_);
  auto it = overlay_.find(Key(doc->tenant_id, doc->id));
  if (it == overlay_.end()) return;
  for (const auto& [seq, w] : it->second) (void)ApplyDocumentUpdate(w.update, doc);
}

void SpoolingMetadataStore::Remember(const DocumentRecord& doc) {
  const std::size_t size = RecordBytes(doc);
  if (size > options_.cached_bytes) return;
  std::lock_guard<std::mutex> lock(cache_mu_);
  const std::string key = Key(doc.tenant_id, doc.id);
  if (auto it = cached_.find(key); it != cached_.end()) {
    lru_bytes_ -= RecordBytes(*it->second);
    lru_.erase(it->second);
  }
  lru_.push_front(doc);
  lru_bytes_ += size;
  cached_[key] = lru_.begin();
  while (lru_bytes_ > options_.cached_bytes) {
    lru_bytes_ -= RecordBytes(lru_.back());
    cached_.erase(Key(lru_.back().tenant_id, lru_.back().id));
    lru_.pop_back();
  }
}

std::optional<DocumentRecord> SpoolingMetadataStore::Remembered(const std::string& tenant_id,
                                                                const std::string& id) {
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto it = cached_.find(Key(tenant_id, id));
  if (it == cached_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return *it->second;
}

Result<DocumentRecord> SpoolingMetadataStore::GetDocument(const std::string& tenant_id,
                                                          const std::string& id) {
  CircuitBreaker* breaker = options_.breaker;
  Status failed(ErrorCode::kUnavailable, "circuit breaker database is open");
  if (breaker == nullptr || breaker->state() != BreakerState::kOpen) {
    Result<DocumentRecord> doc = inner_->GetDocument(tenant_id, id);
    if (doc.ok()) {
      Remember(*doc);
      DocumentRecord out = std::move(doc).value();
      Overlay(&out);
      return out;
    }
    if (!IsStoreFailure(doc.status())) return doc.status();
    failed = doc.status();
  }
  std::optional<DocumentRecord> cached = Remembered(tenant_id, id);
  if (!cached) {
    return Status(ErrorCode::kUnavailable, "metadata store unavailable (" + failed.message() +
                                               ") and no cached copy of document " + id +
                                               "; retry later");
  }
  Overlay(&*cached);
  return *cached;
}

// --- Pass-through.

Result<Tenant> SpoolingMetadataStore::CreateTenant(const std::string& name,
                                                   const std::string& actor) {
  return inner_->CreateTenant(name, actor);
}
Result<Tenant> SpoolingMetadataStore::GetTenant(const std::string& tenant_id) {
  return inner_->GetTenant(tenant_id);
}
Result<Tenant> SpoolingMetadataStore::GetTenantByName(const std::string& name) {
  return inner_->GetTenantByName(name);
}
Result<std::vector<Tenant>> SpoolingMetadataStore::ListTenants() { return inner_->ListTenants(); }
Status SpoolingMetadataStore::SetTenantWebhook(const std::string& tenant_id,
                                               const std::string& url, const std::string& actor) {
  return inner_->SetTenantWebhook(tenant_id, url, actor);
}
Status SpoolingMetadataStore::RotateWebhookSecret(const std::string& tenant_id,
                                                  const std::string& actor) {
  return inner_->RotateWebhookSecret(tenant_id, actor);
}
Result<NewApiKey> SpoolingMetadataStore::CreateApiKey(const std::string& tenant_id,
                                                      const std::string& actor) {
  return inner_->CreateApiKey(tenant_id, actor);
}
Result<ApiKeyInfo> SpoolingMetadataStore::Authenticate(std::string_view key) {
  return inner_->Authenticate(key);
}
Status SpoolingMetadataStore::RevokeApiKey(const std::string& key_id, const std::string& actor) {
  return inner_->RevokeApiKey(key_id, actor);
}
Result<std::vector<ApiKeyInfo>> SpoolingMetadataStore::ListApiKeys(const std::string& tenant_id) {
  return inner_->ListApiKeys(tenant_id);
}
Result<CreateDocumentResult> SpoolingMetadataStore::CreateDocument(const std::string& tenant_id,
                                                                   const DocumentRecord& doc,
                                                                   std::int64_t max_queued,
                                                                   const std::string& actor) {
  Result<CreateDocumentResult> made = inner_->CreateDocument(tenant_id, doc, max_queued, actor);
  // The pipeline's first read of it may come while the store is failing.
  if (made.ok()) Remember(made->document);
  return made;
}
Result<DocumentRecord> SpoolingMetadataStore::FindByIdempotencyKey(
    const std::string& tenant_id, const std::string& idempotency_key) {
  return inner_->FindByIdempotencyKey(tenant_id, idempotency_key);
}
Result<DocumentPage> SpoolingMetadataStore::ListDocuments(const std::string& tenant_id,
                                                          const DocumentFilter& filter) {
  return inner_->ListDocuments(tenant_id, filter);
}
Result<DocumentPage> SpoolingMetadataStore::ListReviewQueue(const std::string& tenant_id,
                                                            int limit,
                                                            const std::string& cursor) {
  return inner_->ListReviewQueue(tenant_id, limit, cursor);
}
Status SpoolingMetadataStore::DeleteDocument(const std::string& tenant_id, const std::string& id,
                                             const std::string& actor) {
  return inner_->DeleteDocument(tenant_id, id, actor);
}
Result<std::int64_t> SpoolingMetadataStore::CountQueued(const std::string& tenant_id) {
  return inner_->CountQueued(tenant_id);
}
Result<std::map<ProcessingStatus, std::int64_t>> SpoolingMetadataStore::CountByStatus() {
  return inner_->CountByStatus();
}
Result<Correction> SpoolingMetadataStore::RecordReview(const std::string& tenant_id,
                                                       const std::string& document_id,
                                                       const ReviewInput& review) {
  return inner_->RecordReview(tenant_id, document_id, review);
}
Result<std::vector<DocumentRecord>> SpoolingMetadataStore::ClaimReviewTasks(
    const std::string& tenant_id, const std::string& reviewer, int max,
    std::chrono::milliseconds lease) {
  return inner_->ClaimReviewTasks(tenant_id, reviewer, max, lease);
}
Result<DocumentRecord> SpoolingMetadataStore::ClaimReviewTask(const std::string& tenant_id,
                                                              const std::string& document_id,
                                                              const std::string& reviewer,
                                                              std::chrono::milliseconds lease) {
  return inner_->ClaimReviewTask(tenant_id, document_id, reviewer, lease);
}
Status SpoolingMetadataStore::ReleaseReviewTask(const std::string& tenant_id,
                                                const std::string& document_id,
                                                const std::string& reviewer) {
  return inner_->ReleaseReviewTask(tenant_id, document_id, reviewer);
}
Result<std::vector<Correction>> SpoolingMetadataStore::ListCorrections(
    const std::string& tenant_id, const std::string& document_id) {
  return inner_->ListCorrections(tenant_id, document_id);
}
Result<std::vector<DocumentRecord>> SpoolingMetadataStore::ListReviewedDocuments(
    const std::string& tenant_id, int max) {
  return inner_->ListReviewedDocuments(tenant_id, max);
}
Result<WebhookEvent> SpoolingMetadataStore::EnqueueWebhook(const std::string& tenant_id,
                                                           const NewWebhookEvent& event) {
  return inner_->EnqueueWebhook(tenant_id, event);
}
Result<std::vector<WebhookEvent>> SpoolingMetadataStore::ClaimDueWebhooks(
    int max, std::chrono::milliseconds lease) {
  return inner_->ClaimDueWebhooks(max, lease);
}
Status SpoolingMetadataStore::MarkWebhookDelivered(const std::string& event_id) {
  return inner_->MarkWebhookDelivered(event_id);
}
Status SpoolingMetadataStore::MarkWebhookAttemptFailed(const std::string& event_id,
                                                       const std::string& error,
                                                       std::optional<std::int64_t> retry_at) {
  return inner_->MarkWebhookAttemptFailed(event_id, error, retry_at);
}
Result<WebhookEvent> SpoolingMetadataStore::GetWebhook(const std::string& tenant_id,
                                                       const std::string& event_id) {
  return inner_->GetWebhook(tenant_id, event_id);
}
Result<std::vector<WebhookEvent>> SpoolingMetadataStore::ListWebhooks(
    const std::string& tenant_id, WebhookState state, int limit) {
  return inner_->ListWebhooks(tenant_id, state, limit);
}
Status SpoolingMetadataStore::ReplayWebhook(const std::string& tenant_id,
                                            const std::string& event_id,
                                            const std::string& actor) {
  return inner_->ReplayWebhook(tenant_id, event_id, actor);
}
Result<std::int64_t> SpoolingMetadataStore::AppendAudit(const AuditInput& entry) {
  return inner_->AppendAudit(entry);
}
Result<std::vector<AuditEntry>> SpoolingMetadataStore::ListAudit(const std::string& tenant_id,
                                                                 std::int64_t after_seq,
                                                                 int limit) {
  return inner_->ListAudit(tenant_id, after_seq, limit);
}
Result<std::vector<AuditChainHead>> SpoolingMetadataStore::ListAuditHeads() {
  return inner_->ListAuditHeads();
}
Result<AuditVerification> SpoolingMetadataStore::VerifyAudit() { return inner_->VerifyAudit(); }
Status SpoolingMetadataStore::PutSenderMemory(const std::string& tenant_id,
                                              const SenderFieldMemory& memory,
                                              const std::string& actor) {
  return inner_->PutSenderMemory(tenant_id, memory, actor);
}
Result<std::vector<SenderFieldMemory>> SpoolingMetadataStore::ListSenderMemory(
    const std::string& tenant_id, const std::string& sender) {
  return inner_->ListSenderMemory(tenant_id, sender);
}
Result<std::vector<std::string>> SpoolingMetadataStore::ListSenders(const std::string& tenant_id,
                                                                    const std::string& prefix) {
  return inner_->ListSenders(tenant_id, prefix);
}

}  // namespace sheaf
