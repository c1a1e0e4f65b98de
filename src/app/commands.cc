// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/commands.h"

#include <unistd.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "app/admin_commands.h"
#include "app/backend_commands.h"
#include "app/backup_commands.h"
#include "app/serve.h"
#include "app/composition.h"
#include "app/table.h"
#include "cache/ocr_cache.h"
#include "core/files.h"
#include "core/result_json.h"
#include "classify/classifier.h"
#include "eval/classification_eval.h"
#include "eval/datasets.h"
#include "eval/field_eval.h"
#include "eval/grouped.h"
#include "eval/ranker_training.h"
#include "extract/ranker.h"
#include "app/learn_eval.h"
#include "extract/schema.h"
#include "resilience/breakers.h"
#include "eval/reliability.h"
#include "eval/ocr_eval.h"
#include "sheaf/build_info.h"
#include "sheaf/hash.h"

namespace sheaf::app {

namespace {

namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr double kMiB = 1024.0 * 1024.0;

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

  void Add(CLI::App* cmd) {
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
                    "Document-type model: binary or JSON, either gzipped or not (default: models/doctype.bin; "
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

  // The configuration with the command line's units converted.
  Config Finish() const {
    Config c = config;
    c.limits.max_file_bytes = static_cast<std::uint64_t>(max_file_mb * kMiB);
    c.limits.max_page_pixels = static_cast<std::uint64_t>(max_megapixels * 1e6);
    c.limits.ocr_timeout_ms = static_cast<int>(ocr_timeout_s * 1000);
    c.ocr_cache_max_bytes = static_cast<std::uint64_t>(cache_max_mb * kMiB);
    ReadLlmKeyFromEnvironment(&c);
    return c;
  }
};

std::string Fixed(double v, int places) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", places, v);
  return buf;
}

class Progress {
 public:
  explicit Progress(std::size_t total) : total_(total), enabled_(::isatty(2) == 1) {}
  void Update(std::size_t done) {
    if (!enabled_ || total_ == 0) return;
    constexpr int kWidth = 30;
    int filled = static_cast<int>(kWidth * done / total_);
    std::fprintf(stderr, "\r[%s%s] %zu/%zu documents", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, ' ').c_str(), done, total_);
    if (done == total_) std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }

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
                                      int* exit_code, bool understand = true) {
  auto fail = [&](const Status& s) -> std::optional<Pipeline> {
    std::cerr << "sheaf: " << s.message() << "\n";
    *exit_code = s.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed;
    return std::nullopt;
  };
  Config config = flags.Finish();
  config.type_hint = type_hint.empty() ? "auto" : type_hint;
  Pipeline p;
  if (understand) {
    Result<std::unique_ptr<Understander>> u = MakeUnderstander(config);
    if (!u.ok()) return fail(u.status());
    p.understander = std::move(u).value();
  }
  p.loader = MakeLoader(config.limits);
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
  p.processor = std::make_unique<Processor>(*p.loader, MakeWorkerToolsFactory(config, p.ocr_breaker.get()),
                                            config.ocr_cache ? p.ocr_cache.get() : nullptr,
                                            std::move(options));
  if (p.understander) {
    const Understander* u = p.understander.get();
    p.processor->set_finish([u](Document* doc) { u->Run(doc); });
  }
  return p;
}

int RunProcess(PipelineFlags& flags, const std::vector<std::string>& inputs,
               const std::string& mode, bool with_text, const std::string& type_hint) {
  int exit_code = kExitFailed;
  std::optional<Pipeline> pipeline = BuildPipeline(flags, type_hint, &exit_code);
  if (!pipeline) return exit_code;
  std::vector<std::string> paths = ExpandInputs(inputs);
  if (paths.empty()) {
    std::cerr << "sheaf: no input files found\n";
    return kExitFailed;
  }
  JsonOptions json_options{with_text};
  bool any_failed = false;
  Progress progress(paths.size());
  Table table({"#", "source", "status", "type", "format", "pages", "words", "ocr conf", "fields", "ms",
               "detail"});
  ojson all = ojson::array();
  std::size_t completed = 0;
  pipeline->processor->Run(paths, [&](std::size_t index, Document&& doc) {
    if (doc.status == DocumentStatus::kFailed) {
      any_failed = true;
      spdlog::warn("{}", doc.error.message());
    }
    if (mode == "jsonl") {
      std::cout << DumpJson(DocumentToJson(doc, json_options)) << "\n" << std::flush;
    } else if (mode == "json") {
      all.push_back(DocumentToJson(doc, json_options));
    } else {
      std::size_t words = 0;
      double conf = 0;
      int ocr_pages = 0;
      for (const Page& p : doc.pages) {
        words += p.WordCount();
        if (p.source == PageSource::kOcr) {
          conf += p.ocr_confidence;
          ++ocr_pages;
        }
      }
      std::string detail = doc.status == DocumentStatus::kFailed
                               ? std::string(ErrorCodeName(doc.error.code()))
                           : doc.review_reasons.empty() ? ""
                                                        : doc.review_reasons.front();
      table.AddRow({std::to_string(index + 1), TruncateLeft(doc.source, 48),
                    std::string(DocumentStatusName(doc.status)),
                    doc.status == DocumentStatus::kFailed
                        ? "-"
                        : doc.document_type.label + " " + Fixed(doc.document_type.confidence, 2),
                    doc.format,
                    std::to_string(doc.pages.size()), std::to_string(words),
                    ocr_pages ? Fixed(conf / ocr_pages, 2) : "-",
                    std::to_string(doc.fields.size()), Fixed(doc.timings_ms["total"], 0), detail});
    }
    progress.Update(++completed);
  });
  if (mode == "json") std::cout << DumpJson(all, 2) << "\n";
  if (mode == "table") {
    std::cout << table.Render();
    if (pipeline->ocr_cache) {
      std::cout << "\nOCR cache: " << pipeline->ocr_cache->hits() << " hits, "
                << pipeline->ocr_cache->misses() << " misses\n";
    }
  }
  return any_failed ? kExitFailed : kExitOk;
}

int RunVersion() {
  Versions v = GetVersions(OcrOptions{});
  std::cout << "sheaf " << v.sheaf << "\n"
            << "tesseract " << v.tesseract << "\n"
            << "leptonica " << v.leptonica << "\n"
            << "poppler " << v.poppler << "\n"
            << "language data: " << v.language_data << "\n";
  return kExitOk;
}

// Runs `tesseract IMAGE - --oem 1 [tsv]` (the unassisted baseline) and returns its output.
Result<std::string> RunTesseractCli(const std::string& image, bool tsv) {
  std::string quoted = "'";
  for (char c : image) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  std::string cmd = "tesseract " + quoted + " - --oem 1" + (tsv ? " tsv" : "") + " 2>/dev/null";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return Status(ErrorCode::kUnavailable, "cannot run tesseract");
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int rc = ::pclose(pipe);
  if (rc != 0) return Status(ErrorCode::kUnavailable, "tesseract exited with " + std::to_string(rc));
  return out;
}

// Reading-order text of a word list grouped by Tesseract's own line order.
std::string WordsText(const std::vector<eval::BoxedText>& words) {
  std::string out;
  for (const auto& w : words) out += w.text + " ";
  return out;
}

