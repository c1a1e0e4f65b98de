// SPDX-License-Identifier: GPL-3.0-or-later
// PostgresMetadataStore: webhook events (an outbox; claims with SKIP LOCKED).
#include <algorithm>
#include <utility>

#include "adapters/postgres/metadata/rows.h"
#include "adapters/postgres/postgres_metadata_store.h"
#include "metadata/keys.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::pg;
using std::chrono::milliseconds;

constexpr char kWebhookTenant[] = "SELECT tenant FROM webhook_events WHERE event_id = $1";
constexpr char kDocumentForShare[] =
    "SELECT status FROM documents WHERE id = $1 AND tenant = $2 FOR SHARE";
constexpr char kWebhookOfTenant[] =
    "SELECT " SHEAF_WEBHOOK_COLUMNS " FROM webhook_events WHERE event_id = $1 AND tenant = $2";
constexpr char kWebhooksOfTenant[] = "SELECT " SHEAF_WEBHOOK_COLUMNS
                                     " FROM webhook_events WHERE tenant = $1 AND state = $2"
                                     " ORDER BY created_at DESC, event_id DESC LIMIT $3";
// Claims: due events locked by no other claimer (SKIP LOCKED), each leased in the same
// statement. due_at and the creation time order the answer (RETURNING keeps no order).
constexpr char kClaimWebhooks[] =
    "WITH due AS (SELECT event_id, next_attempt_at AS due_at FROM webhook_events"
    " WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at"
    " LIMIT $2 FOR UPDATE SKIP LOCKED)"
    " UPDATE webhook_events w SET attempts = w.attempts + 1, next_attempt_at = $3,"
    " updated_at = $1 FROM due WHERE w.event_id = due.event_id RETURNING w.event_id, w.tenant,"
    " w.document_id, w.url, w.event_type, w.body, w.state, w.attempts, w.window_start,"
    " w.next_attempt_at, w.last_error, w.created_at, w.updated_at, due.due_at";
constexpr char kWebhookDelivered[] =
    "UPDATE webhook_events SET state = 'delivered', last_error = '', updated_at = $2"
    " WHERE event_id = $1";
constexpr char kWebhookRetry[] =
    "UPDATE webhook_events SET next_attempt_at = $2, last_error = $3, updated_at = $4"
    " WHERE event_id = $1";
constexpr char kWebhookFailed[] =
    "UPDATE webhook_events SET state = 'failed', last_error = $2, updated_at = $3"
    " WHERE event_id = $1";
constexpr char kWebhookReplay[] =
    "UPDATE webhook_events SET state = 'pending', attempts = 0, window_start = $2,"
    " next_attempt_at = $2, last_error = '', updated_at = $2 WHERE event_id = $1";

}  // namespace

