// SPDX-License-Identifier: GPL-3.0-or-later
//
// What the Poppler adapters share: silencing Poppler's diagnostics and the checks after opening a
// document. Internal to src/adapters/poppler.
#ifndef SHEAF_ADAPTERS_POPPLER_COMMON_H_
#define SHEAF_ADAPTERS_POPPLER_COMMON_H_

#include <poppler-document.h>

#include <string>

#include "sheaf/status.h"

namespace sheaf::poppler_adapter {

// Poppler prints syntax warnings about damaged files to stderr; Sheaf reports its own errors.
// Safe to call from any thread, any number of times.
void SilencePoppler();

// Poppler's core API (PDFDoc) needs its global parameters while any document is open; poppler-cpp
// counts its users of them with the same counter. Call before opening a PDFDoc: the first call
// takes one count for the life of the process (never given back, since other threads may still
// read PDFs at exit). Thread-safe.
void KeepPopplerGlobals();

// kInvalidDocument for a document Poppler could not open (null), kEncryptedDocument for one that
// needs a password; messages start with `name`.
Status CheckOpened(const poppler::document* doc, const std::string& name);

}  // namespace sheaf::poppler_adapter

#endif  // SHEAF_ADAPTERS_POPPLER_COMMON_H_
