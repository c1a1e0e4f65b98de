// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace sheaf::extract {
namespace {

namespace fs = std::filesystem;

const std::string kSchemaDir = std::string(SHEAF_SOURCE_DIR) + "/schemas";

// The field named `name`, or nullptr.
const FieldSpec* FindField(const Schema& schema, std::string_view name) {
  for (const FieldSpec& field : schema.fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

bool HasLabel(const FieldSpec& field, const std::string& language, std::string_view label) {
  auto it = field.labels.find(language);
  return it != field.labels.end() &&
         std::find(it->second.begin(), it->second.end(), label) != it->second.end();
}

// The error message of a parse that must fail, or "parsed" so that the comparison fails.
std::string ErrorOf(std::string_view yaml) {
  Result<Schema> schema = ParseSchema(yaml, "schemas/test.yaml");
  if (schema.ok()) return "parsed";
  EXPECT_EQ(schema.status().code(), ErrorCode::kInvalidArgument);
  return schema.status().message();
}

// A temporary folder, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("sheaf_schema_test_" + std::string(info->name()) + "_" +
                                         std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, std::string_view text) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

constexpr std::string_view kMinimal =
    "type: receipt\n"
    "description: A receipt.\n"
    "review_threshold: 0.8\n"
    "fields: []\n";

// ---------------------------------------------------------------------------------------------
// The schemas shipped in schemas/

class ShippedSchemas : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::map<std::string, Schema>> loaded = LoadSchemaDir(kSchemaDir);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    schemas_ = std::move(loaded).value();
  }

  // Asserts that `type` has a field `name` of `field_type`, and returns it (nullptr if not).
  const FieldSpec* ExpectField(const std::string& type, std::string_view name,
                               FieldType field_type) {
    auto it = schemas_.find(type);
    if (it == schemas_.end()) {
      ADD_FAILURE() << "no schema " << type;
      return nullptr;
    }
    const FieldSpec* field = FindField(it->second, name);
    if (field == nullptr) {
      ADD_FAILURE() << type << " has no field " << name;
      return nullptr;
    }
    EXPECT_EQ(FieldTypeName(field->type), FieldTypeName(field_type)) << type << "." << name;
    return field;
  }

  std::map<std::string, Schema> schemas_;
};

TEST_F(ShippedSchemas, DefineExactlyTheFiveDocumentTypes) {
  std::vector<std::string> types;
  for (const auto& [type, schema] : schemas_) {
    types.push_back(type);
    EXPECT_EQ(schema.type, type);
    EXPECT_FALSE(schema.description.empty()) << type;
  }
  EXPECT_EQ(types, (std::vector<std::string>{"form", "invoice", "letter", "other", "receipt"}));
}

TEST_F(ShippedSchemas, ReceiptHasTheFieldsExtractionNeedsWithTheirTypes) {
  const std::vector<std::pair<std::string_view, FieldType>> expected = {
      {"merchant_name", FieldType::kString},
      {"merchant_address", FieldType::kAddress},
      {"date", FieldType::kDate},
      {"total", FieldType::kMoney},
      {"subtotal", FieldType::kMoney},
      {"tax", FieldType::kMoney},
      {"rounding", FieldType::kMoney},
      {"currency", FieldType::kCurrency},
  };
  for (const auto& [name, type] : expected) ExpectField("receipt", name, type);
  EXPECT_EQ(schemas_["receipt"].fields.size(), expected.size());
  EXPECT_EQ(schemas_["receipt"].line_item_columns,
            (std::vector<std::string>{"description", "quantity", "unit_price", "amount"}));
  EXPECT_FALSE(schemas_["receipt"].key_values);
}

