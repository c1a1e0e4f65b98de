// SPDX-License-Identifier: GPL-3.0-or-later
//
// A tenant's own document-type model (docs/learning.md), end to end in one data dir: two
// tenants' documents go through the real service (SQLite metadata and broker, blob files, the
// shipped model); tenant A's reviewers correct some types (recorded through the store as the
// review API records them); the real `sheaf train-classifier --from-reviews` binary writes A's
// model; the service then classifies A's documents with it and B's with the shipped model.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "app/composition.h"
#include "extract/ranker.h"
#include "fixtures.h"
#include "service/service.h"
#include "service_parts.h"

namespace sheaf {
namespace {

// A kind of document the shipped model has no type for: a purchase order, which reads much
// like an invoice. Numbers, names and items vary with `i`.
std::string PurchaseOrder(int i) {
  static const char* const kBuyers[] = {"Harlow Cycles Ltd", "Fenwick Print Co", "Tamsin Dental",
                                        "Quayside Bakery", "Orrin Joinery", "Bellrock Farms"};
  static const char* const kItems[] = {"chain lube 500ml", "A4 copier paper", "nitrile gloves M",
                                       "rye flour 25kg", "oak boards 2m", "fence posts"};
  const std::string n = std::to_string(4100 + i * 37);
  return std::string("PURCHASE ORDER\nPO Number: PO-") + n + "\nOrder date: 0" +
         std::to_string(i % 9 + 1) + ".05.2024\nBuyer: " + kBuyers[i % 6] +
         "\nPlease supply and deliver by 2" + std::to_string(i % 8) + ".06.2024\nShip to: " +
         kBuyers[(i + 2) % 6] + " goods-in dock " + std::to_string(i % 4 + 1) + "\n" +
         std::to_string(i % 7 + 2) + " x " + kItems[i % 6] + "\n" + std::to_string(i % 5 + 1) +
         " x " + kItems[(i + 3) % 6] +
         "\nQuote this PO number on your delivery note.\nAuthorised by purchasing\n";
}

constexpr char kInvoice[] =
    "ACME Supplies GmbH\nHauptstrasse 1, 10115 Berlin\n\nINVOICE\nInvoice No: INV-2024-00%d\n"
    "Invoice Date: 12.03.2024\nDue Date: 11.04.2024\n\nBill to: Example Buyer Ltd\n\n"
    "Subtotal 100.00 EUR\nVAT 19%% 19.00 EUR\nTotal 119.00 EUR\n";

std::string Invoice(int i) {
  char buf[512];
  std::snprintf(buf, sizeof buf, kInvoice, i);
  return buf;
}

class TenantModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir();
    auto meta = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", {});
    ASSERT_TRUE(meta.ok()) << meta.status().message();
    metadata_ = std::move(meta).value();
    Status parts = testing::OpenServiceParts(dir_, &parts_);
    ASSERT_TRUE(parts.ok()) << parts.ToString();
    for (const char* name : {"a", "b"}) {
      auto t = metadata_->CreateTenant(name, "test");
      ASSERT_TRUE(t.ok());
      tenants_[name] = t->id;
    }
    ServiceDeps deps = parts_.Deps(metadata_.get());
    deps.tenant_understander = app::MakeTenantUnderstanders(parts_.config);
    ServiceOptions options;
    options.work_dir = dir_;
    options.idle_poll = std::chrono::milliseconds(20);
    service_ = std::make_unique<Service>(deps, options);
    ASSERT_TRUE(service_->Start().ok());
  }

  // Submits `text` for `tenant` (untyped: the classifier decides) and waits for it.
  DocumentRecord Process(const std::string& tenant, const std::string& text) {
    IngestRequest r;
    r.tenant_id = tenants_[tenant];
    r.actor = "test";
    r.bytes = std::make_shared<const std::string>(text);
    r.filename = "doc.txt";
    Result<IngestResult> in = service_->Ingest(r);
    EXPECT_TRUE(in.ok()) << in.status().message();
    if (!in.ok()) return {};
    return testing::WaitUntilSettled(metadata_.get(), tenants_[tenant], in->document.id);
  }

