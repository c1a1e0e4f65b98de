// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/audit_check.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "metadata/audit_chain.h"

namespace sheaf {

Result<AuditSinkVerification> VerifyAuditSink(AuditSink& sink, MetadataStore& metadata,
                                              const AuditVerification& store) {
  metadata::AuditLogVerifier verifier({store.base_seq, store.base_hash});
  // The entries from before per-tenant chains, of every tenant: one chain in seq order.
  std::vector<AuditEntry> shared;
  if (store.base_seq > 0) {
    for (const AuditChainHead& head : store.heads) {
      for (std::int64_t after = 0;;) {
        Result<std::vector<AuditEntry>> page = sink.Read(head.tenant_id, after, AuditSink::kMaxBatch);
        if (!page.ok()) return page.status();
        bool past = false;
        for (AuditEntry& e : *page) {
          if (e.seq > store.base_seq) {
            past = true;
            break;
          }
          shared.push_back(std::move(e));
        }
        if (past || page->size() < static_cast<std::size_t>(AuditSink::kMaxBatch)) break;
        after = page->back().seq;
      }
    }
    std::sort(shared.begin(), shared.end(),
              [](const AuditEntry& a, const AuditEntry& b) { return a.seq < b.seq; });
  }
  bool going = true;
  for (const AuditEntry& e : shared) {
    if (!(going = verifier.AddShared(e))) break;
  }
  // Each tenant's chain after the base, in batches. heads is ordered by tenant.
  for (std::size_t h = 0; going && h < store.heads.size(); ++h) {
    for (std::int64_t after = store.base_seq; going;) {
      Result<std::vector<AuditEntry>> page =
          sink.Read(store.heads[h].tenant_id, after, AuditSink::kMaxBatch);
      if (!page.ok()) return page.status();
      for (const AuditEntry& e : *page) {
        if (!(going = verifier.Add(e))) break;
      }
      if (page->size() < static_cast<std::size_t>(AuditSink::kMaxBatch)) break;
      after = page->back().seq;
    }
  }
  AuditSinkVerification out;
  out.chain = verifier.Result();
  if (!out.chain.intact) return out;
  for (const AuditChainHead& head : out.chain.heads) {
    Result<std::vector<AuditEntry>> mine = metadata.ListAudit(head.tenant_id, head.seq - 1, 1);
    if (!mine.ok()) return mine.status();
    const std::string at = "entry " + std::to_string(head.seq) +
                           (head.tenant_id.empty() ? std::string(" of the system chain")
                                                   : " of tenant " + head.tenant_id);
    if (mine->empty() || mine->front().seq != head.seq) {
      out.head_matches = false;
      out.mismatch = "the sink holds " + at + " but the metadata store does not";
      break;
    }
    if (mine->front().hash != head.hash) {
      out.head_matches = false;
      out.mismatch = at + " differs: hash " + head.hash + " in the sink, " + mine->front().hash +
                     " in the metadata store";
      break;
    }
  }
  return out;
}

}  // namespace sheaf
