// SPDX-License-Identifier: GPL-3.0-or-later
//
// The remote OCR protocol, version 1 (docs/ocr-protocol.md): one page per request.
//
//   POST /v1/ocr?languages=eng&dpi=300&timeout_ms=60000
//   Content-Type: image/png | image/tiff       body: the page image's bytes (8-bit gray)
//   Authorization: Bearer KEY                   only when the server is given a key
//
//   200 {"protocol": "sheaf-ocr/1", "engine": "...", "width": W, "height": H,
//        "mean_confidence": 0.93, "sideways": false,
//        "blocks": [{"box": [x0, y0, x1, y1], "lines": [{"box": [...],
//                    "words": [{"text": "...", "confidence": 0.97, "box": [...]}]}]}]}
//   4xx/5xx {"protocol": "sheaf-ocr/1", "error": {"code": "...", "message": "..."}}
//
// Pure functions of bytes and values: no I/O, no SDK. Thread-safe.
#ifndef SHEAF_OCR_OCR_PROTOCOL_H_
#define SHEAF_OCR_OCR_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sheaf/ocr_engine.h"
#include "sheaf/status.h"

namespace sheaf::ocr {

inline constexpr std::string_view kOcrProtocol = "sheaf-ocr/1";
inline constexpr std::string_view kOcrPath = "/v1/ocr";
// The largest request body a server accepts by default (413 above it).
inline constexpr std::uint64_t kDefaultMaxRequestBytes = 32ull * 1024 * 1024;
// The largest response a client reads; a longer one is refused as malformed.
inline constexpr std::size_t kMaxResponseBytes = 16 * 1024 * 1024;
// Decoded responses hold at most this many words (a dense A4 page has a few thousand).
inline constexpr std::size_t kMaxWords = 200000;

// What a request asks besides the image.
struct OcrRequestParams {
  std::string languages = "eng";  // Tesseract-style codes joined with '+'
  int dpi = 0;                    // resolution of the image, 0 when unknown
  int timeout_ms = 60000;         // the server gives up after this (504 deadline_exceeded)
};

// "?languages=eng&dpi=300&timeout_ms=60000" (with the leading '?').
std::string EncodeQuery(const OcrRequestParams& params);
// From the query parameters of a request (absent ones keep their defaults). invalid_argument
// naming the parameter and its range: languages of other than [a-z_A-Z0-9+] or longer than
// 200 characters, dpi outside 0..10000, timeout_ms outside 1..600000.
Result<OcrRequestParams> DecodeQuery(const std::multimap<std::string, std::string>& query);

// The error codes of the protocol, with their HTTP statuses.
//   bad_request 400, unauthorized 401, not_found 404, method_not_allowed 405,
//   payload_too_large 413, unsupported_media_type 415, invalid_image 422, busy 429 (with
//   Retry-After), ocr_failed 500, unavailable 503, deadline_exceeded 504.
int HttpStatusOfError(std::string_view code);

// The 200 body for `page`, read by `engine` (an identity such as "tesseract 5.3.0 eng").
std::string EncodeResponse(const OcrPage& page, const std::string& engine, int width, int height);
// An error body.
std::string EncodeError(std::string_view code, const std::string& message);

// Decodes a response of HTTP status `status`. A 200 with a valid body gives the page (*engine
// set when given). Otherwise the error, with the server's code and message in the text:
//   unavailable        503, 429, 502 or any other 5xx but 500 (the dependency is unhealthy)
//   limit_exceeded     504 or 413 (the page took too long, the image was too large)
//   invalid_argument   another 4xx (what was sent is wrong: says nothing of the server's health)
//   ocr_failed         500, or a 200 whose body is not a valid sheaf-ocr/1 response: not JSON,
//                      another protocol, a box with x1 < x0, a confidence outside 0..1, more
//                      than kMaxWords words, or cut at the client's size cap.
// `where` (the URL) prefixes every message.
Result<OcrPage> DecodeResponse(int status, std::string_view body, const std::string& where,
                               std::string* engine = nullptr);

}  // namespace sheaf::ocr

#endif  // SHEAF_OCR_OCR_PROTOCOL_H_
