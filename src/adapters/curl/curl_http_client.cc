// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/curl/curl_http_client.h"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>
#include <string>

#include "adapters/curl/curl_common.h"
#include "core/ip_ranges.h"

namespace sheaf::curl_adapter {

namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

bool EqualNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithNoCase(a, b);
}

// The URL for messages: without user info, query or fragment, which may carry secrets.
std::string ForMessage(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  const std::size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const std::size_t host = scheme + 3;
    const std::size_t path = out.find('/', host);
    const std::size_t at = out.rfind('@', path == std::string::npos ? out.size() : path);
    if (at != std::string::npos && at >= host) out.erase(host, at + 1 - host);
  }
  return out.substr(0, 200);
}

bool HasBadByte(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

struct Sink {
  std::size_t max = HttpClient::kMaxResponseBody;
  std::string body;
  bool truncated = false;
};

// CURLOPT_WRITEFUNCTION: keeps up to sink->max bytes, then stops the transfer.
std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  try {
    const std::size_t room = sink->max - sink->body.size();
    if (n > room) {
      sink->body.append(data, room);
      sink->truncated = true;
      return 0;  // CURLE_WRITE_ERROR: the rest is not read
    }
    sink->body.append(data, n);
    return n;
  } catch (const std::exception&) {
    return 0;  // no exception may unwind through libcurl
  }
}

