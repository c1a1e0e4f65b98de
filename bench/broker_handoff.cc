// SPDX-License-Identifier: GPL-3.0-or-later
//
// Stage hand-off through a Broker with Sheaf's own producer and consumer code: N messages are
// published to ocr.tasks, then W worker threads do what every stage does with each one - lease
// it, publish its successor to classification.tasks (durably), ack it - until all are handed
// on. Reported: publish rate (one durable Publish at a time per thread) and hand-off rate
// (messages moved from one stage to the next per second), for the embedded broker and, when a
// Kafka is given, for Kafka, in the same run on the same machine.
//
// Usage: sheaf_broker_handoff [--messages N] [--threads W] [--kafka HOST:PORT]
//        (--kafka defaults to $SHEAF_TEST_KAFKA; without one only the embedded broker runs)
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kafka/kafka_admin.h"
#include "adapters/kafka/kafka_broker.h"
#include "adapters/kafka/kafka_options.h"
#include "adapters/sqlite/sqlite_broker.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Rates {
  double publish_per_s = 0;
  double handoff_per_s = 0;
};

// Publishes `n` messages from `threads` threads, then hands them on from ocr.tasks to
// classification.tasks with `threads` workers. `catch_up` waits until the consumer sees them.
Rates Run(sheaf::Broker& broker, int n, int threads,
          const std::function<void(const std::vector<std::string>&)>& catch_up) {
  const std::string payload = R"({"tenant_id":"bench","document_id":"0123456789abcdef0123456789abcdef"})";
  std::atomic<int> next{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int i; (i = next.fetch_add(1)) < n;) {
        const std::string tenant = "tenant-" + std::to_string(i % 16);
        sheaf::Status s = broker.Publish("ocr.tasks", tenant, "doc-" + std::to_string(i), payload);
        if (!s.ok()) std::fprintf(stderr, "publish: %s\n", s.message().c_str());
      }
    });
  }
  for (auto& t : pool) t.join();
  pool.clear();
  const auto t1 = Clock::now();
  catch_up({"ocr.tasks"});

  std::atomic<int> moved{0};
  const auto t2 = Clock::now();
  const auto give_up = t2 + std::chrono::minutes(5);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (moved.load() < n && Clock::now() < give_up) {
        auto got = broker.Lease({"ocr.tasks"}, 1, std::chrono::seconds(60));
        if (!got.ok() || got->empty()) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          continue;
        }
        const sheaf::Delivery& d = got->front();
        sheaf::Status s = broker.Publish("classification.tasks", d.message.tenant, d.message.key,
                                         d.message.payload);
        if (s.ok()) s = broker.Ack(d.id);
        if (s.ok()) {
          moved.fetch_add(1);
        } else {
          std::fprintf(stderr, "hand-off: %s\n", s.message().c_str());
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  const auto t3 = Clock::now();
  if (moved.load() < n) std::fprintf(stderr, "only %d of %d handed on\n", moved.load(), n);
  return {n / Seconds(t0, t1), moved.load() / Seconds(t2, t3)};
}

void Print(const char* name, const Rates& r, int n, int threads) {
  std::printf("%-10s %6d messages, %2d threads: publish %8.0f msg/s, stage hand-off %8.0f msg/s\n",
              name, n, threads, r.publish_per_s, r.handoff_per_s);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int n = 2000;
  int threads = 8;
  std::string kafka = std::getenv("SHEAF_TEST_KAFKA") ? std::getenv("SHEAF_TEST_KAFKA") : "";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--messages") n = std::atoi(argv[i + 1]);
    else if (flag == "--threads") threads = std::atoi(argv[i + 1]);
    else if (flag == "--kafka") kafka = argv[i + 1];
  }
  if (n < 1 || threads < 1) {
    std::fprintf(stderr, "usage: sheaf_broker_handoff [--messages N] [--threads W] [--kafka HOST:PORT]\n");
    return 2;
  }

  {
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("sheaf-handoff-" + std::to_string(::getpid())))
            .string();
    std::filesystem::create_directories(dir);
    auto broker = sheaf::SqliteBroker::Open(dir + "/queue.sqlite", {});
    if (!broker.ok()) {
      std::fprintf(stderr, "embedded: %s\n", broker.status().message().c_str());
      return 1;
    }
    Print("embedded", Run(**broker, n, threads, [](const std::vector<std::string>&) {}), n, threads);
    broker->reset();
    std::filesystem::remove_all(dir);
  }
  if (kafka.empty()) {
    std::printf("kafka: skipped (no --kafka and no SHEAF_TEST_KAFKA)\n");
    return 0;
  }
  std::mt19937_64 rng(std::random_device{}());
  auto options = sheaf::ParseKafkaUri("kafka://" + kafka + "?namespace=handoff" +
                                      std::to_string(rng() % 1000000000));
  if (!options.ok()) {
    std::fprintf(stderr, "kafka: %s\n", options.status().message().c_str());
    return 2;
  }
  if (sheaf::Status s = sheaf::CreateTopics(*options, 1, 1); !s.ok()) {
    std::fprintf(stderr, "kafka: %s\n", s.message().c_str());
    return 1;
  }
  {
    auto broker = sheaf::KafkaBroker::Open(*options, {});
    if (!broker.ok()) {
      std::fprintf(stderr, "kafka: %s\n", broker.status().message().c_str());
      return 1;
    }
    sheaf::KafkaBroker& k = **broker;
    Print("kafka", Run(k, n, threads, [&k](const std::vector<std::string>& topics) {
            (void)k.CatchUp(topics, std::chrono::seconds(60));
          }), n, threads);
  }
  (void)sheaf::DeleteTopics(*options);
  return 0;
}
