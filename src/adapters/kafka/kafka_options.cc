// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/kafka/kafka_options.h"

#include <algorithm>
#include <cctype>

#include "sheaf/topics.h"

namespace sheaf {

namespace {

constexpr std::string_view kScheme = "kafka://";

// Cluster names: Kafka allows [A-Za-z0-9._-] in topic names, up to 249 characters.
bool ValidName(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

Result<KafkaOptions> ParseKafkaUri(std::string_view uri) {
  if (uri.substr(0, kScheme.size()) != kScheme) {
    return Status(ErrorCode::kInvalidArgument,
                  "kafka URI \"" + std::string(uri) + "\" does not start with kafka://");
  }
  std::string_view rest = uri.substr(kScheme.size());
  const std::size_t q = rest.find('?');
  KafkaOptions o;
  o.bootstrap_servers = std::string(rest.substr(0, q));
  if (o.bootstrap_servers.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  "kafka URI \"" + std::string(uri) + "\" names no bootstrap server");
  }
  std::string_view query = q == std::string_view::npos ? "" : rest.substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const std::string value(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (name == "namespace") {
      o.ns = value;
    } else if (name == "group_prefix") {
      o.group_prefix = value;
    } else {
      return Status(ErrorCode::kInvalidArgument,
                    "kafka URI: unknown parameter \"" + std::string(name) +
                        "\" (known: namespace, group_prefix)");
    }
    if (!ValidName(value) || value.size() > 100) {
      return Status(ErrorCode::kInvalidArgument,
                    "kafka URI: " + std::string(name) + " \"" + value +
                        "\" must be at most 100 of [A-Za-z0-9._-]");
    }
  }
  return o;
}

std::string ClusterTopic(const KafkaOptions& options, std::string_view topic) {
  return options.ns.empty() ? std::string(topic) : options.ns + "." + std::string(topic);
}

std::string GroupName(const KafkaOptions& options, std::vector<std::string> topics) {
  std::sort(topics.begin(), topics.end());
  topics.erase(std::unique(topics.begin(), topics.end()), topics.end());
  std::vector<std::string> lanes = {std::string(topics::kDocumentsHigh),
                                    std::string(topics::kDocumentsNormal),
                                    std::string(topics::kDocumentsUrgent)};
  std::string name;
  if (topics == lanes) {
    name = "documents.lanes";
  } else {
    for (const std::string& t : topics) name += (name.empty() ? "" : "+") + t;
  }
  return ClusterTopic(options, options.group_prefix + name);
}

std::string LagGroupName(const KafkaOptions& options, std::string_view topic) {
  if (LaneOf(topic).has_value()) {
    return GroupName(options, {std::string(topics::kDocumentsUrgent),
                               std::string(topics::kDocumentsHigh),
                               std::string(topics::kDocumentsNormal)});
  }
  return GroupName(options, {std::string(topic)});
}

}  // namespace sheaf
