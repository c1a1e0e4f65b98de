// SPDX-License-Identifier: GPL-3.0-or-later
#include "metadata/audit_chain.h"

#include "sheaf/hash.h"

namespace sheaf::metadata {

std::string AuditHash(const AuditEntry& e) {
  Sha256 h;
  h.Update(e.prev_hash);
  const auto field = [&](std::string_view text) {
    const std::string length = std::to_string(text.size());
    h.Update(length);
    h.Update(":");
    h.Update(text);
    h.Update(";");
  };
  field(std::to_string(e.seq));
  field(std::to_string(e.at));
  field(e.actor);
  field(e.action);
  field(e.tenant_id);
  field(e.document_id);
  field(e.details_json);
  return h.HexDigest();
}

AuditEntry NextAuditEntry(std::int64_t head_seq, std::string_view head_hash, std::int64_t now,
                          const AuditInput& in) {
  AuditEntry e;
  e.seq = head_seq + 1;
  e.prev_hash = std::string(head_hash);
  e.at = now;
  e.actor = in.actor;
  e.action = in.action;
  e.tenant_id = in.tenant_id;
  e.document_id = in.document_id;
  e.details_json = in.details_json.empty() ? "{}" : in.details_json;
  e.hash = AuditHash(e);
  return e;
}

bool AuditVerifier::Add(const AuditEntry& e) {
  if (!v_.intact) return false;
  ++v_.entries;
  std::string reason;
  if (e.seq != expected_) {
    reason = e.seq > expected_ ? "entry " + std::to_string(expected_) + " is missing"
                               : "entry numbers are out of order";
  } else if (e.prev_hash != prev_) {
    reason = "its prev_hash is not the hash of entry " + std::to_string(expected_ - 1);
  } else if (AuditHash(e) != e.hash) {
    reason = "its hash does not match its content";
  }
  if (!reason.empty()) {
    v_.intact = false;
    v_.first_bad_seq = expected_;
    v_.reason = "audit entry " + std::to_string(expected_) + ": " + reason;
    return false;
  }
  prev_ = e.hash;
  ++expected_;
  return true;
}

AuditVerification AuditVerifier::Result() const {
  AuditVerification out = v_;
  out.head_hash = out.intact && out.entries > 0 ? prev_ : std::string();
  return out;
}

}  // namespace sheaf::metadata