int RunEvalOcr(PipelineFlags& flags, const std::string& dataset, bool baseline, int limit,
               const std::string& out_path) {
  std::ifstream manifest(dataset + "/manifest.jsonl");
  if (!manifest) {
    std::cerr << "sheaf: " << dataset << "/manifest.jsonl: cannot open\n";
    return kExitUsage;
  }
  struct Item {
    std::string name, image, truth_text;
    std::vector<eval::BoxedText> truth_lines;
  };
  std::vector<Item> items;
  bool sroie = false;
  std::string line;
  while (std::getline(manifest, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("image") || !j["image"].is_string()) continue;
    Item item;
    item.image = dataset + "/" + j["image"].get<std::string>();
    item.name = fs::path(item.image).stem().string();
    Status st(ErrorCode::kNotFound, "no ground truth (ground_truth or box) in the manifest");
    if (j.contains("ground_truth") && j["ground_truth"].is_string()) {
      Result<std::string> hocr =
          ReadFileLimited(dataset + "/" + j["ground_truth"].get<std::string>(), 64 << 20);
      Result<std::vector<eval::BoxedText>> lines =
          hocr.ok() ? eval::HocrLines(*hocr) : Result<std::vector<eval::BoxedText>>(hocr.status());
      st = lines.status();
      if (lines.ok()) item.truth_lines = std::move(lines).value();
    } else if (j.contains("box") && j["box"].is_string()) {
      sroie = true;
      Result<std::string> csv =
          ReadFileLimited(dataset + "/" + j["box"].get<std::string>(), 64 << 20);
      st = csv.status();
      if (csv.ok()) item.truth_lines = eval::SroieLines(*csv);
    }
    if (!st.ok()) {
      std::cerr << "sheaf: " << item.image << ": " << st.message() << "\n";
      continue;
    }
    for (const auto& l : item.truth_lines) item.truth_text += l.text + "\n";
    items.push_back(std::move(item));
    if (limit > 0 && static_cast<int>(items.size()) >= limit) break;
  }
  if (items.empty()) {
    std::cerr << "sheaf: no evaluable items in " << dataset << "\n";
    return kExitUsage;
  }
  // SROIE transcripts are upper case as printed; compare case-insensitively there.
  eval::TextNormalization norm{sroie};

  int exit_code = kExitFailed;
  std::optional<Pipeline> pipeline = BuildPipeline(flags, "", &exit_code, false);
  if (!pipeline) return exit_code;
  std::vector<std::string> paths;
  for (const Item& it : items) paths.push_back(it.image);
  const std::size_t n = items.size();
  // [0] line-aligned, [1] reading order
  std::vector<eval::CerSample> sheaf_cer[2], base_cer[2];
  for (int m = 0; m < 2; ++m) {
    sheaf_cer[m].resize(n);
    base_cer[m].resize(n);
  }
  auto score = [&](std::vector<eval::CerSample>* out, std::size_t i,
                   const std::vector<eval::BoxedText>& words) {
    out[0][i] = eval::AlignedCer(items[i].truth_lines, words, norm);
    std::string truth = eval::NormalizeForCer(items[i].truth_text, norm);
    out[1][i].truth_chars = eval::CodePoints(truth);
    out[1][i].edits = eval::EditDistance(truth, eval::NormalizeForCer(WordsText(words), norm));
  };
  auto t0 = std::chrono::steady_clock::now();
  bool failed = false;
  Progress progress(n);
  std::size_t completed = 0;
  pipeline->processor->Run(paths, [&](std::size_t i, Document&& doc) {
    if (doc.status == DocumentStatus::kFailed) {
      std::cerr << "sheaf: " << doc.error.message() << "\n";
      failed = true;
    }
    std::vector<eval::BoxedText> words;
    for (const Page& p : doc.pages) {
      for (const Block& b : p.blocks)
        for (const Line& l : b.lines)
          for (const Word& w : l.words) {
            words.push_back({ToSourceBox(p.preprocess, p.width, p.height, w.bbox), w.text});
          }
    }
    score(sheaf_cer, i, words);
    progress.Update(++completed);
  });
  double sheaf_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double base_s = 0;
  if (baseline) {
    auto t1 = std::chrono::steady_clock::now();
    std::atomic<std::size_t> next{0};
    std::mutex err_mu;
    std::vector<std::thread> threads;
    for (int k = 0; k < flags.jobs; ++k) {
      threads.emplace_back([&] {
        for (std::size_t i; (i = next.fetch_add(1)) < n;) {
          Result<std::string> tsv = RunTesseractCli(items[i].image, true);
          if (!tsv.ok()) {
            std::lock_guard<std::mutex> lock(err_mu);
            std::cerr << "sheaf: baseline " << items[i].image << ": " << tsv.status().message()
                      << "\n";
          }
          score(base_cer, i, eval::TesseractTsvWords(tsv.ok() ? *tsv : ""));
        }
      });
    }
    for (auto& t : threads) t.join();
    base_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  }

  std::vector<std::string> header{"page", "truth chars", "sheaf CER"};
  if (baseline) header.push_back("tesseract CER");
  header.push_back("sheaf text CER");
  if (baseline) header.push_back("tesseract text CER");
  Table table(header);
  auto pct = [](double v) { return Fixed(100 * v, 2) + "%"; };
  ojson per = ojson::array();
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::string> row{items[i].name, std::to_string(sheaf_cer[0][i].truth_chars),
                                 pct(sheaf_cer[0][i].cer())};
    if (baseline) row.push_back(pct(base_cer[0][i].cer()));
    row.push_back(pct(sheaf_cer[1][i].cer()));
    if (baseline) row.push_back(pct(base_cer[1][i].cer()));
    table.AddRow(row);
    ojson j{{"page", items[i].name},
            {"truth_chars", sheaf_cer[0][i].truth_chars},
            {"sheaf_cer", sheaf_cer[0][i].cer()},
            {"sheaf_text_cer", sheaf_cer[1][i].cer()}};
    if (baseline) {
      j["tesseract_cer"] = base_cer[0][i].cer();
      j["tesseract_text_cer"] = base_cer[1][i].cer();
    }
    per.push_back(j);
  }
  std::vector<std::string> total{"ALL (micro)", "", pct(eval::MicroCer(sheaf_cer[0]))};
  if (baseline) total.push_back(pct(eval::MicroCer(base_cer[0])));
  total.push_back(pct(eval::MicroCer(sheaf_cer[1])));
  if (baseline) total.push_back(pct(eval::MicroCer(base_cer[1])));
  table.AddRow(total);
  std::cout << table.Render();
  std::cout << "\nCER: line-aligned (each recognised word matched to the truth line under it);\n"
               "text CER: whole page in reading order. "
            << (norm.fold_case ? "Case-insensitive. " : "Case-sensitive. ") << "\n";
  std::cout << "sheaf: " << Fixed(sheaf_s, 1) << " s";
  if (baseline) std::cout << "; tesseract CLI: " << Fixed(base_s, 1) << " s";
  std::cout << " (" << flags.jobs << " jobs)\n";
  if (!out_path.empty()) {
    ojson report{{"dataset", dataset},
                 {"pages", n},
                 {"case_insensitive", norm.fold_case},
                 {"sheaf_cer", eval::MicroCer(sheaf_cer[0])},
                 {"sheaf_text_cer", eval::MicroCer(sheaf_cer[1])},
                 {"sheaf_seconds", sheaf_s}};
    if (baseline) {
      report["tesseract_cer"] = eval::MicroCer(base_cer[0]);
      report["tesseract_text_cer"] = eval::MicroCer(base_cer[1]);
      report["tesseract_seconds"] = base_s;
    }
    report["per_page"] = per;
    std::ofstream out(out_path);
    out << DumpJson(report, 2) << "\n";
  }
  return failed ? kExitFailed : kExitOk;
}

