// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/admin_commands.h"

#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/times.h"
#include "app/backends.h"
#include "app/composition.h"
#include "app/table.h"
#include "service/audit_check.h"
#include "sheaf/metadata_store.h"

namespace sheaf::app {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr const char* kDefaultDataDir = "./sheaf-data";
constexpr int kReplayPage = 1000;

int Fail(const Status& s) {
  std::cerr << "sheaf: " << s.message() << "\n";
  return kExitFailed;
}

// "cli:<user>": the effective user's name, else $USER, else the uid.
std::string Actor() {
  if (const passwd* pw = ::getpwuid(::geteuid());
      pw != nullptr && pw->pw_name != nullptr && pw->pw_name[0] != '\0') {
    return std::string("cli:") + pw->pw_name;
  }
  if (const char* user = std::getenv("USER"); user != nullptr && user[0] != '\0') {
    return std::string("cli:") + user;
  }
  return "cli:uid" + std::to_string(::geteuid());
}

// Milliseconds since the epoch as "2024-03-01T12:00:00Z"; "-" for 0.
std::string FormatTime(std::int64_t ms) { return ms <= 0 ? "-" : FormatUtc(ms, false); }

void PrintTenant(const Tenant& t) {
  std::cout << "id: " << t.id << "\n"
            << "name: " << t.name << "\n"
            << "created: " << FormatTime(t.created_at) << "\n"
            << "webhook_url: " << (t.default_webhook_url.empty() ? "(none)" : t.default_webhook_url)
            << "\n"
            << "webhook_secret: " << t.webhook_secret << "\n";
}

// An API key id, also when given the whole key ("shf_<id>_<secret>").
std::string KeyIdOf(const std::string& arg) {
  if (arg.rfind("shf_", 0) != 0) return arg;
  const std::size_t end = arg.find('_', 4);
  return arg.substr(4, end == std::string::npos ? std::string::npos : end - 4);
}

}  // namespace

struct AdminCommands::State {
  std::string data_dir = kDefaultDataDir;
  std::string metadata_url;  // "" = the data dir's SQLite store

  CLI::App* tenant_create = nullptr;
  CLI::App* tenant_list = nullptr;
  CLI::App* tenant_show = nullptr;
  CLI::App* tenant_set_webhook = nullptr;
  CLI::App* tenant_rotate_secret = nullptr;
  std::string tenant_name;
  std::string webhook_url;

  CLI::App* key_create = nullptr;
  CLI::App* key_revoke = nullptr;
  CLI::App* key_list = nullptr;
  std::string key_tenant;
  std::string key_id;

  CLI::App* audit_verify = nullptr;
  CLI::App* audit_list = nullptr;
  std::int64_t audit_after = 0;
  std::string audit_tenant;
  int audit_limit = 100;
  std::string audit_sink_url;  // "" = check the metadata store only

  CLI::App* export_replay = nullptr;
  std::string replay_tenant;
  std::vector<std::string> replay_events;
  bool replay_failed = false;

  void AddDataDir(CLI::App* cmd) {
    cmd->add_option("--data-dir", data_dir,
                    "The data dir of `sheaf serve` (metadata.sqlite in it); default "
                    "$SHEAF_DATA_DIR, else ./sheaf-data")
        ->envname("SHEAF_DATA_DIR");
    cmd->add_option("--metadata", metadata_url,
                    "The metadata store by URL, as `sheaf serve --metadata` (sqlite:PATH, "
                    "postgres://...); default $SHEAF_METADATA, else the data dir's")
        ->envname("SHEAF_METADATA");
  }

  Result<std::unique_ptr<MetadataStore>> Open() const {
    if (metadata_url.empty()) return OpenDataDirMetadataStore(data_dir);
    Backends backends;
    RegisterBuiltinBackends(&backends);
    BackendContext context;
    context.data_dir = data_dir;
    return backends.metadata.Open(metadata_url, context);
  }

  int TenantCreate();
  int TenantList();
  int TenantShow();
  int TenantSetWebhook();
  int TenantRotateSecret();
  int KeyCreate();
  int KeyRevoke();
  int KeyList();
  int AuditVerify();
  int AuditList();
  int ExportReplay();
};