  // What the review API records for a reviewer's decision, with the type the reviewer set
  // ("" = the type stays).
  void Review(const std::string& tenant, const DocumentRecord& d, const std::string& type) {
    ReviewInput review;
    review.reviewer = "alice";
    review.action = type.empty() ? ReviewAction::kApprove : ReviewAction::kCorrect;
    review.document_type = type;
    Result<Correction> c = metadata_->RecordReview(tenants_[tenant], d.id, review);
    ASSERT_TRUE(c.ok()) << c.status().message();
  }

  std::string ModelOf(const std::string& tenant) {
    return app::TenantClassifierPath(dir_, tenants_[tenant]);
  }

  testing::RunResult Train(const std::string& tenant) {
    return testing::RunSheaf(
        {"train-classifier", "--from-reviews", "--tenant", tenant, "--data-dir", dir_});
  }

  std::string dir_;
  testing::ServiceParts parts_;
  std::unique_ptr<MetadataStore> metadata_;
  std::unique_ptr<Service> service_;
  std::map<std::string, std::string> tenants_;
};

TEST_F(TenantModelTest, ATenantsCorrectedTypesTrainItsOwnModelWhichOnlyItsDocumentsUse) {
  // Tenant A: purchase orders the shipped model has no type for, which A's reviewer retypes,
  // and invoices, which the reviewer approves with the type the shipped model gave them.
  std::vector<DocumentRecord> orders;
  for (int i = 0; i < 4; ++i) {
    orders.push_back(Process("a", PurchaseOrder(i)));
    ASSERT_NE(orders.back().document_type, "purchase_order");
  }
  std::vector<DocumentRecord> invoices;
  for (int i = 0; i < 2; ++i) {
    invoices.push_back(Process("a", Invoice(i)));
  }
  const std::string approved_type = invoices[0].document_type;
  ASSERT_EQ(invoices[1].document_type, approved_type);
  ASSERT_NE(approved_type, "purchase_order");
  // Not enough yet: one type only.
  for (const DocumentRecord& d : invoices) Review("a", d, "");
  testing::RunResult too_few = Train("a");
  EXPECT_EQ(too_few.exit_code, 1) << too_few.out << too_few.err;
  EXPECT_NE(too_few.err.find("at least 2 types"), std::string::npos) << too_few.err;
  EXPECT_NE(too_few.err.find("(" + approved_type + " 2)"), std::string::npos) << too_few.err;
  EXPECT_FALSE(std::filesystem::exists(ModelOf("a")));

  for (const DocumentRecord& d : orders) Review("a", d, "purchase_order");
  // Tenant B has the same kind of document, unreviewed.
  const DocumentRecord b_before = Process("b", PurchaseOrder(20));
  const std::string shipped_answer = b_before.document_type;
  ASSERT_NE(shipped_answer, "purchase_order");

  // A reviewed document whose pages are gone is left out, and said so.
  const DocumentRecord gone = Process("a", PurchaseOrder(30));
  Review("a", gone, "purchase_order");
  ASSERT_TRUE(parts_.blobs->Delete(DocumentStateKey(tenants_["a"], gone.id, "ocr")).ok());

  testing::RunResult trained = Train("a");
  ASSERT_EQ(trained.exit_code, 0) << trained.out << trained.err;
  const std::string per_type = approved_type < "purchase_order"
                                   ? approved_type + " 2, purchase_order 4"
                                   : "purchase_order 4, " + approved_type + " 2";
  EXPECT_NE(trained.out.find("6 reviewed documents (" + per_type + ")"), std::string::npos)
      << trained.out;
  EXPECT_NE(trained.out.find("1 reviewed documents had no stored pages"), std::string::npos)
      << trained.out;
  // (a) A has a model of its own; B none (and B has no reviews to make one from).
  EXPECT_TRUE(std::filesystem::exists(ModelOf("a")));
  EXPECT_FALSE(std::filesystem::exists(ModelOf("b")));
  testing::RunResult for_b = Train("b");
  EXPECT_EQ(for_b.exit_code, 1) << for_b.out << for_b.err;
  EXPECT_FALSE(std::filesystem::exists(ModelOf("b")));

  // (b) A's next purchase order, not one it was trained on, is typed as A's reviewer types them.
  const DocumentRecord a_after = Process("a", PurchaseOrder(21));
  EXPECT_EQ(a_after.document_type, "purchase_order") << a_after.result_json;
  // A's invoices keep the type its reviewer approved.
  EXPECT_EQ(Process("a", Invoice(7)).document_type, approved_type);
  // (c) B's documents still get the shipped model's answer.
  const DocumentRecord b_after = Process("b", PurchaseOrder(21));
  EXPECT_EQ(b_after.document_type, shipped_answer) << b_after.result_json;

  // Removing A's model takes A back to the shipped model.
  std::filesystem::remove(ModelOf("a"));
  EXPECT_NE(Process("a", PurchaseOrder(22)).document_type, "purchase_order");
}

