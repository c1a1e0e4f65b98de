// SPDX-License-Identifier: GPL-3.0-or-later
//
// A reviewer's type change (Service::Retype, docs/review-page.md) on an embedded service: the
// real SQLite stores, blob files and pipeline, with text documents (no OCR needed).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "service/service.h"
#include "service_parts.h"

namespace sheaf {
namespace {

using nlohmann::json;

class RetypeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/retype-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto meta = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", {});
    ASSERT_TRUE(meta.ok()) << meta.status().message();
    metadata_ = std::move(meta).value();
    Status parts = testing::OpenServiceParts(dir_, &parts_);
    ASSERT_TRUE(parts.ok()) << parts.ToString();
    auto tenant = metadata_->CreateTenant("acme", "test");
    ASSERT_TRUE(tenant.ok());
    tenant_ = tenant->id;
    auto other = metadata_->CreateTenant("globex", "test");
    ASSERT_TRUE(other.ok());
    other_ = other->id;
    ServiceOptions options;
    options.work_dir = dir_;
    options.idle_poll = std::chrono::milliseconds(20);
    service_ = std::make_unique<Service>(parts_.Deps(metadata_.get()), options);
    ASSERT_TRUE(service_->Start().ok());
  }

  // `text` with the type hint `type` and a webhook (to a closed loopback port: the events stay
  // pending, where the test reads them); waits for it.
  DocumentRecord Submit(const std::string& text, const std::string& type) {
    IngestRequest r;
    r.tenant_id = tenant_;
    r.actor = "test";
    r.bytes = std::make_shared<const std::string>(text);
    r.filename = "doc.txt";
    r.type_hint = type;
    r.webhook_url = "http://127.0.0.1:9/hook";
    Result<IngestResult> in = service_->Ingest(r);
    EXPECT_TRUE(in.ok()) << in.status().message();
    return in.ok() ? testing::WaitUntilSettled(metadata_.get(), tenant_, in->document.id)
                   : DocumentRecord{};
  }

  std::vector<AuditEntry> Audit(const std::string& document_id, const std::string& action) {
    auto all = metadata_->ListAudit(tenant_, 0, 1000);
    EXPECT_TRUE(all.ok());
    std::vector<AuditEntry> out;
    for (const AuditEntry& e : all.ok() ? *all : std::vector<AuditEntry>{}) {
      if (e.document_id == document_id && e.action == action) out.push_back(e);
    }
    return out;
  }

  std::vector<WebhookEvent> Webhooks() {
    auto events = metadata_->ListWebhooks(tenant_, WebhookState::kPending, 100);
    EXPECT_TRUE(events.ok());
    return events.ok() ? *events : std::vector<WebhookEvent>{};
  }

  std::string dir_;
  testing::ServiceParts parts_;
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<Service> service_;
  std::string tenant_;
  std::string other_;
};

// An invoice without its required fields (so it needs review as an invoice) that names its
// seller the way a letter names its sender.
constexpr char kNotAnInvoice[] = "Invoice\nSeller: Kestrel Hardware Ltd\nTotal 12.00\n";

