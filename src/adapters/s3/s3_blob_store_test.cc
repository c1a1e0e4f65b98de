// SPDX-License-Identifier: GPL-3.0-or-later
//
// What only S3BlobStore promises: its URL and options, signing, retries and their bounds,
// multipart uploads, key encoding and paged DeletePrefix. The BlobStore contract is in
// tests/contract/blob_store_contract_test.cc. Retries are driven by a loopback test server that
// answers what S3 answers under load (503 SlowDown), which the real server cannot be made to do.
#include "adapters/s3/s3_blob_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "backends.h"
#include "http_test_server.h"

namespace sheaf {
namespace {

using namespace std::chrono_literals;

TEST(S3Url, ReadsBucketPrefixEndpointAndRegion) {
  auto o = ParseS3Url("s3://sheaf-test/deploy/a/?endpoint=http://127.0.0.1:18080/&region=eu-west-1");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->bucket, "sheaf-test");
  EXPECT_EQ(o->prefix, "deploy/a");
  EXPECT_EQ(o->endpoint, "http://127.0.0.1:18080");
  EXPECT_EQ(o->region, "eu-west-1");
  EXPECT_TRUE(o->access_key_id.empty());
  auto d = ParseS3Url("s3://bucket");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->prefix, "");
  EXPECT_EQ(d->endpoint, "");
  EXPECT_EQ(d->region, "us-east-1");
}

