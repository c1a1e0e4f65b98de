// SPDX-License-Identifier: GPL-3.0-or-later
//
// The sender-memory part of the MetadataStore contract (PutSenderMemory, ListSenderMemory in
// sheaf/metadata_store.h), run against every backend like metadata_store_contract_test.cc:
// SQLite always, PostgreSQL when SHEAF_TEST_POSTGRES names a server (skipped otherwise).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "contract/metadata_store_harness.h"

namespace sheaf {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;
using testing::Create;
using testing::Doc;
using testing::MetadataBackend;
using testing::NewTenant;

constexpr std::int64_t kStart = 1'700'000'000'000;

class SenderMemoryContract : public ::testing::TestWithParam<MetadataBackend> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    if (const std::string why = harness_->SkipReason(); !why.empty()) GTEST_SKIP() << why;
  }
  void TearDown() override {
    store_.reset();
    harness_.reset();
  }
  MetadataStore& Open() {
    store_.reset();
    auto s = harness_->Open([this] {
      return system_clock::time_point(std::chrono::duration_cast<system_clock::duration>(
          milliseconds(now_ms_.load())));
    });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) std::abort();
    store_ = std::move(s).value();
    return *store_;
  }

  std::unique_ptr<testing::MetadataStoreHarness> harness_;
  std::unique_ptr<MetadataStore> store_;
  std::atomic<std::int64_t> now_ms_{kStart};
};

SenderFieldMemory Memory(const std::string& sender, const std::string& field,
                         const std::string& json, const std::string& document_id = "") {
  SenderFieldMemory m;
  m.sender = sender;
  m.field = field;
  m.memory_json = json;
  m.document_id = document_id;
  return m;
}

TEST_P(SenderMemoryContract, WhatIsPutIsListedByFieldAndAnotherSenderSeesNothing) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const DocumentRecord d = Create(m, a, Doc());
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("vat:DE1", "total", R"({"label":"Summe"})", d.id),
                                "key:k")
                  .ok());
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("vat:DE1", "date", R"({"label":"Datum"})"), "key:k")
                  .ok());
  auto got = m.ListSenderMemory(a, "vat:DE1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].field, "date");
  EXPECT_EQ((*got)[1].field, "total");
  EXPECT_EQ((*got)[1].memory_json, R"({"label":"Summe"})");
  EXPECT_EQ((*got)[1].document_id, d.id);
  EXPECT_EQ((*got)[1].updated_at, kStart);
  EXPECT_EQ((*got)[1].sender, "vat:DE1");
  auto other = m.ListSenderMemory(a, "vat:DE2");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TEST_P(SenderMemoryContract, ALaterLearningReplacesTheEarlierOneAndSurvivesReopening) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("iban:X", "total", R"({"v":1})"), "key:k").ok());
  now_ms_ += 1000;
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("iban:X", "total", R"({"v":2})"), "key:k").ok());
  MetadataStore& again = Open();
  auto got = again.ListSenderMemory(a, "iban:X");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0].memory_json, R"({"v":2})");
  EXPECT_EQ((*got)[0].updated_at, kStart + 1000);
}

TEST_P(SenderMemoryContract, TenantsNeverSeeEachOthersMemoryOfTheSameSender) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const std::string b = NewTenant(m, "b");
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("vat:DE1", "total", R"({"t":"a"})"), "key:a").ok());
  auto of_b = m.ListSenderMemory(b, "vat:DE1");
  ASSERT_TRUE(of_b.ok());
  EXPECT_TRUE(of_b->empty());
  ASSERT_TRUE(m.PutSenderMemory(b, Memory("vat:DE1", "total", R"({"t":"b"})"), "key:b").ok());
  EXPECT_EQ((*m.ListSenderMemory(a, "vat:DE1"))[0].memory_json, R"({"t":"a"})");
  EXPECT_EQ((*m.ListSenderMemory(b, "vat:DE1"))[0].memory_json, R"({"t":"b"})");
}

TEST_P(SenderMemoryContract, SendersAreListedByPrefixOncePerSenderAndPerTenant) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a"), b = NewTenant(m, "b");
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("name:sanyo shop", "total", "{}"), "key:a").ok());
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("name:sanyo shop", "date", "{}"), "key:a").ok());
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("name:aeon", "total", "{}"), "key:a").ok());
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("vat:DE1", "total", "{}"), "key:a").ok());
  ASSERT_TRUE(m.PutSenderMemory(b, Memory("name:bens cafe", "total", "{}"), "key:b").ok());
  auto names = m.ListSenders(a, "name:");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(*names, (std::vector<std::string>{"name:aeon", "name:sanyo shop"}));
  EXPECT_EQ(*m.ListSenders(a, ""),
            (std::vector<std::string>{"name:aeon", "name:sanyo shop", "vat:DE1"}));
  EXPECT_EQ(*m.ListSenders(b, "name:"), (std::vector<std::string>{"name:bens cafe"}));
  EXPECT_TRUE(m.ListSenders(b, "vat:")->empty());
}

TEST_P(SenderMemoryContract, EachLearningIsAuditedWithoutTheLearnedValues) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  const DocumentRecord d = Create(m, a, Doc());
  ASSERT_TRUE(m.PutSenderMemory(a, Memory("name:acme", "total", R"({"secret_value":"9.99"})",
                                          d.id),
                                "key:k")
                  .ok());
  auto log = m.ListAudit(a, 0, 100);
  ASSERT_TRUE(log.ok());
  ASSERT_FALSE(log->empty());
  const AuditEntry& last = log->back();
  EXPECT_EQ(last.action, "sender.learned");
  EXPECT_EQ(last.actor, "key:k");
  EXPECT_EQ(last.document_id, d.id);
  EXPECT_NE(last.details_json.find("name:acme"), std::string::npos);
  EXPECT_EQ(last.details_json.find("9.99"), std::string::npos);
  auto verified = m.VerifyAudit();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact) << verified->reason;
}

TEST_P(SenderMemoryContract, BadInputAndUnknownTenantsAreRefusedAndChangeNothing) {
  MetadataStore& m = Open();
  const std::string a = NewTenant(m, "a");
  EXPECT_EQ(m.PutSenderMemory(a, Memory("", "total", "{}"), "key:k").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.PutSenderMemory(a, Memory(std::string(257, 's'), "total", "{}"), "key:k").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.PutSenderMemory(a, Memory("s", "", "{}"), "key:k").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.PutSenderMemory(a, Memory("s", "total", "[1]"), "key:k").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.PutSenderMemory(a, Memory("s", "total", "{not json"), "key:k").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.PutSenderMemory(a, Memory("s", "total", "{}"), "").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(m.PutSenderMemory("0123456789abcdef", Memory("s", "total", "{}"), "key:k").code(),
            ErrorCode::kNotFound);
  EXPECT_TRUE(m.ListSenderMemory(a, "s")->empty());
  EXPECT_TRUE(m.ListSenderMemory("0123456789abcdef", "s")->empty());
}

INSTANTIATE_TEST_SUITE_P(
    Backends, SenderMemoryContract,
    ::testing::Values(MetadataBackend{"sqlite", testing::MakeSqliteHarness},
                      MetadataBackend{"postgres", [] { return testing::MakePostgresHarness(false); }},
                      MetadataBackend{"postgres_with_replica",
                                      [] { return testing::MakePostgresHarness(true); }}),
    [](const ::testing::TestParamInfo<MetadataBackend>& backend) { return backend.param.name; });

}  // namespace
}  // namespace sheaf
