// SPDX-License-Identifier: GPL-3.0-or-later
//
// What the SQLite MetadataStore's parts share (internal to src/adapters/sqlite): prepared
// statements and connections, reading rows into the contract's types, and the steps several
// writes take inside the writer's transaction (the audit append above all).
#ifndef SHEAF_ADAPTERS_SQLITE_METADATA_ROWS_H_
#define SHEAF_ADAPTERS_SQLITE_METADATA_ROWS_H_

#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adapters/sqlite/metadata/statements.h"
#include "adapters/sqlite/statement.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "metadata/rules.h"

namespace sheaf::sqlite_meta {

Status StorageError(sqlite3* db, int rc, const std::string& path, std::string_view what);

// ---------------------------------------------------------------------------------------------
// Statements.

using sqlite::Bind;
using sqlite::Run;
using sqlite::Stmt;

// A connection and its prepared statements. Used by one thread at a time.
class SqlConn {
 public:
  SqlConn(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqlConn() {
    // Statements first: a connection with live statements does not close.
    stmts_.clear();
    sqlite3_close(db_);
  }
  SqlConn(const SqlConn&) = delete;
  SqlConn& operator=(const SqlConn&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* db() const { return db_; }
  Status Error(int rc, std::string_view what) const { return StorageError(db_, rc, path_, what); }
  Status Exec(const char* sql) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    return rc == SQLITE_OK ? Status::Ok() : Error(rc, sql);
  }
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }
  std::int64_t Changes() const { return sqlite3_changes64(db_); }
  std::int64_t LastRowId() const { return sqlite3_last_insert_rowid(db_); }
  int ExtendedError() const { return sqlite3_extended_errcode(db_); }

  Status PrepareAll() {
    for (const char* sql : kStatements) {
      auto stmt = std::make_unique<Stmt>();
      const int rc = stmt->Prepare(db_, sql);
      if (rc != SQLITE_OK) return Error(rc, sql);
      stmts_.emplace(sql, std::move(stmt));
    }
    return Status::Ok();
  }
  // REQUIRES: `sql` is one of kStatements (a missing one is a bug in this file).
  const Stmt& S(const char* sql) const {
    const auto it = stmts_.find(sql);
    if (it == stmts_.end()) {
      std::fprintf(stderr, "sheaf: statement not prepared: %s\n", sql);
      std::abort();
    }
    return *it->second;
  }

  // Returns the first column of a one-row PRAGMA or query, as text.
  Result<std::string> QueryText(const char* sql) {
    Stmt stmt;
    int rc = stmt.Prepare(db_, sql);
    if (rc != SQLITE_OK) return Error(rc, sql);
    Run run(stmt);
    rc = run.Step();
    if (rc != SQLITE_ROW) return Error(rc, sql);
    return run.ColumnText(0);
  }

 private:
  sqlite3* const db_;
  const std::string path_;
  std::unordered_map<const char*, std::unique_ptr<Stmt>> stmts_;
};

Status ReadDocument(const Run& run, const std::string& path, DocumentRecord* d);

Status ReadWebhook(const Run& run, const std::string& path, WebhookEvent* e);

Tenant ReadTenant(const Run& run);

ApiKeyInfo ReadKey(const Run& run);

AuditEntry ReadAudit(const Run& run);

Status ReadCorrection(const Run& run, const std::string& path, Correction* c);

// Appends an audit entry after the chain's current head, read in this transaction (so the chain
// stays linear even with other processes writing). Sets *seq to the new entry's number.
Status AppendAuditEntry(SqlConn& c, std::int64_t now, const AuditInput& in, std::int64_t* seq);

// Reads the status of the tenant's document `id`; not_found when it has none.
Status DocumentStatusOf(SqlConn& c, const std::string& tenant_id, const std::string& id,
                        ProcessingStatus* status);

// Who holds the document for review (columns `first`, `first` + 1: claimed by, until), shown
// only while the hold lasts at `now`.
void ReadReviewHold(const Run& run, int first, std::int64_t now, DocumentRecord* d);

// The status of the tenant's document `id` and its review hold; not_found when it has none.
Status ReviewHoldOf(SqlConn& c, const std::string& tenant_id, const std::string& id,
                    metadata::ReviewHold* hold);

Status InsertWebhook(SqlConn& c, const std::string& event_id, const std::string& tenant_id,
                     const std::string& document_id, const NewWebhookEvent& event,
                     std::int64_t now);

Status FindWebhook(SqlConn& c, const std::string& event_id, WebhookEvent* out);

}  // namespace sheaf::sqlite_meta

namespace sheaf {

// The store's connections: the writer's and the read pool's.
class SqliteMetadataStore::Conn : public sqlite_meta::SqlConn {
 public:
  using SqlConn::SqlConn;
};

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_SQLITE_METADATA_ROWS_H_
