// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/static_assets.h"

#include <cstdint>
#include <cstdio>

namespace sheaf {

const char kPageSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

namespace {

bool EndsWith(const std::string& s, const char* suffix) {
  const std::string x(suffix);
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

// FNV-1a of the bytes, as a quoted strong ETag.
std::string ETagOf(const char* data, std::size_t size) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = 0; i < size; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

void SecurityHeaders(HttpReply* r) {
  r->headers.emplace_back("Content-Security-Policy", kPageSecurityPolicy);
  r->headers.emplace_back("X-Content-Type-Options", "nosniff");
  r->headers.emplace_back("Referrer-Policy", "no-referrer");
  r->headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace

std::string ContentTypeFor(const std::string& path) {
  if (EndsWith(path, ".html")) return "text/html; charset=utf-8";
  if (EndsWith(path, ".js")) return "text/javascript; charset=utf-8";
  if (EndsWith(path, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(path, ".svg")) return "image/svg+xml";
  if (EndsWith(path, ".png")) return "image/png";
  if (EndsWith(path, ".json") || EndsWith(path, ".map")) return "application/json";
  if (EndsWith(path, ".ico")) return "image/x-icon";
  return "application/octet-stream";
}

HttpReply ServeWebAsset(const std::string& path, const std::string& if_none_match,
                        const EmbeddedAsset* assets) {
  const std::string file = path == "/" ? "/index.html" : path;
  HttpReply r;
  SecurityHeaders(&r);
  for (const EmbeddedAsset* a = assets; a->path != nullptr; ++a) {
    if (file != a->path) continue;
    const std::string etag = ETagOf(a->data, a->size);
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.headers.emplace_back("ETag", etag);
    r.content_type = ContentTypeFor(file);
    if (!if_none_match.empty() && if_none_match == etag) {
      r.status = 304;
      return r;
    }
    r.body.assign(a->data, a->size);
    return r;
  }
  r.headers.emplace_back("Cache-Control", "no-store");
  r.content_type = "text/plain; charset=utf-8";
  if (file == "/index.html") {
    r.status = 503;
    r.body =
        "page not built: this sheaf binary was built without the review page (web/ needs node "
        "and npm: run scripts/install-deps.sh, then rebuild). The API under /v1 works.\n";
    return r;
  }
  r.status = 404;
  r.body = "no such file: " + path.substr(0, 200) + "\n";
  return r;
}

}  // namespace sheaf
