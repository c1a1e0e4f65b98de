// SPDX-License-Identifier: GPL-3.0-or-later
//
// GroupCommit: the one writer of a SQLite database (the embedded broker's, the embedded
// metadata store's). Callers on any thread hand it operations; its thread runs whatever is
// queued (up to kMaxBatch) in one transaction, each operation inside a savepoint of its own,
// and commits once: many writers pay for one fsync.
//
// Contract:
//  - Submit blocks until the transaction that ran `run` committed (or failed) and returns
//    `run`'s status, or the error that kept its transaction from committing. An operation that
//    fails (or throws) is rolled back to its savepoint alone; the others still commit.
//  - When SQLite rolls the whole transaction back (disk full, an I/O error), every operation of
//    the batch fails: those before it are undone too.
//  - SubmitDetached queues an operation nobody waits on; its future gets the same status.
//  - The destructor runs everything already queued, then joins. `conn` is used on the writer
//    thread only and must outlive this object.
// Conn needs `Status Exec(const char* sql)` and `bool InTransaction()`.
#ifndef SHEAF_ADAPTERS_SQLITE_GROUP_COMMIT_H_
#define SHEAF_ADAPTERS_SQLITE_GROUP_COMMIT_H_

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sheaf/status.h"

namespace sheaf::sqlite {

template <typename Conn>
class GroupCommit {
 public:
  using Run = std::function<Status(Conn&)>;
  static constexpr std::size_t kMaxBatch = 1024;

  // `what` names the owner in errors ("broker", "metadata").
  GroupCommit(Conn* conn, std::string what) : conn_(conn), what_(std::move(what)) {}
  ~GroupCommit() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_one();
    if (writer_.joinable()) writer_.join();
  }
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Starts the writer thread; kUnavailable when it cannot be started.
  Status Start() {
    try {
      writer_ = std::thread(&GroupCommit::Loop, this);
    } catch (const std::exception& e) {
      return Status(ErrorCode::kUnavailable,
                    std::string("cannot start the writer thread: ") + e.what());
    }
    return Status::Ok();
  }

  Status Submit(const Run& run) {
    Op op;
    op.run = &run;
    std::unique_lock<std::mutex> lock(mu_);
    queue_.push_back(&op);
    work_cv_.notify_one();
    done_cv_.wait(lock, [&] { return op.done; });
    return op.status;
  }

  std::future<Status> SubmitDetached(Run run) {
    auto op = std::make_unique<Op>();
    op->owned = std::move(run);
    op->run = &op->owned;
    op->promise = std::make_unique<std::promise<Status>>();
    std::future<Status> outcome = op->promise->get_future();
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(op.release());
    work_cv_.notify_one();
    return outcome;
  }

  // Transactions committed so far. Under concurrent callers this is fewer than the operations.
  std::uint64_t commits() const { return commits_.load(); }

 private:
  struct Op {
    const Run* run = nullptr;
    Status status;
    bool done = false;  // GUARDED_BY(mu_)
    // A detached operation owns its work and its outcome: the writer fulfils `promise` and
    // deletes the operation.
    Run owned;
    std::unique_ptr<std::promise<Status>> promise;
  };

  void Loop() {
    std::vector<Op*> batch;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and everything queued is done
        const std::size_t n = std::min(queue_.size(), kMaxBatch);
        batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      }
      RunBatch(batch);
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (Op*& op : batch) {
          if (op->promise) {
            op->promise->set_value(op->status);
            delete op;
            op = nullptr;
          } else {
            op->done = true;
          }
        }
      }
      done_cv_.notify_all();
    }
  }

  // Runs `batch` in one transaction and sets each operation's status.
  void RunBatch(const std::vector<Op*>& batch) {
    Conn& conn = *conn_;
    const Status begin = conn.Exec("BEGIN IMMEDIATE");
    if (!begin.ok()) {
      for (Op* op : batch) op->status = begin;
      return;
    }
    Status lost;  // set when a failure took the whole transaction down with it
    for (Op* op : batch) {
      if (!lost.ok()) {
        op->status = lost;
        continue;
      }
      Status s = conn.Exec("SAVEPOINT op");
      if (s.ok()) {
        try {
          s = (*op->run)(conn);
        } catch (const std::exception& e) {
          s = Status(ErrorCode::kInternal, what_ + " operation threw: " + e.what());
        }
      }
      op->status = s;
      if (!conn.InTransaction()) {
        // SQLite rolled everything back (disk full, I/O error): the operations before this
        // one are undone too.
        lost = s.ok() ? Status(ErrorCode::kIoError, what_ + " transaction rolled back") : s;
        continue;
      }
      if (s.ok()) {
        s = conn.Exec("RELEASE op");
      } else {
        conn.Exec("ROLLBACK TO op");
        s = conn.Exec("RELEASE op");
      }
      if (!s.ok() && lost.ok()) lost = s;
    }
    Status commit = lost;
    if (commit.ok()) commit = conn.Exec("COMMIT");
    if (!commit.ok()) {
      if (conn.InTransaction()) conn.Exec("ROLLBACK");
      for (Op* op : batch) {
        if (op->status.ok()) op->status = commit;
      }
      return;
    }
    commits_.fetch_add(1);
  }

  Conn* const conn_;
  const std::string what_;
  std::mutex mu_;
  std::condition_variable work_cv_;  // the writer waits here for operations
  std::condition_variable done_cv_;  // callers wait here for their transaction
  std::deque<Op*> queue_;            // GUARDED_BY(mu_)
  bool stopping_ = false;            // GUARDED_BY(mu_)
  std::atomic<std::uint64_t> commits_{0};
  std::thread writer_;
};

}  // namespace sheaf::sqlite

#endif  // SHEAF_ADAPTERS_SQLITE_GROUP_COMMIT_H_
