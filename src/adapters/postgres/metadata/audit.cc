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

constexpr char kAuditAfter[] = "SELECT " SHEAF_AUDIT_COLUMNS
                               " FROM audit_log WHERE tenant = $1 AND seq > $2"
                               " ORDER BY seq LIMIT $3";
constexpr char kAuditHeads[] = "SELECT tenant, seq, hash FROM audit_heads ORDER BY tenant";
constexpr char kAuditBase[] = "SELECT seq, hash FROM audit_base";
// VerifyAudit, in batches: the one chain kept from before per-tenant chains (seq <= base), then
// every tenant's chain, keyset on (tenant, seq).
constexpr char kAuditShared[] = "SELECT " SHEAF_AUDIT_COLUMNS
                                " FROM audit_log WHERE seq > $1 AND seq <= $2"
                                " ORDER BY seq LIMIT $3";
constexpr char kAuditChains[] = "SELECT " SHEAF_AUDIT_COLUMNS
                                " FROM audit_log WHERE seq > $1 AND (tenant, seq) > ($2, $3)"
                                " ORDER BY tenant, seq LIMIT $4";

}  // namespace

Result<std::int64_t> PostgresMetadataStore::AppendAudit(const AuditInput& entry) {
  Result<AuditInput> in = PrepareAudit(entry);
  if (!in.ok()) return in.status();
  std::int64_t seq = 0;
  Status s = Write([&](Conn& c) {
    AuditHead head;
    Status e = LockAuditHead(c, in->tenant_id, &head);
    if (!e.ok()) return e;
    return AppendAuditEntry(c, head, NowMs(), *in, &seq);
  });
  if (!s.ok()) return s;
  return seq;
}

// Replica-safe: reading the log may lag; VerifyAudit (the anchor) reads the primary.
Result<std::vector<AuditEntry>> PostgresMetadataStore::ListAudit(const std::string& tenant_id,
                                                                 std::int64_t after_seq,
                                                                 int limit) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  std::vector<AuditEntry> entries;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kAuditAfter, Params().Text(tenant_id).Int(after_seq).Int(limit), &r);
    if (!e.ok()) return e;
    entries.clear();
    for (int i = 0; i < r.size(); ++i) entries.push_back(ReadAudit(r, i));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return entries;
}

// Replica-safe: a shipper that sees heads late ships late, never wrongly.
Result<std::vector<AuditChainHead>> PostgresMetadataStore::ListAuditHeads() {
  std::vector<AuditChainHead> heads;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kAuditHeads, &r);
    if (!e.ok()) return e;
    heads.clear();
    for (int i = 0; i < r.size(); ++i) heads.push_back({r.Text(i, 0), r.Int(i, 1), r.Text(i, 2)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return heads;
}

// Not replica-safe: the heads it returns are anchors; they must be the primary's.
Result<AuditVerification> PostgresMetadataStore::VerifyAudit() {
  AuditVerification v;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kAuditBase, &r);
    if (!e.ok()) return e;
    if (r.size() != 1) return Corrupt(c, "the audit log's base row is missing");
    const AuditBase base{r.Int(0, 0), r.Text(0, 1)};
    // In batches (bounded memory). Entries appended meanwhile extend their chains; those read
    // are checked too, like any other.
    AuditLogVerifier verifier(base);
    bool intact = true;
    for (std::int64_t after = 0; intact && after < base.seq;) {
      e = c.Exec(kAuditShared, Params().Int(after).Int(base.seq).Int(kVerifyBatch), &r);
      if (!e.ok()) return e;
      for (int i = 0; i < r.size() && intact; ++i) intact = verifier.AddShared(ReadAudit(r, i));
      if (r.size() < kVerifyBatch) break;
      after = r.Int(r.size() - 1, 0);
    }
    std::string tenant;
    std::int64_t seq = -1;
    while (intact) {
      e = c.Exec(kAuditChains, Params().Int(base.seq).Text(tenant).Int(seq).Int(kVerifyBatch), &r);
      if (!e.ok()) return e;
      for (int i = 0; i < r.size() && intact; ++i) intact = verifier.Add(ReadAudit(r, i));
      if (r.size() < kVerifyBatch) break;
      tenant = r.Text(r.size() - 1, 4);
      seq = r.Int(r.size() - 1, 0);
    }
    v = verifier.Result();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return v;
}

}  // namespace sheaf
