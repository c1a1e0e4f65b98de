// SPDX-License-Identifier: GPL-3.0-or-later
//
// Checks the audit log an AuditSink holds (sheaf/audit_sink.h): its hash chain recomputed from
// entry 1 with the same formula as the MetadataStore's (src/metadata/audit_chain.h), and its
// head compared with the store's entry of the same seq. With both chains intact, equal hashes at
// the sink's head mean every entry the two hold in common agrees (each hash covers all before).
#ifndef SHEAF_SERVICE_AUDIT_CHECK_H_
#define SHEAF_SERVICE_AUDIT_CHECK_H_

#include <string>

#include "sheaf/audit_sink.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf {

struct AuditSinkVerification {
  AuditVerification chain;   // the sink's chain: entries checked, first bad entry, head hash
  bool head_matches = true;  // false: the sink's head entry is not the store's (see mismatch)
  std::string mismatch;
};

// Reads every entry of `sink` in seq order. An error means the sink or the store could not be
// read; a broken chain or a head the store disagrees with is an OK result saying so.
Result<AuditSinkVerification> VerifyAuditSink(AuditSink& sink, MetadataStore& metadata);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_AUDIT_CHECK_H_
