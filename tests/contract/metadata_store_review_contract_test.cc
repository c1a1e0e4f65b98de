// SPDX-License-Identifier: GPL-3.0-or-later
//
// The MetadataStore contract, the review queue: its order, claims, stored corrections and the
// reviewed documents a tenant model learns from (fixture: metadata_store_contract.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "contract/metadata_store_contract.h"

namespace sheaf {
namespace {

using namespace metadata_contract;  // the fixture, kStart, the harness's helpers

TEST_P(MetadataStoreContract, ReviewQueueIsUrgentFirstThenOldestFirst) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  std::map<std::string, std::string> name;  // id -> label, for readable failures
  const auto add = [&](Lane lane, ProcessingStatus status, const std::string& label) {
    DocumentRecord d = Doc();
    d.priority = lane;
    d.status = status;
    Create(m, a, d);
    name[d.id] = label;
    Advance(1s);
  };
  add(Lane::kNormal, ProcessingStatus::kNeedsReview, "normal-1");
  add(Lane::kUrgent, ProcessingStatus::kNeedsReview, "urgent-1");
  add(Lane::kHigh, ProcessingStatus::kNeedsReview, "high-1");
  add(Lane::kUrgent, ProcessingStatus::kCompleted, "urgent-done");
  add(Lane::kNormal, ProcessingStatus::kNeedsReview, "normal-2");
  add(Lane::kUrgent, ProcessingStatus::kNeedsReview, "urgent-2");
  std::vector<std::string> order;
  std::string cursor;
  do {
    auto page = m.ListReviewQueue(a, 2, cursor);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const DocumentRecord& d : page->documents) order.push_back(name[d.id]);
    cursor = page->next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(order,
            (std::vector<std::string>{"urgent-1", "urgent-2", "high-1", "normal-1", "normal-2"}));
  EXPECT_EQ(m.ListReviewQueue(a, 2, "c1.5").status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(MetadataStoreContract, ReviewClaimsHoldDocumentsForOneReviewerUntilTheLeaseEnds) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  std::vector<std::string> ids;  // in review-queue order
  for (Lane lane : {Lane::kUrgent, Lane::kHigh, Lane::kNormal}) {
    DocumentRecord d = Doc();
    d.priority = lane;
    d.status = ProcessingStatus::kNeedsReview;
    d.result_json = R"({"fields":{}})";
    ids.push_back(Create(m, a, d).id);
    Advance(1s);
  }
  DocumentRecord done = Doc();
  done.status = ProcessingStatus::kCompleted;
  Create(m, a, done);
  const auto ids_of = [](const std::vector<DocumentRecord>& docs) {
    std::vector<std::string> out;
    for (const DocumentRecord& d : docs) out.push_back(d.id);
    return out;
  };

  auto alice = m.ClaimReviewTasks(a, "alice", 2, 10min);
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(ids_of(*alice), (std::vector<std::string>{ids[0], ids[1]}));
  for (const DocumentRecord& d : *alice) {
    EXPECT_EQ(d.review_claimed_by, "alice");
    EXPECT_EQ(d.review_claim_expires_at, NowMsPlus(10min));
    EXPECT_EQ(d.result_json, R"({"fields":{}})") << "a claim carries what the reviewer checks";
  }
  // Bob gets what alice does not hold; another tenant's reviewer gets nothing of a's.
  auto bob = m.ClaimReviewTasks(a, "bob", 5, 10min);
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(ids_of(*bob), (std::vector<std::string>{ids[2]}));
  EXPECT_TRUE(m.ClaimReviewTasks(b, "carol", 5, 10min)->empty());
  // The queue shows who holds what.
  auto queue = m.ListReviewQueue(a, 10, "");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->documents.size(), 3u);
  EXPECT_EQ(queue->documents[0].review_claimed_by, "alice");
  EXPECT_EQ(queue->documents[2].review_claimed_by, "bob");