TEST_F(ShippedSchemas, InvoiceHasTheFieldsExtractionNeedsWithTheirTypes) {
  const std::vector<std::pair<std::string_view, FieldType>> expected = {
      {"invoice_number", FieldType::kId},
      {"invoice_date", FieldType::kDate},
      {"due_date", FieldType::kDate},
      {"seller_name", FieldType::kString},
      {"seller_address", FieldType::kAddress},
      {"seller_vat_id", FieldType::kVatId},
      {"buyer_name", FieldType::kString},
      {"buyer_address", FieldType::kAddress},
      {"currency", FieldType::kCurrency},
      {"subtotal", FieldType::kMoney},
      {"tax", FieldType::kMoney},
      {"total", FieldType::kMoney},
      {"iban", FieldType::kIban},
  };
  for (const auto& [name, type] : expected) ExpectField("invoice", name, type);
  EXPECT_EQ(schemas_["invoice"].fields.size(), expected.size());
  EXPECT_EQ(schemas_["invoice"].line_item_columns,
            (std::vector<std::string>{"description", "quantity", "unit_price", "amount"}));
}

TEST_F(ShippedSchemas, TotalsAndInvoiceNumbersAreRequired) {
  const std::vector<std::pair<std::string, std::string_view>> required = {
      {"receipt", "total"}, {"receipt", "date"},           {"receipt", "merchant_name"},
      {"invoice", "total"}, {"invoice", "invoice_number"}, {"invoice", "invoice_date"}};
  for (const auto& [type, name] : required) {
    const FieldSpec* field = FindField(schemas_[type], name);
    ASSERT_NE(field, nullptr) << type << "." << name;
    EXPECT_TRUE(field->required) << type << "." << name;
  }
  const FieldSpec* iban = FindField(schemas_["invoice"], "iban");
  ASSERT_NE(iban, nullptr);
  EXPECT_FALSE(iban->required);
}

TEST_F(ShippedSchemas, EveryReceiptAndInvoiceFieldHasEnglishGermanAndFrenchLabels) {
  for (const std::string type : {"receipt", "invoice"}) {
    for (const FieldSpec& field : schemas_[type].fields) {
      for (const std::string language : {"en", "de", "fr"}) {
        auto it = field.labels.find(language);
        EXPECT_TRUE(it != field.labels.end() && !it->second.empty())
            << type << "." << field.name << " has no " << language << " labels";
      }
    }
  }
}

