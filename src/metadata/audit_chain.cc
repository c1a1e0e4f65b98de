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
  out.chains = v_.entries > 0 ? 1 : 0;
  if (out.intact && v_.entries > 0) out.heads.push_back({"", expected_ - 1, prev_});
  return out;
}

bool AuditLogVerifier::Fail(const AuditVerification& v, const std::string& tenant) {
  if (!out_.intact) return false;
  out_.intact = false;
  out_.first_bad_tenant = tenant;
  out_.first_bad_seq = v.first_bad_seq;
  out_.reason = v.reason;
  return false;
}

bool AuditLogVerifier::AddShared(const AuditEntry& e) {
  if (!out_.intact) return false;
  ++out_.entries;
  if (shared_closed_ || e.seq > base_.seq) {
    out_.intact = false;
    out_.first_bad_tenant = e.tenant_id;
    out_.first_bad_seq = e.seq;
    out_.reason = "audit entry " + std::to_string(e.seq) +
                  " is listed with the entries before per-tenant chains but comes after them";
    return false;
  }
  if (!shared_.Add(e)) return Fail(shared_.Result(), "");
  shared_last_[e.tenant_id] = {e.tenant_id, e.seq, e.hash};
  return true;
}

// The shared chain must reach the base exactly: every tenant's chain starts from its hash.
bool AuditLogVerifier::CloseShared() {
  if (shared_closed_) return out_.intact;
  shared_closed_ = true;
  if (!out_.intact || base_.seq == 0) return out_.intact;
  if (shared_.last_seq() != base_.seq || shared_.last_hash() != base_.hash) {
    out_.intact = false;
    out_.first_bad_seq = shared_.last_seq() + 1;
    out_.reason = "the entries before per-tenant chains end at " +
                  std::to_string(shared_.last_seq()) + ", not at the recorded base entry " +
                  std::to_string(base_.seq) + " with its hash";
    return false;
  }
  return true;
}

bool AuditLogVerifier::Add(const AuditEntry& e) {
  if (!CloseShared()) return false;
  if (!have_chain_ || e.tenant_id != tenant_) {
    if (have_chain_) out_.heads.push_back({tenant_, chain_.last_seq(), chain_.last_hash()});
    have_chain_ = true;
    tenant_ = e.tenant_id;
    chain_ = AuditVerifier(base_.seq, base_.hash);
    ++out_.chains;
  }
  ++out_.entries;
  if (!chain_.Add(e)) return Fail(chain_.Result(), tenant_);
  return true;
}

AuditVerification AuditLogVerifier::Result() const {
  AuditLogVerifier copy = *this;  // closing is a check: keep Result() const
  if (!copy.CloseShared()) return copy.out_;
  AuditVerification out = copy.out_;
  if (!out.intact) return out;
  if (copy.have_chain_) out.heads.push_back({tenant_, chain_.last_seq(), chain_.last_hash()});
  // A tenant whose chain has no entry after the base ends with its last shared entry.
  std::map<std::string, AuditChainHead> heads = shared_last_;
  for (const AuditChainHead& h : out.heads) heads[h.tenant_id] = h;
  out.heads.clear();
  for (auto& [tenant, h] : heads) out.heads.push_back(std::move(h));
  out.chains = static_cast<std::int64_t>(out.heads.size());
  out.base_seq = base_.seq;
  out.base_hash = base_.hash;
  return out;
}

}  // namespace sheaf::metadata
