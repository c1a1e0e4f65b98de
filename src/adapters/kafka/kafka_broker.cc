// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/kafka/kafka_broker.h"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <random>

#include "adapters/kafka/kafka_client.h"
#include "adapters/kafka/lease_table.h"

namespace sheaf {

using std::chrono::milliseconds;
using std::chrono::system_clock;

namespace {

constexpr milliseconds kMaxLease = std::chrono::hours(24 * 365);
constexpr int kMaxDrain = 10000;  // records buffered per poll round at most
constexpr milliseconds kWaitMargin{5000};

Status NotHeld(std::uint64_t id) {
  return Status(ErrorCode::kNotFound, "lease " + std::to_string(id) + " is not held");
}

Status ValidateTopic(std::string_view topic) {
  if (PartitionCount(topic) > 0) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument, "unknown topic \"" + std::string(topic) + "\"");
}

Status ValidateLease(milliseconds lease) {
  if (lease.count() > 0 && lease <= kMaxLease) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                "lease of " + std::to_string(lease.count()) + " ms is not in (0, 1 year]");
}

std::uint64_t SplitMix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::string HeaderText(rd_kafka_headers_t* h, const char* name) {
  const void* value = nullptr;
  std::size_t size = 0;
  if (h == nullptr ||
      rd_kafka_header_get_last(h, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      value == nullptr) {
    return {};
  }
  return std::string(static_cast<const char*>(value), size);
}

std::int64_t HeaderInt(rd_kafka_headers_t* h, const char* name) {
  const std::string text = HeaderText(h, name);
  std::int64_t v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

void AddHeader(rd_kafka_headers_t* h, const char* name, std::string_view value) {
  rd_kafka_header_add(h, name, -1, value.data(), static_cast<ssize_t>(value.size()));
}

void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* m, void* /*opaque*/) {
  auto* pending = static_cast<std::promise<Status>*>(m->_private);
  if (pending == nullptr) return;
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    pending->set_value(Status::Ok());
  } else {
    pending->set_value(Status(ErrorCode::kUnavailable,
                              std::string("kafka: publish to ") + rd_kafka_topic_name(m->rkt) +
                                  " failed: " + rd_kafka_err2str(m->err)));
  }
  delete pending;
}

}  // namespace

// The metadata of a record, in its headers.
struct KafkaBroker::Headers {
  std::string key;
  int attempt = 0;  // attempts ended before this record
  std::string last_error;
  std::string origin_topic;
  std::int64_t enqueued_ms = 0;
  std::int64_t not_before_ms = 0;
  std::uint64_t message_id = 0;
  bool parked = false;
};

namespace kafka {

// One stage's consumer and its lease table.
struct ConsumerGroup {
  std::string name;
  std::vector<std::string> topics;
  std::map<std::string, std::string> logical;  // cluster topic -> topic
  const KafkaOptions* options = nullptr;
  std::mutex mu;
  rd_kafka_t* consumer = nullptr;  // polled only with mu held; committed with commit_mu held
  std::mutex commit_mu;            // one commit at a time (CommitDone); taken before mu
  std::unique_ptr<LeaseTable> table;  // GUARDED_BY(mu)

  std::string Logical(const char* cluster_topic) const {
    auto it = logical.find(cluster_topic);
    return it == logical.end() ? std::string() : it->second;
  }

  // Called from inside rd_kafka_consumer_poll and rd_kafka_consumer_close, so with mu held.
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* g = static_cast<ConsumerGroup*>(opaque);
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      for (int i = 0; i < parts->cnt; ++i) {
        g->table->Assign({g->Logical(parts->elems[i].topic), parts->elems[i].partition});
      }
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts)) {
          spdlog::warn("kafka {}: assign failed: {}", g->name, rd_kafka_error_string(e));
          rd_kafka_error_destroy(e);
        }
      } else {
        rd_kafka_assign(rk, parts);
      }
      return;
    }
    // Revoked (or lost): commit what is done, then drop the buffers and their leases.
    PartitionList commit;
    for (int i = 0; i < parts->cnt; ++i) {
      const std::string topic = g->Logical(parts->elems[i].topic);
      std::optional<std::int64_t> offset = g->table->Revoke({topic, parts->elems[i].partition});
      if (offset) commit.Add(parts->elems[i].topic, parts->elems[i].partition, *offset);
    }
    if (commit.size() > 0 && !rd_kafka_assignment_lost(rk)) {
      const rd_kafka_resp_err_t ce = rd_kafka_commit(rk, commit.get(), 0);
      if (ce != RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::warn("kafka {}: commit on revoke failed: {}", g->name, rd_kafka_err2str(ce));
      }
    }
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) {
        rd_kafka_error_destroy(e);
      }
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }
};

}  // namespace kafka

