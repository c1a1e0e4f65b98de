// SPDX-License-Identifier: GPL-3.0-or-later
//
// Status and Result<T>: expected failures are values, not exceptions.
//
// A Status is either OK or carries an ErrorCode and a human-readable message. The message names
// what went wrong, which limit was hit and which file, so it can be shown to a user verbatim.
// Result<T> holds either a T or a non-OK Status (shaped like std::expected).
//
// Thread safety: plain values; safe to copy between threads.
#ifndef SHEAF_STATUS_H_
#define SHEAF_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sheaf {

// The codes are part of the public result format (docs/result-format.md): each maps to a stable
// snake_case string in the JSON "error.code".
enum class ErrorCode {
  kOk,
  kUnsupportedFormat,   // content is none of the formats Sheaf reads
  kInvalidDocument,     // empty, truncated or corrupt file
  kEncryptedDocument,   // needs a password
  kLimitExceeded,       // a configured limit (size, pages, pixels, OCR time) was hit
  kNotFound,            // an input path does not exist
  kIoError,             // reading or writing a file failed
  kOcrFailed,           // the OCR engine could not process a page
  kInvalidArgument,     // bad configuration or usage
  kUnavailable,         // a dependency is temporarily unavailable (retryable)
  kInternal,            // a broken invariant; a bug
};

// Returns the stable snake_case name of `code` ("unsupported_format", ...).
std::string_view ErrorCodeName(ErrorCode code);

class Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message", for logs.
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {}  // NOLINT(google-explicit-constructor)
  Result(ErrorCode code, std::string message) : v_(Status(code, std::move(message))) {}

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  // Returns OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace sheaf

#endif  // SHEAF_STATUS_H_
