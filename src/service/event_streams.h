// SPDX-License-Identifier: GPL-3.0-or-later
//
// EventStreams: GET /v1/events, server-sent events for the review page (docs/review-page.md).
// Each stream belongs to one tenant and reports that tenant's documents only:
//
//   event: document   data: {"id", "status", "document_type", "priority", "filename",
//                            "updated_at"}   a document appeared or changed status
//   event: review     data: {"id", "status"}  the review queue changed (a document entered
//                                             or left needs_review)
//   ": heartbeat" comment lines every `heartbeat`, so proxies keep the connection and a gone
//   client is noticed.
//
// The stream reads the metadata store (the newest `window` documents every `poll`), so it sees
// changes made by any process of a distributed deployment, not only this one.
//
// Contract:
// - At most `max_streams` streams at once; Open answers 503 ("unavailable") beyond that, with
//   Retry-After. Each stream holds one HTTP server thread while open.
// - Close ends every open stream within one poll and makes Open answer 503 from then on (the
//   server is stopping). Thread-safe.
#ifndef SHEAF_SERVICE_EVENT_STREAMS_H_
#define SHEAF_SERVICE_EVENT_STREAMS_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "sheaf/http_server.h"
#include "sheaf/metadata_store.h"

namespace sheaf {

struct EventStreamOptions {
  int max_streams = 16;
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds heartbeat{15000};
  int window = 200;  // newest documents watched per poll (1..1000)
};

class EventStreams {
 public:
  EventStreams(MetadataStore* metadata, EventStreamOptions options = {});

  // The reply for GET /v1/events by `tenant_id`: a stream, or 503 when full or closed.
  HttpReply Open(const std::string& tenant_id);
  void Close();
  int open_streams();

 private:
  void Serve(const std::string& tenant_id, const HttpChunkWriter& write);

  MetadataStore* metadata_;
  EventStreamOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  int open_ = 0;         // GUARDED_BY(mu_)
  bool closed_ = false;  // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_EVENT_STREAMS_H_
