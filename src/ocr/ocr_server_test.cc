// SPDX-License-Identifier: GPL-3.0-or-later
#include "ocr/ocr_server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "adapters/curl/curl_http_client.h"
#include "adapters/httplib/httplib_server.h"
#include "adapters/leptonica/leptonica.h"
#include "adapters/tesseract/tesseract.h"
#include "app/composition.h"
#include "fixtures.h"
#include "ocr/remote_ocr_engine.h"

namespace sheaf::ocr {
namespace {

std::unique_ptr<OcrServer> MakeServer(MetricsRegistry* metrics, std::string key = "") {
  std::vector<std::unique_ptr<OcrEngine>> engines;
  auto e = tesseract_adapter::MakeEngine(OcrOptions{});
  EXPECT_TRUE(e.ok());
  engines.push_back(std::move(e).value());
  OcrServerOptions options;
  options.api_key = std::move(key);
  options.engine_name = "tesseract test";
  options.max_pixels = 4'000'000;
  return std::make_unique<OcrServer>(std::move(engines), "eng",
                                     app::MakeOcrImageDecoder(Limits{}), options, metrics);
}

std::string Png(const Image& image) {
  Result<std::string> png = leptonica::EncodeImage(image, "png");
  EXPECT_TRUE(png.ok());
  return png.ok() ? *png : "";
}

std::string Text(const OcrPage& p) {
  std::string t;
  for (const Block& b : p.blocks)
    for (const Line& l : b.lines) t += l.Text() + "\n";
  return t;
}

HttpRequest Post(std::string body, std::multimap<std::string, std::string> query = {}) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/v1/ocr";
  r.query = std::move(query);
  r.body = std::move(body);
  return r;
}

std::string CodeOf(const HttpReply& reply) {
  nlohmann::json j = nlohmann::json::parse(reply.body, nullptr, false);
  EXPECT_EQ(j.value("protocol", ""), "sheaf-ocr/1") << reply.body;
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

TEST(OcrServer, APageReadOverHttpMatchesTheLocalReading) {
  MetricsRegistry metrics;
  std::unique_ptr<OcrServer> ocr = MakeServer(&metrics);
  HttpServerOptions hopts;
  hopts.max_body_bytes = kDefaultMaxRequestBytes;
  hopts.error_body = &OcrServer::ErrorBody;
  std::unique_ptr<HttpServer> server = MakeHttplibServer(hopts);
  ASSERT_TRUE(server->Listen("127.0.0.1", 0).ok());
  std::thread serving([&] { server->Run([&](HttpRequest& r) { return ocr->Handle(r); }); });

  curl_adapter::CurlHttpClientOptions http;
  http.max_response_body = kMaxResponseBytes;
  RemoteOcrOptions remote;
  remote.url = "http://127.0.0.1:" + std::to_string(server->port()) + "/";
  remote.encode_png = [](const Image& image) { return leptonica::EncodeImage(image, "png"); };
  RemoteOcrEngine engine(std::make_shared<curl_adapter::CurlHttpClient>(http), remote);
  const Image page = testing::RenderLines({"Invoice 2024-117", "Total due 1,234.50"}, 200);
  Result<OcrPage> read = engine.Recognize(page, 30000);
  auto local = tesseract_adapter::MakeEngine(OcrOptions{});
  ASSERT_TRUE(local.ok());
  Result<OcrPage> expected = (*local)->Recognize(page, 30000);
  server->Stop();
  serving.join();

  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(Text(*read), Text(*expected));
  EXPECT_NE(Text(*read).find("1,234.50"), std::string::npos) << Text(*read);
  EXPECT_NEAR(read->mean_confidence, expected->mean_confidence, 0.001);
  ASSERT_FALSE(read->blocks.empty());
  EXPECT_EQ(read->blocks[0].lines[0].words[0].bbox, expected->blocks[0].lines[0].words[0].bbox);
  EXPECT_NE(metrics.Render().find("sheaf_ocr_server_requests_total{route=\"/v1/ocr\",code=\"200\"} 1"),
            std::string::npos) << metrics.Render();
}

TEST(OcrServer, BadRequestsGetTheirProtocolErrorCodes) {
  MetricsRegistry metrics;
  std::unique_ptr<OcrServer> ocr = MakeServer(&metrics);
  const std::string png = Png(testing::Gray(40, 30, 255));

  HttpRequest not_image = Post("hello, not an image");
  HttpReply r = ocr->Handle(not_image);
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(CodeOf(r), "unsupported_media_type");

  HttpRequest truncated = Post(png.substr(0, 30));
  r = ocr->Handle(truncated);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(CodeOf(r), "invalid_image");

  Result<std::string> tiff = leptonica::EncodeMultipageTiff({testing::Gray(20, 20, 255), testing::Gray(20, 20, 0)});
  ASSERT_TRUE(tiff.ok());
  HttpRequest two_pages = Post(*tiff);
  r = ocr->Handle(two_pages);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("2 pages"), std::string::npos) << r.body;

  HttpRequest huge = Post(Png(testing::Gray(2001, 2000, 255)));
  r = ocr->Handle(huge);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("4000000"), std::string::npos) << r.body;

