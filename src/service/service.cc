// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/service.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cache/memory_cache.h"
#include "core/result_json.h"
#include "core/state_json.h"
#include "learn/learner.h"
#include "resilience/circuit_breaker.h"
#include "service/corrections.h"
#include "service/file_exporter.h"
#include "service/hitl_fallback.h"

namespace sheaf {

namespace {

// Why Dispatch retries a reprocess message whose document is still finished (see Dispatch and
// FailedStage).
constexpr char kReprocessNotRecorded[] = "reprocess not recorded yet";

using WallClock = std::chrono::system_clock;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now().time_since_epoch())
      .count();
}

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string Payload(const DocumentRecord& doc) {
  return nlohmann::json{{"tenant_id", doc.tenant_id}, {"document_id", doc.id}}.dump();
}

// The lane message of a reprocess, published before the document is queued again (see
// Service::Reprocess).
std::string ReprocessPayload(const DocumentRecord& doc) {
  return nlohmann::json{{"tenant_id", doc.tenant_id}, {"document_id", doc.id}, {"reprocess", true}}
      .dump();
}

// Errors that mean the document itself cannot be processed: retrying will not help.
bool IsPermanent(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnsupportedFormat:
    case ErrorCode::kInvalidDocument:
    case ErrorCode::kEncryptedDocument:
    case ErrorCode::kLimitExceeded:
    case ErrorCode::kOcrFailed:
    case ErrorCode::kInvalidArgument:
      return true;
    default:
      return false;
  }
}

bool IsPending(ProcessingStatus s) {
  return s == ProcessingStatus::kQueued || s == ProcessingStatus::kProcessing;
}

// The type a reviewer gave the document that its reprocessing keeps: what Reprocess wrote in
// the ingest stage ("" when none: the document is classified, or takes its type hint).
std::string KeptType(const DocumentRecord& doc) {
  const nlohmann::json stages = nlohmann::json::parse(doc.stages_json, nullptr, false);
  if (!stages.is_object() || !stages.contains("ingest") || !stages["ingest"].is_object()) return "";
  const nlohmann::json& ingest = stages["ingest"];
  const auto by = ingest.find("document_type_by");
  const auto type = ingest.find("document_type");
  if (by == ingest.end() || *by != "review" || type == ingest.end() || !type->is_string()) {
    return "";
  }
  return type->get<std::string>();
}

std::string StateKey(const DocumentRecord& doc, const std::string& name) {
  return DocumentStateKey(doc.tenant_id, doc.id, name);
}

// Originals sit side by side in one folder per tenant, not in the document's own folder: storing
// an upload then creates no folder, which saves a folder sync on the ingestion path.
std::string OriginalKey(const std::string& tenant_id, const std::string& id) {
  return "tenants/" + tenant_id + "/originals/" + id;
}

}  // namespace

std::string DocumentPrefix(const std::string& tenant_id, const std::string& document_id) {
  return "tenants/" + tenant_id + "/documents/" + document_id;
}

std::string DocumentStateKey(const std::string& tenant_id, const std::string& document_id,
                             const std::string& name) {
  return DocumentPrefix(tenant_id, document_id) + "/state/" + name + ".json";
}

std::string ReviewerTypeKey(const std::string& tenant_id, const std::string& document_id) {
  return DocumentPrefix(tenant_id, document_id) + "/reviewer_type.json";
}

Service::Service(ServiceDeps deps, ServiceOptions options)
    : deps_(std::move(deps)), options_(std::move(options)) {}

Service::~Service() { Stop(std::chrono::steady_clock::now() + std::chrono::seconds(30)); }

