// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/s3/s3_blob_store.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <exception>
#include <thread>
#include <utility>

#include <pugixml.hpp>

#include "adapters/curl/curl_http_client.h"
#include "core/url_query.h"
#include "queue/backoff.h"
#include "sheaf/hash.h"

namespace sheaf {

struct S3BlobStore::Request {
  std::string method;      // GET, HEAD, PUT, POST, DELETE
  std::string object_key;  // the full object key; "" for the bucket itself
  std::vector<std::pair<std::string, std::string>> query;  // unencoded
  std::string_view body;
};

struct S3BlobStore::Response {
  long status = 0;
  std::string body;
  std::string etag;
  curl_off_t content_length = -1;
};

namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

bool Unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~';
}

// S3's URI encoding (the one SigV4 signs): every byte but the unreserved ones as %XX, and '/'
// kept in paths.
std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// The canonical query string: names sorted, names and values encoded. libcurl 7.88 signs the
// query as it is sent, so it must already be in canonical form.
std::string CanonicalQuery(Query query) {
  std::sort(query.begin(), query.end());
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out += '&';
    out += UriEncode(name, false) + "=" + UriEncode(value, false);
  }
  return out;
}

Status BadUrl(std::string_view why) {
  return Status(ErrorCode::kInvalidArgument,
                "s3 URL: " + std::string(why) +
                    " (expected s3://bucket[/prefix]?endpoint=http://host:port&region=...)");
}

bool ValidBucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  return std::all_of(b.begin(), b.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

struct Sink {
  std::string* body;
  std::uint64_t max;
  bool over = false;
};

std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  try {
    if (sink->body->size() + n > sink->max) {
      sink->over = true;
      return 0;  // stops the transfer: CURLE_WRITE_ERROR
    }
    sink->body->append(data, n);
    return n;
  } catch (const std::exception&) {
    return 0;  // no exception may unwind through libcurl
  }
}

std::size_t ReadHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* etag = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  constexpr std::string_view kName = "etag:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    std::string_view v = line.substr(kName.size());
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) {
      v.remove_suffix(1);
    }
    try {
      etag->assign(v);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return n;
}

struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

bool Retryable(long status) { return status >= 500 || status == 429; }

}  // namespace

Result<S3Options> ParseS3Url(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (url.substr(0, kScheme.size()) != kScheme) return BadUrl("scheme is not s3://");
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t q = rest.find('?');
  std::string_view query = q == std::string_view::npos ? std::string_view() : rest.substr(q + 1);
  rest = rest.substr(0, q);
  const std::size_t slash = rest.find('/');
  S3Options o;
  o.bucket = std::string(rest.substr(0, slash));
  if (o.bucket.find('@') != std::string::npos || o.bucket.find(':') != std::string::npos) {
    return BadUrl("credentials in the URL; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  if (!ValidBucket(o.bucket)) {
    return BadUrl("bucket \"" + o.bucket.substr(0, 70) +
                  "\" is not 3-63 lower-case letters, digits, '.' or '-'");
  }
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash + 1);
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    o.prefix = std::string(prefix);
    if (!o.prefix.empty()) {
      if (Status s = ValidateBlobKey(o.prefix); !s.ok()) return BadUrl("prefix: " + s.message());
    }
  }
  Result<UrlQuery> params = ParseUrlQuery(query);
  if (!params.ok()) return BadUrl(params.status().message());
  for (auto& [name, value] : *params) {
    if (name == "endpoint") {
      if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) {
        return BadUrl("endpoint must start with http:// or https://");
      }
      const std::size_t host = value.find("://") + 3;
      const std::size_t path = value.find('/', host);
      if (value.find('@') != std::string::npos || value.find_first_of("?#") != std::string::npos ||
          (path != std::string::npos && value.find_first_not_of('/', path) != std::string::npos)) {
        return BadUrl("endpoint must be scheme://host[:port] only");
      }
      while (value.back() == '/') value.pop_back();
      if (value.size() <= host) return BadUrl("endpoint has no host");
      o.endpoint = std::move(value);
    } else if (name == "region") {
      if (value.empty() || value.size() > 64 ||
          !std::all_of(value.begin(), value.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
          })) {
        return BadUrl("region must be letters, digits and '-'");
      }
      o.region = std::move(value);
    } else {
      return BadUrl("unknown parameter \"" + name.substr(0, 40) + "\"");
    }
  }
  return o;
}