AdminCommands::AdminCommands(CLI::App& app) : state_(std::make_unique<State>()) {
  State& s = *state_;

  CLI::App* tenant = app.add_subcommand("tenant", "Create and list tenants, set their webhooks");
  tenant->require_subcommand(1);
  s.tenant_create =
      tenant->add_subcommand("create", "Create a tenant; prints its id and webhook secret");
  s.tenant_create->add_option("NAME", s.tenant_name, "1-64 of a-z, 0-9, - and _")->required();
  s.tenant_create->add_option("--webhook-url", s.webhook_url,
                              "Where its webhooks go when a document names no URL");
  s.tenant_list = tenant->add_subcommand("list", "List the tenants");
  s.tenant_show = tenant->add_subcommand("show", "Print a tenant, with its webhook secret");
  s.tenant_show->add_option("NAME", s.tenant_name, "Tenant name")->required();
  s.tenant_set_webhook =
      tenant->add_subcommand("set-webhook", "Set a tenant's default webhook URL (\"\" removes it)");
  s.tenant_set_webhook->add_option("NAME", s.tenant_name, "Tenant name")->required();
  s.tenant_set_webhook->add_option("URL", s.webhook_url, "http:// or https:// URL, or \"\"")
      ->required();
  s.tenant_rotate_secret = tenant->add_subcommand(
      "rotate-secret", "Give a tenant a new webhook secret (receivers must switch to it)");
  s.tenant_rotate_secret->add_option("NAME", s.tenant_name, "Tenant name")->required();

  CLI::App* key = app.add_subcommand("key", "Create, revoke and list API keys");
  key->require_subcommand(1);
  s.key_create = key->add_subcommand(
      "create", "Create an API key; prints it once, alone on the last line of stdout");
  s.key_create->add_option("--tenant", s.key_tenant, "Tenant name")->required();
  s.key_revoke = key->add_subcommand("revoke", "Revoke an API key");
  s.key_revoke->add_option("KEY_ID", s.key_id, "The key's id (or the whole key)")->required();
  s.key_list = key->add_subcommand("list", "List a tenant's API keys (ids, never the keys)");
  s.key_list->add_option("--tenant", s.key_tenant, "Tenant name")->required();

  CLI::App* audit = app.add_subcommand("audit", "Check and read the audit log");
  audit->require_subcommand(1);
  s.audit_verify = audit->add_subcommand(
      "verify", "Recompute the hash chain; exit 1 when an entry was changed, removed or inserted");
  s.audit_verify
      ->add_option("--clickhouse", s.audit_sink_url,
                   "Also check the copy shipped to this audit sink "
                   "(clickhouse+http://HOST:PORT/DATABASE; user and password from "
                   "CLICKHOUSE_USER, CLICKHOUSE_PASSWORD): its chain, and its head against the "
                   "store's; default $SHEAF_AUDIT")
      ->envname("SHEAF_AUDIT");
  s.audit_list = audit->add_subcommand("list", "Print audit entries as JSON lines");
  s.audit_list->add_option("--tenant", s.audit_tenant,
                           "Only this tenant's chain (a name; \"-\" for the system chain)");
  s.audit_list->add_option("--after", s.audit_after, "Only entries with a higher seq")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  s.audit_list->add_option("--limit", s.audit_limit, "Most entries to print")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));

  CLI::App* exports = app.add_subcommand("export", "Webhook deliveries");
  exports->require_subcommand(1);
  s.export_replay = exports->add_subcommand(
      "replay", "Deliver webhook events again (a running `sheaf serve` picks them up)");
  s.export_replay->add_option("--tenant", s.replay_tenant, "Tenant name")->required();
  CLI::Option* ids =
      s.export_replay->add_option("EVENT_ID", s.replay_events, "Event ids (evt_...)");
  CLI::Option* failed =
      s.export_replay->add_flag("--failed", s.replay_failed, "Every failed event of the tenant");
  failed->excludes(ids);

  for (CLI::App* cmd :
       {s.tenant_create, s.tenant_list, s.tenant_show, s.tenant_set_webhook, s.tenant_rotate_secret,
        s.key_create, s.key_revoke, s.key_list, s.audit_verify, s.audit_list, s.export_replay}) {
    s.AddDataDir(cmd);
  }
}

