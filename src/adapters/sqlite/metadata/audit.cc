// SPDX-License-Identifier: GPL-3.0-or-later
// SqliteMetadataStore: the audit log.
#include <algorithm>
#include <utility>

#include "adapters/sqlite/metadata/rows.h"
#include "metadata/audit_chain.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::sqlite_meta;

}  // namespace

Result<std::int64_t> SqliteMetadataStore::AppendAudit(const AuditInput& entry) {
  Result<AuditInput> in = PrepareAudit(entry);
  if (!in.ok()) return in.status();
  std::int64_t seq = 0;
  Status s = Write([&](Conn& c) { return AppendAuditEntry(c, NowMs(), *in, &seq); });
  if (!s.ok()) return s;
  return seq;
}

Result<std::vector<AuditEntry>> SqliteMetadataStore::ListAudit(const std::string& tenant_id,
                                                               std::int64_t after_seq,
                                                               int limit) {
  Status s = CheckLimit(limit);
  if (!s.ok()) return s;
  std::vector<AuditEntry> entries;
  s = Read([&](Conn& c) {
    entries.clear();
    Run run(c.S(kAuditAfter));
    run.Text(1, tenant_id).Int(2, after_seq).Int(3, limit);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) entries.push_back(ReadAudit(run));
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot read the audit log");
  });
  if (!s.ok()) return s;
  return entries;
}

Result<std::vector<AuditChainHead>> SqliteMetadataStore::ListAuditHeads() {
  std::vector<AuditChainHead> heads;
  Status s = Read([&](Conn& c) {
    heads.clear();
    Run run(c.S(kAuditHeads));
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      heads.push_back({run.ColumnText(0), run.ColumnInt(1), run.ColumnText(2)});
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot read the audit chains' heads");
  });
  if (!s.ok()) return s;
  return heads;
}

Result<AuditVerification> SqliteMetadataStore::VerifyAudit() {
  AuditVerification v;
  Status s = Read([&](Conn& c) {
    AuditBase base;
    {
      Run run(c.S(kAuditBase));
      const int rc = run.Step();
      if (rc == SQLITE_DONE) {
        return Status(ErrorCode::kIoError, c.path() + ": the audit log's base row is missing");
      }
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot read the audit log's base");
      base = {run.ColumnInt(0), run.ColumnText(1)};
    }
    AuditLogVerifier verifier(base);
    bool going = true;
    for (const char* sql : {kAuditShared, kAuditChains}) {
      Run run(c.S(sql));
      run.Int(1, base.seq);
      int rc = SQLITE_DONE;
      while (going && (rc = run.Step()) == SQLITE_ROW) {
        const AuditEntry e = ReadAudit(run);
        going = sql == kAuditShared ? verifier.AddShared(e) : verifier.Add(e);
      }
      if (going && rc != SQLITE_DONE) return c.Error(rc, "cannot read the audit log");
    }
    v = verifier.Result();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return v;
}

}  // namespace sheaf
