// SPDX-License-Identifier: GPL-3.0-or-later
//
// ServiceMetrics: what `sheaf serve` reports on /metrics (docs/service.md lists the series).
// Counters and histograms are updated as requests and stages finish; queue depths, per-tenant
// counts, cache and webhook counters are read from their owners when scraped.
// Thread safety: the observers are called from many threads at once; they are safe.
#ifndef SHEAF_SERVICE_SERVICE_METRICS_H_
#define SHEAF_SERVICE_SERVICE_METRICS_H_

#include <cstdint>
#include <functional>
#include <cstdint>
#include <string>
#include <vector>

#include "service/metrics.h"
#include "service/stage_pool.h"
#include "sheaf/broker.h"
#include "sheaf/metadata_store.h"

namespace sheaf {

class MemoryCache;
class OcrCache;
class WebhookDeliverer;
class AuditShipper;

struct WatchedCaches {
  MemoryCache* ocr_memory = nullptr;
  MemoryCache* classify_memory = nullptr;
  MemoryCache* api = nullptr;
  OcrCache* ocr = nullptr;  // both tiers: hits and misses as the OCR stage saw them
  // The shared cache (Redis), when there is one: its failed calls and whether it answers.
  std::function<std::uint64_t()> shared_errors;
  std::function<bool()> shared_available;
};

// A stage's consumer lag on one topic: what the design's autoscalers (HPA, KEDA) scale on.
struct ConsumerLag {
  std::string group;                     // the consumer group: the stage's worker pool
  std::vector<std::int64_t> partitions;  // messages not yet done, per partition (index)
};
// The lag of `topic`; an error when the broker cannot say now (the series is left out).
using LagSource = std::function<Result<ConsumerLag>(const std::string& topic)>;

class ServiceMetrics {
 public:
  explicit ServiceMetrics(MetricsRegistry* registry);

  StagePool::Observer StageObserver();
  std::function<void(const std::string& method, const std::string& route, int status,
                     double seconds)>
  RequestObserver();

  // Reads these when scraped; each may be null. They must outlive the registry's scrapes.
  void Watch(Broker* broker, MetadataStore* metadata, WatchedCaches caches,
             WebhookDeliverer* webhooks);
  // Adds sheaf_kafka_consumer_lag{topic, partition, group} for every topic, read when scraped.
  void WatchLag(LagSource lag);
  // Reads the audit shipper's position when scraped: sheaf_audit_outbox_backlog,
  // sheaf_audit_shipped_entries and sheaf_audit_ship_errors_total. It must outlive the scrapes.
  void WatchAudit(AuditShipper* shipper);

 private:
  MetricsRegistry* registry_;
  HistogramFamily& stage_seconds_;
  CounterFamily& stage_runs_;
  CounterFamily& requests_;
  HistogramFamily& request_seconds_;
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_SERVICE_METRICS_H_