  // While alice's hold lasts, bob can neither decide on her document nor release it.
  const Status taken =
      m.RecordReview(a, ids[0], {"bob", ReviewAction::kApprove, "{}", "", std::nullopt})
          .status();
  EXPECT_EQ(taken.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(taken.message().find("alice"), std::string::npos) << taken.message();
  EXPECT_EQ(m.ReleaseReviewTask(a, ids[0], "bob").code(), ErrorCode::kInvalidArgument);
  // Claiming again renews alice's own hold and gives her nothing new.
  Advance(5min);
  auto again = m.ClaimReviewTasks(a, "alice", 5, 10min);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ids_of(*again), (std::vector<std::string>{ids[0], ids[1]}));
  EXPECT_EQ((*again)[0].review_claim_expires_at, NowMsPlus(10min));

  // Alice decides on one (the hold ends with the decision) and releases the other.
  ASSERT_TRUE(
      m.RecordReview(a, ids[0], {"alice", ReviewAction::kApprove, "{}", "", std::nullopt}).ok());
  ASSERT_TRUE(m.ReleaseReviewTask(a, ids[1], "alice").ok());
  EXPECT_TRUE(m.ReleaseReviewTask(a, ids[1], "alice").ok()) << "releasing twice is fine";
  queue = m.ListReviewQueue(a, 10, "");
  ASSERT_EQ(queue->documents.size(), 2u);
  EXPECT_EQ(queue->documents[0].id, ids[1]);
  EXPECT_EQ(queue->documents[0].review_claimed_by, "") << "released";
  EXPECT_EQ(queue->documents[0].review_claim_expires_at, 0);

  // Bob's hold ends with its lease: then anyone may claim and decide.
  Advance(11min);
  queue = m.ListReviewQueue(a, 10, "");
  EXPECT_EQ(queue->documents[1].review_claimed_by, "") << "an ended hold is not shown";
  auto dave = m.ClaimReviewTasks(a, "dave", 5, 1min);
  ASSERT_TRUE(dave.ok());
  EXPECT_EQ(ids_of(*dave), (std::vector<std::string>{ids[1], ids[2]}));
  EXPECT_TRUE(m.ReleaseReviewTask(a, ids[2], "dave").ok());
  EXPECT_TRUE(
      m.RecordReview(a, ids[2], {"erin", ReviewAction::kReject, "{}", "", std::nullopt}).ok());

