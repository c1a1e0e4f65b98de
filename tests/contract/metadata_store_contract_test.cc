// SPDX-License-Identifier: GPL-3.0-or-later
//
// The MetadataStore contract (sheaf/metadata_store.h): tenants and isolation, idempotency,
// documents, API keys and durability. The review queue, the audit log and webhooks, and several
// processes on one database have files of their own (metadata_store_*_contract_test.cc); all
// share the fixture of metadata_store_contract.h, and the suite is instantiated here, once, for
// every backend.
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

// --- Tenants and isolation.

TEST_P(MetadataStoreContract, TenantsAreCreatedOnceAndFoundByName) {
  MetadataStore& m = Open();
  const std::string acme = NewTenant(m, "acme");
  NewTenant(m, "globex");
  EXPECT_EQ(m.CreateTenant("acme", "cli:test").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.CreateTenant("Bad Name", "cli:test").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.CreateTenant("", "cli:test").status().code(), ErrorCode::kInvalidArgument);
  auto byname = m.GetTenantByName("acme");
  ASSERT_TRUE(byname.ok());
  EXPECT_EQ(byname->id, acme);
  EXPECT_EQ(byname->created_at, kStart);
  EXPECT_EQ(m.GetTenant(acme)->name, "acme");
  EXPECT_EQ(m.GetTenantByName("nobody").status().code(), ErrorCode::kNotFound);
  auto all = m.ListTenants();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "acme");
  EXPECT_EQ((*all)[1].name, "globex");
}