TEST_F(RetypeTest, ATypeChangeThatNeedsNoMoreReviewCompletesAsTheNewType) {
  DocumentRecord d = Submit(kNotAnInvoice, "invoice");
  ASSERT_EQ(d.status, ProcessingStatus::kNeedsReview) << d.result_json;
  ASSERT_EQ(d.document_type, "invoice");
  ASSERT_TRUE(Webhooks().empty());

  Result<DocumentRecord> after = service_->Review(
      tenant_, d.id, ReviewAction::kCorrect,
      R"({"sender_name":"Kestrel Hardware Ltd","total":"12.00"})", "alice", "", "letter");
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_EQ(after->status, ProcessingStatus::kCompleted) << after->result_json;
  EXPECT_EQ(after->document_type, "letter");
  json result = json::parse(after->result_json);
  EXPECT_EQ(result["document_type"]["label"], "letter");
  EXPECT_EQ(result["status"], "completed");
  EXPECT_EQ(result["reviewed_by"], "alice");
  // The letter's field the reviewer corrected is kept; the invoice's total is not a letter's.
  EXPECT_EQ(result["fields"]["sender_name"]["value"], "Kestrel Hardware Ltd");
  EXPECT_EQ(result["fields"]["sender_name"]["source"], "review");
  EXPECT_FALSE(result["fields"].contains("total")) << result["fields"].dump();

  // Recorded as a correction with what was kept, audited with the reviewer and both types.
  auto corrections = metadata_->ListCorrections(tenant_, d.id);
  ASSERT_TRUE(corrections.ok());
  ASSERT_EQ(corrections->size(), 1u);
  EXPECT_EQ(json::parse((*corrections)[0].fields_json), json({{"sender_name", "Kestrel Hardware Ltd"}}));
  std::vector<AuditEntry> reviewed = Audit(d.id, "document.reviewed");
  ASSERT_EQ(reviewed.size(), 1u);
  EXPECT_EQ(reviewed[0].actor, "alice");
  json details = json::parse(reviewed[0].details_json);
  EXPECT_EQ(details["document_type"], "letter");
  EXPECT_EQ(details["to"], "completed");
  std::vector<AuditEntry> retyped = Audit(d.id, "document.retyped");
  ASSERT_EQ(retyped.size(), 1u);
  EXPECT_EQ(retyped[0].actor, "alice");
  json change = json::parse(retyped[0].details_json);
  EXPECT_EQ(change["previous_document_type"], "invoice");
  EXPECT_EQ(change["document_type"], "letter");
  EXPECT_EQ(change["to"], "completed");
  EXPECT_EQ(change["fields"], json::array({"sender_name"}));
  EXPECT_EQ(change["dropped"], json::array({"total"}));
  EXPECT_EQ(change["correction_id"], (*corrections)[0].id);

  // The webhook carries the new type.
  std::vector<WebhookEvent> events = Webhooks();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event_type, "document.reviewed");
  EXPECT_EQ(json::parse(events[0].body)["result"]["document_type"]["label"], "letter");

  // Training data for the tenant's type model: labelled with the reviewer's type.
  auto trained = metadata_->ListReviewedDocuments(tenant_, 10);
  ASSERT_TRUE(trained.ok());
  ASSERT_EQ(trained->size(), 1u);
  EXPECT_EQ((*trained)[0].document_type, "letter");
}

TEST_F(RetypeTest, ATypeChangeThatStillNeedsReviewStaysInReviewHeldForTheReviewer) {
  DocumentRecord d = Submit("Invoice\nInvoice number: A-1\nTotal 12.00\n", "invoice");
  ASSERT_EQ(d.status, ProcessingStatus::kNeedsReview) << d.result_json;

  // A receipt needs a merchant, its address and a date, which this one lacks.
  Result<DocumentRecord> after =
      service_->Review(tenant_, d.id, ReviewAction::kCorrect,
                       R"({"total":"12.50","invoice_number":"A-1"})", "alice", "", "receipt");
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_EQ(after->status, ProcessingStatus::kNeedsReview);
  EXPECT_EQ(after->document_type, "receipt");
  json result = json::parse(after->result_json);
  EXPECT_EQ(result["document_type"]["label"], "receipt");
  EXPECT_EQ(result["status"], "needs_review");
  EXPECT_EQ(result["fields"]["total"]["value"], "12.50");
  EXPECT_EQ(result["fields"]["total"]["source"], "review");
  EXPECT_FALSE(result["fields"].contains("invoice_number"));
  EXPECT_FALSE(result["review_reasons"].empty());
  // Nothing is exported or recorded as a decision yet; the change is audited with what was
  // kept and dropped, and the document is in the queue, held for the reviewer.
  EXPECT_TRUE(Webhooks().empty());
  auto corrections = metadata_->ListCorrections(tenant_, d.id);
  ASSERT_TRUE(corrections.ok());
  EXPECT_TRUE(corrections->empty());
  std::vector<AuditEntry> retyped = Audit(d.id, "document.retyped");
  ASSERT_EQ(retyped.size(), 1u);
  EXPECT_EQ(retyped[0].actor, "alice");
  json details = json::parse(retyped[0].details_json);
  EXPECT_EQ(details["previous_document_type"], "invoice");
  EXPECT_EQ(details["document_type"], "receipt");
  EXPECT_EQ(details["fields"], json::array({"total"}));
  EXPECT_EQ(details["dropped"], json::array({"invoice_number"}));
  auto queue = metadata_->ListReviewQueue(tenant_, 10, "");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->documents.size(), 1u);
  EXPECT_EQ(queue->documents[0].id, d.id);
  EXPECT_EQ(queue->documents[0].document_type, "receipt");
  EXPECT_EQ(queue->documents[0].review_claimed_by, "alice");

  // Someone else cannot decide it meanwhile; the reviewer approves it.
  Result<DocumentRecord> bob = service_->Review(tenant_, d.id, ReviewAction::kApprove, "{}", "bob");
  ASSERT_FALSE(bob.ok());
  EXPECT_EQ(bob.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bob.status().message().find("alice"), std::string::npos) << bob.status().message();
  Result<DocumentRecord> approved =
      service_->Review(tenant_, d.id, ReviewAction::kApprove, "{}", "alice");
  ASSERT_TRUE(approved.ok()) << approved.status().message();
  EXPECT_EQ(approved->status, ProcessingStatus::kCompleted);
  EXPECT_EQ(approved->document_type, "receipt");
  std::vector<WebhookEvent> events = Webhooks();
  ASSERT_EQ(events.size(), 1u);
  json body = json::parse(events[0].body);
  EXPECT_EQ(body["result"]["document_type"]["label"], "receipt");
  EXPECT_EQ(body["result"]["fields"]["total"]["value"], "12.50");
}

