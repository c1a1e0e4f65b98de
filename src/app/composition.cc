// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/composition.h"
#include "cache/tiered_cache.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <string_view>

#include "adapters/curl/curl_http_client.h"
#include "adapters/leptonica/leptonica.h"
#include "adapters/openai/chat_model.h"
#include "adapters/poppler/poppler.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "adapters/tesseract/module.h"
#include "adapters/zlib/gzip.h"
#include "core/files.h"
#include "cache/disk_cache.h"
#include "extract/einvoice.h"
#include "extract/schema.h"
#include "ocr/fallback_ocr_engine.h"
#include "ocr/remote_ocr_engine.h"
#include "pipeline/model_assist.h"
#include "resilience/breakers.h"
#include "sheaf/build_info.h"

namespace sheaf::app {

std::unique_ptr<Loader> MakeLoader(const Limits& limits, const OpenerWrapper& wrap) {
  auto loader = std::make_unique<Loader>(limits);
  const auto wrapped = [&wrap](std::shared_ptr<const DocumentOpener> o) {
    return wrap ? wrap(std::move(o)) : o;
  };
  auto images = wrapped(leptonica::MakeImageOpener());
  loader->Register(Format::kPdf, wrapped(poppler_adapter::MakePdfOpener()));
  loader->Register(Format::kPng, images);
  loader->Register(Format::kJpeg, images);
  loader->Register(Format::kTiff, images);
  loader->Register(Format::kWebp, images);
  loader->Register(Format::kText, wrapped(MakeTextOpener()));
  return loader;
}

Status CheckOcrUrl(const std::string& url) {
  const bool http = url.rfind("http://", 0) == 0 && url.size() > 7;
  const bool https = url.rfind("https://", 0) == 0 && url.size() > 8;
  if (!http && !https) {
    return Status(ErrorCode::kInvalidArgument,
                  "--ocr-url \"" + url + "\": expected http://HOST:PORT or https://HOST:PORT");
  }
  return Status::Ok();
}

namespace {

// The one place the OCR module is opened (adapters/tesseract/module.h): on the first call, that
// is when the first page needs OCR or a command asks for Tesseract's version.
Result<const tesseract_adapter::ModuleApi*> TesseractModule() {
  return tesseract_adapter::LoadModule(SHEAF_OCR_MODULE_DIR);
}

}  // namespace

Result<std::unique_ptr<OcrEngine>> MakeLocalOcrEngine(const OcrOptions& options) {
  Result<const tesseract_adapter::ModuleApi*> module = TesseractModule();
  if (!module.ok()) return module.status();
  return (*module)->make_engine(options);
}

std::string LocalOcrEngineVersion() {
  Result<const tesseract_adapter::ModuleApi*> module = TesseractModule();
  return module.ok() ? (*module)->version() : "unavailable (" + module.status().message() + ")";
}

WorkerToolsFactory MakeWorkerToolsFactory(const Config& config, CircuitBreaker* ocr_breaker) {
  // One HTTP client for every worker's remote engine (it is thread-safe). The OCR service is
  // the operator's own choice, so private addresses are allowed; its answers are larger than
  // the default cap.
  std::shared_ptr<HttpClient> http;
  if (!config.ocr_url.empty()) {
    curl_adapter::CurlHttpClientOptions options;
    options.max_response_body = ocr::kMaxResponseBytes;
    http = std::make_shared<curl_adapter::CurlHttpClient>(options);
  }
  return [config, ocr_breaker, http]() -> Result<WorkerTools> {
    WorkerTools tools;
    Result<std::unique_ptr<OcrEngine>> engine = MakeLocalOcrEngine(config.ocr);
    if (!engine.ok()) return engine.status();
    tools.engine = std::move(engine).value();
    if (http != nullptr) {
      ocr::RemoteOcrOptions remote;
      remote.url = config.ocr_url;
      remote.api_key = config.ocr_api_key;
      remote.languages = config.ocr.languages;
      remote.encode_png = [](const Image& image) { return leptonica::EncodeImage(image, "png"); };
      tools.engine = std::make_unique<ocr::FallbackOcrEngine>(
          std::make_unique<ocr::RemoteOcrEngine>(http, std::move(remote)),
          std::move(tools.engine), ocr_breaker, &SteadyClock::Instance());
    }
    if (config.orientation.detect) {
      Result<const tesseract_adapter::ModuleApi*> module = TesseractModule();
      if (!module.ok()) return module.status();
      Result<std::unique_ptr<OrientationDetector>> d = (*module)->make_orientation_detector(config.ocr);
      if (!d.ok()) return d.status();
      tools.orientation = std::move(d).value();
    }
    tools.preprocessor = leptonica::MakePreprocessor(config.preprocess);
    if (config.second_opinion && config.preprocess.normalize_background) {
      PreprocessOptions other = config.preprocess;
      other.normalize_background = false;
      tools.alternate = leptonica::MakePreprocessor(other);
    }
    return tools;
  };
}

ocr::ImageDecoder MakeOcrImageDecoder(const Limits& limits) {
  std::shared_ptr<Loader> loader = MakeLoader(limits);
  return [loader](std::string bytes) -> Result<std::vector<Image>> {
    Loader::Opened opened =
        loader->OpenBytes(std::make_shared<const std::string>(std::move(bytes)), "the request body");
    if (opened.reader == nullptr) return opened.status;
    std::vector<Image> pages;
    for (int i = 0; i < opened.reader->page_count(); ++i) {
      Result<RawPage> page = opened.reader->ReadPage(i);
      if (!page.ok()) return page.status();
      if (page->source != PageSource::kOcr) {
        return Status(ErrorCode::kUnsupportedFormat, "the request body is not an image");
      }
      pages.push_back(std::move(page->image));
    }
    return pages;
  };
}

Result<std::unique_ptr<Cache>> MakeOcrCacheStore(const Config& config) {
  Result<std::unique_ptr<DiskCache>> c = DiskCache::Open(config.data_dir + "/cache/ocr", config.ocr_cache_max_bytes);
  if (!c.ok()) return c.status();
  return std::unique_ptr<Cache>(std::move(c).value());
}

std::string FindResource(const std::string& relative) {
  namespace fs = std::filesystem;
  std::vector<fs::path> roots;
  if (const char* home = std::getenv("SHEAF_HOME"); home && *home) roots.emplace_back(home);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    roots.push_back(exe.parent_path().parent_path().parent_path());  // <src>/build/<preset>/sheaf
    roots.push_back(exe.parent_path().parent_path() / "share" / "sheaf");  // <prefix>/bin/sheaf
  }
  roots.emplace_back(SHEAF_SOURCE_DIR);
  roots.emplace_back(".");
  for (const fs::path& root : roots) {
    fs::path p = root / relative;
    if (fs::exists(p, ec)) return p.string();
  }
  return "";
}

