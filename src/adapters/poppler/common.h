// SPDX-License-Identifier: GPL-3.0-or-later
//
// What the Poppler adapter's files share.
#ifndef SHEAF_ADAPTERS_POPPLER_COMMON_H_
#define SHEAF_ADAPTERS_POPPLER_COMMON_H_

namespace sheaf::poppler_adapter {

// Sets up Poppler's global parameters once for the process (thread-safe; idempotent), with its
// diagnostics silenced. Call before opening a document.
void KeepPopplerGlobals();

}  // namespace sheaf::poppler_adapter

#endif  // SHEAF_ADAPTERS_POPPLER_COMMON_H_
