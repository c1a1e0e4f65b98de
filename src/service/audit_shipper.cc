// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/audit_shipper.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

#include "queue/backoff.h"

namespace sheaf {

AuditShipper::AuditShipper(AuditShipperDeps deps, AuditShipperOptions options)
    : deps_(std::move(deps)),
      options_(std::move(options)),
      rng_(options_.jitter_seed != 0 ? options_.jitter_seed : std::random_device()()) {}

AuditShipper::~AuditShipper() { Stop(); }

std::int64_t AuditShipper::backlog() const { return backlog_.load(); }

std::string AuditShipper::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

Status AuditShipper::Start() {
  if (deps_.metadata == nullptr || deps_.sink == nullptr) {
    return Status(ErrorCode::kInvalidArgument, "audit shipper: metadata and sink are required");
  }
  if (options_.batch < 1 || options_.batch > AuditSink::kMaxBatch ||
      options_.poll_interval.count() <= 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "audit shipper: batch must be 1.." + std::to_string(AuditSink::kMaxBatch) +
                      " and poll_interval positive");
  }
  failures_ = 0;
  return loop_.Start([this] { return Step(); });
}

void AuditShipper::Stop() { loop_.Stop(); }

BackgroundLoop::Next AuditShipper::Step() {
  Result<int> shipped = RunOnce();
  if (!shipped.ok()) {
    ++failures_;
    const std::chrono::milliseconds wait = RetryDelay(failures_, options_.backoff, rng_);
    spdlog::warn("audit shipper: {} (backlog {}, retry in {} ms)", shipped.status().ToString(),
                 backlog(), wait.count());
    return {wait, false};
  }
  if (failures_ > 0) spdlog::info("audit shipper: shipping again (backlog {})", backlog());
  failures_ = 0;
  // A chain had a full batch: more may be waiting.
  return {more_ ? std::chrono::milliseconds(0) : options_.poll_interval, false};
}

Result<int> AuditShipper::RunOnce() {
  bool more = false;
  Result<int> shipped = Round(&more);
  more_ = shipped.ok() && more;
  std::lock_guard<std::mutex> lock(mu_);
  if (shipped.ok()) {
    last_error_.clear();
  } else {
    cursors_.clear();
    ++errors_;
    last_error_ = shipped.status().ToString();
  }
  return shipped;
}

Result<int> AuditShipper::Round(bool* more) {
  if (deps_.metadata == nullptr || deps_.sink == nullptr) {
    return Status(ErrorCode::kInvalidArgument, "audit shipper: metadata and sink are required");
  }
  if (options_.batch < 1 || options_.batch > AuditSink::kMaxBatch) {
    return Status(ErrorCode::kInvalidArgument, "audit shipper: batch out of range");
  }
  // The heads first: the backlog is known (and grows) even while the sink is down.
  Result<std::vector<AuditChainHead>> heads = deps_.metadata->ListAuditHeads();
  if (!heads.ok()) return heads.status();
  const auto account = [&] {
    std::int64_t backlog = 0;
    std::int64_t shipped = 0;
    for (const AuditChainHead& h : *heads) {
      auto it = cursors_.find(h.tenant_id);
      const std::int64_t cursor = it == cursors_.end() ? 0 : it->second;
      backlog += std::max<std::int64_t>(0, h.seq - cursor);
      shipped += cursor;
    }
    backlog_ = backlog;
    shipped_ = shipped;
  };
  account();
  int total = 0;
  for (const AuditChainHead& head : *heads) {
    auto it = cursors_.find(head.tenant_id);
    if (it == cursors_.end()) {
      Result<std::int64_t> up_to = deps_.sink->ShippedUpTo(head.tenant_id);
      if (!up_to.ok()) return up_to.status();
      it = cursors_.emplace(head.tenant_id, *up_to).first;
    }
    const std::int64_t cursor = it->second;
    const std::string chain =
        head.tenant_id.empty() ? "the system chain" : "tenant " + head.tenant_id + "'s chain";
    if (cursor > head.seq) {
      return Status(ErrorCode::kIoError,
                    "audit shipper: the sink holds " + chain + " up to " +
                        std::to_string(cursor) + " but the metadata store's head is " +
                        std::to_string(head.seq) +
                        " (a sink of another store, or entries lost here: run `sheaf audit "
                        "verify`)");
    }
    if (cursor == head.seq) continue;
    Result<std::vector<AuditEntry>> entries =
        deps_.metadata->ListAudit(head.tenant_id, cursor, options_.batch);
    if (!entries.ok()) return entries.status();
    if (entries->empty()) continue;  // a replica behind the head it reported: next round
    if (entries->front().seq <= cursor) {
      return Status(ErrorCode::kInternal, "audit shipper: the metadata store listed entry " +
                                              std::to_string(entries->front().seq) + " of " +
                                              chain + " after " + std::to_string(cursor));
    }
    if (Status s = deps_.sink->Write(*entries); !s.ok()) return s;
    it->second = entries->back().seq;
    total += static_cast<int>(entries->size());
    if (static_cast<int>(entries->size()) >= options_.batch) *more = true;
    account();
  }
  return total;
}

}  // namespace sheaf
