// SPDX-License-Identifier: GPL-3.0-or-later
// PostgresMetadataStore: tenants and API keys.
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

constexpr char kInsertTenant[] = "INSERT INTO tenants (" SHEAF_TENANT_COLUMNS
                                 ") VALUES ($1, $2, $3, $4, '')";
constexpr char kTenantById[] = "SELECT " SHEAF_TENANT_COLUMNS ", pending FROM tenants WHERE id = $1";
constexpr char kTenantByName[] = "SELECT " SHEAF_TENANT_COLUMNS ", pending FROM tenants WHERE name = $1";
constexpr char kTenants[] = "SELECT " SHEAF_TENANT_COLUMNS ", pending FROM tenants ORDER BY name";
constexpr char kSetTenantWebhook[] = "UPDATE tenants SET default_webhook_url = $2 WHERE id = $1";
constexpr char kSetTenantSecret[] = "UPDATE tenants SET webhook_secret = $2 WHERE id = $1";
constexpr char kInsertKey[] = "INSERT INTO api_keys (" SHEAF_KEY_COLUMNS
                              ") VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (key_id) DO NOTHING";
constexpr char kKeyById[] = "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE key_id = $1";
constexpr char kKeyTenant[] = "SELECT tenant FROM api_keys WHERE key_id = $1";
constexpr char kKeyByIdForUpdate[] =
    "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE key_id = $1 FOR UPDATE";
constexpr char kKeysOfTenant[] =
    "SELECT " SHEAF_KEY_COLUMNS " FROM api_keys WHERE tenant = $1 ORDER BY created_at, key_id";
constexpr char kRevokeKey[] = "UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1";

}  // namespace

Result<Tenant> PostgresMetadataStore::CreateTenant(const std::string& name,
                                                   const std::string& actor) {
  if (Status s = CheckTenantName(name); !s.ok()) return s;
  if (Status s = CheckActor(actor); !s.ok()) return s;
  Tenant tenant;
  tenant.name = name;
  Status s = Write([&](Conn& c) {
    tenant.id = NewTenantId();
    AuditHead head;
    Status r = LockAuditHead(c, tenant.id, &head);
    if (!r.ok()) return r;
    tenant.created_at = NowMs();
    tenant.webhook_secret = NewWebhookSecret();
    r = c.Exec(kInsertTenant, Params()
                                  .Text(tenant.id)
                                  .Text(tenant.name)
                                  .Int(tenant.created_at)
                                  .Text(tenant.webhook_secret));
    if (!r.ok() && IsUniqueViolation(c) && c.constraint() == "tenants_name_key") {
      return Invalid("tenant \"" + name + "\" already exists");
    }
    if (!r.ok()) return r;
    return AppendAuditEntry(c, head, tenant.created_at,
                            {actor, "tenant.created", tenant.id, "", TenantCreatedDetails(name)});
  });
  if (!s.ok()) return s;
  return tenant;
}

// Not replica-safe: a tenant is read right after it is made or its secret rotated.
Result<Tenant> PostgresMetadataStore::GetTenant(const std::string& tenant_id) {
  Tenant tenant;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kTenantById, Params().Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return TenantNotFound(tenant_id);
    tenant = ReadTenant(r, 0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenant;
}

// Not replica-safe: the command line finds a tenant by name right after creating it.
Result<Tenant> PostgresMetadataStore::GetTenantByName(const std::string& name) {
  Tenant tenant;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kTenantByName, Params().Text(name), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return TenantNameNotFound(name);
    tenant = ReadTenant(r, 0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenant;
}

// Replica-safe: listings (and every metrics scrape) may lag.
Result<std::vector<Tenant>> PostgresMetadataStore::ListTenants() {
  std::vector<Tenant> tenants;
  Status s = Read(true, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kTenants, &r);
    if (!e.ok()) return e;
    tenants.clear();
    for (int i = 0; i < r.size(); ++i) tenants.push_back(ReadTenant(r, i));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenants;
}

Status PostgresMetadataStore::SetTenantWebhook(const std::string& tenant_id,
                                               const std::string& url, const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  if (Status s = CheckWebhookUrl(url); !s.ok()) return s;
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, tenant_id, &head);
    if (!s.ok()) return s;
    Rows r;
    s = c.Exec(kSetTenantWebhook, Params().Text(tenant_id).Text(url), &r);
    if (!s.ok()) return s;
    if (r.affected() == 0) return TenantNotFound(tenant_id);
    return AppendAuditEntry(c, head, NowMs(),
                            {actor, "tenant.webhook_set", tenant_id, "", WebhookSetDetails(url)});
  });
}

