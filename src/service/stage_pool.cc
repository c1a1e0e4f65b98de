// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/stage_pool.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace sheaf {

StagePool::StagePool(Broker* broker, StagePoolOptions options, Handler handler, Observer observer)
    : broker_(broker),
      options_(std::move(options)),
      handler_(std::move(handler)),
      observer_(std::move(observer)) {}

StagePool::~StagePool() { Stop(std::chrono::steady_clock::now() + std::chrono::seconds(30)); }

void StagePool::Start() {
  if (!threads_.empty()) return;
  running_.store(options_.workers);
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  extender_ = std::thread([this] { ExtenderLoop(); });
}

void StagePool::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wakes_;
  }
  cv_.notify_all();
}

void StagePool::RequestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_.store(true);
  }
  cv_.notify_all();
}

bool StagePool::Stop(std::chrono::steady_clock::time_point deadline) {
  RequestStop();
  bool clean = true;
  {
    std::unique_lock<std::mutex> lock(mu_);
    clean = done_cv_.wait_until(lock, deadline, [&] { return running_.load() == 0; });
    if (!clean) {
      for (std::uint64_t id : in_flight_) {
        Status s = broker_->Nack(id, "shutting down");
        if (!s.ok() && s.code() != ErrorCode::kNotFound) {
          spdlog::warn("{}: releasing lease {}: {}", options_.name, id, s.message());
        }
      }
      in_flight_.clear();
      running_.store(0);  // the stuck workers no longer count; the extender stops
    }
  }
  done_cv_.notify_all();
  if (extender_.joinable()) extender_.join();
  for (std::thread& t : threads_) {
    if (!t.joinable()) continue;
    if (clean) {
      t.join();
    } else {
      t.detach();
    }
  }
  threads_.clear();
  return clean;
}

void StagePool::WorkerLoop() {
  while (!stopping_.load()) {
    std::uint64_t seen_wakes;
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_wakes = wakes_;
    }
    bool worked = false;
    if (!options_.may_take || options_.may_take()) {
      Result<std::vector<Delivery>> got = broker_->Lease(options_.topics, 1, options_.lease);
      if (!got.ok()) {
        spdlog::warn("{}: lease failed: {}", options_.name, got.status().message());
      } else if (!got->empty()) {
        const Delivery& d = got->front();
        {
          std::lock_guard<std::mutex> lock(mu_);
          in_flight_.insert(d.id);
        }
        busy_.fetch_add(1);
        const auto t0 = std::chrono::steady_clock::now();
        Status s = handler_(d);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        busy_.fetch_sub(1);
        bool held;
        {
          std::lock_guard<std::mutex> lock(mu_);
          held = in_flight_.erase(d.id) > 0;
        }
        if (held) {
          Status settled = s.ok() ? broker_->Ack(d.id) : broker_->Nack(d.id, s.message());
          if (!settled.ok() && settled.code() != ErrorCode::kNotFound) {
            spdlog::warn("{}: settling lease {}: {}", options_.name, d.id, settled.message());
          }
        }
        if (!s.ok()) {
          spdlog::warn("{}: {} attempt {} failed: {}", options_.name, d.message.key,
                       d.message.attempt, s.message());
        }
        if (observer_) observer_(options_.name, seconds, s.ok());
        worked = true;
      }
    }
    if (worked) continue;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, options_.idle_poll,
                 [&] { return stopping_.load() || wakes_ != seen_wakes; });
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_.load() > 0) running_.fetch_sub(1);
  }
  done_cv_.notify_all();
}

void StagePool::ExtenderLoop() {
  const auto every = std::max(std::chrono::milliseconds(50), options_.lease / 3);
  std::unique_lock<std::mutex> lock(mu_);
  while (running_.load() > 0) {
    done_cv_.wait_for(lock, every, [&] { return running_.load() == 0; });
    if (running_.load() == 0) break;
    std::vector<std::uint64_t> ids(in_flight_.begin(), in_flight_.end());
    lock.unlock();
    for (std::uint64_t id : ids) {
      Status s = broker_->Extend(id, options_.lease);
      if (!s.ok() && s.code() != ErrorCode::kNotFound) {
        spdlog::warn("{}: extending lease {}: {}", options_.name, id, s.message());
      }
    }
    lock.lock();
  }
}

}  // namespace sheaf
