// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/requeue.h"

#include <nlohmann/json.hpp>
#include <string>

#include "sheaf/topics.h"

namespace sheaf {

Result<std::int64_t> RequeueUnfinished(MetadataStore& metadata, Broker& broker) {
  Result<std::vector<Tenant>> tenants = metadata.ListTenants();
  if (!tenants.ok()) return tenants.status();
  std::int64_t published = 0;
  for (const Tenant& tenant : *tenants) {
    for (ProcessingStatus status : {ProcessingStatus::kQueued, ProcessingStatus::kProcessing}) {
      DocumentFilter filter;
      filter.status = status;
      filter.limit = 1000;
      do {
        Result<DocumentPage> page = metadata.ListDocuments(tenant.id, filter);
        if (!page.ok()) return page.status();
        for (const DocumentRecord& doc : page->documents) {
          const std::string payload =
              nlohmann::json{{"tenant_id", doc.tenant_id}, {"document_id", doc.id}}.dump();
          Status s = broker.Publish(std::string(LaneTopic(doc.priority)), doc.tenant_id, doc.id,
                                    payload);
          if (!s.ok()) return s;
          ++published;
        }
        filter.cursor = page->next_cursor;
      } while (!filter.cursor.empty());
    }
  }
  return published;
}

}  // namespace sheaf