AdminCommands::~AdminCommands() = default;

std::optional<int> AdminCommands::Run() {
  State& s = *state_;
  if (s.tenant_create->parsed()) return s.TenantCreate();
  if (s.tenant_list->parsed()) return s.TenantList();
  if (s.tenant_show->parsed()) return s.TenantShow();
  if (s.tenant_set_webhook->parsed()) return s.TenantSetWebhook();
  if (s.tenant_rotate_secret->parsed()) return s.TenantRotateSecret();
  if (s.key_create->parsed()) return s.KeyCreate();
  if (s.key_revoke->parsed()) return s.KeyRevoke();
  if (s.key_list->parsed()) return s.KeyList();
  if (s.audit_verify->parsed()) return s.AuditVerify();
  if (s.audit_list->parsed()) return s.AuditList();
  if (s.export_replay->parsed()) return s.ExportReplay();
  return std::nullopt;
}

// --- Tenants.

int AdminCommands::State::TenantCreate() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  MetadataStore& m = **store;
  const std::string actor = Actor();
  // Checked before the tenant exists, so a bad URL leaves nothing half made.
  if (!webhook_url.empty() && webhook_url.rfind("http://", 0) != 0 &&
      webhook_url.rfind("https://", 0) != 0) {
    return Fail(
        Status(ErrorCode::kInvalidArgument, "--webhook-url must start with http:// or https://"));
  }
  Result<Tenant> t = m.CreateTenant(tenant_name, actor);
  if (!t.ok()) return Fail(t.status());
  if (!webhook_url.empty()) {
    Status set = m.SetTenantWebhook(t->id, webhook_url, actor);
    if (!set.ok()) {
      std::cerr << "sheaf: tenant " << t->name << " was created, but its webhook URL was not set\n";
      return Fail(set);
    }
    t->default_webhook_url = webhook_url;
  }
  PrintTenant(*t);
  std::cerr << "Receivers verify X-Sheaf-Signature with the webhook secret; keep it secret.\n";
  return kExitOk;
}

int AdminCommands::State::TenantList() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  Result<std::vector<Tenant>> tenants = (*store)->ListTenants();
  if (!tenants.ok()) return Fail(tenants.status());
  Table table({"NAME", "ID", "CREATED", "WEBHOOK URL"});
  for (const Tenant& t : *tenants) {
    table.AddRow({t.name, t.id, FormatTime(t.created_at),
                  t.default_webhook_url.empty() ? "-" : t.default_webhook_url});
  }
  std::cout << table.Render();
  return kExitOk;
}

int AdminCommands::State::TenantShow() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  Result<Tenant> t = (*store)->GetTenantByName(tenant_name);
  if (!t.ok()) return Fail(t.status());
  PrintTenant(*t);
  return kExitOk;
}

int AdminCommands::State::TenantSetWebhook() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  MetadataStore& m = **store;
  Result<Tenant> t = m.GetTenantByName(tenant_name);
  if (!t.ok()) return Fail(t.status());
  Status s = m.SetTenantWebhook(t->id, webhook_url, Actor());
  if (!s.ok()) return Fail(s);
  if (webhook_url.empty()) {
    std::cout << "tenant " << t->name << ": default webhook URL removed\n";
  } else {
    std::cout << "tenant " << t->name << ": default webhook URL set to " << webhook_url << "\n";
  }
  return kExitOk;
}

int AdminCommands::State::TenantRotateSecret() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  MetadataStore& m = **store;
  Result<Tenant> t = m.GetTenantByName(tenant_name);
  if (!t.ok()) return Fail(t.status());
  Status s = m.RotateWebhookSecret(t->id, Actor());
  if (!s.ok()) return Fail(s);
  Result<Tenant> after = m.GetTenant(t->id);
  if (!after.ok()) return Fail(after.status());
  std::cerr << "Deliveries are signed with the new secret from now on (within a few seconds for a "
               "running server).\n";
  std::cout << "webhook_secret: " << after->webhook_secret << "\n";
  return kExitOk;
}