  HttpRequest bad_dpi = Post(png, {{"dpi", "lots"}});
  r = ocr->Handle(bad_dpi);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("dpi"), std::string::npos);

  HttpRequest other_language = Post(png, {{"languages", "deu"}});
  r = ocr->Handle(other_language);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("this server reads eng"), std::string::npos);

  HttpRequest get = Post(png);
  get.method = "GET";
  r = ocr->Handle(get);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(CodeOf(r), "method_not_allowed");

  HttpRequest elsewhere = Post(png);
  elsewhere.path = "/v1/documents";
  r = ocr->Handle(elsewhere);
  EXPECT_EQ(r.status, 404);

  HttpRequest blank = Post(png);
  r = ocr->Handle(blank);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["blocks"].size(), 0u);
  EXPECT_EQ(OcrServer::ErrorBody(413, "too big"),
            EncodeError("payload_too_large", "too big"));
}

TEST(OcrServer, AKeyedServerRefusesRequestsWithoutTheKey) {
  MetricsRegistry metrics;
  std::unique_ptr<OcrServer> ocr = MakeServer(&metrics, "s3cret");
  const std::string png = Png(testing::Gray(40, 30, 255));
  HttpRequest none = Post(png);
  EXPECT_EQ(ocr->Handle(none).status, 401);
  HttpRequest wrong = Post(png);
  wrong.headers["authorization"] = "Bearer s3crex";
  HttpReply r = ocr->Handle(wrong);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body.find("s3cre"), std::string::npos);  // the key is never echoed
  HttpRequest right = Post(png);
  right.headers["authorization"] = "Bearer s3cret";
  EXPECT_EQ(ocr->Handle(right).status, 200);
  HttpRequest probe;
  probe.method = "GET";
  probe.path = "/healthz";
  EXPECT_EQ(ocr->Handle(probe).status, 200);  // probes need no key
}

// An engine that holds each page until the test lets it go (to fill the server's engines).
class HeldEngine final : public OcrEngine {
 public:
  Result<OcrPage> Recognize(const Image&, int) override {
    std::unique_lock<std::mutex> lock(mu);
    reading = true;
    entered.notify_all();
    go.wait(lock, [this] { return released; });
    return OcrPage{};
  }
  std::string CacheIdentity() const override { return "held"; }
  std::mutex mu;
  std::condition_variable entered, go;
  bool reading = false, released = false;
};

TEST(OcrServer, WhenEveryEngineIsReadingAndTheWaitIsFullItAnswersBusy) {
  MetricsRegistry metrics;
  auto held = std::make_unique<HeldEngine>();
  HeldEngine* engine = held.get();
  std::vector<std::unique_ptr<OcrEngine>> engines;
  engines.push_back(std::move(held));
  OcrServerOptions options;
  options.max_waiting = 0;
  OcrServer ocr(std::move(engines), "eng", app::MakeOcrImageDecoder(Limits{}), options, &metrics);
  const std::string png = Png(testing::Gray(40, 30, 255));
  HttpReply first;
  std::thread reader([&] {
    HttpRequest r = Post(png);
    first = ocr.Handle(r);
  });
  {
    std::unique_lock<std::mutex> lock(engine->mu);
    engine->entered.wait(lock, [&] { return engine->reading; });
  }
  HttpRequest second = Post(png);
  HttpReply busy = ocr.Handle(second);
  EXPECT_EQ(busy.status, 429);
  EXPECT_EQ(CodeOf(busy), "busy");
  ASSERT_EQ(busy.headers.size(), 1u);
  EXPECT_EQ(busy.headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
  {
    std::lock_guard<std::mutex> lock(engine->mu);
    engine->released = true;
  }
  engine->go.notify_all();
  reader.join();
  EXPECT_EQ(first.status, 200);
}

}  // namespace
}  // namespace sheaf::ocr
