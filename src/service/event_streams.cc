// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/event_streams.h"

#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/result_json.h"
#include "core/times.h"

namespace sheaf {

namespace {

using Json = nlohmann::ordered_json;

struct Seen {
  ProcessingStatus status;
  std::int64_t updated_at;
};

std::string EventText(const char* event, const Json& data) {
  return std::string("event: ") + event + "\ndata: " + DumpJson(data) + "\n\n";
}

}  // namespace

EventStreams::EventStreams(MetadataStore* metadata, EventStreamOptions options)
    : metadata_(metadata), options_(options) {}

HttpReply EventStreams::Open(const std::string& tenant_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || open_ >= options_.max_streams) {
      HttpReply r;
      r.status = 503;
      r.body = DumpJson(Json{
          {"error",
           {{"code", "unavailable"},
            {"message", closed_ ? std::string("the server is stopping")
                                : "too many event streams are open (the limit is " +
                                      std::to_string(options_.max_streams) +
                                      "); close one or retry later"}}}});
      r.headers.emplace_back("Retry-After", "5");
      return r;
    }
    ++open_;
  }
  // The slot is given back when the stream ends, or when the reply is dropped unsent.
  struct Slot {
    EventStreams* owner;
    ~Slot() {
      std::lock_guard<std::mutex> lock(owner->mu_);
      --owner->open_;
    }
  };
  std::shared_ptr<Slot> slot(new Slot{this});
  HttpReply r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Accel-Buffering", "no");
  r.stream = [this, tenant_id, slot](const HttpChunkWriter& write) { Serve(tenant_id, write); };
  return r;
}

void EventStreams::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
}

int EventStreams::open_streams() {
  std::lock_guard<std::mutex> lock(mu_);
  return open_;
}

void EventStreams::Serve(const std::string& tenant_id, const HttpChunkWriter& write) {
  std::map<std::string, Seen> seen;
  DocumentFilter filter;
  filter.limit = std::max(1, std::min(options_.window, 1000));
  // The first read is the baseline (the page lists what is there already), made before the
  // stream says it is connected: a change made after that is reported.
  bool first = true;
  bool connected = false;
  auto last_write = std::chrono::steady_clock::now();
  for (;;) {
    Result<DocumentPage> page = metadata_->ListDocuments(tenant_id, filter);
    std::string out;
    if (page.ok()) {
      std::map<std::string, Seen> now;
      for (const DocumentRecord& d : page->documents) {
        now[d.id] = Seen{d.status, d.updated_at};
        auto it = seen.find(d.id);
        const bool changed = it == seen.end() || it->second.status != d.status ||
                             it->second.updated_at != d.updated_at;
        if (first || !changed) continue;
        out += EventText("document",
                         Json{{"id", d.id},
                              {"status", ProcessingStatusName(d.status)},
                              {"document_type",
                               d.document_type.empty() ? Json(nullptr) : Json(d.document_type)},
                              {"priority", PriorityName(d.priority)},
                              {"filename", d.source_name},
                              {"updated_at", FormatUtc(d.updated_at, true)}});
        const bool was_review =
            it != seen.end() && it->second.status == ProcessingStatus::kNeedsReview;
        if (was_review != (d.status == ProcessingStatus::kNeedsReview)) {
          out += EventText("review", Json{{"id", d.id}, {"status", ProcessingStatusName(d.status)}});
        }
      }
      seen = std::move(now);
      first = false;
    } else {
      out += EventText("error", Json{{"message", page.status().message()}});
    }
    if (!connected) {
      out = "retry: 3000\n: connected\n\n" + out;
      connected = true;
    }
    const auto t = std::chrono::steady_clock::now();
    if (out.empty() && t - last_write >= options_.heartbeat) out = ": heartbeat\n\n";
    if (!out.empty()) {
      if (!write(out)) return;
      last_write = t;
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, options_.poll, [this] { return closed_; })) return;
  }
}

}  // namespace sheaf
