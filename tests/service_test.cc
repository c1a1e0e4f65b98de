// SPDX-License-Identifier: GPL-3.0-or-later
//
// The service's stages end to end in one process, on the real embedded stores (SQLite broker
// and metadata, blob files) and the real pipeline, with text and PDF documents (no OCR needed,
// so the tests are fast). The HTTP layer and crashes of the whole process are covered by the
// end-to-end suite in tests/e2e.
#include "service/service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "app/composition.h"
#include "core/result_json.h"
#include "fixtures.h"
#include "service_parts.h"

namespace sheaf {
namespace {

constexpr char kInvoice[] =
    "ACME Supplies GmbH\nHauptstrasse 1, 10115 Berlin\n\nINVOICE\nInvoice No: INV-2024-0042\n"
    "Invoice Date: 12.03.2024\nDue Date: 11.04.2024\n\nBill to: Example Buyer Ltd\n\n"
    "Subtotal 100.00 EUR\nVAT 19% 19.00 EUR\nTotal 119.00 EUR\n"
    "IBAN DE89 3704 0044 0532 0130 00\nVAT ID DE123456789\n";

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir();
    auto meta = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", {});
    ASSERT_TRUE(meta.ok()) << meta.status().message();
    metadata_ = std::move(meta).value();
    {
      Status parts = testing::OpenServiceParts(dir_, &parts_);
      ASSERT_TRUE(parts.ok()) << parts.ToString();
    }
    auto tenant = metadata_->CreateTenant("acme", "test");
    ASSERT_TRUE(tenant.ok());
    tenant_ = tenant->id;
  }

  ServiceDeps Deps() { return parts_.Deps(metadata_.get()); }

  void Start(ServiceOptions options = {}) {
    ServiceDeps deps = Deps();
    options.work_dir = dir_;
    options.idle_poll = std::chrono::milliseconds(20);
    service_ = std::make_unique<Service>(deps, options);
    ASSERT_TRUE(service_->Start().ok());
  }

  Result<IngestResult> Submit(const std::string& body, const std::string& name,
                              const std::string& webhook = "") {
    IngestRequest r;
    r.tenant_id = tenant_;
    r.actor = "test";
    r.bytes = std::make_shared<const std::string>(body);
    r.filename = name;
    r.webhook_url = webhook;
    return service_->Ingest(r);
  }

  // Publishes what Reprocess publishes before it queues document `id` again: its lane message.
  Status PublishReprocessMessage(const std::string& id) {
    return parts_.broker->Publish(
        std::string(topics::kDocumentsNormal), tenant_, id,
        nlohmann::json{{"tenant_id", tenant_}, {"document_id", id}, {"reprocess", true}}.dump());
  }

  // Waits until the document leaves queued/processing; returns it.
  // `text` typed as an invoice whose required fields are missing, so that it needs review; its
  // webhook points at a closed loopback port. Waits for it and returns it.
  DocumentRecord SubmitInvoiceForReview(const std::string& text) {
    IngestRequest typed;
    typed.tenant_id = tenant_;
    typed.actor = "test";
    typed.bytes = std::make_shared<const std::string>(text);
    typed.type_hint = "invoice";
    typed.webhook_url = "http://127.0.0.1:9/hook";
    Result<IngestResult> inv = service_->Ingest(typed);
    EXPECT_TRUE(inv.ok()) << inv.status().message();
    return inv.ok() ? Wait(inv->document.id) : DocumentRecord{};
  }

  DocumentRecord Wait(const std::string& id) {
    return testing::WaitUntilSettled(metadata_.get(), tenant_, id);
  }

  std::string dir_;
  testing::ServiceParts parts_;
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<Service> service_;
  std::string tenant_;
};

