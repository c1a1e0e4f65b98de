// SPDX-License-Identifier: GPL-3.0-or-later
// PostgresMetadataStore: sender memory (what corrections taught about each sender).
#include <utility>

#include "adapters/postgres/metadata/rows.h"
#include "adapters/postgres/postgres_metadata_store.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::pg;

// No row is written (affected 0) when the tenant does not exist.
constexpr char kPutSenderMemory[] =
    "INSERT INTO sender_memory (tenant, sender, field, memory, document_id, updated_at)"
    " SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM tenants WHERE id = $1)"
    " ON CONFLICT (tenant, sender, field) DO UPDATE SET memory = excluded.memory,"
    " document_id = excluded.document_id, updated_at = excluded.updated_at";
constexpr char kSenderMemory[] =
    "SELECT sender, field, memory, document_id, updated_at FROM sender_memory"
    " WHERE tenant = $1 AND sender = $2 ORDER BY field";
constexpr char kSenders[] =
    "SELECT DISTINCT sender FROM sender_memory"
    " WHERE tenant = $1 AND left(sender, length($2::text)) = $2::text ORDER BY sender"
    " LIMIT $3::bigint";

}  // namespace

Status PostgresMetadataStore::PutSenderMemory(const std::string& tenant_id,
                                              const SenderFieldMemory& memory,
                                              const std::string& actor) {
  Result<std::string> details = PrepareSenderMemory(memory, actor);
  if (!details.ok()) return details.status();
  return Write([&](Conn& c) {
    AuditHead head;
    Status e = LockAuditHead(c, tenant_id, &head);
    if (!e.ok()) return e;
    const std::int64_t now = NowMs();
    Rows r;
    e = c.Exec(kPutSenderMemory,
               Params()
                   .Text(tenant_id)
                   .Text(memory.sender)
                   .Text(memory.field)
                   .Text(memory.memory_json)
                   .Text(memory.document_id)
                   .Int(now),
               &r);
    if (!e.ok()) return e;
    if (r.affected() == 0) return TenantNotFound(tenant_id);
    return AppendAuditEntry(c, head, now,
                            {actor, "sender.learned", tenant_id, memory.document_id, *details});
  });
}

// Not replica-safe: the next document of the sender is read right after a correction.
Result<std::vector<SenderFieldMemory>> PostgresMetadataStore::ListSenderMemory(
    const std::string& tenant_id, const std::string& sender) {
  std::vector<SenderFieldMemory> out;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kSenderMemory, Params().Text(tenant_id).Text(sender), &r);
    if (!e.ok()) return e;
    out.clear();
    for (int i = 0; i < r.size(); ++i) {
      out.push_back(SenderFieldMemory{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3),
                                      r.Int(i, 4)});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

// Not replica-safe, like ListSenderMemory.
Result<std::vector<std::string>> PostgresMetadataStore::ListSenders(const std::string& tenant_id,
                                                                    const std::string& prefix) {
  std::vector<std::string> out;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kSenders, Params().Text(tenant_id).Text(prefix).Int(kMaxListedSenders), &r);
    if (!e.ok()) return e;
    out.clear();
    for (int i = 0; i < r.size(); ++i) out.push_back(r.Text(i, 0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace sheaf