// An invoice of one sender whose first row is a stamp the rules take for the seller's name;
// the sender's name is on the row below "Tax invoice". Numbers and amounts vary with `i`.
std::string StampedInvoice(int i) {
  const std::string n = std::to_string(1041 + i * 13);
  return "ORIGINAL - PLEASE RETAIN\nTax invoice\nBrightwater Plumbing Services\n12 Canal Row, Leeds LS1 4AB\n\n"
         "Invoice No: BW-" + n + "\nInvoice Date: 1" + std::to_string(i % 9) + ".03.2024\nBill to: " +
         (i % 2 ? "Harlow Cycles Ltd" : "Quayside Bakery") + "\n\nLabour " + std::to_string(100 + i) +
         ".00 EUR\nTotal " + std::to_string(119 + i) + ".00 EUR\n";
}

TEST_F(TenantModelTest, ATenantsCorrectedFieldsTrainItsOwnRankerWhichOnlyItsDocumentsUse) {
  const auto process = [&](const std::string& tenant, int i) {
    IngestRequest r;
    r.tenant_id = tenants_[tenant];
    r.actor = "test";
    r.bytes = std::make_shared<const std::string>(StampedInvoice(i));
    r.filename = "invoice.txt";
    r.type_hint = "invoice";
    Result<IngestResult> in = service_->Ingest(r);
    EXPECT_TRUE(in.ok()) << in.status().message();
    if (!in.ok()) return DocumentRecord{};
    return testing::WaitUntilSettled(metadata_.get(), tenants_[tenant], in->document.id);
  };
  const auto seller = [](const DocumentRecord& d) {
    nlohmann::json j = nlohmann::json::parse(d.result_json, nullptr, false);
    if (!j.is_object() || !j["fields"].contains("seller_name")) return nlohmann::json();
    return j["fields"]["seller_name"];
  };
  const auto train = [&](const std::string& tenant) {
    return testing::RunSheaf({"train-extractor", "--from-reviews", "--tenant", tenant, "--data-dir", dir_});
  };
  const auto model_of = [&](const std::string& tenant) { return app::TenantExtractorPath(dir_, tenants_[tenant]); };
  // The rules are wrong on this sender's invoices, for every tenant.
  const DocumentRecord first = process("a", 0);
  ASSERT_EQ(seller(first).value("value", ""), "ORIGINAL - PLEASE RETAIN") << first.result_json;
  const auto correct = [&](const std::string& tenant, const DocumentRecord& d, const std::string& name) {
    ReviewInput review;
    review.reviewer = "alice";
    review.action = ReviewAction::kCorrect;
    review.fields_json = nlohmann::json{{"seller_name", name}}.dump();
    Result<Correction> c = metadata_->RecordReview(tenants_[tenant], d.id, review);
    ASSERT_TRUE(c.ok()) << c.status().message();
  };
  correct("a", first, "Brightwater Plumbing Services");
  // One reviewed document teaches too little.
  testing::RunResult too_few = train("a");
  EXPECT_EQ(too_few.exit_code, 1) << too_few.out << too_few.err;
  EXPECT_NE(too_few.err.find("seller_name 1; a model needs at least 2"), std::string::npos) << too_few.err;
  EXPECT_FALSE(std::filesystem::exists(model_of("a")));

  for (int i = 1; i < 3; ++i) correct("a", process("a", i), "Brightwater Plumbing Services");
  // Tenant B reviews the same sender's invoices differently (its reviewer keeps the stamp);
  // none of that may reach A's model, nor A's reviews B's.
  for (int i = 10; i < 14; ++i) {
    ReviewInput approve;
    approve.reviewer = "bob";
    approve.action = ReviewAction::kApprove;
    ASSERT_TRUE(metadata_->RecordReview(tenants_["b"], process("b", i).id, approve).ok());
  }

  testing::RunResult trained = train("a");
  ASSERT_EQ(trained.exit_code, 0) << trained.out << trained.err;
  EXPECT_NE(trained.out.find("trained on 3 reviewed documents: seller_name (3 documents)"), std::string::npos)
      << trained.out;
  EXPECT_TRUE(std::filesystem::exists(model_of("a")));
  EXPECT_FALSE(std::filesystem::exists(model_of("b")));

  // A's next invoice of the sender, not one it was trained on, is read right, as the ranker's
  // override (capped below the >= 0.9 band).
  const nlohmann::json a_after = seller(process("a", 21));
  EXPECT_EQ(a_after.value("value", ""), "Brightwater Plumbing Services") << a_after.dump();
  EXPECT_LE(a_after.value("confidence", 1.0), extract::kOverrideConfidenceCap) << a_after.dump();
  // B's stays as the rules read it.
  EXPECT_EQ(seller(process("b", 21)).value("value", ""), "ORIGINAL - PLEASE RETAIN");

  // B's own reviews (4 approvals of the stamp) make B's model, which keeps B's reading and
  // leaves A's alone.
  testing::RunResult for_b = train("b");
  ASSERT_EQ(for_b.exit_code, 0) << for_b.out << for_b.err;
  EXPECT_NE(for_b.out.find("trained on 4 reviewed documents"), std::string::npos) << for_b.out;
  EXPECT_EQ(seller(process("b", 22)).value("value", ""), "ORIGINAL - PLEASE RETAIN");
  EXPECT_EQ(seller(process("a", 22)).value("value", ""), "Brightwater Plumbing Services");

  // Removing A's model takes A back to the rules.
  std::filesystem::remove(model_of("a"));
  EXPECT_EQ(seller(process("a", 23)).value("value", ""), "ORIGINAL - PLEASE RETAIN");
}

