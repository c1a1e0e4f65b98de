// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/audit_check.h"

#include <cstdint>
#include <vector>

#include "metadata/audit_chain.h"

namespace sheaf {

Result<AuditSinkVerification> VerifyAuditSink(AuditSink& sink, MetadataStore& metadata) {
  Result<std::int64_t> up_to = sink.ShippedUpTo();
  if (!up_to.ok()) return up_to.status();
  metadata::AuditVerifier verifier;
  bool going = true;
  for (std::int64_t after = 0; going && after < *up_to; after += AuditSink::kMaxBatch) {
    Result<std::vector<AuditEntry>> page = sink.Read(after, AuditSink::kMaxBatch);
    if (!page.ok()) return page.status();
    for (const AuditEntry& e : *page) {
      if (!verifier.Add(e)) {
        going = false;
        break;
      }
    }
  }
  AuditSinkVerification out;
  out.chain = verifier.Result();
  if (!out.chain.intact || *up_to == 0) return out;
  Result<std::vector<AuditEntry>> mine = metadata.ListAudit(*up_to - 1, 1);
  if (!mine.ok()) return mine.status();
  const std::string at = "entry " + std::to_string(*up_to);
  if (mine->empty() || mine->front().seq != *up_to) {
    out.head_matches = false;
    out.mismatch = "the sink holds " + at + " but the metadata store's log ends before it";
  } else if (mine->front().hash != out.chain.head_hash) {
    out.head_matches = false;
    out.mismatch = at + " differs: hash " + out.chain.head_hash + " in the sink, " +
                   mine->front().hash + " in the metadata store";
  }
  return out;
}

}  // namespace sheaf