struct LabelledFile {
  std::string path;
  std::string label;
};

// A JSONL manifest of {"file": ..., "label": ...} or a CSV with a header naming a `file` (or
// `text_file`) and a `label` column. Relative paths are relative to the manifest's folder.
Result<std::vector<LabelledFile>> ReadManifest(const std::string& manifest) {
  Result<std::string> data = ReadFileLimited(manifest, 256ull << 20);
  if (!data.ok()) return data.status();
  fs::path base = fs::path(manifest).parent_path();
  auto resolve = [&](const std::string& f) {
    return fs::path(f).is_absolute() ? f : (base / f).string();
  };
  std::vector<LabelledFile> out;
  std::istringstream in(*data);
  std::string line;
  int line_no = 0;
  bool csv = fs::path(manifest).extension() == ".csv";
  int file_col = -1, label_col = -1;
  auto split = [](const std::string& l) {
    std::vector<std::string> cols;
    std::stringstream ss(l);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    return cols;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::string where = manifest + ":" + std::to_string(line_no) + ": ";
    if (csv) {
      std::vector<std::string> cols = split(line);
      if (file_col < 0) {
        for (int i = 0; i < static_cast<int>(cols.size()); ++i) {
          if (cols[i] == "file" || cols[i] == "text_file") file_col = i;
          if (cols[i] == "label") label_col = i;
        }
        if (file_col < 0 || label_col < 0) {
          return Status(ErrorCode::kInvalidArgument,
                        where + "the CSV header needs a file (or text_file) and a label column");
        }
        continue;
      }
      if (static_cast<int>(cols.size()) <= std::max(file_col, label_col)) {
        return Status(ErrorCode::kInvalidArgument, where + "too few columns");
      }
      out.push_back({resolve(cols[file_col]), cols[label_col]});
      continue;
    }
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("file") || !j["file"].is_string() || !j.contains("label") ||
        !j["label"].is_string()) {
      return Status(ErrorCode::kInvalidArgument,
                    where + "expected a JSON object with string fields \"file\" and \"label\"");
    }
    out.push_back({resolve(j["file"].get<std::string>()), j["label"].get<std::string>()});
  }
  if (out.empty()) return Status(ErrorCode::kInvalidArgument, manifest + ": no documents listed");
  return out;
}

struct LabelledTexts {
  std::vector<classify::DocumentText> docs;
  std::vector<std::string> labels;
  std::vector<std::string> paths;
};

// Reads every listed document with the pipeline (text files, PDFs, scans alike); documents that
// cannot be read are skipped with a warning.
LabelledTexts ReadLabelledTexts(Pipeline& pipeline, const std::vector<LabelledFile>& files) {
  std::vector<std::string> paths;
  for (const LabelledFile& f : files) paths.push_back(f.path);
  LabelledTexts out;
  Progress progress(paths.size());
  std::size_t completed = 0;
  pipeline.processor->Run(paths, [&](std::size_t i, Document&& doc) {
    progress.Update(++completed);
    if (doc.status == DocumentStatus::kFailed) {
      spdlog::warn("{} (skipped)", doc.error.message());
      return;
    }
    out.docs.push_back(ToDocumentText(doc));
    out.labels.push_back(files[i].label);
    out.paths.push_back(files[i].path);
  });
  return out;
}

// Prints per-label scores of `model` on `docs` and returns them as JSON.
ojson ScoreClassifier(const classify::TextClassifier& model, const LabelledTexts& set,
                      const std::vector<char>* only, const std::string& what) {
  std::vector<std::string> truth, predicted;
  double conf_sum = 0;
  std::vector<eval::ConfidencePoint> points;
  for (std::size_t i = 0; i < set.docs.size(); ++i) {
    if (only && !(*only)[i]) continue;
    classify::Prediction p = model.Predict(set.docs[i]);
    truth.push_back(set.labels[i]);
    predicted.push_back(p.label);
    conf_sum += p.confidence;
    points.push_back({p.confidence, p.label == set.labels[i]});
  }
  eval::ClassificationReport r = eval::ScoreClassification(truth, predicted);
  Table table({"label", "support", "precision", "recall", "F1"});
  ojson per = ojson::object();
  for (const auto& [label, sc] : r.labels) {
    table.AddRow({label, std::to_string(sc.support), Fixed(sc.precision, 3), Fixed(sc.recall, 3),
                  Fixed(sc.f1, 3)});
    per[label] = {{"support", sc.support}, {"precision", sc.precision}, {"recall", sc.recall},
                  {"f1", sc.f1}};
  }
  double mean_conf = r.total ? conf_sum / static_cast<double>(r.total) : 0;
  std::cout << table.Render() << "\n" << what << ": " << r.total << " documents; accuracy "
            << Fixed(r.accuracy, 3) << ", macro-F1 " << Fixed(r.macro_f1, 3)
            << ", mean confidence " << Fixed(mean_conf, 3) << "\n";
  return {{"documents", r.total},        {"accuracy", r.accuracy},
          {"macro_f1", r.macro_f1},      {"mean_confidence", mean_conf},
          {"per_label", per},            {"reliability", eval::ReliabilityToJson(points)}};
}

int RunConvertModel(const std::string& in, const std::string& out) {
  Result<classify::TextClassifier> model = LoadClassifierFile(in);
  if (!model.ok()) {
    std::cerr << "sheaf: " << model.status().message() << "\n";
    return kExitFailed;
  }
  if (Status s = SaveClassifierFile(*model, out); !s.ok()) {
    std::cerr << "sheaf: " << s.message() << "\n";
    return kExitFailed;
  }
  std::cout << "wrote " << out << " (model version " << model->Version() << ")\n";
  return kExitOk;
}

