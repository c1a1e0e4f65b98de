// SPDX-License-Identifier: GPL-3.0-or-later
// PostgresMetadataStore: the audit log.
#include <algorithm>
#include <utility>

#include "adapters/postgres/metadata/rows.h"
#include "adapters/postgres/postgres_metadata_store.h"
#include "metadata/audit_chain.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::pg;

// Audit entries read per statement by VerifyAudit: bounds its memory, not the log's size.
constexpr int kVerifyBatch = 10000;

constexpr char kAuditAfter[] =
    "SELECT " SHEAF_AUDIT_COLUMNS " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";

}  // namespace

Result<std::int64_t> PostgresMetadataStore::AppendAudit(const AuditInput& entry) {
  Result<AuditInput> in = PrepareAudit(entry);
  if (!in.ok()) return in.status();
  std::int64_t seq = 0;
  Status s = Write([&](Conn& c) {
    AuditHead head;
    Status e = LockAuditHead(c, &head);
    if (!e.ok()) return e;
    return AppendAuditEntry(c, head, NowMs(), *in, &seq);
  });
  if (!s.ok()) return s;
  return seq;
}

// Replica-safe: reading the log may lag; VerifyAudit (the anchor) reads the primary.
Result<std::vector<AuditEntry>> PostgresMetadataStore::ListAudit(std::int64_t after_seq,
                                                                 int limit) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  std::vector<AuditEntry> entries;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kAuditAfter, Params().Int(after_seq).Int(limit), &r);
    if (!e.ok()) return e;
    entries.clear();
    for (int i = 0; i < r.size(); ++i) entries.push_back(ReadAudit(r, i));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return entries;
}

// Not replica-safe: the head hash it returns is an anchor; it must be the primary's.
Result<AuditVerification> PostgresMetadataStore::VerifyAudit() {
  AuditVerification v;
  Status s = Read(false, [&](Conn& c) {
    // In batches (bounded memory). Entries appended meanwhile extend the chain; they are
    // checked too, like any other.
    AuditVerifier verifier;
    std::int64_t after = 0;
    for (;;) {
      Rows r;
      Status e = c.Exec(kAuditAfter, Params().Int(after).Int(kVerifyBatch), &r);
      if (!e.ok()) return e;
      bool intact = true;
      for (int i = 0; i < r.size() && intact; ++i) intact = verifier.Add(ReadAudit(r, i));
      if (!intact || r.size() < kVerifyBatch) break;
      after = r.Int(r.size() - 1, 0);
    }
    v = verifier.Result();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return v;
}

}  // namespace sheaf