TEST_F(ServiceTest, ADocumentGoesThroughEveryStageAndGetsTheSameResultAsProcess) {
  Start();
  Result<IngestResult> in = Submit(kInvoice, "invoice.txt", "http://127.0.0.1:9/hook");
  ASSERT_TRUE(in.ok()) << in.status().message();
  EXPECT_TRUE(in->created);
  EXPECT_EQ(in->document.status, ProcessingStatus::kQueued);
  DocumentRecord done = Wait(in->document.id);
  ASSERT_TRUE(done.status == ProcessingStatus::kCompleted ||
              done.status == ProcessingStatus::kNeedsReview)
      << ProcessingStatusName(done.status) << " " << done.error;
  nlohmann::json stages = nlohmann::json::parse(done.stages_json);
  for (const char* stage : {"ingest", "queued", "ocr", "classify", "extract", "validate"}) {
    EXPECT_TRUE(stages.contains(stage)) << stage << " missing from " << done.stages_json;
  }

  // The same file through the pipeline as `sheaf process` runs it.
  const std::string path = dir_ + "/invoice.txt";
  testing::WriteFile(path, kInvoice);
  Document direct;
  parts_.processor->Run(std::vector<std::string>{path},
                  [&](std::size_t, Document&& d) { direct = std::move(d); });
  parts_.understander->Run(&direct);
  nlohmann::json expected = nlohmann::json::parse(DumpJson(DocumentToJson(direct, {})));
  nlohmann::json got = nlohmann::json::parse(done.result_json);
  EXPECT_EQ(got["document_type"], expected["document_type"]);
  EXPECT_EQ(got["fields"], expected["fields"]);
  EXPECT_EQ(got["validation"], expected["validation"]);
  EXPECT_EQ(got["status"], expected["status"]);
  EXPECT_EQ(got["fields"]["total"]["value"], "119.00");

  // A completed document with a webhook URL has exactly one event.
  if (done.status == ProcessingStatus::kCompleted) {
    auto events = metadata_->ListWebhooks(tenant_, WebhookState::kPending, 10);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ((*events)[0].document_id, in->document.id);
    EXPECT_EQ((*events)[0].event_type, "document.completed");
  }
}

// The roles of a distributed deployment: stages split across services (processes, in
// production) that share one broker and one set of stores.
TEST_F(ServiceTest, StagesSplitAcrossServicesStillFinishADocument) {
  ServiceOptions front;
  front.stages = {"dispatch"};  // the OCR stage runs elsewhere: the dispatch gate asks the broker
  front.dispatch_window = 1;
  Start(front);
  Result<IngestResult> in = Submit(kInvoice, "invoice.txt");
  ASSERT_TRUE(in.ok()) << in.status().message();
  // Nothing reads documents yet: the document is dispatched to ocr.tasks and waits there.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    Result<TopicStats> ocr = parts_.broker->Stats(std::string(topics::kOcrTasks));
    ASSERT_TRUE(ocr.ok());
    if (ocr->depth() == 1) break;
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "never dispatched";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // A second document is held in its lane: the window of one is full.
  Result<IngestResult> second = Submit(std::string(kInvoice) + "\n", "invoice2.txt");
  ASSERT_TRUE(second.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Result<TopicStats> lane = parts_.broker->Stats(std::string(topics::kDocumentsNormal));
  ASSERT_TRUE(lane.ok());
  EXPECT_EQ(lane->depth(), 1);
  Result<DocumentRecord> still = metadata_->GetDocument(tenant_, in->document.id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->status, ProcessingStatus::kProcessing);

  // The other stages start in a second service: both documents finish.
  ServiceOptions back;
  back.stages = {"ocr", "classify", "extract", "validate", "completed", "export", "review", "failed"};
  back.work_dir = dir_;
  back.idle_poll = std::chrono::milliseconds(20);
  Service workers(Deps(), back);
  ASSERT_TRUE(workers.Start().ok());
  for (const std::string& id : {in->document.id, second->document.id}) {
    DocumentRecord done = Wait(id);
    EXPECT_TRUE(done.status == ProcessingStatus::kCompleted ||
                done.status == ProcessingStatus::kNeedsReview)
        << ProcessingStatusName(done.status) << " " << done.error;
  }
  workers.Stop(std::chrono::steady_clock::now() + std::chrono::seconds(10));
}

TEST_F(ServiceTest, AnUnknownStageNameIsRefused) {
  ServiceOptions o;
  o.stages = {"ocr", "teleport"};
  Service s(Deps(), o);
  Status started = s.Start();
  EXPECT_EQ(started.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(started.message().find("teleport"), std::string::npos) << started.message();
}

TEST_F(ServiceTest, RedeliveredStageMessagesChangeNothing) {
  Start();
  Result<IngestResult> in = Submit(kInvoice, "invoice.txt", "http://127.0.0.1:9/hook");
  ASSERT_TRUE(in.ok());
  DocumentRecord first = Wait(in->document.id);
  // Every stage's message again, as a crash between a stage's work and its ack would leave it.
  const std::string payload =
      nlohmann::json{{"tenant_id", tenant_}, {"document_id", in->document.id}}.dump();
  for (std::string_view topic : {topics::kDocumentsNormal, topics::kOcrTasks,
                                 topics::kClassificationTasks, topics::kExtractionTasks,
                                 topics::kValidationTasks, topics::kDocumentsCompleted}) {
    ASSERT_TRUE(parts_.broker->Publish(std::string(topic), tenant_, in->document.id, payload).ok());
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    bool drained = true;
    for (const TopicInfo& t : kTopics) {
      auto st = parts_.broker->Stats(std::string(t.name));
      ASSERT_TRUE(st.ok());
      if (st->depth() + st->in_flight > 0) drained = false;
    }
    if (drained) break;
    ASSERT_LT(std::chrono::steady_clock::now(), until) << "the queues did not drain";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Result<DocumentRecord> after = metadata_->GetDocument(tenant_, in->document.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, first.status);
  EXPECT_EQ(after->result_json, first.result_json);
  auto events = metadata_->ListWebhooks(tenant_, WebhookState::kPending, 10);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), first.status == ProcessingStatus::kCompleted ? 1u : 0u);
}

TEST_F(ServiceTest, WhatThePipelineWouldRefuseIsRefusedAtIngestionAndNothingIsStored) {
  Start();
  Result<IngestResult> junk = Submit(std::string("\x01\x02\x03\x04 not a document"), "x.bin");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.status().code(), ErrorCode::kUnsupportedFormat);
  Result<IngestResult> truncated = Submit("%PDF-1.7\n1 0 obj <<", "t.pdf");
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), ErrorCode::kInvalidDocument);
  Result<IngestResult> empty = Submit("", "e.txt");
  ASSERT_FALSE(empty.ok());
  DocumentFilter f;
  auto page = metadata_->ListDocuments(tenant_, f);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->documents.empty());
  auto normal = parts_.broker->Stats(std::string(topics::kDocumentsNormal));
  ASSERT_TRUE(normal.ok());
  EXPECT_EQ(normal->depth() + normal->in_flight, 0);
}

