// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/pipeline_cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <thread>

#include "resilience/breakers.h"
#include "sheaf/clock.h"

namespace sheaf::app {

void PipelineFlags::Add(CLI::App* cmd) {
  cmd->add_option("--jobs,-j", jobs, "Worker threads (default: number of cores)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--data-dir", config.data_dir, "Folder for caches and models")
      ->capture_default_str();
  lang_option = cmd->add_option("--lang", config.ocr.languages, "Tesseract languages, e.g. eng or eng+deu")
                    ->capture_default_str();
  cmd->add_option("--psm", config.ocr.page_segmentation_mode,
                  "Tesseract page segmentation mode (3 automatic, 4 one column, 6 one block, 11 sparse)")
      ->capture_default_str()->check(CLI::IsMember({3, 4, 6, 11, 12}));
  cmd->add_option("--tessdata", config.ocr.data_path, "Tesseract language data folder");
  cmd->add_option("--max-file-mb", max_file_mb, "Largest accepted file in MiB")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--max-pages", config.limits.max_pages, "Most pages per document")
      ->capture_default_str()->check(CLI::Range(1, 100000));
  cmd->add_option("--max-megapixels", max_megapixels, "Most megapixels per page")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--pdf-dpi", config.limits.pdf_render_dpi, "Resolution for rendering PDF pages")
      ->capture_default_str()->check(CLI::Range(36, 1200));
  cmd->add_option("--ocr-timeout", ocr_timeout_s, "OCR time limit per page in seconds")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_flag("!--no-ocr-cache", config.ocr_cache, "Do not read or write the OCR cache");
  cmd->add_option("--cache-max-mb", cache_max_mb,
                  "Size of the OCR cache on disk; least recently used pages go beyond it")
      ->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_flag("!--no-orientation", config.orientation.detect, "Skip orientation detection");
  cmd->add_flag("!--no-deskew", config.preprocess.deskew, "Skip deskewing");
  cmd->add_flag("!--no-second-opinion", config.second_opinion,
                "Do not re-read poorly read pages with the other contrast treatment");
  cmd->add_option("--second-opinion-lines", config.second_opinion_line_below,
                  "Re-read only a poor page's lines whose words average below this confidence "
                  "(0: the whole page; experimental, costs accuracy: README)")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--second-language-lines", config.ocr.second_language_below,
                  "With several --lang languages: read pages in the first alone and re-read in "
                  "the others only the lines whose words average below this confidence (0: every "
                  "word may be tried in every language, Tesseract's way; experimental: README)")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("!--no-border-cleaning", config.preprocess.clean_borders,
                "Keep dark areas around the paper (scanner lid, table) as they are");
  cmd->add_flag("!--no-background-norm", config.preprocess.normalize_background,
                "Skip contrast normalisation");
  cmd->add_flag("--inverted-text,!--no-inverted-text", config.ocr.detect_inverted_text,
                "Look for white-on-black text (Tesseract default)");
  cmd->add_flag("!--no-rescale", config.preprocess.rescale,
                "Do not rescale pages to the target text height");
  cmd->add_option("--binarization", config.preprocess.binarization,
                  "none (Tesseract thresholds), otsu or sauvola")
      ->capture_default_str()->check(CLI::IsMember({"none", "otsu", "sauvola"}));
  cmd->add_option("--text-height", config.preprocess.target_text_height_px,
                  "Glyph height in pixels that pages are rescaled to")
      ->capture_default_str()->check(CLI::Range(8.0, 100.0));
  cmd->add_option("--rescale-tolerance", config.preprocess.rescale_tolerance,
                  "Rescale only when the text size is off by more than this factor")
      ->capture_default_str()->check(CLI::Range(1.0, 10.0));
  cmd->add_option("--schemas", config.schemas_dir,
                  "Folder of document-type schemas (default: the schemas/ shipped with Sheaf)");
  cmd->add_option("--model", config.model_path,
                  "Document-type model: binary or JSON, either gzipped or not (default: models/doctype.bin.gz; "
                  "none: do not classify)");
  cmd->add_option("--extractor-model", config.extractor_model_path,
                  "Extractor ranker model (default: models/extractor.json.gz when present; none: rules only)");
  cmd->add_option("--ocr-url", config.ocr_url,
                  "Read pages with the remote OCR service at this URL (sheaf serve --role ocr; "
                  "key: SHEAF_OCR_API_KEY), local Tesseract when its circuit breaker is open or "
                  "a call fails")
      ->envname("SHEAF_OCR_URL")
      ->check([](const std::string& v) { Status s = CheckOcrUrl(v); return s.ok() ? std::string() : s.message(); });
  cmd->add_flag("!--no-embedded-xml", config.read_embedded_invoices,
                "Ignore e-invoice XML embedded in PDFs (read the page only)");
  cmd->add_option("--llm-url", config.llm_url,
                  "Base URL of an OpenAI-compatible API (e.g. http://127.0.0.1:8000/v1) asked for "
                  "fields the built-in extraction leaves empty or unsure; page text is sent there "
                  "(docs/foundation-model.md); key: SHEAF_LLM_API_KEY")
      ->envname("SHEAF_LLM_URL");
  cmd->add_option("--llm-model", config.llm_model, "Model name sent to --llm-url")->envname("SHEAF_LLM_MODEL");
  cmd->add_option("--llm-timeout", config.llm_timeout_seconds, "Seconds one foundation-model call may take")
      ->capture_default_str()->check(CLI::Range(0.001, 3600.0))->envname("SHEAF_LLM_TIMEOUT");
}