TEST_F(RetypeTest, ACompletedDocumentThatNowNeedsReviewReturnsToTheQueue) {
  DocumentRecord d = Submit("Dear Ms Okafor,\nThank you for your letter.\n", "other");
  ASSERT_EQ(d.status, ProcessingStatus::kCompleted) << d.result_json;
  const std::size_t exported = Webhooks().size();  // document.completed
  // An invoice needs its number, date, seller and total.
  Result<DocumentRecord> after = service_->Correct(tenant_, d.id, "{}", "carol", "", "invoice");
  ASSERT_TRUE(after.ok()) << after.status().message();
  EXPECT_EQ(after->status, ProcessingStatus::kNeedsReview);
  EXPECT_EQ(after->document_type, "invoice");
  EXPECT_EQ(Webhooks().size(), exported);
  auto queue = metadata_->ListReviewQueue(tenant_, 10, "");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->documents.size(), 1u);
  EXPECT_EQ(queue->documents[0].id, d.id);
  std::vector<AuditEntry> retyped = Audit(d.id, "document.retyped");
  ASSERT_EQ(retyped.size(), 1u);
  EXPECT_EQ(json::parse(retyped[0].details_json)["from"], "completed");
}

TEST_F(RetypeTest, UnknownTypesRejectionsAndOtherTenantsAreRefused) {
  DocumentRecord d = Submit(kNotAnInvoice, "invoice");
  ASSERT_EQ(d.status, ProcessingStatus::kNeedsReview);
  Result<DocumentRecord> unknown =
      service_->Review(tenant_, d.id, ReviewAction::kCorrect, "{}", "alice", "", "passport");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("\"passport\""), std::string::npos);
  EXPECT_NE(unknown.status().message().find("receipt"), std::string::npos)
      << unknown.status().message();
  Result<DocumentRecord> reject =
      service_->Review(tenant_, d.id, ReviewAction::kReject, "{}", "alice", "", "letter");
  ASSERT_FALSE(reject.ok());
  EXPECT_EQ(reject.status().code(), ErrorCode::kInvalidArgument);
  Result<DocumentRecord> elsewhere =
      service_->Review(other_, d.id, ReviewAction::kCorrect, "{}", "mallory", "", "letter");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.status().code(), ErrorCode::kNotFound);
  // None of them changed it.
  auto now = metadata_->GetDocument(tenant_, d.id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->status, ProcessingStatus::kNeedsReview);
  EXPECT_EQ(now->document_type, "invoice");
  EXPECT_EQ(now->result_json, d.result_json);
  EXPECT_TRUE(Audit(d.id, "document.retyped").empty());
}

// The reviewer's type change, through whichever call the document's status takes.
Result<DocumentRecord> ChangeType(Service& service, const DocumentRecord& d,
                                  const std::string& tenant, const std::string& type) {
  if (d.status == ProcessingStatus::kNeedsReview) {
    return service.Review(tenant, d.id, ReviewAction::kCorrect, "{}", "alice", "", type);
  }
  return service.Correct(tenant, d.id, "{}", "alice", "", type);
}

