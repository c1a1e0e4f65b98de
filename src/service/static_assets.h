// SPDX-License-Identifier: GPL-3.0-or-later
//
// The review page's files (web/, built by npm into web/dist), compiled into the binary by
// cmake/embed_web.cmake so `sheaf serve` needs nothing beside it and works offline.
//
// ServeWebAsset answers GET / (index.html) and GET /assets/...: the file with its content type,
// an ETag (304 on If-None-Match), Cache-Control: no-cache (revalidate: names are not hashed),
// and a Content-Security-Policy that allows this origin only. A path with no file is 404; a
// binary built without the page (no npm) answers 503 "page not built" on /.
#ifndef SHEAF_SERVICE_STATIC_ASSETS_H_
#define SHEAF_SERVICE_STATIC_ASSETS_H_

#include <cstddef>
#include <string>

#include "sheaf/http_server.h"

namespace sheaf {

struct EmbeddedAsset {
  const char* path;  // "/index.html", "/assets/app.js"; nullptr ends the table
  const char* data;
  std::size_t size;
};

// The generated table (web_assets.cc), ended by a {nullptr, nullptr, 0} entry.
extern const EmbeddedAsset kEmbeddedAssets[];

// The Content-Security-Policy every page answer carries.
extern const char kPageSecurityPolicy[];

// `path` is the request's path ("/" or "/assets/app.js"); `if_none_match` its header ("" when
// none). `assets` defaults to the embedded table (tests pass their own).
HttpReply ServeWebAsset(const std::string& path, const std::string& if_none_match,
                        const EmbeddedAsset* assets = kEmbeddedAssets);

// The content type for a file name by its extension ("application/octet-stream" when unknown).
std::string ContentTypeFor(const std::string& path);

}  // namespace sheaf

#endif  // SHEAF_SERVICE_STATIC_ASSETS_H_