namespace {

// Reads the ZUGFeRD / Factur-X / XRechnung XML a PDF carries, if any: from the open `reader`
// when there is one, else from the file.
std::optional<EmbeddedInvoice> ReadEmbeddedInvoice(const Document& doc, DocumentReader* reader,
                                                   std::uint64_t max_bytes) {
  Result<std::vector<EmbeddedFile>> files =
      reader != nullptr ? Result<std::vector<EmbeddedFile>>(reader->EmbeddedFiles(max_bytes))
                        : poppler_adapter::ReadPdfAttachments(doc.source, max_bytes);
  if (!files.ok()) return std::nullopt;
  if (files->empty()) return std::nullopt;
  std::vector<extract::AttachmentView> views;
  for (const auto& f : *files) views.push_back({f.name, f.data});
  std::optional<std::size_t> pick = extract::ChooseEInvoiceAttachment(views);
  if (!pick) return std::nullopt;
  Result<extract::EInvoice> inv = extract::ParseEInvoiceXml((*files)[*pick].data);
  if (!inv.ok()) {
    spdlog::warn("{}: embedded invoice XML: {}", doc.source, inv.status().message());
    return std::nullopt;
  }
  return EmbeddedInvoice{inv->syntax, inv->fields, inv->line_items};
}

}  // namespace

namespace {

// A model file's JSON text: read whole (at most `max_bytes`), gunzipped when it is gzip.
Result<std::string> ReadModelText(const std::string& path, std::uint64_t max_bytes) {
  Result<std::string> bytes = ReadFileLimited(path, max_bytes);
  if (!bytes.ok() || !zlib_adapter::IsGzip(*bytes)) return bytes;
  return zlib_adapter::Gunzip(*bytes, max_bytes, path);
}

// Writes a model's JSON text atomically, gzip-compressed when `path` ends in ".gz".
Status WriteModelText(std::string text, const std::string& path) {
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
    Result<std::string> packed = zlib_adapter::Gzip(text);
    if (!packed.ok()) return packed.status();
    text = std::move(packed).value();
  }
  return WriteFileAtomic(path, text);
}

}  // namespace

