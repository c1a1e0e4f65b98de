// SPDX-License-Identifier: GPL-3.0-or-later
//
// The audit log's hash chain (AuditEntry in sheaf/metadata_store.h), the same in every backend:
// how an entry's hash is made, how the next entry follows the head, and how a chain read from
// entry 1 is verified. A store supplies the storage and serialises appends (each append reads
// the head and writes the next entry in one transaction that no other append interleaves).
#ifndef SHEAF_METADATA_AUDIT_CHAIN_H_
#define SHEAF_METADATA_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "sheaf/metadata_store.h"

namespace sheaf::metadata {

// The prev_hash of audit entry 1.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The hash of an audit entry, as sheaf/metadata_store.h defines it.
std::string AuditHash(const AuditEntry& e);

// The entry that follows the head (head_seq, head_hash) - (0, kGenesisHash) for an empty log -
// with its hash. Empty details become "{}".
AuditEntry NextAuditEntry(std::int64_t head_seq, std::string_view head_hash, std::int64_t now,
                          const AuditInput& in);

// Checks a chain fed entry by entry from entry 1, in seq order.
class AuditVerifier {
 public:
  // Returns false once a check failed (further entries are ignored).
  bool Add(const AuditEntry& e);
  // The verdict for the entries added.
  AuditVerification Result() const;

 private:
  AuditVerification v_;
  std::string prev_{kGenesisHash};
  std::int64_t expected_ = 1;
};

}  // namespace sheaf::metadata

#endif  // SHEAF_METADATA_AUDIT_CHAIN_H_