Result<std::unique_ptr<S3BlobStore>> S3BlobStore::Open(S3Options o) {
  const auto bad = [](std::string why) {
    return Status(ErrorCode::kInvalidArgument, "s3 blob store: " + why);
  };
  if (!ValidBucket(o.bucket)) return bad("bucket \"" + o.bucket.substr(0, 70) + "\" is not valid");
  if (!o.prefix.empty()) {
    if (Status s = ValidateBlobKey(o.prefix); !s.ok()) return bad("prefix: " + s.message());
  }
  if (o.access_key_id.empty() || o.secret_access_key.empty()) {
    return bad("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  constexpr std::uint64_t kMaxPart = 5ull << 30;
  if (o.part_size < S3Options::kMinPartSize || o.part_size > kMaxPart) {
    return bad("part size " + std::to_string(o.part_size) + " is outside " +
               std::to_string(S3Options::kMinPartSize) + " to " + std::to_string(kMaxPart) +
               " bytes (S3's limits)");
  }
  if (o.multipart_threshold > kMaxPart) {
    return bad("multipart threshold is over 5 GiB, the largest single PUT");
  }
  if (o.list_page_size < 1 || o.list_page_size > 1000) {
    return bad("list page size " + std::to_string(o.list_page_size) + " is outside 1 to 1000");
  }
  if (o.max_attempts < 1 || o.max_attempts > 20) {
    return bad("max attempts " + std::to_string(o.max_attempts) + " is outside 1 to 20");
  }
  if (o.connect_timeout.count() <= 0 || o.request_timeout.count() <= 0) {
    return bad("timeouts must be positive");
  }
  if (!curl_adapter::InitLibcurl()) {
    return Status(ErrorCode::kUnavailable, "s3 blob store: libcurl failed to initialise");
  }
  return std::unique_ptr<S3BlobStore>(new S3BlobStore(std::move(o)));
}

S3BlobStore::S3BlobStore(S3Options options) : options_(std::move(options)) {}

S3BlobStore::~S3BlobStore() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* S3BlobStore::Checkout() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void S3BlobStore::Return(void* handle) {
  auto* h = static_cast<CURL*>(handle);
  curl_easy_reset(h);  // keeps its connections alive for the next call
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<int>(idle_.size()) < options_.max_idle_handles) {
    idle_.push_back(h);
  } else {
    curl_easy_cleanup(h);
  }
}

std::string S3BlobStore::ObjectKey(std::string_view key) const {
  return options_.prefix.empty() ? std::string(key) : options_.prefix + "/" + std::string(key);
}

std::string S3BlobStore::UrlFor(std::string_view object_key, std::string_view query) const {
  std::string url;
  if (options_.endpoint.empty()) {
    url = "https://" + options_.bucket + ".s3." + options_.region + ".amazonaws.com/" +
          UriEncode(object_key, true);
  } else {
    url = options_.endpoint + "/" + options_.bucket;
    if (!object_key.empty()) url += "/" + UriEncode(object_key, true);
  }
  if (!query.empty()) url += "?" + std::string(query);
  return url;
}

Result<S3BlobStore::Response> S3BlobStore::Perform(const Request& request) {
  CURL* h = static_cast<CURL*>(Checkout());
  if (h == nullptr) return Status(ErrorCode::kUnavailable, "cannot create a libcurl handle");
  struct Giveback {
    S3BlobStore* self;
    CURL* h;
    ~Giveback() { self->Return(h); }
  } giveback{this, h};
  try {
    std::unique_ptr<curl_slist, ListDeleter> headers;
    const auto add = [&](const std::string& line) {
      curl_slist* next = curl_slist_append(headers.get(), line.c_str());
      if (next == nullptr) return false;
      (void)headers.release();
      headers.reset(next);
      return true;
    };
    // libcurl 7.88 signs but does not send the payload hash; S3 requires it.
    bool added = add("x-amz-content-sha256: " + Sha256Hex(request.body)) && add("Expect:") &&
                 add("Content-Type:") && add("Accept:");
    if (added && !options_.session_token.empty()) {
      added = add("x-amz-security-token: " + options_.session_token);
    }
    if (!added) return Status(ErrorCode::kUnavailable, "out of memory");

    const std::string url = UrlFor(request.object_key, CanonicalQuery(request.query));
    const std::string sigv4 = "aws:amz:" + options_.region + ":s3";
    Response response;
    Sink sink{&response.body, options_.max_blob_bytes};
    char error[CURL_ERROR_SIZE] = {0};
    static constexpr char kEmpty[] = "";
    CURLcode rc = CURLE_OK;
    const auto set = [&](CURLoption option, auto value) {
      if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
    };
    set(CURLOPT_ERRORBUFFER, error);
    set(CURLOPT_URL, url.c_str());
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_FOLLOWLOCATION, 0L);
    set(CURLOPT_AWS_SIGV4, sigv4.c_str());
    set(CURLOPT_USERNAME, options_.access_key_id.c_str());
    set(CURLOPT_PASSWORD, options_.secret_access_key.c_str());
    set(CURLOPT_HTTPHEADER, headers.get());
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
    set(CURLOPT_WRITEFUNCTION, &WriteBody);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&sink));
    set(CURLOPT_HEADERFUNCTION, &ReadHeader);
    set(CURLOPT_HEADERDATA, static_cast<void*>(&response.etag));
    if (request.method == "GET") {
      set(CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
      set(CURLOPT_NOBODY, 1L);
    } else if (request.method == "DELETE") {
      set(CURLOPT_CUSTOMREQUEST, "DELETE");
    } else {  // PUT, POST: the body from memory
      set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      set(CURLOPT_POSTFIELDS, request.body.empty() ? kEmpty : request.body.data());
    }
    if (rc != CURLE_OK) {
      return Status(ErrorCode::kInvalidArgument,
                    std::string("cannot configure libcurl: ") + curl_easy_strerror(rc));
    }
    rc = curl_easy_perform(h);
    if (rc == CURLE_WRITE_ERROR && sink.over) {
      return Status(ErrorCode::kLimitExceeded,
                    "the response is larger than the limit of " +
                        std::to_string(options_.max_blob_bytes) + " bytes");
    }
    if (rc != CURLE_OK) {
      const std::string detail = error[0] != '\0' ? error : curl_easy_strerror(rc);
      if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
        return Status(ErrorCode::kInvalidArgument, detail);
      }
      return Status(ErrorCode::kUnavailable, detail);  // connection, timeout, reset: retry
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &response.content_length);
    if (response.status <= 0) return Status(ErrorCode::kUnavailable, "no HTTP status");
    return response;
  } catch (const std::exception& e) {
    return Status(ErrorCode::kUnavailable, e.what());
  }
}

