// SPDX-License-Identifier: GPL-3.0-or-later
//
// The audit log's hash chain (AuditEntry in sheaf/metadata_store.h), the same in every backend:
// how an entry's hash is made, how the next entry follows the head, and how a chain read from
// entry 1 is verified. A store supplies the storage and serialises appends (each append reads
// the head and writes the next entry in one transaction that no other append interleaves).
#ifndef SHEAF_METADATA_AUDIT_CHAIN_H_
#define SHEAF_METADATA_AUDIT_CHAIN_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "sheaf/metadata_store.h"

namespace sheaf::metadata {

// The prev_hash of audit entry 1.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Where every tenant's chain starts (see "Audit" in sheaf/metadata_store.h): (0, genesis) in a
// store created with per-tenant chains, else the last entry of the one chain it kept before.
struct AuditBase {
  std::int64_t seq = 0;
  std::string hash{kGenesisHash};
};

// The hash of an audit entry, as sheaf/metadata_store.h defines it.
std::string AuditHash(const AuditEntry& e);

// The entry that follows a chain's head (head_seq, head_hash) - the base when the chain has no
// entry after it - with its hash. Empty details become "{}".
AuditEntry NextAuditEntry(std::int64_t head_seq, std::string_view head_hash, std::int64_t now,
                          const AuditInput& in);

// Checks one chain fed entry by entry from its first, in seq order: entries numbered from
// start_seq + 1, the first storing start_hash.
class AuditVerifier {
 public:
  AuditVerifier() = default;
  AuditVerifier(std::int64_t start_seq, std::string start_hash)
      : prev_(std::move(start_hash)), expected_(start_seq + 1) {}
  // Returns false once a check failed (further entries are ignored).
  bool Add(const AuditEntry& e);
  // The verdict for the entries added (heads: the last one, if any).
  AuditVerification Result() const;
  std::int64_t last_seq() const { return expected_ - 1; }
  const std::string& last_hash() const { return prev_; }

 private:
  AuditVerification v_;
  std::string prev_{kGenesisHash};
  std::int64_t expected_ = 1;
};

// Checks a whole log: the entries from before per-tenant chains (seq <= base.seq), in seq
// order, through AddShared, then every tenant's chain after the base, ordered by tenant and
// seq, through Add. The shared chain must end exactly at the base.
class AuditLogVerifier {
 public:
  explicit AuditLogVerifier(AuditBase base) : base_(std::move(base)) {}
  bool AddShared(const AuditEntry& e);
  bool Add(const AuditEntry& e);
  AuditVerification Result() const;

 private:
  bool Fail(const AuditVerification& v, const std::string& tenant);
  bool CloseShared();

  AuditBase base_;
  AuditVerifier shared_;
  std::map<std::string, AuditChainHead> shared_last_;  // by tenant: its last shared entry
  bool shared_closed_ = false;
  bool have_chain_ = false;
  std::string tenant_;
  AuditVerifier chain_;
  AuditVerification out_;
};

}  // namespace sheaf::metadata

#endif  // SHEAF_METADATA_AUDIT_CHAIN_H_
