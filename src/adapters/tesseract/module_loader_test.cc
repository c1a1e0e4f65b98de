// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/tesseract/module.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <filesystem>
#include <optional>

#include "fixtures.h"

namespace sheaf::tesseract_adapter {
namespace {

// Sets an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = ::getenv(name); old != nullptr) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_.has_value()) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(TesseractModule, TheBuiltModuleLoadsAndReadsAPage) {
  Result<const ModuleApi*> api = LoadModuleFrom({SHEAF_OCR_MODULE_PATH});
  ASSERT_TRUE(api.ok()) << api.status().message();
  EXPECT_EQ((*api)->abi, kModuleAbi);
  EXPECT_EQ((*api)->version().substr(0, 2), "5.");
  Result<std::unique_ptr<OcrEngine>> engine = (*api)->make_engine(OcrOptions{});
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  Result<OcrPage> page = (*engine)->Recognize(testing::RenderLines({"Invoice number 4711"}, 300), 60000);
  ASSERT_TRUE(page.ok()) << page.status().message();
  std::string text;
  for (const Block& b : page->blocks) {
    for (const Line& l : b.lines) text += l.Text() + "\n";
  }
  EXPECT_NE(text.find("4711"), std::string::npos) << text;
}

TEST(TesseractModule, AMissingModuleIsUnavailableNamingEveryPathTried) {
  std::string dir = testing::TempDir();
  Result<const ModuleApi*> api = LoadModuleFrom({dir + "/a/" + kModuleFileName, dir + "/b.so"});
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(api.status().message().find(dir + "/a/" + kModuleFileName), std::string::npos) << api.status().message();
  EXPECT_NE(api.status().message().find(dir + "/b.so"), std::string::npos) << api.status().message();
}

TEST(TesseractModule, AFileThatIsNoModuleIsUnavailableWithDlerror) {
  std::string dir = testing::TempDir();
  testing::WriteFile(dir + "/broken.so", "not an ELF file");
  // The first candidate that exists is the one taken: a broken module is not skipped for a good one.
  Result<const ModuleApi*> api = LoadModuleFrom({dir + "/broken.so", SHEAF_OCR_MODULE_PATH});
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), ErrorCode::kUnavailable);
  const std::string m = api.status().message();
  EXPECT_NE(m.find(dir + "/broken.so does not load: " + dir + "/broken.so: "), std::string::npos) << m;
}

TEST(TesseractModule, ASharedObjectWithoutTheEntryPointIsRefused) {
  Dl_info zlib{};  // the real libz this test links: a shared object, but no OCR module
  ASSERT_NE(::dladdr(reinterpret_cast<void*>(&::zlibVersion), &zlib), 0);
  ASSERT_NE(zlib.dli_fname, nullptr);
  Result<const ModuleApi*> api = LoadModuleFrom({zlib.dli_fname});
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(api.status().message().find(std::string(zlib.dli_fname) + " has no " + kModuleEntryPoint),
            std::string::npos)
      << api.status().message();
}

TEST(TesseractModule, CandidatesAreTheVariableAloneWhenSet) {
  ScopedEnv env(kModulePathVariable, "/somewhere/else.so");
  EXPECT_EQ(ModuleCandidates("/build"), std::vector<std::string>{"/somewhere/else.so"});
}

TEST(TesseractModule, CandidatesAreBesideTheProgramThenTheInstallDirThenTheBuildDir) {
  ScopedEnv env(kModulePathVariable, "");
  std::vector<std::string> c = ModuleCandidates("/build/dir");
  ASSERT_EQ(c.size(), 3u);
  std::string exe_dir = std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
  EXPECT_EQ(c[0], exe_dir + "/" + kModuleFileName);
  EXPECT_EQ(c[1], std::filesystem::path(exe_dir).parent_path().string() + "/lib/sheaf/" + kModuleFileName);
  EXPECT_EQ(c[2], std::string("/build/dir/") + kModuleFileName);
}

}  // namespace
}  // namespace sheaf::tesseract_adapter
