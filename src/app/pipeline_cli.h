// SPDX-License-Identifier: GPL-3.0-or-later
//
// What the commands that run the pipeline share (`sheaf process`, `eval`, `eval-ocr`,
// `train-classifier`, `train-extractor`): their options (PipelineFlags), building the pipeline
// the options describe, the exit statuses, and console helpers. For src/app's command files.
#ifndef SHEAF_APP_PIPELINE_CLI_H_
#define SHEAF_APP_PIPELINE_CLI_H_

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "app/composition.h"
#include "cache/ocr_cache.h"
#include "pipeline/loader.h"
#include "pipeline/processor.h"
#include "pipeline/understand.h"
#include "resilience/circuit_breaker.h"
#include "sheaf/cache.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace sheaf::app {

// Exit statuses of every command (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

inline constexpr double kMiB = 1024.0 * 1024.0;

// Options shared by the commands that run the pipeline. Defaults come from the typed
// configuration (Config, Limits, ...); only units differ on the command line.
struct PipelineFlags {
  Config config;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double max_file_mb = static_cast<double>(config.limits.max_file_bytes) / kMiB;
  double max_megapixels = static_cast<double>(config.limits.max_page_pixels) / 1e6;
  double ocr_timeout_s = config.limits.ocr_timeout_ms / 1000.0;
  double cache_max_mb = static_cast<double>(config.ocr_cache_max_bytes) / kMiB;
  CLI::Option* lang_option = nullptr;  // set by Add; count() tells whether --lang was given
  // Adds the options to `cmd`.
  void Add(CLI::App* cmd);
  // The configuration with the command line's units converted.
  Config Finish() const;
};

// `v` with `places` decimals ("0.914").
std::string Fixed(double v, int places);

// A progress bar on stderr when it is a terminal.
class Progress {
 public:
  explicit Progress(std::size_t total);
  void Update(std::size_t done);

 private:
  std::size_t total_;
  bool enabled_;
};

struct Pipeline {
  std::unique_ptr<Loader> loader;
  std::unique_ptr<Cache> cache_store;
  std::unique_ptr<OcrCache> ocr_cache;
  std::unique_ptr<Understander> understander;
  std::unique_ptr<CircuitBreaker> ocr_breaker;  // with --ocr-url
  std::unique_ptr<Processor> processor;
};

// Builds the pipeline the flags describe; on failure prints why, sets *exit_code (usage for a bad
// value such as an unknown --type or a malformed schema, failure otherwise) and returns nothing.
std::optional<Pipeline> BuildPipeline(const PipelineFlags& flags, const std::string& type_hint,
                                      int* exit_code, bool understand = true);

}  // namespace sheaf::app

#endif  // SHEAF_APP_PIPELINE_CLI_H_
