// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/backend_commands.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "adapters/kafka/kafka_admin.h"
#include "adapters/kafka/kafka_options.h"
#include "app/backends.h"
#include "sheaf/topics.h"

namespace sheaf::app {

namespace {
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
}  // namespace

struct BackendCommands::State {
  CLI::App* create_topics = nullptr;
  std::string broker;
  int replication_factor = 3;
  int min_insync_replicas = 2;

  int CreateTopics() const {
    if (broker.empty()) {
      std::cerr << "sheaf kafka create-topics: no broker: give --broker kafka://HOST:PORT or set "
                   "SHEAF_BROKER\n";
      return kExitUsage;
    }
    Result<BackendUrl> url = ParseBackendUrl(broker);
    if (!url.ok() || url->scheme != "kafka") {
      std::cerr << "sheaf kafka create-topics: --broker " << RedactUrl(broker)
                << ": expected kafka://HOST:PORT[,HOST:PORT...][?namespace=N]\n";
      return kExitUsage;
    }
    Result<KafkaOptions> options = ParseKafkaUri(broker);
    if (!options.ok()) {
      std::cerr << "sheaf kafka create-topics: " << options.status().message() << "\n";
      return kExitUsage;
    }
    Status s = sheaf::CreateTopics(*options, replication_factor, min_insync_replicas);
    if (!s.ok()) {
      std::cerr << "sheaf kafka create-topics: " << s.message() << "\n";
      return s.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
    }
    for (const TopicInfo& t : kTopics) {
      std::cout << ClusterTopic(*options, t.name) << "\tpartitions " << t.partitions
                << "\treplication " << replication_factor << "\tmin.insync.replicas "
                << min_insync_replicas << "\n";
    }
    return kExitOk;
  }
};

BackendCommands::BackendCommands(CLI::App& app) : state_(std::make_unique<State>()) {
  CLI::App* kafka = app.add_subcommand("kafka", "Kafka administration (docs/scaling.md)");
  kafka->require_subcommand(1);
  State& s = *state_;
  s.create_topics = kafka->add_subcommand(
      "create-topics",
      "Creates the design's topics with their partition counts (idempotent; a topic with another "
      "partition count is an error)");
  s.create_topics
      ->add_option("--broker", s.broker, "kafka://HOST:PORT[,HOST:PORT...][?namespace=N]")
      ->envname("SHEAF_BROKER");
  s.create_topics
      ->add_option("--replication-factor", s.replication_factor,
                   "Replicas of every partition (production: 3)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  s.create_topics
      ->add_option("--min-insync-replicas", s.min_insync_replicas,
                   "Replicas that must have a write before it is acknowledged (production: 2)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
}

BackendCommands::~BackendCommands() = default;

std::optional<int> BackendCommands::Run() {
  if (state_->create_topics->parsed()) return state_->CreateTopics();
  return std::nullopt;
}

}  // namespace sheaf::app
