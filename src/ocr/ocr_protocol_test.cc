// SPDX-License-Identifier: GPL-3.0-or-later
#include "ocr/ocr_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sheaf::ocr {
namespace {

OcrPage SamplePage() {
  OcrPage page;
  page.mean_confidence = 0.875;
  page.sideways = true;
  Line line;
  line.bbox = {10, 20, 110, 40};
  line.words.push_back({"Total", {10, 20, 50, 40}, 0.96});
  line.words.push_back({"12,50 \xE2\x82\xAC", {60, 20, 110, 40}, 0.79});
  Block block;
  block.bbox = {10, 20, 110, 40};
  block.lines.push_back(line);
  page.blocks.push_back(block);
  page.blocks.push_back(Block{{0, 0, 0, 0}, {}});  // an empty block survives too
  return page;
}

TEST(OcrProtocol, ResponseRoundTripsEveryWordBoxAndConfidence) {
  const OcrPage page = SamplePage();
  const std::string body = EncodeResponse(page, "tesseract 5.3.0 eng", 200, 100);
  std::string engine;
  Result<OcrPage> back = DecodeResponse(200, body, "http://127.0.0.1:1/v1/ocr", &engine);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(engine, "tesseract 5.3.0 eng");
  EXPECT_DOUBLE_EQ(back->mean_confidence, 0.875);
  EXPECT_TRUE(back->sideways);
  ASSERT_EQ(back->blocks.size(), 2u);
  ASSERT_EQ(back->blocks[0].lines.size(), 1u);
  const Line& line = back->blocks[0].lines[0];
  EXPECT_EQ(line.bbox, (Box{10, 20, 110, 40}));
  ASSERT_EQ(line.words.size(), 2u);
  EXPECT_EQ(line.words[0].text, "Total");
  EXPECT_EQ(line.words[0].bbox, (Box{10, 20, 50, 40}));
  EXPECT_DOUBLE_EQ(line.words[0].confidence, 0.96);
  EXPECT_EQ(line.words[1].text, "12,50 \xE2\x82\xAC");
  EXPECT_TRUE(back->blocks[1].lines.empty());
  // The version is in every answer.
  EXPECT_EQ(nlohmann::json::parse(body)["protocol"], "sheaf-ocr/1");
}

TEST(OcrProtocol, MalformedAnswersAreOcrFailedSayingWhatIsWrong) {
  const std::string where = "http://127.0.0.1:1/v1/ocr";
  nlohmann::json good = nlohmann::json::parse(EncodeResponse(SamplePage(), "e", 200, 100));
  struct Case {
    std::string name;
    std::function<void(nlohmann::json&)> spoil;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"other protocol", [](auto& j) { j["protocol"] = "sheaf-ocr/2"; }, "protocol"},
      {"box past the image", [](auto& j) { j["blocks"][0]["lines"][0]["words"][0]["box"][2] = 201; },
       "words[0].box"},
      {"inverted box", [](auto& j) { j["blocks"][0]["box"] = {50, 0, 10, 5}; }, "blocks[0].box"},
      {"confidence above 1", [](auto& j) { j["blocks"][0]["lines"][0]["words"][1]["confidence"] = 1.5; },
       "words[1].confidence"},
      {"text not a string", [](auto& j) { j["blocks"][0]["lines"][0]["words"][0]["text"] = 7; },
       "words[0].text"},
      {"no blocks", [](auto& j) { j.erase("blocks"); }, "blocks"},
      {"negative width", [](auto& j) { j["width"] = -1; }, "width"},
  };
  for (const Case& c : cases) {
    nlohmann::json j = good;
    c.spoil(j);
    Result<OcrPage> r = DecodeResponse(200, j.dump(), where);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), ErrorCode::kOcrFailed) << c.name;
    EXPECT_NE(r.status().message().find(c.says), std::string::npos) << c.name << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(where), std::string::npos) << c.name;
  }
  Result<OcrPage> cut = DecodeResponse(200, good.dump().substr(0, 40), where);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), ErrorCode::kOcrFailed);
  EXPECT_NE(cut.status().message().find("not JSON"), std::string::npos);
}

TEST(OcrProtocol, ErrorStatusesMapToWhatTheyMeanForTheCaller) {
  const std::vector<std::pair<int, ErrorCode>> cases = {
      {503, ErrorCode::kUnavailable}, {502, ErrorCode::kUnavailable},
      {429, ErrorCode::kUnavailable}, {504, ErrorCode::kLimitExceeded},
      {413, ErrorCode::kLimitExceeded}, {500, ErrorCode::kOcrFailed},
      {400, ErrorCode::kInvalidArgument}, {422, ErrorCode::kInvalidArgument},
      {401, ErrorCode::kInvalidArgument},
  };
  for (const auto& [status, code] : cases) {
    Result<OcrPage> r = DecodeResponse(status, EncodeError("some_code", "why it failed"), "URL");
    ASSERT_FALSE(r.ok()) << status;
    EXPECT_EQ(r.status().code(), code) << status;
    EXPECT_NE(r.status().message().find("HTTP " + std::to_string(status) + " some_code: why it failed"),
              std::string::npos) << r.status().message();
  }
  // A proxy's HTML error page is still an error of its status.
  Result<OcrPage> html = DecodeResponse(503, "<html>down</html>", "URL");
  ASSERT_FALSE(html.ok());
  EXPECT_EQ(html.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(HttpStatusOfError("busy"), 429);
  EXPECT_EQ(HttpStatusOfError("invalid_image"), 422);
  EXPECT_EQ(HttpStatusOfError("no such code"), 500);
}

TEST(OcrProtocol, QueryRoundTripsAndRejectsOutOfRangeValues) {
  OcrRequestParams p;
  p.languages = "eng+deu";
  p.dpi = 300;
  p.timeout_ms = 1500;
  EXPECT_EQ(EncodeQuery(p), "?languages=eng%2Bdeu&dpi=300&timeout_ms=1500");
  // The server sees the query decoded.
  Result<OcrRequestParams> back =
      DecodeQuery({{"languages", "eng+deu"}, {"dpi", "300"}, {"timeout_ms", "1500"}});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->languages, "eng+deu");
  EXPECT_EQ(back->dpi, 300);
  EXPECT_EQ(back->timeout_ms, 1500);
  Result<OcrRequestParams> defaults = DecodeQuery({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->languages, "eng");

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"languages", "eng deu"}, {"languages", "../etc"}, {"languages", ""},
      {"languages", std::string(201, 'a')}, {"dpi", "-1"}, {"dpi", "10001"},
      {"dpi", "3e2"}, {"timeout_ms", "0"}, {"timeout_ms", "600001"},
  };
  for (const auto& [name, value] : bad) {
    Result<OcrRequestParams> r = DecodeQuery({{name, value}});
    ASSERT_FALSE(r.ok()) << name << "=" << value;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind(name + ":", 0), 0u) << r.status().message();
  }
}

}  // namespace
}  // namespace sheaf::ocr