Status Service::Start() {
  if (!pools_.empty()) return Status::Ok();
  for (const std::string& stage : options_.stages) {
    if (std::find(kStageNames.begin(), kStageNames.end(), stage) == kStageNames.end()) {
      return Status(ErrorCode::kInvalidArgument, "unknown stage \"" + stage + "\"");
    }
  }
  // Messages already on ocr.tasks (from before a restart) count against the OCR capacity.
  if (Result<TopicStats> st = deps_.broker->Stats(std::string(topics::kOcrTasks)); st.ok()) {
    ocr_in_flight_.store(static_cast<int>(st->depth() + st->in_flight));
  }
  auto add = [&](std::string name, std::vector<std::string_view> from, int workers,
                 Status (Service::*fn)(const Delivery&), std::function<bool()> gate = {}) {
    if (!Runs(name)) return static_cast<StagePool*>(nullptr);
    StagePoolOptions o;
    o.name = std::move(name);
    for (std::string_view t : from) o.topics.emplace_back(t);
    o.workers = std::max(1, workers);
    o.lease = options_.lease;
    o.idle_poll = options_.idle_poll;
    if (deps_.hold) {
      o.may_take = [hold = deps_.hold, gate = std::move(gate)] {
        return !hold() && (!gate || gate());
      };
    } else {
      o.may_take = std::move(gate);
    }
    std::chrono::milliseconds simulated{0};
    if (auto it = options_.simulated_work.find(o.name); it != options_.simulated_work.end()) {
      simulated = it->second;
    }
    std::lock_guard<std::mutex> lock(pools_mu_);
    pools_.push_back(std::make_unique<StagePool>(
        deps_.broker, std::move(o),
        [this, fn, simulated](const Delivery& d) {
          if (simulated.count() > 0) std::this_thread::sleep_for(simulated);
          return (this->*fn)(d);
        },
        deps_.observer));
    return pools_.back().get();
  };
  const int ocr = std::max(1, options_.ocr_workers);
  const int window = options_.dispatch_window > 0 ? options_.dispatch_window : ocr + 1;
  std::function<bool()> gate;
  // L2's "reduce batch size": half the window while the service is told to.
  auto window_now = [reduce = deps_.reduce_batch, window] {
    return reduce && reduce() ? std::max(1, window / 2) : window;
  };
  if (Runs("ocr")) {
    // One document more than the OCR workers, so that a worker that finishes finds the next
    // one waiting instead of waiting for the dispatcher. The local count is exact only while
    // this process's OCR workers are the only ones: with OCR workers in other processes on a
    // shared broker, a task they read never frees a slot here, so a full count is checked
    // against the broker's backlog (at most every 100 ms) before dispatch stops.
    gate = [this, window_now] {
      const int w = window_now();
      return ocr_in_flight_.load() < w || OcrBacklog() < w;
    };
  } else {
    gate = [this, window_now] { return OcrBacklog() < window_now(); };
  }
  dispatcher_ = add("dispatch",
                    {topics::kDocumentsUrgent, topics::kDocumentsHigh, topics::kDocumentsNormal}, 1,
                    &Service::Dispatch, std::move(gate));
  add("ocr", {topics::kOcrTasks}, ocr, &Service::Ocr);
  add("classify", {topics::kClassificationTasks}, options_.stage_workers, &Service::ClassifyStage);
  add("extract", {topics::kExtractionTasks}, options_.stage_workers, &Service::ExtractStage);
  add("validate", {topics::kValidationTasks}, options_.stage_workers, &Service::ValidateStage);
  add("completed", {topics::kDocumentsCompleted}, 1, &Service::CompletedStage);
  add("export", {topics::kExportTasks}, options_.stage_workers, &Service::ExportStage);
  add("review", {topics::kReviewTasks}, 1, &Service::ReviewStage);
  add("failed", {topics::kDocumentsFailed}, 1, &Service::FailedStage);
  for (auto& p : pools_) p->Start();
  started_.store(true);
  return Status::Ok();
}

bool Service::Runs(std::string_view stage) const {
  return options_.stages.empty() || options_.stages.count(std::string(stage)) > 0;
}

std::int64_t Service::OcrBacklog() {
  std::lock_guard<std::mutex> lock(backlog_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (now - backlog_at_ >= std::chrono::milliseconds(100)) {
    Result<TopicStats> st = deps_.broker->Stats(std::string(topics::kOcrTasks));
    // A broker that cannot say is treated as full: nothing is dispatched blind.
    if (!st.ok()) return std::numeric_limits<std::int64_t>::max();
    backlog_seen_ = st->depth() + st->in_flight;
    backlog_at_ = now;
    dispatched_since_.store(0);
  }
  return backlog_seen_ + dispatched_since_.load();
}

bool Service::Stop(std::chrono::steady_clock::time_point deadline) {
  for (auto& p : pools_) p->RequestStop();
  bool clean = true;
  for (auto& p : pools_) clean = p->Stop(deadline) && clean;
  {
    std::lock_guard<std::mutex> lock(pools_mu_);
    pools_.clear();
  }
  dispatcher_ = nullptr;
  return clean;
}

std::optional<double> Service::WorkerAvailability() const {
  if (!started_.load()) return std::nullopt;  // unknown until every pool has started
  std::lock_guard<std::mutex> lock(pools_mu_);
  int alive = 0;
  int configured = 0;
  for (const auto& p : pools_) {
    alive += p->alive();
    configured += p->workers();
  }
  if (configured == 0) return std::nullopt;
  return static_cast<double>(alive) / configured;
}

void Service::WakeTopic(std::string_view topic) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kPoolOf = {
      {topics::kDocumentsUrgent, "dispatch"},
      {topics::kDocumentsHigh, "dispatch"},
      {topics::kDocumentsNormal, "dispatch"},
      {topics::kOcrTasks, "ocr"},
      {topics::kClassificationTasks, "classify"},
      {topics::kExtractionTasks, "extract"},
      {topics::kValidationTasks, "validate"},
      {topics::kDocumentsCompleted, "completed"},
      {topics::kExportTasks, "export"},
      {topics::kReviewTasks, "review"},
      {topics::kDocumentsFailed, "failed"},
  };
  for (const auto& [t, pool] : kPoolOf) {
    if (t != topic) continue;
    for (auto& p : pools_) {
      if (p->name() == pool) p->Wake();
    }
  }
}