TEST_F(ServiceTest, TheQueueCapRefusesBeyondItAndIdempotencyKeysReturnTheFirstDocument) {
  ServiceOptions o;
  o.max_queued_per_tenant = 2;
  // Not started: documents stay queued.
  service_ = std::make_unique<Service>(Deps(), o);
  IngestRequest r;
  r.tenant_id = tenant_;
  r.actor = "test";
  r.bytes = std::make_shared<const std::string>("hello\n");
  r.idempotency_key = "k1";
  Result<IngestResult> a = service_->Ingest(r);
  ASSERT_TRUE(a.ok());
  Result<IngestResult> again = service_->Ingest(r);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->document.id, a->document.id);
  r.idempotency_key = "k2";
  ASSERT_TRUE(service_->Ingest(r).ok());
  r.idempotency_key = "k3";
  bool full = false;
  Result<IngestResult> over = service_->Ingest(r, &full);
  ASSERT_FALSE(over.ok());
  EXPECT_TRUE(full);
  EXPECT_EQ(over.status().code(), ErrorCode::kLimitExceeded);
}

TEST_F(ServiceTest, DeletingADocumentRemovesItsBlobsAndItsPendingMessagesAreDropped) {
  ServiceOptions o;
  o.orphan_grace = std::chrono::milliseconds(0);
  Start(o);
  service_->Stop(std::chrono::steady_clock::now() + std::chrono::seconds(5));
  Result<IngestResult> in = Submit(kInvoice, "invoice.txt");
  ASSERT_TRUE(in.ok());
  const std::string id = in->document.id;
  ASSERT_TRUE(*parts_.blobs->Exists(in->document.blob_key));
  ASSERT_TRUE(service_->Delete(tenant_, id, "test").ok());
  EXPECT_FALSE(*parts_.blobs->Exists(in->document.blob_key));
  EXPECT_EQ(metadata_->GetDocument(tenant_, id).status().code(), ErrorCode::kNotFound);
  // Its lane message is still queued: the dispatcher drops it.
  ASSERT_TRUE(service_->Start().ok());
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    auto st = parts_.broker->Stats(std::string(topics::kDocumentsNormal));
    ASSERT_TRUE(st.ok());
    auto ocr = parts_.broker->Stats(std::string(topics::kOcrTasks));
    ASSERT_TRUE(ocr.ok());
    if (st->depth() + st->in_flight == 0) {
      EXPECT_EQ(ocr->depth(), 0);
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), until);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TEST_F(ServiceTest, ReviewCorrectionsReplaceFieldsAndReprocessRunsItAgain) {
  Start();
  Result<IngestResult> in = Submit("A short note without any invoice fields.\n", "note.txt");
  ASSERT_TRUE(in.ok());
  DocumentRecord d = SubmitInvoiceForReview("Invoice\nTotal 12.00\n");
  ASSERT_EQ(d.status, ProcessingStatus::kNeedsReview) << d.result_json;
  Result<DocumentRecord> reviewed = service_->Review(
      tenant_, d.id, ReviewAction::kCorrect, R"({"invoice_number":"A-1"})", "alice");
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().message();
  EXPECT_EQ(reviewed->status, ProcessingStatus::kCompleted);
  nlohmann::json result = nlohmann::json::parse(reviewed->result_json);
  EXPECT_EQ(result["fields"]["invoice_number"]["value"], "A-1");
  EXPECT_EQ(result["fields"]["invoice_number"]["source"], "review");
  auto corrections = metadata_->ListCorrections(tenant_, d.id);
  ASSERT_TRUE(corrections.ok());
  ASSERT_EQ(corrections->size(), 1u);
  EXPECT_EQ((*corrections)[0].reviewer, "alice");
  // The review's export is a webhook event written with it (needs_review sent none before).
  auto events = metadata_->ListWebhooks(tenant_, WebhookState::kPending, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].event_type, "document.reviewed");
  EXPECT_EQ(nlohmann::json::parse((*events)[0].body)["result"]["fields"]["invoice_number"]["value"],
            "A-1");
  auto counts = metadata_->CountByStatus();
  ASSERT_TRUE(counts.ok());
  std::int64_t total = 0;
  for (const auto& [status, n] : *counts) total += n;
  EXPECT_EQ(total, 2);  // the note and the invoice, whatever their status
  EXPECT_GE((*counts)[ProcessingStatus::kCompleted], 1);  // the reviewed invoice

  Result<DocumentRecord> again = service_->Reprocess(tenant_, d.id, "test");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->status, ProcessingStatus::kQueued);
  DocumentRecord redone = Wait(d.id);
  EXPECT_EQ(redone.status, ProcessingStatus::kNeedsReview);  // the corrections were not kept
  // Reprocessing is refused while it runs.
  Wait(in->document.id);
}

