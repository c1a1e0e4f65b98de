// SPDX-License-Identifier: GPL-3.0-or-later
//
// The HITL fallback of scalability-and-reliability.md (level L3, "auto-approve > 85 %
// confidence, queue rest"): while human review is unavailable, a document the pipeline would
// send to review is approved automatically iff it has at least one field and every field - its
// line items' fields included - has confidence >= kAutoApproveConfidence. The rest stay queued
// for review. A pure function: the service decides when review is unavailable.
#ifndef SHEAF_SERVICE_HITL_FALLBACK_H_
#define SHEAF_SERVICE_HITL_FALLBACK_H_

#include <string>

#include "sheaf/document.h"

namespace sheaf {

inline constexpr double kAutoApproveConfidence = 0.85;

struct AutoApproval {
  bool approve = false;
  // Why (approved: "every field's confidence >= 0.85, lowest 0.91 (total)"; not approved:
  // "field total has confidence 0.60 < 0.85" or "no fields").
  std::string reason;
};

AutoApproval DecideAutoApproval(const Document& doc, double threshold = kAutoApproveConfidence);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_HITL_FALLBACK_H_
