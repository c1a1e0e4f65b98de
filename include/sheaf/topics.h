// SPDX-License-Identifier: GPL-3.0-or-later
//
// The topics between Sheaf's stages and how a message finds its partition, shared by every
// Broker (the embedded SQLite broker now, the Kafka adapter later) so that all of them agree.
//
// Contract:
// - The topic set is closed: exactly the topics of the design ("Kafka Topic Architecture") plus
//   review.tasks and export.tasks. A broker rejects any other name with invalid_argument.
// - PartitionFor(tenant, n) is a pure function, stable across processes, builds and platforms:
//   the same tenant always lands on the same partition of an n-partition topic.
// - Header-only and constexpr; no dependencies. Thread-safe (pure functions and constants).
#ifndef SHEAF_TOPICS_H_
#define SHEAF_TOPICS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sheaf {

namespace topics {
// Ingestion lanes, by priority.
inline constexpr std::string_view kDocumentsUrgent = "documents.urgent";
inline constexpr std::string_view kDocumentsHigh = "documents.high";
inline constexpr std::string_view kDocumentsNormal = "documents.normal";
// Processing stages, in pipeline order.
inline constexpr std::string_view kOcrTasks = "ocr.tasks";
inline constexpr std::string_view kClassificationTasks = "classification.tasks";
inline constexpr std::string_view kExtractionTasks = "extraction.tasks";
inline constexpr std::string_view kValidationTasks = "validation.tasks";
// Results. documents.failed is also the dead-letter topic of every other topic.
inline constexpr std::string_view kDocumentsCompleted = "documents.completed";
inline constexpr std::string_view kDocumentsFailed = "documents.failed";
// Human review and delivery to the customer's systems.
inline constexpr std::string_view kReviewTasks = "review.tasks";
inline constexpr std::string_view kExportTasks = "export.tasks";
}  // namespace topics

struct TopicInfo {
  std::string_view name;
  int partitions;
};

// Every topic with its partition count. The counts are the design's, except review.tasks and
// export.tasks, which the design does not draw: review is paced by people (3, like
// documents.failed) and every completed document is exported (6, like documents.completed).
inline constexpr std::array<TopicInfo, 11> kTopics = {{
    {topics::kDocumentsUrgent, 3},
    {topics::kDocumentsHigh, 6},
    {topics::kDocumentsNormal, 12},
    {topics::kOcrTasks, 12},
    {topics::kClassificationTasks, 6},
    {topics::kExtractionTasks, 12},
    {topics::kValidationTasks, 6},
    {topics::kDocumentsCompleted, 6},
    {topics::kDocumentsFailed, 3},
    {topics::kReviewTasks, 3},
    {topics::kExportTasks, 6},
}};

// The priority lanes a document is ingested on.
enum class Lane { kUrgent, kHigh, kNormal };

constexpr std::string_view LaneTopic(Lane lane) {
  switch (lane) {
    case Lane::kUrgent:
      return topics::kDocumentsUrgent;
    case Lane::kHigh:
      return topics::kDocumentsHigh;
    case Lane::kNormal:
      return topics::kDocumentsNormal;
  }
  return topics::kDocumentsNormal;
}

// Returns the lane whose topic is `topic`, std::nullopt for the other topics.
constexpr std::optional<Lane> LaneOf(std::string_view topic) {
  if (topic == topics::kDocumentsUrgent) return Lane::kUrgent;
  if (topic == topics::kDocumentsHigh) return Lane::kHigh;
  if (topic == topics::kDocumentsNormal) return Lane::kNormal;
  return std::nullopt;
}

// Returns the partition count of `topic`, 0 iff `topic` is not one of kTopics.
constexpr int PartitionCount(std::string_view topic) {
  for (const TopicInfo& t : kTopics) {
    if (t.name == topic) return t.partitions;
  }
  return 0;
}

constexpr int PartitionCount(Lane lane) { return PartitionCount(LaneTopic(lane)); }

// MurmurHash2 (32 bit) with the seed 0x9747b28c, over the bytes of `data`, reading 4-byte
// blocks little-endian whatever the host's byte order.
//
// Why this hash: it is the hash of Kafka's default partitioner (the Java client's
// `toPositive(murmur2(key)) % partitions`, and librdkafka's "murmur2_random" partitioner), so
// when the Kafka adapter produces with the tenant as the record key, Kafka itself puts a tenant
// on the same partition as PartitionFor does, with no custom partitioner. It is also fast on
// short keys and spreads them well. (FNV-1a would be as good a hash, but no Kafka client uses
// it.)
constexpr std::uint32_t Murmur2(std::string_view data) {
  constexpr std::uint32_t kSeed = 0x9747b28c;
  constexpr std::uint32_t kMix = 0x5bd1e995;
  constexpr int kShift = 24;
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(data[i]));
  };
  const std::size_t size = data.size();
  std::uint32_t h = kSeed ^ static_cast<std::uint32_t>(size);
  std::size_t i = 0;
  for (; i + 4 <= size; i += 4) {
    std::uint32_t k = byte(i) | byte(i + 1) << 8 | byte(i + 2) << 16 | byte(i + 3) << 24;
    k *= kMix;
    k ^= k >> kShift;
    k *= kMix;
    h *= kMix;
    h ^= k;
  }
  // The last 1 to 3 bytes.
  switch (size - i) {
    case 3:
      h ^= byte(i + 2) << 16;
      [[fallthrough]];
    case 2:
      h ^= byte(i + 1) << 8;
      [[fallthrough]];
    case 1:
      h ^= byte(i);
      h *= kMix;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= kMix;
  h ^= h >> 15;
  return h;
}

// Returns the partition of `tenant` in a topic of `partitions` partitions: in [0, partitions).
// Like Kafka's default partitioner, the sign bit of the hash is cleared (not abs(), which would
// fold -x and x together and overflow on INT_MIN), so the modulo is never negative.
// REQUIRES: partitions > 0 (anything else returns 0).
constexpr int PartitionFor(std::string_view tenant, int partitions) {
  if (partitions <= 0) return 0;
  return static_cast<int>((Murmur2(tenant) & 0x7fffffffu) % static_cast<std::uint32_t>(partitions));
}

// What a message is partitioned by. On the ingestion lanes, the tenant: the design's "Partition
// Key Strategy" (a tenant's documents keep their order in a lane, and the lanes are where
// priority and tenant turns are applied). On every other topic, the document (the message key,
// or the tenant when a message has none): by then the dispatcher has applied priority and
// fairness, nothing downstream needs a tenant's order, and one tenant's burst spreads over all
// of a stage's partitions - so over all of its workers, which a partition per tenant would not
// allow (docs/scaling.md).
constexpr std::string_view PartitionKey(std::string_view topic, std::string_view tenant,
                                        std::string_view key) {
  return LaneOf(topic).has_value() || key.empty() ? tenant : key;
}

// The partition every broker puts a message on: PartitionFor(PartitionKey(...), count).
constexpr int PartitionOf(std::string_view topic, std::string_view tenant, std::string_view key) {
  return PartitionFor(PartitionKey(topic, tenant, key), PartitionCount(topic));
}

// Kafka compatibility: the values the Java client's Utils.murmur2 returns for these keys.
static_assert(Murmur2("") == 0x106e08d9);
static_assert(Murmur2("kafka") == 0xd067cf64);
static_assert(Murmur2("1234") == 0x9fc97b14);
static_assert(Murmur2("34") == 0x873930da);

}  // namespace sheaf

#endif  // SHEAF_TOPICS_H_
