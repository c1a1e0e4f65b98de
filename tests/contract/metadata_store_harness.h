// SPDX-License-Identifier: GPL-3.0-or-later
//
// What the MetadataStore contract suite (metadata_store_contract_test.cc) needs from a backend:
// a fresh, private database per test, store objects opened on it (a second one stands for a
// second process), and raw SQL on it, as an operator - or an attacker with access to the
// database - would run. Each backend's harness sits beside its adapter
// (src/adapters/<x>/*_test_harness.cc), the only place its SDK is included.
#ifndef SHEAF_TESTS_CONTRACT_METADATA_STORE_HARNESS_H_
#define SHEAF_TESTS_CONTRACT_METADATA_STORE_HARNESS_H_

#include <chrono>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sheaf/metadata_store.h"

namespace sheaf::testing {

using StoreClock = std::function<std::chrono::system_clock::time_point()>;

class MetadataStoreHarness {
 public:
  virtual ~MetadataStoreHarness() = default;  // drops the test's database
  // "" when the backend can run here; otherwise why not (the test is skipped, saying so).
  virtual std::string SkipReason() const { return ""; }
  // A new store object on the test's database, with `clock` as its time source.
  virtual Result<std::unique_ptr<MetadataStore>> Open(StoreClock clock) = 0;
  // Runs `sql` on the test's database outside any store; returns every value of every row it
  // produced, as text, joined with '|'. A failure is a test failure.
  virtual std::string Exec(const std::string& sql) = 0;
};

struct MetadataBackend {
  std::string name;
  std::function<std::unique_ptr<MetadataStoreHarness>()> make;
};
// For gtest's messages: a backend by its name.
inline void PrintTo(const MetadataBackend& backend, std::ostream* os) { *os << backend.name; }

// Shared by the contract suite and the stores' own tests: a tenant named `name` (its id), a
// sample document record (an idempotency key when given), and that record created (the record
// as stored). Failures are reported as test failures.
inline std::string NewTenant(MetadataStore& m, const std::string& name) {
  auto t = m.CreateTenant(name, "cli:test");
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? t->id : std::string();
}
inline DocumentRecord Doc(const std::string& key = "") {
  DocumentRecord d;
  d.id = NewDocumentId();
  d.idempotency_key = key;
  d.source_name = "invoice.pdf";
  d.content_type = "application/pdf";
  d.size = 1234;
  d.sha256 = std::string(64, 'a');
  d.blob_key = "tenants/t/documents/" + d.id + "/original";
  d.metadata_json = R"({"po":"4711"})";
  return d;
}
inline DocumentRecord Create(MetadataStore& m, const std::string& tenant, DocumentRecord d) {
  auto r = m.CreateDocument(tenant, d, 0, "key:test");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return d;
  EXPECT_TRUE(r->created);
  return r->document;
}

// Every entry of every audit chain (chains by tenant, each in seq order).
inline std::vector<AuditEntry> AllAudit(MetadataStore& m) {
  std::vector<AuditEntry> all;
  auto heads = m.ListAuditHeads();
  EXPECT_TRUE(heads.ok()) << heads.status().ToString();
  if (!heads.ok()) return all;
  for (const AuditChainHead& h : *heads) {
    auto chain = m.ListAudit(h.tenant_id, 0, 1000);
    EXPECT_TRUE(chain.ok()) << chain.status().ToString();
    if (chain.ok()) all.insert(all.end(), chain->begin(), chain->end());
  }
  return all;
}

std::unique_ptr<MetadataStoreHarness> MakeSqliteHarness();
// Needs SHEAF_TEST_POSTGRES (a libpq URI); skips naming the variable when it is unset. With
// `replica`, the store routes its replica-safe reads through a second pool (to the same
// server, so the suite's read-your-writes expectations still hold).
std::unique_ptr<MetadataStoreHarness> MakePostgresHarness(bool replica);

}  // namespace sheaf::testing

#endif  // SHEAF_TESTS_CONTRACT_METADATA_STORE_HARNESS_H_
