// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/poppler/common.h"

#include <GlobalParams.h>
#include <poppler-global.h>

#include <mutex>

namespace sheaf::poppler_adapter {

namespace {
void Quiet(const std::string& /*msg*/, void* /*closure*/) {}
}  // namespace

void SilencePoppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function(Quiet, nullptr); });
}

void KeepPopplerGlobals() {
  // Kept for the life of the process, and reachable from this static (so a leak checker does
  // not count it). Poppler's own diagnostics are silenced like poppler-cpp's (SilencePoppler).
  static const GlobalParamsIniter* const kept =
      new GlobalParamsIniter([](ErrorCategory, Goffset, const char*) {});
  (void)kept;
}

Status CheckOpened(const poppler::document* doc, const std::string& name) {
  if (doc == nullptr) {
    return Status(ErrorCode::kInvalidDocument, name + ": not a readable PDF (damaged or truncated file)");
  }
  if (doc->is_locked()) {
    return Status(ErrorCode::kEncryptedDocument, name + ": the PDF is encrypted and needs a password to open");
  }
  return Status::Ok();
}

}  // namespace sheaf::poppler_adapter
