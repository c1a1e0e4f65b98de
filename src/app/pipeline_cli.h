// SPDX-License-Identifier: GPL-3.0-or-later
//
// What the commands that run the pipeline share (`sheaf process`, `eval`, `eval-ocr`,
// `train-classifier`, `train-extractor`): their options (PipelineFlags), building the pipeline
// the options describe, the exit statuses, and console helpers. For src/app's command files.
#ifndef SHEAF_APP_PIPELINE_CLI_H_
#define SHEAF_APP_PIPELINE_CLI_H_

#include <algorithm>
#include <cstddef>
#include <functional>
#include <future>
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

// An understander built on a thread of its own (reading the type model is most of a short run's
// start-up), so that the first documents are opened and read meanwhile. Thread-safe.
class PendingUnderstander {
 public:
  explicit PendingUnderstander(std::function<Result<std::unique_ptr<Understander>>()> make);
  // Waits until it is built; then the understander, or why it could not be built.
  const Result<std::unique_ptr<Understander>>& Get() const { return built_.get(); }
  // Without waiting: true once it is built and failed.
  bool Failed() const;

 private:
  std::shared_future<Result<std::unique_ptr<Understander>>> built_;
};

struct Pipeline {
  // Only with BuildPipeline's `overlap`: the understander being built (`understander` is then
  // null). Every document waits for it before being classified, and pages wait for it before
  // OCR; once it has failed, documents are no longer opened. A command must take Get() before
  // showing its first result, and on an error show that error and no result.
  std::shared_ptr<const PendingUnderstander> pending;
  std::unique_ptr<Loader> loader;
  std::unique_ptr<Cache> cache_store;
  std::unique_ptr<OcrCache> ocr_cache;
  std::unique_ptr<Understander> understander;
  std::unique_ptr<CircuitBreaker> ocr_breaker;  // with --ocr-url
  std::unique_ptr<Processor> processor;
};

// Builds the pipeline the flags describe; on failure prints why, sets *exit_code (usage for a bad
// value such as an unknown --type or a malformed schema, failure otherwise) and returns nothing.
// `overlap` (with `understand`): the understander is built while the first documents are read
// (Pipeline::pending) instead of before; its errors are then the command's to report
// (ReportBuildError).
std::optional<Pipeline> BuildPipeline(const PipelineFlags& flags, const std::string& type_hint,
                                      int* exit_code, bool understand = true, bool overlap = false);

// Prints "sheaf: <message>" to stderr; returns the exit status BuildPipeline gives it (usage
// for an invalid argument, failed otherwise).
int ReportBuildError(const Status& status);

}  // namespace sheaf::app

#endif  // SHEAF_APP_PIPELINE_CLI_H_