KafkaBroker::KafkaBroker(KafkaOptions kafka, BrokerOptions options)
    : kafka_(std::move(kafka)),
      options_(std::move(options)),
      rng_(options_.jitter_seed != 0 ? options_.jitter_seed : std::random_device{}()) {
  std::random_device rd;
  id_base_ = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
}

Result<std::unique_ptr<KafkaBroker>> KafkaBroker::Open(KafkaOptions kafka, BrokerOptions options) {
  if (options.max_attempts < 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "max_attempts " + std::to_string(options.max_attempts) + " is below 1");
  }
  if (options.lane_weights.urgent < 1 || options.lane_weights.high < 1 ||
      options.lane_weights.normal < 1) {
    return Status(ErrorCode::kInvalidArgument, "lane weights must be at least 1");
  }
  if (kafka.bootstrap_servers.empty()) {
    return Status(ErrorCode::kInvalidArgument, "kafka: no bootstrap servers");
  }
  if (kafka.max_buffered_per_partition < 1 || kafka.publish_timeout.count() < 1) {
    return Status(ErrorCode::kInvalidArgument,
                  "kafka: max_buffered_per_partition and publish_timeout must be positive");
  }
  std::unique_ptr<KafkaBroker> b(new KafkaBroker(std::move(kafka), std::move(options)));
  kafka::Conf conf;
  Status s = kafka::ProducerSettings(b->kafka_, &conf);
  if (!s.ok()) return s;
  rd_kafka_conf_set_dr_msg_cb(conf.get(), OnDelivery);
  Result<rd_kafka_t*> producer = kafka::NewClient(RD_KAFKA_PRODUCER, &conf);
  if (!producer.ok()) return producer.status();
  b->producer_ = *producer;
  KafkaBroker* raw = b.get();
  b->poller_ = std::thread([raw] {
    while (!raw->stopping_.load()) rd_kafka_poll(raw->producer_, 100);
  });
  return b;
}

Result<std::unique_ptr<Broker>> OpenKafkaBroker(KafkaOptions kafka, BrokerOptions options) {
  Result<std::unique_ptr<KafkaBroker>> b = KafkaBroker::Open(std::move(kafka), std::move(options));
  if (!b.ok()) return b.status();
  return std::unique_ptr<Broker>(std::move(b).value());
}

KafkaBroker::~KafkaBroker() {
  for (auto& [name, g] : groups_) {
    std::lock_guard<std::mutex> lock(g->mu);
    rd_kafka_consumer_close(g->consumer);  // revokes: commits the done prefixes
    rd_kafka_destroy(g->consumer);
  }
  const int timeout = static_cast<int>(kafka_.publish_timeout.count());
  rd_kafka_flush(producer_, timeout);
  rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  stopping_ = true;
  poller_.join();
  rd_kafka_poll(producer_, 0);  // delivers the purge reports: every future gets its value
  rd_kafka_destroy(producer_);
  if (tx_producer_ != nullptr) rd_kafka_destroy(tx_producer_);
  for (auto& [group, reader] : offset_readers_) {
    rd_kafka_consumer_close(reader);
    rd_kafka_destroy(reader);
  }
}

std::int64_t KafkaBroker::NowMs() const {
  const system_clock::time_point now = options_.clock ? options_.clock() : system_clock::now();
  return std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
}

std::uint64_t KafkaBroker::NewMessageId() {
  std::uint64_t id = 0;
  while (id == 0) id = SplitMix(id_base_ + id_counter_.fetch_add(1));
  return id;
}

milliseconds KafkaBroker::DrawDelay(int attempt) {
  std::lock_guard<std::mutex> lock(mu_);
  return RetryDelay(attempt, options_.backoff, rng_);
}

