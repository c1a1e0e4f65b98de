// SPDX-License-Identifier: GPL-3.0-or-later
#include "validate/validator.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sheaf::validate {
namespace {

const std::string kSchemaDir = std::string(SHEAF_SOURCE_DIR) + "/schemas";

const extract::Schema& SchemaFor(const std::string& type) {
  static const std::map<std::string, extract::Schema> schemas = [] {
    auto loaded = extract::LoadSchemaDir(kSchemaDir);
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? *loaded : std::map<std::string, extract::Schema>{};
  }();
  return schemas.at(type);
}

Field F(const std::string& value, double confidence = 0.99) {
  Field f;
  f.value = value;
  f.raw = value;
  f.confidence = confidence;
  f.page = 1;
  return f;
}

// The first result of rule `name` (about `field`, when given).
const RuleResult* Find(const std::vector<RuleResult>& rules, const std::string& name,
                       const std::string& field = "") {
  for (const RuleResult& r : rules) {
    if (r.rule != name) continue;
    if (field.empty() || std::find(r.fields.begin(), r.fields.end(), field) != r.fields.end()) return &r;
  }
  return nullptr;
}

std::map<std::string, Field> GoodInvoice() {
  return {{"invoice_number", F("RE-1")},    {"invoice_date", F("2024-03-05")},
          {"due_date", F("2024-03-19")},    {"seller_name", F("ACME GmbH")},
          {"seller_vat_id", F("DE136695976")}, {"subtotal", F("100.00")},
          {"tax", F("19.00")},              {"total", F("119.00")},
          {"currency", F("EUR")},           {"iban", F("DE89370400440532013000")}};
}

TEST(Validate, AGoodInvoicePassesEveryRule) {
  std::vector<RuleResult> rules = Validate(SchemaFor("invoice"), GoodInvoice(), {}, {2026});
  ASSERT_FALSE(rules.empty());
  for (const RuleResult& r : rules) EXPECT_EQ(r.status, RuleStatus::kPass) << r.rule << ": " << r.message;
  for (const char* name : {"required", "iban_checksum", "vat_id_format", "date_plausible", "due_after_issue",
                           "totals_add_up"}) {
    EXPECT_NE(Find(rules, name), nullptr) << name;
  }
}

TEST(Validate, EachRuleFailsOnItsOwnFault) {
  auto fields = GoodInvoice();
  fields.erase("invoice_number");
  fields["iban"] = F("DE89370400440532013001");
  fields["seller_vat_id"] = F("DE12345");
  fields["due_date"] = F("2024-03-01");
  fields["total"] = F("120.00");
  fields["invoice_date"] = F("2999-03-05");  // a misread year: implausible, and after the due date
  std::vector<RuleResult> rules = Validate(SchemaFor("invoice"), fields, {}, {2026});
  EXPECT_EQ(Find(rules, "required")->status, RuleStatus::kFail);
  EXPECT_NE(Find(rules, "required")->message.find("invoice_number"), std::string::npos);
  EXPECT_EQ(Find(rules, "iban_checksum")->status, RuleStatus::kFail);
  EXPECT_EQ(Find(rules, "vat_id_format")->status, RuleStatus::kFail);
  EXPECT_EQ(Find(rules, "due_after_issue")->status, RuleStatus::kFail);
  const RuleResult* totals = Find(rules, "totals_add_up");
  EXPECT_EQ(totals->status, RuleStatus::kFail);
  EXPECT_EQ(totals->message, "subtotal 100.00 + tax 19.00 = 119.00, but total is 120.00");
  EXPECT_EQ(Find(rules, "date_plausible", "invoice_date")->status, RuleStatus::kWarn);
  EXPECT_EQ(Find(rules, "date_plausible", "due_date")->status, RuleStatus::kPass);
}

TEST(Validate, ACashRoundingAdjustmentIsPartOfTheSum) {
  std::map<std::string, Field> fields = {{"subtotal", F("62.00")}, {"tax", F("3.72")}, {"total", F("65.70")}};
  std::vector<RuleResult> rules = Validate(SchemaFor("receipt"), fields, {}, {2026});
  EXPECT_EQ(Find(rules, "totals_add_up")->status, RuleStatus::kFail);
  fields["rounding"] = F("-0.02");
  rules = Validate(SchemaFor("receipt"), fields, {}, {2026});
  EXPECT_EQ(Find(rules, "totals_add_up")->status, RuleStatus::kPass) << Find(rules, "totals_add_up")->message;
  fields["rounding"] = F("0.02");
  rules = Validate(SchemaFor("receipt"), fields, {}, {2026});
  EXPECT_EQ(Find(rules, "totals_add_up")->message,
            "subtotal 62.00 + tax 3.72 + rounding 0.02 = 65.74, but total is 65.70");
}

TEST(Validate, WrongCheckDigitOfAWellShapedVatIdIsAWarning) {
  auto fields = GoodInvoice();
  fields["seller_vat_id"] = F("DE123456789");  // the ZUGFeRD samples' placeholder
  std::vector<RuleResult> rules = Validate(SchemaFor("invoice"), fields, {}, {2026});
  EXPECT_EQ(Find(rules, "vat_id_format")->status, RuleStatus::kWarn);
}

TEST(Validate, LineItems) {
  auto fields = GoodInvoice();
  LineItem a{{"quantity", F("2")}, {"unit_price", F("30.00")}, {"amount", F("60.00")}};
  LineItem b{{"quantity", F("1")}, {"unit_price", F("40.00")}, {"amount", F("40.00")}};
  std::vector<RuleResult> ok = Validate(SchemaFor("invoice"), fields, {a, b}, {2026});
  EXPECT_EQ(Find(ok, "line_items_sum")->status, RuleStatus::kPass);
  EXPECT_EQ(Find(ok, "line_arithmetic")->status, RuleStatus::kPass);
  b["amount"] = F("45.00");
  std::vector<RuleResult> bad = Validate(SchemaFor("invoice"), fields, {a, b}, {2026});
  EXPECT_EQ(Find(bad, "line_items_sum")->status, RuleStatus::kWarn);
  const RuleResult* arith = Find(bad, "line_arithmetic");
  EXPECT_EQ(arith->status, RuleStatus::kWarn);
  EXPECT_NE(arith->message.find("line 2"), std::string::npos);
}

TEST(Validate, RulesWithoutTheirInputsAreNotReported) {
  std::map<std::string, Field> fields{{"total", F("5.00")}};
  std::vector<RuleResult> rules = Validate(SchemaFor("receipt"), fields, {}, {2026});
  EXPECT_EQ(Find(rules, "totals_add_up"), nullptr);
  EXPECT_EQ(Find(rules, "due_after_issue"), nullptr);
  EXPECT_EQ(Find(rules, "required")->status, RuleStatus::kFail);  // merchant_name, date missing
}

TEST(CrossCheck, MismatchesAreWarningsNamingTheField) {
  std::map<std::string, Field> visible{{"total", F("119.00")}, {"seller_name", F("ACME  GmbH.")},
                                       {"invoice_number", F("RE-2")}};
  std::map<std::string, std::string> xml{{"total", "119.00"}, {"seller_name", "ACME GmbH"},
                                         {"invoice_number", "RE-1"}, {"iban", "DE89370400440532013000"}};
  std::vector<RuleResult> r = CrossCheck(visible, xml);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].rule, "einvoice_match");
  EXPECT_EQ(r[0].status, RuleStatus::kWarn);
  EXPECT_EQ(r[0].fields, std::vector<std::string>{"invoice_number"});
  visible["invoice_number"] = F("RE-1");
  r = CrossCheck(visible, xml);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, RuleStatus::kPass);
  EXPECT_TRUE(CrossCheck({}, xml).empty());
}

