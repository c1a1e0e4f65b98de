// SPDX-License-Identifier: GPL-3.0-or-later
//
// The fuzz targets: one function per parser of untrusted input, each taking the bytes an
// attacker controls. The libFuzzer drivers (fuzz_main.cc, built by the `fuzz` preset with clang
// and ASan + UBSan) and the regression replay (fuzz_replay_test.cc, in every build) call the
// same functions, so a crash kept under tests/fuzz/regressions/<target>/ is replayed through the
// exact entry point that found it.
//
// A target returns normally for any input, accepted or refused. It aborts (so the fuzzer reports
// a crash) when the code under test breaks its contract: an error without a message, a page
// without pixels, an image whose buffer does not match its size, an answer that is not HTTP.
#ifndef SHEAF_TESTS_FUZZ_FUZZ_TARGETS_H_
#define SHEAF_TESTS_FUZZ_FUZZ_TARGETS_H_

#include <string>
#include <string_view>
#include <vector>

namespace sheaf::fuzz {

struct Target {
  const char* name;                   // also the folder under tests/fuzz/regressions and seeds
  void (*run)(std::string_view data);
};

void FormatDetection(std::string_view data);  // DetectFormat, then the Loader's opener choice
void PdfLoading(std::string_view data);       // Poppler opener: open, read each page
void ImageDecoding(std::string_view data);    // image opener (PNG, JPEG, TIFF, WebP): decode
void ApiRequest(std::string_view data);       // raw HTTP bytes -> cpp-httplib -> Api::Handle
void ApiJson(std::string_view data);          // a JSON body: review actions, upload metadata
void EInvoiceXml(std::string_view data);      // ParseEInvoiceXml (CII, ZUGFeRD 1, UBL)
void SchemaYaml(std::string_view data);       // ParseSchema

// ApiRequest's work, returning the raw HTTP answer (for tests of the target itself).
std::string ApiRequestReply(std::string_view data);

// Every target, by name.
const std::vector<Target>& Targets();

// In ApiRequest's input, this text is replaced by a valid API key of the target's tenant, so
// seeds (and the fuzzer's mutations of them) get past authentication.
inline constexpr std::string_view kApiKeyPlaceholder = "{{KEY}}";

}  // namespace sheaf::fuzz

#endif  // SHEAF_TESTS_FUZZ_FUZZ_TARGETS_H_