Result<S3BlobStore::Response> S3BlobStore::Send(const Request& request, std::string_view what,
                                                std::string_view key) {
  for (int attempt = 1;; ++attempt) {
    Result<Response> r = Perform(request);
    if (r.ok() && !Retryable(r->status)) return r;
    if (!r.ok() && r.status().code() != ErrorCode::kUnavailable) {
      return Status(r.status().code(), "s3 " + std::string(what) + " " + options_.bucket + "/" +
                                           std::string(key) + ": " + r.status().message());
    }
    if (attempt >= options_.max_attempts) {
      if (r.ok()) return r;  // the caller names the HTTP error it kept getting
      return Status(ErrorCode::kUnavailable,
                    "s3 " + std::string(what) + " " + options_.bucket + "/" + std::string(key) +
                        ": unreachable after " + std::to_string(attempt) +
                        " attempts: " + r.status().message());
    }
    std::chrono::milliseconds delay;
    {
      std::lock_guard<std::mutex> lock(mu_);
      delay = RetryDelay(attempt, options_.backoff, rng_);
    }
    std::this_thread::sleep_for(delay);
  }
}

namespace {

// The Code and Message of an S3 error body ("" when it has none, as HEAD replies).
std::string ErrorDetail(const std::string& body) {
  pugi::xml_document doc;
  if (body.empty() || !doc.load_buffer(body.data(), body.size())) return "";
  pugi::xml_node error = doc.child("Error");
  if (!error) return "";
  std::string out = error.child_value("Code");
  const std::string message = error.child_value("Message");
  if (!message.empty()) out += (out.empty() ? "" : ": ") + message.substr(0, 300);
  return out;
}

}  // namespace

