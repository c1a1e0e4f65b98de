// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/background_loop.h"

#include <exception>
#include <utility>

namespace sheaf {

BackgroundLoop::BackgroundLoop(std::string name) : name_(std::move(name)) {}

BackgroundLoop::~BackgroundLoop() { Stop(); }

bool BackgroundLoop::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return thread_.joinable();
}

Status BackgroundLoop::Start(Step step) {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return Status::Ok();
  stop_ = false;
  step_ = std::move(step);
  try {
    thread_ = std::thread(&BackgroundLoop::Run, this);
  } catch (const std::exception& e) {
    return Status(ErrorCode::kUnavailable, name_ + ": cannot start its thread: " + e.what());
  }
  return Status::Ok();
}

void BackgroundLoop::Stop() {
  std::thread t;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    t = std::move(thread_);
  }
  wake_.notify_all();
  if (t.joinable()) t.join();
}

void BackgroundLoop::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

void BackgroundLoop::Run() {
  while (!stop_) {
    const Next next = step_();
    std::unique_lock<std::mutex> lock(mu_);
    if (next.wakeable) {
      wake_.wait_for(lock, next.wait, [&] { return stop_.load() || woken_; });
      woken_ = false;
    } else {
      wake_.wait_for(lock, next.wait, [&] { return stop_.load(); });
    }
  }
}

}  // namespace sheaf
