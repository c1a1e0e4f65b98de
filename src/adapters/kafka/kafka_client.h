// SPDX-License-Identifier: GPL-3.0-or-later
//
// Small owners of librdkafka objects and the client settings Sheaf uses, shared by the broker
// and the admin functions. Inside src/adapters/kafka only. Thread-compatible.
#ifndef SHEAF_ADAPTERS_KAFKA_KAFKA_CLIENT_H_
#define SHEAF_ADAPTERS_KAFKA_KAFKA_CLIENT_H_

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "adapters/kafka/kafka_options.h"
#include "sheaf/status.h"

namespace sheaf::kafka {

// Owns an rd_kafka_conf_t until a client takes it.
class Conf {
 public:
  Conf() : conf_(rd_kafka_conf_new()) {}
  ~Conf() {
    if (conf_ != nullptr) rd_kafka_conf_destroy(conf_);
  }
  Conf(const Conf&) = delete;
  Conf& operator=(const Conf&) = delete;
  // Returns invalid_argument naming the setting when librdkafka rejects it.
  Status Set(const std::string& name, const std::string& value);
  rd_kafka_conf_t* get() const { return conf_; }
  rd_kafka_conf_t* release() {
    rd_kafka_conf_t* c = conf_;
    conf_ = nullptr;
    return c;
  }

 private:
  rd_kafka_conf_t* conf_;
};

// Owns an rd_kafka_topic_partition_list_t.
class PartitionList {
 public:
  PartitionList() : list_(rd_kafka_topic_partition_list_new(4)) {}
  ~PartitionList() { rd_kafka_topic_partition_list_destroy(list_); }
  PartitionList(const PartitionList&) = delete;
  PartitionList& operator=(const PartitionList&) = delete;
  void Add(const char* topic, int partition, std::int64_t offset) {
    rd_kafka_topic_partition_list_add(list_, topic, partition)->offset = offset;
  }
  int size() const { return list_->cnt; }
  rd_kafka_topic_partition_list_t* get() const { return list_; }

 private:
  rd_kafka_topic_partition_list_t* list_;
};

// Settings common to every client: servers, timeouts, logging to spdlog.
Status CommonSettings(const KafkaOptions& options, Conf* conf);
// An idempotent producer with acks=all and message.timeout.ms = publish_timeout.
Status ProducerSettings(const KafkaOptions& options, Conf* conf);
// A consumer of group `group`: no auto commit or offset store, cooperative-sticky,
// read_committed, earliest when nothing is committed.
Status ConsumerSettings(const KafkaOptions& options, const std::string& group, Conf* conf);
// Creates a client; takes `conf` on success.
Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, Conf* conf);

// Waits for the result event of an Admin API call on `queue`; nullptr after `timeout`.
rd_kafka_event_t* WaitForEvent(rd_kafka_queue_t* queue, rd_kafka_event_type_t type,
                               std::chrono::milliseconds timeout);

}  // namespace sheaf::kafka

#endif  // SHEAF_ADAPTERS_KAFKA_KAFKA_CLIENT_H_
