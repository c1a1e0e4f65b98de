// SPDX-License-Identifier: GPL-3.0-or-later
//
// The parts an embedded Service runs on, made in one folder for the service-level tests
// (service_test, degradation_service_test, spool_service_test): a local blob store, a SQLite
// broker with short retry backoffs, and the pipeline (app::MakeUnderstander, MakeLoader, a
// one-job Processor) with the OCR cache off. The metadata store stays each test's own (plain,
// spooling, behind a failing VFS) and is handed to Deps.
#ifndef SHEAF_TESTS_SERVICE_PARTS_H_
#define SHEAF_TESTS_SERVICE_PARTS_H_

#include <memory>
#include <string>

#include "adapters/sqlite/sqlite_broker.h"
#include "app/composition.h"
#include "pipeline/processor.h"
#include "service/service.h"
#include "sheaf/blob_store.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf::testing {

struct ServiceParts {
  std::string dir;
  app::Config config;
  std::unique_ptr<BlobStore> blobs;
  std::unique_ptr<SqliteBroker> broker;
  std::unique_ptr<Understander> understander;
  std::unique_ptr<Loader> loader;
  std::unique_ptr<Processor> processor;

  // A Service's deps on these parts and `metadata` (which must outlive the service).
  ServiceDeps Deps(MetadataStore* metadata) const;
};

// Makes the parts under `dir`. `broker_max_attempts` > 0 overrides the broker's deliveries
// per message (a test that holds a breaker open needs more than the default).
Status OpenServiceParts(const std::string& dir, ServiceParts* parts, int broker_max_attempts = 0);

// Waits (bounded by 60 s: a test failure, not a hang) until `store` says document `id` left
// queued/processing, and returns it as last read.
DocumentRecord WaitUntilSettled(MetadataStore* store, const std::string& tenant,
                                const std::string& id);

}  // namespace sheaf::testing

#endif  // SHEAF_TESTS_SERVICE_PARTS_H_
