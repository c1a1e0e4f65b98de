// SPDX-License-Identifier: GPL-3.0-or-later
//
// The MetadataStore contract's fixture (sheaf/metadata_store.h), shared by the contract's files
// (tests/contract/metadata_store_*contract_test.cc): one suite, MetadataStoreContract, run against
// every backend - SQLite always, PostgreSQL when SHEAF_TEST_POSTGRES names a server (skipped,
// naming the variable, otherwise), once with every read on the primary and once with a replica
// pool. The suite is instantiated once, in metadata_store_contract_test.cc. Each test gets a
// private database (a temp file; a fresh schema) and a fake clock. Tests that hold for one
// backend only sit beside it (src/adapters/<x>/*_test.cc).
#ifndef SHEAF_TESTS_CONTRACT_METADATA_STORE_CONTRACT_H_
#define SHEAF_TESTS_CONTRACT_METADATA_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "contract/metadata_store_harness.h"

// The contract's files say `using namespace metadata_contract;` for the fixture and these.
namespace sheaf::metadata_contract {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::system_clock;
using testing::Create;
using testing::Doc;
using testing::MetadataBackend;
using testing::NewTenant;

constexpr std::int64_t kStart = 1'700'000'000'000;  // the fake clock's first reading, in ms

class MetadataStoreContract : public ::testing::TestWithParam<MetadataBackend> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    if (const std::string why = harness_->SkipReason(); !why.empty()) GTEST_SKIP() << why;
  }
  void TearDown() override {
    store_.reset();
    harness_.reset();
  }

  // A new store object on this test's database: another process, as far as the store knows.
  std::unique_ptr<MetadataStore> OpenAnother() {
    auto s = harness_->Open([this] { return Now(); });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) std::abort();
    return std::move(s).value();
  }
  MetadataStore& Open() {
    store_.reset();
    store_ = OpenAnother();
    return *store_;
  }
  std::string Exec(const std::string& sql) { return harness_->Exec(sql); }

  system_clock::time_point Now() const {
    return system_clock::time_point(
        std::chrono::duration_cast<system_clock::duration>(milliseconds(now_ms_.load())));
  }
  void Advance(milliseconds d) { now_ms_ += d.count(); }
  std::int64_t NowMsPlus(milliseconds d) const { return now_ms_.load() + d.count(); }

  // Every id of `filter` reached by following cursors from the first page.
  std::vector<std::string> AllPages(MetadataStore& m, const std::string& tenant,
                                    DocumentFilter filter) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = m.ListDocuments(tenant, filter);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      EXPECT_LE(page->documents.size(), static_cast<std::size_t>(filter.limit));
      for (const DocumentRecord& d : page->documents) {
        EXPECT_TRUE(d.result_json.empty());  // listings leave results out
        ids.push_back(d.id);
      }
      if (page->next_cursor.empty()) break;
      filter.cursor = page->next_cursor;
    }
    return ids;
  }

  std::unique_ptr<testing::MetadataStoreHarness> harness_;
  std::atomic<std::int64_t> now_ms_{kStart};
  std::unique_ptr<MetadataStore> store_;
};

}  // namespace sheaf::metadata_contract

#endif  // SHEAF_TESTS_CONTRACT_METADATA_STORE_CONTRACT_H_