TEST(S3Url, RefusesCredentialsAndMalformedParts) {
  for (const char* bad :
       {"http://bucket", "s3://", "s3://B", "s3://ab", "s3://bucket?endpoint=ftp://h",
        "s3://bucket?endpoint=http://h/path", "s3://bucket?endpoint=http://", "s3://bucket?x=1",
        "s3://bucket/a//b", "s3://bucket/../x", "s3://bucket?region=us%20east",
        "s3://bucket?endpoint=http://user:pw@h"}) {
    EXPECT_EQ(ParseS3Url(bad).status().code(), ErrorCode::kInvalidArgument) << bad;
  }
  auto creds = ParseS3Url("s3://AKIA:secretkey@bucket");
  EXPECT_EQ(creds.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(creds.status().message().find("secretkey"), std::string::npos);
}

S3Options Local(const std::string& endpoint) {
  S3Options o;
  o.bucket = "sheaf-test";
  o.endpoint = endpoint;
  o.access_key_id = "test-key";
  o.secret_access_key = "test-secret-never-shown";
  o.backoff = BackoffOptions{1ms, 2.0, 10ms};
  return o;
}

TEST(S3BlobStore, OpenRefusesOptionsOutsideS3sLimitsAndMissingCredentials) {
  S3Options small = Local("http://127.0.0.1:1");
  small.part_size = S3Options::kMinPartSize - 1;
  Result<std::unique_ptr<S3BlobStore>> s = S3BlobStore::Open(small);
  EXPECT_EQ(s.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("part size"), std::string::npos) << s.status().message();
  S3Options page = Local("http://127.0.0.1:1");
  page.list_page_size = 1001;
  EXPECT_EQ(S3BlobStore::Open(page).status().code(), ErrorCode::kInvalidArgument);
  S3Options anonymous = Local("http://127.0.0.1:1");
  anonymous.secret_access_key.clear();
  Result<std::unique_ptr<S3BlobStore>> a = S3BlobStore::Open(anonymous);
  EXPECT_EQ(a.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST(S3BlobStore, AnUnreachableEndpointIsUnavailableAfterItsBoundedAttempts) {
  S3Options o = Local("http://127.0.0.1:" + std::to_string(testing::RefusingPort()));
  o.max_attempts = 3;
  auto store = S3BlobStore::Open(o);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Result<std::string> got = (*store)->Get("tenants/t/documents/d/original");
  EXPECT_EQ(got.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(got.status().message().find("3 attempts"), std::string::npos) << got.status().message();
  EXPECT_NE(got.status().message().find("tenants/t/documents/d/original"), std::string::npos);
  EXPECT_EQ(got.status().message().find("test-secret"), std::string::npos);
  EXPECT_EQ((*store)->Put("k", "v").code(), ErrorCode::kUnavailable);
  EXPECT_EQ((*store)->Exists("k").status().code(), ErrorCode::kUnavailable);
}

constexpr char kSlowDown[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
    "<Message>Please reduce your request rate.</Message></Error>";

TEST(S3BlobStore, SlowDownIsRetriedWithSignedRequestsUntilItSucceeds) {
  std::atomic<int> calls{0};
  testing::HttpTestServer server([&](const testing::HttpTestRequest&) -> std::optional<std::string> {
    if (++calls <= 2) return testing::HttpTestServer::Response(503, kSlowDown);
    return testing::HttpTestServer::Response(200, "the bytes");
  });
  auto store = S3BlobStore::Open(Local(server.Url("")));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Result<std::string> got = (*store)->Get("a b/ü");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "the bytes");
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  const testing::HttpTestRequest& r = requests.back();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/sheaf-test/a%20b/%C3%BC");  // path style, S3's encoding
  EXPECT_EQ(r.Header("Authorization").rfind("AWS4-HMAC-SHA256 Credential=test-key/", 0), 0u)
      << r.Header("Authorization");
  EXPECT_NE(r.Header("Authorization").find("/us-east-1/s3/aws4_request"), std::string::npos);
  // SHA-256 of the empty body.
  EXPECT_EQ(r.Header("x-amz-content-sha256"),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(S3BlobStore, SlowDownThatNeverEndsIsUnavailableNamingTheCode) {
  std::atomic<int> calls{0};
  testing::HttpTestServer server([&](const testing::HttpTestRequest&) {
    ++calls;
    return std::optional<std::string>(testing::HttpTestServer::Response(503, kSlowDown));
  });
  S3Options o = Local(server.Url(""));
  o.max_attempts = 4;
  auto store = S3BlobStore::Open(o);
  ASSERT_TRUE(store.ok());
  Status s = (*store)->Put("k/v", "bytes");
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.message().find("SlowDown"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("k/v"), std::string::npos) << s.message();
  EXPECT_EQ(calls.load(), 4);
}

TEST(S3BlobStore, AccessDeniedIsNotRetriedAndIsAnIoError) {
  std::atomic<int> calls{0};
  testing::HttpTestServer server([&](const testing::HttpTestRequest&) {
    ++calls;
    return std::optional<std::string>(testing::HttpTestServer::Response(
        403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"));
  });
  auto store = S3BlobStore::Open(Local(server.Url("")));
  ASSERT_TRUE(store.ok());
  Result<std::string> got = (*store)->Get("tenants/t/x");
  EXPECT_EQ(got.status().code(), ErrorCode::kIoError);
  EXPECT_NE(got.status().message().find("AccessDenied"), std::string::npos);
  EXPECT_NE(got.status().message().find("tenants/t/x"), std::string::npos);
  EXPECT_EQ(calls.load(), 1);
}

TEST(S3BlobStore, AFailedPartAbortsTheMultipartUpload) {
  testing::HttpTestServer server([](const testing::HttpTestRequest& r) {
    using testing::HttpTestServer;
    if (r.method == "POST" && r.target.find("uploads=") != std::string::npos) {
      return std::optional<std::string>(HttpTestServer::Response(
          200, "<InitiateMultipartUploadResult><Bucket>sheaf-test</Bucket><Key>k</Key>"
               "<UploadId>up-1</UploadId></InitiateMultipartUploadResult>"));
    }
    if (r.method == "PUT") {
      return std::optional<std::string>(HttpTestServer::Response(
          400, "<Error><Code>InvalidPart</Code><Message>no</Message></Error>"));
    }
    return std::optional<std::string>(HttpTestServer::Response(204));
  });
  S3Options o = Local(server.Url(""));
  o.multipart_threshold = 10;
  o.part_size = S3Options::kMinPartSize;
  auto store = S3BlobStore::Open(o);
  ASSERT_TRUE(store.ok());
  Status s = (*store)->Put("tenants/t/big", std::string(100, 'x'));
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("InvalidPart"), std::string::npos) << s.message();
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].target, "/sheaf-test/tenants/t/big?uploads=");
  EXPECT_EQ(requests[1].target, "/sheaf-test/tenants/t/big?partNumber=1&uploadId=up-1");
  EXPECT_EQ(requests[2].method, "DELETE");
  EXPECT_EQ(requests[2].target, "/sheaf-test/tenants/t/big?uploadId=up-1");
}

TEST(S3BlobStore, AServerThatNeverAnswersTimesOutIntoUnavailable) {
  testing::HttpTestServer server(
      [](const testing::HttpTestRequest&) { return std::optional<std::string>(); });
  S3Options o = Local(server.Url(""));
  o.max_attempts = 2;
  o.request_timeout = 200ms;
  auto store = S3BlobStore::Open(o);
  ASSERT_TRUE(store.ok());
  Result<bool> exists = (*store)->Exists("k");
  EXPECT_EQ(exists.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(exists.status().message().find("2 attempts"), std::string::npos)
      << exists.status().message();
}

TEST(S3BlobStore, ABlobOverTheReadLimitIsRefusedNamingTheLimit) {
  testing::HttpTestServer server([](const testing::HttpTestRequest&) {
    return std::optional<std::string>(testing::HttpTestServer::Response(200, std::string(5000, 'x')));
  });
  S3Options o = Local(server.Url(""));
  o.max_blob_bytes = 1000;
  auto store = S3BlobStore::Open(o);
  ASSERT_TRUE(store.ok());
  Result<std::string> got = (*store)->Get("big");
  EXPECT_EQ(got.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_NE(got.status().message().find("1000"), std::string::npos) << got.status().message();
}

#define REQUIRE_TEST_S3(store) \
  if (!(store)) GTEST_SKIP() << testing::kNoTestS3

TEST(S3BlobStoreOnServer, ABlobOverTheThresholdIsUploadedInPartsAndReadBackWhole) {
  auto store = testing::TestS3Store("sheaf-test-s3", [](S3Options o) {
    o.multipart_threshold = S3Options::kMinPartSize;
    o.part_size = S3Options::kMinPartSize;
    return o;
  });
  REQUIRE_TEST_S3(store);
  // Three parts: two of 5 MiB and a short last one.
  std::string big(2 * S3Options::kMinPartSize + 12345, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 5);
  const std::string key = "tenants/t/documents/d/original";
  ASSERT_TRUE(store->Put(key, big).ok());
  EXPECT_EQ(store->multipart_uploads(), 1u);
  Result<std::string> got = store->Get(key);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == big);
  EXPECT_EQ(*store->Size(key), big.size());
  // A blob at the threshold is one PUT.
  ASSERT_TRUE(store->Put("tenants/t/documents/d/small", big.substr(0, S3Options::kMinPartSize)).ok());
  EXPECT_EQ(store->multipart_uploads(), 1u);
}

TEST(S3BlobStoreOnServer, KeysWithSpacesAndUnicodeRoundTrip) {
  auto store = testing::TestS3Store("sheaf-test-s3");
  REQUIRE_TEST_S3(store);
  const std::vector<std::string> keys = {"tenants/t 1/documents/ü ñ 鍵/original",
                                         "tenants/t 1/documents/a+b=c&d;e,f@g$h!'(x)*/1.png",
                                         "tenants/t 1/documents/%41%2F?#[]/2.png"};
  for (const std::string& key : keys) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(store->Put(key, "bytes of " + key).ok());
    EXPECT_EQ(*store->Get(key), "bytes of " + key);
    EXPECT_TRUE(*store->Exists(key));
  }
  EXPECT_FALSE(*store->Exists("tenants/t 1/documents/A/2.png"));  // %41%2F is not decoded
  ASSERT_TRUE(store->DeletePrefix("tenants/t 1").ok());
  for (const std::string& key : keys) EXPECT_FALSE(*store->Exists(key)) << key;
}

TEST(S3BlobStoreOnServer, DeletePrefixFollowsTheListPastItsFirstPage) {
  auto store = testing::TestS3Store("sheaf-test-s3", [](S3Options o) {
    o.list_page_size = 2;
    return o;
  });
  REQUIRE_TEST_S3(store);
  const std::string doc = "tenants/t/documents/d1";
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(store->Put(doc + "/pages/" + std::to_string(i) + ".png", "png").ok());
  }
  ASSERT_TRUE(store->Put(doc + "/original", "pdf").ok());
  ASSERT_TRUE(store->Put("tenants/t/documents/d10/original", "kept").ok());
  ASSERT_TRUE(store->DeletePrefix(doc).ok());
  for (int i = 0; i < 7; ++i) {
    EXPECT_FALSE(*store->Exists(doc + "/pages/" + std::to_string(i) + ".png")) << i;
  }
  EXPECT_FALSE(*store->Exists(doc + "/original"));
  EXPECT_EQ(*store->Get("tenants/t/documents/d10/original"), "kept");
}

TEST(S3BlobStoreOnServer, WrongCredentialsAreAnIoErrorNamingTheS3Code) {
  auto good = testing::TestS3Store("sheaf-test-s3");
  REQUIRE_TEST_S3(good);
  S3Options o = good->options();
  o.secret_access_key = "not-the-secret";
  auto store = S3BlobStore::Open(o);
  ASSERT_TRUE(store.ok());
  Result<std::string> got = (*store)->Get("k");
  EXPECT_EQ(got.status().code(), ErrorCode::kIoError);
  EXPECT_NE(got.status().message().find("SignatureDoesNotMatch"), std::string::npos)
      << got.status().message();
  EXPECT_EQ(got.status().message().find("not-the-secret"), std::string::npos);
}

}  // namespace
}  // namespace sheaf
