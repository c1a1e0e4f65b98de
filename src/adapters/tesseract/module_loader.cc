// SPDX-License-Identifier: GPL-3.0-or-later
//
// Finds and opens libsheaf_ocr_tesseract.so (module.h). Part of the main binary; includes no
// Tesseract header.
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "adapters/tesseract/module.h"
#include "sheaf/build_info.h"

namespace sheaf::tesseract_adapter {

std::vector<std::string> ModuleCandidates(const std::string& build_dir) {
  namespace fs = std::filesystem;
  if (const char* path = std::getenv(kModulePathVariable); path != nullptr && *path != '\0') return {path};
  std::vector<std::string> out;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back((exe.parent_path() / kModuleFileName).string());
    out.push_back((exe.parent_path().parent_path() / "lib" / "sheaf" / kModuleFileName).string());
  }
  if (!build_dir.empty()) out.push_back((fs::path(build_dir) / kModuleFileName).string());
  return out;
}

Result<const ModuleApi*> LoadModuleFrom(const std::vector<std::string>& candidates) {
  std::string tried;
  for (const std::string& path : candidates) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + path;
      continue;
    }
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      return Status(ErrorCode::kUnavailable, "the OCR module " + path + " does not load: " +
                                                 (why != nullptr ? why : "unknown dlopen error"));
    }
    using Entry = const ModuleApi* (*)();
    auto entry = reinterpret_cast<Entry>(::dlsym(handle, kModuleEntryPoint));
    if (entry == nullptr) {
      const char* why = ::dlerror();
      return Status(ErrorCode::kUnavailable, "the OCR module " + path + " has no " + kModuleEntryPoint +
                                                 ": " + (why != nullptr ? why : "unknown dlsym error"));
    }
    const ModuleApi* api = entry();
    if (api == nullptr || api->abi != kModuleAbi || api->sheaf_version == nullptr ||
        std::string(api->sheaf_version) != SHEAF_VERSION || api->options_size != sizeof(OcrOptions) ||
        api->page_size != sizeof(OcrPage)) {
      return Status(ErrorCode::kUnavailable,
                    "the OCR module " + path + " comes from another build of Sheaf (module: " +
                        (api != nullptr && api->sheaf_version != nullptr ? api->sheaf_version : "?") +
                        " ABI " + std::to_string(api != nullptr ? api->abi : 0) + "; this program: " +
                        SHEAF_VERSION + " ABI " + std::to_string(kModuleAbi) + ")");
    }
    return api;
  }
  return Status(ErrorCode::kUnavailable,
                std::string("OCR needs ") + kModuleFileName + " (the Tesseract adapter), not found; looked at: " +
                    (tried.empty() ? "nowhere" : tried) + " (" + kModulePathVariable + " names it explicitly)");
}

Result<const ModuleApi*> LoadModule(const std::string& build_dir) {
  static std::once_flag once;
  static Result<const ModuleApi*> loaded = Status(ErrorCode::kInternal, "not loaded");
  std::call_once(once, [&] { loaded = LoadModuleFrom(ModuleCandidates(build_dir)); });
  return loaded;
}

}  // namespace sheaf::tesseract_adapter