  // Bad arguments, an unknown or foreign document.
  EXPECT_EQ(m.ClaimReviewTasks(a, "", 1, 1min).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimReviewTasks(a, "x", 0, 1min).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimReviewTasks(a, "x", 101, 1min).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimReviewTasks(a, "x", 1, 0ms).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimReviewTasks(a, "x", 1, 25h).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ReleaseReviewTask(a, ids[1], "").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ReleaseReviewTask(b, ids[1], "dave").code(), ErrorCode::kNotFound);
  EXPECT_EQ(m.ReleaseReviewTask(a, NewDocumentId(), "dave").code(), ErrorCode::kNotFound);
  // Claims are bookkeeping: only the three creations, four documents and two decisions are in
  // the audit log (plus the two tenants).
  EXPECT_EQ(m.VerifyAudit()->entries, 2 + 4 + 2);
}

TEST_P(MetadataStoreContract, ClaimingOneReviewTaskHoldsThatDocumentOnlyWhenNoOneElseDoes) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    DocumentRecord d = Doc();
    d.status = ProcessingStatus::kNeedsReview;
    d.result_json = R"({"fields":{"total":{"value":"1"}}})";
    ids.push_back(Create(m, a, d).id);
    Advance(1s);
  }
  DocumentRecord done = Doc();
  done.status = ProcessingStatus::kCompleted;
  const std::string done_id = Create(m, a, done).id;

  // Alice opens the second document (not the queue's first): she holds that one only.
  auto alice = m.ClaimReviewTask(a, ids[1], "alice", 10min);
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(alice->id, ids[1]);
  EXPECT_EQ(alice->review_claimed_by, "alice");
  EXPECT_EQ(alice->review_claim_expires_at, NowMsPlus(10min));
  EXPECT_EQ(alice->result_json, R"({"fields":{"total":{"value":"1"}}})");
  auto queue = m.ListReviewQueue(a, 10, "");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->documents.size(), 2u);
  EXPECT_EQ(queue->documents[0].review_claimed_by, "");
  EXPECT_EQ(queue->documents[1].review_claimed_by, "alice");

  // Bob cannot take it while her hold lasts (the message names her); a queue claim passes it.
  const Status taken = m.ClaimReviewTask(a, ids[1], "bob", 10min).status();
  EXPECT_EQ(taken.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(taken.message().find("alice"), std::string::npos) << taken.message();
  auto bob = m.ClaimReviewTasks(a, "bob", 5, 10min);
  ASSERT_TRUE(bob.ok());
  ASSERT_EQ(bob->size(), 1u);
  EXPECT_EQ((*bob)[0].id, ids[0]);

  // Claiming her own document again renews the hold from now.
  Advance(5min);
  alice = m.ClaimReviewTask(a, ids[1], "alice", 10min);
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->review_claim_expires_at, NowMsPlus(10min));
  // After the lease, bob may take it.
  Advance(11min);
  auto late = m.ClaimReviewTask(a, ids[1], "bob", 1min);
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ(late->review_claimed_by, "bob");
  // A decision ends the hold: the document is no longer claimable.
  ASSERT_TRUE(
      m.RecordReview(a, ids[1], {"bob", ReviewAction::kApprove, "{}", "", std::nullopt}).ok());
  EXPECT_EQ(m.ClaimReviewTask(a, ids[1], "bob", 1min).status().code(),
            ErrorCode::kInvalidArgument);

  // Only needs_review documents; bad arguments; unknown or another tenant's document.
  EXPECT_EQ(m.ClaimReviewTask(a, done_id, "alice", 1min).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimReviewTask(a, ids[0], "", 1min).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimReviewTask(a, ids[0], "x", 0ms).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimReviewTask(a, ids[0], "x", 25h).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimReviewTask(b, ids[0], "x", 1min).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(m.ClaimReviewTask(a, NewDocumentId(), "x", 1min).status().code(),
            ErrorCode::kNotFound);
  // Claims are not audited: two tenants, three documents, one decision.
  EXPECT_EQ(m.VerifyAudit()->entries, 2 + 3 + 1);
}

TEST_P(MetadataStoreContract, ReviewStoresTheCorrectionWithReviewerAndTime) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  DocumentRecord d = Doc();
  d.status = ProcessingStatus::kNeedsReview;
  d.result_json = R"({"total":"12.5O"})";
  d = Create(m, a, d);
  Advance(1min);
  ReviewInput review{"alice", ReviewAction::kCorrect, R"({"total":"12.50"})",
                     R"({"total":"12.50"})", std::nullopt};
  auto c = m.RecordReview(a, d.id, review);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->reviewer, "alice");
  EXPECT_EQ(c->created_at, kStart + 60000);
  auto got = m.GetDocument(a, d.id);
  EXPECT_EQ(got->status, ProcessingStatus::kCompleted);
  EXPECT_EQ(got->result_json, R"({"total":"12.50"})");
  EXPECT_TRUE(m.ListReviewQueue(a, 10, "")->documents.empty());

  auto all = m.ListCorrections(a, d.id);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].id, c->id);
  EXPECT_EQ((*all)[0].action, ReviewAction::kCorrect);
  EXPECT_EQ((*all)[0].fields_json, R"({"total":"12.50"})");
  EXPECT_EQ((*all)[0].reviewer, "alice");

  // A queued document cannot be reviewed; a reviewer is required.
  const DocumentRecord queued = Create(m, a, Doc());
  EXPECT_EQ(m.RecordReview(a, queued.id, review).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.RecordReview(a, d.id, {"", ReviewAction::kApprove, "{}", "", std::nullopt}).status().code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(m.RecordReview(a, d.id, {"bob", ReviewAction::kReject, "{}", "", std::nullopt}).ok());
  EXPECT_EQ(m.GetDocument(a, d.id)->status, ProcessingStatus::kRejected);
}