bool IsWebhookSecret(const std::string& s) {
  return s.size() == 6 + 64 && s.rfind("whsec_", 0) == 0 &&
         std::all_of(s.begin() + 6, s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST_P(MetadataStoreContract, EveryTenantGetsItsOwnWebhookSecret) {
  MetadataStore& m = Open();
  auto a = m.CreateTenant("a", "cli:test");
  auto b = m.CreateTenant("b", "cli:test");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(IsWebhookSecret(a->webhook_secret)) << a->webhook_secret;
  EXPECT_TRUE(IsWebhookSecret(b->webhook_secret)) << b->webhook_secret;
  EXPECT_NE(a->webhook_secret, b->webhook_secret);
  EXPECT_EQ(a->default_webhook_url, "");
  // Stored, and returned by every read.
  EXPECT_EQ(m.GetTenant(a->id)->webhook_secret, a->webhook_secret);
  EXPECT_EQ(m.GetTenantByName("b")->webhook_secret, b->webhook_secret);
  EXPECT_EQ((*m.ListTenants())[0].webhook_secret, a->webhook_secret);

  // Rotation replaces it with a new one and says so in the audit log, without the secret.
  ASSERT_TRUE(m.RotateWebhookSecret(a->id, "cli:ops").ok());
  const std::string rotated = m.GetTenant(a->id)->webhook_secret;
  EXPECT_TRUE(IsWebhookSecret(rotated));
  EXPECT_NE(rotated, a->webhook_secret);
  EXPECT_EQ(m.GetTenant(b->id)->webhook_secret, b->webhook_secret);
  EXPECT_EQ(m.RotateWebhookSecret("0000000000000000", "cli:ops").code(), ErrorCode::kNotFound);
  auto audit = m.ListAudit(a->id, 0, 100);  // a's chain: created, rotated
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ(audit->back().action, "tenant.webhook_secret_rotated");
  EXPECT_EQ(audit->back().tenant_id, a->id);
  for (const AuditEntry& e : *audit) {
    EXPECT_EQ(e.details_json.find("whsec_"), std::string::npos) << e.details_json;
  }
}

TEST_P(MetadataStoreContract, TenantWebhookUrlIsValidatedStoredAndAudited) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  ASSERT_TRUE(m.SetTenantWebhook(a, "https://hooks.example/sheaf?x=1", "cli:ops").ok());
  EXPECT_EQ(m.GetTenant(a)->default_webhook_url, "https://hooks.example/sheaf?x=1");
  ASSERT_TRUE(m.SetTenantWebhook(a, "http://127.0.0.7:8080/in", "cli:ops").ok());
  EXPECT_EQ(m.GetTenantByName("a")->default_webhook_url, "http://127.0.0.7:8080/in");

  for (const std::string& bad : std::vector<std::string>{
           "ftp://hooks.example/x", "hooks.example/x", "https://", "javascript:alert(1)",
           "https://a.example/x y", "https://a.example/\r\nX-Evil: 1",
           "https://a.example/" + std::string(2100, 'p')}) {
    EXPECT_EQ(m.SetTenantWebhook(a, bad, "cli:ops").code(), ErrorCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(m.GetTenant(a)->default_webhook_url, "http://127.0.0.7:8080/in") << "unchanged";
  EXPECT_EQ(m.SetTenantWebhook("0123456789abcdef", "https://x.example", "cli:ops").code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(m.SetTenantWebhook(a, "https://x.example", "").code(), ErrorCode::kInvalidArgument);

  // "" removes it.
  ASSERT_TRUE(m.SetTenantWebhook(a, "", "cli:ops").ok());
  EXPECT_EQ(m.GetTenant(a)->default_webhook_url, "");

  std::vector<AuditEntry> sets;
  for (const AuditEntry& e : *m.ListAudit(a, 0, 100)) {
    if (e.action == "tenant.webhook_set") sets.push_back(e);
  }
  ASSERT_EQ(sets.size(), 3u) << "one entry per successful call, none for refused ones";
  EXPECT_EQ(sets[0].actor, "cli:ops");
  EXPECT_EQ(sets[0].tenant_id, a);
  EXPECT_EQ(sets[0].details_json, R"({"url":"https://hooks.example/sheaf?x=1"})");
  EXPECT_EQ(sets[2].details_json, R"({"url":""})");
  EXPECT_TRUE(m.VerifyAudit()->intact);
}

TEST_P(MetadataStoreContract, AnotherTenantsDocumentBehavesExactlyLikeAMissingOne) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  DocumentRecord doc = Doc();
  doc.status = ProcessingStatus::kNeedsReview;
  doc = Create(m, a, doc);
  auto hook = m.EnqueueWebhook(a, {doc.id, "https://a.example/hook", "document.completed", "{}"});
  ASSERT_TRUE(hook.ok()) << hook.status().ToString();
  const std::string missing = NewDocumentId();

  // Tenant b asks about a's document and about a document nobody has: same code, same message.
  const auto same = [&](const Status& theirs, const Status& none, const std::string& id_theirs,
                        const std::string& id_none) {
    EXPECT_EQ(theirs.code(), ErrorCode::kNotFound) << theirs.ToString();
    EXPECT_EQ(none.code(), ErrorCode::kNotFound) << none.ToString();
    std::string normalised = theirs.message();
    normalised.replace(normalised.find(id_theirs), id_theirs.size(), id_none);
    EXPECT_EQ(normalised, none.message());
  };
  same(m.GetDocument(b, doc.id).status(), m.GetDocument(b, missing).status(), doc.id, missing);
  DocumentUpdate update;
  update.status = ProcessingStatus::kFailed;
  same(m.UpdateDocument(b, doc.id, update, "key:b"), m.UpdateDocument(b, missing, update, "key:b"),
       doc.id, missing);
  same(m.DeleteDocument(b, doc.id, "key:b"), m.DeleteDocument(b, missing, "key:b"), doc.id,
       missing);
  ReviewInput review{"mallory", ReviewAction::kReject, "{}", "", std::nullopt};
  same(m.RecordReview(b, doc.id, review).status(), m.RecordReview(b, missing, review).status(),
       doc.id, missing);
  same(m.ListCorrections(b, doc.id).status(), m.ListCorrections(b, missing).status(), doc.id,
       missing);
  same(m.EnqueueWebhook(b, {doc.id, "https://b.example", "x", "{}"}).status(),
       m.EnqueueWebhook(b, {missing, "https://b.example", "x", "{}"}).status(), doc.id, missing);
  const std::string missing_event = "evt_" + std::string(32, '0');
  same(m.GetWebhook(b, hook->event_id).status(), m.GetWebhook(b, missing_event).status(),
       hook->event_id, missing_event);
  same(m.ReplayWebhook(b, hook->event_id, "key:b"), m.ReplayWebhook(b, missing_event, "key:b"),
       hook->event_id, missing_event);

  // Nothing of a's shows in b's listings, and nothing b tried changed a's document.
  EXPECT_TRUE(m.ListDocuments(b, {})->documents.empty());
  EXPECT_TRUE(m.ListReviewQueue(b, 10, "")->documents.empty());
  EXPECT_TRUE(m.ListWebhooks(b, WebhookState::kPending, 10)->empty());
  EXPECT_EQ(m.FindByIdempotencyKey(b, "k").status().code(), ErrorCode::kNotFound);
  auto still = m.GetDocument(a, doc.id);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->status, ProcessingStatus::kNeedsReview);
  EXPECT_EQ(m.ListReviewQueue(a, 10, "")->documents.size(), 1u);
  EXPECT_EQ(m.ListWebhooks(a, WebhookState::kPending, 10)->size(), 1u);
}

// --- Idempotency.

TEST_P(MetadataStoreContract, SameIdempotencyKeyReturnsTheFirstDocument) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  const DocumentRecord first = Create(m, a, Doc("order-42"));

  DocumentRecord retry = Doc("order-42");  // a new id and upload, as a retried POST would have
  retry.source_name = "different.pdf";
  Advance(5s);
  auto again = m.CreateDocument(a, retry, 0, "key:a");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->document.id, first.id);
  EXPECT_EQ(again->document.source_name, "invoice.pdf");
  EXPECT_EQ(again->document.created_at, kStart);
  EXPECT_EQ(m.GetDocument(a, retry.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(m.FindByIdempotencyKey(a, "order-42")->id, first.id);

  // Another tenant's identical key is its own.
  auto other = m.CreateDocument(b, Doc("order-42"), 0, "key:b");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->created);
  EXPECT_NE(other->document.id, first.id);
  EXPECT_EQ(m.FindByIdempotencyKey(b, "order-42")->id, other->document.id);

  EXPECT_EQ(m.CreateDocument(a, Doc(std::string(256, 'k')), 0, "key:a").status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_P(MetadataStoreContract, ConcurrentRetriesWithOneKeyCreateOneDocument) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  constexpr int kThreads = 16;
  std::vector<std::string> ids(kThreads);
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = m.CreateDocument(a, Doc("same-key"), 0, "key:a");
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (r->created) ++created;
      ids[static_cast<std::size_t>(i)] = r->document.id;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(*m.CountQueued(a), 1);
}


// --- Documents.

TEST_P(MetadataStoreContract, CreateValidatesItsInput) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  DocumentRecord d = Doc();
  d.id = "../../etc";
  EXPECT_EQ(m.CreateDocument(a, d, 0, "key:a").status().code(), ErrorCode::kInvalidArgument);
  d = Doc();
  d.metadata_json = "{not json";
  EXPECT_EQ(m.CreateDocument(a, d, 0, "key:a").status().code(), ErrorCode::kInvalidArgument);
  d = Doc();
  EXPECT_EQ(m.CreateDocument("no-such-tenant", d, 0, "key:a").status().code(),
            ErrorCode::kNotFound);
  const DocumentRecord made = Create(m, a, d);
  EXPECT_EQ(made.tenant_id, a);
  EXPECT_EQ(m.CreateDocument(a, d, 0, "key:a").status().code(), ErrorCode::kInvalidArgument)
      << "an id in use";
}

TEST_P(MetadataStoreContract, GetReturnsEveryField) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  DocumentRecord d = Doc("k1");
  d.priority = Lane::kUrgent;
  d.type_hint = "invoice";
  d.document_type = "invoice";
  d.webhook_url = "https://example.com/hook";
  Create(m, a, d);
  auto got = m.GetDocument(a, d.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->tenant_id, a);
  EXPECT_EQ(got->status, ProcessingStatus::kQueued);
  EXPECT_EQ(got->priority, Lane::kUrgent);
  EXPECT_EQ(got->type_hint, "invoice");
  EXPECT_EQ(got->document_type, "invoice");
  EXPECT_EQ(got->webhook_url, "https://example.com/hook");
  EXPECT_EQ(got->metadata_json, d.metadata_json);
  EXPECT_EQ(got->idempotency_key, "k1");
  EXPECT_EQ(got->source_name, "invoice.pdf");
  EXPECT_EQ(got->content_type, "application/pdf");
  EXPECT_EQ(got->size, 1234);
  EXPECT_EQ(got->sha256, d.sha256);
  EXPECT_EQ(got->blob_key, d.blob_key);
  EXPECT_EQ(got->created_at, kStart);
  EXPECT_EQ(got->updated_at, kStart);
  EXPECT_EQ(got->stages_json, "{}");
  EXPECT_EQ(got->result_json, "");
  EXPECT_EQ(got->error, "");

  // Until a classifier says otherwise, the best known type is the client's hint.
  DocumentRecord hinted = Doc();
  hinted.type_hint = "receipt";
  EXPECT_EQ(Create(m, a, hinted).document_type, "receipt");
  EXPECT_EQ(m.GetDocument(a, hinted.id)->document_type, "receipt");
}

TEST_P(MetadataStoreContract, UpdatesMergeStagesAndRespectPreconditions) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const DocumentRecord d = Create(m, a, Doc());

  DocumentUpdate start;
  start.status = ProcessingStatus::kProcessing;
  start.only_if = {ProcessingStatus::kQueued};
  start.stage_name = "ocr";
  start.stage_json = R"({"started_at":1,"ms":120})";
  start.audit_action = "stage.ocr.done";
  Advance(1s);
  ASSERT_TRUE(m.UpdateDocument(a, d.id, start, "pipeline").ok());
  DocumentUpdate classify;
  classify.stage_name = "classification";
  classify.stage_json = R"({"ms":7})";
  classify.document_type = "invoice";
  ASSERT_TRUE(m.UpdateDocument(a, d.id, classify, "pipeline").ok());
  DocumentUpdate done;
  done.status = ProcessingStatus::kCompleted;
  done.result_json = R"({"fields":{"total":"12.50"}})";
  ASSERT_TRUE(m.UpdateDocument(a, d.id, done, "pipeline").ok());

  auto got = m.GetDocument(a, d.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, ProcessingStatus::kCompleted);
  EXPECT_EQ(got->document_type, "invoice");
  EXPECT_EQ(got->stages_json, R"({"ocr":{"started_at":1,"ms":120},"classification":{"ms":7}})");
  EXPECT_EQ(got->result_json, R"({"fields":{"total":"12.50"}})");
  EXPECT_EQ(got->updated_at, kStart + 1000);

  // The same precondition now fails, and says why, without changing anything.
  Status s = m.UpdateDocument(a, d.id, start, "pipeline");
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("is completed"), std::string::npos) << s.message();
  EXPECT_EQ(m.GetDocument(a, d.id)->status, ProcessingStatus::kCompleted);

  // Reprocessing: back to queued, stages and result cleared.
  DocumentUpdate reprocess;
  reprocess.status = ProcessingStatus::kQueued;
  reprocess.only_if = {ProcessingStatus::kCompleted, ProcessingStatus::kFailed,
                       ProcessingStatus::kNeedsReview, ProcessingStatus::kRejected};
  reprocess.reset_stages = true;
  reprocess.result_json = "";
  reprocess.audit_action = "document.reprocessed";
  ASSERT_TRUE(m.UpdateDocument(a, d.id, reprocess, "key:a").ok());
  got = m.GetDocument(a, d.id);
  EXPECT_EQ(got->status, ProcessingStatus::kQueued);
  EXPECT_EQ(got->stages_json, "{}");
  EXPECT_EQ(got->result_json, "");

  DocumentUpdate bad;
  bad.stage_name = "ocr\"]";
  bad.stage_json = "{}";
  EXPECT_EQ(m.UpdateDocument(a, d.id, bad, "pipeline").code(), ErrorCode::kInvalidArgument);
  bad = DocumentUpdate();
  bad.result_json = "{";
  EXPECT_EQ(m.UpdateDocument(a, d.id, bad, "pipeline").code(), ErrorCode::kInvalidArgument);
}

