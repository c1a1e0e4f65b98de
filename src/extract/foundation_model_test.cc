// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/foundation_model.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fixtures.h"

namespace sheaf::extract {
namespace {

using sheaf::testing::LaidOutText;

Schema Receipt() {
  Result<Schema> s = LoadSchemaFile(std::string(SHEAF_SOURCE_DIR) + "/schemas/receipt.yaml");
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Schema{};
}

const char kPage[] =
    "CORNER SHOP 7\n"
    "Date: 12/03/2025\n"
    "Milk 1.20\n"
    "TOTAL RM3.30\n"
    "Shop location 12 Harbour Road, Leeds";

Field Sure(const std::string& value, double confidence = 0.95) {
  Field f;
  f.value = value;
  f.raw = value;
  f.confidence = confidence;
  return f;
}

TEST(FieldsToAsk, AsksForAbsentAndUnsureFieldsButNotForSureXmlOrReviewedOnes) {
  Schema s = Receipt();
  std::map<std::string, Field> fields;
  fields["merchant_name"] = Sure("CORNER SHOP 7");
  fields["date"] = Sure("2025-03-12", 0.5);  // below the schema's 0.8
  Field xml = Sure("3.30", 0.1);
  xml.source = "embedded_xml";
  fields["total"] = xml;
  Field reviewed = Sure("MYR", 0.1);
  reviewed.source = "review";
  fields["currency"] = reviewed;
  std::vector<std::string> asked = FieldsToAsk(s, fields);
  EXPECT_EQ(asked, (std::vector<std::string>{"merchant_address", "date", "subtotal", "tax", "rounding"}));
}

TEST(FieldsToAsk, SchemasWithoutFixedFieldsAskNothing) {
  Schema other;
  other.type = "other";
  EXPECT_TRUE(FieldsToAsk(other, {}).empty());
}

TEST(BuildModelRequest, SendsLinesWithBoxesAndAStrictSchemaOfExactlyTheFieldsAsked) {
  Schema s = Receipt();
  Document doc = LaidOutText(kPage);
  ModelRequest r = BuildModelRequest(doc, s, {"merchant_address", "total"}, {});
  EXPECT_EQ(r.schema_name, "receipt_fields");
  EXPECT_NE(r.content.find("page 1 (1000 x 1000)\n"), std::string::npos) << r.content;
  EXPECT_NE(r.content.find("[0,20,160,40] Date: 12/03/2025\n"), std::string::npos) << r.content;
  EXPECT_NE(r.instructions.find("- merchant_address: a postal address"), std::string::npos);
  EXPECT_NE(r.instructions.find("- total: an amount of money"), std::string::npos);
  EXPECT_EQ(r.instructions.find("- date"), std::string::npos);
  nlohmann::json schema = nlohmann::json::parse(r.json_schema);
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(schema["required"], nlohmann::json::array({"merchant_address", "total"}));
  EXPECT_EQ(schema["properties"].size(), 2u);
  EXPECT_EQ(schema["properties"]["total"]["type"], nlohmann::json::array({"string", "null"}));
}

TEST(BuildModelRequest, CutsThePageTextAtItsBoundAndSaysSo) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "line number " + std::to_string(i) + "\n";
  ModelPromptOptions options;
  options.max_content_bytes = 300;
  ModelRequest r = BuildModelRequest(LaidOutText(text), Receipt(), {"total"}, options);
  EXPECT_LE(r.content.size(), 300u + 64u);
  EXPECT_NE(r.content.find("[the rest of the document is left out]"), std::string::npos);
  EXPECT_NE(r.content.find("line number 0\n"), std::string::npos);
  EXPECT_EQ(r.content.find("line number 199"), std::string::npos);
}

TEST(ReadModelAnswer, AcceptsValuesPrintedOnThePageNormalisedWithTheirWordsBoxes) {
  Document doc = LaidOutText(kPage, 0.9);
  auto got = ReadModelAnswer(
      R"({"merchant_address": "12 Harbour Road, Leeds", "total": "3.30", "date": "12/03/2025", "tax": null})",
      doc, Receipt(), {"merchant_address", "total", "date", "tax"});
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->size(), 3u);  // tax: null means not on the document
  const Field& address = got->at("merchant_address");
  EXPECT_EQ(address.value, "12 Harbour Road, Leeds");
  EXPECT_EQ(address.page, 1);
  EXPECT_EQ(address.bbox, (Box{140, 80, 360, 100}));
  EXPECT_EQ(address.source, "foundation-model");
  EXPECT_DOUBLE_EQ(address.confidence, kFoundationModelMaxConfidence * 0.9);
  // "3.30" is printed glued to its currency ("RM3.30"): the word's box, the number's value.
  EXPECT_EQ(got->at("total").value, "3.30");
  EXPECT_EQ(got->at("total").raw, "RM3.30");
  EXPECT_EQ(got->at("total").bbox, (Box{60, 60, 120, 80}));
  EXPECT_EQ(got->at("date").value, "2025-03-12");
  EXPECT_LT(got->at("date").confidence, 0.9);  // never in the built-in's high band
}

