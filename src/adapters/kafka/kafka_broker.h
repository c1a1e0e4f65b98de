// SPDX-License-Identifier: GPL-3.0-or-later
//
// The Kafka Broker (librdkafka): the contract of sheaf/broker.h with leases and acks mapped on
// consumer-group offsets.
//
// Publishing: one idempotent producer (enable.idempotence, acks=all) per broker object. The
// record key is the tenant and the partition is set to PartitionOf(topic, tenant, key)
// (sheaf/topics.h: by tenant on the lanes, by document elsewhere; the same partition Kafka's
// murmur2 partitioner picks for that key). Publish returns OK only after the delivery
// report says the record is acknowledged by all in-sync replicas; with no acknowledgement
// within KafkaOptions::publish_timeout it returns unavailable (the record may still have been
// written: a retry can duplicate it, which idempotent stages absorb). PublishBatch is one Kafka
// transaction (a second, transactional producer, transactional.id = <group prefix>tx.<random>),
// read by consumers with isolation.level=read_committed: all or nothing. Metadata travels in
// headers: key, attempt (attempts ended before this record), last_error, origin_topic,
// enqueued (ms, on the injected clock), not_before (ms), message_id, parked.
//
// Leasing: one consumer per distinct topic set, created at the first Lease of that set, in
// group GroupName(topics) (kafka_options.h), cooperative-sticky, no auto commit. Processes
// leasing the same topics share the partitions. Fetched records go into a bounded buffer per
// partition (LeaseTable); a full partition is paused until it drains, so a backlog on one lane
// never keeps another lane's records from being fetched. (librdkafka 2.0 starts fetching a
// resumed partition about a second after the resume: harmless with a buffer of hundreds.)
// Lease hands out what the buffer holds now and never waits for the network: right after start
// (group join) or right after a Publish, it may return nothing for a moment. CatchUp waits for
// the buffer to catch up.
//
// Acks: an offset is committed (synchronously, before Ack returns) once it and every earlier
// offset of its partition are done; a commit already in flight is waited for, then one commit
// covers every Ack that arrived meanwhile. At least once: a stage publishes its output (Publish
// waits for acks=all) before it acks its input, and the input's offset is committed only after
// that, so a crash at any point redelivers the input, never loses the output. If the commit itself
// fails (a rebalance, the cluster down), Ack still returns OK - the lease ended - and the next
// commit of that partition covers it; until then a crash redelivers the record.
//
// What holds of the contract on Kafka, and what differs:
// - Holds: durability (acks=all), at-least-once, lease ids and not_found for ended leases,
//   attempts and last_error, Nack backoff (RetryDelay on the injected clock, drawn from
//   Rng(jitter_seed) in order), lease expiry (attempt+1, "lease expired"), dead-lettering to
//   documents.failed after max_attempts with origin_topic and attempt from 0, message_id kept
//   across retries and dead-lettering, Stats, PublishBatch all-or-nothing.
// - Order holds within what the buffer holds: lanes by smooth weighted round robin, tenants
//   taking turns, a tenant in offset order. Tenants whose records share a partition are FIFO
//   beyond the buffer (max_buffered_per_partition records): a tenant behind another's backlog
//   of more than that on the same partition waits for the backlog to shrink to it.
// - Differs: a Nack republishes the record at the end of its partition (with attempt,
//   last_error and not_before) and marks the original done; so a retried message does NOT keep
//   its place in line - after its backoff it comes after the records published meanwhile.
// - Differs: when a consumer process dies, its uncommitted records are delivered again to
//   another member after the session timeout, with the attempt from their headers: the attempt
//   that died with the process is not counted (a poison message that kills its consumer is
//   dead-lettered only by lease expiry within a living process, not by crashes).
// - Differs: parked messages (documents.failed out of attempts) are written to documents.failed
//   again with the header parked=1; every consumer skips them. They stay on the topic for an
//   operator (until retention). Stats(documents.failed).parked counts what this process parked
//   since it started, not the cluster-wide total.
// - Differs: Stats of a topic this process leases counts its own buffer (ready, delayed,
//   in_flight) plus the records of its assigned partitions not yet fetched (ready); Stats of a
//   topic it does not lease reports the lag of the topic's group (all partitions, all
//   processes: queued or in flight somewhere) as ready, with in_flight and delayed 0.
//
// Costs: Ack commits synchronously (a round trip to the group coordinator) but outside its
// stage's lock, and Acks that arrive while a commit is in flight share the next one (group
// commit: one commit covers every partition's done prefix); a lease expiring on its last
// attempt is dead-lettered (a publish round trip) inside Lease or Stats; PublishBatch runs one
// transaction at a time per broker object.
//
// Thread safety: every method from any thread. Each consumer handle is polled under its
// group's mutex; the producers are thread-safe; one thread serves delivery reports.
#ifndef SHEAF_ADAPTERS_KAFKA_KAFKA_BROKER_H_
#define SHEAF_ADAPTERS_KAFKA_KAFKA_BROKER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kafka/kafka_options.h"
#include "queue/backoff.h"
#include "sheaf/broker.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace sheaf {

namespace kafka {
struct ConsumerGroup;  // one stage's consumer and its lease table (kafka_broker.cc)
struct Record;
struct Progress;
struct PartitionKey;
}  // namespace kafka

class KafkaBroker final : public Broker {
 public:
  // Connects the producer (no network round trip: it fails later, in Publish, if the cluster is
  // down). Errors: invalid_argument for options out of range or a configuration librdkafka
  // rejects.
  static Result<std::unique_ptr<KafkaBroker>> Open(KafkaOptions kafka, BrokerOptions options);
  // Leaves the consumer groups (committing done offsets), flushes the producers for up to
  // publish_timeout, then closes. REQUIRES: no call on this broker is running or will start.
  ~KafkaBroker() override;
  KafkaBroker(const KafkaBroker&) = delete;
  KafkaBroker& operator=(const KafkaBroker&) = delete;