void Service::Invalidate(const std::string& tenant_id, const std::string& id) {
  if (deps_.api_cache != nullptr) deps_.api_cache->ErasePrefix("api/" + tenant_id + "/" + id);
}

// ---------------------------------------------------------------------------------------------
// Ingestion

Result<IngestResult> Service::Ingest(const IngestRequest& req, bool* queue_full) {
  if (queue_full != nullptr) *queue_full = false;
  if (!req.idempotency_key.empty()) {
    Result<DocumentRecord> seen =
        deps_.metadata->FindByIdempotencyKey(req.tenant_id, req.idempotency_key);
    if (seen.ok()) return IngestResult{std::move(seen).value(), false};
    if (seen.status().code() != ErrorCode::kNotFound) return seen.status();
  }
  if (!req.bytes || req.bytes->empty()) {
    return Status(ErrorCode::kInvalidDocument, "the upload is empty (0 bytes)");
  }
  const std::string name = req.filename.empty() ? "upload" : req.filename;
  // Refuse what the pipeline would refuse, before anything is stored.
  Loader::Opened probe = deps_.loader->OpenBytes(req.bytes, name);
  if (!probe.reader) return probe.status;
  const int pages = probe.reader->page_count();
  probe.reader.reset();
  if (options_.max_queued_per_tenant > 0) {
    Result<std::int64_t> queued = deps_.metadata->CountQueued(req.tenant_id);
    if (!queued.ok()) return queued.status();
    if (*queued >= options_.max_queued_per_tenant) {
      if (queue_full != nullptr) *queue_full = true;
      return Status(ErrorCode::kLimitExceeded,
                    "the tenant has " + std::to_string(*queued) +
                        " documents waiting, the limit is " +
                        std::to_string(options_.max_queued_per_tenant) + "; retry later");
    }
  }

  DocumentRecord doc;
  doc.id = NewDocumentId();
  doc.tenant_id = req.tenant_id;
  doc.status = ProcessingStatus::kQueued;
  doc.priority = req.priority;
  doc.type_hint = req.type_hint;
  doc.document_type = req.type_hint;
  doc.webhook_url = req.webhook_url;
  if (doc.webhook_url.empty()) {
    Result<Tenant> tenant = deps_.metadata->GetTenant(req.tenant_id);
    if (tenant.ok()) doc.webhook_url = tenant->default_webhook_url;
  }
  doc.metadata_json = req.metadata_json.empty() ? "{}" : req.metadata_json;
  doc.idempotency_key = req.idempotency_key;
  doc.source_name = name;
  doc.content_type = req.content_type;
  doc.size = static_cast<std::int64_t>(req.bytes->size());
  doc.sha256 = probe.sha256;
  doc.blob_key = OriginalKey(req.tenant_id, doc.id);
  doc.stages_json = nlohmann::json{{"ingest", {{"pages", pages}, {"at", NowMs()}}}}.dump();

  // 1. The bytes and the queue message, written at the same time. 2. The record, once both are
  // durable. A crash before 2 leaves an orphan blob or message (never answered 202; a message
  // without a record is dropped after orphan_grace), never a recorded document without its
  // bytes or its message.
  std::future<Status> published = deps_.broker->PublishAsync(
      std::string(LaneTopic(req.priority)), req.tenant_id, doc.id, Payload(doc));
  const Status stored = deps_.blobs->Put(doc.blob_key, *req.bytes);
  if (Status sent = published.get(); !stored.ok() || !sent.ok()) {
    if (stored.ok()) (void)deps_.blobs->Delete(doc.blob_key);
    return stored.ok() ? sent : stored;
  }
  Result<CreateDocumentResult> made = deps_.metadata->CreateDocument(
      req.tenant_id, doc, options_.max_queued_per_tenant, req.actor);
  if (!made.ok()) {
    if (made.status().code() == ErrorCode::kLimitExceeded && queue_full != nullptr) {
      *queue_full = true;
    }
    (void)deps_.blobs->Delete(doc.blob_key);
    return made.status();
  }
  if (!made->created) (void)deps_.blobs->Delete(doc.blob_key);  // lost an idempotency race
  WakeTopic(LaneTopic(req.priority));
  return IngestResult{std::move(made->document), made->created};
}

// ---------------------------------------------------------------------------------------------
// Stage plumbing

Service::Loaded Service::LoadFor(const Delivery& d) {
  Loaded out;
  nlohmann::json j = nlohmann::json::parse(d.message.payload, nullptr, false);
  if (!j.is_object() || !j.contains("document_id") || !j["document_id"].is_string() ||
      !j.contains("tenant_id") || !j["tenant_id"].is_string()) {
    spdlog::error("{}: dropping malformed message {}", d.message.topic, d.message_id);
    return out;  // OK: ack, nothing to do
  }
  out.reprocess = j.contains("reprocess") && j["reprocess"] == true;
  Result<DocumentRecord> doc = deps_.metadata->GetDocument(j["tenant_id"].get<std::string>(),
                                                           j["document_id"].get<std::string>());
  if (doc.ok()) {
    out.doc = std::move(doc).value();
    return out;
  }
  if (doc.status().code() != ErrorCode::kNotFound) {
    out.settle = doc.status();
    return out;
  }
  if (InOrphanGrace(d)) out.settle = Status(ErrorCode::kUnavailable, "document not recorded yet");
  return out;  // deleted, or an upload that never completed: drop
}