int RunTrainClassifier(PipelineFlags& flags, const std::string& manifest, const std::string& out,
                       double holdout, const std::string& eval_manifest,
                       const std::string& report_path) {
  Result<std::vector<LabelledFile>> files = ReadManifest(manifest);
  if (!files.ok()) {
    std::cerr << "sheaf: " << files.status().message() << "\n";
    return kExitUsage;
  }
  std::vector<LabelledFile> eval_files;
  if (!eval_manifest.empty()) {
    Result<std::vector<LabelledFile>> e = ReadManifest(eval_manifest);
    if (!e.ok()) {
      std::cerr << "sheaf: " << e.status().message() << "\n";
      return kExitUsage;
    }
    eval_files = std::move(*e);
  }
  int exit_code = kExitFailed;
  std::optional<Pipeline> pipeline = BuildPipeline(flags, "", &exit_code, false);
  if (!pipeline) return exit_code;
  LabelledTexts set = ReadLabelledTexts(*pipeline, *files);
  // Stratified, deterministic split: per label, the documents with the smallest path hashes.
  std::vector<std::string> keys;
  for (const std::string& path : set.paths) keys.push_back(Sha256Hex(path));
  std::map<std::string, std::vector<std::size_t>> by_label;
  for (std::size_t i = 0; i < set.docs.size(); ++i) by_label[set.labels[i]].push_back(i);
  std::vector<char> held(set.docs.size(), 0);
  for (auto& [label, idx] : by_label) {
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    auto n = static_cast<std::size_t>(std::lround(holdout * static_cast<double>(idx.size())));
    for (std::size_t k = 0; k < n && k + 1 < idx.size(); ++k) held[idx[k]] = 1;
  }
  ojson report{{"manifest", manifest}, {"documents", set.docs.size()}, {"holdout", holdout}};
  if (holdout > 0) {
    std::vector<classify::DocumentText> train_docs;
    std::vector<std::string> train_labels;
    for (std::size_t i = 0; i < set.docs.size(); ++i) {
      if (!held[i]) {
        train_docs.push_back(set.docs[i]);
        train_labels.push_back(set.labels[i]);
      }
    }
    Result<classify::TextClassifier> model = classify::TextClassifier::Train(train_docs, train_labels);
    if (!model.ok()) {
      std::cerr << "sheaf: " << model.status().message() << "\n";
      return kExitFailed;
    }
    report["held_out"] = ScoreClassifier(*model, set, &held, "held out");
  }
  // The model that is written is trained on every document.
  Result<classify::TextClassifier> model = classify::TextClassifier::Train(set.docs, set.labels);
  if (!model.ok()) {
    std::cerr << "sheaf: " << model.status().message() << "\n";
    return kExitFailed;
  }
  if (!eval_files.empty()) {
    LabelledTexts eval_set = ReadLabelledTexts(*pipeline, eval_files);
    report["eval_manifest"] = eval_manifest;
    report["eval"] = ScoreClassifier(*model, eval_set, nullptr, "evaluation set");
  }
  if (Status s = SaveClassifierFile(*model, out); !s.ok()) {
    std::cerr << "sheaf: " << s.message() << "\n";
    return kExitFailed;
  }
  std::cout << "model " << model->Version() << " (" << model->labels().size() << " labels, "
            << set.docs.size() << " documents) written to " << out << "\n";
  report["model"] = out;
  report["model_version"] = model->Version();
  if (!report_path.empty()) {
    if (Status s = WriteFileAtomic(report_path, DumpJson(report, 2) + "\n"); !s.ok()) {
      std::cerr << "sheaf: " << s.message() << "\n";
      return kExitFailed;
    }
  }
  return kExitOk;
}

struct EvalArgs {
  std::string dataset, datasets_root = eval::kDefaultDatasetsRoot, type = "auto", out;
  int limit = 0;
  int worst = 10;
  bool with_embedded_xml = false;
  std::string group_by;  // "" or "sender"
  int folds = 5;
  bool learn_from_first = false;
  std::string train_with;  // --train-with: labelled folders every fold's ranker also learns from
  std::string ranker_model;  // --ranker-model: one fixed ranker for every fold instead
};

// Prints and returns the --learn-from-first figures (app/learn_eval.h).
std::optional<ojson> ReportLearnFromFirst(const std::vector<LearnEvalDocument>& docs) {
  const std::string work = (fs::temp_directory_path() /
                            ("sheaf-learn-" + std::to_string(::getpid()))).string();
  Result<LearnEvalReport> r = RunLearnFromFirst(docs, work);
  std::error_code ec;
  fs::remove_all(work, ec);
  if (!r.ok()) {
    std::cerr << "sheaf: --learn-from-first: " << r.status().message() << "\n";
    return std::nullopt;
  }
  std::cout << "learning from the first document of each sender: " << r->senders
            << " senders with later documents, " << r->later_documents << " later documents ("
            << r->recognised << " recognised as their first's sender, "
            << r->recognised_approximately << " allowing for OCR); " << r->corrected_fields
            << " fields corrected on first documents, " << r->learned_fields << " learned\n";
  Table t({"field", "F1 before", "F1 after"});
  for (const auto& [name, f1] : r->f1) t.AddRow({name, Fixed(f1.first, 3), Fixed(f1.second, 3)});
  t.AddRow({"(micro)", Fixed(r->micro_f1.first, 3), Fixed(r->micro_f1.second, 3)});
  std::cout << t.Render() << "corrected fields on later documents: " << r->later_corrected
            << ", right before " << r->right_before << ", right after " << r->right_after
            << " (" << r->confident_after << " from sender memory with confidence >= 0.9)\n"
            << "later documents of recognised senders needing no review for the corrected fields "
               "(all right, confidence >= 0.9): "
            << r->no_review << " of " << r->no_review_eligible << "\n\n";
  ojson f1 = ojson::object();
  for (const auto& [name, v] : r->f1) f1[name] = {{"before", v.first}, {"after", v.second}};
  return ojson{{"senders", r->senders},
               {"later_documents", r->later_documents},
               {"recognised", r->recognised},
               {"recognised_approximately", r->recognised_approximately},
               {"no_review", r->no_review},
               {"no_review_eligible", r->no_review_eligible},
               {"corrected_fields", r->corrected_fields},
               {"learned_fields", r->learned_fields},
               {"later_corrected", r->later_corrected},
               {"right_before", r->right_before},
               {"right_after", r->right_after},
               {"confident_after", r->confident_after},
               {"f1", f1},
               {"micro_f1", {{"before", r->micro_f1.first}, {"after", r->micro_f1.second}}}};
}

// Prints the sender-grouped figures beside the usual ones (eval/grouped.h).
void PrintGrouped(const eval::GroupedReport& r) {
  auto folds = [](const std::vector<std::optional<double>>& values) {
    double lo = 2, hi = -1;
    for (const auto& v : values) {
      if (!v) continue;
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
    }
    return hi < 0 ? std::string("-") : Fixed(lo, 3) + " - " + Fixed(hi, 3);
  };
  std::string sizes;
  for (int n : r.fold_documents) sizes += (sizes.empty() ? "" : ", ") + std::to_string(n);
  std::cout << "grouped by sender: " << r.documents << " documents from " << r.senders
            << " senders in " << r.folds << " sender-disjoint folds (" << sizes << " documents)\n";
  if (!r.fields.empty()) {
    Table t({"field", "support", "senders", "F1", "grouped F1", "fold F1 min - max"});
    for (const auto& [name, g] : r.fields) {
      t.AddRow({name, std::to_string(g.all.support), std::to_string(g.senders), Fixed(g.all.f1, 3),
                Fixed(g.by_sender.f1(), 3), folds(g.fold_f1)});
    }
    std::cout << t.Render();
  }
  auto share = [&](const char* what, const eval::GroupedShare& s) {
    if (s.count == 0) return;
    std::cout << what << ": " << s.count << ", " << Fixed(s.all, 3) << " right; grouped "
              << Fixed(s.by_sender, 3) << ", folds " << folds(s.fold) << "\n";
  };
  share("confidence >= 0.9 (fields)", r.confident);
  share("document type (documents)", r.document_type);
  // Nothing in Sheaf is trained on these datasets yet: the document-type model learns from
  // generated documents only, so no fold needs a model of its own.
  std::cout << "learned parts: the document-type model is trained on generated documents only, "
               "so no sender here is in its training\n\n";
}

