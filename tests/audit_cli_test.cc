// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf audit verify --clickhouse` through the real binary, against the real ClickHouse named
// by SHEAF_TEST_CLICKHOUSE (skipped when it is unset), in a database of its own.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "adapters/clickhouse/clickhouse_audit_sink.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "fixtures.h"
#include "service/audit_shipper.h"

namespace sheaf {
namespace {

using testing::RunResult;
using testing::RunSheaf;

class AuditCliClickHouse : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* endpoint = std::getenv("SHEAF_TEST_CLICKHOUSE");
    if (endpoint == nullptr || *endpoint == '\0') {
      GTEST_SKIP() << "SHEAF_TEST_CLICKHOUSE is not set (e.g. http://127.0.0.1:18123)";
    }
    const std::string http = "http://";
    ASSERT_EQ(std::string(endpoint).rfind(http, 0), 0u) << "SHEAF_TEST_CLICKHOUSE: " << endpoint;
    std::random_device rd;
    char name[32];
    std::snprintf(name, sizeof(name), "t_%08x%08x", rd(), rd());
    options_.endpoint = endpoint;
    options_.database = name;
    if (const char* user = std::getenv("CLICKHOUSE_USER")) options_.user = user;
    if (const char* password = std::getenv("CLICKHOUSE_PASSWORD")) options_.password = password;
    Result<std::string> created = clickhouse::Execute(options_, "CREATE DATABASE " + options_.database);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    created_ = true;
    url_ = "clickhouse+http://" + std::string(endpoint).substr(http.size()) + "/" + name;
    if (url_.back() == '/') url_.pop_back();
    data_ = testing::TempDir() + "/data";
  }

  void TearDown() override {
    if (created_) {
      Result<std::string> r = clickhouse::Execute(options_, "DROP DATABASE IF EXISTS " + options_.database);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  RunResult Run(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(data_);
    return RunSheaf(args);
  }

  // Ships the data dir's audit log to this test's database, as `sheaf serve --audit` would.
  void Ship() {
    auto store = OpenSqliteMetadataStore(data_ + "/metadata.sqlite");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto sink = clickhouse::OpenClickHouseAuditSink(options_);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    AuditShipper shipper({store->get(), sink->get()}, AuditShipperOptions{});
    for (int i = 0; i < 100; ++i) {
      Result<int> n = shipper.RunOnce();
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      if (*n == 0) break;
    }
    ASSERT_EQ(shipper.backlog(), 0);
  }

  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data_ + "/metadata.sqlite").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  clickhouse::ClickHouseOptions options_;
  bool created_ = false;
  std::string url_;
  std::string data_;
};

TEST_F(AuditCliClickHouse, VerifyChecksTheCopyAndCatchesEntriesRemovedFromTheStoresEnd) {
  ASSERT_EQ(Run({"tenant", "create", "acme"}).exit_code, 0);
  ASSERT_EQ(Run({"key", "create", "--tenant", "acme"}).exit_code, 0);
  Ship();
  ASSERT_EQ(Run({"tenant", "set-webhook", "acme", "https://h.example/"}).exit_code, 0);

  RunResult ok = Run({"audit", "verify", "--clickhouse", url_});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("audit log intact: 3 entries"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("intact: 2 entries"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("each head the same as the metadata store's entry"), std::string::npos)
      << ok.out;
  EXPECT_NE(ok.out.find(": head entry 2, hash "), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("not yet shipped: 1"), std::string::npos) << ok.out;

  // Cutting the store's last shipped entries leaves its own chain intact; the copy sees it.
  Sql("DELETE FROM audit_log WHERE seq >= 2");
  RunResult store_only = Run({"audit", "verify"});
  EXPECT_EQ(store_only.exit_code, 0) << store_only.out;
  RunResult cut = Run({"audit", "verify", "--clickhouse", url_});
  EXPECT_EQ(cut.exit_code, 1) << cut.out;
  EXPECT_NE(cut.out.find("DISAGREES"), std::string::npos) << cut.out;
  EXPECT_NE(cut.out.find("the metadata store does not"), std::string::npos) << cut.out;
}

TEST_F(AuditCliClickHouse, APasswordInTheUrlIsRefusedAndNeverPrinted) {
  ASSERT_EQ(Run({"tenant", "create", "acme"}).exit_code, 0);
  RunResult r = Run({"audit", "verify", "--clickhouse",
                     "clickhouse+http://sheaf:hunter2@127.0.0.1:1/" + options_.database});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("CLICKHOUSE_PASSWORD"), std::string::npos) << r.err;
  EXPECT_EQ((r.out + r.err).find("hunter2"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace sheaf
