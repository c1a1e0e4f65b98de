// SPDX-License-Identifier: GPL-3.0-or-later
#include "service_parts.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <utility>

#include "storage/local_blob_store.h"

namespace sheaf::testing {

ServiceDeps ServiceParts::Deps(MetadataStore* metadata) const {
  ServiceDeps deps;
  deps.metadata = metadata;
  deps.blobs = blobs.get();
  deps.broker = broker.get();
  deps.loader = loader.get();
  deps.processor = processor.get();
  deps.understander = understander.get();
  return deps;
}

Status OpenServiceParts(const std::string& dir, ServiceParts* parts, int broker_max_attempts) {
  parts->dir = dir;
  auto blobs = LocalBlobStore::Open(dir + "/blobs");
  if (!blobs.ok()) return blobs.status();
  parts->blobs = std::move(blobs).value();
  BrokerOptions bopts;
  bopts.backoff.initial = std::chrono::milliseconds(10);
  bopts.backoff.max = std::chrono::milliseconds(50);
  if (broker_max_attempts > 0) bopts.max_attempts = broker_max_attempts;
  auto broker = SqliteBroker::Open(dir + "/queue.sqlite", bopts);
  if (!broker.ok()) return broker.status();
  parts->broker = std::move(broker).value();
  parts->config.data_dir = dir;
  parts->config.ocr_cache = false;
  auto understander = app::MakeUnderstander(parts->config);
  if (!understander.ok()) return understander.status();
  parts->understander = std::move(understander).value();
  parts->loader = app::MakeLoader(parts->config.limits);
  ProcessorOptions popts;
  popts.jobs = 1;
  parts->processor = std::make_unique<Processor>(
      *parts->loader, app::MakeWorkerToolsFactory(parts->config), nullptr, popts);
  return Status::Ok();
}

DocumentRecord WaitUntilSettled(MetadataStore* store, const std::string& tenant,
                                const std::string& id) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    Result<DocumentRecord> d = store->GetDocument(tenant, id);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    if (!d.ok()) return {};
    if (d->status != ProcessingStatus::kQueued && d->status != ProcessingStatus::kProcessing) {
      return *d;
    }
    if (std::chrono::steady_clock::now() > until) {
      ADD_FAILURE() << "document " << id << " still " << ProcessingStatusName(d->status);
      return *d;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace sheaf::testing
