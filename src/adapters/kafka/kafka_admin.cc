// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/kafka/kafka_admin.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/kafka/kafka_client.h"
#include "sheaf/topics.h"

namespace sheaf {

namespace {

using kafka::Conf;

// A producer handle used for Admin API calls only (it never produces).
struct AdminClient {
  rd_kafka_t* rk = nullptr;
  ~AdminClient() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

Status Connect(const KafkaOptions& options, AdminClient* client) {
  Conf conf;
  if (Status s = kafka::CommonSettings(options, &conf); !s.ok()) return s;
  Result<rd_kafka_t*> rk = kafka::NewClient(RD_KAFKA_PRODUCER, &conf);
  if (!rk.ok()) return rk.status();
  client->rk = *rk;
  return Status::Ok();
}

rd_kafka_AdminOptions_t* Options(rd_kafka_t* rk, rd_kafka_admin_op_t op,
                                 std::chrono::milliseconds timeout) {
  rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(rk, op);
  char err[512];
  rd_kafka_AdminOptions_set_request_timeout(o, static_cast<int>(timeout.count()), err, sizeof err);
  rd_kafka_AdminOptions_set_operation_timeout(o, static_cast<int>(timeout.count()), err,
                                              sizeof err);
  return o;
}

// The partition count of `topic` on the cluster, -1 when it does not exist.
Result<int> PartitionsOf(rd_kafka_t* rk, const std::string& topic,
                         std::chrono::milliseconds timeout) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, 0, t, &md, static_cast<int>(timeout.count()));
  rd_kafka_topic_destroy(t);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status(ErrorCode::kUnavailable,
                  "kafka: cannot read the metadata of " + topic + ": " + rd_kafka_err2str(err));
  }
  int count = -1;
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    count = md->topics[0].partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return count;
}

}  // namespace

Status CreateTopics(const KafkaOptions& options, int replication_factor, int min_insync_replicas) {
  if (replication_factor < 1 || min_insync_replicas < 1 ||
      min_insync_replicas > replication_factor) {
    return Status(ErrorCode::kInvalidArgument,
                  "replication factor " + std::to_string(replication_factor) +
                      " and min.insync.replicas " + std::to_string(min_insync_replicas) +
                      ": both must be at least 1 and min.insync.replicas at most the factor");
  }
  AdminClient client;
  if (Status s = Connect(options, &client); !s.ok()) return s;
  std::vector<rd_kafka_NewTopic_t*> topics;
  char err[512];
  for (const TopicInfo& t : kTopics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(ClusterTopic(options, t.name).c_str(),
                                                    t.partitions, replication_factor, err,
                                                    sizeof err);
    if (nt == nullptr) {
      for (rd_kafka_NewTopic_t* x : topics) rd_kafka_NewTopic_destroy(x);
      return Status(ErrorCode::kInvalidArgument,
                    "kafka: topic " + ClusterTopic(options, t.name) + ": " + err);
    }
    rd_kafka_NewTopic_set_config(nt, "min.insync.replicas",
                                 std::to_string(min_insync_replicas).c_str());
    topics.push_back(nt);
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client.rk);
  rd_kafka_AdminOptions_t* o = Options(client.rk, RD_KAFKA_ADMIN_OP_CREATETOPICS,
                                       options.publish_timeout);
  rd_kafka_CreateTopics(client.rk, topics.data(), topics.size(), o, queue);
  rd_kafka_AdminOptions_destroy(o);
  for (rd_kafka_NewTopic_t* x : topics) rd_kafka_NewTopic_destroy(x);
  rd_kafka_event_t* ev = kafka::WaitForEvent(queue, RD_KAFKA_EVENT_CREATETOPICS_RESULT,
                                             options.publish_timeout * 2);
  Status result;
  std::vector<std::string> existing;
  if (ev == nullptr) {
    result = Status(ErrorCode::kUnavailable, "kafka: no answer creating the topics at " +
                                                 options.bootstrap_servers);
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    result = Status(ErrorCode::kUnavailable, std::string("kafka: cannot create the topics: ") +
                                                 rd_kafka_event_error_string(ev));
  } else {
    std::size_t n = 0;
    const rd_kafka_topic_result_t** res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    for (std::size_t i = 0; i < n && result.ok(); ++i) {
      const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
      if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        existing.push_back(rd_kafka_topic_result_name(res[i]));
      } else if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* why = rd_kafka_topic_result_error_string(res[i]);
        result = Status(ErrorCode::kUnavailable,
                        std::string("kafka: cannot create topic ") +
                            rd_kafka_topic_result_name(res[i]) + ": " +
                            (why != nullptr ? why : rd_kafka_err2str(e)));
      }
    }
  }
  if (ev != nullptr) rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(queue);
  if (!result.ok()) return result;
  for (const std::string& name : existing) {
    int want = 0;
    for (const TopicInfo& t : kTopics) {
      if (ClusterTopic(options, t.name) == name) want = t.partitions;
    }
    // A topic created a moment ago (by another process) may not be in the metadata yet.
    const auto deadline = std::chrono::steady_clock::now() + options.publish_timeout;
    Result<int> have = PartitionsOf(client.rk, name, options.publish_timeout);
    while (have.ok() && *have <= 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      have = PartitionsOf(client.rk, name, options.publish_timeout);
    }
    if (!have.ok()) return have.status();
    if (*have != want) {
      return Status(ErrorCode::kInvalidArgument,
                    "kafka: topic " + name + " exists with " + std::to_string(*have) +
                        " partitions; Sheaf needs " + std::to_string(want) +
                        " (the tenant partitioner depends on the count)");
    }
  }
  return Status::Ok();
}

Status DeleteTopics(const KafkaOptions& options) {
  if (options.ns.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "kafka: refusing to delete topics outside a namespace");
  }
  AdminClient client;
  if (Status s = Connect(options, &client); !s.ok()) return s;
  std::vector<rd_kafka_DeleteTopic_t*> topics;
  for (const TopicInfo& t : kTopics) {
    topics.push_back(rd_kafka_DeleteTopic_new(ClusterTopic(options, t.name).c_str()));
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(client.rk);
  rd_kafka_AdminOptions_t* o = Options(client.rk, RD_KAFKA_ADMIN_OP_DELETETOPICS,
                                       options.publish_timeout);
  rd_kafka_DeleteTopics(client.rk, topics.data(), topics.size(), o, queue);
  rd_kafka_AdminOptions_destroy(o);
  for (rd_kafka_DeleteTopic_t* x : topics) rd_kafka_DeleteTopic_destroy(x);
  rd_kafka_event_t* ev = kafka::WaitForEvent(queue, RD_KAFKA_EVENT_DELETETOPICS_RESULT,
                                             options.publish_timeout * 2);
  Status result;
  if (ev == nullptr) {
    result = Status(ErrorCode::kUnavailable, "kafka: no answer deleting the topics");
  } else {
    std::size_t n = 0;
    const rd_kafka_topic_result_t** res =
        rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
    for (std::size_t i = 0; i < n && result.ok(); ++i) {
      const rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        result = Status(ErrorCode::kUnavailable, std::string("kafka: cannot delete topic ") +
                                                     rd_kafka_topic_result_name(res[i]) + ": " +
                                                     rd_kafka_err2str(e));
      }
    }
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(queue);
  return result;
}

}  // namespace sheaf
