// SPDX-License-Identifier: GPL-3.0-or-later
//
// Topic administration for the Kafka broker, by the Admin API: creating the 11 topics of
// sheaf/topics.h with their partition counts (`sheaf kafka create-topics`), and deleting a
// namespace's topics (tests, development). Thread-safe: each call uses its own client.
#ifndef SHEAF_ADAPTERS_KAFKA_KAFKA_ADMIN_H_
#define SHEAF_ADAPTERS_KAFKA_KAFKA_ADMIN_H_

#include "adapters/kafka/kafka_options.h"
#include "sheaf/status.h"

namespace sheaf {

// Creates every topic of kTopics (named by ClusterTopic) with its partition count,
// `replication_factor` replicas and min.insync.replicas = `min_insync_replicas`. Idempotent: a
// topic that exists with the right partition count is left as it is. Errors: invalid_argument
// for factors below 1, min_insync_replicas > replication_factor, or an existing topic with
// another partition count (naming the topic and both counts); unavailable when the cluster
// does not answer within options.publish_timeout or refuses (the message names the topic).
Status CreateTopics(const KafkaOptions& options, int replication_factor, int min_insync_replicas);

// Deletes every topic of kTopics in options.ns (topics that do not exist are fine). Refuses
// (invalid_argument) when options.ns is empty: it never deletes an installation's own topics.
Status DeleteTopics(const KafkaOptions& options);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_KAFKA_KAFKA_ADMIN_H_