bool Service::InOrphanGrace(const Delivery& d) const {
  return WallClock::now() - d.enqueued_at < options_.orphan_grace;
}

Status Service::PublishNext(std::string_view topic, const DocumentRecord& doc) {
  return PublishNext(topic, doc, Payload(doc));
}

Status Service::PublishNext(std::string_view topic, const DocumentRecord& doc,
                            const std::string& payload) {
  Status s = deps_.broker->Publish(std::string(topic), doc.tenant_id, doc.id, payload);
  if (s.ok()) WakeTopic(topic);
  return s;
}

Status Service::WriteDocument(const DocumentRecord& doc, const DocumentUpdate& update) {
  CircuitBreaker* breaker = deps_.database_breaker;
  if (breaker != nullptr && !breaker->TryAcquirePermission()) {
    return Status(ErrorCode::kUnavailable, "circuit breaker " + breaker->name() + " is open");
  }
  const auto start = std::chrono::steady_clock::now();
  Status s = deps_.metadata->UpdateDocument(doc.tenant_id, doc.id, update, "pipeline");
  const auto took = std::chrono::steady_clock::now() - start;
  if (breaker != nullptr) {
    // invalid_argument (the status guard refused) and not_found are answers: the store works.
    if (s.ok() || s.code() == ErrorCode::kInvalidArgument || s.code() == ErrorCode::kNotFound) {
      breaker->OnSuccess(took);
    } else {
      breaker->OnError(took);
    }
  }
  if (deps_.observe_database_write) deps_.observe_database_write(took);
  return s;
}

Status Service::RecordStage(const DocumentRecord& doc, const std::string& stage, double ms,
                            std::optional<std::string> document_type) {
  DocumentUpdate u;
  u.stage_name = stage;
  u.stage_json = nlohmann::json{{"ms", ms}, {"finished_at", NowMs()}}.dump();
  u.document_type = std::move(document_type);
  u.only_if = {ProcessingStatus::kProcessing};
  Status s = WriteDocument(doc, u);
  Invalidate(doc.tenant_id, doc.id);
  return s;
}

Status Service::FailDocument(const DocumentRecord& doc, const Status& error, bool announce) {
  Document failed;
  failed.source = doc.source_name;
  failed.sha256 = doc.sha256;
  failed.status = DocumentStatus::kFailed;
  failed.error = error;
  DocumentUpdate u;
  u.status = ProcessingStatus::kFailed;
  u.error = error.message();
  u.result_json = DumpJson(DocumentToJson(failed, {}));
  u.only_if = {ProcessingStatus::kQueued, ProcessingStatus::kProcessing};
  u.audit_action = "document.failed";
  Status s = WriteDocument(doc, u);
  Invalidate(doc.tenant_id, doc.id);
  if (s.code() == ErrorCode::kInvalidArgument || s.code() == ErrorCode::kNotFound) {
    return Status::Ok();  // already settled, or deleted
  }
  if (!s.ok() || !announce) return s;
  return PublishNext(topics::kDocumentsFailed, doc);
}

Status Service::Forget(const DocumentRecord& doc) {
  // Deleted while this stage worked on it: the delete already removed what existed then; remove
  // what the stage wrote since.
  if (Status s = deps_.blobs->DeletePrefix(DocumentPrefix(doc.tenant_id, doc.id)); !s.ok()) {
    return s;
  }
  return deps_.blobs->Delete(doc.blob_key);
}

Result<Document> Service::ReadState(const DocumentRecord& doc, const std::string& name) {
  Result<std::string> bytes = deps_.blobs->Get(StateKey(doc, name));
  if (!bytes.ok()) return bytes.status();
  nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, false);
  if (j.is_discarded()) {
    return Status(ErrorCode::kInternal, StateKey(doc, name) + ": not JSON");
  }
  return DocumentFromStateJson(j);
}

Status Service::WriteState(const DocumentRecord& doc, const std::string& name,
                           const Document& state) {
  return deps_.blobs->Put(StateKey(doc, name), DumpJson(DocumentToStateJson(state)));
}

// ---------------------------------------------------------------------------------------------
// The stages