// The Status of a response that is not the success the call wanted.
static Status FailureOf(const S3BlobStore::Response& r, std::string_view what,
                        const std::string& where_key, int attempts) {
  std::string message = "s3 " + std::string(what) + " " + where_key + ": HTTP " +
                        std::to_string(r.status);
  const std::string detail = ErrorDetail(r.body);
  if (!detail.empty()) message += " " + detail;
  if (Retryable(r.status)) {
    return Status(ErrorCode::kUnavailable,
                  message + " (after " + std::to_string(attempts) + " attempts)");
  }
  if (r.status == 404 && detail.rfind("NoSuchBucket", 0) != 0) {
    return Status(ErrorCode::kNotFound, message);
  }
  return Status(ErrorCode::kIoError, message);
}

Status S3BlobStore::Put(const std::string& key, std::string_view bytes) {
  if (Status s = ValidateBlobKey(key); !s.ok()) return s;
  if (bytes.size() > options_.multipart_threshold) return PutMultipart(key, bytes);
  Request req{"PUT", ObjectKey(key), {}, bytes};
  Result<Response> r = Send(req, "PUT", req.object_key);
  if (!r.ok()) return r.status();
  if (r->status / 100 != 2) {
    return FailureOf(*r, "PUT", options_.bucket + "/" + req.object_key, options_.max_attempts);
  }
  return Status::Ok();
}

Status S3BlobStore::PutMultipart(const std::string& key, std::string_view bytes) {
  multipart_uploads_.fetch_add(1);
  const std::string object = ObjectKey(key);
  const std::string where = options_.bucket + "/" + object;
  Result<Response> created = Send({"POST", object, {{"uploads", ""}}, {}}, "CreateMultipartUpload", object);
  if (!created.ok()) return created.status();
  if (created->status / 100 != 2) {
    return FailureOf(*created, "CreateMultipartUpload", where, options_.max_attempts);
  }
  std::string upload_id;
  {
    pugi::xml_document doc;
    if (doc.load_buffer(created->body.data(), created->body.size())) {
      upload_id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
    }
  }
  if (upload_id.empty()) {
    return Status(ErrorCode::kIoError,
                  "s3 CreateMultipartUpload " + where + ": no UploadId in the answer");
  }
  const auto abort = [&](Status why) {
    (void)Send({"DELETE", object, {{"uploadId", upload_id}}, {}}, "AbortMultipartUpload", object);
    return why;
  };

  pugi::xml_document complete;
  pugi::xml_node root = complete.append_child("CompleteMultipartUpload");
  root.append_attribute("xmlns") = "http://s3.amazonaws.com/doc/2006-03-01/";
  int part = 0;
  for (std::size_t offset = 0; offset < bytes.size(); offset += options_.part_size) {
    ++part;
    const std::string_view slice = bytes.substr(offset, options_.part_size);
    Result<Response> r = Send(
        {"PUT", object, {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}}, slice},
        "UploadPart", object);
    if (!r.ok()) return abort(r.status());
    if (r->status / 100 != 2) return abort(FailureOf(*r, "UploadPart", where, options_.max_attempts));
    if (r->etag.empty()) {
      return abort(Status(ErrorCode::kIoError, "s3 UploadPart " + where + ": part " +
                                                   std::to_string(part) + " has no ETag"));
    }
    pugi::xml_node p = root.append_child("Part");
    p.append_child("PartNumber").text().set(part);
    p.append_child("ETag").text().set(r->etag.c_str());
  }
  struct Writer : pugi::xml_writer {
    std::string out;
    void write(const void* data, std::size_t size) override {
      out.append(static_cast<const char*>(data), size);
    }
  } writer;
  complete.save(writer, "", pugi::format_raw);
  Result<Response> done =
      Send({"POST", object, {{"uploadId", upload_id}}, writer.out}, "CompleteMultipartUpload", object);
  if (!done.ok()) return abort(done.status());
  if (done->status / 100 != 2) {
    return abort(FailureOf(*done, "CompleteMultipartUpload", where, options_.max_attempts));
  }
  // S3 may answer 200 and still fail the completion: the body then holds an Error.
  pugi::xml_document answer;
  if (!answer.load_buffer(done->body.data(), done->body.size()) ||
      !answer.child("CompleteMultipartUploadResult")) {
    const std::string detail = ErrorDetail(done->body);
    return abort(Status(ErrorCode::kIoError,
                        "s3 CompleteMultipartUpload " + where + ": " +
                            (detail.empty() ? std::string("unexpected answer") : detail)));
  }
  return Status::Ok();
}

