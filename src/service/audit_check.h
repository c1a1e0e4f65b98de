// SPDX-License-Identifier: GPL-3.0-or-later
//
// Checks the audit log an AuditSink holds (sheaf/audit_sink.h): each chain the MetadataStore has
// recomputed from its first entry with the same formula as the store's
// (src/metadata/audit_chain.h), and each chain's head in the sink compared with the store's entry
// of the same seq. With both chains intact, equal hashes at the sink's head mean every entry of
// that chain the two hold in common agrees (each hash covers all before it in its chain).
#ifndef SHEAF_SERVICE_AUDIT_CHECK_H_
#define SHEAF_SERVICE_AUDIT_CHECK_H_

#include <string>

#include "sheaf/audit_sink.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf {

struct AuditSinkVerification {
  AuditVerification chain;   // the sink's chains: entries checked, first bad entry, heads
  bool head_matches = true;  // false: a chain's head entry in the sink is not the store's
  std::string mismatch;      // which one, and how
};

// Reads, for every chain `store` (the store's own verification: its heads and base) names, the
// sink's entries in seq order. Entries from before per-tenant chains are held in memory to be
// checked as the one chain they form; a chain's own entries are read in batches. A chain the
// store does not know is not looked for. In a store that kept one chain before per-tenant
// chains, those entries are shipped tenant by tenant: check such a sink once its shipper has
// caught up (backlog 0), or the gaps show as a break. An error means the sink or the store could not be
// read; a broken chain or a head the store disagrees with is an OK result saying so.
Result<AuditSinkVerification> VerifyAuditSink(AuditSink& sink, MetadataStore& metadata,
                                              const AuditVerification& store);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_AUDIT_CHECK_H_