TEST_P(MetadataStoreContract, ReviewedDocumentsAreTheTenantsApprovedOrCorrectedOnesWithTheirFinalType) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  auto needing_review = [&](const std::string& tenant, const std::string& type) {
    DocumentRecord d = Doc();
    d.status = ProcessingStatus::kNeedsReview;
    d.document_type = type;
    d.result_json = "{}";
    return Create(m, tenant, d);
  };
  const DocumentRecord approved = needing_review(a, "invoice");
  const DocumentRecord retyped = needing_review(a, "letter");
  const DocumentRecord rejected = needing_review(a, "receipt");
  const DocumentRecord waiting = needing_review(a, "receipt");
  const DocumentRecord of_b = needing_review(b, "invoice");
  DocumentRecord done = Doc();  // completed without review: not training data
  done.status = ProcessingStatus::kCompleted;
  done.document_type = "receipt";
  done = Create(m, a, done);
  ASSERT_TRUE(m.RecordReview(a, approved.id, {"alice", ReviewAction::kApprove, "{}", "", std::nullopt}).ok());
  Advance(1s);
  ReviewInput retype{"alice", ReviewAction::kCorrect, "{}", "", std::nullopt, "contract"};
  ASSERT_TRUE(m.RecordReview(a, retyped.id, retype).ok());
  ASSERT_TRUE(m.RecordReview(a, rejected.id, {"bob", ReviewAction::kReject, "{}", "", std::nullopt}).ok());
  ASSERT_TRUE(m.RecordReview(b, of_b.id, {"carol", ReviewAction::kApprove, "{}", "", std::nullopt}).ok());

  // The corrected type is the document's type from then on.
  EXPECT_EQ(m.GetDocument(a, retyped.id)->document_type, "contract");
  EXPECT_EQ(m.GetDocument(a, approved.id)->document_type, "invoice");

  auto got = m.ListReviewedDocuments(a, 100);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);  // not rejected, waiting, done, nor b's
  EXPECT_EQ((*got)[0].id, retyped.id);  // newest first
  EXPECT_EQ((*got)[0].document_type, "contract");
  EXPECT_EQ((*got)[0].tenant_id, a);
  EXPECT_TRUE((*got)[0].result_json.empty());
  EXPECT_EQ((*got)[1].id, approved.id);
  EXPECT_EQ((*got)[1].document_type, "invoice");
  auto one = m.ListReviewedDocuments(a, 1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].id, retyped.id);
  auto of_other = m.ListReviewedDocuments(b, 100);
  ASSERT_TRUE(of_other.ok());
  ASSERT_EQ(of_other->size(), 1u);
  EXPECT_EQ((*of_other)[0].id, of_b.id);
  (void)waiting;

  EXPECT_EQ(m.ListReviewedDocuments(a, 0).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ListReviewedDocuments(a, MetadataStore::kMaxReviewedDocuments + 1).status().code(),
            ErrorCode::kInvalidArgument);
  // A type that is not a name is refused, and nothing is recorded.
  const DocumentRecord other = needing_review(a, "invoice");
  ReviewInput bad{"alice", ReviewAction::kCorrect, "{}", "", std::nullopt, "in voice"};
  EXPECT_EQ(m.RecordReview(a, other.id, bad).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.GetDocument(a, other.id)->status, ProcessingStatus::kNeedsReview);
  EXPECT_EQ(m.GetDocument(a, other.id)->document_type, "invoice");
}


}  // namespace
}  // namespace sheaf
