// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/service_metrics.h"

#include "cache/memory_cache.h"
#include "cache/ocr_cache.h"
#include "service/audit_shipper.h"
#include "service/webhooks.h"

namespace sheaf {

ServiceMetrics::ServiceMetrics(MetricsRegistry* registry)
    : registry_(registry),
      stage_seconds_(registry->Histogram("sheaf_stage_duration_seconds",
                                         "Time a stage spent on one message.", {"stage"},
                                         {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
                                          30, 60})),
      stage_runs_(registry->Counter("sheaf_stage_messages_total",
                                    "Messages a stage finished, by outcome (ok: acked; error: "
                                    "retried later).",
                                    {"stage", "outcome"})),
      requests_(registry->Counter("sheaf_http_requests_total", "HTTP requests answered.",
                                  {"method", "route", "code"})),
      request_seconds_(registry->Histogram("sheaf_http_request_duration_seconds",
                                           "Time to answer an HTTP request.", {"route"},
                                           MetricsRegistry::DefaultLatencyBuckets())) {}

StagePool::Observer ServiceMetrics::StageObserver() {
  return [this](const std::string& stage, double seconds, bool ok) {
    stage_seconds_.Observe({stage}, seconds);
    stage_runs_.Inc({stage, ok ? "ok" : "error"});
  };
}

std::function<void(const std::string&, const std::string&, int, double)>
ServiceMetrics::RequestObserver() {
  return [this](const std::string& method, const std::string& route, int status, double seconds) {
    requests_.Inc({method, route, std::to_string(status)});
    request_seconds_.Observe({route}, seconds);
  };
}

void ServiceMetrics::WatchLag(LagSource lag) {
  registry_->AddCollector([lag = std::move(lag)](MetricsSink& sink) {
    for (const TopicInfo& t : kTopics) {
      Result<ConsumerLag> got = lag(std::string(t.name));
      if (!got.ok()) continue;
      for (std::size_t p = 0; p < got->partitions.size(); ++p) {
        sink.Gauge("sheaf_kafka_consumer_lag",
                   "Messages of a topic's partition not yet done by its stage's consumer group "
                   "(high watermark minus committed offset).",
                   {{"topic", std::string(t.name)}, {"partition", std::to_string(p)},
                    {"group", got->group}},
                   static_cast<double>(got->partitions[p]));
      }
    }
  });
}

void ServiceMetrics::Watch(Broker* broker, MetadataStore* metadata, WatchedCaches caches,
                           WebhookDeliverer* webhooks) {
  registry_->AddCollector([broker, metadata, caches, webhooks](MetricsSink& sink) {
    if (broker != nullptr) {
      for (const TopicInfo& t : kTopics) {
        Result<TopicStats> st = broker->Stats(std::string(t.name));
        if (!st.ok()) continue;
        const std::optional<Lane> lane = LaneOf(t.name);
        const MetricsSink::Labels labels = {
            {"topic", std::string(t.name)},
            {"lane", lane ? std::string(PriorityName(*lane)) : std::string()}};
        sink.Gauge("sheaf_queue_depth", "Messages waiting on a topic (ready or in backoff).",
                   labels, static_cast<double>(st->depth()));
        sink.Gauge("sheaf_queue_in_flight", "Messages of a topic leased by a worker.", labels,
                   static_cast<double>(st->in_flight));
        sink.Gauge("sheaf_queue_oldest_age_seconds",
                   "Age of the oldest ready message of a topic (0 when none is ready).", labels,
                   static_cast<double>(st->oldest_ready_age.count()) / 1000.0);
        if (st->parked > 0) {
          sink.Gauge("sheaf_queue_parked", "Dead letters that ran out of attempts.", labels,
                     static_cast<double>(st->parked));
        }
      }
    }
    if (metadata != nullptr) {
      Result<std::vector<Tenant>> tenants = metadata->ListTenants();
      if (tenants.ok()) {
        // One read for every tenant: pending comes with the tenant (kept by the writes).
        for (const Tenant& t : *tenants) {
          sink.Gauge("sheaf_tenant_pending_documents",
                     "Documents of a tenant queued or being processed.", {{"tenant", t.name}},
                     static_cast<double>(t.pending));
        }
      }
      Result<std::map<ProcessingStatus, std::int64_t>> by_status = metadata->CountByStatus();
      if (by_status.ok()) {
        for (const auto& [status, n] : *by_status) {
          sink.Gauge("sheaf_documents", "Documents by status.",
                     {{"status", std::string(ProcessingStatusName(status))}},
                     static_cast<double>(n));
        }
      }
    }
    auto cache = [&](const char* name, std::uint64_t hits, std::uint64_t misses) {
      sink.Counter("sheaf_cache_hits_total", "Cache lookups that found a value.",
                   {{"cache", name}}, static_cast<double>(hits));
      sink.Counter("sheaf_cache_misses_total", "Cache lookups that found none.", {{"cache", name}},
                   static_cast<double>(misses));
    };
    if (caches.ocr != nullptr) cache("ocr", caches.ocr->hits(), caches.ocr->misses());
    if (caches.ocr_memory != nullptr) {
      cache("ocr_memory", caches.ocr_memory->hits(), caches.ocr_memory->misses());
    }
    if (caches.classify_memory != nullptr) {
      cache("classification_memory", caches.classify_memory->hits(),
            caches.classify_memory->misses());
    }
    if (caches.api != nullptr) cache("api", caches.api->hits(), caches.api->misses());
    if (caches.shared_errors) {
      sink.Counter("sheaf_cache_errors_total",
                   "Calls to the shared cache that failed (each lookup a miss, each store lost).",
                   {{"cache", "shared"}}, static_cast<double>(caches.shared_errors()));
    }
    if (caches.shared_available) {
      sink.Gauge("sheaf_cache_available", "1 when the shared cache answered its latest call.",
                 {{"cache", "shared"}}, caches.shared_available() ? 1.0 : 0.0);
    }
    for (const auto& [name, c] : {std::pair<const char*, MemoryCache*>{"ocr_memory", caches.ocr_memory},
                                  {"classification_memory", caches.classify_memory},
                                  {"api", caches.api}}) {
      if (c == nullptr) continue;
      sink.Gauge("sheaf_cache_bytes", "Bytes held by an in-process cache.", {{"cache", name}},
                 static_cast<double>(c->bytes()));
      sink.Counter("sheaf_cache_evictions_total", "Entries evicted to stay within the bound.",
                   {{"cache", name}}, static_cast<double>(c->evictions()));
    }
    if (webhooks != nullptr) {
      const char* help = "Webhook attempts by outcome.";
      sink.Counter("sheaf_webhook_attempts_total", help, {{"outcome", "delivered"}},
                   static_cast<double>(webhooks->delivered()));
      sink.Counter("sheaf_webhook_attempts_total", help, {{"outcome", "retry"}},
                   static_cast<double>(webhooks->retried()));
      sink.Counter("sheaf_webhook_attempts_total", help, {{"outcome", "failed"}},
                   static_cast<double>(webhooks->failed()));
      sink.Counter("sheaf_webhook_deferred_total",
                   "Webhook events put back unattempted: their receiver's circuit breaker was open.",
                   {}, static_cast<double>(webhooks->deferred()));
    }
  });
}

void ServiceMetrics::WatchAudit(AuditShipper* shipper) {
  if (shipper == nullptr) return;
  registry_->AddCollector([shipper](MetricsSink& sink) {
    sink.Gauge("sheaf_audit_outbox_backlog",
               "Audit entries in the metadata store not yet shipped to the audit sink.", {},
               static_cast<double>(shipper->backlog()));
    sink.Gauge("sheaf_audit_shipped_entries",
               "Audit entries known to be in the audit sink: the sum over the tenants' chains of "
               "the highest seq shipped.",
               {}, static_cast<double>(shipper->shipped()));
    sink.Counter("sheaf_audit_ship_errors_total",
                 "Shipping rounds that failed (the sink or the store could not be used).", {},
                 static_cast<double>(shipper->errors()));
  });
}

}  // namespace sheaf