Result<classify::TextClassifier> LoadClassifierFile(const std::string& path) {
  Result<std::string> bytes = ReadFileLimited(path, 1ull << 30);
  if (!bytes.ok()) return bytes.status();
  if (!zlib_adapter::IsGzip(*bytes)) return classify::TextClassifier::FromBytes(*bytes, path);
  // Gunzip checks every member's CRC-32 and length, which proves the bytes are those that were
  // compressed: the version stored in them is taken as it is, without hashing the weights again
  // (about 3 ms of every start; TextClassifier::StoredVersion).
  Result<std::string> text = zlib_adapter::Gunzip(*bytes, 1ull << 30, path);
  if (!text.ok()) return text.status();
  return classify::TextClassifier::FromBytes(*text, path, classify::TextClassifier::StoredVersion::kTrust);
}

Status SaveClassifierFile(const classify::TextClassifier& model, const std::string& path) {
  const auto ends_with = [&](std::string_view tail) {
    return path.size() >= tail.size() && path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  };
  const bool json = ends_with(".json") || ends_with(".json.gz");
  return WriteModelText(json ? model.ToJson() : model.ToBinary(), path);
}

Result<extract::Ranker> LoadRankerFile(const std::string& path) {
  Result<std::string> text = ReadModelText(path, 64ull << 20);
  if (!text.ok()) return text.status();
  return extract::Ranker::FromJson(*text, path);
}

Status SaveRankerFile(const extract::Ranker& model, const std::string& path) {
  return WriteModelText(model.ToJson(), path);
}

void ReadLlmKeyFromEnvironment(Config* config) {
  const char* key = std::getenv("SHEAF_LLM_API_KEY");
  config->llm_api_key = key == nullptr ? "" : key;
}

namespace {

// The foundation-model step as configured; null when no llm-url is set.
Result<std::shared_ptr<const ExtractionAssist>> MakeModelAssist(const Config& config,
                                                                CircuitBreaker* model_breaker) {
  if (config.llm_url.empty()) return std::shared_ptr<const ExtractionAssist>();
  openai::ChatModelOptions options;
  options.base_url = config.llm_url;
  options.model = config.llm_model;
  options.api_key = config.llm_api_key;
  options.timeout = std::chrono::milliseconds(static_cast<long long>(config.llm_timeout_seconds * 1000));
  if (Status s = openai::ValidateChatModelOptions(options); !s.ok()) return s;
  // The model's URL is the operator's choice, so loopback and private addresses are allowed.
  auto model = std::make_shared<openai::ChatModel>(curl_adapter::MakeHttpClient(), std::move(options));
  std::shared_ptr<CircuitBreaker> breaker;
  if (model_breaker != nullptr) {
    breaker = std::shared_ptr<CircuitBreaker>(std::shared_ptr<void>(), model_breaker);  // not owned
  } else {
    breaker = std::make_shared<CircuitBreaker>(
        std::string(kFoundationModelBreaker),
        DefaultBreakerConfigs().at(std::string(kFoundationModelBreaker)), &SteadyClock::Instance());
  }
  spdlog::info("foundation model: {} (page text of documents with fields left empty or unsure is sent there)",
               model->Describe());
  return std::shared_ptr<const ExtractionAssist>(
      std::make_shared<ModelAssist>(std::move(model), std::move(breaker), &SteadyClock::Instance()));
}

}  // namespace