Result<std::string> S3BlobStore::Get(const std::string& key) {
  if (Status s = ValidateBlobKey(key); !s.ok()) return s;
  const std::string object = ObjectKey(key);
  Result<Response> r = Send({"GET", object, {}, {}}, "GET", object);
  if (!r.ok()) return r.status();
  if (r->status != 200) {
    return FailureOf(*r, "GET", options_.bucket + "/" + object, options_.max_attempts);
  }
  return std::move(r->body);
}

Result<S3BlobStore::Response> S3BlobStore::Head(const std::string& key) {
  if (Status s = ValidateBlobKey(key); !s.ok()) return s;
  const std::string object = ObjectKey(key);
  return Send({"HEAD", object, {}, {}}, "HEAD", object);
}

Result<std::uint64_t> S3BlobStore::Size(const std::string& key) {
  Result<Response> r = Head(key);
  if (!r.ok()) return r.status();
  const std::string where = options_.bucket + "/" + ObjectKey(key);
  if (r->status != 200) return FailureOf(*r, "HEAD", where, options_.max_attempts);
  if (r->content_length < 0) {
    return Status(ErrorCode::kIoError, "s3 HEAD " + where + ": no Content-Length");
  }
  return static_cast<std::uint64_t>(r->content_length);
}

Result<bool> S3BlobStore::Exists(const std::string& key) {
  Result<Response> r = Head(key);
  if (!r.ok()) return r.status();
  if (r->status == 200) return true;
  Status s = FailureOf(*r, "HEAD", options_.bucket + "/" + ObjectKey(key), options_.max_attempts);
  if (s.code() == ErrorCode::kNotFound) return false;
  return s;
}

Status S3BlobStore::Delete(const std::string& key) {
  if (Status s = ValidateBlobKey(key); !s.ok()) return s;
  // HEAD first: S3Proxy's file system backends answer a DELETE of a key that is only a folder
  // with a 500 (filesystem-nio2) or after ten seconds (filesystem); there is nothing to delete.
  // Sheaf deletes rarely (a document's blobs go by DeletePrefix), so the round trip is cheap.
  Result<bool> exists = Exists(key);
  if (!exists.ok()) return exists.status();
  if (!*exists) return Status::Ok();
  const std::string object = ObjectKey(key);
  Result<Response> r = Send({"DELETE", object, {}, {}}, "DELETE", object);
  if (!r.ok()) return r.status();
  if (r->status / 100 == 2 || r->status == 404) return Status::Ok();
  return FailureOf(*r, "DELETE", options_.bucket + "/" + object, options_.max_attempts);
}

