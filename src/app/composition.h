// SPDX-License-Identifier: GPL-3.0-or-later
//
// The composition root: the only code that names concrete adapters. Everything else receives
// interfaces built here.
#ifndef SHEAF_APP_COMPOSITION_H_
#define SHEAF_APP_COMPOSITION_H_

#include <signal.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "cache/disk_cache.h"
#include "ocr/ocr_server.h"
#include "pipeline/loader.h"
#include "pipeline/processor.h"
#include "pipeline/understand.h"
#include "resilience/circuit_breaker.h"
#include "sheaf/cache.h"
#include "sheaf/metadata_store.h"
#include "sheaf/options.h"

namespace sheaf::app {

struct Config {
  Limits limits;
  PreprocessOptions preprocess;
  OrientationOptions orientation;
  OcrOptions ocr;
  std::string data_dir = "sheaf-data";
  bool ocr_cache = true;
  std::uint64_t ocr_cache_max_bytes = DiskCache::kDefaultMaxBytes;
  std::string schemas_dir;  // "": the schemas/ that ship with Sheaf (FindResource)
  std::string model_path;   // "": kDefaultClassifierModel as shipped; "none": no classifier
  // "": models/extractor.json.gz when it ships (else rules only); "none": rules only.
  std::string extractor_model_path;
  std::string type_hint = "auto";
  bool read_embedded_invoices = true;
  bool second_opinion = true;  // re-read poor pages without contrast normalisation
  // Above 0: re-read only a poor page's lines below this confidence (ProcessorOptions).
  double second_opinion_line_below = 0;
  // The remote OCR service (docs/ocr-protocol.md), e.g. http://127.0.0.1:8091: pages are read
  // there, and by local Tesseract when its circuit breaker is open or a call fails. "": local
  // Tesseract only. Its key (SHEAF_OCR_API_KEY) goes in ocr_api_key, never on a command line.
  std::string ocr_url;
  std::string ocr_api_key;
  // The optional foundation model (docs/foundation-model.md): the base URL of an
  // OpenAI-compatible API ("" = none), the model's name, the key (from SHEAF_LLM_API_KEY only)
  // and the time one call may take.
  std::string llm_url;
  std::string llm_model;
  std::string llm_api_key;
  double llm_timeout_seconds = 30;
};

// The document-type model that ships with Sheaf, relative to its resources (FindResource): the
// binary form, because reading it is most of a one-document run's start-up otherwise.
inline constexpr const char* kDefaultClassifierModel = "models/doctype.bin.gz";

// Finds a file or folder that ships with Sheaf ("schemas", "models/doctype.bin.gz"): under
// $SHEAF_HOME, next to the source tree the binary was built in, under <prefix>/share/sheaf, or
// in the current folder. Returns "" when it is nowhere.
std::string FindResource(const std::string& relative);

// A document-type model file: binary or JSON, either gzip-compressed or not (recognised by its
// content).
Result<classify::TextClassifier> LoadClassifierFile(const std::string& path);
// Writes `model` to `path` atomically: as JSON when the name ends in ".json" or ".json.gz",
// otherwise in the binary form (TextClassifier::ToBinary); gzip-compressed when it ends in ".gz".
Status SaveClassifierFile(const classify::TextClassifier& model, const std::string& path);

// The extractor's ranker model (extract/ranker.h): JSON, or gzip-compressed JSON; and its writer.
Result<extract::Ranker> LoadRankerFile(const std::string& path);
Status SaveRankerFile(const extract::Ranker& model, const std::string& path);

// Classification, extraction and validation as configured; kNotFound / kInvalidArgument when a
// schema or the model cannot be loaded (the message names the file). `near_cache`, when given,
// is asked before the disk cache of classifications (the service's in-process LRU). With
// config.llm_url set, extraction asks the foundation model through `model_breaker` (the
// registry's "foundation-model" breaker; when null, one of the process's own with the design's
// values); invalid_argument for an unusable llm-url / llm-model. `model`, when given, is the
// document-type model, used instead of reading config.model_path (one loaded model shared by
// several Understanders).
Result<std::unique_ptr<Understander>> MakeUnderstander(
    const Config& config, std::shared_ptr<Cache> near_cache = nullptr,
    CircuitBreaker* model_breaker = nullptr,
    std::shared_ptr<const classify::TextClassifier> model = nullptr);

// Where a tenant's own document-type model is kept (`sheaf train-classifier --from-reviews`,
// docs/learning.md): <data_dir>/models/tenants/<tenant id>/doctype.bin.gz.
std::string TenantClassifierPath(const std::string& data_dir, const std::string& tenant_id);
// Where a tenant's own extractor ranker is kept (`sheaf train-extractor --from-reviews`):
// <data_dir>/models/tenants/<tenant id>/extractor.json.gz.
std::string TenantExtractorPath(const std::string& data_dir, const std::string& tenant_id);

// For ServiceDeps::tenant_understander: the Understander that classifies and extracts a
// tenant's documents with the tenant's own models (TenantClassifierPath, TenantExtractorPath of
// config.data_dir) when either file exists - the shipped model for the one that does not (the
// shipped type model loaded once for all such tenants); null
// when neither does (the shared Understander is used). A tenant's models are loaded lazily, on
// its first document, and kept; the files are looked at (stat) on every call and loaded again
// when a size or modification time changed, so a model trained while the service runs is used
// from the next document on, and a removed one no longer is. A tenant's ranker is used even
// with --extractor-model none (the tenant's reviews trained it for the tenant's documents).
// Files that do not load are logged (once per change) and the tenant gets null. These
// Understanders have no classification cache (classifying is milliseconds; the shared cache
// is keyed by the shipped model's version). Safe to call from many threads.
std::function<std::shared_ptr<const Understander>(const std::string& tenant_id)>
MakeTenantUnderstanders(const Config& config, CircuitBreaker* model_breaker = nullptr);

// Reads SHEAF_LLM_API_KEY into config->llm_api_key (the key is never taken from the command line).
void ReadLlmKeyFromEnvironment(Config* config);

// A loader that reads PDF (Poppler), PNG/JPEG/TIFF/WebP (Leptonica) and text.
// `wrap`, when set, is given each opener and returns the one to register in its place.
using OpenerWrapper =
    std::function<std::shared_ptr<const DocumentOpener>(std::shared_ptr<const DocumentOpener>)>;
std::unique_ptr<Loader> MakeLoader(const Limits& limits, const OpenerWrapper& wrap = nullptr);

// A local Tesseract engine from the OCR module (adapters/tesseract/module.h), which the first
// call opens. Errors: unavailable when the module is missing or does not load (the message
// names the paths tried or the file and dlerror); otherwise the engine's own (the language data).
Result<std::unique_ptr<OcrEngine>> MakeLocalOcrEngine(const OcrOptions& options);
// Tesseract's version ("5.3.0"), or "unavailable (why)" when the OCR module does not load.
std::string LocalOcrEngineVersion();

// Each call builds one worker's OCR engine, OSD detector and Leptonica preprocessor. The engine
// is Tesseract; with config.ocr_url, the remote OCR service called through `ocr_breaker` (the
// "ocr" breaker), with Tesseract as its fallback (ocr/fallback_ocr_engine.h).
// REQUIRES: ocr_breaker (outliving the factory and its engines) when config.ocr_url is set.
WorkerToolsFactory MakeWorkerToolsFactory(const Config& config,
                                          CircuitBreaker* ocr_breaker = nullptr);

// The OCR server's image decoder: the loader's PNG, TIFF (and other image) openers, within
// `limits`; every page as 8-bit gray.
ocr::ImageDecoder MakeOcrImageDecoder(const Limits& limits);

// OK iff `url` can be an --ocr-url: http:// or https:// with a host. invalid_argument saying so.
Status CheckOcrUrl(const std::string& url);

// `sheaf serve --role ocr`: serves the remote OCR protocol on host:port with `engines` local
// Tesseract engines (pages read at once) until SIGTERM/SIGINT (in `signals`, blocked by the
// caller). `api_key` "": no key asked. Returns the exit code.
struct OcrRoleOptions {
  std::string host;
  int port = 0;
  int engines = 1;
  int http_threads = 64;
  std::uint64_t max_body_bytes = 0;  // 0: the protocol's default
  std::string api_key;
};
int RunOcrRole(const Config& config, const OcrRoleOptions& options, const sigset_t& signals);

// The OCR cache's store: a DiskCache under <data_dir>/cache/ocr.
Result<std::unique_ptr<Cache>> MakeOcrCacheStore(const Config& config);

// Must run first in main: sets OMP_THREAD_LIMIT=1 for the programs this one starts, and the
// allocator's tuning. (`argv` is unused: the program no longer re-executes itself.)
void ConfigureProcess(char** argv);

struct Versions {
  std::string sheaf, tesseract, leptonica, poppler, language_data;
};
Versions GetVersions(const OcrOptions& ocr);

// The metadata store of data dir `data_dir` (`sheaf serve --data-dir` and the admin commands
// open the same one): <data_dir>/metadata.sqlite, the folder created when missing. io_error
// when the folder cannot be created or the database not opened (see SqliteMetadataStore::Open).
Result<std::unique_ptr<MetadataStore>> OpenDataDirMetadataStore(const std::string& data_dir);

}  // namespace sheaf::app

#endif  // SHEAF_APP_COMPOSITION_H_
