// SPDX-License-Identifier: GPL-3.0-or-later
// SqliteMetadataStore: webhook events (an outbox).
#include <algorithm>
#include <utility>

#include "adapters/sqlite/metadata/rows.h"
#include "metadata/keys.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::sqlite_meta;
using std::chrono::milliseconds;

}  // namespace

Result<WebhookEvent> SqliteMetadataStore::EnqueueWebhook(const std::string& tenant_id,
                                                         const NewWebhookEvent& event) {
  Status s = CheckWebhook(event);
  if (!s.ok()) return s;
  WebhookEvent out;
  out.event_id = NewEventId();
  out.tenant_id = tenant_id;
  out.document_id = event.document_id;
  out.url = event.url;
  out.event_type = event.event_type;
  out.body = event.body;
  s = Write([&](Conn& c) {
    ProcessingStatus ignored;
    Status r = DocumentStatusOf(c, tenant_id, event.document_id, &ignored);
    if (!r.ok()) return r;
    const std::int64_t now = NowMs();
    out.window_start = out.next_attempt_at = out.created_at = out.updated_at = now;
    return InsertWebhook(c, out.event_id, tenant_id, event.document_id, event, now);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<WebhookEvent>> SqliteMetadataStore::ClaimDueWebhooks(int max,
                                                                        milliseconds lease) {
  if (Status s = CheckLease(max, lease); !s.ok()) return s;
  std::vector<WebhookEvent> out;
  Status s = Write([&](Conn& c) {
    out.clear();
    const std::int64_t now = NowMs();
    std::vector<std::string> due;
    {
      Run run(c.S(kDueWebhooks));
      run.Int(1, now).Int(2, max);
      int rc;
      while ((rc = run.Step()) == SQLITE_ROW) due.push_back(run.ColumnText(0));
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot find due webhook events");
    }
    for (const std::string& event_id : due) {
      Run run(c.S(kClaimWebhook));
      run.Text(1, event_id).Int(2, now + lease.count()).Int(3, now);
      const int rc = run.Step();
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot claim webhook event " + event_id);
      WebhookEvent e;
      Status r = ReadWebhook(run, c.path(), &e);
      if (!r.ok()) return r;
      out.push_back(std::move(e));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status SqliteMetadataStore::MarkWebhookDelivered(const std::string& event_id) {
  return Write([&](Conn& c) {
    WebhookEvent e;
    Status s = FindWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.state == WebhookState::kDelivered) return Status::Ok();
    if (e.state == WebhookState::kFailed) {
      return Invalid("webhook event " + event_id + " has failed; replay it to deliver it again");
    }
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kWebhookDelivered));
      run.Text(1, event_id).Int(2, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot mark webhook event " + event_id);
    }
    return AppendAuditEntry(
        c, now,
        {kWebhookActor, "document.exported", e.tenant_id, e.document_id, ExportedDetails(e)},
        nullptr);
  });
}

Status SqliteMetadataStore::MarkWebhookAttemptFailed(const std::string& event_id,
                                                     const std::string& error,
                                                     std::optional<std::int64_t> retry_at) {
  return Write([&](Conn& c) {
    WebhookEvent e;
    Status s = FindWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.state != WebhookState::kPending) {
      return Invalid("webhook event " + event_id + " is " + std::string(WebhookStateName(e.state)) +
                     ", not pending");
    }
    const std::int64_t now = NowMs();
    if (retry_at) {
      Run run(c.S(kWebhookRetry));
      run.Text(1, event_id).Int(2, *retry_at).Text(3, error).Int(4, now);
      const int rc = run.Step();
      return rc == SQLITE_DONE ? Status::Ok()
                               : c.Error(rc, "cannot reschedule webhook event " + event_id);
    }
    {
      Run run(c.S(kWebhookFailed));
      run.Text(1, event_id).Text(2, error).Int(3, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot mark webhook event " + event_id);
    }
    return AppendAuditEntry(c, now,
                            {kWebhookActor, "webhook.failed", e.tenant_id, e.document_id,
                             WebhookFailedDetails(e, error)},
                            nullptr);
  });
}

Result<WebhookEvent> SqliteMetadataStore::GetWebhook(const std::string& tenant_id,
                                                     const std::string& event_id) {
  WebhookEvent e;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kWebhookOfTenant));
    run.Text(1, event_id).Text(2, tenant_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return WebhookNotFound(event_id);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read webhook event");
    return ReadWebhook(run, c.path(), &e);
  });
  if (!s.ok()) return s;
  return e;
}

Result<std::vector<WebhookEvent>> SqliteMetadataStore::ListWebhooks(const std::string& tenant_id,
                                                                    WebhookState state, int limit) {
  Status s = CheckLimit(limit);
  if (!s.ok()) return s;
  std::vector<WebhookEvent> events;
  s = Read([&](Conn& c) {
    events.clear();
    Run run(c.S(kWebhooksOfTenant));
    run.Text(1, tenant_id).Text(2, WebhookStateName(state)).Int(3, limit);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) {
      WebhookEvent e;
      Status r = ReadWebhook(run, c.path(), &e);
      if (!r.ok()) return r;
      events.push_back(std::move(e));
    }
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list webhook events");
  });
  if (!s.ok()) return s;
  return events;
}

Status SqliteMetadataStore::ReplayWebhook(const std::string& tenant_id, const std::string& event_id,
                                          const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    WebhookEvent e;
    Status s = FindWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.tenant_id != tenant_id) return WebhookNotFound(event_id);
    if (e.state == WebhookState::kPending) {
      return Invalid("webhook event " + event_id + " is pending; it will be delivered");
    }
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kWebhookReplay));
      run.Text(1, event_id).Int(2, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot replay webhook event " + event_id);
    }
    return AppendAuditEntry(
        c, now, {actor, "webhook.replayed", tenant_id, e.document_id, ReplayedDetails(e)}, nullptr);
  });
}

}  // namespace sheaf
