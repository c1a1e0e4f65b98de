// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/backend_commands.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "adapters/kafka/kafka_admin.h"
#include "adapters/kafka/kafka_options.h"
#include "adapters/postgres/migrations.h"
#include "adapters/postgres/postgres_metadata_store.h"
#include "app/backends.h"
#include "sheaf/topics.h"

namespace sheaf::app {

namespace {
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
}  // namespace

struct BackendCommands::State {
  CLI::App* migrate = nullptr;
  std::string metadata;

  int Migrate() const {
    Result<BackendUrl> url = ParseBackendUrl(metadata);
    if (metadata.empty() || !url.ok() || (url->scheme != "postgres" && url->scheme != "postgresql")) {
      if (url.ok() && url->scheme == "sqlite") {
        std::cout << "sheaf migrate: " << metadata
                  << ": the SQLite store migrates itself when it opens; nothing to do\n";
        return kExitOk;
      }
      std::cerr << "sheaf migrate: --metadata " << RedactUrl(metadata)
                << ": expected postgres://USER@HOST:PORT/DB[?schema=S] (or set SHEAF_METADATA)\n";
      return kExitUsage;
    }
    Result<PostgresUrl> pg = ParsePostgresUrl(metadata);
    if (!pg.ok()) {
      std::cerr << "sheaf migrate: " << pg.status().message() << "\n";
      return kExitUsage;
    }
    Result<pg::MigrationReport> report = pg::Migrate(pg->conninfo, pg->schema);
    if (!report.ok()) {
      std::cerr << "sheaf migrate: " << report.status().message() << "\n";
      return report.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
    }
    if (report->from == report->to) {
      std::cout << "schema " << (pg->schema.empty() ? "(default)" : pg->schema)
                << " is at version " << report->to << ": nothing to do\n";
    } else {
      std::cout << "schema " << (pg->schema.empty() ? "(default)" : pg->schema)
                << " migrated from version " << report->from << " to " << report->to << "\n";
    }
    return kExitOk;
  }

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
  State& st = *state_;
  st.migrate = app.add_subcommand(
      "migrate", "Brings the PostgreSQL metadata schema to this version of Sheaf (idempotent)");
  st.migrate
      ->add_option("--metadata", st.metadata, "postgres://USER@HOST:PORT/DB[?schema=S]")
      ->envname("SHEAF_METADATA");
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
  if (state_->migrate->parsed()) return state_->Migrate();
  if (state_->create_topics->parsed()) return state_->CreateTopics();
  return std::nullopt;
}

}  // namespace sheaf::app
