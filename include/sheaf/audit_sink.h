// SPDX-License-Identifier: GPL-3.0-or-later
//
// AuditSink: a second home for the audit log (AuditEntry in sheaf/metadata_store.h), fed by the
// AuditShipper (src/service/audit_shipper.h) from the MetadataStore, which stays the source of
// truth. The MetadataStore's audit table is the outbox; ShippedUpTo() is the cursor. Implemented
// for ClickHouse in src/adapters/clickhouse/; tests also use an in-memory sink.
//
// Contract:
// - Thread safety: every implementation is safe for concurrent use by any number of threads,
//   and any number of processes may write to the same sink at once.
// - The sink holds every tenant's chain (tenant "" is the system chain) keyed by tenant and
//   seq. Write stores a batch of one tenant's entries in ascending seq order, all of them or
//   none (a crash or error mid-call leaves either the whole batch or nothing). It is idempotent
//   per entry: writing an entry the sink already holds (same tenant and seq) changes nothing
//   that ShippedUpTo or Read show, so a batch shipped twice - a shipper that died after Write
//   and before it moved on, or two shippers at once - is stored once.
// - ShippedUpTo(tenant) returns the highest seq of the tenant's chain the sink durably holds
//   (0 when it holds none). Writers only ever write the entries of a chain that follow its
//   ShippedUpTo (or their own last batch), in order, so every entry up to it is there.
// - Read returns up to `limit` of the tenant's entries with seq > after_seq, in seq order,
//   each stored entry once. A tenant the sink holds nothing of gives none.
// - Errors: unavailable when the sink cannot be reached or timed out (retry later); io_error
//   when it answered with an error; invalid_argument for a batch that breaks the rules above, a
//   limit out of range or a tenant id that is not 0-64 of [0-9a-z_-]. No call waits longer than
//   the sink's configured timeout.
#ifndef SHEAF_AUDIT_SINK_H_
#define SHEAF_AUDIT_SINK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf {

class AuditSink {
 public:
  static constexpr int kMaxBatch = 1000;  // most entries per Write and per Read

  virtual ~AuditSink() = default;

  virtual Result<std::int64_t> ShippedUpTo(const std::string& tenant_id) = 0;
  // REQUIRES: 1..kMaxBatch entries of one tenant, seqs ascending (else invalid_argument).
  virtual Status Write(const std::vector<AuditEntry>& entries) = 0;
  // REQUIRES: 1 <= limit <= kMaxBatch, after_seq >= 0.
  virtual Result<std::vector<AuditEntry>> Read(const std::string& tenant_id,
                                               std::int64_t after_seq, int limit) = 0;
};

// A tenant id a sink accepts: 0-64 of [0-9a-z_-] (Sheaf's are 16 hex digits, "" for the system
// chain), so it can be written into a query without quoting questions.
inline bool ValidAuditTenant(const std::string& tenant_id) {
  if (tenant_id.size() > 64) return false;
  for (char c : tenant_id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == '-')) return false;
  }
  return true;
}

// Checks Write's batch rule; invalid_argument naming the first offending seq. For implementations.
inline Status CheckAuditBatch(const std::vector<AuditEntry>& entries) {
  if (entries.empty() || entries.size() > static_cast<std::size_t>(AuditSink::kMaxBatch)) {
    return Status(ErrorCode::kInvalidArgument,
                  "audit batch: " + std::to_string(entries.size()) + " entries (1.." +
                      std::to_string(AuditSink::kMaxBatch) + " allowed)");
  }
  if (!ValidAuditTenant(entries.front().tenant_id)) {
    return Status(ErrorCode::kInvalidArgument, "audit batch: tenant id \"" +
                                                   entries.front().tenant_id.substr(0, 80) +
                                                   "\" is not 0-64 of [0-9a-z_-]");
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].tenant_id != entries.front().tenant_id) {
      return Status(ErrorCode::kInvalidArgument,
                    "audit batch: entry seq " + std::to_string(entries[i].seq) +
                        " is of another tenant (a batch holds one tenant's entries)");
    }
    if (entries[i].seq < 1 || (i > 0 && entries[i].seq <= entries[i - 1].seq)) {
      return Status(ErrorCode::kInvalidArgument,
                    "audit batch: entry seq " + std::to_string(entries[i].seq) +
                        " does not follow the one before it (seqs must ascend, from 1)");
    }
  }
  return Status::Ok();
}

}  // namespace sheaf

#endif  // SHEAF_AUDIT_SINK_H_