// ---------------------------------------------------------------------------------------------
// Publishing

std::future<Status> KafkaBroker::Produce(const std::string& topic, int partition,
                                         const std::string& tenant, std::string_view payload,
                                         const Headers& h) {
  rd_kafka_headers_t* headers = rd_kafka_headers_new(8);
  AddHeader(headers, "key", h.key);
  AddHeader(headers, "attempt", std::to_string(h.attempt));
  if (!h.last_error.empty()) AddHeader(headers, "last_error", h.last_error);
  if (!h.origin_topic.empty()) AddHeader(headers, "origin_topic", h.origin_topic);
  AddHeader(headers, "enqueued", std::to_string(h.enqueued_ms));
  if (h.not_before_ms != 0) AddHeader(headers, "not_before", std::to_string(h.not_before_ms));
  AddHeader(headers, "message_id", std::to_string(h.message_id));
  if (h.parked) AddHeader(headers, "parked", "1");

  auto* pending = new std::promise<Status>();
  std::future<Status> result = pending->get_future();
  const std::string cluster_topic = ClusterTopic(kafka_, topic);
  const rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_, RD_KAFKA_V_TOPIC(cluster_topic.c_str()), RD_KAFKA_V_PARTITION(partition),
      RD_KAFKA_V_KEY(tenant.data(), tenant.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers),
      RD_KAFKA_V_OPAQUE(pending), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_headers_destroy(headers);
    const ErrorCode code = err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ? ErrorCode::kInvalidArgument
                                                                       : ErrorCode::kUnavailable;
    pending->set_value(Status(code, "kafka: cannot publish to " + cluster_topic + ": " +
                                        rd_kafka_err2str(err)));
    delete pending;
  }
  return result;
}

Status KafkaBroker::Wait(std::future<Status> f) const {
  if (f.wait_for(kafka_.publish_timeout + kWaitMargin) != std::future_status::ready) {
    return Status(ErrorCode::kUnavailable, "kafka: no acknowledgement within " +
                                               std::to_string(kafka_.publish_timeout.count()) +
                                               " ms");
  }
  return f.get();
}

std::future<Status> KafkaBroker::PublishAsync(const std::string& topic, const std::string& tenant,
                                              const std::string& key, std::string payload) {
  if (Status s = ValidateTopic(topic); !s.ok()) {
    std::promise<Status> done;
    done.set_value(s);
    return done.get_future();
  }
  Headers h;
  h.key = key;
  h.enqueued_ms = NowMs();
  h.message_id = NewMessageId();
  return Produce(topic, PartitionOf(topic, tenant, key), tenant, payload, h);
}

Status KafkaBroker::Publish(const std::string& topic, const std::string& tenant,
                            const std::string& key, std::string_view payload) {
  return Wait(PublishAsync(topic, tenant, key, std::string(payload)));
}

