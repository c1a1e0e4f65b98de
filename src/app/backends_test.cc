// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/backends.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "sheaf/lease.h"

namespace sheaf::app {
namespace {

TEST(BackendUrlTest, AKafkaUrlHasItsBrokersAsAuthorityAndItsOptionsAsQuery) {
  Result<BackendUrl> u = ParseBackendUrl("kafka://127.0.0.1:19092,localhost:19093?namespace=t%2E1&group_prefix=g");
  ASSERT_TRUE(u.ok()) << u.status().message();
  EXPECT_EQ(u->scheme, "kafka");
  EXPECT_TRUE(u->has_authority);
  EXPECT_EQ(u->authority, "127.0.0.1:19092,localhost:19093");
  EXPECT_EQ(u->path, "");
  EXPECT_EQ(u->query.at("namespace"), "t.1");
  EXPECT_EQ(u->query.at("group_prefix"), "g");
}

TEST(BackendUrlTest, AnEmbeddedUrlIsAPathAfterTheScheme) {
  Result<BackendUrl> u = ParseBackendUrl("sqlite:/var/lib/sheaf/metadata.sqlite");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "sqlite");
  EXPECT_FALSE(u->has_authority);
  EXPECT_EQ(u->path, "/var/lib/sheaf/metadata.sqlite");
  Result<BackendUrl> bare = ParseBackendUrl("embedded");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->scheme, "embedded");
  EXPECT_TRUE(bare->path.empty());
}

TEST(BackendUrlTest, AnS3UrlKeepsBucketPrefixAndAnEncodedEndpoint) {
  Result<BackendUrl> u =
      ParseBackendUrl("s3://docs/tenants-a?endpoint=http%3A%2F%2F127.0.0.1%3A18080&region=us-east-1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->authority, "docs");
  EXPECT_EQ(u->path, "/tenants-a");
  EXPECT_EQ(u->query.at("endpoint"), "http://127.0.0.1:18080");
  EXPECT_EQ(u->query.at("region"), "us-east-1");
}

TEST(BackendUrlTest, MalformedUrlsAreRefusedWithTheReason) {
  EXPECT_EQ(ParseBackendUrl("").status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseBackendUrl(":x").status().code(), ErrorCode::kInvalidArgument);
  Result<BackendUrl> twice = ParseBackendUrl("redis://h:1?prefix=a&prefix=b");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("given twice"), std::string::npos);
  Result<BackendUrl> escape = ParseBackendUrl("redis://h:1?prefix=%zz");
  ASSERT_FALSE(escape.ok());
  EXPECT_NE(escape.status().message().find("percent"), std::string::npos);
  EXPECT_FALSE(ParseBackendUrl("redis://h:1?prefix=%2").ok());
}

TEST(BackendUrlTest, APasswordInTheAuthorityIsNeverShown) {
  EXPECT_EQ(RedactUrl("postgres://sheaf:hunter2@db:5432/sheaf?sslmode=require"),
            "postgres://sheaf:***@db:5432/sheaf?sslmode=require");
  EXPECT_EQ(RedactUrl("redis://:hunter2@cache:6379"), "redis://:***@cache:6379");
  EXPECT_EQ(RedactUrl("postgres://sheaf@db/sheaf"), "postgres://sheaf@db/sheaf");
  EXPECT_EQ(RedactUrl("kafka://a:1,b:2"), "kafka://a:1,b:2");
  // The message of a refused URL is redacted too.
  Backends b;
  RegisterBuiltinBackends(&b);
  auto opened = b.metadata.Open("mysql://root:hunter2@db/x", BackendContext{});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().message().find("hunter2"), std::string::npos) << opened.status().message();
}

TEST(BackendRegistryTest, AnUnknownSchemeNamesTheKnownOnes) {
  Backends b;
  RegisterBuiltinBackends(&b);
  auto opened = b.brokers.Open("rabbitmq://127.0.0.1:5672", BackendContext{});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("unknown scheme \"rabbitmq\""), std::string::npos);
  EXPECT_NE(opened.status().message().find("embedded"), std::string::npos);
}