// --- API keys.

int AdminCommands::State::KeyCreate() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  MetadataStore& m = **store;
  Result<Tenant> t = m.GetTenantByName(key_tenant);
  if (!t.ok()) return Fail(t.status());
  Result<NewApiKey> key = m.CreateApiKey(t->id, Actor());
  if (!key.ok()) return Fail(key.status());
  std::cerr << "Created API key " << key->info.key_id << " for tenant " << t->name
            << ". It is shown once, below: store it now.\n";
  std::cout << key->key << "\n" << std::flush;
  return kExitOk;
}

int AdminCommands::State::KeyRevoke() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  const std::string id = KeyIdOf(key_id);
  Status s = (*store)->RevokeApiKey(id, Actor());
  if (!s.ok()) return Fail(s);
  std::cout << "API key " << id << " revoked\n";
  return kExitOk;
}

int AdminCommands::State::KeyList() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  MetadataStore& m = **store;
  Result<Tenant> t = m.GetTenantByName(key_tenant);
  if (!t.ok()) return Fail(t.status());
  Result<std::vector<ApiKeyInfo>> keys = m.ListApiKeys(t->id);
  if (!keys.ok()) return Fail(keys.status());
  Table table({"KEY ID", "CREATED", "REVOKED"});
  for (const ApiKeyInfo& k : *keys) {
    table.AddRow({k.key_id, FormatTime(k.created_at), FormatTime(k.revoked_at)});
  }
  std::cout << table.Render();
  return kExitOk;
}

// --- Audit log.

namespace {

// " of tenant ID", or " of the system chain".
std::string ChainName(const std::string& tenant_id) {
  return tenant_id.empty() ? " of the system chain" : " of tenant " + tenant_id;
}

// One line per chain: the tenant (its name when known), its head seq and hash: the anchors.
void PrintAuditHeads(MetadataStore& m, const std::vector<AuditChainHead>& heads) {
  for (const AuditChainHead& h : heads) {
    std::string who = "system";
    if (!h.tenant_id.empty()) {
      Result<Tenant> t = m.GetTenant(h.tenant_id);
      who = "tenant " + (t.ok() ? t->name + " (" + h.tenant_id + ")" : h.tenant_id);
    }
    std::cout << "  " << who << ": head entry " << h.seq << ", hash " << h.hash << "\n";
  }
}

}  // namespace

int AdminCommands::State::AuditVerify() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  MetadataStore& m = **store;
  Result<AuditVerification> v = m.VerifyAudit();
  if (!v.ok()) return Fail(v.status());
  if (!v->intact) {
    std::cout << "audit log BROKEN: first bad entry " << v->first_bad_seq
              << ChainName(v->first_bad_tenant) << ": " << v->reason << "\n";
    return kExitFailed;
  }
  std::cout << "audit log intact: " << v->entries << " entries in " << v->chains
            << " chains\n";
  PrintAuditHeads(m, v->heads);
  if (audit_sink_url.empty()) return kExitOk;

  Backends backends;
  RegisterBuiltinBackends(&backends);
  BackendContext context;
  context.data_dir = data_dir;
  Result<std::unique_ptr<AuditSink>> sink = backends.audit_sinks.Open(audit_sink_url, context);
  if (!sink.ok()) return Fail(sink.status());
  Result<AuditSinkVerification> copy = VerifyAuditSink(**sink, m, *v);
  if (!copy.ok()) return Fail(copy.status());
  const std::string where = "audit copy in " + RedactUrl(audit_sink_url);
  if (!copy->chain.intact) {
    std::cout << where << " BROKEN: first bad entry " << copy->chain.first_bad_seq
              << ChainName(copy->chain.first_bad_tenant) << ": " << copy->chain.reason << "\n";
    return kExitFailed;
  }
  if (!copy->head_matches) {
    std::cout << where << " DISAGREES with the metadata store: " << copy->mismatch << "\n";
    return kExitFailed;
  }
  std::cout << where << " intact: " << copy->chain.entries << " entries in "
            << copy->chain.chains << " chains, each head the same as the metadata store's entry"
            << "; not yet shipped: " << v->entries - copy->chain.entries << "\n";
  PrintAuditHeads(m, copy->chain.heads);
  return kExitOk;
}

