// SPDX-License-Identifier: GPL-3.0-or-later
//
// RemoteOcrEngine: an OcrEngine that sends each page to a server of the remote OCR protocol
// (ocr/ocr_protocol.h, docs/ocr-protocol.md) - `sheaf serve --role ocr`, or a cloud service
// behind the same protocol - over the injected HttpClient.
//
// Contract (OcrEngine's, plus):
// - Errors, from ocr::DecodeResponse: unavailable when no answer came (refused, dropped, timed
//   out: the message names the URL) or the server said it is unhealthy or busy (5xx but 500,
//   429); limit_exceeded for 504/413; invalid_argument for another 4xx; ocr_failed for a 500 or
//   a malformed answer; and the encoder's error when the page cannot be encoded.
// - The API key, when set, is sent as "Authorization: Bearer KEY" and appears in no message.
// - Not thread-safe (OcrEngine's rule), though it holds no state between calls.
#ifndef SHEAF_OCR_REMOTE_OCR_ENGINE_H_
#define SHEAF_OCR_REMOTE_OCR_ENGINE_H_

#include <functional>
#include <memory>
#include <string>

#include "ocr/ocr_protocol.h"
#include "sheaf/http_client.h"
#include "sheaf/ocr_engine.h"

namespace sheaf::ocr {

struct RemoteOcrOptions {
  std::string url;  // the server's base URL, e.g. http://127.0.0.1:8091 ("/v1/ocr" is added)
  std::string api_key;            // "" : no Authorization header
  std::string languages = "eng";  // asked of the server
  // Encodes a page as PNG (the app hands in Leptonica's encoder).
  std::function<Result<std::string>(const Image&)> encode_png;
};

class RemoteOcrEngine final : public OcrEngine {
 public:
  // REQUIRES: `http` non-null (shared: it is thread-safe); options.encode_png set.
  RemoteOcrEngine(std::shared_ptr<HttpClient> http, RemoteOcrOptions options);
  Result<OcrPage> Recognize(const Image& image, int timeout_ms) override;
  // "remote sheaf-ocr/1 URL languages": the server's engine is not known before it answers.
  std::string CacheIdentity() const override;

 private:
  const std::shared_ptr<HttpClient> http_;
  const RemoteOcrOptions options_;
  const std::string endpoint_;  // url + kOcrPath
};

}  // namespace sheaf::ocr

#endif  // SHEAF_OCR_REMOTE_OCR_ENGINE_H_
