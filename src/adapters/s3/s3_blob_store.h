// SPDX-License-Identifier: GPL-3.0-or-later
//
// S3BlobStore: the BlobStore of the distributed mode (sheaf/blob_store.h) on any S3-compatible
// store, over libcurl. Requests are signed by libcurl itself (CURLOPT_AWS_SIGV4,
// "aws:amz:<region>:s3"); every request carries x-amz-content-sha256 with the SHA-256 of its
// body (libcurl 7.88 does not send that header, which S3 and S3Proxy require; the real hash,
// rather than UNSIGNED-PAYLOAD, also lets the server check the bytes it received).
//
// - Addressing: path style (<endpoint>/<bucket>/<key>) when an endpoint is given, else
//   virtual-hosted AWS (https://<bucket>.s3.<region>.amazonaws.com/<key>). A blob's object key
//   is "<prefix>/<key>" (or "<key>" without a prefix).
// - Put: one PUT up to `multipart_threshold` bytes, else a multipart upload in parts of
//   `part_size` (Create, UploadPart..., Complete; Abort when anything fails, so no parts are
//   left behind). S3 makes an object visible whole or not at all, and durable once it answers.
// - Get (GET), Size and Exists (HEAD), Delete (DELETE; a missing key is OK), DeletePrefix
//   (ListObjectsV2 page by page with continuation tokens, then a DELETE per object).
// - Retries: connection failures, timeouts, HTTP 5xx and 429 are retried up to `max_attempts`
//   in all, after exponential backoff with full jitter; other 4xx are not. Errors: not_found
//   (no such key, where the call says so), unavailable (the store could not be reached or kept
//   failing: retry later), io_error (it refused: the S3 error Code is in the message, with the
//   key). Credentials never appear in a message.
// - Connections: easy handles are pooled (at most `max_idle_handles` kept), so their
//   connections are reused across calls; each call uses one handle at a time.
// - Differences from the local store: S3 has no folders, so a key may be a blob and the folder
//   of other blobs at once (the local store refuses that; Sheaf's keys never need it).
//   S3Proxy 2.6.0 ignores "If-None-Match: *" on PUT (it overwrites), so there is no
//   conditional put: Sheaf relies on its stages being idempotent (a redelivered stage writes the
//   same output again), never on first-writer-wins.
//
// Thread safety: safe for concurrent use.
#ifndef SHEAF_ADAPTERS_S3_S3_BLOB_STORE_H_
#define SHEAF_ADAPTERS_S3_S3_BLOB_STORE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sheaf/blob_store.h"
#include "sheaf/broker.h"

namespace sheaf {

struct S3Options {
  std::string bucket;
  std::string prefix;    // no leading or trailing '/'; "" = keys at the bucket's root
  std::string endpoint;  // "http://127.0.0.1:18080"; "" = AWS
  std::string region = "us-east-1";
  std::string access_key_id;      // from AWS_ACCESS_KEY_ID
  std::string secret_access_key;  // from AWS_SECRET_ACCESS_KEY
  std::string session_token;      // from AWS_SESSION_TOKEN; "" = none
  static constexpr std::uint64_t kMinPartSize = 5ull << 20;  // S3's minimum (but the last part)
  std::uint64_t multipart_threshold = 8ull << 20;
  std::uint64_t part_size = 8ull << 20;  // kMinPartSize to 5 GiB
  std::uint64_t max_blob_bytes = 1ull << 30;  // Get of a larger blob: limit_exceeded
  int list_page_size = 1000;                  // max-keys of ListObjectsV2, 1 to 1000
  int max_attempts = 4;
  BackoffOptions backoff{std::chrono::milliseconds(100), 2.0, std::chrono::milliseconds(2000)};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{120000};  // a whole request, transfer included
  int max_idle_handles = 16;
};

// Parses "s3://bucket[/prefix]?endpoint=http://host:port&region=us-east-1" (both parameters
// optional; region defaults to us-east-1). Credentials are not read here and a URL with user
// info is refused. Errors: invalid_argument naming the part.
Result<S3Options> ParseS3Url(std::string_view url);

class S3BlobStore final : public BlobStore {
 public:
  // Errors: invalid_argument for options out of range (named), or without credentials.
  static Result<std::unique_ptr<S3BlobStore>> Open(S3Options options);
  ~S3BlobStore() override;
  S3BlobStore(const S3BlobStore&) = delete;
  S3BlobStore& operator=(const S3BlobStore&) = delete;

  Status Put(const std::string& key, std::string_view bytes) override;
  Result<std::string> Get(const std::string& key) override;
  Result<std::uint64_t> Size(const std::string& key) override;
  Result<bool> Exists(const std::string& key) override;
  Status Delete(const std::string& key) override;
  Status DeletePrefix(const std::string& prefix) override;

  // Creates the bucket when it does not exist (OK when it does and is ours).
  Status EnsureBucket();
  const S3Options& options() const { return options_; }
  // Puts that went as multipart uploads (completed or not).
  std::uint64_t multipart_uploads() const { return multipart_uploads_.load(); }

  struct Request;
  struct Response;

 private:
  explicit S3BlobStore(S3Options options);
  // One attempt of `request`.
  Result<Response> Perform(const Request& request);
  // `request` with retries (see above). `what` and `key` name the call in messages.
  Result<Response> Send(const Request& request, std::string_view what, std::string_view key);
  // The URL of `object_key` (already the full object key) plus `query` (already canonical).
  std::string UrlFor(std::string_view object_key, std::string_view query) const;
  std::string ObjectKey(std::string_view key) const;
  Status PutMultipart(const std::string& key, std::string_view bytes);
  Result<Response> Head(const std::string& key);

  void* Checkout();
  void Return(void* handle);

  const S3Options options_;
  std::mutex mu_;
  std::vector<void*> idle_;   // GUARDED_BY(mu_): CURL easy handles
  std::mt19937_64 rng_{std::random_device{}()};  // GUARDED_BY(mu_)
  std::atomic<std::uint64_t> multipart_uploads_{0};
};

// Opens an S3BlobStore from its URL, with the credentials from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and (when set) AWS_SESSION_TOKEN.
Result<std::unique_ptr<BlobStore>> OpenS3BlobStore(const std::string& url);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_S3_S3_BLOB_STORE_H_
