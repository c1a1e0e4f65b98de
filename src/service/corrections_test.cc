// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/corrections.h"

#include <gtest/gtest.h>

#include <string>

#include "extract/schema.h"

namespace sheaf {
namespace {

using ojson = nlohmann::ordered_json;

const std::map<std::string, extract::Schema>& Schemas() {
  static const std::map<std::string, extract::Schema> schemas = [] {
    auto loaded = extract::LoadSchemaDir(std::string(SHEAF_SOURCE_DIR) + "/schemas");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? *loaded : std::map<std::string, extract::Schema>{};
  }();
  return schemas;
}

const ojson* Rule(const ojson& result, const std::string& name) {
  for (const ojson& r : result["validation"]) {
    if (r["rule"] == name) return &r;
  }
  return nullptr;
}

// A receipt whose one line item (9.00) does not add up to its total (12.00).
ojson Receipt() {
  return ojson::parse(R"({
    "document_type": {"label": "receipt", "confidence": 0.9},
    "fields": {"total": {"value": "12.00", "raw": "12.00", "confidence": 0.95, "source": "layout"}},
    "line_items": [{"description": {"value": "Clay", "confidence": 0.8},
                    "amount": {"value": "9.00", "confidence": 0.8}}],
    "validation": [{"rule": "line_items_sum", "status": "warn", "message": "old", "fields": []},
                   {"rule": "einvoice_match", "status": "pass", "message": "kept", "fields": []}]
  })");
}

TEST(CorrectionsTest, ACorrectedValueMayPointAtTheWordsItWasFilledFrom) {
  EXPECT_EQ(CheckCorrectedValue("total", "10.50"), "");
  EXPECT_EQ(CheckCorrectedValue("total", 10.5), "");
  EXPECT_EQ(CheckCorrectedValue("total", nullptr), "");
  const nlohmann::json pointed = {{"value", "10.50"}, {"page", 1}, {"bbox", {600, 900, 708.5, 924}}};
  EXPECT_EQ(CheckCorrectedValue("total", pointed), "");
  const auto bad = [&](nlohmann::json v, const std::string& says) {
    const std::string error = CheckCorrectedValue("total", v);
    EXPECT_NE(error.find("field \"total\""), std::string::npos) << error;
    EXPECT_NE(error.find(says), std::string::npos) << error;
  };
  bad(nlohmann::json::array({1}), "a string, a number, null");
  bad({{"value", nullptr}, {"page", 1}, {"bbox", {0, 0, 1, 1}}}, "\"value\" must be");
  bad({{"page", 1}, {"bbox", {0, 0, 1, 1}}}, "\"value\" must be");
  bad({{"value", "1"}, {"page", 0}, {"bbox", {0, 0, 1, 1}}}, "\"page\"");
  bad({{"value", "1"}, {"page", "1"}, {"bbox", {0, 0, 1, 1}}}, "\"page\"");
  bad({{"value", "1"}, {"page", 1}}, "\"bbox\"");
  bad({{"value", "1"}, {"page", 1}, {"bbox", {0, 0, 1}}}, "\"bbox\"");
  bad({{"value", "1"}, {"page", 1}, {"bbox", {0, -1, 1, 1}}}, "\"bbox\"");
  bad({{"value", "1"}, {"page", 1}, {"bbox", {0, 0, 1, 2e7}}}, "\"bbox\"");
  bad({{"value", "1"}, {"page", 1.5}, {"bbox", {0, 0, 1, 1}}}, "\"page\"");
  bad({{"value", "1"}, {"page", 100001}, {"bbox", {0, 0, 1, 1}}}, "\"page\"");
  // What JSON Schema cannot refuse is taken: a page written 2.0, corners in either order.
  EXPECT_EQ(CheckCorrectedValue("total", {{"value", "1"}, {"page", 2.0}, {"bbox", {5, 9, 1, 1}}}), "");
  bad({{"value", "1"}, {"page", 1}, {"bbox", {0, 0, 1, 1}}, {"box", 1}}, "unknown key \"box\"");

  // Split: the plain values as recorded, the boxes apart.
  std::map<std::string, learn::PointedWords> boxes;
  const nlohmann::json plain =
      SplitPointed({{"total", pointed}, {"date", "2024-01-02"}, {"iban", nullptr}}, &boxes);
  EXPECT_EQ(plain, (nlohmann::json{{"total", "10.50"}, {"date", "2024-01-02"}, {"iban", nullptr}}));
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_EQ(boxes["total"].page, 1);
  EXPECT_EQ(boxes["total"].box, (Box{600, 900, 709, 924}));
  boxes.clear();
  SplitPointed({{"total", {{"value", "1"}, {"page", 2.0}, {"bbox", {708.5, 924, 600, 900}}}}}, &boxes);
  EXPECT_EQ(boxes["total"].page, 2);
  EXPECT_EQ(boxes["total"].box, (Box{600, 900, 709, 924}));
}

TEST(CorrectionsTest, CheckLineItemsAcceptsRowsOfKnownColumns) {
  EXPECT_EQ(CheckLineItems(nlohmann::json::parse(
                R"([{"description": "Clay", "quantity": 2, "unit_price": "4.50", "amount": null}])")),
            "");
  EXPECT_EQ(CheckLineItems(nlohmann::json::array()), "");  // every line removed
}

TEST(CorrectionsTest, CheckLineItemsNamesTheRowAndColumnOfWhatIsWrong) {
  EXPECT_NE(CheckLineItems(nlohmann::json::object()).find("must be an array"), std::string::npos);
  EXPECT_NE(CheckLineItems(nlohmann::json::parse("[1]")).find("line_items[0] must be an object"),
            std::string::npos);
  const std::string column = CheckLineItems(nlohmann::json::parse(R"([{}, {"colour": "red"}])"));
  EXPECT_NE(column.find("line_items[1]"), std::string::npos) << column;
  EXPECT_NE(column.find("unknown column \"colour\""), std::string::npos) << column;
  const std::string nested = CheckLineItems(nlohmann::json::parse(R"([{"amount": {"v": 1}}])"));
  EXPECT_NE(nested.find("line_items[0].amount"), std::string::npos) << nested;
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i <= kMaxCorrectedLineItems; ++i) many.push_back(nlohmann::json::object());
  EXPECT_NE(CheckLineItems(many).find("at most 1000"), std::string::npos);
  nlohmann::json long_cell = nlohmann::json::array(
      {{{"description", std::string(kMaxLineItemCellChars + 1, 'x')}}});
  EXPECT_NE(CheckLineItems(long_cell).find("longer than 1000"), std::string::npos);
}

