// SPDX-License-Identifier: GPL-3.0-or-later
//
// BackgroundLoop: one thread that runs a step, waits, and runs it again until stopped. The
// shape shared by the service's background tasks (the HITL probe, the audit shipper, the
// webhook deliverer, the degradation controller, the write spool's replayer), so that each of
// them says only what one round does and how long to wait after it.
//
// Contract:
//  - Start runs `step` on a new thread at once, then after each wait it asked for. It is a
//    no-op while the loop runs; kUnavailable when no thread can be started.
//  - A wait ends early on Stop, and on Wake when the step said it may (Next::wakeable): a task
//    that failed asks for an unwakeable wait so that new work does not make it spin.
//  - A Wake that arrives while the step runs is not lost: the next wakeable wait ends at once.
//  - Stop ends the current wait, lets a running step finish, and joins. Idempotent; the
//    destructor calls it. Never call Stop (or the destructor) from inside the step.
//  - stopping() is true from Stop on; a long step checks it to hand work back early.
// Thread-safe.
#ifndef SHEAF_CORE_BACKGROUND_LOOP_H_
#define SHEAF_CORE_BACKGROUND_LOOP_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "sheaf/status.h"

namespace sheaf {

class BackgroundLoop {
 public:
  // What to do after a step: wait `wait` (zero: run again at once, still honouring Stop).
  struct Next {
    std::chrono::milliseconds wait{0};
    bool wakeable = true;
  };
  using Step = std::function<Next()>;

  // `name` appears in errors ("<name>: cannot start its thread: ...").
  explicit BackgroundLoop(std::string name);
  ~BackgroundLoop();
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  Status Start(Step step);
  void Stop();
  void Wake();
  bool stopping() const { return stop_.load(); }
  bool running() const;

 private:
  void Run();

  const std::string name_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  Step step_;                      // GUARDED_BY(mu_) for Start; read by the thread
  bool woken_ = false;             // GUARDED_BY(mu_)
  std::atomic<bool> stop_{false};
  std::thread thread_;             // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_CORE_BACKGROUND_LOOP_H_