Status Service::Dispatch(const Delivery& d) {
  Loaded l = LoadFor(d);
  if (!l.doc) return l.settle;
  DocumentRecord& doc = *l.doc;
  if (!IsPending(doc.status)) {
    // A reprocess message can arrive before its document is queued again (it is published
    // first); after orphan_grace it is one whose Reprocess never got that far, and is dropped.
    if (l.reprocess && InOrphanGrace(d)) {
      return Status(ErrorCode::kUnavailable, kReprocessNotRecorded);
    }
    return Status::Ok();  // settled already (a duplicate)
  }
  if (doc.status == ProcessingStatus::kQueued) {
    DocumentUpdate u;
    u.status = ProcessingStatus::kProcessing;
    u.stage_name = "queued";
    u.stage_json =
        nlohmann::json{{"ms", static_cast<double>(NowMs() - doc.created_at)}, {"finished_at", NowMs()}}
            .dump();
    u.only_if = {ProcessingStatus::kQueued};
    u.audit_action = "document.processing";
    Status s = WriteDocument(doc, u);
    Invalidate(doc.tenant_id, doc.id);
    if (s.code() == ErrorCode::kNotFound) return Status::Ok();
    if (!s.ok() && s.code() != ErrorCode::kInvalidArgument) return s;
  }
  ocr_in_flight_.fetch_add(1);
  Status s = PublishNext(topics::kOcrTasks, doc);
  if (!s.ok()) {
    ocr_in_flight_.fetch_sub(1);
  } else {
    dispatched_since_.fetch_add(1);
  }
  return s;
}

Status Service::StateStage(const Delivery& d, const std::string& stage, const std::string& output,
                           std::string_view next, const StageWork& work) {
  Loaded l = LoadFor(d);
  if (!l.doc) return l.settle;
  const DocumentRecord& doc = *l.doc;
  if (doc.status != ProcessingStatus::kProcessing) return Status::Ok();
  Result<bool> done = deps_.blobs->Exists(StateKey(doc, output));
  if (!done.ok()) return done.status();
  if (!*done) {  // else a redelivery: the output is stored, only the next message may be missing
    const auto t0 = std::chrono::steady_clock::now();
    Result<std::optional<Document>> state = work(doc);
    if (!state.ok()) return state.status();
    if (!state->has_value()) return Status::Ok();  // settled without an output
    if (Status s = WriteState(doc, output, **state); !s.ok()) return s;
    // The type as far as known: "unknown" (the default) until the document is classified.
    const std::string& type = (*state)->document_type.label;
    Status s = RecordStage(doc, stage, MsSince(t0),
                           type == DocumentType{}.label ? std::nullopt : std::optional(type));
    if (s.code() == ErrorCode::kNotFound) return Forget(doc);
    if (s.code() == ErrorCode::kInvalidArgument) return Status::Ok();  // no longer processing
    if (!s.ok()) return s;
  }
  return PublishNext(next, doc);
}

// The previous stage's output; nullopt when it is gone, which happens only when the document
// was deleted or reprocessed meanwhile (then there is nothing to do).
Result<std::optional<Document>> Service::ReadInput(const DocumentRecord& doc,
                                                   const std::string& name) {
  Result<Document> state = ReadState(doc, name);
  if (state.ok()) return std::optional<Document>(std::move(state).value());
  if (state.status().code() == ErrorCode::kNotFound) return std::optional<Document>();
  return state.status();
}

Status Service::Ocr(const Delivery& d) {
  struct Release {  // this attempt no longer holds an OCR slot, whatever its outcome
    Service* self;
    ~Release() {
      if (self->ocr_in_flight_.fetch_sub(1) <= 0) self->ocr_in_flight_.store(0);
      if (self->dispatcher_ != nullptr) self->dispatcher_->Wake();
    }
  } release{this};
  return StateStage(
      d, "ocr", "ocr", topics::kClassificationTasks,
      [this](const DocumentRecord& doc) -> Result<std::optional<Document>> {
        Result<std::string> bytes = deps_.blobs->Get(doc.blob_key);
        if (!bytes.ok()) {
          if (bytes.status().code() == ErrorCode::kNotFound) return std::optional<Document>();
          return bytes.status();
        }
        Document out;
        Processor::Input input{doc.source_name,
                               std::make_shared<const std::string>(std::move(bytes).value())};
        deps_.processor->Run(std::vector<Processor::Input>{input},
                             [&](std::size_t, Document&& result) { out = std::move(result); });
        if (out.status == DocumentStatus::kFailed) {
          if (!IsPermanent(out.error.code())) return out.error;  // retried
          Status s = FailDocument(doc, out.error, /*announce=*/true);
          if (!s.ok()) return s;
          return std::optional<Document>();
        }
        return std::optional<Document>(std::move(out));
      });
}

Status Service::ClassifyStage(const Delivery& d) {
  return StateStage(d, "classify", "classified", topics::kExtractionTasks,
                    [this](const DocumentRecord& doc) -> Result<std::optional<Document>> {
                      Result<std::optional<Document>> state = ReadInput(doc, "ocr");
                      if (!state.ok() || !state->has_value()) return state;
                      if (std::string kept = KeptType(doc); !kept.empty()) {
                        (*state)->document_type = {kept, 1.0};  // a reviewer said (Reprocess)
                      } else if (!doc.type_hint.empty()) {
                        (*state)->document_type = {doc.type_hint, 1.0};  // the client said
                      } else {
                        // The tenant's own model when it has one (docs/learning.md).
                        std::shared_ptr<const Understander> own =
                            deps_.tenant_understander ? deps_.tenant_understander(doc.tenant_id)
                                                      : nullptr;
                        (own ? own.get() : deps_.understander)->ClassifyStep(&**state);
                      }
                      return state;
                    });
}

