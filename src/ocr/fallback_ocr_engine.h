// SPDX-License-Identifier: GPL-3.0-or-later
//
// FallbackOcrEngine: reads each page with a primary engine (the remote OCR service) through its
// circuit breaker ("ocr", resilience/breakers.h), and with the local engine (Tesseract) when
// the breaker refuses the call or the primary fails (docs/reliability.md, the fallbacks table).
//
// Decisions, per page:
//   breaker refuses (open, or half-open with its probes taken)  -> local; warning "skipped"
//   primary OK                                  -> success recorded; engine "remote"
//   primary unavailable, limit_exceeded (timeout), ocr_failed (a 500 or a malformed answer)
//                                               -> failure recorded; local; warning with why
//   primary invalid_argument (a 4xx: what was sent is wrong)
//                                               -> permission released (the service's health is
//                                                  not in question); local; warning with why
// The page says which engine read it (OcrPage::engine: "remote" or "tesseract") and carries the
// warning when the local one did. When the local engine fails too, its error is returned.
// Durations for the breaker (slow calls) come from the injected clock.
//
// Not thread-safe (OcrEngine's rule); the breaker is shared by every worker's engine.
#ifndef SHEAF_OCR_FALLBACK_OCR_ENGINE_H_
#define SHEAF_OCR_FALLBACK_OCR_ENGINE_H_

#include <memory>
#include <string>

#include "resilience/circuit_breaker.h"
#include "sheaf/clock.h"
#include "sheaf/ocr_engine.h"

namespace sheaf::ocr {

inline constexpr std::string_view kRemoteEngineName = "remote";
inline constexpr std::string_view kLocalEngineName = "tesseract";

class FallbackOcrEngine final : public OcrEngine {
 public:
  // REQUIRES: all non-null; `breaker` and `clock` outlive the engine.
  FallbackOcrEngine(std::unique_ptr<OcrEngine> primary, std::unique_ptr<OcrEngine> local,
                    CircuitBreaker* breaker, Clock* clock);
  Result<OcrPage> Recognize(const Image& image, int timeout_ms) override;
  // Both engines' identities: a page read by either is cached under one key, as the service
  // and Tesseract of the same version give the same words (and either is a valid reading).
  std::string CacheIdentity() const override;

 private:
  Result<OcrPage> Local(const Image& image, int timeout_ms, std::string warning);

  std::unique_ptr<OcrEngine> primary_;
  std::unique_ptr<OcrEngine> local_;
  CircuitBreaker* const breaker_;
  Clock* const clock_;
};

}  // namespace sheaf::ocr

#endif  // SHEAF_OCR_FALLBACK_OCR_ENGINE_H_
