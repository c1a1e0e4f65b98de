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
// - Write stores a batch of entries with consecutive seqs in ascending order, all of them or none
//   (a crash or error mid-call leaves either the whole batch or nothing). It is idempotent per
//   entry: writing an entry the sink already holds (same tenant and seq) changes nothing that
//   ShippedUpTo or Read show, so a batch shipped twice - a shipper that died after Write and
//   before it moved on, or two shippers at once - is stored once.
// - ShippedUpTo returns the highest seq the sink durably holds (0 when it holds none). Writers
//   only ever write the entries that follow ShippedUpTo (or their own last batch), so every
//   entry up to it is there.
// - Read returns the entries with after_seq < seq <= after_seq + limit in seq order, each stored
//   entry once; two different entries stored under one seq (the sink was tampered with) are both
//   returned, so a verifier sees the break. A range the sink holds nothing of gives none.
// - Errors: unavailable when the sink cannot be reached or timed out (retry later); io_error
//   when it answered with an error; invalid_argument for a batch that breaks the rules above or
//   a limit out of range. No call waits longer than the sink's configured timeout.
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

  virtual Result<std::int64_t> ShippedUpTo() = 0;
  // REQUIRES: 1..kMaxBatch entries, seqs consecutive and ascending (else invalid_argument).
  virtual Status Write(const std::vector<AuditEntry>& entries) = 0;
  // REQUIRES: 1 <= limit <= kMaxBatch, after_seq >= 0.
  virtual Result<std::vector<AuditEntry>> Read(std::int64_t after_seq, int limit) = 0;
};

// Checks Write's batch rule; invalid_argument naming the first offending seq. For implementations.
inline Status CheckAuditBatch(const std::vector<AuditEntry>& entries) {
  if (entries.empty() || entries.size() > static_cast<std::size_t>(AuditSink::kMaxBatch)) {
    return Status(ErrorCode::kInvalidArgument,
                  "audit batch: " + std::to_string(entries.size()) + " entries (1.." +
                      std::to_string(AuditSink::kMaxBatch) + " allowed)");
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].seq < 1 || (i > 0 && entries[i].seq != entries[i - 1].seq + 1)) {
      return Status(ErrorCode::kInvalidArgument,
                    "audit batch: entry seq " + std::to_string(entries[i].seq) +
                        " does not follow the one before it (seqs must be consecutive, from 1)");
    }
  }
  return Status::Ok();
}

}  // namespace sheaf

#endif  // SHEAF_AUDIT_SINK_H_