int RunEval(PipelineFlags& flags, const EvalArgs& args) {
  // Several datasets, comma-separated, make one mixed set (e.g. to score automatic typing on
  // receipts, invoices and forms together); each keeps its own annotated fields.
  std::vector<eval::LabelledDocument> docs;
  std::vector<std::size_t> part_of;  // document -> index into `parts`
  std::vector<std::string> parts;
  for (std::size_t start = 0; start <= args.dataset.size();) {
    std::size_t end = args.dataset.find(',', start);
    if (end == std::string::npos) end = args.dataset.size();
    parts.push_back(args.dataset.substr(start, end - start));
    start = end + 1;
  }
  for (std::size_t k = 0; k < parts.size(); ++k) {
    Result<std::vector<eval::LabelledDocument>> loaded = eval::LoadDataset(parts[k], args.datasets_root);
    if (!loaded.ok()) {
      std::cerr << "sheaf: " << loaded.status().message() << "\n";
      return kExitUsage;
    }
    std::vector<eval::LabelledDocument> part = std::move(loaded).value();
    if (args.limit > 0 && static_cast<int>(part.size()) > args.limit) part.resize(static_cast<std::size_t>(args.limit));
    for (auto& d : part) {
      d.id = parts.size() > 1 ? parts[k] + ":" + d.id : d.id;
      docs.push_back(std::move(d));
      part_of.push_back(k);
    }
  }
  if (docs.empty()) {
    std::cerr << "sheaf: " << args.dataset << ": no labelled documents\n";
    return kExitUsage;
  }
  // --group-by sender: documents of one sender (a dataset's own; a document without one is its
  // own sender) stay in one fold.
  std::optional<eval::GroupedScorer> grouped, grouped_ranked;
  std::vector<int> fold_of;
  if (args.group_by == "sender") {
    std::vector<std::string> senders;
    for (std::size_t i = 0; i < docs.size(); ++i) {
      const std::string& s = docs[i].sender;
      senders.push_back(parts[part_of[i]] + ":" + (s.empty() ? "document " + docs[i].id : s));
    }
    fold_of = eval::AssignGroupFolds(senders, args.folds);
    grouped.emplace(senders, fold_of);
    grouped_ranked.emplace(std::move(senders), fold_of);
  }
  // OCR reads in the languages the documents are printed in, as a user would set them: the
  // datasets' own when they all agree and --lang was not given.
  if (flags.lang_option == nullptr || flags.lang_option->count() == 0) {
    const std::string& first = docs.front().ocr_languages;
    bool agree = std::all_of(docs.begin(), docs.end(), [&](const auto& d) { return d.ocr_languages == first; });
    if (agree && !first.empty()) {
      flags.config.ocr.languages = first;
      std::cerr << "OCR languages: " << first << " (the dataset's; --lang overrides)\n";
    }
  }
  // The visual extractor is what is scored: an embedded e-invoice XML would hand over the
  // answers (the same as scoring copies with their attachments removed).
  flags.config.read_embedded_invoices = args.with_embedded_xml;
  // The usual figures are the rules' (a shipped ranker has seen these documents); --group-by
  // sender adds the ranker trained per fold on the other folds' senders.
  flags.config.extractor_model_path = "none";
  int exit_code = kExitFailed;
  std::optional<Pipeline> pipeline = BuildPipeline(flags, args.type, &exit_code);
  if (!pipeline) return exit_code;
  const std::map<std::string, extract::Schema>* schemas = &pipeline->understander->schemas();
  // Fields scored per document: those the dataset annotates. invoice2data's expected outputs
  // differ per template and generated documents print only some fields, so there only the
  // document's own keys count (LabelledDocument::fields_per_document).
  std::vector<std::set<std::string>> annotated(parts.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    for (const auto& [k, v] : docs[i].fields) annotated[part_of[i]].insert(k);
  }
  std::vector<std::string> paths;
  for (const auto& d : docs) paths.push_back(d.file);
  // Scores the annotated fields of document i as predicted in `fields`, with `add`.
  auto score_fields = [&](std::size_t i, const std::map<std::string, Field>& fields, const auto& add) {
    const eval::LabelledDocument& truth = docs[i];
    auto schema = schemas->find(truth.type);
    std::set<std::string> keys;
    if (truth.fields_per_document) {
      for (const auto& [k, v] : truth.fields) keys.insert(k);
    } else {
      keys = annotated[part_of[i]];
    }
    for (const std::string& name : keys) {
      extract::FieldType type = extract::FieldType::kString;
      if (schema != schemas->end()) {
        for (const auto& f : schema->second.fields) {
          if (f.name == name) type = f.type;
        }
      }
      std::optional<std::string> expected;
      if (auto it = truth.fields.find(name); it != truth.fields.end()) expected = it->second;
      std::optional<eval::Predicted> predicted;
      if (auto it = fields.find(name); it != fields.end()) {
        predicted = eval::Predicted{it->second.value, it->second.confidence};
      }
      add(name, type, expected, predicted);
    }
  };
  // Grouped: the documents as read, kept to score the extractor's ranker trained per fold on
  // the other folds' senders only (eval/ranker_training.h).
  std::vector<std::optional<Document>> kept(grouped ? docs.size() : 0);

  std::vector<LearnEvalDocument> learn_docs;  // --learn-from-first: every result, kept
  if (args.learn_from_first) {
    learn_docs.resize(docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) {
      learn_docs[i].truth = &docs[i];
      learn_docs[i].group = docs[i].sender.empty() ? "" : parts[part_of[i]] + ":" + docs[i].sender;
    }
  }
  eval::FieldScorer scorer;
  std::vector<std::string> truth_types, predicted_types;
  std::vector<eval::ConfidencePoint> type_points;
  std::map<std::string, int> statuses;
  double ocr_ms = 0, understand_ms = 0;
  int failed = 0;
  Progress progress(paths.size());
  std::size_t completed = 0;
  pipeline->processor->Run(paths, [&](std::size_t i, Document&& doc) {
    progress.Update(++completed);
    const eval::LabelledDocument& truth = docs[i];
    ++statuses[std::string(DocumentStatusName(doc.status))];
    if (doc.status == DocumentStatus::kFailed) {
      ++failed;
      spdlog::warn("{}", doc.error.message());
    }
    for (const char* k : {"load", "preprocess", "orientation", "ocr"}) {
      if (doc.timings_ms.count(k)) ocr_ms += doc.timings_ms[k];
    }
    for (const char* k : {"classify", "extract", "validate"}) {
      if (doc.timings_ms.count(k)) understand_ms += doc.timings_ms[k];
    }
    if (args.type == "auto") {
      truth_types.push_back(truth.type);
      predicted_types.push_back(doc.document_type.label);
      type_points.push_back({doc.document_type.confidence, doc.document_type.label == truth.type});
      if (grouped) grouped->AddType(i, doc.document_type.label == truth.type);
    }
    if (!truth.pairs.empty() || truth.type == "form") {
      std::vector<eval::KvPair> predicted;
      for (const auto& [name, f] : doc.fields) predicted.push_back({f.label.empty() ? name : f.label, f.value});
      scorer.AddPairs(truth.id, truth.pairs, predicted);
      return;
    }
    score_fields(i, doc.fields, [&](const std::string& name, extract::FieldType type,
                                    const std::optional<std::string>& expected,
                                    const std::optional<eval::Predicted>& predicted) {
      if (grouped) grouped->Add(i, name, type, expected, predicted);
      scorer.Add(truth.id, name, type, expected, predicted);
      if (args.learn_from_first) learn_docs[i].scored[name] = type;
    });
    if (args.learn_from_first && doc.status != DocumentStatus::kFailed) learn_docs[i].result = doc;
    if (grouped && doc.status != DocumentStatus::kFailed) kept[i] = std::move(doc);
  });
  if (grouped) {
    // The ranker of fold f learns from the other folds' documents only.
    std::vector<eval::RankExamples> examples(docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) {
      auto schema = schemas->find(docs[i].type);
      if (kept[i] && schema != schemas->end()) {
        examples[i] = eval::DocumentRankExamples(*kept[i], schema->second, docs[i].fields);
      }
    }
    // --train-with: documents of no evaluated sender (a generated corpus) train every fold.
    eval::RankExamples shared;
    std::size_t shared_docs = 0;
    for (std::size_t start = 0; start < args.train_with.size();) {
      std::size_t end = args.train_with.find(',', start);
      if (end == std::string::npos) end = args.train_with.size();
      Result<std::vector<eval::LabelledDocument>> loaded =
          eval::LoadDataset(args.train_with.substr(start, end - start), args.datasets_root);
      if (!loaded.ok()) {
        std::cerr << "sheaf: --train-with: " << loaded.status().message() << "\n";
        return kExitUsage;
      }
      std::vector<eval::LabelledDocument> extra;
      for (auto& d : *loaded) {
        if (args.type == "auto" || d.type == args.type) extra.push_back(std::move(d));
      }
      std::vector<std::string> extra_paths;
      for (const auto& d : extra) extra_paths.push_back(d.file);
      pipeline->processor->Run(extra_paths, [&](std::size_t i, Document&& doc) {
        auto schema = schemas->find(extra[i].type);
        if (doc.status == DocumentStatus::kFailed || schema == schemas->end()) return;
        eval::MergeRankExamples(eval::DocumentRankExamples(doc, schema->second, extra[i].fields), &shared);
        ++shared_docs;
      });
      start = end + 1;
    }
    if (!args.train_with.empty()) {
      std::cerr << "ranker: " << shared_docs << " documents of --train-with in every fold's training\n";
    }
    std::vector<extract::Ranker> rankers;
    if (!args.ranker_model.empty()) {
      // A fixed model (the shipped one, trained on generated documents only) scores every fold.
      Result<extract::Ranker> fixed = LoadRankerFile(args.ranker_model);
      if (!fixed.ok()) {
        std::cerr << "sheaf: " << fixed.status().message() << "\n";
        return kExitUsage;
      }
      rankers.assign(static_cast<std::size_t>(grouped->Report().folds), *fixed);
    } else {
      rankers = eval::TrainPerFold(examples, fold_of, grouped->Report().folds, shared);
    }
    for (std::size_t i = 0; i < docs.size(); ++i) {
      if (!docs[i].pairs.empty() || docs[i].type == "form") continue;
      extract::Extraction ex;
      auto schema = schemas->find(docs[i].type);
      if (kept[i] && schema != schemas->end()) {
        ex.fields = kept[i]->fields;
        rankers[static_cast<std::size_t>(fold_of[i])].Apply(*kept[i], schema->second, &ex);
      }
      score_fields(i, ex.fields, [&](const std::string& name, extract::FieldType type,
                                     const std::optional<std::string>& expected,
                                     const std::optional<eval::Predicted>& predicted) {
        grouped_ranked->Add(i, name, type, expected, predicted);
      });
    }
  }

  eval::FieldReport report = scorer.Report();
  ojson out{{"dataset", args.dataset}, {"documents", docs.size()}, {"failed", failed},
            {"type", args.type}, {"embedded_xml", args.with_embedded_xml},
            {"ocr_languages", flags.config.ocr.languages}};
  if (!report.fields.empty()) {
    Table table({"field", "support", "precision", "recall", "F1"});
    for (const auto& [name, sc] : report.fields) {
      table.AddRow({name, std::to_string(sc.support), Fixed(sc.precision, 3), Fixed(sc.recall, 3),
                    Fixed(sc.f1, 3)});
    }
    table.AddRow({"(micro)", std::to_string(report.micro.support), Fixed(report.micro.precision, 3),
                  Fixed(report.micro.recall, 3), Fixed(report.micro.f1, 3)});
    std::cout << table.Render() << "\n";
  }
  if (report.pairs.tp + report.pairs.fp + report.pairs.fn > 0) {
    std::cout << "key/value pairs: " << report.pairs.tp << " right, " << report.pairs.fp
              << " wrong or extra, " << report.pairs.fn << " missed; precision "
              << Fixed(report.pairs.precision(), 3) << ", recall " << Fixed(report.pairs.recall(), 3)
              << ", F1 " << Fixed(report.pairs.f1(), 3) << "\n\n";
  }
  const eval::ReliabilityReport& rel = report.reliability;
  if (rel.total > 0) {
    Table t({"confidence", "fields", "mean conf", "accuracy"});
    for (const auto& b : rel.bins) {
      if (b.count == 0) continue;
      t.AddRow({Fixed(b.lower, 1) + "-" + Fixed(b.upper, 1), std::to_string(b.count),
                Fixed(b.mean_confidence, 3), Fixed(b.accuracy, 3)});
    }
    std::cout << "reliability (fields with an expected value):\n" << t.Render()
              << "confidence >= 0.9: " << rel.confident << " fields, " << Fixed(rel.confident_accuracy, 3)
              << " right; ECE " << Fixed(rel.ece, 3) << "\n\n";
  }
  if (!truth_types.empty()) {
    eval::ClassificationReport cr = eval::ScoreClassification(truth_types, predicted_types);
    std::cout << "document type: accuracy " << Fixed(cr.accuracy, 3) << ", macro-F1 " << Fixed(cr.macro_f1, 3)
              << " over " << cr.total << " documents\n";
    ojson per = ojson::object();
    for (const auto& [label, sc] : cr.labels) {
      per[label] = {{"support", sc.support}, {"precision", sc.precision}, {"recall", sc.recall}, {"f1", sc.f1}};
    }
    out["classification"] = {{"accuracy", cr.accuracy}, {"macro_f1", cr.macro_f1}, {"per_label", per},
                             {"reliability", eval::ReliabilityToJson(type_points)}};
  }
  if (grouped) {
    std::cout << "rules only:\n";
    PrintGrouped(grouped->Report());
    out["grouped"] = grouped->ToJson();
    if (args.ranker_model.empty()) {
      std::cout << "with the extractor's ranker, trained per fold on the other folds' senders"
                << (args.train_with.empty() ? "" : " and on --train-with") << ":\n";
    } else {
      std::cout << "with the extractor's ranker " << args.ranker_model << " (the same for every fold):\n";
    }
    PrintGrouped(grouped_ranked->Report());
    out["grouped_ranked"] = grouped_ranked->ToJson();
  }
  if (args.learn_from_first) {
    std::optional<ojson> learned = ReportLearnFromFirst(learn_docs);
    if (!learned) return kExitFailed;
    out["learn_from_first"] = std::move(*learned);
  }
  double overhead = ocr_ms > 0 ? understand_ms / ocr_ms : 0;
  std::cout << "time: load+preprocess+OCR " << Fixed(ocr_ms / 1000, 1) << " s, classify+extract+validate "
            << Fixed(understand_ms / 1000, 2) << " s (" << Fixed(100 * overhead, 2) << "% of OCR)\n";
  std::string st;
  for (const auto& [k, v] : statuses) st += (st.empty() ? "" : ", ") + std::to_string(v) + " " + k;
  std::cout << "status: " << st << "\n";
  int shown = 0;
  for (const auto& d : report.worst_documents) {
    if (shown++ >= args.worst) break;
    std::cout << (shown == 1 ? "\nworst documents:\n" : "") << "  " << d.doc_id << ":";
    for (const auto& m : d.mismatches) {
      std::cout << " " << m.field << " expected=" << (m.expected ? *m.expected : "-")
                << " got=" << (m.predicted ? *m.predicted : "-") << ";";
    }
    std::cout << "\n";
  }
  out["fields"] = scorer.ToJson();
  out["statuses"] = statuses;
  out["time_ms"] = {{"ocr", ocr_ms}, {"understand", understand_ms}, {"overhead", overhead}};
  if (!args.out.empty()) {
    if (Status s = WriteFileAtomic(args.out, DumpJson(out, 2) + "\n"); !s.ok()) {
      std::cerr << "sheaf: " << s.message() << "\n";
      return kExitFailed;
    }
  }
  return kExitOk;
}