Status Service::ExtractStage(const Delivery& d) {
  return StateStage(
      d, "extract", "extracted", topics::kValidationTasks,
      [this](const DocumentRecord& doc) -> Result<std::optional<Document>> {
        Result<std::optional<Document>> state = ReadInput(doc, "classified");
        if (!state.ok() || !state->has_value()) return state;
        if (Status s = ExtractWithOriginal(doc, &**state); !s.ok()) return s;
        return state;
      });
}

Status Service::ExtractWithOriginal(const DocumentRecord& doc, Document* page) {
  // An embedded e-invoice is read from the PDF file itself: give the extractor a copy.
  std::string scratch;
  if (page->format == "pdf" && !options_.work_dir.empty()) {
    Result<std::string> bytes = deps_.blobs->Get(doc.blob_key);
    if (!bytes.ok()) return bytes.status();
    scratch = options_.work_dir + "/" + doc.id + ".pdf";
    std::ofstream f(scratch, std::ios::binary | std::ios::trunc);
    f.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    if (!f) return Status(ErrorCode::kIoError, "cannot write " + scratch);
  }
  const std::string source = page->source;
  if (!scratch.empty()) page->source = scratch;
  // The tenant's own models when it has any (its ranker, docs/learning.md).
  std::shared_ptr<const Understander> own =
      deps_.tenant_understander ? deps_.tenant_understander(doc.tenant_id) : nullptr;
  (own ? own.get() : deps_.understander)->ExtractStep(page);
  page->source = source;
  if (!scratch.empty()) std::filesystem::remove(scratch);
  return Status::Ok();
}

Result<std::optional<std::string>> Service::WebhookBodyFor(const DocumentRecord& doc,
                                                           const std::string& event_type,
                                                           const std::string& status,
                                                           const std::string& result_json) {
  if (doc.webhook_url.empty()) return std::optional<std::string>();
  nlohmann::ordered_json body;
  body["event"] = event_type;
  body["document_id"] = doc.id;
  body["status"] = status;
  body["created_at"] = doc.created_at;
  body["metadata"] = nlohmann::json::parse(doc.metadata_json, nullptr, false);
  body["result"] = nlohmann::ordered_json::parse(result_json, nullptr, false);
  return std::optional<std::string>(DumpJson(body));
}

Status Service::ValidateStage(const Delivery& d) {
  Loaded l = LoadFor(d);
  if (!l.doc) return l.settle;
  const DocumentRecord& doc = *l.doc;
  if (doc.status != ProcessingStatus::kProcessing) {
    // Settled by an earlier delivery whose ack was lost: make sure the next step happened.
    if (doc.status == ProcessingStatus::kCompleted) return PublishNext(topics::kDocumentsCompleted, doc);
    return Status::Ok();
  }
  const auto t0 = std::chrono::steady_clock::now();
  Result<Document> state = ReadState(doc, "extracted");
  if (!state.ok()) {
    return state.status().code() == ErrorCode::kNotFound ? Status::Ok() : state.status();
  }
  // What corrections taught about this sender fills or overrides fields before validation, so
  // the rules and the review decision see them (docs/learning.md).
  Result<learn::SenderLearner::Recalled> recalled =
      learn::SenderLearner(deps_.metadata).Recall(doc.tenant_id, &*state);
  if (!recalled.ok()) return recalled.status();
  deps_.understander->ValidateStep(&*state);
  state->timings_ms["validate"] = MsSince(t0);
  // The HITL fallback (L3): review unavailable, every field confident -> approved here.
  std::optional<std::string> auto_approved;
  if (state->status == DocumentStatus::kNeedsReview && deps_.review_unavailable) {
    if (std::optional<std::string> why = deps_.review_unavailable()) {
      AutoApproval a = DecideAutoApproval(*state);
      if (a.approve) {
        auto_approved = "review unavailable (" + *why + "); " + a.reason;
        state->status = DocumentStatus::kCompleted;
      }
    }
  }
  const bool completed = state->status == DocumentStatus::kCompleted;
  nlohmann::ordered_json result_tree = DocumentToJson(*state, {});
  if (auto_approved) {
    result_tree["auto_approved"] = {{"reason", *auto_approved},
                                    {"review_reasons", state->review_reasons}};
  }
  result_tree["sender"] = recalled->sender.key.empty()
                              ? nlohmann::ordered_json(nullptr)
                              : nlohmann::ordered_json{{"kind", recalled->sender.kind},
                                                       {"key", recalled->sender.key}};
  const std::string result = DumpJson(result_tree);
  DocumentUpdate u;
  u.status = completed ? ProcessingStatus::kCompleted : ProcessingStatus::kNeedsReview;
  u.document_type = state->document_type.label;
  u.result_json = result;
  u.sender = recalled->sender.key;  // GET /v1/documents?sender= lists by it
  u.stage_name = "validate";
  u.stage_json = nlohmann::json{{"ms", MsSince(t0)}, {"finished_at", NowMs()}}.dump();
  u.only_if = {ProcessingStatus::kProcessing};
  u.audit_action = completed ? "document.completed" : "document.needs_review";
  if (auto_approved) {
    u.audit_action = "document.auto_approved";
    u.audit_details_json = nlohmann::json{{"status", "completed"}, {"reason", *auto_approved}}.dump();
  }
  if (completed) {
    Result<std::optional<std::string>> body =
        WebhookBodyFor(doc, "document.completed", "completed", result);
    if (!body.ok()) return body.status();
    if (body->has_value()) {
      u.webhook = NewWebhookEvent{doc.id, doc.webhook_url, "document.completed", **body};
    }
  }
  Status s = WriteDocument(doc, u);
  Invalidate(doc.tenant_id, doc.id);
  if (s.code() == ErrorCode::kNotFound || s.code() == ErrorCode::kInvalidArgument) {
    return Status::Ok();
  }
  if (!s.ok()) return s;
  return PublishNext(completed ? topics::kDocumentsCompleted : topics::kReviewTasks, doc);
}

