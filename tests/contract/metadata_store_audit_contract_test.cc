// SPDX-License-Identifier: GPL-3.0-or-later
//
// The MetadataStore contract, the audit log and webhook events (fixture:
// metadata_store_contract.h).
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

// --- Audit log.

TEST_P(MetadataStoreContract, AuditChainVerifiesAndDetectsTampering) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");           // 1
  ASSERT_TRUE(m.CreateApiKey(a, "cli:admin").ok());  // 2
  const DocumentRecord d = Create(m, a, Doc());      // 3
  DocumentUpdate u;
  u.status = ProcessingStatus::kCompleted;
  ASSERT_TRUE(m.UpdateDocument(a, d.id, u, "pipeline").ok());  // 4
  ASSERT_TRUE(
      m.AppendAudit({"cli:ops", "document.exported", a, d.id, R"({"to":"erp"})"}).ok());  // 5
  ASSERT_TRUE(m.DeleteDocument(a, d.id, "key:a").ok());                                   // 6

  auto entries = m.ListAudit(a, 0, 100);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 6u);
  EXPECT_EQ((*entries)[0].prev_hash, std::string(64, '0'));
  for (std::size_t i = 0; i < entries->size(); ++i) {
    EXPECT_EQ((*entries)[i].seq, static_cast<std::int64_t>(i + 1));
    if (i > 0) {
      EXPECT_EQ((*entries)[i].prev_hash, (*entries)[i - 1].hash);
    }
  }
  EXPECT_EQ((*entries)[2].action, "document.ingested");
  EXPECT_EQ((*entries)[2].actor, "key:test");
  EXPECT_EQ((*entries)[2].at, kStart);

  auto v = m.VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->intact);
  EXPECT_EQ(v->entries, 6);
  EXPECT_EQ(v->chains, 1);
  ASSERT_EQ(v->heads.size(), 1u);
  EXPECT_EQ(v->heads[0].tenant_id, a);
  EXPECT_EQ(v->heads[0].seq, 6);
  EXPECT_EQ(v->heads[0].hash, (*entries)[5].hash);

  // Someone with access to the file rewrites entry 3 (the store stays open, as in production).
  Exec("UPDATE audit_log SET actor = 'key:someone-else' WHERE seq = 3");
  v = m.VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->intact);
  EXPECT_EQ(v->first_bad_tenant, a);
  EXPECT_EQ(v->first_bad_seq, 3);
  EXPECT_NE(v->reason.find("hash does not match"), std::string::npos) << v->reason;
  Exec("UPDATE audit_log SET actor = 'key:test' WHERE seq = 3");
  EXPECT_TRUE(m.VerifyAudit()->intact);

  // Rewriting an entry and its hash breaks the link from the next one.
  Exec("UPDATE audit_log SET hash = '" + std::string(64, 'f') + "' WHERE seq = 4");
  v = m.VerifyAudit();
  EXPECT_FALSE(v->intact);
  EXPECT_EQ(v->first_bad_seq, 4);
  Exec("UPDATE audit_log SET hash = '" + (*entries)[3].hash + "' WHERE seq = 4");

  // Removing an entry in the middle.
  Exec("DELETE FROM audit_log WHERE seq = 5");
  v = m.VerifyAudit();
  EXPECT_FALSE(v->intact);
  EXPECT_EQ(v->first_bad_seq, 5);
  EXPECT_NE(v->reason.find("missing"), std::string::npos) << v->reason;
}