TEST_P(MetadataStoreContract, QueueCapCountsPendingDocumentsAndHoldsUnderConcurrency) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  constexpr int kCap = 5;
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      auto r = m.CreateDocument(a, Doc(), kCap, "key:a");
      if (r.ok()) {
        ++accepted;
      } else if (r.status().code() == ErrorCode::kLimitExceeded) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), kCap);
  EXPECT_EQ(refused.load(), 12 - kCap);
  EXPECT_EQ(*m.CountQueued(a), kCap);
  EXPECT_EQ(*m.CountQueued(b), 0);  // other tenants are not affected
  // The same counts come with the tenants, so /metrics reads every backlog at once.
  EXPECT_EQ(m.GetTenant(a)->pending, kCap);
  auto tenants = m.ListTenants();
  ASSERT_TRUE(tenants.ok());
  ASSERT_EQ(tenants->size(), 2u);
  EXPECT_EQ((*tenants)[0].pending, kCap);  // by name: a, b
  EXPECT_EQ((*tenants)[1].pending, 0);
  EXPECT_TRUE(m.CreateDocument(b, Doc(), kCap, "key:b").ok());

  // Finishing one (processing counts too; completed does not) makes room for one more.
  const std::string first = m.ListDocuments(a, {})->documents.back().id;
  DocumentUpdate processing;
  processing.status = ProcessingStatus::kProcessing;
  ASSERT_TRUE(m.UpdateDocument(a, first, processing, "pipeline").ok());
  EXPECT_EQ(m.CreateDocument(a, Doc(), kCap, "key:a").status().code(), ErrorCode::kLimitExceeded);
  DocumentUpdate completed;
  completed.status = ProcessingStatus::kCompleted;
  ASSERT_TRUE(m.UpdateDocument(a, first, completed, "pipeline").ok());
  EXPECT_EQ(*m.CountQueued(a), kCap - 1);
  EXPECT_TRUE(m.CreateDocument(a, Doc(), kCap, "key:a").ok());
  EXPECT_EQ(m.CountQueued("nope").status().code(), ErrorCode::kNotFound);
}

