// SPDX-License-Identifier: GPL-3.0-or-later
//
// HttpServer on cpp-httplib (Debian's libcpp-httplib-dev): a thread pool, one request at a time
// per keep-alive connection. See include/sheaf/http_server.h for the contract.
#ifndef SHEAF_ADAPTERS_HTTPLIB_HTTPLIB_SERVER_H_
#define SHEAF_ADAPTERS_HTTPLIB_HTTPLIB_SERVER_H_

#include <memory>

#include "sheaf/http_server.h"

namespace sheaf {

std::unique_ptr<HttpServer> MakeHttplibServer(HttpServerOptions options);

}  // namespace sheaf

#endif  // SHEAF_ADAPTERS_HTTPLIB_HTTPLIB_SERVER_H_