Config PipelineFlags::Finish() const {
  Config c = config;
  c.limits.max_file_bytes = static_cast<std::uint64_t>(max_file_mb * kMiB);
  c.limits.max_page_pixels = static_cast<std::uint64_t>(max_megapixels * 1e6);
  c.limits.ocr_timeout_ms = static_cast<int>(ocr_timeout_s * 1000);
  c.ocr_cache_max_bytes = static_cast<std::uint64_t>(cache_max_mb * kMiB);
  ReadLlmKeyFromEnvironment(&c);
  return c;
}

std::string Fixed(double v, int places) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", places, v);
  return buf;
}

Progress::Progress(std::size_t total) : total_(total), enabled_(::isatty(2) == 1) {}

void Progress::Update(std::size_t done) {
  if (!enabled_ || total_ == 0) return;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(kWidth * done / total_);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu documents", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), done, total_);
  if (done == total_) std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

PendingUnderstander::PendingUnderstander(std::function<Result<std::unique_ptr<Understander>>()> make)
    : built_(std::async(std::launch::async, std::move(make)).share()) {}

bool PendingUnderstander::Failed() const {
  return built_.wait_for(std::chrono::seconds(0)) == std::future_status::ready && !built_.get().ok();
}

int ReportBuildError(const Status& status) {
  std::cerr << "sheaf: " << status.message() << "\n";
  return status.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
}

namespace {

// Opens documents as `inner` does until the pending understander has failed; from then on
// refuses at once with its error (the command shows no result then: why read more files).
class GatedOpener : public DocumentOpener {
 public:
  GatedOpener(std::shared_ptr<const DocumentOpener> inner, std::shared_ptr<const PendingUnderstander> pending)
      : inner_(std::move(inner)), pending_(std::move(pending)) {}
  Result<std::unique_ptr<DocumentReader>> Open(std::shared_ptr<const std::string> bytes, const std::string& name,
                                               const Limits& limits) const override {
    if (pending_->Failed()) return pending_->Get().status();
    return inner_->Open(std::move(bytes), name, limits);
  }

 private:
  std::shared_ptr<const DocumentOpener> inner_;
  std::shared_ptr<const PendingUnderstander> pending_;
};

}  // namespace

std::optional<Pipeline> BuildPipeline(const PipelineFlags& flags, const std::string& type_hint,
                                      int* exit_code, bool understand, bool overlap) {
  auto fail = [&](const Status& s) -> std::optional<Pipeline> {
    *exit_code = ReportBuildError(s);
    return std::nullopt;
  };
  Config config = flags.Finish();
  config.type_hint = type_hint.empty() ? "auto" : type_hint;
  Pipeline p;
  if (understand && overlap) {
    p.pending = std::make_shared<const PendingUnderstander>([config] { return MakeUnderstander(config); });
  } else if (understand) {
    Result<std::unique_ptr<Understander>> u = MakeUnderstander(config);
    if (!u.ok()) return fail(u.status());
    p.understander = std::move(u).value();
  }
  OpenerWrapper gate;
  if (p.pending) {
    gate = [pending = p.pending](std::shared_ptr<const DocumentOpener> inner) -> std::shared_ptr<const DocumentOpener> {
      return std::make_shared<GatedOpener>(std::move(inner), pending);
    };
  }
  p.loader = MakeLoader(config.limits, gate);
  if (config.ocr_cache) {
    Result<std::unique_ptr<Cache>> store = MakeOcrCacheStore(config);
    if (!store.ok()) return fail(store.status());
    p.cache_store = std::move(store).value();
  }
  p.ocr_cache = std::make_unique<OcrCache>(p.cache_store.get());
  ProcessorOptions options;
  options.jobs = flags.jobs;
  options.type_hint = type_hint;
  options.orientation = config.orientation;
  options.second_opinion_line_below = config.second_opinion_line_below;
  if (!config.ocr_url.empty()) {
    if (const char* key = std::getenv("SHEAF_OCR_API_KEY"); key != nullptr) config.ocr_api_key = key;
    p.ocr_breaker = std::make_unique<CircuitBreaker>(
        std::string(kOcrBreaker), DefaultBreakerConfigs().at(std::string(kOcrBreaker)),
        &SteadyClock::Instance());
  }
  WorkerToolsFactory tools = MakeWorkerToolsFactory(config, p.ocr_breaker.get());
  if (p.pending) {
    // No OCR before the understander is known to be good (the engine is set up meanwhile).
    tools = [tools = std::move(tools), pending = p.pending]() -> Result<WorkerTools> {
      Result<WorkerTools> t = tools();
      if (const Result<std::unique_ptr<Understander>>& u = pending->Get(); !u.ok()) return u.status();
      return t;
    };
  }
  p.processor = std::make_unique<Processor>(*p.loader, std::move(tools),
                                            config.ocr_cache ? p.ocr_cache.get() : nullptr,
                                            std::move(options));
  if (p.understander) {
    const Understander* u = p.understander.get();
    p.processor->set_finish([u](Document* doc, DocumentReader* reader) { u->Run(doc, reader); });
  } else if (p.pending) {
    p.processor->set_finish([pending = p.pending](Document* doc, DocumentReader* reader) {
      if (const Result<std::unique_ptr<Understander>>& u = pending->Get(); u.ok()) (*u)->Run(doc, reader);
    });
  }
  return p;
}

}  // namespace sheaf::app
