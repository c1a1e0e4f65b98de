// SPDX-License-Identifier: GPL-3.0-or-later
#include "http_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace sheaf::testing {

namespace {

bool EqualNoCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Reads from `fd` into `buf` until `done(buf)` or 5 s pass or the peer closes.
template <typename Done>
void ReadUntil(int fd, std::string& buf, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char chunk[4096];
  while (!done(buf) && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<HttpTestRequest> ReadRequest(int fd) {
  std::string buf;
  ReadUntil(fd, buf, [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; });
  const std::size_t head_end = buf.find("\r\n\r\n");
  if (head_end == std::string::npos) return std::nullopt;
  HttpTestRequest req;
  const std::string head = buf.substr(0, head_end);
  std::size_t line_end = head.find("\r\n");
  const std::string request_line = head.substr(0, line_end);
  const std::size_t sp1 = request_line.find(' ');
  const std::size_t sp2 = request_line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return std::nullopt;
  req.method = request_line.substr(0, sp1);
  req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t content_length = 0;
  while (line_end != std::string::npos && line_end < head.size()) {
    const std::size_t start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string line =
        head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    req.headers.emplace_back(line.substr(0, colon), value);
    if (EqualNoCase(req.headers.back().first, "Content-Length")) {
      content_length = std::strtoul(value.c_str(), nullptr, 10);
    }
  }
  const std::size_t body_start = head_end + 4;
  ReadUntil(fd, buf, [&](const std::string& b) { return b.size() >= body_start + content_length; });
  req.body = buf.substr(body_start, content_length);
  return req;
}

void WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string HttpTestRequest::Header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (EqualNoCase(n, name)) return v;
  }
  return "";
}

bool HttpTestRequest::HasHeader(const std::string& name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return EqualNoCase(h.first, name); });
}

HttpTestServer::HttpTestServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();  // a test machine without loopback: nothing to test
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread(&HttpTestServer::Serve, this);
}

HttpTestServer::~HttpTestServer() {
  stop_ = true;
  thread_.join();
  for (int fd : held_) ::close(fd);
  ::close(listen_fd_);
}

std::string HttpTestServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<HttpTestRequest> HttpTestServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::string HttpTestServer::Response(int status, const std::string& body,
                                     const std::string& extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) +
         " Test\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" +
         extra_headers + "\r\n" + body;
}

void HttpTestServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::optional<HttpTestRequest> req = ReadRequest(fd);
    if (!req) {
      ::close(fd);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(*req);
    }
    std::optional<std::string> answer = handler_(*req);
    if (!answer) {
      held_.push_back(fd);
      continue;
    }
    WriteAll(fd, *answer);
    ::shutdown(fd, SHUT_WR);
    // Let the client read everything before the socket goes (closing with unread input would
    // reset the connection).
    std::string rest;
    ReadUntil(fd, rest, [](const std::string&) { return false; });
    ::close(fd);
  }
}

int RefusingPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::abort();
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace sheaf::testing
