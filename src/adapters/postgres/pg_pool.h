// SPDX-License-Identifier: GPL-3.0-or-later
//
// libpq, wrapped for the PostgreSQL adapters: a connection that runs parameterised statements
// (PQexecParams - values are never spliced into SQL text) and maps failures to Status, and a
// bounded pool of such connections.
//
// Errors: a lost connection (SQLSTATE class 08, PQstatus bad), a server shutting down (57P*),
// lack of resources (53*), a lock or statement timeout (55P03, 57014) and a serialization
// failure or deadlock (40001, 40P01) are unavailable - retry; a value the server refuses (class
// 22: text that is not UTF-8, ...) and a text parameter holding a NUL byte (which libpq would
// silently cut short) are invalid_argument; anything else is io_error. The
// SQLSTATE and constraint of the last failure stay readable so a caller can map a constraint
// violation to its contract's code.
//
// Secrets: a conninfo must not hold a password (Open refuses one): libpq takes it from
// PGPASSWORD or its passfile. Messages name the server by Describe(conninfo) - host, port,
// database and user - never by the conninfo itself.
#ifndef SHEAF_ADAPTERS_POSTGRES_PG_POOL_H_
#define SHEAF_ADAPTERS_POSTGRES_PG_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sheaf/status.h"

struct pg_conn;
struct pg_result;

namespace sheaf::pg {

// "host=... port=... dbname=... user=..." of a conninfo (URI or key=value), without any other
// parameter; "(unparseable conninfo)" when libpq cannot parse it.
std::string Describe(const std::string& conninfo);

// invalid_argument when `conninfo` does not parse or holds a password.
Status CheckConninfo(const std::string& conninfo);

// Statement parameters, in order ($1, $2, ...). Text parameters are sent as text, Bytes as
// binary (bytea), Null as SQL NULL.
class Params {
 public:
  Params& Text(std::string_view v);
  Params& Int(std::int64_t v);
  Params& Bool(bool v);
  Params& Bytes(std::string_view v);
  Params& Null();
  Params& OptText(const std::optional<std::string>& v) { return v ? Text(*v) : Null(); }
  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class Conn;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
};

// The rows of one statement (owns the PGresult). Columns are read as text (libpq's default).
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* r);
  ~Rows();
  Rows(Rows&& o) noexcept;
  Rows& operator=(Rows&& o) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  bool IsNull(int row, int col) const;
  std::string Text(int row, int col) const;
  std::int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const;
  std::string Bytes(int row, int col) const;  // a bytea column
  std::int64_t affected() const;              // rows an INSERT/UPDATE/DELETE changed

 private:
  pg_result* r_ = nullptr;
};

// One connection. Used by one thread at a time (the pool hands it out).
class Conn {
 public:
  // Connects to `conninfo` and sets search_path to `schema` ("" = the server's default).
  // `where` names the server in messages (Describe of the conninfo).
  static Result<std::unique_ptr<Conn>> Connect(const std::string& conninfo,
                                               const std::string& schema, std::string where);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs one statement with parameters; *out (may be null) gets its rows.
  Status Exec(const char* sql, const Params& params, Rows* out = nullptr);
  Status Exec(const char* sql, Rows* out = nullptr) { return Exec(sql, Params(), out); }
  // Runs a script of several statements without parameters (migrations).
  Status ExecScript(const std::string& sql);

  // The SQLSTATE and constraint name of the last failed statement ("" after a success).
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& constraint() const { return constraint_; }
  // True iff the last failure is worth retrying the whole transaction for: a serialization
  // failure or a deadlock.
  bool Retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
  // True iff the connection is lost (the server ended it, the network failed).
  bool Broken() const;
  // True iff the connection works and is outside any transaction.
  bool Healthy() const;
  // Tries to bring a broken connection back (PQreset) and restores search_path.
  bool Reset();
  const std::string& where() const { return where_; }

 private:
  Conn(pg_conn* pg, std::string schema, std::string where);
  Status SetSearchPath();
  Status Fail(pg_result* r, std::string_view what);

  pg_conn* pg_;
  const std::string schema_;
  const std::string where_;
  std::string sqlstate_;
  std::string constraint_;
};

// A bounded pool: at most `size` connections, made when first needed. Acquire waits up to
// `checkout_timeout` for one to be free (unavailable after that); a connection given back
// broken, or in a transaction that cannot be rolled back, is closed and replaced by a new one
// on a later Acquire.
class Pool {
 public:
  Pool(std::string conninfo, std::string schema, int size,
       std::chrono::milliseconds checkout_timeout);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Conn> conn) : pool_(pool), conn_(std::move(conn)) {}
    ~Lease();
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Conn> conn_;
  };

  Result<Lease> Acquire();
  const std::string& where() const { return where_; }

 private:
  void Release(std::unique_ptr<Conn> conn);

  const std::string conninfo_;
  const std::string schema_;
  const std::string where_;
  const int size_;
  const std::chrono::milliseconds checkout_timeout_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                             // GUARDED_BY(mu_): idle + leased
};

}  // namespace sheaf::pg

#endif  // SHEAF_ADAPTERS_POSTGRES_PG_POOL_H_
