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

std::int64_t AuditShipper::backlog() const {
  return std::max<std::int64_t>(0, head_.load() - shipped_.load());
}

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
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return Status::Ok();
  stop_ = false;
  try {
    thread_ = std::thread(&AuditShipper::Loop, this);
  } catch (const std::exception& e) {
    return Status(ErrorCode::kUnavailable,
                  std::string("audit shipper: cannot start its thread: ") + e.what());
  }
  return Status::Ok();
}

void AuditShipper::Stop() {
  std::thread worker;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    worker = std::move(thread_);
  }
  wake_.notify_all();
  if (worker.joinable()) worker.join();
}

void AuditShipper::Loop() {
  int failures = 0;  // in a row
  while (!stopping()) {
    Result<int> shipped = RunOnce();
    std::chrono::milliseconds wait = options_.poll_interval;
    if (!shipped.ok()) {
      ++failures;
      wait = RetryDelay(failures, options_.backoff, rng_);
      spdlog::warn("audit shipper: {} (backlog {}, retry in {} ms)", shipped.status().ToString(),
                   backlog(), wait.count());
    } else {
      if (failures > 0) spdlog::info("audit shipper: shipping again (backlog {})", backlog());
      failures = 0;
      if (*shipped >= options_.batch) continue;  // more may be waiting
    }
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, wait, [&] { return stopping(); });
  }
}

// The store's head: the highest seq ListAudit knows, found from `from` (a seq known to exist,
// or 0) by doubling steps then halving them, in O(log(new entries)) calls of one entry each.
Result<std::int64_t> AuditShipper::FindHead(std::int64_t from) {
  const auto exists = [&](std::int64_t seq) -> Result<bool> {
    Result<std::vector<AuditEntry>> one = deps_.metadata->ListAudit(seq - 1, 1);
    if (!one.ok()) return one.status();
    return !one->empty();
  };
  std::int64_t low = from;  // exists (or 0)
  if (low > 0) {
    Result<bool> e = exists(low);
    if (!e.ok()) return e.status();
    if (!*e) low = 0;  // the log is shorter than it was: search from the start
  }
  std::int64_t step = 1;
  std::int64_t high = 0;  // does not exist
  while (true) {
    Result<bool> e = exists(low + step);
    if (!e.ok()) return e.status();
    if (!*e) {
      high = low + step;
      break;
    }
    low += step;
    step *= 2;
  }
  while (high - low > 1) {
    const std::int64_t mid = low + (high - low) / 2;
    Result<bool> e = exists(mid);
    if (!e.ok()) return e.status();
    (*e ? low : high) = mid;
  }
  return low;
}

Result<int> AuditShipper::RunOnce() {
  Result<int> shipped = Round();
  std::lock_guard<std::mutex> lock(mu_);
  if (shipped.ok()) {
    last_error_.clear();
  } else {
    cursor_known_ = false;
    ++errors_;
    last_error_ = shipped.status().ToString();
  }
  return shipped;
}

Result<int> AuditShipper::Round() {
  if (deps_.metadata == nullptr || deps_.sink == nullptr) {
    return Status(ErrorCode::kInvalidArgument, "audit shipper: metadata and sink are required");
  }
  if (options_.batch < 1 || options_.batch > AuditSink::kMaxBatch) {
    return Status(ErrorCode::kInvalidArgument, "audit shipper: batch out of range");
  }
  // The head first: the backlog is known (and grows) even while the sink is down.
  Result<std::int64_t> head = FindHead(std::max(head_.load(), shipped_.load()));
  if (!head.ok()) return head.status();
  head_ = *head;
  if (!cursor_known_) {
    Result<std::int64_t> up_to = deps_.sink->ShippedUpTo();
    if (!up_to.ok()) return up_to.status();
    shipped_ = *up_to;
    cursor_known_ = true;
  }
  const std::int64_t cursor = shipped_.load();
  if (cursor > *head) {
    return Status(ErrorCode::kIoError,
                  "audit shipper: the sink holds entries up to " + std::to_string(cursor) +
                      " but the metadata store's head is " + std::to_string(*head) +
                      " (a sink of another store, or entries lost here: run `sheaf audit verify`)");
  }
  if (cursor == *head) return 0;
  Result<std::vector<AuditEntry>> entries = deps_.metadata->ListAudit(cursor, options_.batch);
  if (!entries.ok()) return entries.status();
  if (entries->empty() || entries->front().seq != cursor + 1) {
    return Status(ErrorCode::kInternal, "audit shipper: the metadata store did not list entry " +
                                            std::to_string(cursor + 1) + " after its head moved");
  }
  if (Status s = deps_.sink->Write(*entries); !s.ok()) return s;
  shipped_ = entries->back().seq;
  head_ = std::max(head_.load(), shipped_.load());
  return static_cast<int>(entries->size());
}

}  // namespace sheaf
