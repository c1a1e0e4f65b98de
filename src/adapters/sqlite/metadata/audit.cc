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

Result<std::vector<AuditEntry>> SqliteMetadataStore::ListAudit(std::int64_t after_seq, int limit) {
  Status s = CheckLimit(limit);
  if (!s.ok()) return s;
  std::vector<AuditEntry> entries;
  s = Read([&](Conn& c) {
    entries.clear();
    Run run(c.S(kAuditAfter));
    run.Int(1, after_seq).Int(2, limit);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) entries.push_back(ReadAudit(run));
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot read the audit log");
  });
  if (!s.ok()) return s;
  return entries;
}

Result<AuditVerification> SqliteMetadataStore::VerifyAudit() {
  AuditVerification v;
  Status s = Read([&](Conn& c) {
    AuditVerifier verifier;
    Run run(c.S(kAuditAll));
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      if (!verifier.Add(ReadAudit(run))) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return c.Error(rc, "cannot read the audit log");
    v = verifier.Result();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return v;
}

}  // namespace sheaf
