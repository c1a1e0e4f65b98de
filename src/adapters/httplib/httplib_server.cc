// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/httplib/httplib_server.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <set>
#include <string>

#include <httplib.h>

namespace sheaf {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* ReasonFor(int status) {
  switch (status) {
    case 400:
      return "the request could not be parsed (malformed header, body or multipart form)";
    case 404:
      return "no such route";
    case 405:
      return "method not allowed on this route";
    case 413:
      return "the request body is larger than the limit";
    case 414:
      return "the request URI is longer than 8 KiB (send large metadata as a multipart form field)";
    case 431:
      return "the request's header fields are too large";
    case 416:
      return "range not satisfiable";
    default:
      return "the request failed";
  }
}

// An HTTP method token (RFC 9110: tchar+), upper case letters only here, at most 20 long.
bool IsExtensionMethod(const std::string& m) {
  return !m.empty() && m.size() <= 20 &&
         std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// The server's settings, shared by the listening server and ServeRawHttpRequest.
void Configure(httplib::Server& server, const HttpServerOptions& options) {
  server.set_payload_max_length(static_cast<size_t>(options.max_body_bytes));
  server.set_read_timeout(options.read_timeout_seconds, 0);
  server.set_write_timeout(options.read_timeout_seconds, 0);
  server.set_keep_alive_timeout(options.keep_alive_seconds);
  server.set_keep_alive_max_count(1000000);
  // Answers go out in more than one write; without TCP_NODELAY the second waits for the
  // client's delayed ACK (tens of milliseconds per request on keep-alive connections).
  server.set_tcp_nodelay(true);
}

// Every method on every path goes to `handler`, as an HttpRequest; errors the library answers
// itself get the API's error body.
void Route(httplib::Server& server, const HttpServerOptions& options, HttpHandler handler) {
  auto serve = [handler](const httplib::Request& req, httplib::Response& res) {
    HttpRequest r;
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.query.emplace(k, v);
    for (const auto& [k, v] : req.headers) r.headers[Lower(k)] = v;
    r.remote_addr = req.remote_addr;
    if (req.is_multipart_form_data()) {
      r.multipart = true;
      for (const auto& [name, file] : req.files) {
        r.parts.emplace(name, FormPart{file.filename, file.content_type, file.content});
      }
    } else {
      r.body = req.body;
    }
    HttpReply out = handler(r);
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    if (out.stream) {
      auto stream = std::move(out.stream);
      res.set_chunked_content_provider(
          out.content_type, [stream](size_t, httplib::DataSink& sink) {
            stream([&sink](std::string_view chunk) {
              return sink.is_writable() && sink.write(chunk.data(), chunk.size());
            });
            sink.done();
            return true;
          });
      return;
    }
    res.set_content(out.body, out.content_type.c_str());
  };
  // Methods cpp-httplib has no handler table for (TRACE, CONNECT) reach the API through the
  // pre-routing hook so that it answers 405 with Allow instead of the library's 400; so does a
  // request whose header block is over the limit (431), before its body is read.
  const std::uint64_t max_header_bytes = options.max_header_bytes;
  auto error_body_for = options.error_body;
  server.set_pre_routing_handler([serve, max_header_bytes, error_body_for](
                                      const httplib::Request& req, httplib::Response& res) {
    std::uint64_t header_bytes = 0;
    for (const auto& [k, v] : req.headers) header_bytes += k.size() + v.size() + 4;
    if (max_header_bytes > 0 && header_bytes > max_header_bytes) {
      res.status = 431;
      const std::string message = "the request's headers are " + std::to_string(header_bytes) +
                                  " bytes; the limit is " + std::to_string(max_header_bytes);
      res.set_content(error_body_for ? error_body_for(431, message) : message, "application/json");
      res.set_header("Connection", "close");  // the body, if any, was not read
      return httplib::Server::HandlerResponse::Handled;
    }
    static const std::set<std::string> kTabled = {"GET",    "HEAD",  "POST",   "PUT",
                                                   "DELETE", "PATCH", "OPTIONS"};
    // cpp-httplib answers 400 to a POST, PUT or PATCH with neither Content-Length nor
    // chunked encoding; HTTP reads that as an empty body, and so does the API.
    const bool bodyless = (req.method == "POST" || req.method == "PUT" || req.method == "PATCH") &&
                          !req.has_header("Content-Length") &&
                          !req.has_header("Transfer-Encoding");
    // cpp-httplib reads a body only for POST, PUT, PATCH and DELETE; one sent with another
    // method would be read as the next request: close the connection after the answer.
    const bool reads_body = req.method == "POST" || req.method == "PUT" ||
                            req.method == "PATCH" || req.method == "DELETE";
    const bool has_body = (req.has_header("Content-Length") &&
                           req.get_header_value("Content-Length") != "0") ||
                          req.has_header("Transfer-Encoding");
    if (!reads_body && has_body) res.set_header("Connection", "close");
    if (kTabled.count(req.method) != 0 && !bodyless) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    serve(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  for (const char* pattern : {".*"}) {
    server.Get(pattern, serve);
    server.Post(pattern, serve);
    server.Put(pattern, serve);
    server.Patch(pattern, serve);
    server.Delete(pattern, serve);
    server.Options(pattern, serve);
  }
  auto error_body = options.error_body;
  server.set_error_handler([error_body, handler](const httplib::Request& req,
                                                  httplib::Response& res) {
    if (!res.body.empty()) return;  // the API answered with its own error body
    // The library answers by itself when it could not read the request (400, 413, 414): what
    // is left of it on the connection would be read as the next request, so close it.
    res.set_header("Connection", "close");
    if (res.status == 400 && req.path.empty() && IsExtensionMethod(req.method) &&
        !req.target.empty() && req.target[0] == '/') {
      // A request line with a method cpp-httplib does not know (QUERY, PROPFIND, ...): its
      // headers were not read, but the route decides alone between 404 and 405.
      HttpRequest r;
      r.method = req.method;
      r.path = req.target.substr(0, req.target.find('?'));
      r.remote_addr = req.remote_addr;
      HttpReply out = handler(r);
      res.status = out.status;
      for (const auto& [k, v] : out.headers) res.set_header(k, v);
      res.set_content(out.body, out.content_type.c_str());
      return;
    }
    std::string message = ReasonFor(res.status);
    if (res.status == 413 &&
        req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
      // cpp-httplib parses such bodies as forms, up to 8 KiB.
      message = "a body sent as application/x-www-form-urlencoded is limited to 8 KiB; send "
                "the file raw with its own Content-Type, or as multipart/form-data";
    }
    res.set_content(error_body ? error_body(res.status, message) : message, "application/json");
  });
  server.set_exception_handler(
      [error_body](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(error_body ? error_body(500, "internal error") : "internal error",
                        "application/json");
      });
}

// A connection whose bytes are `in`; what the server writes goes to `out`.
class MemoryStream final : public httplib::Stream {
 public:
  MemoryStream(std::string_view in, std::string* out) : in_(in), out_(out) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, in_.size() - at_);
    std::copy_n(in_.data() + at_, n, ptr);
    at_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_->append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 0;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string_view in_;
  size_t at_ = 0;
  std::string* out_;
};

// process_request is the library's one-request entry point; it is protected.
class OneRequestServer final : public httplib::Server {
 public:
  bool Serve(httplib::Stream& stream) {
    bool closed = false;
    return process_request(stream, /*close_connection=*/true, closed, nullptr);
  }
};

class HttplibServer final : public HttpServer {
 public:
  explicit HttplibServer(HttpServerOptions options) : options_(std::move(options)) {
    Configure(server_, options_);
    const int threads = std::max(1, options_.threads);
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  }

  Status Listen(const std::string& host, int port) override {
    if (port == 0) {
      port_ = server_.bind_to_any_port(host);
      if (port_ < 0) return Status(ErrorCode::kUnavailable, "cannot bind " + host + ": no free port");
    } else {
      if (!server_.bind_to_port(host, port)) {
        return Status(ErrorCode::kUnavailable,
                      "cannot listen on " + host + ":" + std::to_string(port) +
                          " (address in use, not local, or not permitted)");
      }
      port_ = port;
    }
    return Status::Ok();
  }

  int port() const override { return port_; }

  Status Run(HttpHandler handler) override {
    Route(server_, options_, std::move(handler));
    if (!server_.listen_after_bind()) {
      if (stopped_.load()) return Status::Ok();
      return Status(ErrorCode::kUnavailable, "the HTTP server stopped unexpectedly");
    }
    return Status::Ok();
  }

  void Stop() override {
    stopped_.store(true);
    server_.stop();
  }

 private:
  HttpServerOptions options_;
  httplib::Server server_;
  int port_ = -1;
  std::atomic<bool> stopped_{false};
};

}  // namespace

std::unique_ptr<HttpServer> MakeHttplibServer(HttpServerOptions options) {
  return std::make_unique<HttplibServer>(std::move(options));
}

std::string ServeRawHttpRequest(const HttpServerOptions& options, HttpHandler handler,
                                std::string_view raw) {
  OneRequestServer server;
  Configure(server, options);
  Route(server, options, std::move(handler));
  std::string out;
  MemoryStream stream(raw, &out);
  server.Serve(stream);
  return out;
}

}  // namespace sheaf
