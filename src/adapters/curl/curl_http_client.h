// SPDX-License-Identifier: GPL-3.0-or-later
//
// HttpClient (sheaf/http_client.h) with libcurl: one easy handle per call, so calls share
// nothing and run in parallel; libcurl's global state is set up once per process, the first
// time a client is made. Signals are not used (CURLOPT_NOSIGNAL), so it is safe in threads.
// Proxies: the usual environment variables (http_proxy, https_proxy, no_proxy) apply, as in
// every libcurl program. TLS certificates are verified against the system's store.
#ifndef SHEAF_ADAPTERS_CURL_CURL_HTTP_CLIENT_H_
#define SHEAF_ADAPTERS_CURL_CURL_HTTP_CLIENT_H_

#include <memory>

#include "sheaf/http_client.h"

namespace sheaf::curl_adapter {

struct CurlHttpClientOptions {
  // Refuse to connect to loopback, link-local, private and non-routable addresses
  // (core/ip_ranges.h): the address libcurl is about to connect to is checked
  // (CURLOPT_OPENSOCKETFUNCTION), so a name that resolved to a public address when the URL was
  // registered and resolves to a private one now (DNS rebinding) is refused too. A refusal is
  // invalid_argument, naming the address's range. With a proxy from the environment, the proxy's
  // address is the one checked.
  bool refuse_private_networks = false;
  // The response body cap of this client (HttpClient's contract): the remote OCR engine's
  // answers are larger than a webhook receiver's.
  std::size_t max_response_body = HttpClient::kMaxResponseBody;
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options = {});
  Result<HttpResponse> Post(const std::string& url, const HttpHeaders& headers,
                            std::string_view body, std::chrono::milliseconds timeout) override;
  Result<HttpResponse> Get(const std::string& url, const HttpHeaders& headers,
                           std::chrono::milliseconds timeout) override;

 private:
  // One request: a POST of `body` when `post`, else a GET.
  Result<HttpResponse> Send(bool post, const std::string& url, const HttpHeaders& headers,
                            std::string_view body, std::chrono::milliseconds timeout);
  CurlHttpClientOptions options_;
};

// OK iff `url` is an http:// or https:// URL (libcurl's parser) whose host is, or resolves to,
// public addresses only: invalid_argument naming the host and the range otherwise, or when the
// host does not resolve (the message says so). Resolves with the system resolver (getaddrinfo):
// literal addresses and /etc/hosts names need no DNS query.
Status CheckPublicUrl(const std::string& url);

std::unique_ptr<HttpClient> MakeHttpClient();

// Sets up libcurl's process-wide state, once per process (thread-safe; never torn down).
// Returns false when that failed. Every user of libcurl calls it before its first handle.
bool InitLibcurl();

// "libcurl 7.88.1" (for `sheaf version` and logs).
std::string Version();

}  // namespace sheaf::curl_adapter

#endif  // SHEAF_ADAPTERS_CURL_CURL_HTTP_CLIENT_H_
