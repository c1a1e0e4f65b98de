// SPDX-License-Identifier: GPL-3.0-or-later
// The foundation-model step under its breaker, on a virtual clock, against a real HTTP server on
// loopback (tests/http_test_server.h) through the real chat-completions and libcurl clients. The
// server stands in for a cloud model API: it answers from the request it is given.
#include "pipeline/model_assist.h"

#include <gtest/gtest.h>

#include <atomic>

#include <nlohmann/json.hpp>

#include "adapters/curl/curl_http_client.h"
#include "adapters/openai/chat_model.h"
#include "core/state_json.h"
#include "fixtures.h"
#include "http_test_server.h"
#include "resilience/breakers.h"
#include "resilience/manual_clock.h"

namespace sheaf {
namespace {

using sheaf::testing::HttpTestRequest;
using sheaf::testing::HttpTestServer;

const char kReceipt[] =
    "CORNER SHOP 7\n"
    "Receipt\n"
    "Date: 12/03/2025\n"
    "Milk 1.20\n"
    "Bread 2.10\n"
    "TOTAL 3.30\n"
    "Shop location 12 Harbour Road, Leeds";

enum class Mode { kOk, kError, kSlow, kHallucinate };

// What the stand-in answers for each field it is asked for.
const std::map<std::string, std::string> kAnswers = {{"merchant_address", "12 Harbour Road, Leeds"}};

class ModelAssistTest : public ::testing::Test {
 protected:
  ModelAssistTest()
      : server_([this](const HttpTestRequest& r) { return Answer(r); }),
        config_(DefaultBreakerConfigs().at(std::string(kFoundationModelBreaker))) {}

  std::optional<std::string> Answer(const HttpTestRequest& r) {
    ++calls_;
    if (mode_ == Mode::kError) return HttpTestServer::Response(calls_ % 2 ? 500 : 429, "{}");
    if (mode_ == Mode::kSlow) clock_.Advance(std::chrono::seconds(11));
    nlohmann::json req = nlohmann::json::parse(r.body, nullptr, false);
    nlohmann::json answer = nlohmann::json::object();
    for (const auto& [name, spec] : req["response_format"]["json_schema"]["schema"]["properties"].items()) {
      auto it = kAnswers.find(name);
      answer[name] = mode_ == Mode::kHallucinate ? nlohmann::json("7 Nowhere Lane")
                     : it == kAnswers.end()      ? nlohmann::json(nullptr)
                                                 : nlohmann::json(it->second);
    }
    nlohmann::json completion = {{"choices", {{{"message", {{"role", "assistant"}, {"content", answer.dump()}}}}}}};
    return HttpTestServer::Response(200, completion.dump());
  }

  void SetUp() override {
    auto schema = extract::LoadSchemaFile(std::string(SHEAF_SOURCE_DIR) + "/schemas/receipt.yaml");
    ASSERT_TRUE(schema.ok()) << schema.status().message();
    receipt_ = *schema;
    Rebuild();
  }

  void Rebuild() {
    breaker_ = std::make_shared<CircuitBreaker>(std::string(kFoundationModelBreaker), config_, &clock_);
    openai::ChatModelOptions o;
    o.base_url = server_.Url("/v1");
    o.model = "stand-in";
    auto model = std::make_shared<openai::ChatModel>(curl_adapter::MakeHttpClient(), o);
    assist_ = std::make_shared<ModelAssist>(model, breaker_, &clock_);
  }

  // The receipt as the built-in extraction leaves it: everything but the address.
  Document Extracted() {
    Document doc = sheaf::testing::LaidOutText(kReceipt);
    doc.document_type = {"receipt", 0.9};
    for (const auto& [name, value] : std::map<std::string, std::string>{
             {"merchant_name", "CORNER SHOP 7"}, {"date", "2025-03-12"}, {"total", "3.30"}}) {
      Field f;
      f.value = value;
      f.confidence = 0.95;
      doc.fields[name] = f;
    }
    return doc;
  }

  // The rule the step left, or "" when none.
  static std::string RuleOf(const Document& doc) {
    for (const RuleResult& r : doc.validation) {
      if (r.rule.rfind("foundation_model", 0) == 0) return r.rule + ": " + r.message;
    }
    return "";
  }

