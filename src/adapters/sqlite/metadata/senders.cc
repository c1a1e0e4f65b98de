// SPDX-License-Identifier: GPL-3.0-or-later
// SqliteMetadataStore: sender memory (what corrections taught about each sender).
#include <utility>

#include "adapters/sqlite/metadata/rows.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::sqlite_meta;

}  // namespace

Status SqliteMetadataStore::PutSenderMemory(const std::string& tenant_id,
                                            const SenderFieldMemory& memory,
                                            const std::string& actor) {
  Result<std::string> details = PrepareSenderMemory(memory, actor);
  if (!details.ok()) return details.status();
  return Write([&](Conn& c) {
    {
      Run run(c.S(kTenantById));
      run.Text(1, tenant_id);
      const int rc = run.Step();
      if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    }
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kPutSenderMemory));
      run.Text(1, tenant_id)
          .Text(2, memory.sender)
          .Text(3, memory.field)
          .Text(4, memory.memory_json)
          .Text(5, memory.document_id)
          .Int(6, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot store sender memory");
    }
    return AppendAuditEntry(c, now,
                            {actor, "sender.learned", tenant_id, memory.document_id, *details},
                            nullptr);
  });
}

Result<std::vector<SenderFieldMemory>> SqliteMetadataStore::ListSenderMemory(
    const std::string& tenant_id, const std::string& sender) {
  std::vector<SenderFieldMemory> out;
  Status s = Read([&](Conn& c) {
    out.clear();
    Run run(c.S(kSenderMemory));
    run.Text(1, tenant_id).Text(2, sender);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      out.push_back(SenderFieldMemory{run.ColumnText(0), run.ColumnText(1), run.ColumnText(2),
                                      run.ColumnText(3), run.ColumnInt(4)});
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot read sender memory");
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<std::string>> SqliteMetadataStore::ListSenders(const std::string& tenant_id,
                                                                  const std::string& prefix) {
  std::vector<std::string> out;
  Status s = Read([&](Conn& c) {
    out.clear();
    Run run(c.S(kSenders));
    run.Text(1, tenant_id).Text(2, prefix).Int(3, kMaxListedSenders);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) out.push_back(run.ColumnText(0));
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list senders");
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace sheaf