TEST_P(MetadataStoreContract, EachTenantHasAChainOfItsOwn) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");  // a: 1
  const std::string b = NewTenant(m, "b");  // b: 1
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(m.AppendAudit({"cli:ops", "noted", a, "", "{}"}).ok());  // a: 2, 3, 4
    ASSERT_TRUE(m.AppendAudit({"cli:ops", "noted", b, "", "{}"}).ok());  // b: 2, 3, 4
  }
  auto system = m.AppendAudit({"cli:ops", "noted", "", "", "{}"});  // the system chain: 1
  ASSERT_TRUE(system.ok());
  EXPECT_EQ(*system, 1);
  for (const std::string& t : {a, b, std::string()}) {
    auto chain = m.ListAudit(t, 0, 100);
    ASSERT_TRUE(chain.ok());
    ASSERT_EQ(chain->size(), t.empty() ? 1u : 4u) << t;
    EXPECT_EQ((*chain)[0].prev_hash, std::string(64, '0')) << "every chain starts afresh";
    for (std::size_t i = 0; i < chain->size(); ++i) {
      EXPECT_EQ((*chain)[i].tenant_id, t);
      EXPECT_EQ((*chain)[i].seq, static_cast<std::int64_t>(i + 1));
      if (i > 0) {
        EXPECT_EQ((*chain)[i].prev_hash, (*chain)[i - 1].hash);
      }
    }
    if (!t.empty()) {
      auto one = m.ListAudit(t, 2, 1);
      ASSERT_EQ(one->size(), 1u);
      EXPECT_EQ(one->front().seq, 3);
    }
  }
  auto heads = m.ListAuditHeads();
  ASSERT_TRUE(heads.ok());
  ASSERT_EQ(heads->size(), 3u);
  std::map<std::string, AuditChainHead> by_tenant;
  for (const AuditChainHead& h : *heads) by_tenant[h.tenant_id] = h;
  EXPECT_EQ(by_tenant[a].seq, 4);
  EXPECT_EQ(by_tenant[a].hash, m.ListAudit(a, 3, 1)->front().hash);
  EXPECT_EQ(by_tenant[b].seq, 4);
  EXPECT_EQ(by_tenant[""].seq, 1);
  auto v = m.VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->intact) << v->reason;
  EXPECT_EQ(v->entries, 9);
  EXPECT_EQ(v->chains, 3);
  // A change in b's chain names b; a's chain is not what broke.
  Exec("UPDATE audit_log SET details = '{\"x\":1}' WHERE tenant = '" + b + "' AND seq = 2");
  v = m.VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->intact);
  EXPECT_EQ(v->first_bad_tenant, b);
  EXPECT_EQ(v->first_bad_seq, 2);
  // Without the base row (where every chain starts) the log cannot be checked: an error, not a
  // verdict either way.
  Exec("DELETE FROM audit_base");
  EXPECT_EQ(m.VerifyAudit().status().code(), ErrorCode::kIoError);
  // A chain with no entry yet would start from it: refused rather than started from scratch.
  EXPECT_EQ(m.AppendAudit({"cli:ops", "noted", "0123456789abcdef", "", "{}"}).status().code(),
            ErrorCode::kIoError);
}

