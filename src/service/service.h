// SPDX-License-Identifier: GPL-3.0-or-later
//
// Service: Sheaf as a long-running platform (`sheaf serve`). It accepts documents durably and
// moves each through the design's topics (docs/service.md):
//
//   documents.{urgent,high,normal}  --dispatch-->  ocr.tasks  --ocr-->  classification.tasks
//   --classify-->  extraction.tasks  --extract-->  validation.tasks  --validate-->
//   documents.completed (--> export.tasks) | review.tasks | documents.failed
//
// Pre-processing runs inside the OCR stage (it needs the decoded page, which is never put on a
// queue). Messages carry only the tenant and document ids (claim check); each stage reads its
// input from the BlobStore (the original, or the previous stage's state document) and writes
// its output there before it publishes the next message and acks its own, so a redelivered
// message finds the output already stored and only publishes again: every stage is idempotent
// on (document, stage, input). The final write (status, result, webhook event) is one
// MetadataStore transaction guarded by the document's status, so a document completes once.
//
// Priority and fairness: the dispatcher moves documents from the lanes to ocr.tasks only while
// an OCR worker is free, so the backlog waits in the lanes, where the broker serves urgent
// before high before normal (weighted, never starving) and tenants in turns.
//
// Thread safety: every public method may be called from any thread once Start returned.
#ifndef SHEAF_SERVICE_SERVICE_H_
#define SHEAF_SERVICE_SERVICE_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "learn/sender_memory.h"
#include "pipeline/loader.h"
#include "pipeline/processor.h"
#include "pipeline/understand.h"
#include "sheaf/blob_store.h"
#include "sheaf/broker.h"
#include "sheaf/image.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"
#include "service/stage_pool.h"

namespace sheaf {

class CircuitBreaker;
class FileExporter;
class MemoryCache;

struct ServiceOptions {
  int ocr_workers = 2;    // documents read at once (OCR is the expensive stage)
  int stage_workers = 1;  // per other stage (classify, extract, validate, export, ...)
  // A message's lease; extended every third of it while a worker holds it, so it only runs out
  // when the worker is gone (then the message is delivered again).
  std::chrono::milliseconds lease{30000};
  std::int64_t max_queued_per_tenant = 100000;  // pending documents per tenant; 0 = no cap
  std::string work_dir;  // scratch files (e-invoice attachments are read from a file)
  // A message whose document is not (yet) in the metadata store is retried while younger than
  // this (the upload that published it may still be committing), then dropped.
  std::chrono::milliseconds orphan_grace{30000};
  std::chrono::milliseconds idle_poll{250};
  // The stages this process runs (`sheaf worker --stage`): names from kStageNames; empty = all.
  // Stages left out run in other processes on the same broker and stores.
  std::set<std::string> stages;
  // When the OCR stage runs in other processes, the dispatcher lets at most this many documents
  // onto ocr.tasks at once (queued there or being read, as the broker counts them), so the
  // backlog waits in the lanes where priority and tenant turns apply. 0 = ocr_workers + 1.
  int dispatch_window = 0;
  // For scaling measurements (bench/scaling.sh): each message of a stage named here first
  // spends this long in its worker, as if the work took that long. With text documents, whose
  // real work is a millisecond or so, the time spent is the configured time.
  std::map<std::string, std::chrono::milliseconds> simulated_work;
};

// The stage names ServiceOptions::stages takes, in pipeline order.
inline constexpr std::array<std::string_view, 9> kStageNames = {
    "dispatch", "ocr", "classify", "extract", "validate", "completed", "export", "review", "failed"};

// What the service uses; owned by the caller, alive while the service is.
struct ServiceDeps {
  MetadataStore* metadata = nullptr;
  BlobStore* blobs = nullptr;
  Broker* broker = nullptr;
  const Loader* loader = nullptr;
  Processor* processor = nullptr;  // jobs = 1; called from every OCR worker at once
  const Understander* understander = nullptr;
  // The Understander whose ClassifyStep and ExtractStep read one tenant's documents (the
  // tenant's own document-type model and extractor ranker, docs/learning.md); may be empty,
  // and may return null for a tenant: `understander` then. Called from every classify and
  // extract worker at once.
  std::function<std::shared_ptr<const Understander>(const std::string& tenant_id)>
      tenant_understander;
  FileExporter* exporter = nullptr;  // may be null: no file export
  MemoryCache* api_cache = nullptr;  // may be null: API results are not cached
  // PNG of the image turned this many degrees clockwise (a multiple of 90).
  std::function<Result<std::string>(const Image&, int rotation_degrees)> encode_png;
  // Stage latency and outcome, for metrics; may be empty.
  StagePool::Observer observer;
  // Guards the pipeline's document writes (may be null): while it is open they fail at once,
  // unavailable, and the broker retries the message later.
  CircuitBreaker* database_breaker = nullptr;
  // Told how long each pipeline document write took (may be empty): the degradation
  // controller's "database write latency".
  std::function<void(std::chrono::nanoseconds)> observe_database_write;
  // While it returns true, no stage takes new work: documents accepted meanwhile wait in their
  // lanes (degradation level L4). May be empty.
  std::function<bool()> hold;
  // Why human review is unavailable now (e.g. "hitl circuit breaker open"), or nullopt when it
  // is available. While unavailable, a document the pipeline would send to review is approved
  // automatically when every field has confidence >= 0.85 (service/hitl_fallback.h), marked so
  // in its result ("auto_approved") and its audit entry ("document.auto_approved"); the rest
  // go to review as usual. May be empty: review always available.
  std::function<std::optional<std::string>()> review_unavailable;
  // While it returns true (worker availability below 50 %, level L2: "reduce batch size"), the
  // dispatcher lets half as many documents (at least one) onto ocr.tasks at once. May be empty.
  std::function<bool()> reduce_batch;
};

struct IngestRequest {
  std::string tenant_id;
  std::string actor;  // "key:<id>"
  std::shared_ptr<const std::string> bytes;
  std::string filename;  // as uploaded; "" = "upload"
  std::string content_type;
  Lane priority = Lane::kNormal;
  std::string type_hint;    // "" = classify
  std::string webhook_url;  // "" = the tenant's default, if any
  std::string metadata_json = "{}";
  std::string idempotency_key;
};

struct IngestResult {
  DocumentRecord document;
  bool created = false;  // false: an earlier request with the same idempotency key made it
};

// The blob keys of a document: everything under DocumentPrefix.
std::string DocumentPrefix(const std::string& tenant_id, const std::string& document_id);
// Where a stage's output state (core/state_json.h) is kept in the BlobStore: `name` is "ocr",
// "classified" or "extracted". The "ocr" state holds the pages as read (their words and text).
std::string DocumentStateKey(const std::string& tenant_id, const std::string& document_id,
                             const std::string& name);

// Where the type a reviewer gave the document (Service::Retype) is kept: beside its stage
// states, not among them, so reprocessing (which deletes the states) finds it.
std::string ReviewerTypeKey(const std::string& tenant_id, const std::string& document_id);

class Service {
 public:
  Service(ServiceDeps deps, ServiceOptions options);
  ~Service();

