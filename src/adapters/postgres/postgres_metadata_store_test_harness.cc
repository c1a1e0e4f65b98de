// SPDX-License-Identifier: GPL-3.0-or-later
// The PostgreSQL backend of the MetadataStore contract suite: the server SHEAF_TEST_POSTGRES
// names, one fresh schema per test (dropped at its end), so tests share one server.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>

#include "adapters/postgres/postgres_metadata_store.h"
#include "contract/metadata_store_harness.h"
#include "metadata/keys.h"

namespace sheaf::testing {

namespace {

class PostgresHarness final : public MetadataStoreHarness {
 public:
  explicit PostgresHarness(bool replica) : replica_(replica) {
    const char* url = std::getenv("SHEAF_TEST_POSTGRES");
    if (url == nullptr || url[0] == '\0') {
      skip_ =
          "SHEAF_TEST_POSTGRES is not set (a libpq URI of a PostgreSQL test server, e.g. "
          "postgres://sheaf@127.0.0.1:15432/sheaf)";
      return;
    }
    url_ = url;
    schema_ = "t_" + metadata::RandomHex(8);
    admin_ = PQconnectdb(url_.c_str());
    if (PQstatus(admin_) != CONNECTION_OK) {
      ADD_FAILURE() << "cannot connect to SHEAF_TEST_POSTGRES: " << PQerrorMessage(admin_);
      return;
    }
    // The name is "t_" and hex digits: it needs no quoting.
    Exec("CREATE SCHEMA " + schema_);
    Exec("SET search_path TO " + schema_);
  }
  ~PostgresHarness() override {
    if (admin_ != nullptr) {
      if (!schema_.empty() && PQstatus(admin_) == CONNECTION_OK) {
        Exec("DROP SCHEMA " + schema_ + " CASCADE");
      }
      PQfinish(admin_);
    }
  }
  std::string SkipReason() const override { return skip_; }

  Result<std::unique_ptr<MetadataStore>> Open(StoreClock clock) override {
    PostgresMetadataStoreOptions o;
    o.clock = std::move(clock);
    o.schema = schema_;
    o.migrate_on_open = true;
    if (replica_) o.replica = url_;
    return OpenPostgresMetadataStore(url_, std::move(o));
  }

  std::string Exec(const std::string& sql) override {
    std::string out;
    PGresult* r = PQexec(admin_, sql.c_str());
    const ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    } else {
      for (int i = 0; i < PQntuples(r); ++i) {
        for (int j = 0; j < PQnfields(r); ++j) {
          if (!out.empty()) out += '|';
          out += PQgetvalue(r, i, j);
        }
      }
    }
    PQclear(r);
    return out;
  }

  const std::string& url() const { return url_; }
  const std::string& schema() const { return schema_; }

 private:
  const bool replica_;
  std::string skip_;
  std::string url_;
  std::string schema_;
  PGconn* admin_ = nullptr;
};

}  // namespace

std::unique_ptr<MetadataStoreHarness> MakePostgresHarness(bool replica) {
  return std::make_unique<PostgresHarness>(replica);
}

}  // namespace sheaf::testing
