// SPDX-License-Identifier: GPL-3.0-or-later
//
// Broker: durable queues between Sheaf's stages, shaped so that the embedded broker (SQLite)
// and Kafka implement the same contract. Topics, partition counts and the partitioner are in
// sheaf/topics.h. Messages carry references (document id, blob keys), never images.
//
// Contract:
// - Thread safety: every implementation is safe for concurrent use by any number of threads.
// - Durability: Publish returns OK only once the message is on stable storage; it then survives
//   a crash of the process (and, where the storage keeps its promises, of the machine).
// - Delivery is at least once. A consumer leases messages, does its work, stores the result
//   durably and only then Acks. A lease that ends without an Ack (Nack, expiry, crash of the
//   consumer) delivers the message again, so the same message can be seen more than once:
//   every stage must be idempotent on (document, stage, input hash); at-least-once delivery
//   plus idempotent stages gives each message exactly one effect.
// - Leases: each delivery has its own lease id (Delivery::id); a redelivery of the same message
//   gets a new one. Ack, Nack and Extend act only on a lease still held: once the lease has
//   ended (acked, nacked, or expired - even if nobody has leased the message again yet) they
//   return not_found and change nothing. A consumer that gets not_found from Ack has nothing to
//   undo: the message goes (or went) to another consumer, and idempotent stages make the
//   repeated work harmless.
// - Attempts: Message::attempt counts deliveries and is incremented when a message is leased,
//   so the first delivery sees 1. A Nack and an expired lease both end an attempt; the error of
//   the latest one is Message::last_error ("lease expired" for an expiry). After a Nack the
//   message is ready again after RetryDelay(attempt) (exponential, capped, full jitter); after
//   an expiry it is ready at once. When the attempt that ended was attempt max_attempts, the
//   message moves instead to documents.failed, keeping its payload and last_error, with
//   origin_topic set and attempt starting again from 0. A message of documents.failed itself
//   that runs out of attempts is parked: kept for an operator, never delivered again.
// - Order and fairness (Lease):
//   * Between topics: weighted round robin over the topics that have a message ready, smooth
//     (the picks interleave). documents.urgent, .high and .normal weigh
//     BrokerOptions::lane_weights (6:3:1 by default: under full load 6 urgent, 3 high and 1
//     normal in every 10, so no lane starves, and an urgent message arriving behind a backlog
//     of normal ones goes ahead of it at once); every other topic weighs 1.
//   * Within a topic: the tenants with queued messages take turns, one message each, and a
//     tenant arriving behind another's long backlog is served from the next turn on (so tenant
//     B's 5 messages queued after tenant A's 200 all go within the next 10 leases).
//   * Within a tenant: in publish order; a retried message keeps its place, so it goes first
//     once its backoff is over.
//   These hold for the embedded broker. A Kafka broker orders per partition only.
#ifndef SHEAF_BROKER_H_
#define SHEAF_BROKER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sheaf/status.h"
#include "sheaf/topics.h"

namespace sheaf {

struct Message {
  std::string topic;
  std::string tenant;
  std::string key;           // what the message is about, e.g. the document id
  std::string payload;       // opaque bytes, e.g. JSON with the document id and blob keys
  int attempt = 0;           // 1 on the first delivery, 2 on the second, ...
  std::string last_error;    // why the previous attempt ended; "" before the first one did
  std::string origin_topic;  // documents.failed only: the topic the message gave up on
};

struct Delivery {
  std::uint64_t id = 0;          // the lease: the argument of Ack, Nack and Extend
  std::uint64_t message_id = 0;  // the message: the same across redeliveries and dead-lettering
  Message message;
  int partition = 0;                                  // PartitionFor(tenant, PartitionCount(topic))
  std::chrono::system_clock::time_point enqueued_at;  // when it was published
  std::chrono::system_clock::time_point lease_until;  // Ack before this, or Extend
};

// A message to publish.
struct Outgoing {
  std::string topic;
  std::string tenant;
  std::string key;
  std::string payload;
};

struct TopicStats {
  std::int64_t ready = 0;      // can be leased now
  std::int64_t delayed = 0;    // waiting out a retry backoff
  std::int64_t in_flight = 0;  // leased, lease not expired
  std::int64_t parked = 0;     // documents.failed only: ran out of attempts there too
  // How long the oldest ready message has waited since it was published; 0 when none is ready.
  std::chrono::milliseconds oldest_ready_age{0};
  std::map<std::string, std::int64_t> queued_by_tenant;  // ready + delayed, per tenant

