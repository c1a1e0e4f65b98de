// SPDX-License-Identifier: GPL-3.0-or-later
//
// AuditShipper: the worker that copies the audit log from the MetadataStore (the outbox and the
// source of truth) to an AuditSink (sheaf/audit_sink.h), e.g. ClickHouse.
//
// The store keeps one chain per tenant (see "Audit" in sheaf/metadata_store.h). Each round
// reads every chain's head (MetadataStore::ListAuditHeads, one read) and, per chain, the cursor:
// the sink's ShippedUpTo(tenant), read the first time the chain is seen and again after any
// error. For every chain behind, it lists up to `batch` entries after the cursor
// (MetadataStore::ListAudit), writes them (AuditSink::Write) and moves the cursor past them. A
// round that shipped a full batch of some chain is followed at once by the next; otherwise the
// shipper sleeps poll_interval. On an error it waits a full-jitter backoff delay
// (src/queue/backoff.h), longer after each failure in a row, and tries again: a sink that is
// down delays shipping - the backlog grows - and never anything else, since nothing waits for
// the shipper.
//
// Delivery is at least once and the sink is idempotent per entry, so a shipper that dies after
// Write and before moving on, or several shippers in several processes at once, store every
// entry once. A chain is shipped in seq order: a batch that does not start after the cursor is
// not written.
//
// Thread safety: Start, Stop and the readings (backlog, shipped_seq, errors, last_error) may be
// called from any thread; RunOnce from one thread at a time, and not while the worker runs.
#ifndef SHEAF_SERVICE_AUDIT_SHIPPER_H_
#define SHEAF_SERVICE_AUDIT_SHIPPER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include "core/background_loop.h"
#include "sheaf/audit_sink.h"
#include "sheaf/broker.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf {

struct AuditShipperOptions {
  int batch = 500;                                // entries per Write, 1..AuditSink::kMaxBatch
  std::chrono::milliseconds poll_interval{1000};  // sleep when all was shipped
  BackoffOptions backoff{std::chrono::seconds(1), 2.0, std::chrono::minutes(1)};
  std::uint64_t jitter_seed = 0;  // 0 = seeded at random
};

struct AuditShipperDeps {
  MetadataStore* metadata = nullptr;  // required; outlives the shipper
  AuditSink* sink = nullptr;          // required; outlives the shipper
};

class AuditShipper {
 public:
  AuditShipper(AuditShipperDeps deps, AuditShipperOptions options);
  ~AuditShipper();  // Stop()
  AuditShipper(const AuditShipper&) = delete;
  AuditShipper& operator=(const AuditShipper&) = delete;

  // Starts the worker thread. invalid_argument for missing dependencies or options out of
  // range; OK when it already runs.
  Status Start();
  // Stops the worker; returns once the call in flight (bounded by the sink's and the store's
  // timeouts) has finished. Idempotent.
  void Stop();

  // One round: reads the chains' heads, learns the cursor of each new chain from the sink, and
  // ships at most one batch per chain. Returns how many entries it shipped; an error when the
  // store or the sink failed (the cursors are then read from the sink again next round).
  Result<int> RunOnce();

  // Entries the store has that the sink is not known to hold, summed over the chains when last
  // looked at: each chain's head seq minus its cursor (an upper bound while entries from
  // before per-tenant chains, whose seqs have gaps within a tenant, are being shipped).
  std::int64_t backlog() const;
  // The sum over chains of the highest seq known to be in the sink (0 until the sink was first
  // read): the entries shipped, when every chain is a per-tenant one.
  std::int64_t shipped() const { return shipped_.load(); }
  // Failed rounds since construction, and the latest failure ("" after a round that succeeded).
  std::uint64_t errors() const { return errors_.load(); }
  std::string last_error() const;

 private:
  BackgroundLoop::Next Step();
  Result<int> Round(bool* more);

  const AuditShipperDeps deps_;
  const AuditShipperOptions options_;
  std::mt19937_64 rng_;  // worker thread only
  // Per chain (tenant): the highest seq known to be in the sink. RunOnce's thread only;
  // cleared after an error.
  std::map<std::string, std::int64_t> cursors_;
  bool more_ = false;  // the last round shipped a full batch of some chain
  std::atomic<std::int64_t> backlog_{0};
  std::atomic<std::int64_t> shipped_{0};
  std::atomic<std::uint64_t> errors_{0};
  int failures_ = 0;  // rounds failed in a row; worker thread only
  mutable std::mutex mu_;
  std::string last_error_;  // GUARDED_BY(mu_)
  BackgroundLoop loop_{"audit shipper"};
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_AUDIT_SHIPPER_H_
