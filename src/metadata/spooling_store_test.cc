// SPDX-License-Identifier: GPL-3.0-or-later
//
// The write spool in front of the real SQLite store, made to fail by the SQLite fault VFS
// (every WAL sync fails: each write is rolled back and answers io_error).
#include "metadata/spooling_store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/sqlite/fault_vfs.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "fixtures.h"
#include "resilience/circuit_breaker.h"
#include "resilience/manual_clock.h"

namespace sheaf {
namespace {

SqliteFault EveryWalSync() {
  SqliteFault f;
  f.path_contains = "-wal";
  f.times = -1;
  return f;
}

DocumentUpdate Stage(const std::string& name, int at) {
  DocumentUpdate u;
  u.stage_name = name;
  u.stage_json = nlohmann::json{{"ms", 1.5}, {"finished_at", at}}.dump();
  u.only_if = {ProcessingStatus::kProcessing};
  return u;
}

class SpoolingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir();
    ASSERT_TRUE(SqliteFaultVfs::Install());
    Open();
    auto t = store_->CreateTenant("acme", "test");
    ASSERT_TRUE(t.ok());
    tenant_ = t->id;
    DocumentRecord d;
    d.id = NewDocumentId();
    d.source_name = "letter.txt";
    auto made = store_->CreateDocument(tenant_, d, 0, "key:test");
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    doc_ = made->document.id;
  }
  void TearDown() override {
    store_.reset();
    SqliteFaultVfs::Uninstall();
  }
  void Open(std::uint64_t max_bytes = 1 << 20) {
    store_.reset();
    auto inner = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", {});
    ASSERT_TRUE(inner.ok()) << inner.status().ToString();
    SpoolingStoreOptions o;
    o.path = dir_ + "/spool/metadata.spool";
    o.max_bytes = max_bytes;
    o.breaker = breaker_.get();
    o.buffer_writes = buffer_;
    auto s = SpoolingMetadataStore::Open(std::move(inner).value(), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  // The document's audit actions, oldest first, as the store has them.
  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    auto entries = store_->ListAudit(tenant_, 0, 1000);
    EXPECT_TRUE(entries.ok());
    for (const AuditEntry& e : *entries) {
      if (e.document_id == doc_) out.push_back(e.action);
    }
    return out;
  }

  std::string dir_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::function<bool()> buffer_;
  std::unique_ptr<SpoolingMetadataStore> store_;
  std::string tenant_;
  std::string doc_;
};

TEST_F(SpoolingStoreTest, WritesTheStoreFailsAreSpooledReadBackAndReplayedInOrderOnce) {
  SqliteFaultVfs::FailSyncs(EveryWalSync());
  DocumentUpdate processing = Stage("queued", 10);
  processing.status = ProcessingStatus::kProcessing;
  processing.only_if = {ProcessingStatus::kQueued};
  processing.audit_action = "document.processing";
  DocumentUpdate done = Stage("validate", 30);
  done.status = ProcessingStatus::kCompleted;
  done.result_json = "{\"fields\":{}}";
  done.sender = "name:acme";  // the spool keeps it for the replay
  done.audit_action = "document.completed";
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, processing, "pipeline").ok());
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, Stage("ocr", 20), "pipeline").ok());
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, done, "pipeline").ok());
  EXPECT_EQ(store_->spooled(), 3u);
  EXPECT_GT(SqliteFaultVfs::InjectedSyncFailures(), 0);

  // The store has none of it; the decorator's reads show all of it.
  auto inner = store_->inner()->GetDocument(tenant_, doc_);
  ASSERT_TRUE(inner.ok());
  EXPECT_EQ(inner->status, ProcessingStatus::kQueued);
  auto seen = store_->GetDocument(tenant_, doc_);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->status, ProcessingStatus::kCompleted);
  EXPECT_EQ(seen->result_json, "{\"fields\":{}}");
  auto stages = nlohmann::json::parse(seen->stages_json);
  EXPECT_TRUE(stages.contains("queued") && stages.contains("ocr") && stages.contains("validate"));

  // Still failing: the replay stops at the first write and keeps all three.
  EXPECT_FALSE(store_->Replay().ok());
  EXPECT_EQ(store_->spooled(), 3u);

  SqliteFaultVfs::ClearFaults();
  ASSERT_TRUE(store_->Replay().ok());
  EXPECT_EQ(store_->spooled(), 0u);
  auto stored = store_->inner()->GetDocument(tenant_, doc_);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, ProcessingStatus::kCompleted);
  EXPECT_EQ(nlohmann::json::parse(stored->stages_json), stages);
  DocumentFilter by_sender;
  by_sender.sender = "name:acme";
  auto listed = store_->inner()->ListDocuments(tenant_, by_sender);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->documents.size(), 1u);
  EXPECT_EQ(listed->documents[0].id, doc_);
  EXPECT_EQ(Actions(), (std::vector<std::string>{"document.ingested", "document.processing",
                                                 "document.updated", "document.completed"}));
  EXPECT_TRUE(store_->VerifyAudit()->intact);
}