TEST_F(ShippedSchemas, LabelsAreLowerCasedAndIncludeTheCommonWording) {
  const FieldSpec* total = FindField(schemas_["receipt"], "total");
  ASSERT_NE(total, nullptr);
  EXPECT_TRUE(HasLabel(*total, "en", "total (rm)"));
  EXPECT_TRUE(HasLabel(*total, "en", "rounded total"));
  EXPECT_TRUE(HasLabel(*total, "de", "gesamtbetrag"));
  EXPECT_TRUE(HasLabel(*total, "fr", "net à payer"));
  const FieldSpec* tax = FindField(schemas_["receipt"], "tax");
  ASSERT_NE(tax, nullptr);
  EXPECT_TRUE(HasLabel(*tax, "en", "gst"));
  EXPECT_TRUE(HasLabel(*tax, "de", "mwst"));
  EXPECT_TRUE(HasLabel(*tax, "fr", "tva"));
  const FieldSpec* number = FindField(schemas_["invoice"], "invoice_number");
  ASSERT_NE(number, nullptr);
  EXPECT_TRUE(HasLabel(*number, "en", "invoice #"));
  EXPECT_TRUE(HasLabel(*number, "de", "rechnungsnummer"));
  EXPECT_TRUE(HasLabel(*number, "fr", "numéro de facture"));
  for (const auto& [type, schema] : schemas_) {
    for (const FieldSpec& field : schema.fields) {
      for (const auto& [language, labels] : field.labels) {
        for (const std::string& label : labels) {
          EXPECT_TRUE(
              std::none_of(label.begin(), label.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
              << type << "." << field.name << ": " << label;
        }
      }
    }
  }
}

TEST_F(ShippedSchemas, FieldsWithoutTheirOwnThresholdInheritTheSchemaDefault) {
  const Schema& receipt = schemas_["receipt"];
  EXPECT_DOUBLE_EQ(receipt.review_threshold, 0.8);
  const FieldSpec* merchant = FindField(receipt, "merchant_name");
  const FieldSpec* tax = FindField(receipt, "tax");
  ASSERT_NE(merchant, nullptr);
  ASSERT_NE(tax, nullptr);
  EXPECT_DOUBLE_EQ(merchant->review_threshold, 0.75);
  EXPECT_DOUBLE_EQ(tax->review_threshold, 0.8);
}

TEST_F(ShippedSchemas, FormReportsKeyValuePairsAndOtherExtractsNothing) {
  EXPECT_TRUE(schemas_["form"].key_values);
  EXPECT_TRUE(schemas_["form"].fields.empty());
  EXPECT_FALSE(schemas_["other"].key_values);
  EXPECT_TRUE(schemas_["other"].fields.empty());
  ExpectField("letter", "date", FieldType::kDate);
  ExpectField("letter", "sender_name", FieldType::kString);
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation

TEST(ParseSchema, ReadsAFieldWithAllItsKeys) {
  Result<Schema> schema = ParseSchema(
      "type: receipt\n"
      "description: A receipt.\n"
      "review_threshold: 0.8\n"
      "fields:\n"
      "  - name: total\n"
      "    type: money\n"
      "    required: true\n"
      "    review_threshold: 0.9\n"
      "    labels:\n"
      "      en: [TOTAL, Amount Due]\n"
      "      fr: [NET À PAYER, Œuvre]\n"
      "line_items:\n"
      "  columns: [description, amount]\n",
      "schemas/receipt.yaml");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  ASSERT_EQ(schema->fields.size(), 1u);
  const FieldSpec& total = schema->fields[0];
  EXPECT_EQ(total.name, "total");
  EXPECT_EQ(total.type, FieldType::kMoney);
  EXPECT_TRUE(total.required);
  EXPECT_DOUBLE_EQ(total.review_threshold, 0.9);
  EXPECT_EQ(total.labels.at("en"), (std::vector<std::string>{"total", "amount due"}));
  EXPECT_EQ(total.labels.at("fr"), (std::vector<std::string>{"net à payer", "œuvre"}));
  EXPECT_EQ(schema->line_item_columns, (std::vector<std::string>{"description", "amount"}));
}

TEST(ParseSchema, FieldTypeNamesRoundTrip) {
  for (std::string_view name :
       {"string", "date", "money", "currency", "id", "address", "iban", "vat_id", "number"}) {
    std::optional<FieldType> type = ParseFieldType(name);
    ASSERT_TRUE(type.has_value()) << name;
    EXPECT_EQ(FieldTypeName(*type), name);
  }
  EXPECT_FALSE(ParseFieldType("monye").has_value());
}

TEST(ParseSchema, ReportsAnUnknownFieldTypeWithItsLineAndColumn) {
  EXPECT_EQ(ErrorOf("type: receipt\n"
                    "description: A receipt.\n"
                    "review_threshold: 0.8\n"
                    "fields:\n"
                    "  - name: total\n"
                    "    type: monye\n"),
            "schemas/test.yaml:6:11: unknown field type \"monye\" (expected one of string, date, "
            "money, currency, id, address, iban, vat_id, number)");
}

TEST(ParseSchema, ReportsAMissingTypeAtTheMappingThatLacksIt) {
  EXPECT_EQ(ErrorOf("description: A receipt.\n"
                    "review_threshold: 0.8\n"
                    "fields: []\n"),
            "schemas/test.yaml:1:1: missing required key \"type\" in the schema");
  EXPECT_EQ(ErrorOf("type: receipt\n"
                    "description: A receipt.\n"
                    "review_threshold: 0.8\n"
                    "fields:\n"
                    "  - name: total\n"
                    "    required: true\n"),
            "schemas/test.yaml:5:5: missing required key \"type\" in a field");
}

TEST(ParseSchema, ReportsADuplicateFieldNameAtItsSecondDefinition) {
  EXPECT_EQ(ErrorOf("type: receipt\n"
                    "description: A receipt.\n"
                    "review_threshold: 0.8\n"
                    "fields:\n"
                    "  - name: total\n"
                    "    type: money\n"
                    "  - name: total\n"
                    "    type: string\n"),
            "schemas/test.yaml:7:11: field \"total\" is defined twice");
}

TEST(ParseSchema, ReportsAThresholdOutsideZeroToOne) {
  EXPECT_EQ(ErrorOf("type: receipt\n"
                    "description: A receipt.\n"
                    "review_threshold: 0.8\n"
                    "fields:\n"
                    "  - name: total\n"
                    "    type: money\n"
                    "    review_threshold: 1.5\n"),
            "schemas/test.yaml:7:23: review_threshold 1.5 is outside [0, 1] (it is a confidence)");
  EXPECT_EQ(ErrorOf("type: receipt\n"
                    "description: A receipt.\n"
                    "review_threshold: high\n"
                    "fields: []\n"),
            "schemas/test.yaml:3:19: review_threshold must be a number between 0 and 1");
}

TEST(ParseSchema, ReportsAnUnknownKeyWithASuggestion) {
  EXPECT_EQ(ErrorOf("type: receipt\n"
                    "description: A receipt.\n"
                    "review_threshold: 0.8\n"
                    "fields:\n"
                    "  - name: total\n"
                    "    type: money\n"
                    "    requird: true\n"),
            "schemas/test.yaml:7:5: unknown key \"requird\" in a field, did you mean "
            "\"required\"? (expected one of name, type, required, review_threshold, labels)");
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "colour: blue\n"),
            "schemas/test.yaml:5:1: unknown key \"colour\" in the schema (expected one of type, "
            "description, review_threshold, fields, line_items, key_values)");
}

TEST(ParseSchema, ReportsAKeyGivenTwice) {
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "type: invoice\n"),
            "schemas/test.yaml:5:1: key \"type\" appears twice in the schema");
}

