// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/state_json.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <limits>

namespace sheaf {
namespace {

using json = nlohmann::json;

// Bit-for-bit equality: tells -0.0 from 0.0 and lets NaN equal itself.
::testing::AssertionResult SameBits(double a, double b) {
  if (std::memcmp(&a, &b, sizeof a) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a << " and " << b << " differ in their bits";
}

Field RichField(const std::string& value, int seed) {
  Field f;
  f.value = value;
  f.raw = "raw " + value;
  f.confidence = 0.1 * seed + 1.0 / 3.0;
  f.page = seed;
  f.bbox = {seed, seed + 1, seed + 100, seed + 20};
  f.label = "Label " + std::to_string(seed) + ":";
  f.label_bbox = {-seed, 2, 30, 40};
  f.source = "embedded_xml";
  return f;
}

Page RichPage(int number) {
  Page p;
  p.number = number;
  p.width = 2480 + number;
  p.height = 3508;
  p.dpi = 300;
  p.source = number % 2 ? PageSource::kTextLayer : PageSource::kText;
  PreprocessRecord& r = p.preprocess;
  r.rotation = 270;
  r.rotation_confidence = 7.123456789012345;
  r.orientation_checked = true;
  r.skew_degrees = -0.7000000000000001;
  r.scale = 1.4142135623730951;
  r.text_height_px = 13.25;
  r.border_removed = 0.041;
  r.background_normalized = true;
  r.second_opinion = true;
  r.binarization = "sauvola";
  r.threshold = 131;
  p.ocr_confidence = 0.87654321;
  p.ocr_cache_hit = true;
  p.ocr_engine = "remote";
  for (int b = 0; b < 2; ++b) {
    Block block;
    block.bbox = {10 * b, 20, 900, 400 + b};
    for (int l = 0; l < 2; ++l) {
      Line line;
      line.bbox = {10, 30 * l, 800, 30 * l + 25};
      line.words = {Word{"Gesamt\xc2\xa0"
                         "betrag",
                         {10, 30 * l, 200, 30 * l + 25},
                         0.9999},
                    Word{"1.234,56", {210, 30 * l, 400, 30 * l + 25}, 1e-7 * (b + 1)}};
      block.lines.push_back(line);
    }
    p.blocks.push_back(block);
  }
  return p;
}

// Every member set to something other than its default.
Document RichDocument() {
  Document d;
  d.source = "in/Rechnung \"März\".pdf";
  d.sha256 = std::string(64, 'e');
  d.format = "pdf";
  d.status = DocumentStatus::kFailed;
  d.error = Status(ErrorCode::kEncryptedDocument, "in/x.pdf: needs a password\nsecond line");
  d.document_type = {"invoice", 0.8123456789};
  d.pages = {RichPage(1), RichPage(2)};
  d.fields = {{"total", RichField("119.00", 1)}, {"iban", RichField("DE89370400440532013000", 2)}};
  d.line_items = {{{"description", RichField("Widget", 3)}, {"amount", RichField("100.00", 4)}},
                  {{"quantity", RichField("2", 5)}}};
  d.validation = {{"totals_add_up", RuleStatus::kFail, "100 + 19 != 120", {"subtotal", "total"}},
                  {"einvoice_match", RuleStatus::kWarn, "differs", {"invoice_number"}},
                  {"required", RuleStatus::kPass, "", {}}};
  d.review_reasons = {"totals_add_up: 100 + 19 != 120", "low_confidence: total"};
  d.timings_ms = {{"load", 0.30000000000000004}, {"ocr", 1234.5678}, {"classify", 0.0}};
  return d;
}

void ExpectSameField(const Field& a, const Field& b, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.raw, b.raw);
  EXPECT_TRUE(SameBits(a.confidence, b.confidence));
  EXPECT_EQ(a.page, b.page);
  EXPECT_EQ(a.bbox, b.bbox);
  EXPECT_EQ(a.label, b.label);
  EXPECT_EQ(a.label_bbox, b.label_bbox);
  EXPECT_EQ(a.source, b.source);
}

void ExpectSameFields(const std::map<std::string, Field>& a,
                      const std::map<std::string, Field>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    EXPECT_EQ(ia->first, ib->first);
    ExpectSameField(ia->second, ib->second, ia->first);
  }
}

void ExpectSamePage(const Page& a, const Page& b) {
  SCOPED_TRACE("page " + std::to_string(a.number));
  EXPECT_EQ(a.number, b.number);
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.dpi, b.dpi);
  EXPECT_EQ(a.source, b.source);
  const PreprocessRecord &ra = a.preprocess, &rb = b.preprocess;
  EXPECT_EQ(ra.rotation, rb.rotation);
  EXPECT_TRUE(SameBits(ra.rotation_confidence, rb.rotation_confidence));
  EXPECT_EQ(ra.orientation_checked, rb.orientation_checked);
  EXPECT_TRUE(SameBits(ra.skew_degrees, rb.skew_degrees));
  EXPECT_TRUE(SameBits(ra.scale, rb.scale));
  EXPECT_TRUE(SameBits(ra.text_height_px, rb.text_height_px));
  EXPECT_TRUE(SameBits(ra.border_removed, rb.border_removed));
  EXPECT_EQ(ra.background_normalized, rb.background_normalized);
  EXPECT_EQ(ra.second_opinion, rb.second_opinion);
  EXPECT_EQ(ra.binarization, rb.binarization);
  EXPECT_EQ(ra.threshold, rb.threshold);
  EXPECT_TRUE(SameBits(a.ocr_confidence, b.ocr_confidence));
  EXPECT_EQ(a.ocr_cache_hit, b.ocr_cache_hit);
  EXPECT_EQ(a.ocr_engine, b.ocr_engine);
  ASSERT_EQ(a.blocks.size(), b.blocks.size());
  for (std::size_t i = 0; i < a.blocks.size(); ++i) {
    EXPECT_EQ(a.blocks[i].bbox, b.blocks[i].bbox);
    ASSERT_EQ(a.blocks[i].lines.size(), b.blocks[i].lines.size());
    for (std::size_t k = 0; k < a.blocks[i].lines.size(); ++k) {
      const Line &la = a.blocks[i].lines[k], &lb = b.blocks[i].lines[k];
      EXPECT_EQ(la.bbox, lb.bbox);
      ASSERT_EQ(la.words.size(), lb.words.size());
      for (std::size_t w = 0; w < la.words.size(); ++w) {
        EXPECT_EQ(la.words[w].text, lb.words[w].text);
        EXPECT_EQ(la.words[w].bbox, lb.words[w].bbox);
        EXPECT_TRUE(SameBits(la.words[w].confidence, lb.words[w].confidence));
      }
    }
  }
}

