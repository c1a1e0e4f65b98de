// SPDX-License-Identifier: GPL-3.0-or-later
//
// Degradation levels in one process: the real service on the embedded stores, its breakers
// forced open, the level seen by the service (L4 holds every stage while ingestion goes on) and
// by the API's GET /v1/system/status.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "app/composition.h"
#include "fixtures.h"
#include "service_parts.h"
#include "resilience/breakers.h"
#include "resilience/degradation.h"
#include "resilience/manual_clock.h"
#include "service/api.h"
#include "service/service.h"

namespace sheaf {
namespace {

constexpr char kLetter[] = "Dear Sir or Madam,\n\nthank you for your letter.\n\nYours sincerely\n";

class DegradationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir();
    auto meta = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", {});
    ASSERT_TRUE(meta.ok()) << meta.status().message();
    metadata_ = std::move(meta).value();
    {
      // Writes refused by an open breaker are retried: with short backoffs, the default 5
      // attempts could run out before a test closes the breaker, failing the document (a flake).
      sheaf::Status parts = testing::OpenServiceParts(dir_, &parts_, /*broker_max_attempts=*/1000);
      ASSERT_TRUE(parts.ok()) << parts.ToString();
    }
    auto tenant = metadata_->CreateTenant("acme", "test");
    ASSERT_TRUE(tenant.ok());
    tenant_ = tenant->id;
    auto key = metadata_->CreateApiKey(tenant_, "test");
    ASSERT_TRUE(key.ok());
    key_ = key->key;

    breakers_ = std::make_unique<CircuitBreakerRegistry>(DefaultBreakerConfigs(), &clock_);
    degradation_ = std::make_unique<DegradationController>(breakers_.get(), nullptr, &clock_);

    ServiceDeps deps = parts_.Deps(metadata_.get());
    deps.database_breaker = &breakers_->Get("database");
    deps.hold = [this] {
      holds_asked_.fetch_add(1);
      return degradation_->level() == DegradationLevel::kL4;
    };
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
  ProcessingStatus StatusOf(const std::string& id) {
    Result<DocumentRecord> d = metadata_->GetDocument(tenant_, id);
    EXPECT_TRUE(d.ok());
    return d.ok() ? d->status : ProcessingStatus::kFailed;
  }
  // Waits until the document leaves queued/processing (bounded: a failure, not a hang).
  ProcessingStatus WaitDone(const std::string& id) {
    const DocumentRecord d = testing::WaitUntilSettled(metadata_.get(), tenant_, id);
    return d.id.empty() ? ProcessingStatus::kFailed : d.status;
  }
  // Lets every stage worker ask the hold gate many times over.
  void LetTheStagesLook() {
    const int from = holds_asked_.load();
    while (holds_asked_.load() < from + 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  nlohmann::json Status() {
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
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<CircuitBreakerRegistry> breakers_;
  std::unique_ptr<DegradationController> degradation_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Api> api_;
  std::atomic<int> holds_asked_{0};
  std::string tenant_;
  std::string key_;
};

TEST_F(DegradationServiceTest, AtL4DocumentsAreAcceptedButWaitUntilTheLevelDrops) {
  degradation_->Update();
  nlohmann::json st = Status();
  EXPECT_EQ(st["level"], "L0");
  EXPECT_EQ(st["causes"].size(), 0u);

  // Two services down: L4.
  breakers_->Get("ocr").TransitionToOpen("test: OCR down");
  breakers_->Get("hitl").TransitionToOpen("test: review down");
  degradation_->Update();
  st = Status();
  EXPECT_EQ(st["level"], "L4");
  EXPECT_EQ(st["level_number"], 4);
  EXPECT_EQ(st["description"], "minimal: critical failure, ingestion only");
  ASSERT_EQ(st["causes"].size(), 3u);
  EXPECT_EQ(st["causes"][0]["trigger"], "ocr circuit breaker open");
  EXPECT_EQ(st["causes"][0]["level"], "L2");
  EXPECT_EQ(st["causes"][1]["trigger"], "hitl circuit breaker open");
  EXPECT_EQ(st["causes"][2]["trigger"], "2 services down");
  EXPECT_EQ(st["causes"][2]["level"], "L4");
  nlohmann::json want_breakers = nlohmann::json::array();
  want_breakers.push_back({{"name", "database"}, {"state", "closed"}});
  want_breakers.push_back({{"name", "hitl"}, {"state", "open"}});
  want_breakers.push_back({{"name", "ocr"}, {"state", "open"}});
  EXPECT_EQ(st["breakers"], want_breakers);

  // Ingestion still accepts; nothing is processed.
  const std::string id = Submit();
  LetTheStagesLook();
  EXPECT_EQ(StatusOf(id), ProcessingStatus::kQueued);

  // One service back: L3 (HITL down); the held document goes through.
  breakers_->Get("ocr").TransitionToClosed("test: OCR back");
  degradation_->Update();
  EXPECT_EQ(Status()["level"], "L3");
  EXPECT_EQ(WaitDone(id), ProcessingStatus::kCompleted);
}

TEST_F(DegradationServiceTest, AnOpenDatabaseBreakerIsL1AndHoldsPipelineWritesUntilItCloses) {
  breakers_->Get("database").TransitionToOpen("test: database down");
  degradation_->Update();
  nlohmann::json st = Status();
  EXPECT_EQ(st["level"], "L1");
  EXPECT_EQ(st["causes"][0]["trigger"], "database circuit breaker open");

  const std::string id = Submit();  // the API's own writes do not go through the breaker
  // The stages run but their writes are refused at once: the breaker counts them.
  while (breakers_->Get("database").Snapshot().not_permitted < 3) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(StatusOf(id), ProcessingStatus::kQueued);

  breakers_->Get("database").TransitionToClosed("test: database back");
  degradation_->Update();
  EXPECT_EQ(Status()["level"], "L0");
  EXPECT_EQ(WaitDone(id), ProcessingStatus::kCompleted);
}

TEST_F(DegradationServiceTest, TheStatusRouteNeedsAKeyAndHidesReceiverBreakers) {
  breakers_->Get("webhook:http://127.0.0.1:9").TransitionToOpen("test");
  degradation_->Update();
  const nlohmann::json st = Status();
  EXPECT_EQ(st["level"], "L0");
  ASSERT_EQ(st["breakers"].size(), 1u);  // the database breaker, made by the fixture
  EXPECT_EQ(st["breakers"][0]["name"], "database");
  HttpRequest anon;
  anon.method = "GET";
  anon.path = "/v1/system/status";
  EXPECT_EQ(api_->Handle(anon).status, 401);
}

}  // namespace
}  // namespace sheaf