TEST_P(MetadataStoreContract, CursorPaginationVisitsEveryDocumentOnceInAStableOrder) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  const ProcessingStatus statuses[] = {ProcessingStatus::kQueued, ProcessingStatus::kCompleted,
                                       ProcessingStatus::kNeedsReview};
  const std::string types[] = {"invoice", "receipt"};
  // Newest first: the expected order is the reverse of creation.
  std::vector<DocumentRecord> made;
  for (int i = 0; i < 250; ++i) {
    DocumentRecord d = Doc();
    d.status = statuses[i % 3];
    d.document_type = types[i % 2];
    made.push_back(Create(m, a, d));
    if (i % 10 == 0) Create(m, b, Doc());  // another tenant's rows interleave
    if (i % 7 == 0) Advance(1ms);          // and many share a timestamp
  }
  std::reverse(made.begin(), made.end());
  const auto expect = [&](const std::optional<ProcessingStatus>& status, const std::string& type) {
    std::vector<std::string> ids;
    for (const DocumentRecord& d : made) {
      if ((!status || d.status == *status) && (type.empty() || d.document_type == type)) {
        ids.push_back(d.id);
      }
    }
    return ids;
  };
  for (const int limit : {1, 7, 50, 250, 1000}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    DocumentFilter f;
    f.limit = limit;
    EXPECT_EQ(AllPages(m, a, f), expect(std::nullopt, ""));
    f.status = ProcessingStatus::kCompleted;
    EXPECT_EQ(AllPages(m, a, f), expect(ProcessingStatus::kCompleted, ""));
    f.status = std::nullopt;
    f.document_type = "invoice";
    EXPECT_EQ(AllPages(m, a, f), expect(std::nullopt, "invoice"));
    f.status = ProcessingStatus::kNeedsReview;
    EXPECT_EQ(AllPages(m, a, f), expect(ProcessingStatus::kNeedsReview, "invoice"));
  }

  // Documents created and deleted between pages: no duplicates, nothing missed but the deleted.
  DocumentFilter f;
  f.limit = 20;
  std::vector<std::string> seen;
  auto page = m.ListDocuments(a, f);
  ASSERT_TRUE(page.ok());
  for (const DocumentRecord& d : page->documents) seen.push_back(d.id);
  for (int i = 0; i < 5; ++i) Create(m, a, Doc());
  const std::string deleted = made[100].id;
  ASSERT_TRUE(m.DeleteDocument(a, deleted, "key:a").ok());
  f.cursor = page->next_cursor;
  for (const std::string& id : AllPages(m, a, f)) seen.push_back(id);
  std::vector<std::string> want = expect(std::nullopt, "");
  want.erase(std::find(want.begin(), want.end(), deleted));
  EXPECT_EQ(seen, want);

  DocumentFilter bad;
  bad.cursor = "c1.-5";
  EXPECT_EQ(m.ListDocuments(a, bad).status().code(), ErrorCode::kInvalidArgument);
  bad.cursor = "garbage";
  EXPECT_EQ(m.ListDocuments(a, bad).status().code(), ErrorCode::kInvalidArgument);
  bad.cursor = "";
  bad.limit = 0;
  EXPECT_EQ(m.ListDocuments(a, bad).status().code(), ErrorCode::kInvalidArgument);
  bad.limit = 1001;
  EXPECT_EQ(m.ListDocuments(a, bad).status().code(), ErrorCode::kInvalidArgument);
}