TEST(CorrectionsTest, ReplacedLineItemsAreReviewFieldsInColumnOrder) {
  ojson result = Receipt();
  ReplaceLineItems(nlohmann::json::parse(
                       R"([{"amount": 3, "description": "Glue", "quantity": null}])"),
                   &result);
  ASSERT_EQ(result["line_items"].size(), 1u);
  const ojson& row = result["line_items"][0];
  EXPECT_EQ(row.size(), 2u);  // null is no value
  EXPECT_EQ(row.begin().key(), "description");
  EXPECT_EQ(row["amount"]["value"], "3");
  EXPECT_EQ(row["amount"]["source"], "review");
  EXPECT_EQ(row["amount"]["confidence"], 1.0);
  EXPECT_TRUE(row["amount"]["page"].is_null());
}

TEST(CorrectionsTest, RevalidationJudgesTheCorrectedLineItemsAndKeepsTheCrossCheck) {
  ojson result = Receipt();
  Revalidate(Schemas(), &result);
  const ojson* before = Rule(result, "line_items_sum");
  ASSERT_NE(before, nullptr) << result["validation"].dump();
  EXPECT_EQ((*before)["status"], "warn");
  EXPECT_NE((*before)["message"], "old");

  ReplaceLineItems(nlohmann::json::parse(
                       R"([{"description": "Clay", "amount": "9.00"},
                           {"description": "Glue", "amount": "3.00"}])"),
                   &result);
  Revalidate(Schemas(), &result);
  const ojson* after = Rule(result, "line_items_sum");
  ASSERT_NE(after, nullptr) << result["validation"].dump();
  EXPECT_EQ((*after)["status"], "pass") << (*after)["message"];
  const ojson* kept = Rule(result, "einvoice_match");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ((*kept)["message"], "kept");
}

TEST(CorrectionsTest, RevalidationOfAnUnknownTypeUsesOther) {
  ojson result = ojson::parse(R"({"document_type": {"label": "nonsense"}, "fields": {},
                                  "validation": [{"rule": "line_items_sum", "status": "warn"}]})");
  Revalidate(Schemas(), &result);
  EXPECT_EQ(Rule(result, "line_items_sum"), nullptr) << result.dump();
  Revalidate({}, &result);  // no schema at all: unchanged
  EXPECT_TRUE(result["validation"].is_array());
}

}  // namespace
}  // namespace sheaf