TEST_F(RetypeTest, ReprocessingKeepsTheReviewersTypeUnlessAskedToClassifyAgain) {
  const std::string letter =
      "Dear Ms Okafor,\nThank you for your letter of 3 May.\nYours sincerely,\nJ. Smith\n";
  DocumentRecord d = Submit(letter, "");  // classified
  ASSERT_FALSE(d.document_type.empty()) << d.result_json;
  const std::string classified = d.document_type;
  const std::string reviewed = classified == "receipt" ? "invoice" : "receipt";
  Result<DocumentRecord> changed = ChangeType(*service_, d, tenant_, reviewed);
  ASSERT_TRUE(changed.ok()) << changed.status().message();
  ASSERT_EQ(changed->document_type, reviewed);

  // Reprocessed: read again as the reviewer's type, not classified.
  Result<DocumentRecord> again = service_->Reprocess(tenant_, d.id, "test");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->document_type, reviewed);
  DocumentRecord kept = testing::WaitUntilSettled(metadata_.get(), tenant_, d.id);
  EXPECT_EQ(kept.document_type, reviewed) << kept.result_json;
  json result = json::parse(kept.result_json);
  EXPECT_EQ(result["document_type"]["label"], reviewed);
  EXPECT_EQ(json::parse(kept.stages_json)["ingest"]["document_type_by"], "review");
  std::vector<AuditEntry> reprocessed = Audit(d.id, "document.reprocess");
  ASSERT_EQ(reprocessed.size(), 1u);
  json details = json::parse(reprocessed[0].details_json);
  EXPECT_EQ(details["document_type"], reviewed);
  EXPECT_EQ(details["document_type_by"], "review");

  // Reprocessed with reclassify: the classifier decides again, as at upload...
  Result<DocumentRecord> fresh = service_->Reprocess(tenant_, d.id, "test", /*reclassify=*/true);
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  DocumentRecord reclassified = testing::WaitUntilSettled(metadata_.get(), tenant_, d.id);
  EXPECT_EQ(reclassified.document_type, classified) << reclassified.result_json;
  reprocessed = Audit(d.id, "document.reprocess");
  ASSERT_EQ(reprocessed.size(), 2u);
  EXPECT_EQ(json::parse(reprocessed[1].details_json)["reclassify"], true);
  EXPECT_FALSE(json::parse(reprocessed[1].details_json).contains("document_type"));
  // ...and the reviewer's type is forgotten: a later plain reprocess classifies too.
  ASSERT_TRUE(service_->Reprocess(tenant_, d.id, "test").ok());
  EXPECT_EQ(testing::WaitUntilSettled(metadata_.get(), tenant_, d.id).document_type, classified);
}

TEST_F(RetypeTest, TheReviewersTypeBeatsTheClientsHintOnReprocessing) {
  DocumentRecord d = Submit(kNotAnInvoice, "invoice");
  ASSERT_EQ(d.status, ProcessingStatus::kNeedsReview) << d.result_json;
  ASSERT_TRUE(ChangeType(*service_, d, tenant_, "letter").ok());
  ASSERT_TRUE(service_->Reprocess(tenant_, d.id, "test").ok());
  EXPECT_EQ(testing::WaitUntilSettled(metadata_.get(), tenant_, d.id).document_type, "letter");
  // Asked to classify again, the client's hint stands (as at upload).
  ASSERT_TRUE(service_->Reprocess(tenant_, d.id, "test", /*reclassify=*/true).ok());
  EXPECT_EQ(testing::WaitUntilSettled(metadata_.get(), tenant_, d.id).document_type, "invoice");
}

TEST_F(RetypeTest, ADocumentNoReviewerRetypedIsClassifiedOnReprocessing) {
  DocumentRecord d = Submit(kNotAnInvoice, "invoice");
  ASSERT_TRUE(service_->Reprocess(tenant_, d.id, "test").ok());
  DocumentRecord again = testing::WaitUntilSettled(metadata_.get(), tenant_, d.id);
  EXPECT_EQ(again.document_type, "invoice");
  EXPECT_FALSE(json::parse(again.stages_json)["ingest"].contains("document_type_by"));
  std::vector<AuditEntry> reprocessed = Audit(d.id, "document.reprocess");
  ASSERT_EQ(reprocessed.size(), 1u);
  EXPECT_FALSE(json::parse(reprocessed[0].details_json).contains("document_type"));
}

TEST_F(RetypeTest, AKeptTypeThatIsNoSchemaOrNoTypeIsNotKept) {
  DocumentRecord d = Submit(kNotAnInvoice, "invoice");
  // A schema the deployment has since dropped, then a blob that is not a kept type at all:
  // either way the document is typed as at upload rather than never reprocessed.
  for (const std::string kept : {R"({"document_type": "passport", "by": "alice"})", "{oops"}) {
    ASSERT_TRUE(parts_.blobs->Put(ReviewerTypeKey(tenant_, d.id), kept).ok());
    Result<DocumentRecord> again = service_->Reprocess(tenant_, d.id, "test");
    ASSERT_TRUE(again.ok()) << again.status().message();
    DocumentRecord after = testing::WaitUntilSettled(metadata_.get(), tenant_, d.id);
    EXPECT_EQ(after.document_type, "invoice") << kept;
    EXPECT_FALSE(json::parse(after.stages_json)["ingest"].contains("document_type_by")) << kept;
  }
}

}  // namespace
}  // namespace sheaf
