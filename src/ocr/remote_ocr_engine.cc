// SPDX-License-Identifier: GPL-3.0-or-later
#include "ocr/remote_ocr_engine.h"

#include <utility>

namespace sheaf::ocr {

namespace {

std::string Endpoint(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + std::string(kOcrPath);
}

}  // namespace

RemoteOcrEngine::RemoteOcrEngine(std::shared_ptr<HttpClient> http, RemoteOcrOptions options)
    : http_(std::move(http)), options_(std::move(options)), endpoint_(Endpoint(options_.url)) {}

Result<OcrPage> RemoteOcrEngine::Recognize(const Image& image, int timeout_ms) {
  if (timeout_ms <= 0) {
    return Status(ErrorCode::kInvalidArgument, endpoint_ + ": timeout_ms must be > 0");
  }
  Result<std::string> png = options_.encode_png(image);
  if (!png.ok()) return png.status();
  OcrRequestParams params;
  params.languages = options_.languages;
  params.dpi = image.dpi;
  params.timeout_ms = timeout_ms;
  HttpHeaders headers = {{"Content-Type", "image/png"}, {"Accept", "application/json"}};
  if (!options_.api_key.empty()) headers.emplace_back("Authorization", "Bearer " + options_.api_key);
  // The server's own deadline comes first; the client's leaves room for the transfer.
  const auto client_timeout = std::chrono::milliseconds(timeout_ms) + std::chrono::seconds(5);
  Result<HttpResponse> r = http_->Post(endpoint_ + EncodeQuery(params), headers, *png, client_timeout);
  if (!r.ok()) return r.status();  // unavailable, or invalid_argument for a bad URL
  return DecodeResponse(r->status, r->body, endpoint_);
}

std::string RemoteOcrEngine::CacheIdentity() const {
  return "remote " + std::string(kOcrProtocol) + " " + endpoint_ + " " + options_.languages;
}

}  // namespace sheaf::ocr
