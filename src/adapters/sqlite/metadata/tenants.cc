// SPDX-License-Identifier: GPL-3.0-or-later
// SqliteMetadataStore: tenants and API keys.
#include <algorithm>
#include <utility>

#include "adapters/sqlite/metadata/rows.h"
#include "metadata/keys.h"
#include "metadata/rules.h"

namespace sheaf {

namespace {

using namespace sheaf::metadata;  // the rules every store shares (src/metadata/)
using namespace sheaf::sqlite_meta;

}  // namespace

Result<Tenant> SqliteMetadataStore::CreateTenant(const std::string& name,
                                                 const std::string& actor) {
  if (Status s = CheckTenantName(name); !s.ok()) return s;
  if (Status s = CheckActor(actor); !s.ok()) return s;
  Tenant tenant;
  tenant.name = name;
  const std::string details = TenantCreatedDetails(name);
  Status s = Write([&](Conn& c) {
    tenant.id = NewTenantId();
    tenant.created_at = NowMs();
    tenant.webhook_secret = NewWebhookSecret();
    {
      Run run(c.S(kInsertTenant));
      run.Text(1, tenant.id)
          .Text(2, tenant.name)
          .Int(3, tenant.created_at)
          .Text(4, tenant.webhook_secret);
      const int rc = run.Step();
      if (rc == SQLITE_CONSTRAINT_UNIQUE) return Invalid("tenant \"" + name + "\" already exists");
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot create tenant");
    }
    return AppendAuditEntry(c, tenant.created_at, {actor, "tenant.created", tenant.id, "", details},
                            nullptr);
  });
  if (!s.ok()) return s;
  return tenant;
}

Result<Tenant> SqliteMetadataStore::GetTenant(const std::string& tenant_id) {
  Tenant tenant;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kTenantById));
    run.Text(1, tenant_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    tenant = ReadTenant(run);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenant;
}

Result<Tenant> SqliteMetadataStore::GetTenantByName(const std::string& name) {
  Tenant tenant;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kTenantByName));
    run.Text(1, name);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return TenantNameNotFound(name);
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    tenant = ReadTenant(run);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return tenant;
}

Result<std::vector<Tenant>> SqliteMetadataStore::ListTenants() {
  std::vector<Tenant> tenants;
  Status s = Read([&](Conn& c) {
    tenants.clear();
    Run run(c.S(kTenants));
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) tenants.push_back(ReadTenant(run));
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list tenants");
  });
  if (!s.ok()) return s;
  return tenants;
}

Status SqliteMetadataStore::SetTenantWebhook(const std::string& tenant_id, const std::string& url,
                                             const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  if (Status s = CheckWebhookUrl(url); !s.ok()) return s;
  const std::string details = WebhookSetDetails(url);
  return Write([&](Conn& c) {
    {
      Run run(c.S(kSetTenantWebhook));
      run.Text(1, tenant_id).Text(2, url);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot set the tenant's webhook");
      if (c.Changes() == 0) return TenantNotFound(tenant_id);
    }
    return AppendAuditEntry(c, NowMs(), {actor, "tenant.webhook_set", tenant_id, "", details},
                            nullptr);
  });
}

Status SqliteMetadataStore::RotateWebhookSecret(const std::string& tenant_id,
                                                const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    {
      Run run(c.S(kSetTenantSecret));
      run.Text(1, tenant_id).Text(2, NewWebhookSecret());
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot rotate the tenant's webhook secret");
      if (c.Changes() == 0) return TenantNotFound(tenant_id);
    }
    return AppendAuditEntry(c, NowMs(),
                            {actor, "tenant.webhook_secret_rotated", tenant_id, "", "{}"}, nullptr);
  });
}

// --- API keys.

Result<NewApiKey> SqliteMetadataStore::CreateApiKey(const std::string& tenant_id,
                                                    const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  NewApiKey out;
  Status s = Write([&](Conn& c) {
    {
      Run run(c.S(kTenantById));
      run.Text(1, tenant_id);
      const int rc = run.Step();
      if (rc == SQLITE_DONE) return TenantNotFound(tenant_id);
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot read tenant");
    }
    const std::int64_t now = NowMs();
    // A 64-bit key id collides about never; try again if it does.
    for (int attempt = 0;; ++attempt) {
      const NewKeyMaterial k = NewKey();
      Run run(c.S(kInsertKey));
      run.Text(1, k.key_id).Text(2, tenant_id).Text(3, k.salt).Text(4, k.hash).Int(5, now);
      const int rc = run.Step();
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY && attempt < 3) continue;
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot create API key");
      out.info = ApiKeyInfo{k.key_id, tenant_id, now, 0};
      out.key = k.key;
      break;
    }
    return AppendAuditEntry(
        c, now, {actor, "key.created", tenant_id, "", KeyDetails(out.info.key_id)},
        nullptr);
  });
  if (!s.ok()) return s;
  return out;
}

Result<ApiKeyInfo> SqliteMetadataStore::Authenticate(std::string_view key) {
  const std::optional<std::string> key_id = KeyIdOf(key);
  if (!key_id) return BadKey();
  ApiKeyInfo info;
  Status s = Read([&](Conn& c) {
    Run run(c.S(kKeyById));
    run.Text(1, *key_id);
    const int rc = run.Step();
    if (rc == SQLITE_DONE) return BadKey();
    if (rc != SQLITE_ROW) return c.Error(rc, "cannot read API key");
    const std::string salt = run.ColumnText(2);
    const std::string hash = run.ColumnText(3);
    info = ReadKey(run);
    if (!KeyMatches(key, salt, hash) || info.revoked_at != 0) return BadKey();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return info;
}

Status SqliteMetadataStore::RevokeApiKey(const std::string& key_id, const std::string& actor) {
  if (Status s = CheckActor(actor); !s.ok()) return s;
  return Write([&](Conn& c) {
    ApiKeyInfo info;
    {
      Run run(c.S(kKeyById));
      run.Text(1, key_id);
      const int rc = run.Step();
      if (rc == SQLITE_DONE) return KeyNotFound(key_id);
      if (rc != SQLITE_ROW) return c.Error(rc, "cannot read API key");
      info = ReadKey(run);
    }
    if (info.revoked_at != 0) return Status::Ok();
    const std::int64_t now = NowMs();
    {
      Run run(c.S(kRevokeKey));
      run.Text(1, key_id).Int(2, now);
      const int rc = run.Step();
      if (rc != SQLITE_DONE) return c.Error(rc, "cannot revoke API key");
    }
    return AppendAuditEntry(
        c, now, {actor, "key.revoked", info.tenant_id, "", KeyDetails(key_id)},
        nullptr);
  });
}

Result<std::vector<ApiKeyInfo>> SqliteMetadataStore::ListApiKeys(const std::string& tenant_id) {
  std::vector<ApiKeyInfo> keys;
  Status s = Read([&](Conn& c) {
    keys.clear();
    Run run(c.S(kKeysOfTenant));
    run.Text(1, tenant_id);
    int rc;
    while ((rc = run.Step()) == SQLITE_ROW) keys.push_back(ReadKey(run));
    return rc == SQLITE_DONE ? Status::Ok() : c.Error(rc, "cannot list API keys");
  });
  if (!s.ok()) return s;
  return keys;
}

}  // namespace sheaf
