// SPDX-License-Identifier: GPL-3.0-or-later
//
// HttpServer: the seam between Sheaf's HTTP API (src/service/api.h, plain functions of a request)
// and the library that speaks HTTP (src/adapters/httplib). The API never sees the library's
// types, so it is tested without sockets and the library can be swapped.
//
// Contract:
// - The handler is called concurrently from the server's threads; it must be thread-safe.
// - Requests whose body is larger than max_body_bytes never reach the handler: the server
//   answers 413 itself (431 for headers over max_header_bytes), through `error_body` so the answer has the API's error shape. The same
//   holds for requests the server cannot parse (400), including malformed multipart bodies.
// - Listen binds before returning (so a test can connect as soon as it returns); Run serves until
//   Stop. Stop is safe from any thread (a signal watcher) and makes Run return once the requests
//   in progress are answered; it stops accepting at once.
#ifndef SHEAF_HTTP_SERVER_H_
#define SHEAF_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sheaf/status.h"

namespace sheaf {

// One part of a multipart/form-data body.
struct FormPart {
  std::string filename;      // "" for a plain field
  std::string content_type;  // "" when the part did not say
  std::string content;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string, percent-decoded
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;                             // empty for multipart (see parts)
  bool multipart = false;
  std::multimap<std::string, FormPart> parts;  // multipart/form-data, by field name
  std::string remote_addr;

  // The header's value, "" when absent. `name` in lower case.
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  // The query parameter's first value, "" when absent.
  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

// Writes one chunk of a streamed reply; false once the client has gone (stop writing then).
using HttpChunkWriter = std::function<bool(std::string_view chunk)>;

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // in addition to Content-Type
  // When set, `body` is ignored: the reply is sent chunked, and `stream` is called once on a
  // server thread with a writer; the reply ends when it returns (server-sent events). It holds
  // that thread meanwhile, so the caller bounds how many run at once.
  std::function<void(const HttpChunkWriter& write)> stream;
};

// The handler may move from the request (the body of an upload, say).
using HttpHandler = std::function<HttpReply(HttpRequest&)>;

struct HttpServerOptions {
  std::uint64_t max_body_bytes = 50ull * 1024 * 1024;
  // The request line's headers, names and values together (+4 per field); more answers 431
  // through `error_body` (0: no limit beyond the library's 8 KiB per line). Any one header line
  // longer than 8 KiB is answered 400 by the library before this check.
  std::uint64_t max_header_bytes = 16 * 1024;
  int threads = 64;  // requests served at once (each keep-alive connection holds one)
  int read_timeout_seconds = 30;
  int keep_alive_seconds = 5;
  // The body of a response the server makes itself (413, 400, 404 for no route), given the
  // status and a message; returns JSON in the API's error shape.
  std::function<std::string(int status, const std::string& message)> error_body;
};

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  // Binds `host`:`port` (port 0 = any free port). Errors: unavailable when the address cannot be
  // bound (in use, no permission), invalid_argument for a malformed host.
  virtual Status Listen(const std::string& host, int port) = 0;
  // The bound port (after Listen).
  virtual int port() const = 0;
  // Serves requests with `handler` until Stop. REQUIRES: Listen returned OK.
  virtual Status Run(HttpHandler handler) = 0;
  virtual void Stop() = 0;
};

}  // namespace sheaf

#endif  // SHEAF_HTTP_SERVER_H_