TEST_P(MetadataStoreContract, DocumentsAreListedBySenderWithTheOtherFiltersAndCursors) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  const std::string senders[] = {"name:acme trading", "vat:DE123456789", ""};
  // Newest first, as every listing.
  std::vector<std::pair<DocumentRecord, std::string>> made;
  for (int i = 0; i < 60; ++i) {
    DocumentRecord d = Create(m, a, Doc());
    DocumentUpdate u;
    u.status = i % 2 == 0 ? ProcessingStatus::kCompleted : ProcessingStatus::kNeedsReview;
    u.document_type = i % 4 < 2 ? "invoice" : "receipt";
    if (i % 3 != 2) u.sender = senders[i % 3];  // a third never gets one
    ASSERT_TRUE(m.UpdateDocument(a, d.id, u, "worker").ok());
    d.status = *u.status;
    d.document_type = *u.document_type;
    made.emplace_back(d, senders[i % 3]);
    // Another tenant's documents of the same sender are never listed for this one.
    DocumentRecord theirs = Create(m, b, Doc());
    DocumentUpdate tu;
    tu.sender = senders[0];
    ASSERT_TRUE(m.UpdateDocument(b, theirs.id, tu, "worker").ok());
  }
  std::reverse(made.begin(), made.end());
  const auto expect = [&](const std::string& sender, std::optional<ProcessingStatus> status,
                          const std::string& type) {
    std::vector<std::string> ids;
    for (const auto& [d, s] : made) {
      if (s == sender && (!status || d.status == *status) &&
          (type.empty() || d.document_type == type)) {
        ids.push_back(d.id);
      }
    }
    return ids;
  };
  for (const int limit : {1, 7, 1000}) {
    SCOPED_TRACE("limit " + std::to_string(limit));
    DocumentFilter f;
    f.limit = limit;
    f.sender = senders[0];
    EXPECT_EQ(AllPages(m, a, f).size(), 20u);
    EXPECT_EQ(AllPages(m, a, f), expect(senders[0], std::nullopt, ""));
    f.sender = senders[1];
    EXPECT_EQ(AllPages(m, a, f), expect(senders[1], std::nullopt, ""));
    f.status = ProcessingStatus::kCompleted;
    EXPECT_EQ(AllPages(m, a, f), expect(senders[1], ProcessingStatus::kCompleted, ""));
    f.document_type = "receipt";
    EXPECT_EQ(AllPages(m, a, f), expect(senders[1], ProcessingStatus::kCompleted, "receipt"));
    f.status = std::nullopt;
    EXPECT_EQ(AllPages(m, a, f), expect(senders[1], std::nullopt, "receipt"));
  }
  DocumentFilter unknown;
  unknown.sender = "name:nobody";
  EXPECT_TRUE(m.ListDocuments(a, unknown)->documents.empty());
  DocumentFilter theirs;
  theirs.sender = senders[0];
  EXPECT_EQ(AllPages(m, b, theirs).size(), 60u);

  // An update without a sender keeps it; a new one replaces it.
  const auto& [newest, newest_sender] = made[1];  // i = 58: senders[1]
  const std::string id = newest.id;
  DocumentUpdate keep;
  keep.status = ProcessingStatus::kCompleted;
  ASSERT_TRUE(m.UpdateDocument(a, id, keep, "worker").ok());
  DocumentFilter by;
  by.sender = newest_sender;
  ASSERT_EQ(by.sender, senders[1]);
  EXPECT_EQ(m.ListDocuments(a, by)->documents.front().id, id);
  DocumentUpdate change;
  change.sender = "iban:DE89370400440532013000";
  ASSERT_TRUE(m.UpdateDocument(a, id, change, "worker").ok());
  by.sender = change.sender.value();
  ASSERT_EQ(m.ListDocuments(a, by)->documents.size(), 1u);
  EXPECT_EQ(m.ListDocuments(a, by)->documents.front().id, id);

  DocumentUpdate too_long;
  too_long.sender = std::string(257, 'x');
  EXPECT_EQ(m.UpdateDocument(a, id, too_long, "worker").code(), ErrorCode::kInvalidArgument);
}