TEST_P(MetadataStoreContract, AuditChainStaysOneChainUnderConcurrentAppendsFromTwoStores) {
  // `sheaf serve` twice, or with `sheaf key create`: two processes, two stores, one database.
  MetadataStore& first = Open();
  std::unique_ptr<MetadataStore> second = OpenAnother();
  const std::string a = NewTenant(first, "a");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      MetadataStore& m = t % 2 == 0 ? first : *second;
      for (int i = 0; i < 25; ++i) {
        if (!m.AppendAudit({"t" + std::to_string(t), "test.event", a, "", "{}"}).ok()) {
          ADD_FAILURE() << "append failed";
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  auto v = second->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->intact) << v->reason;
  EXPECT_EQ(v->entries, 1 + 8 * 25);
}


// --- Webhooks.

TEST_P(MetadataStoreContract, WebhookEventLifecycle) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const DocumentRecord d = Create(m, a, Doc());

  // Completing the document enqueues its webhook in the same transaction.
  DocumentUpdate done;
  done.status = ProcessingStatus::kCompleted;
  done.result_json = R"({"ok":true})";
  const std::string body = R"({"event":"document.completed","id":")" + d.id + R"("})";
  done.webhook = NewWebhookEvent{"", "https://hooks.example/x", "document.completed", body};
  ASSERT_TRUE(m.UpdateDocument(a, d.id, done, "pipeline").ok());
  auto pending = m.ListWebhooks(a, WebhookState::kPending, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  const std::string event_id = (*pending)[0].event_id;
  EXPECT_EQ(event_id.rfind("evt_", 0), 0u);
  EXPECT_EQ((*pending)[0].document_id, d.id);

  // Attempt 1: claimed, held for the lease, fails, retried later.
  auto claim = m.ClaimDueWebhooks(10, 30s);
  ASSERT_TRUE(claim.ok());
  ASSERT_EQ(claim->size(), 1u);
  EXPECT_EQ((*claim)[0].event_id, event_id);
  EXPECT_EQ((*claim)[0].attempts, 1);
  EXPECT_EQ((*claim)[0].body, body);
  EXPECT_TRUE(m.ClaimDueWebhooks(10, 30s)->empty()) << "leased: not claimed twice";
  ASSERT_TRUE(m.MarkWebhookAttemptFailed(event_id, "HTTP 503", NowMsPlus(10s)).ok());
  Advance(5s);
  EXPECT_TRUE(m.ClaimDueWebhooks(10, 30s)->empty()) << "not due yet";
  Advance(5s);

  // Attempt 2: same id, same body; the worker dies, the lease ends, attempt 3 follows.
  claim = m.ClaimDueWebhooks(10, 30s);
  ASSERT_EQ(claim->size(), 1u);
  EXPECT_EQ((*claim)[0].event_id, event_id);
  EXPECT_EQ((*claim)[0].body, body);
  EXPECT_EQ((*claim)[0].attempts, 2);
  EXPECT_EQ((*claim)[0].last_error, "HTTP 503");
  Advance(31s);
  claim = m.ClaimDueWebhooks(10, 30s);
  ASSERT_EQ(claim->size(), 1u);
  EXPECT_EQ((*claim)[0].attempts, 3);
  EXPECT_EQ((*claim)[0].body, body);

  // The retry window is over: failed for good, listed as failed, not claimed.
  ASSERT_TRUE(m.MarkWebhookAttemptFailed(event_id, "timeout", std::nullopt).ok());
  EXPECT_EQ(m.MarkWebhookAttemptFailed(event_id, "x", std::nullopt).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.MarkWebhookDelivered(event_id).code(), ErrorCode::kInvalidArgument);
  Advance(1h);
  EXPECT_TRUE(m.ClaimDueWebhooks(10, 30s)->empty());
  auto failed = m.ListWebhooks(a, WebhookState::kFailed, 10);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].last_error, "timeout");

  // Replay: pending again with a fresh window, the same id and body; then delivered.
  ASSERT_TRUE(m.ReplayWebhook(a, event_id, "key:a").ok());
  EXPECT_EQ(m.ReplayWebhook(a, event_id, "key:a").code(), ErrorCode::kInvalidArgument);
  auto replayed = m.GetWebhook(a, event_id);
  EXPECT_EQ(replayed->state, WebhookState::kPending);
  EXPECT_EQ(replayed->attempts, 0);
  EXPECT_EQ(replayed->window_start, now_ms_.load());
  claim = m.ClaimDueWebhooks(10, 30s);
  ASSERT_EQ(claim->size(), 1u);
  EXPECT_EQ((*claim)[0].event_id, event_id);
  EXPECT_EQ((*claim)[0].body, body);
  ASSERT_TRUE(m.MarkWebhookDelivered(event_id).ok());
  EXPECT_TRUE(m.MarkWebhookDelivered(event_id).ok());  // a late duplicate ack is harmless
  EXPECT_EQ(m.GetWebhook(a, event_id)->state, WebhookState::kDelivered);
  EXPECT_EQ(m.MarkWebhookDelivered("evt_nope").code(), ErrorCode::kNotFound);

  std::vector<std::string> actions;
  for (const AuditEntry& e : *m.ListAudit(a, 0, 100)) actions.push_back(e.action);
  EXPECT_EQ(actions,
            (std::vector<std::string>{"tenant.created", "document.ingested", "document.updated",
                                      "webhook.failed", "webhook.replayed", "document.exported"}));
  EXPECT_EQ(m.ClaimDueWebhooks(0, 30s).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.ClaimDueWebhooks(1, 0s).status().code(), ErrorCode::kInvalidArgument);
}


}  // namespace
}  // namespace sheaf
