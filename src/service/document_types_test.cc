// SPDX-License-Identifier: GPL-3.0-or-later
//
// GET /v1/document-types (service/document_types.h) through the real Api on an embedded
// Service whose schemas folder has one type more than Sheaf ships: the deployment's types are
// the ones it loaded, and only a tenant's key may ask.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "service/api.h"
#include "service/document_types.h"
#include "service/service.h"
#include "service_parts.h"

namespace sheaf {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kPurchaseOrder[] = R"(type: purchase_order
description: A buyer's order for goods, sent before the invoice.
review_threshold: 0.8
fields:
  - name: order_number
    type: id
    required: true
  - name: order_date
    type: date
line_items:
  columns: [description, quantity]
)";

class DocumentTypesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/document-types-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/schemas");
    // The shipped schemas and one of the deployment's own.
    for (const auto& f : fs::directory_iterator(std::string(SHEAF_SOURCE_DIR) + "/schemas")) {
      fs::copy_file(f.path(), dir_ + "/schemas/" + f.path().filename().string());
    }
    std::ofstream(dir_ + "/schemas/purchase_order.yaml") << kPurchaseOrder;
    auto meta = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", {});
    ASSERT_TRUE(meta.ok()) << meta.status().message();
    metadata_ = std::move(meta).value();
    parts_.config.schemas_dir = dir_ + "/schemas";
    Status parts = testing::OpenServiceParts(dir_, &parts_);
    ASSERT_TRUE(parts.ok()) << parts.ToString();
    auto tenant = metadata_->CreateTenant("acme", "test");
    ASSERT_TRUE(tenant.ok());
    auto key = metadata_->CreateApiKey(tenant->id, "test");
    ASSERT_TRUE(key.ok());
    key_ = key->key;
    service_ = std::make_unique<Service>(parts_.Deps(metadata_.get()), ServiceOptions{});
    ApiDeps deps;
    deps.service = service_.get();
    deps.metadata = metadata_.get();
    api_ = std::make_unique<Api>(deps, ApiOptions{});
  }

  HttpReply Get(const std::string& key) {
    HttpRequest req;
    req.method = "GET";
    req.path = "/v1/document-types";
    if (!key.empty()) req.headers["authorization"] = "Bearer " + key;
    return api_->Handle(req);
  }

  std::string dir_;
  testing::ServiceParts parts_;
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Api> api_;
  std::string key_;
};

TEST_F(DocumentTypesTest, TheDeploymentsOwnSchemaIsListedWithItsFields) {
  HttpReply r = Get(key_);
  ASSERT_EQ(r.status, 200) << r.body;
  json body = json::parse(r.body);
  std::vector<std::string> names;
  for (const json& t : body["document_types"]) names.push_back(t["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"form", "invoice", "letter", "other",
                                             "purchase_order", "receipt"}));
  const json& po = body["document_types"][4];
  EXPECT_EQ(po["description"], "A buyer's order for goods, sent before the invoice.");
  EXPECT_EQ(po["fields"], json::parse(R"([
      {"name": "order_number", "type": "id", "required": true},
      {"name": "order_date", "type": "date", "required": false}])"));
  EXPECT_EQ(po["line_item_columns"], json::array({"description", "quantity"}));
  EXPECT_EQ(po["key_values"], false);
  // A form reads labelled pairs instead of fixed fields.
  EXPECT_EQ(body["document_types"][0]["fields"], json::array());
  EXPECT_EQ(body["document_types"][0]["key_values"], true);
}

TEST_F(DocumentTypesTest, TheShippedInvoiceSaysWhichOfItsFieldsAreRequired) {
  json body = json::parse(Get(key_).body);
  const json& invoice = body["document_types"][1];
  ASSERT_EQ(invoice["name"], "invoice");
  bool number = false;
  for (const json& f : invoice["fields"]) {
    if (f["name"] == "invoice_number") {
      number = true;
      EXPECT_EQ(f["type"], "id");
      EXPECT_EQ(f["required"], true);
    }
    if (f["name"] == "due_date") {
      EXPECT_EQ(f["required"], false);
    }
  }
  EXPECT_TRUE(number) << invoice.dump();
  EXPECT_FALSE(invoice.contains("labels"));
  EXPECT_FALSE(invoice["fields"][0].contains("labels"));
}

TEST_F(DocumentTypesTest, WithoutAValidKeyTheTypesAreNotShown) {
  HttpReply none = Get("");
  EXPECT_EQ(none.status, 401);
  HttpReply wrong = Get("shf_nope_nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body.find("purchase_order"), std::string::npos);
}

TEST_F(DocumentTypesTest, AProcessWithoutExtractionHasNoTypesToList) {
  ServiceDeps deps = parts_.Deps(metadata_.get());
  deps.understander = nullptr;
  Service bare(deps, ServiceOptions{});
  Result<const std::map<std::string, extract::Schema>*> types = bare.DocumentTypes();
  ASSERT_FALSE(types.ok());
  EXPECT_EQ(types.status().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace sheaf
