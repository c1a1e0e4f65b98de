// SPDX-License-Identifier: GPL-3.0-or-later
// The SQLite backend of the MetadataStore contract suite: a database file in a temp dir.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "contract/metadata_store_harness.h"

namespace sheaf::testing {

namespace {

class SqliteHarness final : public MetadataStoreHarness {
 public:
  SqliteHarness() {
    std::string dir = ::testing::TempDir() + "sheaf-meta-XXXXXX";
    if (mkdtemp(dir.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir_ = dir;
  }
  ~SqliteHarness() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Result<std::unique_ptr<MetadataStore>> Open(StoreClock clock) override {
    SqliteMetadataStoreOptions o;
    o.clock = std::move(clock);
    return OpenSqliteMetadataStore(dir_ + "/metadata.db", std::move(o));
  }
  std::string Exec(const std::string& sql) override {
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open((dir_ + "/metadata.db").c_str(), &db) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open the database";
      sqlite3_close(db);
      return out;
    }
    sqlite3_busy_timeout(db, 5000);
    char* error = nullptr;
    const int rc = sqlite3_exec(
        db, sql.c_str(),
        [](void* arg, int n, char** values, char**) {
          auto* text = static_cast<std::string*>(arg);
          for (int i = 0; i < n; ++i) {
            if (!text->empty()) *text += '|';
            *text += values[i] != nullptr ? values[i] : "";
          }
          return 0;
        },
        &out, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    return out;
  }

 private:
  std::string dir_;
};

}  // namespace

std::unique_ptr<MetadataStoreHarness> MakeSqliteHarness() {
  return std::make_unique<SqliteHarness>();
}

}  // namespace sheaf::testing