TEST_P(MetadataStoreContract, DeleteRemovesTheDataButKeepsTheAuditTrail) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  DocumentRecord d = Doc("key-1");
  d.status = ProcessingStatus::kNeedsReview;
  d = Create(m, a, d);
  ASSERT_TRUE(m.RecordReview(a, d.id, {"alice", ReviewAction::kApprove, "{}", "", std::nullopt}).ok());
  ASSERT_TRUE(m.EnqueueWebhook(a, {d.id, "https://x.example", "document.completed", "{}"}).ok());

  ASSERT_TRUE(m.DeleteDocument(a, d.id, "key:a").ok());
  EXPECT_EQ(m.GetDocument(a, d.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(m.ListCorrections(a, d.id).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(m.ListWebhooks(a, WebhookState::kPending, 10)->empty());
  EXPECT_EQ(m.DeleteDocument(a, d.id, "key:a").code(), ErrorCode::kNotFound);
  EXPECT_EQ(*m.CountQueued(a), 0);

  std::vector<std::string> actions;
  for (const AuditEntry& e : *m.ListAudit(a, 0, 100)) {
    if (e.document_id == d.id) actions.push_back(e.action);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"document.ingested", "document.reviewed",
                                               "document.deleted"}));
  EXPECT_TRUE(m.VerifyAudit()->intact);
  // The idempotency key is free again.
  auto again = m.CreateDocument(a, Doc("key-1"), 0, "key:a");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->created);
}


