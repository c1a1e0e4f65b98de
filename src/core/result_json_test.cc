// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/result_json.h"

#include <gtest/gtest.h>

namespace sheaf {
namespace {

Document SampleDocument() {
  Document d;
  d.source = "in/receipt.jpg";
  d.sha256 = "ab";
  d.format = "jpeg";
  Page p;
  p.number = 1;
  p.width = 800;
  p.height = 1200;
  p.source = PageSource::kOcr;
  p.preprocess.rotation = 90;
  p.preprocess.skew_degrees = 1.234;
  p.preprocess.scale = 1.5;
  p.ocr_confidence = 0.91234;
  Block b;
  Line l;
  l.words = {Word{"TOTAL", {10, 20, 90, 40}, 0.96}, Word{"9.00", {100, 20, 150, 40}, 0.9}};
  l.bbox = {10, 20, 150, 40};
  b.lines.push_back(l);
  b.bbox = l.bbox;
  p.blocks.push_back(b);
  d.pages.push_back(p);
  d.timings_ms = {{"ocr", 120.04}, {"load", 3.0}};
  return d;
}

TEST(DocumentToJson, HasTheDocumentedTopLevelFieldsInOrder) {
  auto j = DocumentToJson(SampleDocument(), {});
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  std::vector<std::string> want{"source",     "sha256", "format",     "status",
                                "document_type", "page_count", "pages", "fields",
                                "line_items", "validation", "timings_ms"};
  EXPECT_EQ(keys, want);
  EXPECT_EQ(j["status"], "completed");
  EXPECT_FALSE(j.contains("error"));
  EXPECT_EQ(j["pages"][0]["source"], "ocr");
  EXPECT_EQ(j["pages"][0]["rotation"], 90);
  EXPECT_DOUBLE_EQ(j["pages"][0]["skew_degrees"].get<double>(), 1.23);
  EXPECT_DOUBLE_EQ(j["pages"][0]["ocr_confidence"].get<double>(), 0.912);
  EXPECT_FALSE(j["pages"][0].contains("words"));
}

TEST(DocumentToJson, WordsOnlyWithText) {
  auto j = DocumentToJson(SampleDocument(), {true});
  const auto& page = j["pages"][0];
  ASSERT_EQ(page["words"].size(), 2u);
  EXPECT_EQ(page["words"][0]["text"], "TOTAL");
  EXPECT_EQ(page["words"][0]["bbox"], nlohmann::ordered_json::parse("[10,20,90,40]"));
  EXPECT_EQ(page["lines"][0]["text"], "TOTAL 9.00");
  EXPECT_EQ(page["text"], "TOTAL 9.00\n");
}

TEST(DocumentToJson, FailedDocumentsCarryTheErrorCodeAndMessage) {
  Document d;
  d.source = "x.bin";
  d.status = DocumentStatus::kFailed;
  d.error = Status(ErrorCode::kUnsupportedFormat, "x.bin: unsupported format");
  auto j = DocumentToJson(d, {});
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["error"]["code"], "unsupported_format");
  EXPECT_EQ(j["error"]["message"], "x.bin: unsupported format");
}

TEST(BlocksJson, RoundTripsAndRejectsMalformedInput) {
  std::vector<Block> blocks = SampleDocument().pages[0].blocks;
  std::vector<Block> back;
  ASSERT_TRUE(BlocksFromJson(BlocksToJson(blocks), &back));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].lines[0].words[1].text, "9.00");
  EXPECT_EQ(back[0].lines[0].words[1].bbox, (Box{100, 20, 150, 40}));
  EXPECT_FALSE(BlocksFromJson(nlohmann::json::parse("[[1,2]]"), &back));
  EXPECT_FALSE(BlocksFromJson(nlohmann::json::parse("{}"), &back));
}

}  // namespace
TEST(DumpJson, InvalidUtf8BecomesReplacementCharactersNotAnException) {
  nlohmann::ordered_json j{{"text", std::string("ok \xA7 \xFF end")}};
  std::string out;
  ASSERT_NO_THROW(out = DumpJson(j));
  EXPECT_NE(out.find("ok \xEF\xBF\xBD \xEF\xBF\xBD end"), std::string::npos) << out;
  EXPECT_THROW((void)j.dump(), nlohmann::json::type_error);  // what DumpJson protects against
}

}  // namespace sheaf
