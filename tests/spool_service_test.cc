// SPDX-License-Identifier: GPL-3.0-or-later
//
// The database fallback in one process: the real service on the embedded stores, the SQLite
// metadata store made to fail by the SQLite fault VFS (every WAL sync fails) behind the write
// spool. The pipeline goes on with its writes spooled, GET /v1/system/status shows L1 with the
// spooled writes as its cause, and once the store works again the writes are replayed, each
// once, and the level is back to L0.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/sqlite/fault_vfs.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "app/composition.h"
#include "fixtures.h"
#include "service_parts.h"
#include "metadata/spooling_store.h"
#include "resilience/breakers.h"
#include "resilience/degradation.h"
#include "resilience/manual_clock.h"
#include "service/api.h"
#include "service/service.h"

namespace sheaf {
namespace {

constexpr char kLetter[] = "Dear Sir or Madam,\n\nthank you for your letter.\n\nYours sincerely\n";

bool Pending(ProcessingStatus s) {
  return s == ProcessingStatus::kQueued || s == ProcessingStatus::kProcessing;
}

class SpoolServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir();
    ASSERT_TRUE(SqliteFaultVfs::Install());
    auto meta = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", {});
    ASSERT_TRUE(meta.ok()) << meta.status().message();
    breakers_ = std::make_unique<CircuitBreakerRegistry>(DefaultBreakerConfigs(), &clock_);
    SpoolingStoreOptions so;
    so.path = dir_ + "/spool/metadata.spool";
    so.breaker = &breakers_->Get("database");
    auto spooling = SpoolingMetadataStore::Open(std::move(meta).value(), so);
    ASSERT_TRUE(spooling.ok()) << spooling.status().message();
    metadata_ = std::move(spooling).value();
    {
      Status parts = testing::OpenServiceParts(dir_, &parts_);
      ASSERT_TRUE(parts.ok()) << parts.ToString();
    }
    auto tenant = metadata_->CreateTenant("acme", "test");
    ASSERT_TRUE(tenant.ok());
    tenant_ = tenant->id;
    auto key = metadata_->CreateApiKey(tenant_, "test");
    ASSERT_TRUE(key.ok());
    key_ = key->key;

    degradation_ = std::make_unique<DegradationController>(
        breakers_.get(),
        [this] {
          HealthSignals h;
          h.spooled_writes = metadata_->spooled();
          if (service_) h.worker_availability = service_->WorkerAvailability();
          return h;
        },
        &clock_);
    ServiceDeps deps = parts_.Deps(metadata_.get());
    deps.hold = [this] { return hold_.load(); };
    ServiceOptions options;
    options.work_dir = dir_;
    options.idle_poll = std::chrono::milliseconds(10);
    service_ = std::make_unique<Service>(deps, options);
    ASSERT_TRUE(service_->Start().ok());

    ApiDeps adeps;
    adeps.service = service_.get();
    adeps.metadata = metadata_.get();
    adeps.degradation = degradation_.get();
    api_ = std::make_unique<Api>(adeps, ApiOptions{});
  }
  void TearDown() override {
    if (service_) service_->Stop(std::chrono::steady_clock::now() + std::chrono::seconds(10));
    service_.reset();
    metadata_.reset();
    SqliteFaultVfs::Uninstall();
  }

  std::string Submit() {
    IngestRequest r;
    r.tenant_id = tenant_;
    r.actor = "test";
    r.bytes = std::make_shared<const std::string>(kLetter);
    r.filename = "letter.txt";
    Result<IngestResult> got = service_->Ingest(r);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? got->document.id : "";
  }
  // Waits (bounded: a failure, not a hang) until `store` says the document left
  // queued/processing.
  ProcessingStatus WaitDone(MetadataStore* store, const std::string& id) {
    const DocumentRecord d = testing::WaitUntilSettled(store, tenant_, id);
    return d.id.empty() ? ProcessingStatus::kFailed : d.status;
  }
  nlohmann::json SystemStatus() {
    degradation_->Update();
    HttpRequest req;
    req.method = "GET";
    req.path = "/v1/system/status";
    req.headers["authorization"] = "Bearer " + key_;
    HttpReply r = api_->Handle(req);
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
  }

  std::string dir_;
  testing::ServiceParts parts_;
  ManualClock clock_;
  std::unique_ptr<CircuitBreakerRegistry> breakers_;
  std::unique_ptr<SpoolingMetadataStore> metadata_;
  std::unique_ptr<DegradationController> degradation_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Api> api_;
  std::atomic<bool> hold_{false};
  std::string tenant_;
  std::string key_;
};

TEST_F(SpoolServiceTest, WithTheStoreFailingTheDocumentIsProcessedOnSpooledWritesThenReplayed) {
  EXPECT_EQ(SystemStatus()["level"], "L0");
  EXPECT_EQ(service_->WorkerAvailability(), 1.0);

  hold_ = true;  // accepted while the store works; processed while it fails
  const std::string id = Submit();
  ASSERT_FALSE(id.empty());
  SqliteFaultVfs::FailSyncs({"metadata.sqlite-wal", 0, -1, false});  // not the broker's
  hold_ = false;

  const ProcessingStatus seen = WaitDone(metadata_.get(), id);
  EXPECT_TRUE(seen == ProcessingStatus::kCompleted || seen == ProcessingStatus::kNeedsReview)
      << ProcessingStatusName(seen);
  EXPECT_GT(SqliteFaultVfs::InjectedSyncFailures(), 0);
  EXPECT_GT(metadata_->spooled(), 0u);
  EXPECT_TRUE(Pending(metadata_->inner()->GetDocument(tenant_, id)->status));

  nlohmann::json st = SystemStatus();
  EXPECT_EQ(st["level"], "L1") << st.dump();
  bool spool_cause = false;
  for (const auto& c : st["causes"]) {
    if (c["trigger"].get<std::string>().find("database writes spooled") != std::string::npos) {
      spool_cause = true;
    }
  }
  EXPECT_TRUE(spool_cause) << st.dump();

  // The store is back. Its breaker may have opened on the failures: let its open time pass.
  SqliteFaultVfs::ClearFaults();
  for (int i = 0; i < 20 && metadata_->spooled() > 0; ++i) {
    clock_.Advance(std::chrono::minutes(5));
    (void)metadata_->Replay();
  }
  ASSERT_EQ(metadata_->spooled(), 0u);
  EXPECT_EQ(metadata_->inner()->GetDocument(tenant_, id)->status, seen);
  EXPECT_EQ(SystemStatus()["level"], "L0");

  // Every pipeline write is in the store's audit log once, and the chain is whole.
  std::map<std::string, int> actions;
  auto entries = metadata_->ListAudit(tenant_, 0, 1000);
  ASSERT_TRUE(entries.ok());
  for (const AuditEntry& e : *entries) {
    if (e.document_id == id) ++actions[e.action];
  }
  EXPECT_EQ(actions["document.ingested"], 1);
  EXPECT_EQ(actions["document.processing"], 1);
  EXPECT_EQ(actions["document.completed"] + actions["document.needs_review"], 1);
  EXPECT_TRUE(metadata_->VerifyAudit()->intact);
}

TEST_F(SpoolServiceTest, WorkerAvailabilityIsUnknownOnceTheStagesStopped) {
  EXPECT_EQ(service_->WorkerAvailability(), 1.0);
  service_->Stop(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  EXPECT_EQ(service_->WorkerAvailability(), std::nullopt);
}

}  // namespace
}  // namespace sheaf