Result<std::unique_ptr<Understander>> MakeUnderstander(const Config& config,
                                                       std::shared_ptr<Cache> near_cache,
                                                       CircuitBreaker* model_breaker,
                                                       std::shared_ptr<const classify::TextClassifier> model) {
  Result<std::shared_ptr<const ExtractionAssist>> assist = MakeModelAssist(config, model_breaker);
  if (!assist.ok()) return assist.status();
  // The classifier model is read on another thread while the schemas are parsed here: the two
  // are most of start-up and independent. Errors are still reported schemas first.
  bool hinted = !config.type_hint.empty() && config.type_hint != "auto";
  std::future<Result<classify::TextClassifier>> model_file;
  if (model == nullptr && !hinted && config.model_path != "none") {
    std::string path = config.model_path.empty() ? FindResource(kDefaultClassifierModel) : config.model_path;
    if (path.empty()) {
      spdlog::warn("{} not found: documents are not classified (use --type or --model)",
                   kDefaultClassifierModel);
    } else {
      model_file = std::async(std::launch::async, [path] { return LoadClassifierFile(path); });
    }
  }
  std::string dir = config.schemas_dir.empty() ? FindResource("schemas") : config.schemas_dir;
  if (dir.empty()) return Status(ErrorCode::kNotFound, "schemas: folder not found (set --schemas or SHEAF_HOME)");
  Result<std::map<std::string, extract::Schema>> schemas = extract::LoadSchemaDir(dir);
  if (!schemas.ok()) return schemas.status();
  if (!schemas->count("other")) {
    return Status(ErrorCode::kInvalidArgument, dir + ": no schema for type \"other\" (other.yaml)");
  }
  if (hinted && !schemas->count(config.type_hint)) {
    std::string known;
    for (const auto& [t, s] : *schemas) known += (known.empty() ? "" : ", ") + t;
    return Status(ErrorCode::kInvalidArgument,
                  "--type " + config.type_hint + ": no such schema in " + dir + " (have: " + known + ")");
  }
  if (hinted || config.model_path == "none") model = nullptr;  // no classifier: as without `model`
  if (model_file.valid()) {
    Result<classify::TextClassifier> m = model_file.get();
    if (!m.ok()) return m.status();
    model = std::make_shared<const classify::TextClassifier>(std::move(m).value());
  }
  EmbeddedInvoiceReader reader;
  if (config.read_embedded_invoices) {
    std::uint64_t max_bytes = config.limits.max_file_bytes;
    reader = [max_bytes](const Document& doc, DocumentReader* opened) {
      return ReadEmbeddedInvoice(doc, opened, max_bytes);
    };
  }
  UnderstandOptions options;
  options.type_hint = config.type_hint;
  if (config.extractor_model_path != "none") {
    std::string path = config.extractor_model_path.empty() ? FindResource("models/extractor.json.gz")
                                                           : config.extractor_model_path;
    if (!path.empty()) {
      Result<extract::Ranker> r = LoadRankerFile(path);
      if (!r.ok()) return r.status();
      options.ranker = std::make_shared<const extract::Ranker>(std::move(r).value());
    }
  }
  std::shared_ptr<Cache> cache;
  if (config.ocr_cache && model) {
    // Classification results are small: a tenth of the OCR cache's bound is plenty. They take
    // milliseconds to compute again, so they are not fsynced: one fsync per document was most
    // of a born-digital batch's kernel time (README, "Born-digital speed").
    Result<std::unique_ptr<DiskCache>> c = DiskCache::Open(
        config.data_dir + "/cache/classify", config.ocr_cache_max_bytes / 10, FileSync::kNone);
    if (!c.ok()) return c.status();
    cache = std::shared_ptr<Cache>(std::move(c).value());
  }
  if (near_cache && model) cache = std::make_shared<TieredCache>(near_cache, cache);
  return std::make_unique<Understander>(std::move(model), std::move(*schemas), std::move(cache),
                                        std::move(reader), options, std::move(*assist));
}

std::string TenantClassifierPath(const std::string& data_dir, const std::string& tenant_id) {
  return data_dir + "/models/tenants/" + tenant_id + "/doctype.bin.gz";
}

std::string TenantExtractorPath(const std::string& data_dir, const std::string& tenant_id) {
  return data_dir + "/models/tenants/" + tenant_id + "/extractor.json.gz";
}