Status Service::CompletedStage(const Delivery& d) {
  if (deps_.exporter == nullptr) return Status::Ok();
  Loaded l = LoadFor(d);
  if (!l.doc) return l.settle;
  return PublishNext(topics::kExportTasks, *l.doc);
}

Status Service::ExportStage(const Delivery& d) {
  if (deps_.exporter == nullptr) return Status::Ok();
  Loaded l = LoadFor(d);
  if (!l.doc) return l.settle;
  const DocumentRecord& doc = *l.doc;
  if (doc.result_json.empty()) return Status::Ok();
  // Writing the same file again replaces it: a redelivery never makes a second export.
  return deps_.exporter->Export(doc.tenant_id, doc.id, doc.result_json);
}

Status Service::ReviewStage(const Delivery& d) {
  // The review queue is the metadata store's list of needs_review documents (urgent and oldest
  // first); this topic announces arrivals to anything else that listens.
  (void)d;
  return Status::Ok();
}

Status Service::FailedStage(const Delivery& d) {
  if (d.message.origin_topic.empty()) return Status::Ok();  // published by FailDocument
  // A message that ran out of attempts on another topic: its document fails with the last error.
  Loaded l = LoadFor(d);
  if (!l.doc) return l.settle.ok() ? Status::Ok() : l.settle;
  if (!IsPending(l.doc->status)) return Status::Ok();
  // A reprocess message that spent its attempts waiting for its document to be queued (it is
  // published first) failed nothing: the document, queued since, by that Reprocess or a later
  // one, goes back to its lane. Duplicates are settled by Dispatch.
  if (l.reprocess && d.message.last_error == kReprocessNotRecorded) {
    return PublishNext(d.message.origin_topic, *l.doc);
  }
  return FailDocument(*l.doc,
                      Status(ErrorCode::kUnavailable, "gave up on " + d.message.origin_topic +
                                                          " after its attempts: " +
                                                          d.message.last_error),
                      /*announce=*/false);
}

// ---------------------------------------------------------------------------------------------
// Requests about one document

Status Service::Delete(const std::string& tenant_id, const std::string& id,
                       const std::string& actor) {
  Result<DocumentRecord> doc = deps_.metadata->GetDocument(tenant_id, id);
  if (!doc.ok()) return doc.status();
  if (Status s = deps_.metadata->DeleteDocument(tenant_id, id, actor); !s.ok()) return s;
  Invalidate(tenant_id, id);
  if (Status s = deps_.blobs->Delete(doc->blob_key); !s.ok()) return s;
  return deps_.blobs->DeletePrefix(DocumentPrefix(tenant_id, id));
}