// The address of a socket, as text, for messages.
std::string AddressText(const sockaddr* addr) {
  char host[NI_MAXHOST] = {0};
  const socklen_t len = addr->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  if (getnameinfo(addr, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return "?";
  return host;
}

struct SocketGuard {
  bool refuse_private = false;
  std::string refused;  // "127.0.0.1 (loopback)" once a connection was refused
};

// CURLOPT_OPENSOCKETFUNCTION: opens the socket libcurl asks for unless the address it is about to
// connect to is not public and such addresses are refused.
curl_socket_t OpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* guard = static_cast<SocketGuard*>(user);
  if (guard->refuse_private && purpose == CURLSOCKTYPE_IPCXN) {
    const std::optional<AddressScope> scope = ClassifySockaddr(&address->addr);
    if (!scope || *scope != AddressScope::kPublic) {
      try {
        guard->refused = AddressText(&address->addr) + " (" +
                         std::string(scope ? AddressScopeName(*scope) : "not an IP address") + ")";
      } catch (const std::exception&) {
        guard->refused = "a non-public address";
      }
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringDeleter {
  void operator()(char* p) const { curl_free(p); }
};
struct AddrinfoDeleter {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

}  // namespace

Status CheckPublicUrl(const std::string& url) {
  const std::string where = "webhook URL " + ForMessage(url);
  if (!StartsWithNoCase(url, "http://") && !StartsWithNoCase(url, "https://")) {
    return Status(ErrorCode::kInvalidArgument, where + ": only http:// and https:// URLs");
  }
  if (HasBadByte(url)) {
    return Status(ErrorCode::kInvalidArgument, where + ": the URL has CR, LF or NUL in it");
  }
  if (GlobalInit() != CURLE_OK) {
    return Status(ErrorCode::kUnavailable, where + ": libcurl failed to initialise");
  }
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return Status(ErrorCode::kUnavailable, where + ": out of memory");
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Status(ErrorCode::kInvalidArgument, where + ": not a valid URL");
  }
  char* raw_host = nullptr;
  if (curl_url_get(u.get(), CURLUPART_HOST, &raw_host, 0) != CURLUE_OK || raw_host == nullptr) {
    return Status(ErrorCode::kInvalidArgument, where + ": the URL has no host");
  }
  std::unique_ptr<char, CurlStringDeleter> host_holder(raw_host);
  std::string host = raw_host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (const std::size_t zone = host.find('%'); zone != std::string::npos) host.resize(zone);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  std::unique_ptr<addrinfo, AddrinfoDeleter> list(found);
  if (rc != 0 || found == nullptr) {
    return Status(ErrorCode::kInvalidArgument,
                  where + ": the host \"" + host.substr(0, 100) + "\" does not resolve (" +
                      gai_strerror(rc) + ")");
  }
  // Every address must be public: a name with one public and one private address could be
  // connected to either.
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const std::optional<AddressScope> scope = ClassifySockaddr(a->ai_addr);
    if (!scope || *scope != AddressScope::kPublic) {
      return Status(ErrorCode::kInvalidArgument,
                    where + ": the host \"" + host.substr(0, 100) + "\" is " +
                        AddressText(a->ai_addr) + ", a " +
                        std::string(scope ? AddressScopeName(*scope) : "non-IP") +
                        " address; webhooks go to public addresses only (unless "
                        "webhooks-allow-private-networks is set)");
    }
  }
  return Status::Ok();
}

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options) : options_(options) { GlobalInit(); }

Result<HttpResponse> CurlHttpClient::Post(const std::string& url, const HttpHeaders& headers,
                                          std::string_view body,
                                          std::chrono::milliseconds timeout) {
  return Send(true, url, headers, body, timeout);
}

Result<HttpResponse> CurlHttpClient::Get(const std::string& url, const HttpHeaders& headers,
                                         std::chrono::milliseconds timeout) {
  return Send(false, url, headers, {}, timeout);
}

Result<HttpResponse> CurlHttpClient::Send(bool post, const std::string& url,
                                          const HttpHeaders& headers, std::string_view body,
                                          std::chrono::milliseconds timeout) {
  const std::string where = (post ? "POST " : "GET ") + ForMessage(url);
  if (!StartsWithNoCase(url, "http://") && !StartsWithNoCase(url, "https://")) {
    return Status(ErrorCode::kInvalidArgument, where + ": only http:// and https:// URLs");
  }
  if (HasBadByte(url)) {
    return Status(ErrorCode::kInvalidArgument, where + ": the URL has CR, LF or NUL in it");
  }
  if (timeout.count() <= 0) {
    return Status(ErrorCode::kInvalidArgument, where + ": the timeout must be positive");
  }
  if (const CURLcode init = GlobalInit(); init != CURLE_OK) {
    return Status(ErrorCode::kUnavailable,
                  where + ": libcurl failed to initialise: " + curl_easy_strerror(init));
  }

  try {
    std::unique_ptr<curl_slist, ListDeleter> list;
    const auto add = [&](const std::string& line) {
      curl_slist* next = curl_slist_append(list.get(), line.c_str());
      if (next == nullptr) return false;
      (void)list.release();  // `next` is the same list, grown
      list.reset(next);
      return true;
    };
    bool has_accept = false, has_content_type = false, has_expect = false;
    for (const auto& [name, value] : headers) {
      if (name.empty() || HasBadByte(name) || name.find(':') != std::string::npos ||
          name.find(' ') != std::string::npos || HasBadByte(value)) {
        return Status(ErrorCode::kInvalidArgument,
                      where + ": bad header name or value (\"" + name.substr(0, 40) + "\")");
      }
      has_accept |= EqualNoCase(name, "Accept");
      has_content_type |= EqualNoCase(name, "Content-Type");
      has_expect |= EqualNoCase(name, "Expect");
      // "Name;" is libcurl's way to send a header with an empty value ("Name:" removes it).
      if (!add(value.empty() ? name + ";" : name + ": " + value)) {
        return Status(ErrorCode::kUnavailable, where + ": out of memory");
      }
    }
    // Send only what was asked for: no default Accept, no form Content-Type, and no
    // "Expect: 100-continue" round trip for larger bodies.
    if ((!has_accept && !add("Accept:")) || (!has_content_type && !add("Content-Type:")) ||
        (!has_expect && !add("Expect:"))) {
      return Status(ErrorCode::kUnavailable, where + ": out of memory");
    }

    std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
    if (!easy) return Status(ErrorCode::kUnavailable, where + ": cannot create a libcurl handle");
    CURL* h = easy.get();
    Sink sink;
    sink.max = options_.max_response_body;
    SocketGuard guard;
    guard.refuse_private = options_.refuse_private_networks;
    char error[CURL_ERROR_SIZE] = {0};
    static constexpr char kEmpty[] = "";
    CURLcode rc = CURLE_OK;
    const auto set = [&](CURLoption option, auto value) {
      if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
    };
    set(CURLOPT_ERRORBUFFER, error);
    set(CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    set(CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    set(CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    set(CURLOPT_NOSIGNAL, 1L);
    set(CURLOPT_FOLLOWLOCATION, 0L);
    if (post) {
      set(CURLOPT_POST, 1L);
      set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      set(CURLOPT_POSTFIELDS, body.empty() ? kEmpty : body.data());
    } else {
      set(CURLOPT_HTTPGET, 1L);
    }
    set(CURLOPT_HTTPHEADER, list.get());
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
    set(CURLOPT_WRITEFUNCTION, &WriteBody);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&sink));
    set(CURLOPT_OPENSOCKETFUNCTION, &OpenSocket);
    set(CURLOPT_OPENSOCKETDATA, static_cast<void*>(&guard));
    if (rc != CURLE_OK) {
      return Status(ErrorCode::kUnavailable,
                    where + ": cannot configure libcurl: " + curl_easy_strerror(rc));
    }

    rc = curl_easy_perform(h);
    if (!guard.refused.empty() && rc != CURLE_OK) {
      return Status(ErrorCode::kInvalidArgument,
                    where + ": refused to connect to " + guard.refused +
                        ": webhooks go to public addresses only (unless "
                        "webhooks-allow-private-networks is set)");
    }
    const bool cut = rc == CURLE_WRITE_ERROR && sink.truncated;
    if (rc != CURLE_OK && !cut) {
      const std::string detail = error[0] != '\0' ? error : curl_easy_strerror(rc);
      switch (rc) {
        case CURLE_OPERATION_TIMEDOUT:
          return Status(ErrorCode::kUnavailable, where + ": timed out after " +
                                                     std::to_string(timeout.count()) + " ms (" +
                                                     detail + ")");
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
          return Status(ErrorCode::kInvalidArgument, where + ": " + detail);
        default:
          return Status(ErrorCode::kUnavailable, where + ": " + detail);
      }
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status <= 0) {
      return Status(ErrorCode::kUnavailable, where + ": no HTTP status in the response");
    }
    return HttpResponse{static_cast<int>(status), std::move(sink.body)};
  } catch (const std::exception& e) {
    return Status(ErrorCode::kUnavailable, where + ": " + e.what());
  }
}

bool InitLibcurl() { return GlobalInit() == CURLE_OK; }

std::unique_ptr<HttpClient> MakeHttpClient() { return std::make_unique<CurlHttpClient>(); }

std::string Version() {
  return std::string("libcurl ") + curl_version_info(CURLVERSION_NOW)->version;
}

}  // namespace sheaf::curl_adapter