TEST_F(TenantModelTest, UnknownTenantAndMissingTenantAreUsageErrors) {
  testing::RunResult unknown = Train("nobody");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("no tenant named \"nobody\""), std::string::npos) << unknown.err;
  testing::RunResult no_tenant =
      testing::RunSheaf({"train-classifier", "--from-reviews", "--data-dir", dir_});
  EXPECT_EQ(no_tenant.exit_code, 2) << no_tenant.err;
  EXPECT_NE(no_tenant.err.find("--tenant is required"), std::string::npos) << no_tenant.err;
  testing::RunResult both = testing::RunSheaf(
      {"train-classifier", "--from-reviews", "--tenant", "a", "--manifest", "m.jsonl"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  testing::RunResult neither = testing::RunSheaf({"train-classifier"});
  EXPECT_EQ(neither.exit_code, 2) << neither.err;
  testing::RunResult extractor_unknown = testing::RunSheaf(
      {"train-extractor", "--from-reviews", "--tenant", "nobody", "--data-dir", dir_});
  EXPECT_EQ(extractor_unknown.exit_code, 2) << extractor_unknown.err;
  EXPECT_NE(extractor_unknown.err.find("no tenant named \"nobody\""), std::string::npos) << extractor_unknown.err;
  testing::RunResult extractor_mixed = testing::RunSheaf(
      {"train-extractor", "--from-reviews", "--tenant", "a", "--dataset", "sroie", "--data-dir", dir_});
  EXPECT_EQ(extractor_mixed.exit_code, 2) << extractor_mixed.err;
  testing::RunResult extractor_neither = testing::RunSheaf({"train-extractor"});
  EXPECT_EQ(extractor_neither.exit_code, 2) << extractor_neither.err;
}

// The shipped ranker (docs/extraction.md, "A model ships") is a model the loader accepts, and it
// chooses the one field it was decided for: merchant_name, never an invoice's names.
TEST(ShippedRankerTest, LoadsAndChoosesMerchantNameOnly) {
  Result<extract::Ranker> shipped = app::LoadRankerFile(testing::SourceDir() + "/models/extractor.json.gz");
  ASSERT_TRUE(shipped.ok()) << shipped.status().message();
  EXPECT_EQ(shipped->Fields(), std::vector<std::string>{"merchant_name"});
  EXPECT_FALSE(shipped->HasField("seller_name"));
}

}  // namespace
}  // namespace sheaf
