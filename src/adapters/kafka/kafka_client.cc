// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/kafka/kafka_client.h"

#include <spdlog/spdlog.h>

namespace sheaf::kafka {

namespace {

void LogToSpdlog(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  // syslog levels: 0-3 errors, 4 warning, 5-6 info, 7 debug.
  const spdlog::level::level_enum l = level <= 3   ? spdlog::level::err
                                      : level == 4 ? spdlog::level::warn
                                      : level <= 6 ? spdlog::level::info
                                                   : spdlog::level::debug;
  spdlog::log(l, "librdkafka {} {}: {}", rd_kafka_name(rk), facility, message);
}

}  // namespace

Status Conf::Set(const std::string& name, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf_, name.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    return Status(ErrorCode::kInvalidArgument, "kafka setting " + name + "=" + value + ": " + err);
  }
  return Status::Ok();
}

Status CommonSettings(const KafkaOptions& options, Conf* conf) {
  rd_kafka_conf_set_log_cb(conf->get(), LogToSpdlog);
  // Above fetch.wait.max.ms by more than a second (librdkafka warns otherwise).
  const std::string timeout =
      std::to_string(std::max<std::int64_t>(options.publish_timeout.count(), 5000));
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"bootstrap.servers", options.bootstrap_servers},
           {"socket.timeout.ms", timeout},
           {"client.id", "sheaf"},
       }) {
    if (Status s = conf->Set(name, value); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ProducerSettings(const KafkaOptions& options, Conf* conf) {
  if (Status s = CommonSettings(options, conf); !s.ok()) return s;
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"enable.idempotence", "true"},
           {"acks", "all"},
           {"message.timeout.ms", std::to_string(options.publish_timeout.count())},
           {"linger.ms", "1"},
       }) {
    if (Status s = conf->Set(name, value); !s.ok()) return s;
  }
  return Status::Ok();
}

Status ConsumerSettings(const KafkaOptions& options, const std::string& group, Conf* conf) {
  if (Status s = CommonSettings(options, conf); !s.ok()) return s;
  // Prefetch at most about one buffer per partition: the buffer is the bound, not librdkafka.
  const int prefetch = std::max(1, options.max_buffered_per_partition);
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"group.id", group},
           {"enable.auto.commit", "false"},
           {"enable.auto.offset.store", "false"},
           {"auto.offset.reset", "earliest"},
           {"partition.assignment.strategy", "cooperative-sticky"},
           {"isolation.level", "read_committed"},
           {"session.timeout.ms", std::to_string(options.session_timeout.count())},
           {"heartbeat.interval.ms", std::to_string(options.heartbeat_interval.count())},
           {"fetch.wait.max.ms", "100"},
           // librdkafka 2.0 also backs off this long after a pause or a full queue (500 ms).
           {"fetch.error.backoff.ms", "50"},
           {"queued.min.messages", std::to_string(prefetch)},
           {"queued.max.messages.kbytes", "16384"},
       }) {
    if (Status s = conf->Set(name, value); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, Conf* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf->get(), err, sizeof err);
  if (rk == nullptr) {
    return Status(ErrorCode::kInvalidArgument,
                  std::string("kafka: cannot create a client: ") + err);
  }
  conf->release();  // rd_kafka_new took it
  return rk;
}

rd_kafka_event_t* WaitForEvent(rd_kafka_queue_t* queue, rd_kafka_event_type_t type,
                               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, static_cast<int>(left.count()));
    if (ev == nullptr) return nullptr;
    if (rd_kafka_event_type(ev) == type) return ev;
    rd_kafka_event_destroy(ev);
  }
}

}  // namespace sheaf::kafka