  // Starts the stage workers.
  Status Start();
  // Stops taking work and waits for the stages until `deadline` (see StagePool::Stop).
  bool Stop(std::chrono::steady_clock::time_point deadline);

  // Accepts a document: checks it can be read (format, encryption, size and page limits), then
  // stores the original, publishes it to its lane and records it - in that order, each durable
  // before the next - so that a document that is recorded is always on a queue. Errors:
  // unsupported_format, invalid_document, encrypted_document, limit_exceeded (file too large,
  // the tenant's queue cap: then *queue_full is set), invalid_argument, io_error / unavailable
  // (retry).
  Result<IngestResult> Ingest(const IngestRequest& request, bool* queue_full = nullptr);

  // Deletes the document, then its blobs (the audit entry stays). not_found.
  Status Delete(const std::string& tenant_id, const std::string& id, const std::string& actor);
  // Runs a finished document (completed, needs_review, failed, rejected) again from the start.
  // A type a reviewer gave it (a type change, see Review) is kept: the run reads it as that
  // type instead of classifying it (the reviewer's word beats the model and the client's
  // hint), and the reprocess's stage and audit entry say so ("document_type",
  // "document_type_by": "review"). With `reclassify` the reviewer's type is forgotten first:
  // the type is then decided as at upload (the client's type hint if it gave one, else the
  // classifier), and later reprocessing does the same until a reviewer changes the type again.
  // invalid_argument while it is queued or processing; not_found.
  Result<DocumentRecord> Reprocess(const std::string& tenant_id, const std::string& id,
                                   const std::string& actor, bool reclassify = false);
  // A reviewer's decision (docs/service.md): approve / correct (fields replaced, source
  // "review") -> completed and exported; reject -> rejected (exported as such).
  // `line_items_json`, for a correction: "" leaves the line items as read; otherwise a JSON
  // array of rows (service/corrections.h, CheckLineItems) that replaces them. A correction
  // runs the schema's rules again over the corrected result (its "validation"); the decision
  // stands whatever they say. invalid_argument for a bad fields or line-items body.
  // `document_type`, for a correction (or an approval, then a correction without fields):
  // "" or the document's own type keeps the type; another type of understander->schemas()
  // changes it (the type change, docs/review-page.md): the document is read again as that
  // type from its stored OCR state (no OCR), the sender memory and the reviewer's corrections
  // of fields the new schema has are applied (the others are dropped),
  // and the rules decide again. When the new reading still needs review the document stays in
  // (or, corrected from completed, returns to) the review queue with the new fields, nothing
  // exported; otherwise the correction completes it as any other (audited "document.reviewed"
  // with "document_type"). Either way an audit entry "document.retyped" names the reviewer,
  // both types, the statuses and the fields kept and dropped.
  // invalid_argument for an unknown type, a rejection with a type, a document not in
  // needs_review or completed, or one whose OCR state is gone; unavailable when this process
  // has no understander (role workers without extraction).
  Result<DocumentRecord> Review(const std::string& tenant_id, const std::string& id,
                                ReviewAction action, const std::string& fields_json,
                                const std::string& reviewer,
                                const std::string& line_items_json = "",
                                const std::string& document_type = "");

