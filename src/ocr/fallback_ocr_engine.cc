// SPDX-License-Identifier: GPL-3.0-or-later
#include "ocr/fallback_ocr_engine.h"

#include <utility>

namespace sheaf::ocr {

FallbackOcrEngine::FallbackOcrEngine(std::unique_ptr<OcrEngine> primary,
                                     std::unique_ptr<OcrEngine> local, CircuitBreaker* breaker,
                                     Clock* clock)
    : primary_(std::move(primary)), local_(std::move(local)), breaker_(breaker), clock_(clock) {}

Result<OcrPage> FallbackOcrEngine::Local(const Image& image, int timeout_ms, std::string warning) {
  Result<OcrPage> page = local_->Recognize(image, timeout_ms);
  if (!page.ok()) return page.status();
  page->engine = std::string(kLocalEngineName);
  page->warnings.push_back(std::move(warning));
  return page;
}

Result<OcrPage> FallbackOcrEngine::Recognize(const Image& image, int timeout_ms) {
  if (!breaker_->TryAcquirePermission()) {
    return Local(image, timeout_ms,
                 "remote OCR skipped: circuit breaker " + breaker_->name() + " is " +
                     std::string(BreakerStateName(breaker_->state())) + "; read by local Tesseract");
  }
  const Clock::TimePoint start = clock_->Now();
  Result<OcrPage> page = primary_->Recognize(image, timeout_ms);
  const auto took = clock_->Now() - start;
  if (page.ok()) {
    breaker_->OnSuccess(took);
    page->engine = std::string(kRemoteEngineName);
    return page;
  }
  if (page.status().code() == ErrorCode::kInvalidArgument) {
    breaker_->ReleasePermission();
  } else {
    breaker_->OnError(took);
  }
  return Local(image, timeout_ms,
               "remote OCR failed (" + page.status().message() + "); read by local Tesseract");
}

std::string FallbackOcrEngine::CacheIdentity() const {
  return "fallback(" + primary_->CacheIdentity() + " | " + local_->CacheIdentity() + ")";
}

}  // namespace sheaf::ocr