TEST_F(ServiceTest, ACorrectionReplacesLineItemsAndTheRulesJudgeThemAgain) {
  Start();
  DocumentRecord d = SubmitInvoiceForReview("Invoice\nSubtotal 12.00\nTotal 12.00\n");
  ASSERT_EQ(d.status, ProcessingStatus::kNeedsReview) << d.result_json;
  auto sum_rule = [](const nlohmann::json& result) {
    for (const auto& r : result["validation"]) {
      if (r["rule"] == "line_items_sum") return r;
    }
    return nlohmann::json();
  };
  // Refused: a row with a column the result has no place for.
  Result<DocumentRecord> bad = service_->Review(tenant_, d.id, ReviewAction::kCorrect, "{}",
                                                "alice", R"([{"colour": "red"}])");
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("colour"), std::string::npos);

  // Two lines that add up to 11.00, not to the subtotal 12.00: recorded, and the rule says so.
  Result<DocumentRecord> reviewed = service_->Review(
      tenant_, d.id, ReviewAction::kCorrect, R"({"invoice_number":"A-1"})", "alice",
      R"([{"description": "Clay", "quantity": "2", "unit_price": "4.00", "amount": "8.00"},
          {"description": "Glue", "amount": 3}])");
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().message();
  EXPECT_EQ(reviewed->status, ProcessingStatus::kCompleted);  // the reviewer's decision stands
  nlohmann::json result = nlohmann::json::parse(reviewed->result_json);
  ASSERT_EQ(result["line_items"].size(), 2u) << result["line_items"].dump();
  EXPECT_EQ(result["line_items"][0]["amount"]["value"], "8.00");
  EXPECT_EQ(result["line_items"][1]["amount"]["value"], "3");
  EXPECT_EQ(result["line_items"][1]["description"]["source"], "review");
  EXPECT_EQ(sum_rule(result)["status"], "warn") << result["validation"].dump();
  EXPECT_EQ(result["fields"]["invoice_number"]["value"], "A-1");

  // The correction (with the reviewer) holds the rows; its audit entry counts them.
  auto corrections = metadata_->ListCorrections(tenant_, d.id);
  ASSERT_TRUE(corrections.ok());
  ASSERT_EQ(corrections->size(), 1u);
  EXPECT_EQ((*corrections)[0].reviewer, "alice");
  nlohmann::json recorded = nlohmann::json::parse((*corrections)[0].fields_json);
  EXPECT_EQ(recorded["invoice_number"], "A-1");
  ASSERT_EQ(recorded["line_items"].size(), 2u);
  EXPECT_EQ(recorded["line_items"][0]["description"], "Clay");
  auto audit = metadata_->ListAudit(tenant_, 0, 1000);
  ASSERT_TRUE(audit.ok());
  bool audited = false;
  for (const AuditEntry& e : *audit) {
    if (e.action != "document.reviewed" || e.document_id != d.id) continue;
    audited = true;
    EXPECT_EQ(e.actor, "alice");
    EXPECT_EQ(nlohmann::json::parse(e.details_json)["line_items"], 2) << e.details_json;
  }
  EXPECT_TRUE(audited);
  // The webhook (the review's export) carries them.
  auto events = metadata_->ListWebhooks(tenant_, WebhookState::kPending, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  nlohmann::json hook = nlohmann::json::parse((*events)[0].body);
  ASSERT_EQ(hook["result"]["line_items"].size(), 2u);
  EXPECT_EQ(hook["result"]["line_items"][0]["description"]["value"], "Clay");

  // A later correction of the completed document that makes them add up: the rule passes.
  Result<DocumentRecord> fixed = service_->Correct(
      tenant_, d.id, "{}", "bob",
      R"([{"description": "Clay", "amount": "9.00"}, {"description": "Glue", "amount": "3.00"}])");
  ASSERT_TRUE(fixed.ok()) << fixed.status().message();
  EXPECT_EQ(sum_rule(nlohmann::json::parse(fixed->result_json))["status"], "pass")
      << fixed->result_json;
}