// --- API keys.

TEST_P(MetadataStoreContract, KeysAuthenticateUntilRevokedAndAreNeverStoredInPlain) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  auto key = m.CreateApiKey(a, "cli:admin");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto other = m.CreateApiKey(b, "cli:admin");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(key->key.rfind("shf_", 0), 0u);
  EXPECT_EQ(key->key.size(), 85u);
  EXPECT_EQ(m.CreateApiKey("nope", "cli:admin").status().code(), ErrorCode::kNotFound);

  auto who = m.Authenticate(key->key);
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->tenant_id, a);
  EXPECT_EQ(who->key_id, key->info.key_id);
  EXPECT_EQ(m.Authenticate(other->key)->tenant_id, b);

  // Every kind of failure looks the same.
  std::string wrong_secret = key->key;
  wrong_secret.back() = wrong_secret.back() == '0' ? '1' : '0';
  std::string swapped = key->key.substr(0, 21) + other->key.substr(21);  // a's id, b's secret
  const std::vector<std::string> bad = {
      wrong_secret, swapped, "", "shf_", "Bearer x", key->key + "0", key->key.substr(0, 84)};
  for (const std::string& k : bad) {
    Status s = m.Authenticate(k).status();
    EXPECT_EQ(s.code(), ErrorCode::kNotFound) << k;
    EXPECT_EQ(s.message(), "invalid or revoked API key");
  }

  // Only a salted hash is stored: the secret part is in no column of any key, the id is.
  const std::string secret = key->key.substr(21);
  const std::string keys = Exec("SELECT * FROM api_keys");
  EXPECT_EQ(keys.find(secret), std::string::npos);
  EXPECT_NE(keys.find(key->info.key_id), std::string::npos);
  store_.reset();

  MetadataStore& reopened = Open();
  ASSERT_TRUE(reopened.Authenticate(key->key).ok());
  ASSERT_TRUE(reopened.RevokeApiKey(key->info.key_id, "cli:admin").ok());
  EXPECT_TRUE(reopened.RevokeApiKey(key->info.key_id, "cli:admin").ok());  // idempotent
  EXPECT_EQ(reopened.RevokeApiKey("0000000000000000", "cli:admin").code(), ErrorCode::kNotFound);
  Status revoked = reopened.Authenticate(key->key).status();
  EXPECT_EQ(revoked.code(), ErrorCode::kNotFound);
  EXPECT_EQ(revoked.message(), "invalid or revoked API key");
  EXPECT_TRUE(reopened.Authenticate(other->key).ok());
  auto listed = reopened.ListApiKeys(a);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].revoked_at, kStart);

  int created = 0;
  int revokes = 0;
  for (const AuditEntry& e : testing::AllAudit(reopened)) {
    created += e.action == "key.created";
    revokes += e.action == "key.revoked";
  }
  EXPECT_EQ(created, 2);
  EXPECT_EQ(revokes, 1);  // the repeated revoke changed nothing
}


// --- Durability.

TEST_P(MetadataStoreContract, EverythingSurvivesCloseAndReopen) {
  std::string a;
  std::string key;
  DocumentRecord d;
  {
    MetadataStore& m = Open();
    a = NewTenant(m, "a");
    key = m.CreateApiKey(a, "cli:admin")->key;
    d = Create(m, a, Doc("idem"));
    DocumentUpdate u;
    u.status = ProcessingStatus::kCompleted;
    u.stage_name = "ocr";
    u.stage_json = R"({"ms":5})";
    u.result_json = R"({"x":1})";
    ASSERT_TRUE(m.UpdateDocument(a, d.id, u, "pipeline").ok());
    ASSERT_TRUE(m.EnqueueWebhook(a, {d.id, "https://h.example", "document.completed", "b"}).ok());
    store_.reset();
  }
  MetadataStore& m = Open();
  EXPECT_EQ(m.GetTenantByName("a")->id, a);
  EXPECT_EQ(m.Authenticate(key)->tenant_id, a);
  auto got = m.GetDocument(a, d.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, ProcessingStatus::kCompleted);
  EXPECT_EQ(got->stages_json, R"({"ocr":{"ms":5}})");
  EXPECT_EQ(got->result_json, R"({"x":1})");
  EXPECT_EQ(m.FindByIdempotencyKey(a, "idem")->id, d.id);
  EXPECT_EQ(m.ListWebhooks(a, WebhookState::kPending, 10)->size(), 1u);
  auto v = m.VerifyAudit();
  EXPECT_TRUE(v->intact);
  EXPECT_EQ(v->entries, 4);
  // The chain continues where it stopped.
  ASSERT_TRUE(m.AppendAudit({"cli:ops", "noted", "", "", ""}).ok());
  EXPECT_TRUE(m.VerifyAudit()->intact);
  EXPECT_EQ(m.VerifyAudit()->entries, 5);
}