Status S3BlobStore::DeletePrefix(const std::string& prefix) {
  // The blob `prefix` itself, when there is one. HEAD first: a DELETE of a key that is only a
  // folder costs S3Proxy's file system backend ten seconds.
  Result<bool> exists = Exists(prefix);  // validates `prefix` too
  if (!exists.ok()) return exists.status();
  if (*exists) {
    if (Status s = Delete(prefix); !s.ok()) return s;
  }
  const std::string folder = ObjectKey(prefix) + "/";
  // Every key first, then deleted last to first: a store that keeps folder entries (S3Proxy's
  // file system backend lists "a/" before "a/b") sees a folder emptied before it is removed.
  std::vector<std::string> keys;
  std::string token;
  for (;;) {
    Query query = {{"list-type", "2"},
                   {"max-keys", std::to_string(options_.list_page_size)},
                   {"prefix", folder}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    Result<Response> r = Send({"GET", "", std::move(query), {}}, "ListObjectsV2", folder);
    if (!r.ok()) return r.status();
    if (r->status != 200) {
      return FailureOf(*r, "ListObjectsV2", options_.bucket + "/" + folder, options_.max_attempts);
    }
    pugi::xml_document doc;
    pugi::xml_node result;
    if (doc.load_buffer(r->body.data(), r->body.size())) result = doc.child("ListBucketResult");
    if (!result) {
      return Status(ErrorCode::kIoError,
                    "s3 ListObjectsV2 " + options_.bucket + "/" + folder + ": unexpected answer");
    }
    for (pugi::xml_node c : result.children("Contents")) {
      std::string k = c.child_value("Key");
      if (k.rfind(folder, 0) == 0) keys.push_back(std::move(k));
    }
    const bool truncated = std::string_view(result.child_value("IsTruncated")) == "true";
    token = result.child_value("NextContinuationToken");
    if (!truncated) break;
    if (token.empty()) {
      return Status(ErrorCode::kIoError, "s3 ListObjectsV2 " + options_.bucket + "/" + folder +
                                             ": truncated list without a continuation token");
    }
  }
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    Result<Response> r = Send({"DELETE", *it, {}, {}}, "DELETE", *it);
    if (!r.ok()) return r.status();
    if (r->status / 100 != 2 && r->status != 404) {
      return FailureOf(*r, "DELETE", options_.bucket + "/" + *it, options_.max_attempts);
    }
  }
  return Status::Ok();
}

Status S3BlobStore::EnsureBucket() {
  std::string body;
  if (options_.region != "us-east-1") {
    body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
           "<LocationConstraint>" + options_.region + "</LocationConstraint>"
           "</CreateBucketConfiguration>";
  }
  Result<Response> r = Send({"PUT", "", {}, body}, "CreateBucket", "");
  if (!r.ok()) return r.status();
  if (r->status / 100 == 2) return Status::Ok();
  if (r->status == 409 && ErrorDetail(r->body).rfind("BucketAlreadyOwnedByYou", 0) == 0) {
    return Status::Ok();
  }
  return FailureOf(*r, "CreateBucket", options_.bucket, options_.max_attempts);
}

Result<std::unique_ptr<BlobStore>> OpenS3BlobStore(const std::string& url) {
  Result<S3Options> o = ParseS3Url(url);
  if (!o.ok()) return o.status();
  const auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
  };
  o->access_key_id = env("AWS_ACCESS_KEY_ID");
  o->secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  o->session_token = env("AWS_SESSION_TOKEN");
  Result<std::unique_ptr<S3BlobStore>> store = S3BlobStore::Open(std::move(o).value());
  if (!store.ok()) return store.status();
  return std::unique_ptr<BlobStore>(std::move(store).value());
}

}  // namespace sheaf