  ManualClock clock_;
  std::atomic<Mode> mode_{Mode::kOk};
  std::atomic<int> calls_{0};
  HttpTestServer server_;
  CircuitBreakerConfig config_;
  extract::Schema receipt_;
  std::shared_ptr<CircuitBreaker> breaker_;
  std::shared_ptr<ModelAssist> assist_;
};

TEST_F(ModelAssistTest, FillsTheFieldTheBuiltInExtractionLeftEmpty) {
  Document doc = Extracted();
  assist_->Assist(receipt_, false, &doc);
  ASSERT_TRUE(doc.fields.count("merchant_address"));
  const Field& f = doc.fields["merchant_address"];
  EXPECT_EQ(f.value, "12 Harbour Road, Leeds");
  EXPECT_EQ(f.source, "foundation-model");
  EXPECT_EQ(f.bbox, (Box{140, 120, 360, 140}));
  EXPECT_EQ(doc.fields["total"].value, "3.30");
  EXPECT_EQ(RuleOf(doc), "");
  EXPECT_EQ(breaker_->Snapshot().calls, 1);
  EXPECT_EQ(breaker_->Snapshot().failed, 0);
}

TEST_F(ModelAssistTest, ErrorsOpenTheBreakerThenNoCallIsMadeUntilItHalfOpensAndClosesAgain) {
  mode_ = Mode::kError;
  for (int i = 0; i < 5; ++i) {  // the design: a verdict after 5 calls, open at 30 % failed
    Document doc = Extracted();
    assist_->Assist(receipt_, false, &doc);
    EXPECT_FALSE(doc.fields.count("merchant_address"));
    EXPECT_NE(RuleOf(doc).find("foundation_model_unavailable: foundation model: "), std::string::npos) << RuleOf(doc);
    EXPECT_NE(RuleOf(doc).find("built-in extraction only for merchant_address"), std::string::npos) << RuleOf(doc);
  }
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  EXPECT_EQ(calls_.load(), 5);

  mode_ = Mode::kOk;
  Document doc = Extracted();
  assist_->Assist(receipt_, false, &doc);
  EXPECT_EQ(calls_.load(), 5);  // not asked while open
  EXPECT_EQ(RuleOf(doc),
            "foundation_model_unavailable: circuit breaker foundation-model is open; built-in extraction only "
            "for merchant_address");
  EXPECT_FALSE(doc.fields.count("merchant_address"));

  clock_.Advance(std::chrono::seconds(119));
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  clock_.Advance(std::chrono::seconds(1));  // 120 s open, then 3 probes
  EXPECT_EQ(breaker_->state(), BreakerState::kHalfOpen);
  for (int i = 0; i < 3; ++i) {
    Document probe = Extracted();
    assist_->Assist(receipt_, false, &probe);
    EXPECT_EQ(probe.fields["merchant_address"].value, "12 Harbour Road, Leeds");
  }
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_EQ(calls_.load(), 8);
}

TEST_F(ModelAssistTest, RejectedAnswersChangeNothingAndCountAsFailures) {
  mode_ = Mode::kHallucinate;
  for (int i = 0; i < 5; ++i) {
    Document doc = Extracted();
    const auto before = doc.fields;
    assist_->Assist(receipt_, false, &doc);
    EXPECT_EQ(doc.fields.size(), before.size());
    EXPECT_NE(RuleOf(doc).find("foundation_model_rejected: foundation model answer rejected: field "
                               "\"merchant_address\": its value is not printed on the page"),
              std::string::npos)
        << RuleOf(doc);
  }
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
}

TEST_F(ModelAssistTest, SlowAnswersAreUsedButOpenTheBreaker) {
  // Each slow call takes 11 s of virtual time: a count-based window keeps them all in view.
  config_.sliding_window_type = SlidingWindowType::kCountBased;
  config_.sliding_window_size = 10;
  Rebuild();
  mode_ = Mode::kSlow;
  for (int i = 0; i < 5; ++i) {
    Document doc = Extracted();
    assist_->Assist(receipt_, false, &doc);
    EXPECT_EQ(doc.fields["merchant_address"].value, "12 Harbour Road, Leeds");
  }
  BreakerSnapshot s = breaker_->Snapshot();
  EXPECT_EQ(s.state, BreakerState::kOpen);
  EXPECT_EQ(s.failed, 0);
}

TEST_F(ModelAssistTest, NovelDocumentsAreQueuedForReviewOnlyWhileTheBreakerIsOpen) {
  extract::Schema other;
  other.type = "other";
  Document doc = sheaf::testing::LaidOutText("zzz qqq");
  doc.document_type = {"other", 0.3};
  assist_->Assist(other, true, &doc);
  EXPECT_EQ(RuleOf(doc), "");
  EXPECT_EQ(calls_.load(), 0);  // nothing to ask

  breaker_->TransitionToOpen("test");
  assist_->Assist(other, true, &doc);
  EXPECT_EQ(RuleOf(doc),
            "foundation_model_unavailable: novel document (type other, confidence 0.30) queued for review: "
            "circuit breaker foundation-model is open");
}

TEST_F(ModelAssistTest, OnlyOptionalFieldsMissingHoldsNothingBackWhenTheModelFails) {
  mode_ = Mode::kError;
  Document doc = Extracted();
  Field address;
  address.value = "12 Harbour Road, Leeds";
  address.confidence = 0.95;
  doc.fields["merchant_address"] = address;
  assist_->Assist(receipt_, false, &doc);
  EXPECT_EQ(calls_.load(), 1);  // subtotal, tax, ... were asked for
  EXPECT_EQ(RuleOf(doc), "");
  EXPECT_EQ(breaker_->Snapshot().failed, 1);
}

TEST_F(ModelAssistTest, TheUnderstanderSendsTheDocumentToReviewWithTheReasonAcrossStages) {
  auto schemas = extract::LoadSchemaDir(std::string(SHEAF_SOURCE_DIR) + "/schemas");
  ASSERT_TRUE(schemas.ok());
  UnderstandOptions options;
  options.type_hint = "receipt";
  Understander u(nullptr, *schemas, nullptr, {}, options, assist_);

  Document ok = sheaf::testing::LaidOutText(kReceipt);
  u.Run(&ok);
  EXPECT_EQ(ok.status, DocumentStatus::kCompleted) << (ok.review_reasons.empty() ? "" : ok.review_reasons[0]);
  EXPECT_EQ(ok.fields["merchant_address"].source, "foundation-model");

  mode_ = Mode::kError;
  Document failed = sheaf::testing::LaidOutText(kReceipt);
  u.ClassifyStep(&failed);
  u.ExtractStep(&failed);
  // The service hands the document to the validate stage as state JSON.
  Result<Document> handed = DocumentFromStateJson(DocumentToStateJson(failed));
  ASSERT_TRUE(handed.ok()) << handed.status().message();
  u.ValidateStep(&*handed);
  EXPECT_EQ(handed->status, DocumentStatus::kNeedsReview);
  bool found = false;
  for (const std::string& r : handed->review_reasons) {
    found = found || r.rfind("foundation_model_unavailable: ", 0) == 0;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace sheaf