struct BadAnswer {
  const char* what;
  const char* answer;
  const char* message;
};

class ReadModelAnswerRejects : public ::testing::TestWithParam<BadAnswer> {};

TEST_P(ReadModelAnswerRejects, TheWholeAnswer) {
  auto got = ReadModelAnswer(GetParam().answer, LaidOutText(kPage), Receipt(), {"merchant_address", "total"});
  ASSERT_FALSE(got.ok()) << GetParam().what;
  EXPECT_EQ(got.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(got.status().message().find(GetParam().message), std::string::npos) << got.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    EachFailureKind, ReadModelAnswerRejects,
    ::testing::Values(
        BadAnswer{"not JSON", "Sure! The total is 3.30", "not JSON"},
        BadAnswer{"cut off", R"({"merchant_address": "12 Harb)", "not JSON"},
        BadAnswer{"an array", R"(["3.30"])", "not a JSON object"},
        BadAnswer{"missing field", R"({"total": "3.30"})", "\"merchant_address\" is missing"},
        BadAnswer{"field not asked", R"({"merchant_address": null, "total": "3.30", "date": "12/03/2025"})",
                  "\"date\" was not asked for"},
        BadAnswer{"a number", R"({"merchant_address": null, "total": 3.3})", "neither a string nor null"},
        BadAnswer{"not money", R"({"merchant_address": null, "total": "Milk"})", "does not read as an amount"},
        BadAnswer{"hallucinated", R"({"merchant_address": null, "total": "98.76"})", "not printed on the page"},
        BadAnswer{"hallucinated text", R"({"merchant_address": "1 Infinite Loop", "total": null})",
                  "not printed on the page"},
        BadAnswer{"a number cut in two", R"({"merchant_address": null, "total": "3.3"})",
                  "not printed on the page"}));

TEST(MergeModelFields, FillsAbsentFieldsReplacesUnsureOnesWhenSurerAndNeverTouchesSureOnes) {
  Schema s = Receipt();
  std::map<std::string, Field> fields;
  fields["merchant_name"] = Sure("CORNER SHOP 7", 0.9);  // sure (threshold 0.75)
  fields["total"] = Sure("1.20", 0.5);                    // unsure (threshold 0.85)
  fields["date"] = Sure("2025-03-12", 0.6);               // unsure, and the model agrees
  Field xml = Sure("0.30", 0.1);
  xml.source = "embedded_xml";
  fields["tax"] = xml;
  std::map<std::string, Field> model;
  for (const char* name : {"merchant_name", "total", "date", "tax", "merchant_address"}) {
    Field f = Sure("from-model", 0.8);
    f.source = "foundation-model";
    f.bbox = {1, 2, 3, 4};
    model[name] = f;
  }
  model["date"].value = "2025-03-12";
  std::vector<std::string> changed = MergeModelFields(s, model, &fields);
  EXPECT_EQ(changed, (std::vector<std::string>{"date", "merchant_address", "total"}));
  EXPECT_EQ(fields["merchant_name"].value, "CORNER SHOP 7");
  EXPECT_EQ(fields["tax"].value, "0.30");
  EXPECT_EQ(fields["total"].value, "from-model");
  EXPECT_EQ(fields["merchant_address"].source, "foundation-model");
  // Agreement: the built-in's box stays, the confidence rises to the model's.
  EXPECT_EQ(fields["date"].bbox, Box{});
  EXPECT_DOUBLE_EQ(fields["date"].confidence, 0.8);
  EXPECT_EQ(fields["date"].source, "foundation-model");
}

TEST(MergeModelFields, KeepsAnUnsureValueWhenTheModelIsLessSure) {
  Schema s = Receipt();
  std::map<std::string, Field> fields{{"total", Sure("1.20", 0.7)}};
  Field f = Sure("3.30", 0.6);
  EXPECT_TRUE(MergeModelFields(s, {{"total", f}}, &fields).empty());
  EXPECT_EQ(fields["total"].value, "1.20");
}

}  // namespace
}  // namespace sheaf::extract