struct TrainExtractorArgs {
  std::string dataset, datasets_root = eval::kDefaultDatasetsRoot, out, fields;
  int limit = 0;
};

// Trains the extractor's ranker (extract/ranker.h) on labelled datasets, read as `sheaf eval`
// reads them, and writes it to --out.
int RunTrainExtractor(PipelineFlags& flags, const TrainExtractorArgs& args) {
  std::set<std::string> wanted;
  for (std::size_t start = 0; start < args.fields.size();) {
    std::size_t end = args.fields.find(',', start);
    if (end == std::string::npos) end = args.fields.size();
    std::string f = args.fields.substr(start, end - start);
    if (!extract::RankerSupports(f)) {
      std::cerr << "sheaf: --fields: the ranker has no candidates for \"" << f
                << "\" (it has for merchant_name, seller_name)\n";
      return kExitUsage;
    }
    wanted.insert(f);
    start = end + 1;
  }
  std::vector<eval::LabelledDocument> docs;
  for (std::size_t start = 0; start <= args.dataset.size();) {
    std::size_t end = args.dataset.find(',', start);
    if (end == std::string::npos) end = args.dataset.size();
    Result<std::vector<eval::LabelledDocument>> loaded =
        eval::LoadDataset(args.dataset.substr(start, end - start), args.datasets_root);
    if (!loaded.ok()) {
      std::cerr << "sheaf: " << loaded.status().message() << "\n";
      return kExitUsage;
    }
    std::vector<eval::LabelledDocument> part = std::move(loaded).value();
    if (args.limit > 0 && static_cast<int>(part.size()) > args.limit) part.resize(static_cast<std::size_t>(args.limit));
    for (auto& d : part) {
      // Each document is read in its dataset's languages unless --lang says otherwise.
      docs.push_back(std::move(d));
    }
    start = end + 1;
  }
  if (docs.empty()) {
    std::cerr << "sheaf: " << args.dataset << ": no labelled documents\n";
    return kExitUsage;
  }
  if ((flags.lang_option == nullptr || flags.lang_option->count() == 0) && !docs.front().ocr_languages.empty()) {
    flags.config.ocr.languages = docs.front().ocr_languages;
  }
  flags.config.read_embedded_invoices = false;
  flags.config.extractor_model_path = "none";  // examples hold the rules' own picks
  int exit_code = kExitFailed;
  std::optional<Pipeline> pipeline = BuildPipeline(flags, docs.front().type, &exit_code);
  if (!pipeline) return exit_code;
  const std::map<std::string, extract::Schema>& schemas = pipeline->understander->schemas();
  std::vector<std::string> paths;
  for (const auto& d : docs) paths.push_back(d.file);
  eval::RankExamples examples;
  Progress progress(paths.size());
  std::size_t completed = 0;
  pipeline->processor->Run(paths, [&](std::size_t i, Document&& doc) {
    progress.Update(++completed);
    if (doc.status == DocumentStatus::kFailed) return;
    auto schema = schemas.find(docs[i].type);
    if (schema == schemas.end()) return;
    eval::RankExamples e = eval::DocumentRankExamples(doc, schema->second, docs[i].fields);
    if (!wanted.empty()) std::erase_if(e, [&](const auto& kv) { return !wanted.count(kv.first); });
    eval::MergeRankExamples(e, &examples);
  });
  extract::Ranker ranker = extract::Ranker::Train(examples);
  if (Status s = SaveRankerFile(ranker, args.out); !s.ok()) {
    std::cerr << "sheaf: " << s.message() << "\n";
    return kExitFailed;
  }
  std::string fields;
  for (const std::string& f : ranker.Fields()) {
    fields += (fields.empty() ? "" : ", ") + f + " (" + std::to_string(examples[f].size()) + " documents)";
  }
  std::cout << "extractor ranker for " << (fields.empty() ? "no field" : fields) << " written to " << args.out << "\n";
  return kExitOk;
}

}  // namespace

