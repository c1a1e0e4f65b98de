// SPDX-License-Identifier: GPL-3.0-or-later
#include "ocr/ocr_server.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "sheaf/format.h"

namespace sheaf::ocr {

namespace {

// Compares in time independent of where the strings differ (the key is a secret).
bool SameSecret(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

std::string CodeOfStatus(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 422: return "invalid_image";
    case 429: return "busy";
    case 503: return "unavailable";
    case 504: return "deadline_exceeded";
    default: return status >= 500 ? "ocr_failed" : "bad_request";
  }
}

}  // namespace

OcrServer::OcrServer(std::vector<std::unique_ptr<OcrEngine>> engines, std::string languages,
                     ImageDecoder decode, OcrServerOptions options, MetricsRegistry* metrics)
    : languages_(std::move(languages)),
      decode_(std::move(decode)),
      options_(std::move(options)),
      metrics_(metrics),
      requests_(metrics->Counter("sheaf_ocr_server_requests_total",
                                 "Remote OCR requests served, by route and HTTP status.",
                                 {"route", "code"})),
      engines_(std::move(engines)) {
  for (auto& e : engines_) idle_.push_back(e.get());
  GaugeFamily& engines_gauge =
      metrics->Gauge("sheaf_ocr_server_engines", "OCR engines of this server (pages read at once).");
  engines_gauge.Set({}, static_cast<double>(engines_.size()));
  metrics->AddCollector([this](MetricsSink& sink) {
    std::lock_guard<std::mutex> lock(mu_);
    sink.Gauge("sheaf_ocr_server_busy_engines", "OCR engines reading a page now.", {},
               static_cast<double>(engines_.size() - idle_.size()));
    sink.Gauge("sheaf_ocr_server_waiting", "Requests waiting for a free OCR engine.", {},
               static_cast<double>(waiting_));
  });
}

std::string OcrServer::ErrorBody(int status, const std::string& message) {
  return EncodeError(CodeOfStatus(status), message);
}

HttpReply OcrServer::Error(std::string_view code, const std::string& message) {
  HttpReply r;
  r.status = HttpStatusOfError(code);
  r.body = EncodeError(code, message);
  if (code == "busy") r.headers.emplace_back("Retry-After", "1");
  return r;
}

OcrEngine* OcrServer::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  if (idle_.empty() && waiting_ >= options_.max_waiting) return nullptr;
  ++waiting_;
  freed_.wait(lock, [this] { return !idle_.empty(); });
  --waiting_;
  OcrEngine* e = idle_.back();
  idle_.pop_back();
  return e;
}

void OcrServer::Release(OcrEngine* engine) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(engine);
  }
  freed_.notify_one();
}

HttpReply OcrServer::Handle(HttpRequest& request) {
  std::string route = request.path;
  HttpReply reply;
  if (request.path == "/healthz" || request.path == "/readyz" || request.path == "/metrics") {
    if (request.method != "GET") {
      reply = Error("method_not_allowed", request.path + " allows GET only");
      reply.headers.emplace_back("Allow", "GET");
    } else if (request.path == "/metrics") {
      reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
      reply.body = metrics_->Render();
    } else {
      reply.body = request.path == "/healthz" ? R"({"status":"ok"})" : R"({"status":"ready"})";
    }
  } else if (request.path == kOcrPath) {
    if (request.method != "POST") {
      reply = Error("method_not_allowed", std::string(kOcrPath) + " allows POST only");
      reply.headers.emplace_back("Allow", "POST");
    } else {
      reply = Recognize(request);
    }
  } else {
    route = "other";
    reply = Error("not_found", "no route " + request.path.substr(0, 200) +
                                   " (this is an OCR server: POST " + std::string(kOcrPath) + ")");
  }
  requests_.Inc({route, std::to_string(reply.status)});
  return reply;
}

HttpReply OcrServer::Recognize(HttpRequest& request) {
  if (!options_.api_key.empty()) {
    const std::string auth = request.Header("authorization");
    const std::string bearer = "Bearer ";
    if (auth.compare(0, bearer.size(), bearer) != 0 ||
        !SameSecret(auth.substr(bearer.size()), options_.api_key)) {
      return Error("unauthorized", "missing or wrong Authorization header (expected: Bearer KEY)");
    }
  }
  Result<OcrRequestParams> params = DecodeQuery(request.query);
  if (!params.ok()) return Error("bad_request", params.status().message());
  if (params->languages != languages_) {
    return Error("bad_request", "languages " + params->languages + ": this server reads " + languages_);
  }
  if (request.body.size() > options_.max_body_bytes) {
    return Error("payload_too_large", "the image is " + std::to_string(request.body.size()) +
                                          " bytes; the limit is " +
                                          std::to_string(options_.max_body_bytes));
  }
  const Format format = DetectFormat(request.body);
  if (format != Format::kPng && format != Format::kTiff) {
    return Error("unsupported_media_type",
                 "the body is not a PNG or TIFF image (detected: " +
                     std::string(FormatName(format)) + ")");
  }
  Result<std::vector<Image>> pages = decode_(std::move(request.body));
  if (!pages.ok()) {
    return Error(pages.status().code() == ErrorCode::kLimitExceeded ? "payload_too_large" : "invalid_image",
                 "the image cannot be read: " + pages.status().message());
  }
  if (pages->size() != 1) {
    return Error("invalid_image", "the image has " + std::to_string(pages->size()) +
                                      " pages; send one page per request");
  }
  Image& image = pages->front();
  const std::uint64_t pixels = static_cast<std::uint64_t>(image.width) * image.height;
  if (image.empty() || pixels > options_.max_pixels) {
    return Error("invalid_image", "the image is " + std::to_string(image.width) + "x" +
                                      std::to_string(image.height) + " pixels; the limit is " +
                                      std::to_string(options_.max_pixels) + " pixels");
  }
  if (params->dpi > 0) image.dpi = params->dpi;

  OcrEngine* engine = Acquire();
  if (engine == nullptr) {
    return Error("busy", "every OCR engine is reading and " + std::to_string(options_.max_waiting) +
                             " requests are waiting; retry later");
  }
  Result<OcrPage> page = engine->Recognize(image, params->timeout_ms);
  Release(engine);
  if (!page.ok()) {
    if (page.status().code() == ErrorCode::kLimitExceeded) {
      return Error("deadline_exceeded", page.status().message());
    }
    spdlog::warn("ocr server: a page failed: {}", page.status().message());
    return Error("ocr_failed", page.status().message());
  }
  HttpReply r;
  r.body = EncodeResponse(*page, options_.engine_name, image.width, image.height);
  return r;
}

}  // namespace sheaf::ocr
