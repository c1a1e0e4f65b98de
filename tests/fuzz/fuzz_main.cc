// SPDX-License-Identifier: GPL-3.0-or-later
//
// The libFuzzer driver of one target; tests/fuzz/CMakeLists.txt builds it once per target with
// SHEAF_FUZZ_TARGET set to the target's function (tests/fuzz/fuzz_targets.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sheaf::fuzz::SHEAF_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