std::function<std::shared_ptr<const Understander>(const std::string& tenant_id)>
MakeTenantUnderstanders(const Config& config, CircuitBreaker* model_breaker) {
  // A model file as last seen: exists, and its modification time and size.
  struct Seen {
    bool exists = false;
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    bool operator==(const Seen& o) const {
      return exists == o.exists && (!exists || (mtime == o.mtime && size == o.size));
    }
  };
  const auto see = [](const std::string& path) {
    Seen s;
    std::error_code ec;
    s.mtime = std::filesystem::last_write_time(path, ec);
    if (!ec) s.size = std::filesystem::file_size(path, ec);
    s.exists = !ec;
    return s;
  };
  struct Loaded {
    Seen doctype, extractor;
    std::shared_ptr<const Understander> understander;  // null: a file did not load
  };
  struct State {
    std::mutex mu;
    std::map<std::string, Loaded> by_tenant;
    // The shipped type model, for the tenants with an extractor of their own only: loaded once.
    std::shared_ptr<const classify::TextClassifier> shipped;
  };
  auto state = std::make_shared<State>();
  Config base = config;
  base.ocr_cache = false;  // no classification cache of their own (see the header)
  // A hinted type or "--model none" means no classifier at all: no tenant type model either.
  const bool classifies = (base.type_hint.empty() || base.type_hint == "auto") && base.model_path != "none";
  return [state, base, classifies, model_breaker, see](
             const std::string& tenant_id) -> std::shared_ptr<const Understander> {
    if (tenant_id.empty()) return nullptr;
    const std::string doctype_path = TenantClassifierPath(base.data_dir, tenant_id);
    const std::string extractor_path = TenantExtractorPath(base.data_dir, tenant_id);
    const Seen doctype = classifies ? see(doctype_path) : Seen{};
    const Seen extractor = see(extractor_path);
    std::lock_guard<std::mutex> lock(state->mu);
    if (!doctype.exists && !extractor.exists) {  // no model of its own: the shared one
      state->by_tenant.erase(tenant_id);
      return nullptr;
    }
    auto it = state->by_tenant.find(tenant_id);
    if (it != state->by_tenant.end() && it->second.doctype == doctype && it->second.extractor == extractor) {
      return it->second.understander;
    }
    Config own = base;
    if (doctype.exists) own.model_path = doctype_path;
    if (extractor.exists) own.extractor_model_path = extractor_path;
    if (classifies && !doctype.exists && state->shipped == nullptr) {
      const std::string path = base.model_path.empty() ? FindResource(kDefaultClassifierModel) : base.model_path;
      if (!path.empty()) {
        Result<classify::TextClassifier> m = LoadClassifierFile(path);
        if (m.ok()) state->shipped = std::make_shared<const classify::TextClassifier>(std::move(m).value());
      }
    }
    Result<std::unique_ptr<Understander>> u =
        MakeUnderstander(own, nullptr, model_breaker, doctype.exists ? nullptr : state->shipped);
    Loaded loaded{doctype, extractor, nullptr};
    if (u.ok()) {
      loaded.understander = std::shared_ptr<const Understander>(std::move(u).value());
      spdlog::info("tenant {}: its own{}{}", tenant_id, doctype.exists ? " document-type model " + doctype_path : "",
                   extractor.exists ? " extractor ranker " + extractor_path : "");
    } else {
      spdlog::warn("tenant {}: its own models are not used: {}", tenant_id, u.status().message());
    }
    state->by_tenant[tenant_id] = loaded;
    return loaded.understander;
  };
}

void ConfigureProcess(char** /*argv*/) {
  // Tesseract runs one thread per page in this process (the Tesseract adapter turns OpenMP's
  // parallel regions off on each thread that calls it). Programs started from here (the
  // `tesseract` CLI baseline of eval-ocr) get the same through the environment.
  ::setenv("OMP_THREAD_LIMIT", "1", 1);
  // Page images are allocated and freed by the megabyte, several times per page. glibc's
  // defaults hand each large block straight back to the kernel and fault it in again on the
  // next page, which cost a fifth of the CPU time on receipts: keep freed memory for reuse.
  // Peak use is unchanged; memory is simply not returned between pages.
  ::mallopt(M_MMAP_THRESHOLD, 1 << 30);
  ::mallopt(M_TRIM_THRESHOLD, 256 << 20);
  ::mallopt(M_TOP_PAD, 64 << 20);
  leptonica::SilenceDiagnostics();
}

Versions GetVersions(const OcrOptions& ocr) {
  Result<const tesseract_adapter::ModuleApi*> module = TesseractModule();
  if (!module.ok()) {
    std::string missing = "unavailable (" + module.status().message() + ")";
    return {SHEAF_VERSION, missing, leptonica::Version(), poppler_adapter::Version(), missing};
  }
  return {SHEAF_VERSION, (*module)->version(), leptonica::Version(), poppler_adapter::Version(),
          (*module)->language_data_description(ocr)};
}

Result<std::unique_ptr<MetadataStore>> OpenDataDirMetadataStore(const std::string& data_dir) {
  if (data_dir.empty()) return Status(ErrorCode::kInvalidArgument, "the data dir is empty");
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return Status(ErrorCode::kIoError, data_dir + ": cannot create the data dir: " + ec.message());
  }
  return OpenSqliteMetadataStore(data_dir + "/metadata.sqlite");
}

}  // namespace sheaf::app
