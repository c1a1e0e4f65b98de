// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/postgres/postgres_metadata_store.h"

#include <exception>
#include <utility>

#include "adapters/postgres/migrations.h"
#include "adapters/postgres/pg_pool.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;
using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using pg::Conn;
using pg::Params;
using pg::Rows;

}  // namespace

// ---------------------------------------------------------------------------------------------
// Opening, transactions.

Result<std::unique_ptr<PostgresMetadataStore>> PostgresMetadataStore::Open(
    const std::string& conninfo, PostgresMetadataStoreOptions options) {
  if (options.pool_size < 1) return Invalid("pool_size must be at least 1");
  if (options.max_retries < 0) return Invalid("max_retries must not be negative");
  if (options.checkout_timeout.count() < 0) return Invalid("checkout_timeout must not be negative");
  if (Status s = pg::CheckSchemaName(options.schema); !s.ok()) return s;
  if (Status s = pg::CheckConninfo(conninfo); !s.ok()) return s;
  if (!options.replica.empty()) {
    if (Status s = pg::CheckConninfo(options.replica); !s.ok()) return s;
  }
  if (options.migrate_on_open) {
    Result<pg::MigrationReport> migrated = pg::Migrate(conninfo, options.schema);
    if (!migrated.ok()) return migrated.status();
  }
  auto primary = std::make_unique<pg::Pool>(conninfo, options.schema, options.pool_size,
                                            options.checkout_timeout);
  {
    Result<pg::Pool::Lease> lease = primary->Acquire();
    if (!lease.ok()) return lease.status();
    Result<int> version = pg::SchemaVersion(**lease);
    if (!version.ok()) return version.status();
    const int want = pg::LatestSchemaVersion();
    if (*version < want) {
      return Status(ErrorCode::kIoError,
                    primary->where() + (options.schema.empty() ? "" : " schema " + options.schema) +
                        ": the metadata schema is at version " + std::to_string(*version) +
                        ", this Sheaf needs version " + std::to_string(want) +
                        ": run `sheaf migrate`");
    }
    if (*version > want) {
      return Status(ErrorCode::kIoError, primary->where() + ": metadata schema version " +
                                             std::to_string(*version) +
                                             " is newer than this Sheaf supports (" +
                                             std::to_string(want) + ")");
    }
  }
  std::unique_ptr<pg::Pool> replica;
  if (!options.replica.empty()) {
    replica = std::make_unique<pg::Pool>(options.replica, options.schema, options.pool_size,
                                         options.checkout_timeout);
  }
  return std::unique_ptr<PostgresMetadataStore>(
      new PostgresMetadataStore(std::move(primary), std::move(replica), std::move(options)));
}

PostgresMetadataStore::PostgresMetadataStore(std::unique_ptr<pg::Pool> primary,
                                             std::unique_ptr<pg::Pool> replica,
                                             PostgresMetadataStoreOptions options)
    : primary_(std::move(primary)), replica_(std::move(replica)), options_(std::move(options)) {}

PostgresMetadataStore::~PostgresMetadataStore() = default;

std::int64_t PostgresMetadataStore::NowMs() const {
  const system_clock::time_point now = options_.clock ? options_.clock() : system_clock::now();
  return std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
}

Status PostgresMetadataStore::Write(const std::function<Status(Conn&)>& run) {
  Status last;
  for (int attempt = 0; attempt <= options_.max_retries; ++attempt) {
    Result<pg::Pool::Lease> lease = primary_->Acquire();
    if (!lease.ok()) return lease.status();
    Conn& c = **lease;
    Status s = c.Exec("BEGIN");
    if (!s.ok()) {
      // Nothing was done yet: a connection that died while idle is reset and the call retried.
      if (c.Broken() && c.Reset()) {
        last = s;
        continue;
      }
      return s;
    }
    try {
      s = run(c);
    } catch (const std::exception& e) {
      s = Status(ErrorCode::kInternal, std::string("metadata operation threw: ") + e.what());
    }
    if (s.ok()) s = c.Exec("COMMIT");
    if (s.ok()) return s;
    // The transaction failed (or its COMMIT did): nothing of it stays. A statement's failure
    // ends `run` at once, so the last SQLSTATE is the one that failed it.
    const bool retry = c.Retryable();
    c.Exec("ROLLBACK");
    if (!retry) return s;
    last = s;
  }
  return Status(ErrorCode::kUnavailable,
                last.message() + " (still failing after " + std::to_string(options_.max_retries) +
                    " retries)");
}

Status PostgresMetadataStore::Read(bool replica_safe, const std::function<Status(Conn&)>& run) {
  pg::Pool& pool = replica_safe && replica_ != nullptr ? *replica_ : *primary_;
  Status s;
  for (int attempt = 0; attempt < 2; ++attempt) {
    Result<pg::Pool::Lease> lease = pool.Acquire();
    if (!lease.ok()) return lease.status();
    Conn& c = **lease;
    try {
      s = run(c);
    } catch (const std::exception& e) {
      return Status(ErrorCode::kInternal, std::string("metadata read threw: ") + e.what());
    }
    // A read changes nothing: one found dead is read again on a fresh connection.
    if (s.ok() || !c.Broken() || !c.Reset()) return s;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// URLs.

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return Invalid("bad percent-encoding in a PostgreSQL URL parameter");
    const int hi = HexValue(s[i + 1]);
    const int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return Invalid("bad percent-encoding in a PostgreSQL URL parameter");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

Result<PostgresUrl> ParsePostgresUrl(const std::string& url) {
  PostgresUrl out;
  const std::size_t q = url.find('?');
  if (q == std::string::npos) {
    out.conninfo = url;
    return out;
  }
  std::string kept;
  std::string_view rest = std::string_view(url).substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view param = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const std::size_t eq = param.find('=');
    const std::string_view key = param.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    if (key == "schema" || key == "replica") {
      Result<std::string> decoded = PercentDecode(value);
      if (!decoded.ok()) return decoded.status();
      (key == "schema" ? out.schema : out.replica) = *decoded;
      continue;
    }
    if (!kept.empty()) kept += '&';
    kept += param;
  }
  out.conninfo = url.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  return out;
}

Result<std::unique_ptr<MetadataStore>> OpenPostgresMetadataStore(
    const std::string& url, PostgresMetadataStoreOptions options) {
  Result<PostgresUrl> parsed = ParsePostgresUrl(url);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->schema.empty()) options.schema = parsed->schema;
  if (!parsed->replica.empty()) options.replica = parsed->replica;
  Result<std::unique_ptr<PostgresMetadataStore>> store =
      PostgresMetadataStore::Open(parsed->conninfo, std::move(options));
  if (!store.ok()) return store.status();
  return std::unique_ptr<MetadataStore>(std::move(store).value());
}

}  // namespace sheaf
