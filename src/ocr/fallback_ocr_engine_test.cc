// SPDX-License-Identifier: GPL-3.0-or-later
//
// The fallback's decisions on virtual time (ManualClock), against a real HTTP server on
// loopback that plays the remote OCR service (tests/http_test_server.h: it answers what each
// test tells it to), libcurl as the client and real Tesseract as the local engine.
#include "ocr/fallback_ocr_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "adapters/curl/curl_http_client.h"
#include "adapters/leptonica/leptonica.h"
#include "adapters/tesseract/tesseract.h"
#include "fixtures.h"
#include "http_test_server.h"
#include "ocr/ocr_protocol.h"
#include "ocr/remote_ocr_engine.h"
#include "resilience/breakers.h"
#include "resilience/manual_clock.h"

namespace sheaf::ocr {
namespace {

using sheaf::testing::HttpTestServer;

// What the remote service's answer says: one word, "REMOTE".
std::string RemoteAnswer() {
  OcrPage page;
  page.mean_confidence = 0.9;
  Line line{{1, 1, 60, 20}, {Word{"REMOTE", {1, 1, 60, 20}, 0.9}}};
  page.blocks.push_back(Block{{1, 1, 60, 20}, {line}});
  return EncodeResponse(page, "stand-in", 4000, 4000);
}

class FallbackOcrEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    answer_ = [] { return HttpTestServer::Response(200, RemoteAnswer()); };
    server_ = std::make_unique<HttpTestServer>(
        [this](const testing::HttpTestRequest&) -> std::optional<std::string> { return answer_(); });
    breaker_ = std::make_unique<CircuitBreaker>(
        "ocr", DefaultBreakerConfigs().at("ocr"), &clock_);
    engine_ = MakeEngine(server_->Url(""));
    page_ = testing::RenderLines({"LOCAL PAGE 42"}, 200);
  }

  std::unique_ptr<OcrEngine> MakeEngine(const std::string& url) {
    curl_adapter::CurlHttpClientOptions http;
    http.max_response_body = kMaxResponseBytes;
    RemoteOcrOptions remote;
    remote.url = url;
    remote.api_key = "k-123";
    remote.encode_png = [](const Image& image) { return leptonica::EncodeImage(image, "png"); };
    auto local = tesseract_adapter::MakeEngine(OcrOptions{});
    EXPECT_TRUE(local.ok());
    return std::make_unique<FallbackOcrEngine>(
        std::make_unique<RemoteOcrEngine>(std::make_shared<curl_adapter::CurlHttpClient>(http),
                                          remote),
        std::move(local).value(), breaker_.get(), &clock_);
  }

  OcrPage Read() {
    Result<OcrPage> r = engine_->Recognize(page_, 30000);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : OcrPage{};
  }

  static std::string Text(const OcrPage& p) {
    std::string t;
    for (const Block& b : p.blocks)
      for (const Line& l : b.lines) t += l.Text() + "\n";
    return t;
  }

  ManualClock clock_;
  std::function<std::string()> answer_;
  std::unique_ptr<HttpTestServer> server_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::unique_ptr<OcrEngine> engine_;
  Image page_;
};

TEST_F(FallbackOcrEngineTest, RemoteAnswerIsUsedAndCountedAsSuccess) {
  OcrPage p = Read();
  EXPECT_EQ(p.engine, "remote");
  EXPECT_EQ(Text(p), "REMOTE\n");
  EXPECT_TRUE(p.warnings.empty());
  ASSERT_EQ(server_->requests().size(), 1u);
  const testing::HttpTestRequest req = server_->requests()[0];
  EXPECT_EQ(req.target, "/v1/ocr?languages=eng&dpi=200&timeout_ms=30000");
  EXPECT_EQ(req.Header("Content-Type"), "image/png");
  EXPECT_EQ(req.Header("Authorization"), "Bearer k-123");
  EXPECT_EQ(req.body.substr(1, 3), "PNG");
  BreakerSnapshot s = breaker_->Snapshot();
  EXPECT_EQ(s.calls, 1);
  EXPECT_EQ(s.failed, 0);
}