  // A correction of a completed document (POST /v1/documents/{id}/corrections): recorded,
  // audited and exported like a review's correction (webhook event "document.corrected").
  // invalid_argument unless the document is completed; not_found.
  // Both this and a review's correction teach the tenant's sender memory (docs/learning.md).
  // `line_items_json` and `document_type` as for Review.
  Result<DocumentRecord> Correct(const std::string& tenant_id, const std::string& id,
                                 const std::string& fields_json, const std::string& reviewer,
                                 const std::string& line_items_json = "",
                                 const std::string& document_type = "");

  // The document types this process reads documents as: the understander's schemas, by type
  // (GET /v1/document-types). The same for every tenant (a tenant's own models choose among
  // them). unavailable when this process has no understander.
  Result<const std::map<std::string, extract::Schema>*> DocumentTypes() const;

  // The page's text (lines joined by '\n') or its normalised image as PNG. not_found for a page
  // that does not exist or a document not read yet; invalid_argument for a page read from a
  // text layer (it has no image).
  Result<std::string> PageText(const std::string& tenant_id, const std::string& id, int page);
  Result<std::string> PageImage(const std::string& tenant_id, const std::string& id, int page);
  // The page as OCR (or the text layer) read it: words with their boxes in the page image's
  // pixels, for the review page's overlay. Errors as PageText.
  Result<Page> OcrPage(const std::string& tenant_id, const std::string& id, int page);

  // Drops cached API answers about the document (after any write).
  void Invalidate(const std::string& tenant_id, const std::string& id);

  // Stage worker threads running / configured, over this process's stage pools; nullopt
  // before Start or after Stop (the degradation controller's "worker availability").
  std::optional<double> WorkerAvailability() const;

  // Documents between the lanes and the end of OCR.
  int ocr_in_flight() const { return ocr_in_flight_.load(); }
  const std::vector<std::unique_ptr<StagePool>>& pools() const { return pools_; }

 private:
  // Whether this process runs `stage` (ServiceOptions::stages).
  bool Runs(std::string_view stage) const;
  // Documents on ocr.tasks (queued or leased) as the broker counts them, for the dispatch gate
  // when OCR runs elsewhere; read at most every 100 ms, plus the documents dispatched since.
  std::int64_t OcrBacklog();

