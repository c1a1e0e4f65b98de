// SPDX-License-Identifier: GPL-3.0-or-later
//
// HttpServer on cpp-httplib (Debian's libcpp-httplib-dev): a thread pool, one request at a time
// per keep-alive connection. See include/sheaf/http_server.h for the contract.
#ifndef SHEAF_ADAPTERS_HTTPLIB_HTTPLIB_SERVER_H_
#define SHEAF_ADAPTERS_HTTPLIB_HTTPLIB_SERVER_H_

#include <memory>
#include <string>
#include <string_view>

#include "sheaf/http_server.h"

namespace sheaf {

std::unique_ptr<HttpServer> MakeHttplibServer(HttpServerOptions options);

// Serves one request given as the raw bytes a client sent (request line, headers, body, in any
// framing: Content-Length, chunked, multipart/form-data), with the same parser, limits, routing
// and error bodies as the server MakeHttplibServer makes, and returns the raw response. No
// socket: the fuzz target for request and multipart parsing (tests/fuzz) and its regression
// replays use it.
std::string ServeRawHttpRequest(const HttpServerOptions& options, HttpHandler handler,
                                std::string_view raw);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_HTTPLIB_HTTPLIB_SERVER_H_