  std::int64_t depth() const { return ready + delayed; }  // queued, not in flight
};

// Retry backoff: the delay after a failed attempt n (n = 1, 2, ...) is drawn uniformly from
// [0, min(max, initial * multiplier^(n-1))] ("full jitter"), so that many messages failing
// together do not come back together.
struct BackoffOptions {
  std::chrono::milliseconds initial{2000};  // ceiling after the first failure
  double multiplier = 2.0;
  std::chrono::milliseconds max{60000};  // ceiling never exceeds this
};

// Relative share of leases for the three ingestion lanes when all have work.
struct LaneWeights {
  int urgent = 6;
  int high = 3;
  int normal = 1;
};

struct BrokerOptions {
  int max_attempts = 5;  // attempts before a message moves to documents.failed; >= 1
  BackoffOptions backoff;
  LaneWeights lane_weights;
  // The time source for leases, backoff and stats; empty = std::chrono::system_clock::now.
  // Tests inject a fake clock to run expiry and backoff on virtual time. Called from the
  // broker's own threads: it must be thread-safe.
  std::function<std::chrono::system_clock::time_point()> clock;
  // Seed of the jitter generator; 0 = seeded at random. With a fixed seed the n-th retry delay
  // drawn by a broker equals the n-th RetryDelay drawn from Rng(seed) (src/queue/backoff.h).
  std::uint64_t jitter_seed = 0;
};

class Broker {
 public:
  virtual ~Broker() = default;

  // Appends a message to `topic`, on partition PartitionFor(tenant, PartitionCount(topic)).
  // Returns OK iff the message is durably stored. Errors: invalid_argument for an unknown topic;
  // io_error or unavailable when the storage failed (nothing was published; retry).
  virtual Status Publish(const std::string& topic, const std::string& tenant,
                         const std::string& key, std::string_view payload) = 0;
  // Publishes all of `messages` or none of them, durably, as one unit. Same errors as Publish.
  virtual Status PublishBatch(const std::vector<Outgoing>& messages) = 0;
  // Starts a Publish and may return before it is done; the future then holds what Publish
  // would have returned, and the message is durable only once it holds OK. Lets a caller do
  // other work while the message is written (ingestion stores the upload meanwhile). This
  // default publishes in the calling thread.
  virtual std::future<Status> PublishAsync(const std::string& topic, const std::string& tenant,
                                           const std::string& key, std::string payload) {
    std::promise<Status> done;
    done.set_value(Publish(topic, tenant, key, payload));
    return done.get_future();
  }

  // Leases up to `max` ready messages from `topics` for `lease`, chosen as the contract's
  // "Order and fairness" says. Returns at once, with no deliveries when nothing is ready.
  // Leasing also ends expired leases (redelivery or dead-lettering, see "Attempts").
  // Errors: invalid_argument for an empty or unknown topic list, max < 1 or lease <= 0.
  virtual Result<std::vector<Delivery>> Lease(const std::vector<std::string>& topics, int max,
                                              std::chrono::milliseconds lease) = 0;

  // Ends lease `id` successfully: the message is done and is not delivered again.
  // Returns not_found iff the lease is no longer held (see "Leases").
  virtual Status Ack(std::uint64_t id) = 0;
  // Ends lease `id` as a failed attempt with `error` (see "Attempts").
  // Returns not_found iff the lease is no longer held.
  virtual Status Nack(std::uint64_t id, const std::string& error) = 0;
  // Moves the end of lease `id` to now + `lease`, for work that takes longer than planned.
  // Returns not_found iff the lease is no longer held; invalid_argument when lease <= 0.
  virtual Status Extend(std::uint64_t id, std::chrono::milliseconds lease) = 0;

  // Counts of `topic` now. Errors: invalid_argument for an unknown topic.
  virtual Result<TopicStats> Stats(const std::string& topic) = 0;
};

}  // namespace sheaf

#endif  // SHEAF_BROKER_H_