int RunCli(int argc, char** argv) {
  // Diagnostics go to stderr: stdout carries results (JSON lines, tables).
  spdlog::set_default_logger(spdlog::stderr_logger_mt("sheaf"));
  spdlog::set_pattern("sheaf: %l: %v");
  CLI::App app{"Sheaf: intelligent document processing", "sheaf"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SHEAF_VERSION);

  PipelineFlags process_flags;
  std::vector<std::string> inputs;
  bool jsonl = false, json = false, table = false, with_text = false;
  std::string type_hint = "auto";
  CLI::App* process = app.add_subcommand("process", "Process files and folders");
  process->add_option("PATH", inputs, "Files or folders (searched recursively)")->required();
  auto* f_jsonl = process->add_flag("--jsonl", jsonl, "One JSON object per document per line");
  auto* f_json = process->add_flag("--json", json, "One JSON array of all documents");
  auto* f_table = process->add_flag("--table", table, "A human-readable table (default)");
  f_jsonl->excludes(f_json)->excludes(f_table);
  f_json->excludes(f_table);
  process->add_flag("--text", with_text, "Include words, lines and page text in JSON");
  process->add_option("--type", type_hint, "Document type: auto or a schema name")
      ->capture_default_str()
      ->check([](const std::string& v) {
        bool ok = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        });
        return ok ? std::string() : "must be auto or a type name of [a-z0-9_-]";
      });
  process_flags.Add(process);

  CLI::App* version = app.add_subcommand("version", "Print versions of Sheaf and its engines");

  PipelineFlags eval_flags;
  std::string dataset, out_path;
  bool no_baseline = false;
  int limit = 0;
  CLI::App* eval_ocr = app.add_subcommand(
      "eval-ocr", "Character error rate against a dataset with OCR ground truth");
  eval_ocr->add_option("--dataset", dataset,
                       "Folder with manifest.jsonl (scribeocr benchmark or SROIE)")
      ->required();
  eval_ocr->add_flag("--no-baseline", no_baseline, "Do not run the raw tesseract CLI baseline");
  eval_ocr->add_option("--limit", limit, "Evaluate only the first N pages");
  eval_ocr->add_option("--out", out_path, "Write the report as JSON here");
  eval_flags.Add(eval_ocr);
  eval_flags.config.ocr_cache = false;  // measure OCR, not the cache

  PipelineFlags train_flags;
  std::string manifest, model_out, train_report, train_eval_manifest;
  double holdout = 0.2;
  CLI::App* train = app.add_subcommand(
      "train-classifier", "Train a document-type classifier from labelled documents");
  train->add_option("--manifest", manifest,
                    "JSONL of {\"file\", \"label\"} (or CSV with file and label columns)")
      ->required();
  train->add_option("--out", model_out, "Where to write the model (JSON when it ends in .json or .json.gz, else the quick-to-read binary form; gzipped when it ends in .gz)")->required();
  train->add_option("--holdout", holdout,
                    "Share of each label held out to report accuracy and macro-F1 (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  train->add_option("--eval-manifest", train_eval_manifest,
                    "Also score the final model on these labelled documents (same format)");
  train->add_option("--report", train_report, "Write the scores as JSON here");
  train_flags.Add(train);

  std::string convert_in, convert_out;
  CLI::App* convert = app.add_subcommand(
      "convert-model", "Rewrite a document-type model in the form its new name asks for "
                       "(JSON for .json/.json.gz, else binary; gzipped for .gz)");
  convert->add_option("IN", convert_in, "The model to read (binary or JSON, gzipped or not)")->required();
  convert->add_option("OUT", convert_out, "Where to write it")->required();

  PipelineFlags eval_fields_flags;
  EvalArgs eval_args;
  CLI::App* eval_cmd = app.add_subcommand(
      "eval", "Score extraction and classification against a labelled dataset");
  eval_cmd->add_option("--dataset", eval_args.dataset,
                       "sroie, zugferd_corpus, invoice2data, funsd, or a folder of one of them; "
                       "several, comma-separated, make one mixed set")
      ->required();
  eval_cmd->add_option("--datasets-root", eval_args.datasets_root, "Where dataset names are looked up")
      ->capture_default_str();
  eval_cmd->add_option("--type", eval_args.type, "Document type to assume, or auto to classify")
      ->capture_default_str();
  eval_cmd->add_option("--limit", eval_args.limit, "Evaluate only the first N documents of each dataset");
  eval_cmd->add_option("--worst", eval_args.worst, "Print the N documents with most mismatches")
      ->capture_default_str();
  eval_cmd->add_flag("--with-embedded-xml", eval_args.with_embedded_xml,
                     "Let embedded e-invoice XML supply values (default: score the page alone)");
  eval_cmd->add_option("--out", eval_args.out, "Write the report as JSON here");
  eval_cmd->add_option("--group-by", eval_args.group_by,
                       "Also score grouped by sender: sender-disjoint folds, each sender counted once")
      ->check(CLI::IsMember({"sender"}));
  eval_cmd->add_option("--folds", eval_args.folds, "Folds of --group-by (sender-disjoint)")
      ->capture_default_str()
      ->check(CLI::Range(2, 100));
  eval_cmd->add_flag("--learn-from-first", eval_args.learn_from_first,
                     "Per sender, correct the first document (learning where the sender prints "
                     "each field) and score the later ones before and after (docs/learning.md)");
  eval_cmd->add_option("--train-with", eval_args.train_with,
                       "With --group-by sender: labelled folders (a tools/corpus output) every fold's "
                       "ranker also learns from; comma-separated");
  eval_cmd->add_option("--ranker-model", eval_args.ranker_model,
                       "With --group-by sender: score this ranker model (one trained on none of the "
                       "dataset's senders) instead of training one per fold")
      ->excludes("--train-with");
  eval_fields_flags.Add(eval_cmd);

  PipelineFlags train_extractor_flags;
  TrainExtractorArgs train_extractor_args;
  CLI::App* train_extractor = app.add_subcommand(
      "train-extractor", "Train the extractor's candidate ranker from labelled datasets (docs/extraction.md)");
  train_extractor->add_option("--dataset", train_extractor_args.dataset,
                              "sroie, zugferd_corpus, invoice2data or a folder of one; several, comma-separated")
      ->required();
  train_extractor->add_option("--datasets-root", train_extractor_args.datasets_root, "Where dataset names are looked up")
      ->capture_default_str();
  train_extractor->add_option("--fields", train_extractor_args.fields,
                              "Comma-separated fields to learn (default: every field the ranker supports)");
  train_extractor->add_option("--limit", train_extractor_args.limit, "Use only the first N documents of each dataset");
  train_extractor->add_option("--out", train_extractor_args.out, "Where to write the model (gzipped when it ends in .gz)")
      ->required();
  train_extractor_flags.Add(train_extractor);

  AdminCommands admin(app);  // tenant, key, audit, export (src/app/admin_commands.cc)
  BackendCommands backend_commands(app);  // kafka create-topics, migrate (backend_commands.cc)
  BackupCommands backup_commands(app);    // backup, restore (backup_commands.cc)
  ServeCommand serve;         // src/app/serve.cc
  serve.Add(app.add_subcommand("serve", "Run the service: HTTP API, queues, workers (docs/service.md)"));
  ServeCommand worker(/*worker=*/true);
  worker.Add(app.add_subcommand(
      "worker", "Run some stages on a shared broker and stores: sheaf worker --stage ocr (docs/scaling.md)"));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (std::optional<int> code = admin.Run()) return *code;
  if (std::optional<int> code = backend_commands.Run()) return *code;
  if (std::optional<int> code = backup_commands.Run()) return *code;
  if (app.got_subcommand("serve")) return serve.Run();
  if (app.got_subcommand("worker")) return worker.Run();
  if (process->parsed()) {
    std::string mode = jsonl ? "jsonl" : json ? "json" : "table";
    return RunProcess(process_flags, inputs, mode, with_text, type_hint);
  }
  if (version->parsed()) return RunVersion();
  if (eval_cmd->parsed()) return RunEval(eval_fields_flags, eval_args);
  if (train_extractor->parsed()) return RunTrainExtractor(train_extractor_flags, train_extractor_args);
  if (eval_ocr->parsed()) return RunEvalOcr(eval_flags, dataset, !no_baseline, limit, out_path);
  if (convert->parsed()) return RunConvertModel(convert_in, convert_out);
  if (train->parsed()) {
    return RunTrainClassifier(train_flags, manifest, model_out, holdout, train_eval_manifest,
                              train_report);
  }
  return kExitUsage;
}

}  // namespace sheaf::app
