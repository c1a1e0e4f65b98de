// SPDX-License-Identifier: GPL-3.0-or-later
//
// StagePool: the worker threads of one pipeline stage. Each worker leases one message at a time
// from the stage's topics, runs the stage on it and settles the lease: Ack when the stage
// returned OK (its result is durably stored by then), Nack with the error otherwise (the broker
// retries with backoff and dead-letters after its attempts). Leases of messages being worked on
// are extended in the background, so a long document never expires while it is being read.
//
// Back-pressure: a worker takes a message only while `may_take` allows it (e.g. the dispatcher
// moves a document to OCR only when an OCR worker is free), so at most `workers` messages per
// pool are in flight and everything else waits, durably, in the broker.
//
// Thread safety: Start, Wake, RequestStop, Stop may be called from any thread; the handler runs
// on the pool's threads and must be thread-safe.
#ifndef SHEAF_SERVICE_STAGE_POOL_H_
#define SHEAF_SERVICE_STAGE_POOL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sheaf/broker.h"
#include "sheaf/status.h"

namespace sheaf {

struct StagePoolOptions {
  std::string name;                 // for logs and metrics, e.g. "ocr"
  std::vector<std::string> topics;  // leased from, by the broker's order and fairness
  int workers = 1;
  std::chrono::milliseconds lease{120000};
  // How long an idle worker sleeps before asking the broker again (Wake cuts it short).
  std::chrono::milliseconds idle_poll{250};
  // Asked before each lease; a worker waits while it returns false. Empty = always.
  std::function<bool()> may_take;
};

class StagePool {
 public:
  // Runs the stage on one delivery. OK = done and durable (Ack); an error = Nack with its
  // message.
  using Handler = std::function<Status(const Delivery&)>;
  // Called after each delivery with the stage's wall time and whether it returned OK.
  using Observer = std::function<void(const std::string& stage, double seconds, bool ok)>;

  StagePool(Broker* broker, StagePoolOptions options, Handler handler, Observer observer = {});
  ~StagePool();
  StagePool(const StagePool&) = delete;
  StagePool& operator=(const StagePool&) = delete;

  void Start();
  // Something may be ready (a message was published, capacity freed up): idle workers look now.
  void Wake();
  // Stop taking work; workers finish the message in hand. Returns at once.
  void RequestStop();
  // RequestStop, then waits until `deadline` for the workers to finish. Leases still held after
  // that are Nacked ("shutting down") so that they are delivered again at once (to this process
  // after a restart, or another); returns false then, leaving the stuck workers detached: the
  // process should exit.
  bool Stop(std::chrono::steady_clock::time_point deadline);

  int busy() const { return busy_.load(); }
  // Worker threads running (taking work or able to) and configured: their ratio is the pool's
  // share of the degradation controller's "worker availability".
  int alive() const { return running_.load(); }
  int workers() const { return options_.workers; }
  const std::string& name() const { return options_.name; }

 private:
  void WorkerLoop();
  void ExtenderLoop();

  Broker* broker_;
  StagePoolOptions options_;
  Handler handler_;
  Observer observer_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> busy_{0};
  std::atomic<int> running_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  std::uint64_t wakes_ = 0;            // GUARDED_BY(mu_)
  std::set<std::uint64_t> in_flight_;  // GUARDED_BY(mu_): lease ids being worked on
  std::vector<std::thread> threads_;
  std::thread extender_;
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_STAGE_POOL_H_