  Status Dispatch(const Delivery& d);
  Status Ocr(const Delivery& d);
  Status ClassifyStage(const Delivery& d);
  Status ExtractStage(const Delivery& d);
  Status ValidateStage(const Delivery& d);
  Status CompletedStage(const Delivery& d);
  Status ExportStage(const Delivery& d);
  Status ReviewStage(const Delivery& d);
  // Review and Correct: the decision recorded, exported and, for a correction, learned from.
  Result<DocumentRecord> Decide(const std::string& tenant_id, const std::string& id,
                                ReviewAction action, const std::string& fields_json,
                                const std::string& line_items_json, const std::string& reviewer,
                                bool completed_only, const std::string& document_type);
  // Decide's type change (service/retype.cc): `fields` (an object) and `line_items` (null, or
  // rows checked by CheckLineItems) as Decide parsed them.
  Result<DocumentRecord> Retype(const DocumentRecord& doc, const std::string& type,
                                const nlohmann::json& fields, const nlohmann::json& line_items,
                                const std::string& reviewer, bool completed_only);
  // The type a reviewer gave the document, kept at ReviewerTypeKey (nullopt when none):
  // written by Retype once its change is recorded, read by Reprocess.
  Status KeepReviewerType(const DocumentRecord& doc, const std::string& type,
                          const std::string& reviewer);
  Result<std::optional<std::string>> ReviewerType(const DocumentRecord& doc);
  // ExtractStep on `page` (its document_type set), with a copy of the original file when it is
  // a PDF (an embedded e-invoice is read from the file).
  Status ExtractWithOriginal(const DocumentRecord& doc, Document* page);
  // Teaches the tenant's sender memory where the document prints each corrected field and,
  // when the correction replaced the line items (`line_items` not null), how it prints its
  // item table; a failure is logged, not returned (the correction stands). `pointed`: the
  // words the reviewer filled some of the fields from (learn::SenderLearner::Learn).
  void LearnFrom(const DocumentRecord& doc, const std::map<std::string, std::string>& corrected,
                 const nlohmann::json& line_items, const std::string& reviewer,
                 const std::map<std::string, learn::PointedWords>& pointed = {});
  Status FailedStage(const Delivery& d);

  // The document a message is about, or the outcome for the message when it should not be
  // processed (nullopt + OK: ack and drop; nullopt + error: retry).
  struct Loaded {
    std::optional<DocumentRecord> doc;
    Status settle;
    bool reprocess = false;  // the message was published by Reprocess
  };
  Loaded LoadFor(const Delivery& d);
  // Whether `d` is young enough that the write it waits for (a record, a reprocess's status
  // change) may still come: such a message is retried, an older one dropped.
  bool InOrphanGrace(const Delivery& d) const;
  Status PublishNext(std::string_view topic, const DocumentRecord& doc);
  Status PublishNext(std::string_view topic, const DocumentRecord& doc, const std::string& payload);
  // MetadataStore::UpdateDocument for the pipeline, behind the database breaker and timed.
  Status WriteDocument(const DocumentRecord& doc, const DocumentUpdate& update);
  Status RecordStage(const DocumentRecord& doc, const std::string& stage, double ms,
                     std::optional<std::string> document_type = std::nullopt);
  // Marks the document failed with `error` (when it is still pending), then, if `announce`,
  // publishes it to documents.failed.
  Status FailDocument(const DocumentRecord& doc, const Status& error, bool announce);
  // One stage that turns the document's state into the next (`output`): skipped when `output`
  // is already stored (a redelivery), else `work` computes it (nullopt: settled without one,
  // e.g. the document failed or was deleted), it is stored and the stage recorded. Then the
  // message for `next` is published.
  using StageWork = std::function<Result<std::optional<Document>>(const DocumentRecord&)>;
  Status StateStage(const Delivery& d, const std::string& stage, const std::string& output,
                    std::string_view next, const StageWork& work);
  Result<std::optional<Document>> ReadInput(const DocumentRecord& doc, const std::string& name);
  // Removes the blobs of a document that was deleted while a stage worked on it.
  Status Forget(const DocumentRecord& doc);
  Result<Document> ReadState(const DocumentRecord& doc, const std::string& name);
  Status WriteState(const DocumentRecord& doc, const std::string& name, const Document& state);
  Result<std::optional<std::string>> WebhookBodyFor(const DocumentRecord& doc,
                                                    const std::string& event_type,
                                                    const std::string& status,
                                                    const std::string& result_json);
  void WakeTopic(std::string_view topic);

  ServiceDeps deps_;
  ServiceOptions options_;
  std::atomic<int> ocr_in_flight_{0};
  // Set once Start has started every stage pool: before, a pool not started yet would count
  // as workers lost (WorkerAvailability).
  std::atomic<bool> started_{false};
  mutable std::mutex pools_mu_;  // held while pools_ changes, and by WorkerAvailability
  std::vector<std::unique_ptr<StagePool>> pools_;
  StagePool* dispatcher_ = nullptr;
  std::mutex backlog_mu_;
  std::int64_t backlog_seen_ = 0;                     // GUARDED_BY(backlog_mu_)
  std::chrono::steady_clock::time_point backlog_at_;  // GUARDED_BY(backlog_mu_)
  std::atomic<std::int64_t> dispatched_since_ = 0;
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_SERVICE_H_