TEST_F(SpoolingStoreTest, WhileWritesAreSpooledLaterOnesQueueBehindThemEvenWithTheStoreBack) {
  SqliteFaultVfs::FailSyncs(EveryWalSync());
  DocumentUpdate processing = Stage("queued", 10);
  processing.status = ProcessingStatus::kProcessing;
  processing.only_if = {ProcessingStatus::kQueued};
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, processing, "pipeline").ok());
  SqliteFaultVfs::ClearFaults();
  // The store answers again, but this write needs the spooled one first (its guard).
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, Stage("ocr", 20), "pipeline").ok());
  EXPECT_EQ(store_->spooled(), 2u);
  ASSERT_TRUE(store_->Replay().ok());
  auto stages = nlohmann::json::parse(store_->inner()->GetDocument(tenant_, doc_)->stages_json);
  EXPECT_TRUE(stages.contains("ocr")) << stages.dump();
}

TEST_F(SpoolingStoreTest, AfterARestartBetweenAReplayedWriteAndItsMarkerNothingIsAppliedTwice) {
  DocumentUpdate processing;
  processing.status = ProcessingStatus::kProcessing;
  processing.only_if = {ProcessingStatus::kQueued};
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, processing, "pipeline").ok());
  SqliteFaultVfs::FailSyncs(EveryWalSync());
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, Stage("ocr", 20), "pipeline").ok());
  DocumentUpdate failed;
  failed.status = ProcessingStatus::kFailed;
  failed.error = "gave up";
  failed.only_if = {ProcessingStatus::kQueued, ProcessingStatus::kProcessing};
  failed.audit_action = "document.failed";
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, failed, "pipeline").ok());
  SqliteFaultVfs::ClearFaults();

  // A restart: the spool is read back, and its writes still show in reads.
  Open();
  EXPECT_EQ(store_->spooled(), 2u);
  auto seen = store_->GetDocument(tenant_, doc_);
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->status, ProcessingStatus::kFailed);
  // Both writes reached the store before the crash, their done markers did not.
  ASSERT_TRUE(store_->inner()->UpdateDocument(tenant_, doc_, Stage("ocr", 20), "pipeline").ok());
  ASSERT_TRUE(store_->inner()->UpdateDocument(tenant_, doc_, failed, "pipeline").ok());
  const std::vector<std::string> before = Actions();

  ASSERT_TRUE(store_->Replay().ok());
  EXPECT_EQ(store_->spooled(), 0u);
  EXPECT_EQ(Actions(), before);  // no entry appended twice
  EXPECT_EQ(store_->inner()->GetDocument(tenant_, doc_)->status, ProcessingStatus::kFailed);
}

TEST_F(SpoolingStoreTest, WithTheBreakerOpenReadsComeFromTheLastKnownRecordElseUnavailable) {
  ManualClock clock;
  CircuitBreakerConfig c;
  breaker_ = std::make_unique<CircuitBreaker>("database", c, &clock);
  Open();
  ASSERT_TRUE(store_->GetDocument(tenant_, doc_).ok());  // remembered
  DocumentRecord other;
  other.id = NewDocumentId();
  // Made by another process: this one never read it.
  ASSERT_TRUE(store_->inner()->CreateDocument(tenant_, other, 0, "key:test").ok());
  breaker_->TransitionToOpen("test");

  DocumentUpdate processing = Stage("queued", 10);
  processing.status = ProcessingStatus::kProcessing;
  processing.only_if = {ProcessingStatus::kQueued};
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, processing, "pipeline").ok());
  EXPECT_EQ(store_->spooled(), 1u);  // the breaker did not let it try the store
  EXPECT_EQ(store_->inner()->GetDocument(tenant_, doc_)->status, ProcessingStatus::kQueued);

  auto cached = store_->GetDocument(tenant_, doc_);
  ASSERT_TRUE(cached.ok());
  EXPECT_EQ(cached->status, ProcessingStatus::kProcessing);
  auto never_read = store_->GetDocument(tenant_, other.id);
  ASSERT_FALSE(never_read.ok());
  EXPECT_EQ(never_read.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(never_read.status().message().find("no cached copy of document " + other.id),
            std::string::npos)
      << never_read.status().message();

  // Open: the replay waits too; closed again, it goes through.
  EXPECT_EQ(store_->Replay().code(), ErrorCode::kUnavailable);
  breaker_->TransitionToClosed("test");
  ASSERT_TRUE(store_->Replay().ok());
  EXPECT_EQ(store_->inner()->GetDocument(tenant_, doc_)->status, ProcessingStatus::kProcessing);
}