  Status Publish(const std::string& topic, const std::string& tenant, const std::string& key,
                 std::string_view payload) override;
  Status PublishBatch(const std::vector<Outgoing>& messages) override;
  std::future<Status> PublishAsync(const std::string& topic, const std::string& tenant,
                                   const std::string& key, std::string payload) override;
  Result<std::vector<Delivery>> Lease(const std::vector<std::string>& topics, int max,
                                      std::chrono::milliseconds lease) override;
  Status Ack(std::uint64_t id) override;
  Status Nack(std::uint64_t id, const std::string& error) override;
  Status Extend(std::uint64_t id, std::chrono::milliseconds lease) override;
  Result<TopicStats> Stats(const std::string& topic) override;

  // Consumer lag of `topic` per partition (index = partition): high watermark minus the
  // committed offset of LagGroupName(topic) (the log start when nothing is committed). The
  // autoscaling signal. Errors: invalid_argument for an unknown topic; unavailable when the
  // cluster does not answer within publish_timeout.
  Result<std::vector<std::int64_t>> Lag(const std::string& topic);
  // The consumer group Lag(topic) measures (LagGroupName).
  std::string LagGroup(const std::string& topic) const { return LagGroupName(kafka_, topic); }

  // Waits until the consumer of `topics` (created if needed; every consumer when empty) has a
  // partition assignment and has fetched, on each assigned partition whose buffer is not full,
  // every record written before the call (transaction markers included). For tests and
  // start-up. Errors: invalid_argument as Lease; unavailable when not caught up by `timeout`.
  Status CatchUp(const std::vector<std::string>& topics, std::chrono::milliseconds timeout);

 private:
  using Group = kafka::ConsumerGroup;
  KafkaBroker(KafkaOptions kafka, BrokerOptions options);

  std::int64_t NowMs() const;
  Status ValidateTopics(const std::vector<std::string>& topics) const;
  Result<Group*> GroupFor(const std::vector<std::string>& topics);
  std::vector<Group*> Groups();
  // Polls the group's consumer without waiting and buffers what it has. REQUIRES: g.mu held.
  void Drain(Group& g);
  // Ends the expired leases of the group (dead-lettering the last attempts); returns true when
  // a commit is due. REQUIRES: g.mu held.
  bool ExpireLeases(Group& g, std::int64_t now_ms);
  struct Headers;
  // Writes one record (cluster name of `topic`); the future holds its delivery report.
  std::future<Status> Produce(const std::string& topic, int partition, const std::string& tenant,
                              std::string_view payload, const Headers& h);
  // Waits for a delivery report, at most publish_timeout (+ a margin).
  Status Wait(std::future<Status> f) const;
  // Publishes the record whose last attempt ended with `error` to documents.failed, or parks
  // it when it is already there. Waits for the acknowledgement.
  Status DeadLetter(const kafka::Record& r, const std::string& error);
  // The consumer's fetch position of `p` (past delivered records and transaction markers), -1
  // when unknown. REQUIRES: g.mu held.
  std::int64_t Position(Group& g, const kafka::PartitionKey& p);
  // Resumes the partition if `p` asks; returns true when a commit is due (CommitDone).
  // REQUIRES: g.mu held.
  bool Apply(Group& g, const std::string& topic, int partition, const kafka::Progress& p);
  // Commits every done prefix of the group not committed yet, synchronously; concurrent callers
  // share one commit. REQUIRES: g.mu not held.
  void CommitDone(Group& g);
  std::chrono::milliseconds DrawDelay(int attempt);
  std::uint64_t NewMessageId();
  // Creates and initialises the transactional producer. REQUIRES: tx_mu_ held.
  Status InitTransactions();
  // The committed offsets of `group` on partitions 0..partitions-1 of `cluster_topic` (-1
  // where none), asked through a consumer of that group that never subscribes
  // (rd_kafka_committed), one per group, made on first use. Not through the Admin API's
  // ListConsumerGroupOffsets: librdkafka (Debian 12's 2.0.2 and later releases) can abort on an
  // assertion in its coordinator-request path when the broker goes away mid-request
  // (rd_kafka_enq_once_del_source_return, "eonce->refcnt > 0"), which took api and worker
  // processes down across a Kafka restart in the chaos suite (docs/reliability.md).
  Result<std::vector<std::int64_t>> Committed(const std::string& group,
                                              const std::string& cluster_topic, int partitions);

  const KafkaOptions kafka_;
  const BrokerOptions options_;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_t* tx_producer_ = nullptr;  // created at the first PublishBatch
  std::mutex tx_mu_;                   // one transaction at a time; guards tx_producer_
  std::atomic<bool> stopping_{false};
  std::thread poller_;  // serves the producer's delivery reports

  std::mutex readers_mu_;  // guards offset_readers_
  std::map<std::string, rd_kafka_t*> offset_readers_;  // by group name; never removed
  std::mutex mu_;  // guards groups_ and rng_
  std::map<std::string, std::unique_ptr<Group>> groups_;  // by group name; never removed
  Rng rng_;
  std::atomic<std::uint64_t> next_lease_id_{1};
  std::atomic<std::int64_t> parked_{0};
  std::atomic<std::uint64_t> id_counter_{0};
  std::uint64_t id_base_ = 0;
};

// The same as KafkaBroker::Open, as the interface (for the composition root's registry).
Result<std::unique_ptr<Broker>> OpenKafkaBroker(KafkaOptions kafka, BrokerOptions options);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_KAFKA_KAFKA_BROKER_H_
