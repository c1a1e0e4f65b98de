// SPDX-License-Identifier: GPL-3.0-or-later
//
// A tenant's own document-type model (docs/learning.md), end to end in one data dir: two
// tenants' documents go through the real service (SQLite metadata and broker, blob files, the
// shipped model); tenant A's reviewers correct some types (recorded through the store as the
// review API records them); the real `sheaf train-classifier --from-reviews` binary writes A's
// model; the service then classifies A's documents with it and B's with the shipped model.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "app/composition.h"
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
}

}  // namespace
}  // namespace sheaf
