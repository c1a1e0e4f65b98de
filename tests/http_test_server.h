// SPDX-License-Identifier: GPL-3.0-or-later
//
// A tiny HTTP/1.1 server for tests, on plain POSIX sockets: listens on 127.0.0.1 at a port the
// kernel picks, reads each request (head and Content-Length body) byte for byte, records it and
// answers with what the handler returns. One connection at a time, one request per connection.
// Thread-safe: requests() may be called while it serves.
#ifndef SHEAF_TESTS_HTTP_TEST_SERVER_H_
#define SHEAF_TESTS_HTTP_TEST_SERVER_H_

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sheaf::testing {

struct HttpTestRequest {
  std::string method;                                        // "POST"
  std::string target;                                        // "/hook?x=1"
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;                                          // exactly the bytes received
  // The value of the first header named `name` (case-insensitive), or "" when none.
  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const;
};

class HttpTestServer {
 public:
  // The handler returns the raw bytes to answer with (see Response), or nullopt to never answer:
  // the connection is then held open until the server stops.
  using Handler = std::function<std::optional<std::string>(const HttpTestRequest&)>;

  explicit HttpTestServer(Handler handler);
  ~HttpTestServer();  // stops serving and closes every connection
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" + path.
  std::string Url(const std::string& path = "/") const;
  std::vector<HttpTestRequest> requests() const;

  // A complete response with Content-Length and "Connection: close".
  static std::string Response(int status, const std::string& body = "",
                              const std::string& extra_headers = "");

 private:
  void Serve();

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::vector<HttpTestRequest> requests_;  // GUARDED_BY(mu_)
  std::vector<int> held_;                  // connections left unanswered; serving thread only
  std::thread thread_;
};

// A port on 127.0.0.1 that refuses connections (bound, never listened on, then closed).
int RefusingPort();

}  // namespace sheaf::testing

#endif  // SHEAF_TESTS_HTTP_TEST_SERVER_H_
