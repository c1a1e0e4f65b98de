// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/postgres/pg_pool.h"

#include <libpq-fe.h>

#include <charconv>
#include <utility>

namespace sheaf::pg {

namespace {

// The first line of a libpq message, without its trailing newline.
std::string FirstLine(const char* message) {
  std::string s = message != nullptr ? message : "";
  const std::size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s.empty() ? std::string("unknown error") : s;
}

ErrorCode CodeOf(const std::string& sqlstate) {
  const std::string_view cls = std::string_view(sqlstate).substr(0, 2);
  // Data exceptions: a value the server will not take (text that is not UTF-8, a number out
  // of range) - the caller's input, not the storage, is at fault.
  if (cls == "22") return ErrorCode::kInvalidArgument;
  if (sqlstate.empty() || cls == "08" || cls == "53" || cls == "57" || sqlstate == "40001" ||
      sqlstate == "40P01" || sqlstate == "55P03") {
    return ErrorCode::kUnavailable;
  }
  return ErrorCode::kIoError;
}

}  // namespace

std::string Describe(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  if (options == nullptr) return "(unparseable conninfo)";
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    const std::string_view key = o->keyword;
    if (o->val == nullptr || o->val[0] == '\0') continue;
    if (key == "host" || key == "hostaddr" || key == "port" || key == "dbname" || key == "user") {
      if (!out.empty()) out += ' ';
      out += std::string(key) + "=" + o->val;
    }
  }
  PQconninfoFree(options);
  return out.empty() ? std::string("(default server)") : "postgres " + out;
}

Status CheckConninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    // libpq's message quotes no values; it says what is malformed.
    std::string why = FirstLine(error);
    if (error != nullptr) PQfreemem(error);
    return Status(ErrorCode::kInvalidArgument, "PostgreSQL conninfo does not parse: " + why);
  }
  bool has_password = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr && o->val[0] != '\0') {
      has_password = true;
    }
  }
  PQconninfoFree(options);
  if (has_password) {
    return Status(ErrorCode::kInvalidArgument,
                  "the PostgreSQL conninfo " + Describe(conninfo) +
                      " holds a password; give it in PGPASSWORD or a passfile (~/.pgpass) instead");
  }
  return Status::Ok();
}

// --- Params.

Params& Params::Text(std::string_view v) {
  values_.emplace_back(std::string(v));
  formats_.push_back(0);
  return *this;
}
Params& Params::Int(std::int64_t v) { return Text(std::to_string(v)); }
Params& Params::Bool(bool v) { return Text(v ? "true" : "false"); }
Params& Params::Bytes(std::string_view v) {
  values_.emplace_back(std::string(v));
  formats_.push_back(1);
  return *this;
}
Params& Params::Null() {
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

// --- Rows.

Rows::Rows(pg_result* r) : r_(r) {}
Rows::~Rows() {
  if (r_ != nullptr) PQclear(r_);
}
Rows::Rows(Rows&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
Rows& Rows::operator=(Rows&& o) noexcept {
  if (this != &o) {
    if (r_ != nullptr) PQclear(r_);
    r_ = std::exchange(o.r_, nullptr);
  }
  return *this;
}
int Rows::size() const { return r_ != nullptr ? PQntuples(r_) : 0; }
bool Rows::IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
std::string Rows::Text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
}
std::int64_t Rows::Int(int row, int col) const {
  const char* p = PQgetvalue(r_, row, col);
  std::int64_t v = 0;
  std::from_chars(p, p + PQgetlength(r_, row, col), v);
  return v;
}
bool Rows::Bool(int row, int col) const { return PQgetvalue(r_, row, col)[0] == 't'; }
std::string Rows::Bytes(int row, int col) const {
  std::size_t n = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_, row, col)), &n);
  if (raw == nullptr) return std::string();
  std::string out(reinterpret_cast<const char*>(raw), n);
  PQfreemem(raw);
  return out;
}
std::int64_t Rows::affected() const {
  const char* p = r_ != nullptr ? PQcmdTuples(r_) : "";
  std::int64_t v = 0;
  std::from_chars(p, p + std::char_traits<char>::length(p), v);
  return v;
}

// --- Conn.

Conn::Conn(pg_conn* pg, std::string schema, std::string where)
    : pg_(pg), schema_(std::move(schema)), where_(std::move(where)) {}

Conn::~Conn() { PQfinish(pg_); }

Result<std::unique_ptr<Conn>> Conn::Connect(const std::string& conninfo, const std::string& schema,
                                            std::string where) {
  // connect_timeout first: a value in the conninfo (expanded from dbname) overrides it.
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", conninfo.c_str(), nullptr};
  pg_conn* pg = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (pg == nullptr) return Status(ErrorCode::kUnavailable, where + ": out of memory");
  std::unique_ptr<Conn> conn(new Conn(pg, schema, std::move(where)));
  if (PQstatus(pg) != CONNECTION_OK) {
    return Status(ErrorCode::kUnavailable,
                  conn->where_ + ": cannot connect: " + FirstLine(PQerrorMessage(pg)));
  }
  if (Status s = conn->SetSearchPath(); !s.ok()) return s;
  return conn;
}

