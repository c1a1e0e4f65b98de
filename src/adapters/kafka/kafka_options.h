// SPDX-License-Identifier: GPL-3.0-or-later
//
// Where the Kafka broker finds its cluster and how it names things there. Pure functions, no
// Kafka SDK; thread-safe.
//
// URI: kafka://host:port[,host:port...][?namespace=abc&group_prefix=sheaf.]
// - namespace: every topic and consumer group is prefixed with "abc." on the cluster, so
//   several installations (or tests) share one cluster without seeing each other's messages.
// - group_prefix: the consumer groups are <group_prefix><the stage's topics>, see GroupName.
#ifndef SHEAF_ADAPTERS_KAFKA_KAFKA_OPTIONS_H_
#define SHEAF_ADAPTERS_KAFKA_KAFKA_OPTIONS_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "sheaf/status.h"

namespace sheaf {

struct KafkaOptions {
  std::string bootstrap_servers;  // "host:port,host:port"
  std::string ns;                 // namespace; "" = topics keep their own names
  std::string group_prefix = "sheaf.";
  // Publish (and a dead-letter or retry write) gives up with unavailable after this long
  // without an acknowledgement (librdkafka message.timeout.ms); so do admin calls and commits.
  std::chrono::milliseconds publish_timeout{30000};
  // Consumer group membership: a member silent this long is dropped and its partitions go to
  // the others (the broker only accepts values in its group.min/max.session.timeout.ms).
  std::chrono::milliseconds session_timeout{45000};
  std::chrono::milliseconds heartbeat_interval{3000};
  // Records held per partition in the local buffer (fetched, not yet committed); the
  // partition is paused while its buffer is full.
  int max_buffered_per_partition = 1000;
};

// Parses a kafka:// URI. Errors: invalid_argument naming what is wrong.
Result<KafkaOptions> ParseKafkaUri(std::string_view uri);

// The name of `topic` on the cluster: "<ns>.<topic>", or `topic` when ns is empty.
std::string ClusterTopic(const KafkaOptions& options, std::string_view topic);

// The consumer group of a stage that leases `topics` (any order, duplicates ignored):
// <ns>.<group_prefix><name>, where name is "documents.lanes" for the three ingestion lanes,
// the topic itself for one topic, and the sorted topics joined by '+' otherwise.
std::string GroupName(const KafkaOptions& options, std::vector<std::string> topics);

// The consumer group whose lag measures the depth of `topic`: the lanes' group for a lane,
// the topic's own group otherwise.
std::string LagGroupName(const KafkaOptions& options, std::string_view topic);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_KAFKA_KAFKA_OPTIONS_H_