Status PostgresMetadataStore::RotateWebhookSecret(const std::string& tenant_id,
                                                  const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    AuditHead head;
    Status s = LockAuditHead(c, tenant_id, &head);
    if (!s.ok()) return s;
    Rows r;
    s = c.Exec(kSetTenantSecret, Params().Text(tenant_id).Text(NewWebhookSecret()), &r);
    if (!s.ok()) return s;
    if (r.affected() == 0) return TenantNotFound(tenant_id);
    return AppendAuditEntry(c, head, NowMs(),
                            {actor, "tenant.webhook_secret_rotated", tenant_id, "", "{}"});
  });
}

// --- API keys.

Result<NewApiKey> PostgresMetadataStore::CreateApiKey(const std::string& tenant_id,
                                                      const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  NewApiKey out;
  Status s = Write([&](Conn& c) {
    AuditHead head;
    Status e = LockAuditHead(c, tenant_id, &head);
    if (!e.ok()) return e;
    Rows r;
    e = c.Exec(kTenantById, Params().Text(tenant_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return TenantNotFound(tenant_id);
    const std::int64_t now = NowMs();
    // A 64-bit key id collides about never; try again if it does.
    for (int attempt = 0;; ++attempt) {
      const NewKeyMaterial k = NewKey();
      e = c.Exec(kInsertKey, Params().Text(k.key_id).Text(tenant_id).Text(k.salt).Text(k.hash).Int(now),
                 &r);
      if (!e.ok()) return e;
      if (r.affected() == 0 && attempt < 3) continue;
      if (r.affected() == 0) return Status(ErrorCode::kInternal, "cannot make a unique key id");
      out.info = ApiKeyInfo{k.key_id, tenant_id, now, 0};
      out.key = k.key;
      break;
    }
    return AppendAuditEntry(c, head, now,
                            {actor, "key.created", tenant_id, "", KeyDetails(out.info.key_id)});
  });
  if (!s.ok()) return s;
  return out;
}

// Not replica-safe: a revoked key must fail at once.
Result<ApiKeyInfo> PostgresMetadataStore::Authenticate(std::string_view key) {
  const std::optional<std::string> key_id = KeyIdOf(key);
  if (!key_id) return BadKey();
  ApiKeyInfo info;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kKeyById, Params().Text(*key_id), &r);
    if (!e.ok()) return e;
    if (r.size() == 0) return BadKey();
    info = ReadKey(r, 0);
    if (!KeyMatches(key, r.Text(0, 2), r.Text(0, 3)) || info.revoked_at != 0) return BadKey();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return info;
}

Status PostgresMetadataStore::RevokeApiKey(const std::string& key_id, const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    std::string tenant_id;
    bool found = false;
    Status s = TenantOfRow(c, kKeyTenant, key_id, &tenant_id, &found);
    if (!s.ok()) return s;
    if (!found) return KeyNotFound(key_id);
    AuditHead head;
    s = LockAuditHead(c, tenant_id, &head);
    if (!s.ok()) return s;
    Rows r;
    s = c.Exec(kKeyByIdForUpdate, Params().Text(key_id), &r);
    if (!s.ok()) return s;
    if (r.size() == 0) return KeyNotFound(key_id);
    const ApiKeyInfo info = ReadKey(r, 0);
    if (info.revoked_at != 0) return Status::Ok();
    const std::int64_t now = NowMs();
    s = c.Exec(kRevokeKey, Params().Text(key_id).Int(now));
    if (!s.ok()) return s;
    return AppendAuditEntry(c, head, now,
                            {actor, "key.revoked", info.tenant_id, "", KeyDetails(key_id)});
  });
}

// Not replica-safe: `sheaf key list` follows `sheaf key create`.
Result<std::vector<ApiKeyInfo>> PostgresMetadataStore::ListApiKeys(const std::string& tenant_id) {
  std::vector<ApiKeyInfo> keys;
  Status s = Read(false, [&](Conn& c) {
    Rows r;
    Status e = c.Exec(kKeysOfTenant, Params().Text(tenant_id), &r);
    if (!e.ok()) return e;
    keys.clear();
    for (int i = 0; i < r.size(); ++i) keys.push_back(ReadKey(r, i));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return keys;
}

}  // namespace sheaf