int AdminCommands::State::AuditList() {
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  MetadataStore& m = **store;
  std::vector<std::string> chains;  // tenant ids
  if (audit_tenant == "-") {
    chains.push_back("");
  } else if (!audit_tenant.empty()) {
    Result<Tenant> t = m.GetTenantByName(audit_tenant);
    if (!t.ok()) return Fail(t.status());
    chains.push_back(t->id);
  } else {
    Result<std::vector<AuditChainHead>> heads = m.ListAuditHeads();
    if (!heads.ok()) return Fail(heads.status());
    for (const AuditChainHead& h : *heads) chains.push_back(h.tenant_id);
  }
  std::vector<AuditEntry> all;
  for (const std::string& tenant : chains) {
    Result<std::vector<AuditEntry>> entries = m.ListAudit(tenant, audit_after, audit_limit);
    if (!entries.ok()) return Fail(entries.status());
    all.insert(all.end(), entries->begin(), entries->end());
  }
  for (const AuditEntry& e : all) {
    nlohmann::ordered_json line;
    line["seq"] = e.seq;
    line["at"] = FormatTime(e.at);
    line["actor"] = e.actor;
    line["action"] = e.action;
    line["tenant_id"] = e.tenant_id;
    line["document_id"] = e.document_id;
    nlohmann::json details = nlohmann::json::parse(e.details_json, nullptr, false);
    if (details.is_discarded()) {
      line["details"] = e.details_json;
    } else {
      line["details"] = details;
    }
    line["prev_hash"] = e.prev_hash;
    line["hash"] = e.hash;
    std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  return kExitOk;
}

// --- Webhook deliveries.

int AdminCommands::State::ExportReplay() {
  if (replay_events.empty() && !replay_failed) {
    std::cerr << "sheaf: export replay: name EVENT_IDs or give --failed\n";
    return kExitUsage;
  }
  auto store = Open();
  if (!store.ok()) return Fail(store.status());
  MetadataStore& m = **store;
  Result<Tenant> t = m.GetTenantByName(replay_tenant);
  if (!t.ok()) return Fail(t.status());
  const std::string actor = Actor();
  int replayed = 0;
  int errors = 0;
  const auto replay = [&](const std::string& event_id) {
    Status s = m.ReplayWebhook(t->id, event_id, actor);
    if (s.ok()) {
      std::cout << "replayed " << event_id << "\n";
      ++replayed;
    } else {
      std::cerr << "sheaf: " << s.message() << "\n";
      ++errors;
    }
    return s.ok();
  };
  if (replay_failed) {
    // A replayed event is no longer failed, so each page lists the next ones; stop at the first
    // error rather than list the same event again.
    for (;;) {
      Result<std::vector<WebhookEvent>> page =
          m.ListWebhooks(t->id, WebhookState::kFailed, kReplayPage);
      if (!page.ok()) return Fail(page.status());
      bool all_ok = true;
      for (const WebhookEvent& e : *page) all_ok = replay(e.event_id) && all_ok;
      if (page->size() < static_cast<std::size_t>(kReplayPage) || !all_ok) break;
    }
  } else {
    for (const std::string& id : replay_events) replay(id);
  }
  if (replayed == 0 && errors == 0) {
    std::cout << "no failed webhook events for tenant " << t->name << "\n";
    return kExitOk;
  }
  std::cout << replayed << " event(s) pending delivery again: a running `sheaf serve --data-dir "
            << data_dir << "` delivers them within seconds, with the same event ids and bodies\n";
  return errors == 0 ? kExitOk : kExitFailed;
}

}  // namespace sheaf::app