Result<DocumentRecord> Service::Reprocess(const std::string& tenant_id, const std::string& id,
                                          const std::string& actor, bool reclassify) {
  Result<DocumentRecord> doc = deps_.metadata->GetDocument(tenant_id, id);
  if (!doc.ok()) return doc.status();
  if (IsPending(doc->status)) {
    return Status(ErrorCode::kInvalidArgument,
                  "document " + id + " is " + std::string(ProcessingStatusName(doc->status)) +
                      "; only a finished document can be reprocessed");
  }
  // The reviewer's type, kept (it rides in the ingest stage to the classify stage), or
  // forgotten when the caller asks for the document to be classified again.
  std::optional<std::string> kept;
  if (reclassify) {
    if (Status s = deps_.blobs->Delete(ReviewerTypeKey(tenant_id, id)); !s.ok()) return s;
  } else {
    Result<std::optional<std::string>> reviewed = ReviewerType(*doc);
    if (!reviewed.ok()) return reviewed.status();
    kept = *reviewed;
    if (kept && deps_.understander != nullptr && deps_.understander->schemas().count(*kept) == 0) {
      spdlog::warn("document {}: the reviewer's type \"{}\" is no schema here any more; the "
                   "document is classified again", id, *kept);
      kept.reset();
    }
  }
  nlohmann::json ingest{{"at", NowMs()}, {"reprocess", true}};
  nlohmann::json details{{"from", ProcessingStatusName(doc->status)},
                         {"to", "queued"},
                         {"stage", "ingest"}};
  if (kept) {
    ingest["document_type"] = *kept;
    ingest["document_type_by"] = "review";
    details["document_type"] = *kept;
    details["document_type_by"] = "review";
  }
  if (reclassify) details["reclassify"] = true;
  // The stages' stored outputs go first, so that no stage skips its work.
  if (Status s = deps_.blobs->DeletePrefix(DocumentPrefix(tenant_id, id) + "/state"); !s.ok()) {
    return s;
  }
  DocumentUpdate u;
  u.status = ProcessingStatus::kQueued;
  u.reset_stages = true;
  u.stage_name = "ingest";
  u.stage_json = ingest.dump();
  u.result_json = "";
  u.error = "";
  u.document_type = kept ? *kept : doc->type_hint;
  u.only_if = {ProcessingStatus::kCompleted, ProcessingStatus::kNeedsReview,
               ProcessingStatus::kFailed, ProcessingStatus::kRejected};
  u.audit_action = "document.reprocess";
  u.audit_details_json = details.dump();
  // The message before the status: a crash between the two leaves a message that finds its
  // document still finished and is dropped after orphan_grace, and the document can be
  // reprocessed again. (The other order would leave it queued with no message to move it.)
  if (Status s = PublishNext(LaneTopic(doc->priority), *doc, ReprocessPayload(*doc)); !s.ok()) {
    return s;
  }
  if (Status s = deps_.metadata->UpdateDocument(tenant_id, id, u, actor); !s.ok()) return s;
  Invalidate(tenant_id, id);
  return deps_.metadata->GetDocument(tenant_id, id);
}

Result<const std::map<std::string, extract::Schema>*> Service::DocumentTypes() const {
  if (deps_.understander == nullptr) {
    return Status(ErrorCode::kUnavailable,
                  "this process reads no documents (it runs no extraction), so it has no types");
  }
  return &deps_.understander->schemas();
}

Result<std::string> Service::PageText(const std::string& tenant_id, const std::string& id,
                                      int page) {
  Result<Page> p = OcrPage(tenant_id, id, page);
  if (!p.ok()) return p.status();
  return p->Text();
}

Result<Page> Service::OcrPage(const std::string& tenant_id, const std::string& id, int page) {
  Result<DocumentRecord> doc = deps_.metadata->GetDocument(tenant_id, id);
  if (!doc.ok()) return doc.status();
  Result<Document> state = ReadState(*doc, "ocr");
  if (!state.ok()) {
    if (state.status().code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kNotFound, "document " + id + " has not been read yet");
    }
    return state.status();
  }
  if (page < 1 || page > static_cast<int>(state->pages.size())) {
    return Status(ErrorCode::kNotFound, "document " + id + " has " +
                                            std::to_string(state->pages.size()) +
                                            " pages; there is no page " + std::to_string(page));
  }
  return std::move(state->pages[static_cast<std::size_t>(page - 1)]);
}

Result<std::string> Service::PageImage(const std::string& tenant_id, const std::string& id,
                                       int page) {
  Result<DocumentRecord> doc = deps_.metadata->GetDocument(tenant_id, id);
  if (!doc.ok()) return doc.status();
  Result<Document> state = ReadState(*doc, "ocr");
  if (!state.ok()) {
    if (state.status().code() == ErrorCode::kNotFound) {
      return Status(ErrorCode::kNotFound, "document " + id + " has not been read yet");
    }
    return state.status();
  }
  if (page < 1 || page > static_cast<int>(state->pages.size())) {
    return Status(ErrorCode::kNotFound, "document " + id + " has " +
                                            std::to_string(state->pages.size()) +
                                            " pages; there is no page " + std::to_string(page));
  }
  const Page& p = state->pages[static_cast<std::size_t>(page - 1)];
  if (p.source != PageSource::kOcr) {
    return Status(ErrorCode::kInvalidArgument,
                  "page " + std::to_string(page) + " was read from the file's text, not from an "
                  "image; it has no page image (use /text)");
  }
  Result<std::string> bytes = deps_.blobs->Get(doc->blob_key);
  if (!bytes.ok()) return bytes.status();
  Loader::Opened o = deps_.loader->OpenBytes(
      std::make_shared<const std::string>(std::move(bytes).value()), doc->source_name);
  if (!o.reader) return o.status;
  Result<RawPage> raw = o.reader->ReadPage(page - 1);
  if (!raw.ok()) return raw.status();
  if (!deps_.encode_png) return Status(ErrorCode::kInternal, "no PNG encoder configured");
  // Upright as read (the rotation the pipeline applied; boxes are in this page's pixels up to
  // the small deskew angle).
  return deps_.encode_png(raw->image, p.preprocess.rotation);
}

}  // namespace sheaf
