// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/poppler/common.h"

#include <GlobalParams.h>

namespace sheaf::poppler_adapter {

void KeepPopplerGlobals() {
  // Kept for the life of the process, and reachable from this static (so a leak checker does
  // not count it). Poppler's diagnostics on damaged files are silenced: a file Sheaf cannot read
  // gets one error naming it, not Poppler's lines on stderr.
  static const GlobalParamsIniter* const kept =
      new GlobalParamsIniter([](ErrorCategory, Goffset, const char*) {});
  (void)kept;
}

}  // namespace sheaf::poppler_adapter
