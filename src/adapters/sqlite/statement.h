// SPDX-License-Identifier: GPL-3.0-or-later
//
// Prepared statements for the SQLite adapters (the broker and the metadata store): a statement
// finalized on destruction, and one execution of it that binds, steps, reads columns and resets
// the statement when it goes out of scope (which also ends a read's use of its snapshot).
// Thread safety: neither is; a statement belongs to one connection used by one thread at a time.
#ifndef SHEAF_ADAPTERS_SQLITE_STATEMENT_H_
#define SHEAF_ADAPTERS_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sheaf::sqlite {

class Stmt {
 public:
  Stmt() = default;
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  int Prepare(sqlite3* db, const char* sql) {
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// How bound text and blobs are held: copied by SQLite, or borrowed (the caller's bytes must then
// outlive the Run: the broker's hot path, which binds strings it holds anyway).
enum class Bind { kCopy, kBorrow };

class Run {
 public:
  explicit Run(const Stmt& stmt, Bind bind = Bind::kCopy)
      : s_(stmt.get()), lifetime_(bind == Bind::kCopy ? SQLITE_TRANSIENT : SQLITE_STATIC) {}
  ~Run() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  Run& Int(int i, std::int64_t v) {
    Note(sqlite3_bind_int64(s_, i, v));
    return *this;
  }
  Run& Text(int i, std::string_view v) {
    Note(sqlite3_bind_text64(s_, i, v.data() != nullptr ? v.data() : "", v.size(), lifetime_,
                             SQLITE_UTF8));
    return *this;
  }
  Run& Blob(int i, std::string_view v) {
    Note(sqlite3_bind_blob64(s_, i, v.data() != nullptr ? v.data() : "", v.size(), lifetime_));
    return *this;
  }
  Run& Null(int i) {
    Note(sqlite3_bind_null(s_, i));
    return *this;
  }
  // `v`, or NULL when it is unset.
  Run& OptText(int i, const std::optional<std::string>& v) {
    return v.has_value() ? Text(i, *v) : Null(i);
  }
  // Returns SQLITE_ROW, SQLITE_DONE or an error (including a failed bind).
  int Step() { return bind_rc_ != SQLITE_OK ? bind_rc_ : sqlite3_step(s_); }

  std::int64_t ColumnInt(int c) const { return sqlite3_column_int64(s_, c); }
  bool ColumnIsNull(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string ColumnText(int c) const {
    const auto* p = sqlite3_column_text(s_, c);
    return p != nullptr ? std::string(reinterpret_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
                        : std::string();
  }
  std::string ColumnBlob(int c) const {
    const void* p = sqlite3_column_blob(s_, c);
    return p != nullptr ? std::string(static_cast<const char*>(p),
                                      static_cast<std::size_t>(sqlite3_column_bytes(s_, c)))
                        : std::string();
  }

 private:
  void Note(int rc) {
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }
  sqlite3_stmt* s_;
  sqlite3_destructor_type lifetime_;
  int bind_rc_ = SQLITE_OK;
};

}  // namespace sheaf::sqlite

#endif  // SHEAF_ADAPTERS_SQLITE_STATEMENT_H_