Status KafkaBroker::InitTransactions() {
  kafka::Conf conf;
  Status s = kafka::ProducerSettings(kafka_, &conf);
  if (!s.ok()) return s;
  std::random_device rd;
  const std::string tx_id = ClusterTopic(kafka_, kafka_.group_prefix + "tx.") +
                            std::to_string((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  s = conf.Set("transactional.id", tx_id);
  // Not below socket.timeout.ms (kafka_client.cc), as librdkafka requires.
  if (s.ok()) {
    s = conf.Set("transaction.timeout.ms",
                 std::to_string(std::max<std::int64_t>(kafka_.publish_timeout.count(), 5000)));
  }
  if (!s.ok()) return s;
  Result<rd_kafka_t*> tx = kafka::NewClient(RD_KAFKA_PRODUCER, &conf);
  if (!tx.ok()) return tx.status();
  if (rd_kafka_error_t* e =
          rd_kafka_init_transactions(*tx, static_cast<int>(kafka_.publish_timeout.count()))) {
    Status failed(ErrorCode::kUnavailable,
                  std::string("kafka: cannot start transactions: ") + rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
    rd_kafka_destroy(*tx);
    return failed;
  }
  tx_producer_ = *tx;
  return Status::Ok();
}

Status KafkaBroker::PublishBatch(const std::vector<Outgoing>& messages) {
  for (const Outgoing& m : messages) {
    if (Status s = ValidateTopic(m.topic); !s.ok()) return s;
  }
  if (messages.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(tx_mu_);
  if (tx_producer_ == nullptr) {
    if (Status s = InitTransactions(); !s.ok()) return s;
  }
  const int timeout = static_cast<int>(kafka_.publish_timeout.count());
  const auto fail = [&](rd_kafka_error_t* e, const std::string& what) {
    Status failed(ErrorCode::kUnavailable, "kafka: " + what + ": " + rd_kafka_error_string(e));
    const bool fatal = rd_kafka_error_is_fatal(e);
    rd_kafka_error_destroy(e);
    if (!fatal) {
      if (rd_kafka_error_t* ae = rd_kafka_abort_transaction(tx_producer_, timeout)) {
        rd_kafka_error_destroy(ae);
      } else {
        return failed;
      }
    }
    // A fatal error (or a failed abort) leaves the producer unusable: start afresh next time.
    rd_kafka_destroy(tx_producer_);
    tx_producer_ = nullptr;
    return failed;
  };
  if (rd_kafka_error_t* e = rd_kafka_begin_transaction(tx_producer_)) {
    Status failed(ErrorCode::kUnavailable,
                  std::string("kafka: cannot begin a transaction: ") + rd_kafka_error_string(e));
    rd_kafka_error_destroy(e);
    return failed;
  }
  const std::int64_t now = NowMs();
  for (const Outgoing& m : messages) {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(4);
    AddHeader(headers, "key", m.key);
    AddHeader(headers, "attempt", "0");
    AddHeader(headers, "enqueued", std::to_string(now));
    AddHeader(headers, "message_id", std::to_string(NewMessageId()));
    const std::string cluster_topic = ClusterTopic(kafka_, m.topic);
    const rd_kafka_resp_err_t err = rd_kafka_producev(
        tx_producer_, RD_KAFKA_V_TOPIC(cluster_topic.c_str()),
        RD_KAFKA_V_PARTITION(PartitionOf(m.topic, m.tenant, m.key)),
        RD_KAFKA_V_KEY(m.tenant.data(), m.tenant.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(m.payload.data()), m.payload.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_headers_destroy(headers);
      Status failed = fail(rd_kafka_error_new(err, "%s", rd_kafka_err2str(err)),
                           "cannot publish to " + cluster_topic);
      return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE
                 ? Status(ErrorCode::kInvalidArgument, failed.message())
                 : failed;
    }
  }
  if (rd_kafka_error_t* e = rd_kafka_commit_transaction(tx_producer_, timeout)) {
    return fail(e, "cannot commit the batch");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Leasing

Status KafkaBroker::ValidateTopics(const std::vector<std::string>& topics) const {
  if (topics.empty()) return Status(ErrorCode::kInvalidArgument, "no topic to lease from");
  for (const std::string& t : topics) {
    if (Status s = ValidateTopic(t); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<KafkaBroker::Group*> KafkaBroker::GroupFor(const std::vector<std::string>& topics) {
  const std::string name = GroupName(kafka_, topics);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = groups_.find(name);
  if (it != groups_.end()) return it->second.get();

  auto g = std::make_unique<Group>();
  g->name = name;
  g->options = &kafka_;
  for (const std::string& t : topics) {
    if (std::find(g->topics.begin(), g->topics.end(), t) != g->topics.end()) continue;
    g->topics.push_back(t);
    g->logical[ClusterTopic(kafka_, t)] = t;
  }
  g->table = std::make_unique<kafka::LeaseTable>(options_, kafka_.max_buffered_per_partition);
  kafka::Conf conf;
  Status s = kafka::ConsumerSettings(kafka_, name, &conf);
  if (!s.ok()) return s;
  rd_kafka_conf_set_rebalance_cb(conf.get(), kafka::ConsumerGroup::OnRebalance);
  rd_kafka_conf_set_opaque(conf.get(), g.get());
  Result<rd_kafka_t*> consumer = kafka::NewClient(RD_KAFKA_CONSUMER, &conf);
  if (!consumer.ok()) return consumer.status();
  g->consumer = *consumer;
  rd_kafka_poll_set_consumer(g->consumer);
  kafka::PartitionList subscription;
  for (const auto& [cluster_topic, topic] : g->logical) {
    subscription.Add(cluster_topic.c_str(), RD_KAFKA_PARTITION_UA, RD_KAFKA_OFFSET_INVALID);
  }
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(g->consumer, subscription.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_destroy(g->consumer);
    return Status(ErrorCode::kUnavailable,
                  "kafka: cannot subscribe " + name + ": " + rd_kafka_err2str(err));
  }
  Group* raw = g.get();
  groups_[name] = std::move(g);
  return raw;
}

void KafkaBroker::Drain(Group& g) {
  for (int i = 0; i < kMaxDrain; ++i) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(g.consumer, 0);
    if (m == nullptr) return;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        spdlog::warn("kafka {}: {}", g.name, rd_kafka_message_errstr(m));
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    kafka::Record r;
    r.topic = g.Logical(rd_kafka_topic_name(m->rkt));
    r.partition = m->partition;
    r.offset = m->offset;
    r.message.topic = r.topic;
    if (m->key != nullptr) r.message.tenant.assign(static_cast<const char*>(m->key), m->key_len);
    if (m->payload != nullptr) {
      r.message.payload.assign(static_cast<const char*>(m->payload), m->len);
    }
    rd_kafka_headers_t* h = nullptr;
    if (rd_kafka_message_headers(m, &h) != RD_KAFKA_RESP_ERR_NO_ERROR) h = nullptr;
    r.message.key = HeaderText(h, "key");
    r.message.attempt = static_cast<int>(HeaderInt(h, "attempt"));
    r.message.last_error = HeaderText(h, "last_error");
    r.message.origin_topic = HeaderText(h, "origin_topic");
    r.enqueued_ms = HeaderInt(h, "enqueued");
    r.not_before_ms = HeaderInt(h, "not_before");
    const std::string id = HeaderText(h, "message_id");
    std::from_chars(id.data(), id.data() + id.size(), r.message_id);
    r.parked = HeaderText(h, "parked") == "1";
    r.produced_ms = rd_kafka_message_timestamp(m, nullptr);
    const std::string cluster_topic = rd_kafka_topic_name(m->rkt);
    rd_kafka_message_destroy(m);
    const int partition = r.partition;
    if (g.table->Add(std::move(r), NowMs())) {
      kafka::PartitionList pause;
      pause.Add(cluster_topic.c_str(), partition, RD_KAFKA_OFFSET_INVALID);
      rd_kafka_pause_partitions(g.consumer, pause.get());
    }
  }
}

std::int64_t KafkaBroker::Position(Group& g, const kafka::PartitionKey& p) {
  kafka::PartitionList pos;
  pos.Add(ClusterTopic(kafka_, p.topic).c_str(), p.partition, RD_KAFKA_OFFSET_INVALID);
  if (rd_kafka_position(g.consumer, pos.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
  return pos.get()->elems[0].offset;
}

bool KafkaBroker::Apply(Group& g, const std::string& topic, int partition,
                        const kafka::Progress& progress) {
  if (progress.resume) {
    kafka::PartitionList resume;
    resume.Add(ClusterTopic(kafka_, topic).c_str(), partition, RD_KAFKA_OFFSET_INVALID);
    rd_kafka_resume_partitions(g.consumer, resume.get());
  }
  return progress.commit_offset.has_value();
}

void KafkaBroker::CommitDone(Group& g) {
  // One commit at a time per group, covering every partition's done prefix: callers that
  // arrive while a commit is in flight share the next one (group commit), and a commit never
  // overtakes an older one with a lower offset.
  std::lock_guard<std::mutex> one_at_a_time(g.commit_mu);
  kafka::PartitionList commit;
  std::vector<std::pair<kafka::PartitionKey, std::int64_t>> targets;
  {
    std::lock_guard<std::mutex> lock(g.mu);
    targets = g.table->Uncommitted();
    for (auto& [key, offset] : targets) {
      // With nothing left in the buffer, commit up to the consumer's position: it is past the
      // transaction markers (never delivered), which would otherwise count as lag for ever.
      if (g.table->Drained(key)) offset = std::max(offset, Position(g, key));
      commit.Add(ClusterTopic(kafka_, key.topic).c_str(), key.partition, offset);
    }
  }
  if (commit.size() == 0) return;  // a commit that just finished covered it
  const rd_kafka_resp_err_t err = rd_kafka_commit(g.consumer, commit.get(), 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // The next commit covers these offsets; a crash before it redelivers their records.
    spdlog::warn("kafka {}: commit of {} partition(s) failed: {}", g.name, commit.size(),
                 rd_kafka_err2str(err));
    return;
  }
  std::lock_guard<std::mutex> lock(g.mu);
  for (const auto& [key, offset] : targets) g.table->Committed(key, offset);
}

Status KafkaBroker::DeadLetter(const kafka::Record& r, const std::string& error) {
  Headers h;
  h.key = r.message.key;
  h.last_error = error;
  h.enqueued_ms = r.enqueued_ms;
  h.message_id = r.message_id;
  const std::string failed(topics::kDocumentsFailed);
  if (r.topic == failed) {
    h.attempt = r.message.attempt;
    h.origin_topic = r.message.origin_topic;
    h.parked = true;
    Status s = Wait(Produce(failed, r.partition, r.message.tenant, r.message.payload, h));
    if (s.ok()) {
      ++parked_;
      spdlog::error("kafka: parked message {} of tenant {} on {} (origin {}): {}", r.message_id,
                    r.message.tenant, failed, r.message.origin_topic, error);
    }
    return s;
  }
  h.origin_topic = r.topic;
  return Wait(Produce(failed, PartitionOf(failed, r.message.tenant, r.message.key),
                      r.message.tenant, r.message.payload, h));
}

bool KafkaBroker::ExpireLeases(Group& g, std::int64_t now_ms) {
  bool commit = false;
  for (kafka::DeadLetter& d : g.table->Expire(now_ms)) {
    const kafka::PartitionKey key{d.record.topic, d.record.partition};
    Status s = DeadLetter(d.record, d.error);
    if (s.ok()) {
      commit |= Apply(g, key.topic, key.partition, g.table->Done(key, d.record.offset, d.epoch));
    } else {
      spdlog::warn("kafka {}: cannot dead-letter message {}: {}", g.name, d.record.message_id,
                   s.message());
      g.table->Restore(key, d.record.offset, d.epoch, 0);
    }
  }
  return commit;
}

Result<std::vector<Delivery>> KafkaBroker::Lease(const std::vector<std::string>& topics, int max,
                                                 milliseconds lease) {
  if (Status s = ValidateTopics(topics); !s.ok()) return s;
  if (max < 1) {
    return Status(ErrorCode::kInvalidArgument, "max " + std::to_string(max) + " is below 1");
  }
  if (Status s = ValidateLease(lease); !s.ok()) return s;
  Result<Group*> group = GroupFor(topics);
  if (!group.ok()) return group.status();
  Group& g = **group;
  std::vector<Delivery> out;
  bool commit = false;
  {
    std::lock_guard<std::mutex> lock(g.mu);
    Drain(g);
    const std::int64_t now = NowMs();
    commit = ExpireLeases(g, now);
    std::uint64_t next = next_lease_id_.fetch_add(static_cast<std::uint64_t>(max));
    out = g.table->Pick(topics, max, now, lease.count(), &next);
  }
  if (commit) CommitDone(g);
  return out;
}

std::vector<KafkaBroker::Group*> KafkaBroker::Groups() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Group*> out;
  for (auto& [name, g] : groups_) out.push_back(g.get());
  return out;
}

Status KafkaBroker::Ack(std::uint64_t id) {
  for (Group* g : Groups()) {
    bool commit = false;
    {
      std::lock_guard<std::mutex> lock(g->mu);
      auto acked = g->table->Ack(id, NowMs());
      if (!acked) continue;
      commit = Apply(*g, acked->first.topic, acked->first.partition, acked->second);
    }
    if (commit) CommitDone(*g);
    return Status::Ok();
  }
  return NotHeld(id);
}

Status KafkaBroker::Extend(std::uint64_t id, milliseconds lease) {
  if (Status s = ValidateLease(lease); !s.ok()) return s;
  for (Group* g : Groups()) {
    std::lock_guard<std::mutex> lock(g->mu);
    if (g->table->Extend(id, NowMs(), lease.count())) return Status::Ok();
  }
  return NotHeld(id);
}

Status KafkaBroker::Nack(std::uint64_t id, const std::string& error) {
  for (Group* g : Groups()) {
    kafka::Record record;
    int attempt = 0;
    std::uint64_t epoch = 0;
    {
      std::lock_guard<std::mutex> lock(g->mu);
      const std::int64_t now = NowMs();
      kafka::LeaseTable::Held held = g->table->Find(id, now);
      if (held.record == nullptr) continue;
      record = *held.record;
      attempt = held.attempt;
      epoch = held.epoch;
      g->table->Settle(id, now);
    }
    // Drawn even for a last attempt, so that the n-th delay drawn is always the n-th Nack's.
    const milliseconds delay = DrawDelay(attempt);
    Status s;
    if (attempt >= options_.max_attempts) {
      s = DeadLetter(record, error);
    } else {
      Headers h;
      h.key = record.message.key;
      h.attempt = attempt;
      h.last_error = error;
      h.origin_topic = record.message.origin_topic;
      h.enqueued_ms = record.enqueued_ms;
      h.not_before_ms = NowMs() + delay.count();
      h.message_id = record.message_id;
      s = Wait(Produce(record.topic, record.partition, record.message.tenant,
                       record.message.payload, h));
    }
    const kafka::PartitionKey key{record.topic, record.partition};
    bool commit = false;
    {
      std::lock_guard<std::mutex> lock(g->mu);
      if (!s.ok()) {
        g->table->Restore(key, record.offset, epoch, id);  // still leased: Nack may be retried
        return s;
      }
      commit = Apply(*g, key.topic, key.partition, g->table->Done(key, record.offset, epoch));
    }
    if (commit) CommitDone(*g);
    return Status::Ok();
  }
  return NotHeld(id);
}

// ---------------------------------------------------------------------------------------------
// Stats, lag, catching up

Result<TopicStats> KafkaBroker::Stats(const std::string& topic) {
  if (Status s = ValidateTopic(topic); !s.ok()) return s;
  for (Group* g : Groups()) {
    if (std::find(g->topics.begin(), g->topics.end(), topic) == g->topics.end()) continue;
    std::unique_lock<std::mutex> lock(g->mu);
    Drain(*g);
    const std::int64_t now = NowMs();
    const bool commit = ExpireLeases(*g, now);
    TopicStats s = g->table->Stats(topic, now);
    const std::string cluster_topic = ClusterTopic(kafka_, topic);
    for (const kafka::PartitionKey& p : g->table->Partitions()) {
      if (p.topic != topic) continue;
      const std::int64_t next = std::max(g->table->NextOffset(p), Position(*g, p));
      std::int64_t low = 0, high = 0;
      if (next >= 0 && rd_kafka_get_watermark_offsets(g->consumer, cluster_topic.c_str(),
                                                      p.partition, &low, &high) ==
                           RD_KAFKA_RESP_ERR_NO_ERROR) {
        s.ready += std::max<std::int64_t>(0, high - next);
      }
    }
    if (topic == topics::kDocumentsFailed) s.parked = parked_.load();
    lock.unlock();
    if (commit) CommitDone(*g);
    return s;
  }
  Result<std::vector<std::int64_t>> lag = Lag(topic);
  if (!lag.ok()) return lag.status();
  TopicStats s;
  for (std::int64_t l : *lag) s.ready += l;
  if (topic == topics::kDocumentsFailed) s.parked = parked_.load();
  return s;
}

Result<std::vector<std::int64_t>> KafkaBroker::Lag(const std::string& topic) {
  if (Status s = ValidateTopic(topic); !s.ok()) return s;
  const std::string cluster_topic = ClusterTopic(kafka_, topic);
  const int partitions = PartitionCount(topic);
  Result<std::vector<std::int64_t>> committed =
      Committed(LagGroupName(kafka_, topic), cluster_topic, partitions);
  if (!committed.ok()) return committed.status();
  std::vector<std::int64_t> lag(static_cast<std::size_t>(partitions), 0);
  for (int p = 0; p < partitions; ++p) {
    std::int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    // A partition moving (or just created) answers "not leader" for a moment: ask again.
    const auto deadline = std::chrono::steady_clock::now() + kafka_.publish_timeout;
    for (;;) {
      err = rd_kafka_query_watermark_offsets(producer_, cluster_topic.c_str(), p, &low, &high,
                                             static_cast<int>(kafka_.publish_timeout.count()));
      const bool transient = err == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
                             err == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
                             err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
      if (!transient || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(milliseconds(50));
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status(ErrorCode::kUnavailable, "kafka: cannot read the offsets of " + cluster_topic +
                                                 "[" + std::to_string(p) + "]: " +
                                                 rd_kafka_err2str(err));
    }
    const std::int64_t from = (*committed)[static_cast<std::size_t>(p)];
    lag[static_cast<std::size_t>(p)] = std::max<std::int64_t>(0, high - (from >= 0 ? from : low));
  }
  return lag;
}

Result<std::vector<std::int64_t>> KafkaBroker::Committed(const std::string& group,
                                                         const std::string& cluster_topic,
                                                         int partitions) {
  std::lock_guard<std::mutex> lock(readers_mu_);
  rd_kafka_t*& reader = offset_readers_[group];
  if (reader == nullptr) {
    kafka::Conf conf;
    if (Status s = kafka::ConsumerSettings(kafka_, group, &conf); !s.ok()) return s;
    Result<rd_kafka_t*> made = kafka::NewClient(RD_KAFKA_CONSUMER, &conf);
    if (!made.ok()) {
      offset_readers_.erase(group);
      return made.status();
    }
    reader = *made;
  }
  rd_kafka_poll(reader, 0);  // serves its error and log events, which nothing else polls
  kafka::PartitionList parts;
  for (int p = 0; p < partitions; ++p) parts.Add(cluster_topic.c_str(), p, RD_KAFKA_OFFSET_INVALID);
  const rd_kafka_resp_err_t err =
      rd_kafka_committed(reader, parts.get(), static_cast<int>(kafka_.publish_timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(ErrorCode::kUnavailable, "kafka: cannot read the committed offsets of group " +
                                               group + ": " + rd_kafka_err2str(err));
  }
  std::vector<std::int64_t> offsets(static_cast<std::size_t>(partitions), -1);
  const rd_kafka_topic_partition_list_t* got = parts.get();
  for (int i = 0; i < got->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = got->elems[i];
    if (tp.err == RD_KAFKA_RESP_ERR_NO_ERROR && tp.partition >= 0 && tp.partition < partitions) {
      offsets[static_cast<std::size_t>(tp.partition)] = tp.offset;
    }
  }
  return offsets;
}

Status KafkaBroker::CatchUp(const std::vector<std::string>& topics, milliseconds timeout) {
  std::vector<Group*> groups;
  if (topics.empty()) {
    groups = Groups();
  } else {
    if (Status s = ValidateTopics(topics); !s.ok()) return s;
    Result<Group*> g = GroupFor(topics);
    if (!g.ok()) return g.status();
    groups.push_back(*g);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool caught_up = true;
    for (Group* g : groups) {
      std::lock_guard<std::mutex> lock(g->mu);
      Drain(*g);
      const std::vector<kafka::PartitionKey> parts = g->table->Partitions();
      if (parts.empty()) caught_up = false;
      for (const kafka::PartitionKey& p : parts) {
        if (!caught_up) break;
        if (g->table->Paused(p)) continue;
        const std::string cluster_topic = ClusterTopic(kafka_, p.topic);
        std::int64_t low = 0, high = 0;
        // On the producer's connection: the consumer's is often busy with a long-poll fetch.
        if (rd_kafka_query_watermark_offsets(producer_, cluster_topic.c_str(), p.partition, &low,
                                             &high, 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          caught_up = false;
          break;
        }
        std::int64_t next = std::max(g->table->NextOffset(p), Position(*g, p));
        if (next < 0) {
          kafka::PartitionList c;
          c.Add(cluster_topic.c_str(), p.partition, RD_KAFKA_OFFSET_INVALID);
          if (rd_kafka_committed(g->consumer, c.get(), 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
            caught_up = false;
            break;
          }
          next = c.get()->elems[0].offset >= 0 ? c.get()->elems[0].offset : low;
        }
        if (next < high) caught_up = false;
      }
    }
    if (caught_up) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status(ErrorCode::kUnavailable, "kafka: consumers did not catch up within " +
                                                 std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
}

}  // namespace sheaf