void ExpectSameDocument(const Document& a, const Document& b) {
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.sha256, b.sha256);
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.error.code(), b.error.code());
  EXPECT_EQ(a.error.message(), b.error.message());
  EXPECT_EQ(a.document_type.label, b.document_type.label);
  EXPECT_TRUE(SameBits(a.document_type.confidence, b.document_type.confidence));
  ASSERT_EQ(a.pages.size(), b.pages.size());
  for (std::size_t i = 0; i < a.pages.size(); ++i) ExpectSamePage(a.pages[i], b.pages[i]);
  ExpectSameFields(a.fields, b.fields);
  ASSERT_EQ(a.line_items.size(), b.line_items.size());
  for (std::size_t i = 0; i < a.line_items.size(); ++i) {
    ExpectSameFields(a.line_items[i], b.line_items[i]);
  }
  ASSERT_EQ(a.validation.size(), b.validation.size());
  for (std::size_t i = 0; i < a.validation.size(); ++i) {
    EXPECT_EQ(a.validation[i].rule, b.validation[i].rule);
    EXPECT_EQ(a.validation[i].status, b.validation[i].status);
    EXPECT_EQ(a.validation[i].message, b.validation[i].message);
    EXPECT_EQ(a.validation[i].fields, b.validation[i].fields);
  }
  EXPECT_EQ(a.review_reasons, b.review_reasons);
  ASSERT_EQ(a.timings_ms.size(), b.timings_ms.size());
  for (auto ia = a.timings_ms.begin(), ib = b.timings_ms.begin(); ia != a.timings_ms.end();
       ++ia, ++ib) {
    EXPECT_EQ(ia->first, ib->first);
    EXPECT_TRUE(SameBits(ia->second, ib->second)) << ia->first;
  }
}

// Through text, as a blob store would carry it.
Result<Document> ThroughText(const Document& doc) {
  std::string text = DocumentToStateJson(doc).dump();
  return DocumentFromStateJson(json::parse(text));
}

