// SPDX-License-Identifier: GPL-3.0-or-later
//
// The administration commands (docs/cli.md: tenant, key, audit, export replay) through the real
// binary, on a data dir of their own.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_metadata_store.h"
#include "fixtures.h"

namespace sheaf {
namespace {

using testing::RunResult;
using testing::RunSheaf;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The value of "key: value" in `out`, or "" when there is no such line.
std::string Field(const std::string& out, const std::string& key) {
  for (const std::string& line : Lines(out)) {
    if (line.rfind(key + ": ", 0) == 0) return line.substr(key.size() + 2);
  }
  return "";
}

class AdminCli : public ::testing::Test {
 protected:
  void SetUp() override { data_ = testing::TempDir() + "/data"; }
  RunResult Run(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(data_);
    return RunSheaf(args);
  }
  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data_ + "/metadata.sqlite").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  std::string data_;
};

TEST_F(AdminCli, TenantCreateKeyCreateAndRevoke) {
  RunResult t = Run({"tenant", "create", "acme", "--webhook-url", "https://hooks.example/in"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(Field(t.out, "name"), "acme");
  EXPECT_TRUE(std::regex_match(Field(t.out, "id"), std::regex("[0-9a-f]{16}"))) << t.out;
  EXPECT_TRUE(std::regex_match(Field(t.out, "webhook_secret"), std::regex("whsec_[0-9a-f]{64}")))
      << t.out;
  EXPECT_EQ(Field(t.out, "webhook_url"), "https://hooks.example/in");

  RunResult k = Run({"key", "create", "--tenant", "acme"});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  const std::vector<std::string> lines = Lines(k.out);
  ASSERT_FALSE(lines.empty());
  const std::string key = lines.back();
  std::smatch m;
  ASSERT_TRUE(std::regex_match(key, m, std::regex("shf_([0-9a-f]{16})_[0-9a-f]{64}"))) << k.out;
  const std::string key_id = m[1];
  EXPECT_EQ(k.out.find(key), k.out.size() - key.size() - 1) << "the key appears once, last";
  EXPECT_EQ(k.err.find(key), std::string::npos) << "never on stderr";
  EXPECT_NE(k.err.find(key_id), std::string::npos) << k.err;

  // The key works against the store; listing shows its id and never the key.
  {
    auto store = SqliteMetadataStore::Open(data_ + "/metadata.sqlite", {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto who = (*store)->Authenticate(key);
    ASSERT_TRUE(who.ok()) << who.status().ToString();
    EXPECT_EQ(who->tenant_id, Field(t.out, "id"));
  }
  RunResult list = Run({"key", "list", "--tenant", "acme"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(key_id), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find(key), std::string::npos);

  RunResult revoke = Run({"key", "revoke", key_id});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  {
    auto store = SqliteMetadataStore::Open(data_ + "/metadata.sqlite", {});
    ASSERT_TRUE(store.ok());
    EXPECT_EQ((*store)->Authenticate(key).status().code(), ErrorCode::kNotFound);
  }
  EXPECT_EQ(Run({"key", "revoke", "0000000000000000"}).exit_code, 1);

  // Every change is in the audit log, by the command line's user.
  RunResult audit = Run({"audit", "list"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  std::vector<std::string> actions;
  for (const std::string& line : Lines(audit.out)) {
    const auto j = nlohmann::json::parse(line);
    actions.push_back(j["action"]);
    EXPECT_EQ(j["actor"].get<std::string>().rfind("cli:", 0), 0u) << line;
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"tenant.created", "tenant.webhook_set",
                                               "key.created", "key.revoked"}));
  RunResult page = Run({"audit", "list", "--after", "2", "--limit", "1"});
  ASSERT_EQ(Lines(page.out).size(), 1u) << page.out;
  EXPECT_EQ(nlohmann::json::parse(page.out)["seq"], 3);
}

TEST_F(AdminCli, TenantsAreListedShownAndTheirWebhookSet) {
  ASSERT_EQ(Run({"tenant", "create", "beta"}).exit_code, 0);
  ASSERT_EQ(Run({"tenant", "create", "alpha"}).exit_code, 0);
  RunResult set = Run({"tenant", "set-webhook", "beta", "http://127.0.0.5:8080/hook"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  RunResult list = Run({"tenant", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const std::vector<std::string> rows = Lines(list.out);
  ASSERT_EQ(rows.size(), 4u) << list.out;  // header, rule, one row per tenant by name
  EXPECT_EQ(rows[2].rfind("alpha", 0), 0u) << list.out;
  EXPECT_EQ(rows[3].rfind("beta", 0), 0u) << list.out;
  EXPECT_NE(rows[3].find("http://127.0.0.5:8080/hook"), std::string::npos);
  EXPECT_EQ(list.out.find("whsec_"), std::string::npos) << "secrets are not listed";

  RunResult show = Run({"tenant", "show", "beta"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(Field(show.out, "webhook_url"), "http://127.0.0.5:8080/hook");
  const std::string secret = Field(show.out, "webhook_secret");
  RunResult rotated = Run({"tenant", "rotate-secret", "beta"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(Field(rotated.out, "webhook_secret"), secret);
  EXPECT_EQ(Field(Run({"tenant", "show", "beta"}).out, "webhook_secret"),
            Field(rotated.out, "webhook_secret"));

  EXPECT_EQ(Run({"tenant", "set-webhook", "beta", ""}).exit_code, 0);
  EXPECT_EQ(Field(Run({"tenant", "show", "beta"}).out, "webhook_url"), "(none)");
  RunResult bad = Run({"tenant", "set-webhook", "beta", "ftp://x"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("http://"), std::string::npos) << bad.err;
  RunResult dup = Run({"tenant", "create", "alpha"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("already exists"), std::string::npos) << dup.err;
  EXPECT_EQ(Run({"tenant", "create", "Bad Name"}).exit_code, 1);
}

TEST_F(AdminCli, UnknownTenantsAreErrors) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"key", "create", "--tenant", "nobody"},
        std::vector<std::string>{"key", "list", "--tenant", "nobody"},
        std::vector<std::string>{"tenant", "show", "nobody"},
        std::vector<std::string>{"tenant", "set-webhook", "nobody", "https://x.example"},
        std::vector<std::string>{"export", "replay", "--tenant", "nobody", "--failed"}}) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << " " << args[1];
    EXPECT_NE(r.err.find("no tenant named \"nobody\""), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(AdminCli, BadUsageExitsWithTwo) {
  EXPECT_EQ(Run({"tenant"}).exit_code, 2);
  EXPECT_EQ(Run({"tenant", "create"}).exit_code, 2);
  EXPECT_EQ(Run({"key", "create"}).exit_code, 2);
  EXPECT_EQ(Run({"audit", "list", "--limit", "0"}).exit_code, 2);
  EXPECT_EQ(Run({"export", "replay", "--tenant", "a"}).exit_code, 2);
  EXPECT_EQ(Run({"export", "replay", "--tenant", "a", "--failed", "evt_1"}).exit_code, 2);
}

TEST_F(AdminCli, AuditVerifyDetectsATamperedEntry) {
  ASSERT_EQ(Run({"tenant", "create", "acme"}).exit_code, 0);
  ASSERT_EQ(Run({"key", "create", "--tenant", "acme"}).exit_code, 0);
  ASSERT_EQ(Run({"tenant", "set-webhook", "acme", "https://h.example/"}).exit_code, 0);
  RunResult ok = Run({"audit", "verify"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("intact: 3 entries"), std::string::npos) << ok.out;
  const std::string head = Lines(Run({"audit", "list", "--after", "2"}).out).at(0);
  EXPECT_NE(ok.out.find(nlohmann::json::parse(head)["hash"].get<std::string>()), std::string::npos)
      << "the head hash is printed, to anchor elsewhere: " << ok.out;

  Sql("UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 2");
  RunResult broken = Run({"audit", "verify"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("first bad entry 2"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("hash does not match"), std::string::npos) << broken.out;

  Sql("UPDATE audit_log SET actor = (SELECT actor FROM audit_log WHERE seq = 1) WHERE seq = 2;"
      "DELETE FROM audit_log WHERE seq = 2");
  broken = Run({"audit", "verify"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("first bad entry 2"), std::string::npos) << broken.out;
}

TEST_F(AdminCli, ReplayMakesFailedWebhooksPendingAgain) {
  ASSERT_EQ(Run({"tenant", "create", "acme"}).exit_code, 0);
  std::vector<std::string> failed;
  std::string delivered;
  {
    auto opened = SqliteMetadataStore::Open(data_ + "/metadata.sqlite", {});
    ASSERT_TRUE(opened.ok());
    MetadataStore& m = **opened;
    const std::string tenant = m.GetTenantByName("acme")->id;
    DocumentRecord d;
    d.id = NewDocumentId();
    ASSERT_TRUE(m.CreateDocument(tenant, d, 0, "key:test").ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(
          m.EnqueueWebhook(tenant, {d.id, "https://h.example", "document.completed", "{}"}).ok());
    }
    auto claimed = m.ClaimDueWebhooks(10, std::chrono::seconds(60));
    ASSERT_EQ(claimed->size(), 3u);
    for (int i = 0; i < 2; ++i) {
      failed.push_back((*claimed)[static_cast<std::size_t>(i)].event_id);
      ASSERT_TRUE(m.MarkWebhookAttemptFailed(failed.back(), "HTTP 500", std::nullopt).ok());
    }
    delivered = (*claimed)[2].event_id;
    ASSERT_TRUE(m.MarkWebhookDelivered(delivered).ok());
  }

  // One by id (a delivered one may be sent again too), then every failed one.
  RunResult one = Run({"export", "replay", "--tenant", "acme", delivered});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("replayed " + delivered), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("sheaf serve"), std::string::npos) << one.out;
  RunResult all = Run({"export", "replay", "--tenant", "acme", "--failed"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  for (const std::string& id : failed) {
    EXPECT_NE(all.out.find("replayed " + id), std::string::npos) << all.out;
  }
  EXPECT_NE(Run({"export", "replay", "--tenant", "acme", "--failed"}).out.find("no failed"),
            std::string::npos);
  // Pending now: replaying again is refused, and an unknown id is an error.
  EXPECT_EQ(Run({"export", "replay", "--tenant", "acme", failed[0]}).exit_code, 1);
  EXPECT_EQ(Run({"export", "replay", "--tenant", "acme", "evt_nope"}).exit_code, 1);

  auto opened = SqliteMetadataStore::Open(data_ + "/metadata.sqlite", {});
  ASSERT_TRUE(opened.ok());
  const std::string tenant = (*opened)->GetTenantByName("acme")->id;
  EXPECT_EQ((*opened)->ListWebhooks(tenant, WebhookState::kPending, 10)->size(), 3u);
  EXPECT_TRUE((*opened)->ListWebhooks(tenant, WebhookState::kFailed, 10)->empty());
}

TEST_F(AdminCli, TheDataDirComesFromTheEnvironmentWhenNotGiven) {
  const std::string dir = testing::TempDir() + "/from-env";
  ::setenv("SHEAF_DATA_DIR", dir.c_str(), 1);
  RunResult r = RunSheaf({"tenant", "create", "envco"});
  ::unsetenv("SHEAF_DATA_DIR");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult list = RunSheaf({"tenant", "list", "--data-dir", dir});
  EXPECT_NE(list.out.find("envco"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace sheaf