TEST_F(ServiceTest, AReprocessCutShortBeforeItsStatusChangeLeavesTheDocumentReprocessable) {
  ServiceOptions o;
  o.orphan_grace = std::chrono::milliseconds(300);
  Start(o);
  Result<IngestResult> in = Submit(kInvoice, "invoice.txt");
  ASSERT_TRUE(in.ok());
  const DocumentRecord done = Wait(in->document.id);
  ASSERT_NE(done.status, ProcessingStatus::kQueued);
  ASSERT_NE(done.status, ProcessingStatus::kProcessing);
  // What Reprocess leaves when the process dies after publishing and before queueing the
  // document: the lane message alone.
  const std::string lane(topics::kDocumentsNormal);
  ASSERT_TRUE(PublishReprocessMessage(done.id).ok());
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {  // retried while it may still be recorded, then dropped
    auto st = parts_.broker->Stats(lane);
    ASSERT_TRUE(st.ok());
    if (st->depth() + st->in_flight == 0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), until);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Result<DocumentRecord> after = metadata_->GetDocument(tenant_, done.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, done.status);  // untouched, not stuck in queued
  EXPECT_EQ(after->result_json, done.result_json);
  // And it can be reprocessed: it runs again to the same end. (Reprocess returns the document
  // as read after queueing it: a worker may already be at it, so its status there may be
  // queued or processing; the stages it reset say it was taken up again.)
  Result<DocumentRecord> again = service_->Reprocess(tenant_, done.id, "test");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_TRUE(again->status == ProcessingStatus::kQueued || again->status == ProcessingStatus::kProcessing)
      << ProcessingStatusName(again->status);
  EXPECT_TRUE(nlohmann::json::parse(again->stages_json)["ingest"].value("reprocess", false)) << again->stages_json;
  const DocumentRecord end = Wait(done.id);
  EXPECT_EQ(end.status, done.status);
  EXPECT_TRUE(nlohmann::json::parse(end.stages_json)["ingest"].value("reprocess", false)) << end.stages_json;
}

TEST_F(ServiceTest, AReprocessMessageThatArrivesBeforeItsStatusChangeWaitsForIt) {
  ServiceOptions o;
  o.orphan_grace = std::chrono::seconds(20);
  Start(o);
  Result<IngestResult> in = Submit(kInvoice, "invoice.txt");
  ASSERT_TRUE(in.ok());
  const DocumentRecord done = Wait(in->document.id);
  // Reprocess publishes first; the dispatcher can see the message while the document is still
  // finished. It must retry it, not drop it, or the document would stay queued forever.
  ASSERT_TRUE(PublishReprocessMessage(done.id).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  DocumentUpdate u;
  u.status = ProcessingStatus::kQueued;
  u.reset_stages = true;
  u.result_json = "";
  u.only_if = {done.status};
  ASSERT_TRUE(metadata_->UpdateDocument(tenant_, done.id, u, "test").ok());
  const DocumentRecord redone = Wait(done.id);
  EXPECT_EQ(redone.status, done.status);
  EXPECT_FALSE(redone.result_json.empty());
}

}  // namespace
}  // namespace sheaf