TEST(StateJson, EveryMemberSurvivesARoundTripThroughText) {
  const Document doc = RichDocument();
  Result<Document> back = ThroughText(doc);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameDocument(doc, *back);
}

TEST(StateJson, ADefaultDocumentRoundTrips) {
  Result<Document> back = ThroughText(Document{});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameDocument(Document{}, *back);
}

TEST(StateJson, EachStatusAndPageSourceRoundTrips) {
  for (DocumentStatus s :
       {DocumentStatus::kCompleted, DocumentStatus::kNeedsReview, DocumentStatus::kFailed}) {
    for (PageSource src : {PageSource::kTextLayer, PageSource::kOcr, PageSource::kText}) {
      Document doc;
      doc.status = s;
      doc.pages.emplace_back().source = src;
      Result<Document> back = ThroughText(doc);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(back->status, s);
      EXPECT_EQ(back->pages.at(0).source, src);
    }
  }
}

TEST(StateJson, EveryErrorCodeRoundTripsByName) {
  for (ErrorCode code :
       {ErrorCode::kOk, ErrorCode::kUnsupportedFormat, ErrorCode::kInvalidDocument,
        ErrorCode::kEncryptedDocument, ErrorCode::kLimitExceeded, ErrorCode::kNotFound,
        ErrorCode::kIoError, ErrorCode::kOcrFailed, ErrorCode::kInvalidArgument,
        ErrorCode::kUnavailable, ErrorCode::kInternal}) {
    Document doc;
    doc.error = Status(code, "m");
    Result<Document> back = ThroughText(doc);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->error.code(), code) << ErrorCodeName(code);
  }
}

TEST(StateJson, DoublesRoundTripBitForBitIncludingTheOnesJsonHasNoNumberFor) {
  const double values[] = {0.1 + 0.2,
                           -0.0,
                           5e-324,  // the smallest subnormal
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::lowest(),
                           1.0 / 3.0,
                           123456789.123456789,
                           std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity()};
  for (double v : values) {
    Document doc;
    doc.document_type.confidence = v;
    doc.timings_ms["x"] = v;
    doc.pages.emplace_back().preprocess.scale = v;
    Result<Document> back = ThroughText(doc);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(SameBits(back->document_type.confidence, v));
    EXPECT_TRUE(SameBits(back->timings_ms.at("x"), v));
    EXPECT_TRUE(SameBits(back->pages.at(0).preprocess.scale, v));
  }
}

TEST(StateJson, StringsThatAreNotUtf8RoundTripAndTheJsonStillDumps) {
  Document doc;
  doc.source =
      "in/R\xe9"
      "chnung.pdf";                                            // Latin-1 file name
  doc.error = Status(ErrorCode::kIoError, "cut in \xe2\x82");  // a euro sign cut short
  doc.fields["\xff name"] = Field{};
  doc.fields["\xff name"].value = std::string("a\0b", 3);
  Page& p = doc.pages.emplace_back();
  p.blocks.emplace_back().lines.emplace_back().words.push_back(
      Word{"\xc0\xaf", {}, 0.5});         // overlong
  doc.review_reasons = {"\xed\xa0\x80"};  // a UTF-16 surrogate encoded as UTF-8
  json j = DocumentToStateJson(doc);
  std::string text;
  ASSERT_NO_THROW(text = j.dump());
  EXPECT_EQ(j["source"], json({{"hex", "696e2f52e963686e756e672e706466"}}));
  Result<Document> back = DocumentFromStateJson(json::parse(text));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameDocument(doc, *back);
}

TEST(StateJson, ValidUtf8IsWrittenAsPlainStrings) {
  Document doc;
  doc.source =
      "in/Gr\xc3\xbc\xc3\x9f"
      "e \xe2\x82\xac \xf0\x9f\x93\x84.pdf";  // ü ß € 📄
  EXPECT_EQ(DocumentToStateJson(doc)["source"], doc.source);
}

// A valid state JSON changed by `mutate` must be refused with invalid_argument naming `path`.
void ExpectRefused(const std::function<void(json&)>& mutate, const std::string& path) {
  json j = DocumentToStateJson(RichDocument());
  mutate(j);
  Result<Document> got = DocumentFromStateJson(j);
  ASSERT_FALSE(got.ok()) << "accepted after changing " << path;
  EXPECT_EQ(got.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find(path), std::string::npos) << got.status().message();
}

