// SPDX-License-Identifier: GPL-3.0-or-later
//
// HttpClient: outgoing HTTP requests (webhook deliveries, the remote OCR engine). Implemented with libcurl in
// src/adapters/curl/; tests use fakes.
//
// Contract:
// - Thread safety: every implementation is safe for concurrent use by any number of threads;
//   calls do not wait for each other.
// - OK means a complete HTTP response was received, whatever its status: a 404 or a 503 is an
//   OK Result holding that status. The caller decides what a status means.
// - Errors: invalid_argument for a URL that is not http:// or https://, a header name or value
//   with CR, LF or NUL (which could inject headers), or a timeout <= 0; unavailable when no
//   response arrived - connection refused, DNS failure, TLS failure, the connection dropped -
//   or when `timeout` passed first (the message says "timed out"); the message names the URL.
// - `timeout` bounds the whole call: connecting, sending and receiving.
// - Redirects are not followed: a 3xx is returned as it is.
// - The response body is capped at kMaxResponseBody bytes, or the cap the implementation was
//   configured with: a longer one is cut there (the rest is not read) and the call is still OK.
// - The request body is sent byte for byte, with the headers given; implementations add only
//   what HTTP/1.1 needs (Host, Content-Length) and never a Content-Type of their own.
#ifndef SHEAF_HTTP_CLIENT_H_
#define SHEAF_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sheaf/status.h"

namespace sheaf {

struct HttpResponse {
  int status = 0;    // the HTTP status code, e.g. 200
  std::string body;  // at most HttpClient::kMaxResponseBody bytes
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  static constexpr std::size_t kMaxResponseBody = 64 * 1024;

  virtual ~HttpClient() = default;

  // POSTs `body` to `url` with `headers` (name, value) in the order given.
  virtual Result<HttpResponse> Post(const std::string& url, const HttpHeaders& headers,
                                    std::string_view body, std::chrono::milliseconds timeout) = 0;
  // GETs `url` with `headers`; the same answers and errors as Post.
  virtual Result<HttpResponse> Get(const std::string& url, const HttpHeaders& headers,
                                   std::chrono::milliseconds timeout) = 0;
};

}  // namespace sheaf

#endif  // SHEAF_HTTP_CLIENT_H_