TEST(ParseSchema, ReportsATabInTheIndentation) {
  const std::string message = ErrorOf(
      "type: receipt\n"
      "description: A receipt.\n"
      "review_threshold: 0.8\n"
      "fields:\n"
      "  - name: total\n"
      "\ttype: money\n");
  EXPECT_EQ(message,
            "schemas/test.yaml:6:1: malformed YAML: illegal tab when looking for "
            "indentation");
}

TEST(ParseSchema, ReportsAnUnclosedBracket) {
  const std::string message = ErrorOf(
      "type: receipt\n"
      "description: A receipt.\n"
      "review_threshold: 0.8\n"
      "fields: [\n");
  EXPECT_EQ(message.rfind("schemas/test.yaml:", 0), 0u) << message;
  EXPECT_NE(message.find("malformed YAML: end of sequence flow not found"), std::string::npos)
      << message;
}

TEST(ParseSchema, RejectsBadNamesLabelsAndColumns) {
  const std::string head =
      "type: receipt\n"
      "description: A receipt.\n"
      "review_threshold: 0.8\n"
      "fields:\n";
  EXPECT_EQ(ErrorOf(head + "  - name: Total\n    type: money\n"),
            "schemas/test.yaml:5:11: field name \"Total\" is not snake_case (lower-case letters, "
            "digits and single underscores, starting with a letter)");
  EXPECT_EQ(ErrorOf(head + "  - name: total\n    type: money\n    labels: [total]\n"),
            "schemas/test.yaml:7:13: labels must map a language code to a list of words (en: "
            "[total, amount due])");
  EXPECT_EQ(ErrorOf(head + "  - name: total\n    type: money\n    labels:\n      en: total\n"),
            "schemas/test.yaml:8:11: labels for \"en\" must be a non-empty list of words");
  EXPECT_EQ(ErrorOf(head + "  - name: total\n    type: money\n    labels:\n"
                           "      english: [total]\n"),
            "schemas/test.yaml:8:7: labels are keyed by a lower-case language code of 2 or 3 "
            "letters (en, de, fr), not \"english\"");
  EXPECT_EQ(ErrorOf(head + "  - name: total\n    type: money\n    labels:\n"
                           "      en: [Total, TOTAL]\n"),
            "schemas/test.yaml:8:19: label \"total\" appears twice for \"en\"");
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "line_items:\n  columns: [amount, amount]\n"),
            "schemas/test.yaml:6:21: line item column \"amount\" appears twice");
}

TEST(ParseSchema, RejectsKeyValuesTogetherWithFields) {
  EXPECT_EQ(ErrorOf("type: form\n"
                    "description: A form.\n"
                    "review_threshold: 0.7\n"
                    "fields:\n"
                    "  - name: total\n"
                    "    type: money\n"
                    "key_values: true\n"),
            "schemas/test.yaml:7:13: key_values: true needs \"fields: []\" (a schema has fixed "
            "fields or reports the key/value pairs on the page, not both)");
}