TEST(CrossCheck, AnAddressMatchesTheXmlsInAnyOrderWithItsCountryInWords) {
  // The XML orders an address its own way, gives the country as a code and may hold a contact.
  std::map<std::string, std::string> xml{{"buyer_address", "69876, Frankfurt, Hans Muster, Kundenstraße 15, DE"}};
  std::map<std::string, Field> visible{{"buyer_address", F("Kundenstraße 15, 69876 Frankfurt, Deutschland")}};
  std::vector<RuleResult> r = CrossCheck(visible, xml);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, RuleStatus::kPass);
  // Another street number, or another street, is another address.
  for (const char* other : {"Kundenstraße 17, 69876 Frankfurt", "Hauptstraße 15, 69876 Frankfurt"}) {
    visible["buyer_address"] = F(other);
    r = CrossCheck(visible, xml);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status, RuleStatus::kWarn) << other;
  }
  // The rule is for addresses only: a name's words in another order still differ.
  std::map<std::string, std::string> names{{"buyer_name", "Muster Hans GmbH"}};
  r = CrossCheck({{"buyer_name", F("Hans Muster GmbH")}}, names);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, RuleStatus::kWarn);
}

TEST(DecideStatus, CompletedOnlyWhenRulesPassAndFieldsAreSure) {
  const extract::Schema& schema = SchemaFor("invoice");
  Document doc;
  doc.fields = GoodInvoice();
  doc.validation = Validate(schema, doc.fields, {}, {2026});
  DecideStatus(schema, &doc);
  EXPECT_EQ(doc.status, DocumentStatus::kCompleted);
  EXPECT_TRUE(doc.review_reasons.empty());

  doc.fields["total"].confidence = 0.5;
  DecideStatus(schema, &doc);
  EXPECT_EQ(doc.status, DocumentStatus::kNeedsReview);
  ASSERT_EQ(doc.review_reasons.size(), 1u);
  EXPECT_NE(doc.review_reasons[0].find("total"), std::string::npos);

  Document failed;
  failed.status = DocumentStatus::kFailed;
  DecideStatus(schema, &failed);
  EXPECT_EQ(failed.status, DocumentStatus::kFailed);
}

}  // namespace
}  // namespace sheaf::validate