TEST(BackendRegistryTest, TheEmbeddedDefaultsOpenUnderTheDataDir) {
  const std::string dir = testing::TempDir() + "/backends-embedded";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Backends b;
  RegisterBuiltinBackends(&b);
  BackendContext c;
  c.data_dir = dir;
  const BackendUrls urls = BackendUrls{}.WithDefaults(dir);
  EXPECT_TRUE(BackendUrls{}.AllEmbedded());
  EXPECT_TRUE(urls.AllEmbedded());
  auto metadata = b.metadata.Open(urls.metadata, c);
  ASSERT_TRUE(metadata.ok()) << metadata.status().message();
  auto blobs = b.blobs.Open(urls.blobs, c);
  ASSERT_TRUE(blobs.ok()) << blobs.status().message();
  auto broker = b.brokers.Open(urls.broker, c);
  ASSERT_TRUE(broker.ok()) << broker.status().message();
  auto cache = b.caches.Open(urls.cache, c);
  ASSERT_TRUE(cache.ok());
  EXPECT_EQ(cache->get(), nullptr);  // "memory": no shared tier
  EXPECT_TRUE(std::filesystem::exists(dir + "/metadata.sqlite"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/queue.sqlite"));
  ASSERT_TRUE((*blobs)->Put("a/b", "x").ok());
  EXPECT_TRUE(std::filesystem::exists(dir + "/blobs/a/b"));
  EXPECT_FALSE((BackendUrls{"kafka://127.0.0.1:1", "", "", ""}).AllEmbedded());
}

TEST(BackendRegistryTest, S3AndRedisAreRegisteredAndRedisIsAlsoTheOcrLeaseTable) {
  Backends b;
  RegisterBuiltinBackends(&b);
  auto cache = b.caches.Open("redis://127.0.0.1:1?prefix=t%3A", BackendContext{});
  ASSERT_TRUE(cache.ok()) << cache.status().message();  // connects lazily
  ASSERT_NE(cache->get(), nullptr);
  EXPECT_NE(dynamic_cast<LeaseTable*>(cache->get()), nullptr);  // serve's OCR single flight
  auto blobs = b.blobs.Open("s3://bucket?endpoint=http%3A%2F%2F127.0.0.1%3A1&region=us-east-1",
                            BackendContext{});
  // Opens, or (without AWS_* in the environment) says which variable is missing.
  if (!blobs.ok()) {
    EXPECT_NE(blobs.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos)
        << blobs.status().message();
  }
  auto bad = b.caches.Open("redis://127.0.0.1:1?db=2", BackendContext{});
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
}

TEST(BackendRegistryTest, AClickHouseAuditSinkIsHostPortAndDatabaseOnly) {
  Backends backends;
  RegisterBuiltinBackends(&backends);
  // Opening connects to nothing: a sink that is down fails its calls, not its opening.
  Result<std::unique_ptr<AuditSink>> ok =
      backends.audit_sinks.Open("clickhouse+http://127.0.0.1:1/audit", BackendContext{});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_NE(*ok, nullptr);
  for (const std::string url : {"clickhouse+http://127.0.0.1:1", "clickhouse+http://127.0.0.1:1/",
                                "clickhouse+http://127.0.0.1:1/a/b",
                                "clickhouse+http://127.0.0.1:1/audit?password=x",
                                "clickhouse+http://u:secret@127.0.0.1:1/audit",
                                "clickhouse+http://127.0.0.1:1/bad-name"}) {
    Result<std::unique_ptr<AuditSink>> bad = backends.audit_sinks.Open(url, BackendContext{});
    ASSERT_FALSE(bad.ok()) << url;
    EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument) << url;
    EXPECT_EQ(bad.status().message().find("secret"), std::string::npos) << bad.status().message();
  }
}

}  // namespace
}  // namespace sheaf::app