TEST_F(FallbackOcrEngineTest, FailuresFallBackToTesseractThenOpenTheBreakerThenProbesCloseIt) {
  answer_ = [] { return HttpTestServer::Response(503, EncodeError("unavailable", "overloaded")); };
  // The design's ocr breaker: a verdict after 5 calls, opens at 50 % failed.
  for (int i = 0; i < 5; ++i) {
    OcrPage p = Read();
    EXPECT_EQ(p.engine, "tesseract");
    EXPECT_NE(Text(p).find("LOCAL PAGE 42"), std::string::npos) << Text(p);
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_NE(p.warnings[0].find("remote OCR failed"), std::string::npos) << p.warnings[0];
    EXPECT_NE(p.warnings[0].find("HTTP 503 unavailable: overloaded"), std::string::npos);
    EXPECT_EQ(breaker_->state(), i < 4 ? BreakerState::kClosed : BreakerState::kOpen) << i;
  }
  EXPECT_EQ(server_->requests().size(), 5u);

  // Open: the service is not called at all; local Tesseract reads, saying why.
  answer_ = [] { return HttpTestServer::Response(200, RemoteAnswer()); };
  OcrPage skipped = Read();
  EXPECT_EQ(skipped.engine, "tesseract");
  ASSERT_EQ(skipped.warnings.size(), 1u);
  EXPECT_NE(skipped.warnings[0].find("circuit breaker ocr is open"), std::string::npos);
  EXPECT_EQ(server_->requests().size(), 5u);

  // 60 s later: half-open; three probes succeed and close it.
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(breaker_->state(), BreakerState::kHalfOpen);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Read().engine, "remote");
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_EQ(server_->requests().size(), 8u);
}

TEST_F(FallbackOcrEngineTest, RejectedRequestsFallBackWithoutCountingAgainstTheService) {
  // A 4xx says what was sent is wrong, not that the service is unhealthy.
  answer_ = [] { return HttpTestServer::Response(422, EncodeError("invalid_image", "no")); };
  for (int i = 0; i < 6; ++i) {
    OcrPage p = Read();
    EXPECT_EQ(p.engine, "tesseract");
    ASSERT_EQ(p.warnings.size(), 1u);
    EXPECT_NE(p.warnings[0].find("HTTP 422 invalid_image"), std::string::npos);
  }
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_EQ(breaker_->Snapshot().calls, 0);
}

TEST_F(FallbackOcrEngineTest, GarbageAndRefusedConnectionsCountAsFailures) {
  answer_ = [] { return HttpTestServer::Response(200, "{\"protocol\": \"sheaf-ocr/1\", \"blocks\": 3}"); };
  OcrPage garbage = Read();
  EXPECT_EQ(garbage.engine, "tesseract");
  ASSERT_EQ(garbage.warnings.size(), 1u);
  EXPECT_NE(garbage.warnings[0].find("malformed response"), std::string::npos) << garbage.warnings[0];
  EXPECT_EQ(breaker_->Snapshot().failed, 1);

  engine_ = MakeEngine("http://127.0.0.1:" + std::to_string(testing::RefusingPort()));
  OcrPage refused = Read();
  EXPECT_EQ(refused.engine, "tesseract");
  EXPECT_NE(Text(refused).find("LOCAL PAGE 42"), std::string::npos);
  EXPECT_EQ(breaker_->Snapshot().failed, 2);
}

TEST_F(FallbackOcrEngineTest, SlowRemoteAnswersAreRecordedAsSlowCalls) {
  // The clock moves 61 s while the service answers: slower than the ocr breaker's slow-call
  // threshold (60 s), so the call counts as slow, measured on the injected clock.
  answer_ = [this] {
    clock_.Advance(std::chrono::seconds(61));
    return HttpTestServer::Response(200, RemoteAnswer());
  };
  EXPECT_EQ(Read().engine, "remote");
  BreakerSnapshot s = breaker_->Snapshot();
  EXPECT_EQ(s.calls, 1);
  EXPECT_EQ(s.slow, 1);
  EXPECT_EQ(s.failed, 0);
}

}  // namespace
}  // namespace sheaf::ocr