Result<WebhookEvent> PostgresMetadataStore::EnqueueWebhook(const std::string& tenant_id,
                                                           const NewWebhookEvent& event) {
  if (Status s = CheckWebhook(event); !s.ok()) return s;
  WebhookEvent out;
  out.event_id = NewEventId();
  out.tenant_id = tenant_id;
  out.document_id = event.document_id;
  out.url = event.url;
  out.event_type = event.event_type;
  out.body = event.body;
  Status s = Write([&](Conn& c) {
    // FOR SHARE: the document cannot be deleted until this event is in.
    Rows r;
    Status e = c.Exec(kDocumentForShare, Params().Text(event.document_id).Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return DocumentNotFound(event.document_id);
    const std::int64_t now = NowMs();
    out.window_start = out.next_attempt_at = out.created_at = out.updated_at = now;
    return InsertWebhook(c, out.event_id, tenant_id, event.document_id, event, now);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<WebhookEvent>> PostgresMetadataStore::ClaimDueWebhooks(int max,
                                                                          milliseconds lease) {
  if (Status s = CheckLease(max, lease); !s.ok()) return s;
  std::vector<WebhookEvent> out;
  Status s = Write([&](Conn& c) {
    const std::int64_t now = NowMs();
    Rows r;
    Status e = c.Exec(kClaimWebhooks, Params().Int(now).Int(max).Int(now + lease.count()), &r);
    if (!e.ok()) return e;
    std::vector<std::pair<std::int64_t, WebhookEvent>> claimed;
    for (int i = 0; i < r.size(); ++i) {
      WebhookEvent ev;
      e = ReadWebhook(c, r, i, &ev);
      if (!e.ok()) return e;
      claimed.emplace_back(r.Int(i, 13), std::move(ev));
    }
    // Oldest due first, as the claim chose them.
    std::sort(claimed.begin(), claimed.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first, a.second.created_at) < std::tie(b.first, b.second.created_at);
    });
    out.clear();
    for (auto& [due, ev] : claimed) out.push_back(std::move(ev));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status PostgresMetadataStore::MarkWebhookDelivered(const std::string& event_id) {
  return Write([&](Conn& c) {
    std::string tenant_id;
    bool found = false;
    Status s = TenantOfRow(c, kWebhookTenant, event_id, &tenant_id, &found);
    if (!s.ok()) return s;
    if (!found) return WebhookNotFound(event_id);
    AuditHead head;
    s = LockAuditHead(c, tenant_id, &head);
    if (!s.ok()) return s;
    WebhookEvent e;
    s = LockWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.state == WebhookState::kDelivered) return Status::Ok();
    if (e.state == WebhookState::kFailed) {
      return Invalid("webhook event " + event_id + " has failed; replay it to deliver it again");
    }
    const std::int64_t now = NowMs();
    s = c.Exec(kWebhookDelivered, Params().Text(event_id).Int(now));
    if (!s.ok()) return s;
    return AppendAuditEntry(
        c, head, now,
        {kWebhookActor, "document.exported", e.tenant_id, e.document_id, ExportedDetails(e)});
  });
}

// Locks the audit head even when the attempt is only rescheduled (nothing to append): every
// write that may append takes the head before any other row, so writes never deadlock.
Status PostgresMetadataStore::MarkWebhookAttemptFailed(const std::string& event_id,
                                                       const std::string& error,
                                                       std::optional<std::int64_t> retry_at) {
  return Write([&](Conn& c) {
    std::string tenant_id;
    bool found = false;
    Status s = TenantOfRow(c, kWebhookTenant, event_id, &tenant_id, &found);
    if (!s.ok()) return s;
    if (!found) return WebhookNotFound(event_id);
    AuditHead head;
    s = LockAuditHead(c, tenant_id, &head);
    if (!s.ok()) return s;
    WebhookEvent e;
    s = LockWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.state != WebhookState::kPending) {
      return Invalid("webhook event " + event_id + " is " + std::string(WebhookStateName(e.state)) +
                     ", not pending");
    }
    const std::int64_t now = NowMs();
    if (retry_at) {
      return c.Exec(kWebhookRetry, Params().Text(event_id).Int(*retry_at).Text(error).Int(now));
    }
    s = c.Exec(kWebhookFailed, Params().Text(event_id).Text(error).Int(now));
    if (!s.ok()) return s;
    return AppendAuditEntry(c, head, now,
                            {kWebhookActor, "webhook.failed", e.tenant_id, e.document_id,
                             WebhookFailedDetails(e, error)});
  });
}

// Not replica-safe: read right after a replay.
Result<WebhookEvent> PostgresMetadataStore::GetWebhook(const std::string& tenant_id,
                                                       const std::string& event_id) {
  WebhookEvent e;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status x = c.Exec(kWebhookOfTenant, Params().Text(event_id).Text(tenant_id), &r);
    if (!x.ok()) return x;
    if (r.size() == 0) return WebhookNotFound(event_id);
    return ReadWebhook(c, r, 0, &e);
  });
  if (!s.ok()) return s;
  return e;
}

// Replica-safe: a listing may lag.
Result<std::vector<WebhookEvent>> PostgresMetadataStore::ListWebhooks(const std::string& tenant_id,
                                                                      WebhookState state,
                                                                      int limit) {
  if (Status s = CheckLimit(limit); !s.ok()) return s;
  std::vector<WebhookEvent> events;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status x = c.Exec(kWebhooksOfTenant,
                      Params().Text(tenant_id).Text(WebhookStateName(state)).Int(limit), &r);
    if (!x.ok()) return x;
    events.clear();
    for (int i = 0; i < r.size(); ++i) {
      WebhookEvent e;
      x = ReadWebhook(c, r, i, &e);
      if (!x.ok()) return x;
      events.push_back(std::move(e));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return events;
}

Status PostgresMetadataStore::ReplayWebhook(const std::string& tenant_id,
                                            const std::string& event_id,
                                            const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, tenant_id, &head);
    if (!s.ok()) return s;
    WebhookEvent e;
    s = LockWebhook(c, event_id, &e);
    if (!s.ok()) return s;
    if (e.tenant_id != tenant_id) return WebhookNotFound(event_id);
    if (e.state == WebhookState::kPending) {
      return Invalid("webhook event " + event_id + " is pending; it will be delivered");
    }
    const std::int64_t now = NowMs();
    s = c.Exec(kWebhookReplay, Params().Text(event_id).Int(now));
    if (!s.ok()) return s;
    return AppendAuditEntry(c, head, now,
                            {actor, "webhook.replayed", tenant_id, e.document_id, ReplayedDetails(e)});
  });
}

}  // namespace sheaf
