// SPDX-License-Identifier: GPL-3.0-or-later
//
// The embedded Broker: every message in one SQLite database file, in WAL mode with
// synchronous=FULL, so a committed transaction is on disk (the WAL is fsynced) before any caller
// is told OK. It implements the whole contract of sheaf/broker.h, including its order and
// fairness rules.
//
// Group commit: callers never touch the database. Each operation (Publish, Lease, Ack, ...) is
// queued for one writer thread, which takes every operation waiting (up to a bound), runs them in
// one transaction - each inside its own savepoint, so one that fails does not undo the others -
// commits once, with one fsync for all of them, and only then wakes their callers. While it
// commits, new callers queue up for the next transaction; so the more concurrent callers, the
// more operations share each fsync, with no timer and no added latency when calls are sparse.
//
// Crash safety: everything that matters is in the database. After a crash (kill -9), reopening
// loses no message whose Publish returned OK, and a message leased but not acked is delivered
// again once its lease has expired. Tenant turns are rebuilt from the stored fair-queuing tags;
// only the lanes' round-robin credits live in memory alone and start afresh.
//
// The file is locked exclusively while a broker has it open: a second broker on the same file,
// in this process or another, gets unavailable until the first is closed (or its process dies).
//
// Storage: a message row is deleted when it is acked, so the table holds only live messages
// (ready, leased, parked).
#ifndef SHEAF_ADAPTERS_SQLITE_SQLITE_BROKER_H_
#define SHEAF_ADAPTERS_SQLITE_SQLITE_BROKER_H_

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sqlite/group_commit.h"
#include "sheaf/broker.h"

namespace sheaf {

class SqliteBroker final : public Broker {
 public:
  // Opens the broker database at `path`, creating it when missing. Errors: invalid_argument for
  // options out of range (max_attempts < 1, a lane weight < 1); unavailable when another broker
  // has the file open; io_error when it cannot be opened or is not a broker database.
  static Result<std::unique_ptr<SqliteBroker>> Open(const std::string& path, BrokerOptions options);
  // Finishes the operations already queued, then closes the database.
  // REQUIRES: no call on this broker is running or will start.
  ~SqliteBroker() override;
  SqliteBroker(const SqliteBroker&) = delete;
  SqliteBroker& operator=(const SqliteBroker&) = delete;

  Status Publish(const std::string& topic, const std::string& tenant, const std::string& key,
                 std::string_view payload) override;
  Status PublishBatch(const std::vector<Outgoing>& messages) override;
  std::future<Status> PublishAsync(const std::string& topic, const std::string& tenant,
                                   const std::string& key, std::string payload) override;
  Result<std::vector<Delivery>> Lease(const std::vector<std::string>& topics, int max,
                                      std::chrono::milliseconds lease) override;
  Status Ack(std::uint64_t id) override;
  Status Nack(std::uint64_t id, const std::string& error) override;
  Status Extend(std::uint64_t id, std::chrono::milliseconds lease) override;
  Result<TopicStats> Stats(const std::string& topic) override;

  // Transactions committed since Open. Under concurrent calls this is fewer than the calls
  // (group commit at work); for tests and metrics.
  std::uint64_t commits() const { return writer_.commits(); }

 private:
  class Store;  // the connection, its statements and the fairness state; writer thread only

  explicit SqliteBroker(std::unique_ptr<Store> store);
  // Runs `run` on the writer thread (sqlite/group_commit.h) and waits until the transaction it
  // ran in has committed: the status of `run`, or the error that kept it from committing.
  Status Submit(const std::function<Status(Store&)>& run) { return writer_.Submit(run); }

  const std::unique_ptr<Store> store_;
  sqlite::GroupCommit<Store> writer_;  // after store_: stopped before the store closes
};

// The same as SqliteBroker::Open, as the interface (for the composition root's registry).
Result<std::unique_ptr<Broker>> OpenSqliteBroker(const std::string& path, BrokerOptions options);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_SQLITE_SQLITE_BROKER_H_