// --- What the API's pages and /metrics read.

TEST_P(MetadataStoreContract, CountByStatusFollowsEveryChange) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  EXPECT_TRUE(m.CountByStatus()->empty()) << "statuses with no documents are left out";
  std::vector<DocumentRecord> docs;
  for (int i = 0; i < 4; ++i) docs.push_back(Create(m, i % 2 == 0 ? a : b, Doc()));
  DocumentRecord review = Doc();
  review.status = ProcessingStatus::kNeedsReview;
  review = Create(m, a, review);
  using Counts = std::map<ProcessingStatus, std::int64_t>;
  EXPECT_EQ(*m.CountByStatus(),
            (Counts{{ProcessingStatus::kQueued, 4}, {ProcessingStatus::kNeedsReview, 1}}));

  DocumentUpdate done;
  done.status = ProcessingStatus::kCompleted;
  ASSERT_TRUE(m.UpdateDocument(a, docs[0].id, done, "pipeline").ok());
  DocumentUpdate stage_only;  // no status change: no count changes
  stage_only.stage_name = "ocr";
  stage_only.stage_json = "{}";
  ASSERT_TRUE(m.UpdateDocument(b, docs[1].id, stage_only, "pipeline").ok());
  ASSERT_TRUE(m.RecordReview(a, review.id, {"alice", ReviewAction::kReject, "{}", "", std::nullopt}).ok());
  ASSERT_TRUE(m.DeleteDocument(b, docs[3].id, "key:b").ok());
  DocumentUpdate refused;  // only_if fails: nothing changes
  refused.status = ProcessingStatus::kFailed;
  refused.only_if = {ProcessingStatus::kProcessing};
  EXPECT_FALSE(m.UpdateDocument(a, docs[2].id, refused, "pipeline").ok());
  EXPECT_EQ(*m.CountByStatus(), (Counts{{ProcessingStatus::kQueued, 2},
                                        {ProcessingStatus::kCompleted, 1},
                                        {ProcessingStatus::kRejected, 1}}));
  // The counts are the documents' own, recounted from scratch.
  EXPECT_EQ(Exec("SELECT count(*) FROM documents WHERE status = 'queued'"), "2");
  // And they survive reopening.
  MetadataStore& again = Open();
  EXPECT_EQ((*again.CountByStatus())[ProcessingStatus::kQueued], 2);
}

TEST_P(MetadataStoreContract, ReviewQueueCarriesEachDocumentsResultInOnePage) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  std::map<std::string, std::string> result_of;
  for (int i = 0; i < 5; ++i) {
    DocumentRecord d = Doc();
    d.status = ProcessingStatus::kNeedsReview;
    d.result_json = R"({"fields":{"total":")" + std::to_string(i) + R"("}})";
    d = Create(m, a, d);
    result_of[d.id] = d.result_json;
  }
  auto page = m.ListReviewQueue(a, 10, "");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->documents.size(), 5u);
  for (const DocumentRecord& d : page->documents) EXPECT_EQ(d.result_json, result_of[d.id]);
}


INSTANTIATE_TEST_SUITE_P(
    Backends, MetadataStoreContract,
    ::testing::Values(MetadataBackend{"sqlite", testing::MakeSqliteHarness},
                      MetadataBackend{"postgres", [] { return testing::MakePostgresHarness(false); }},
                      MetadataBackend{"postgres_with_replica",
                                      [] { return testing::MakePostgresHarness(true); }}),
    [](const ::testing::TestParamInfo<MetadataBackend>& backend) { return backend.param.name; });


}  // namespace
}  // namespace sheaf