TEST_F(SpoolingStoreTest, AWriteThatFindsTheSpoolFullFailsWithTheLimitAndNothingIsSpooled) {
  Open(/*max_bytes=*/200);
  SqliteFaultVfs::FailSyncs(EveryWalSync());
  DocumentUpdate big = Stage("ocr", 20);
  big.only_if = {ProcessingStatus::kQueued};  // holds: the store reaches its commit, which fails
  big.result_json = "{\"text\":\"" + std::string(400, 'x') + "\"}";
  Status s = store_->UpdateDocument(tenant_, doc_, big, "pipeline");
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded) << s.ToString();
  EXPECT_NE(s.message().find("200 bytes"), std::string::npos) << s.message();
  EXPECT_EQ(store_->spooled(), 0u);
}

TEST_F(SpoolingStoreTest, AnUnguardedWriteIsNotSpooledAndItsErrorReachesTheCaller) {
  SqliteFaultVfs::FailSyncs(EveryWalSync());
  DocumentUpdate u;
  u.document_type = "letter";
  Status s = store_->UpdateDocument(tenant_, doc_, u, "key:test");
  EXPECT_EQ(s.code(), ErrorCode::kIoError) << s.ToString();
  EXPECT_EQ(store_->spooled(), 0u);
}

TEST_F(SpoolingStoreTest, WhileWritesAreBufferedTheyAreSpooledWithTheStoreWellAndPersistedLater) {
  bool slow = true;
  buffer_ = [&slow] { return slow; };
  Open();
  DocumentUpdate processing = Stage("queued", 10);
  processing.status = ProcessingStatus::kProcessing;
  processing.only_if = {ProcessingStatus::kQueued};
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, processing, "pipeline").ok());
  EXPECT_EQ(store_->spooled(), 1u);
  EXPECT_EQ(store_->inner()->GetDocument(tenant_, doc_)->status, ProcessingStatus::kQueued);
  ASSERT_TRUE(store_->Replay().ok());
  EXPECT_EQ(store_->inner()->GetDocument(tenant_, doc_)->status, ProcessingStatus::kProcessing);
  slow = false;
  ASSERT_TRUE(store_->UpdateDocument(tenant_, doc_, Stage("ocr", 20), "pipeline").ok());
  EXPECT_EQ(store_->spooled(), 0u);  // straight to the store again
}

TEST(ApplyDocumentUpdate, AppliesAsTheStoreWouldOnlyWhenItsGuardHolds) {
  DocumentRecord d;
  d.status = ProcessingStatus::kQueued;
  d.stages_json = "{\"ingest\":{\"pages\":1}}";
  DocumentUpdate u = Stage("ocr", 5);  // only_if processing
  EXPECT_FALSE(ApplyDocumentUpdate(u, &d));
  EXPECT_EQ(d.stages_json, "{\"ingest\":{\"pages\":1}}");
  d.status = ProcessingStatus::kProcessing;
  u.status = ProcessingStatus::kNeedsReview;
  u.error = "";
  ASSERT_TRUE(ApplyDocumentUpdate(u, &d));
  EXPECT_EQ(d.status, ProcessingStatus::kNeedsReview);
  auto stages = nlohmann::json::parse(d.stages_json);
  EXPECT_EQ(stages["ingest"]["pages"], 1);
  EXPECT_EQ(stages["ocr"]["finished_at"], 5);
}

}  // namespace
}  // namespace sheaf