Status Conn::SetSearchPath() {
  if (schema_.empty()) return Status::Ok();
  // The schema name is checked by the store's options (lower-case letters, digits, '_').
  return Exec("SELECT set_config('search_path', $1, false)", Params().Text(schema_));
}

Status Conn::Fail(pg_result* r, std::string_view what) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* constraint = r != nullptr ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  const char* primary = r != nullptr ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  // No SQLSTATE: libpq failed before the server answered (the connection is gone).
  sqlstate_ = state != nullptr ? state : (PQstatus(pg_) == CONNECTION_BAD ? "08006" : "");
  constraint_ = constraint != nullptr ? constraint : "";
  std::string message = primary != nullptr ? std::string(primary) : FirstLine(PQerrorMessage(pg_));
  if (r != nullptr) PQclear(r);
  return Status(CodeOf(sqlstate_), where_ + ": " + std::string(what) + ": " + message +
                                       (sqlstate_.empty() ? "" : " (SQLSTATE " + sqlstate_ + ")"));
}

Status Conn::Exec(const char* sql, const Params& params, Rows* out) {
  const int n = params.size();
  for (int i = 0; i < n; ++i) {
    const auto& v = params.values_[static_cast<std::size_t>(i)];
    // libpq reads a text parameter up to its first NUL: refuse it rather than cut it short.
    if (v && params.formats_[static_cast<std::size_t>(i)] == 0 &&
        v->find('\0') != std::string::npos) {
      sqlstate_.clear();
      constraint_.clear();
      return Status(ErrorCode::kInvalidArgument,
                    "a text value (parameter " + std::to_string(i + 1) +
                        ") contains a NUL byte, which PostgreSQL text cannot hold");
    }
  }
  std::vector<const char*> values(static_cast<std::size_t>(n));
  std::vector<int> lengths(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto& v = params.values_[static_cast<std::size_t>(i)];
    values[static_cast<std::size_t>(i)] = v ? v->data() : nullptr;
    lengths[static_cast<std::size_t>(i)] = v ? static_cast<int>(v->size()) : 0;
  }
  pg_result* r = PQexecParams(pg_, sql, n, nullptr, values.data(), lengths.data(),
                              params.formats_.data(), /*resultFormat=*/0);
  const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    // The statement's first words say which one failed, without any value (they are $n).
    std::string_view head(sql);
    head = head.substr(0, head.find_first_of("(\n"));
    return Fail(r, head.substr(0, 60));
  }
  sqlstate_.clear();
  constraint_.clear();
  if (out != nullptr) {
    *out = Rows(r);
  } else {
    PQclear(r);
  }
  return Status::Ok();
}

Status Conn::ExecScript(const std::string& sql) {
  pg_result* r = PQexec(pg_, sql.c_str());
  const ExecStatusType st = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Fail(r, "migration script");
  PQclear(r);
  sqlstate_.clear();
  constraint_.clear();
  return Status::Ok();
}

bool Conn::Broken() const { return PQstatus(pg_) != CONNECTION_OK; }

bool Conn::Healthy() const {
  return PQstatus(pg_) == CONNECTION_OK && PQtransactionStatus(pg_) == PQTRANS_IDLE;
}

bool Conn::Reset() {
  PQreset(pg_);
  return PQstatus(pg_) == CONNECTION_OK && SetSearchPath().ok();
}

// --- Pool.

Pool::Pool(std::string conninfo, std::string schema, int size,
           std::chrono::milliseconds checkout_timeout)
    : conninfo_(std::move(conninfo)),
      schema_(std::move(schema)),
      where_(Describe(conninfo_)),
      size_(size),
      checkout_timeout_(checkout_timeout) {}

Pool::~Pool() = default;

Pool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Release(std::move(conn_));
}

Result<Pool::Lease> Pool::Acquire() {
  const auto deadline = std::chrono::steady_clock::now() + checkout_timeout_;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (!idle_.empty()) {
      std::unique_ptr<Conn> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    if (open_ < size_) {
      ++open_;
      lock.unlock();
      Result<std::unique_ptr<Conn>> conn = Conn::Connect(conninfo_, schema_, where_);
      if (!conn.ok()) {
        lock.lock();
        --open_;
        cv_.notify_one();
        return conn.status();
      }
      return Lease(this, std::move(conn).value());
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      return Status(ErrorCode::kUnavailable,
                    where_ + ": no connection free within " +
                        std::to_string(checkout_timeout_.count()) + " ms (pool of " +
                        std::to_string(size_) + ")");
    }
  }
}

void Pool::Release(std::unique_ptr<Conn> conn) {
  // Left in a transaction (a failure mid-way): roll it back. A dead one is dropped below.
  if (!conn->Healthy()) conn->Exec("ROLLBACK");
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->Healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // closed below; a later Acquire opens a new one
  }
  cv_.notify_one();
}

}  // namespace sheaf::pg