TEST(ParseSchema, RejectsAnEmptyFileAndASecondDocument) {
  EXPECT_EQ(ErrorOf(""), "schemas/test.yaml:1:1: the file holds no schema");
  EXPECT_EQ(ErrorOf("- just\n- a list\n"),
            "schemas/test.yaml:1:1: a schema must be a mapping of keys to values");
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + "---\n" + std::string(kMinimal)),
            "schemas/test.yaml:6:1: one schema per file (found a second document)");
}

// Found by the schema_yaml fuzz target (tests/fuzz/regressions/schema_yaml): yaml-cpp 0.7's
// LoadAll never returns on a line starting with ',' and grows without bound.
TEST(ParseSchema, ALineStartingWithACommaIsMalformedNotAnEndlessLoop) {
  EXPECT_EQ(ErrorOf(",\n"), "schemas/test.yaml:1:1: malformed YAML: the parser cannot read past here");
  const std::string error = ErrorOf(std::string(kMinimal) + ",t pe: invoice\n");
  EXPECT_NE(error.find("schemas/test.yaml:"), std::string::npos) << error;
}

// ---------------------------------------------------------------------------------------------
// Files and folders

TEST(LoadSchemaFile, ReportsAFileNameThatDoesNotMatchTheType) {
  TempDir dir;
  const std::string path = dir.Write("recipt.yaml", kMinimal);
  Result<Schema> schema = LoadSchemaFile(path);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(schema.status().message(),
            path +
                ":1:7: type \"receipt\" does not match the file name \"recipt.yaml\" (a "
                "schema file is named after its type)");
}

TEST(LoadSchemaFile, LoadsAFileNamedAfterItsType) {
  TempDir dir;
  Result<Schema> schema = LoadSchemaFile(dir.Write("receipt.yaml", kMinimal));
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->type, "receipt");
}

TEST(LoadSchemaFile, ReportsAMissingFileAsNotFound) {
  TempDir dir;
  Result<Schema> schema = LoadSchemaFile(dir.path() + "/nothing.yaml");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), ErrorCode::kNotFound);
}

TEST(LoadSchemaDir, NamesTheFileAtFaultInItsMessage) {
  TempDir dir;
  dir.Write("receipt.yaml", kMinimal);
  const std::string bad = dir.Write("invoice.yaml",
                                    "type: invoice\n"
                                    "description: An invoice.\n"
                                    "review_threshold: 0.8\n"
                                    "fields:\n"
                                    "  - name: total\n"
                                    "    type: monye\n");
  Result<std::map<std::string, Schema>> schemas = LoadSchemaDir(dir.path());
  ASSERT_FALSE(schemas.ok());
  EXPECT_EQ(schemas.status().message().rfind(bad + ":6:11: unknown field type \"monye\"", 0), 0u)
      << schemas.status().message();
}

TEST(LoadSchemaDir, LoadsOnlyYamlFilesAndRejectsYml) {
  TempDir dir;
  dir.Write("receipt.yaml", kMinimal);
  dir.Write("README.md", "not a schema");
  Result<std::map<std::string, Schema>> schemas = LoadSchemaDir(dir.path());
  ASSERT_TRUE(schemas.ok()) << schemas.status().ToString();
  EXPECT_EQ(schemas->size(), 1u);
  EXPECT_TRUE(schemas->contains("receipt"));

  dir.Write("invoice.yml", "type: invoice\n");
  schemas = LoadSchemaDir(dir.path());
  ASSERT_FALSE(schemas.ok());
  EXPECT_EQ(schemas.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(schemas.status().message().find("invoice.yml"), std::string::npos)
      << schemas.status().message();
}

TEST(LoadSchemaDir, ReportsAMissingOrEmptyFolder) {
  TempDir dir;
  Result<std::map<std::string, Schema>> empty = LoadSchemaDir(dir.path());
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), ErrorCode::kInvalidArgument);
  Result<std::map<std::string, Schema>> missing = LoadSchemaDir(dir.path() + "/absent");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace sheaf::extract
