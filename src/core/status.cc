// SPDX-License-Identifier: GPL-3.0-or-later
#include "sheaf/status.h"

namespace sheaf {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kUnsupportedFormat: return "unsupported_format";
    case ErrorCode::kInvalidDocument: return "invalid_document";
    case ErrorCode::kEncryptedDocument: return "encrypted_document";
    case ErrorCode::kLimitExceeded: return "limit_exceeded";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kIoError: return "io_error";
    case ErrorCode::kOcrFailed: return "ocr_failed";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(ErrorCodeName(code_)) + ": " + message_;
}

}  // namespace sheaf
