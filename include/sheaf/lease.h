// SPDX-License-Identifier: GPL-3.0-or-later
//
// LeaseTable: short exclusive claims on names, shared by every process that uses the same table
// (Redis "SET name token NX PX ttl" across workers; an in-process table embedded). Used to run
// expensive work once across workers: the first to take a name's lease does the work, the
// others wait a bounded time for its result and then do it themselves (design, "OCR
// Deduplication").
//
// Contract:
// - Thread safety: every implementation is safe for concurrent use.
// - At most one holder per name at a time, until the lease's ttl passes: then it lapses by
//   itself, so a holder that died never blocks anyone for longer than the ttl.
// - A lease is advisory and an optimisation: an error from TryAcquire means "unknown", and
//   callers then go ahead without it (the work is done twice at worst, never not at all).
#ifndef SHEAF_LEASE_H_
#define SHEAF_LEASE_H_

#include <chrono>
#include <optional>
#include <string>

#include "sheaf/status.h"

namespace sheaf {

class LeaseTable {
 public:
  virtual ~LeaseTable() = default;
  // Takes the lease on `name` for `ttl` iff nobody holds it. Returns the holder's token (never
  // empty) iff taken, std::nullopt when another holder has it; unavailable when the table
  // cannot be reached. REQUIRES: ttl > 0.
  virtual Result<std::optional<std::string>> TryAcquire(const std::string& name,
                                                        std::chrono::milliseconds ttl) = 0;
  // Gives the lease on `name` back iff it is still held with `token` (a lease that lapsed and
  // was taken by someone else is left alone). OK also when there was nothing to release.
  virtual Status Release(const std::string& name, const std::string& token) = 0;
};

}  // namespace sheaf

#endif  // SHEAF_LEASE_H_
