// SPDX-License-Identifier: GPL-3.0-or-later
//
// OcrServer: the request handler of `sheaf serve --role ocr` - the server side of the remote
// OCR protocol (ocr/ocr_protocol.h, docs/ocr-protocol.md) over local engines - with the
// probes (/healthz, /readyz) and /metrics of the other roles. No sockets here: it is a function
// of an HttpRequest, served by whatever HttpServer the app gives it.
//
// Contract:
// - Handle is thread-safe. At most `engines` pages are read at once (one engine each); up to
//   max_waiting more requests wait for a free engine; beyond that the answer is 429 busy with
//   Retry-After, never an unbounded queue.
// - Every error is a protocol error body with its code (ocr_protocol.h): 400 for a bad query,
//   401 for a missing or wrong key (when one is set), 404/405 for other routes and methods,
//   413 over max_body_bytes, 415 for a body that is not PNG or TIFF, 422 for an image that
//   cannot be decoded or has other than one page or more than max_pixels, 504 when the engine
//   took longer than the request's timeout_ms, 500 when the engine failed.
// - The request body (the image) and the API key are never logged.
#ifndef SHEAF_OCR_OCR_SERVER_H_
#define SHEAF_OCR_OCR_SERVER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ocr/ocr_protocol.h"
#include "service/metrics.h"
#include "sheaf/http_server.h"
#include "sheaf/image.h"
#include "sheaf/ocr_engine.h"

namespace sheaf::ocr {

struct OcrServerOptions {
  std::uint64_t max_body_bytes = kDefaultMaxRequestBytes;
  std::uint64_t max_pixels = 100'000'000;
  int max_waiting = 16;      // requests waiting for an engine; more get 429
  std::string api_key;       // "": no key asked
  std::string engine_name;   // written in responses, e.g. "tesseract 5.3.0"
};

// Decodes an image file (PNG, TIFF) into its pages, 8-bit gray. Errors name what is wrong:
// unsupported_format for another format, invalid_document / limit_exceeded otherwise.
using ImageDecoder = std::function<Result<std::vector<Image>>(std::string bytes)>;

class OcrServer {
 public:
  // `engines`: one per page read at once (at least one). `languages`: what they read; a
  // request asking for others is answered 400.
  OcrServer(std::vector<std::unique_ptr<OcrEngine>> engines, std::string languages,
            ImageDecoder decode, OcrServerOptions options, MetricsRegistry* metrics);

  HttpReply Handle(HttpRequest& request);

  // The HttpServer's error_body: a protocol error for the answers the server makes itself.
  static std::string ErrorBody(int status, const std::string& message);

 private:
  HttpReply Recognize(HttpRequest& request);
  HttpReply Error(std::string_view code, const std::string& message);
  // A free engine, or null when max_waiting are already waiting.
  OcrEngine* Acquire();
  void Release(OcrEngine* engine);

  const std::string languages_;
  const ImageDecoder decode_;
  const OcrServerOptions options_;
  MetricsRegistry* const metrics_;
  CounterFamily& requests_;
  std::vector<std::unique_ptr<OcrEngine>> engines_;

  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<OcrEngine*> idle_;  // GUARDED_BY(mu_)
  int waiting_ = 0;               // GUARDED_BY(mu_)
};

}  // namespace sheaf::ocr

#endif  // SHEAF_OCR_OCR_SERVER_H_