TEST(StateJson, MalformedInputIsInvalidArgumentNamingTheMember) {
  ExpectRefused([](json& j) { j.erase("state_version"); }, "state_version: missing");
  ExpectRefused([](json& j) { j["state_version"] = 99; }, "state_version: version 99");
  ExpectRefused([](json& j) { j["source"] = 5; }, "source: expected a string");
  ExpectRefused([](json& j) { j["source"] = {{"hex", "abc"}}; }, "source: odd number");
  ExpectRefused([](json& j) { j["source"] = {{"hex", "zz"}}; }, "source: not a hex digit");
  ExpectRefused([](json& j) { j["status"] = "done"; }, "status: unknown name");
  ExpectRefused([](json& j) { j["error"]["code"] = "oops"; }, "error.code: unknown error code");
  ExpectRefused([](json& j) { j["error"] = "x"; }, "error: expected an object");
  ExpectRefused([](json& j) { j["document_type"].erase("confidence"); },
                "document_type.confidence: missing");
  ExpectRefused([](json& j) { j["pages"] = json::object(); }, "pages: expected an array");
  ExpectRefused([](json& j) { j["pages"][1]["width"] = 1.5; },
                "pages[1].width: expected an integer");
  ExpectRefused([](json& j) { j["pages"][0]["dpi"] = 3000000000ll; }, "pages[0].dpi: integer out");
  ExpectRefused([](json& j) { j["pages"][0]["dpi"] = -3000000000ll; }, "pages[0].dpi: integer out");
  ExpectRefused([](json& j) { j["pages"][0]["source"] = "scan"; }, "pages[0].source: unknown");
  ExpectRefused([](json& j) { j["pages"][0]["preprocess"]["second_opinion"] = 1; },
                "pages[0].preprocess.second_opinion: expected true or false");
  ExpectRefused(
      [](json& j) {
        j["pages"][0]["blocks"][1]["bbox"] = {1, 2, 3};
      },
      "pages[0].blocks[1].bbox: expected [x0, y0, x1, y1]");
  ExpectRefused([](json& j) { j["pages"][0]["blocks"][0]["lines"][1]["words"][0].erase(5); },
                "pages[0].blocks[0].lines[1].words[0]: expected [text,");
  ExpectRefused([](json& j) { j["pages"][0]["blocks"][0]["lines"][0]["words"][1][5] = "high"; },
                "pages[0].blocks[0].lines[0].words[1][5]: expected a number");
  ExpectRefused([](json& j) { j["fields"][1]["name"] = j["fields"][0]["name"]; },
                "fields[1].name: duplicate field name");
  ExpectRefused([](json& j) { j["fields"][0].erase("label_bbox"); },
                "fields[0].label_bbox: missing");
  ExpectRefused([](json& j) { j["line_items"][0][1]["page"] = nullptr; },
                "line_items[0][1].page: expected an integer");
  ExpectRefused([](json& j) { j["validation"][0]["status"] = "ok"; }, "validation[0].status");
  ExpectRefused([](json& j) { j["validation"][1]["fields"][0] = true; },
                "validation[1].fields[0]: expected a string");
  ExpectRefused([](json& j) { j["review_reasons"] = "x"; }, "review_reasons: expected an array");
  ExpectRefused([](json& j) { j["timings_ms"][1]["stage"] = j["timings_ms"][0]["stage"]; },
                "timings_ms[1].stage: duplicate stage");
  ExpectRefused([](json& j) { j["timings_ms"][0]["ms"] = "fast"; }, "timings_ms[0].ms");
}

TEST(StateJson, NonObjectsAreRefused) {
  for (const json& j : {json(), json(3), json("doc"), json::array()}) {
    Result<Document> got = DocumentFromStateJson(j);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find("expected an object"), std::string::npos);
  }
}

TEST(StateJson, UnknownMembersAreIgnored) {
  json j = DocumentToStateJson(RichDocument());
  j["added_later"] = {1, 2};
  j["pages"][0]["something"] = "else";
  Result<Document> got = DocumentFromStateJson(j);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameDocument(RichDocument(), *got);
}

}  // namespace
}  // namespace sheaf
