// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzz_targets.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/httplib/httplib_server.h"
#include "adapters/leptonica/leptonica.h"
#include "adapters/poppler/poppler.h"
#include "adapters/sqlite/sqlite_broker.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "extract/einvoice.h"
#include "extract/schema.h"
#include "pipeline/loader.h"
#include "service/api.h"
#include "service/service.h"
#include "sheaf/format.h"
#include "storage/local_blob_store.h"

namespace sheaf::fuzz {

namespace {

// A broken contract: report it and abort, which the fuzzer records as a crash with its input.
[[noreturn]] void Broken(const char* target, const std::string& what) {
  std::fprintf(stderr, "fuzz target %s: contract broken: %s\n", target, what.c_str());
  std::abort();
}

// Small limits keep each run fast; the code paths are the same as with the defaults.
Limits FuzzLimits() {
  Limits l;
  l.max_file_bytes = 4u << 20;
  l.max_pages = 4;
  l.max_page_pixels = 4'000'000;
  l.pdf_render_dpi = 72;
  return l;
}

// A refusal must say what is wrong; a page must be the size it says.
void CheckOpened(const char* target, const Loader::Opened& opened) {
  if (!opened.reader) {
    if (opened.status.ok()) Broken(target, "no reader and no error");
    if (opened.status.message().empty()) Broken(target, "an error without a message");
    return;
  }
  const int pages = opened.reader->page_count();
  if (pages < 1 || pages > FuzzLimits().max_pages) {
    Broken(target, "page_count " + std::to_string(pages) + " outside [1, max_pages]");
  }
  for (int i = 0; i < pages; ++i) {
    Result<RawPage> page = opened.reader->ReadPage(i);
    if (!page.ok()) {
      if (page.status().message().empty()) Broken(target, "a page error without a message");
      continue;
    }
    if (page->source == PageSource::kOcr) {
      const Image& im = page->image;
      if (im.width <= 0 || im.height <= 0) Broken(target, "an OCR page without pixels");
      if (im.pixels.size() !=
          static_cast<std::size_t>(im.width) * static_cast<std::size_t>(im.height) *
              static_cast<std::size_t>(im.channels)) {
        Broken(target, "the pixel buffer does not match the image's size");
      }
      if (static_cast<std::uint64_t>(im.width) * static_cast<std::uint64_t>(im.height) >
          FuzzLimits().max_page_pixels) {
        Broken(target, "a decoded page over the pixel limit");
      }
    }
  }
}

Loader MakeFuzzLoader() {
  Loader loader(FuzzLimits());
  auto images = leptonica::MakeImageOpener();
  loader.Register(Format::kPdf, poppler_adapter::MakePdfOpener());
  loader.Register(Format::kPng, images);
  loader.Register(Format::kJpeg, images);
  loader.Register(Format::kTiff, images);
  loader.Register(Format::kWebp, images);
  loader.Register(Format::kText, MakeTextOpener());
  return loader;
}

std::shared_ptr<const std::string> Bytes(std::string_view data) {
  return std::make_shared<const std::string>(data);
}

// The API on the embedded backends in a temporary folder, made on first use and removed at
// exit. Ingestion stops at a few queued documents (429 after), so a long run stores little.
class ApiEnvironment {
 public:
  static ApiEnvironment& Get() {
    static ApiEnvironment env;
    return env;
  }

  Api& api() { return *api_; }
  const std::string& key() const { return key_; }

  ~ApiEnvironment() {
    api_.reset();
    service_.reset();
    broker_.reset();
    blobs_.reset();
    metadata_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  ApiEnvironment() : loader_(MakeFuzzLoader()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sheaf-fuzz-api-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Broken("api", "cannot make a temporary folder");
    dir_ = pattern;
    auto meta = SqliteMetadataStore::Open(dir_ + "/metadata.sqlite", {});
    if (!meta.ok()) Broken("api", meta.status().message());
    metadata_ = std::move(meta).value();
    auto blobs = LocalBlobStore::Open(dir_ + "/blobs");
    if (!blobs.ok()) Broken("api", blobs.status().message());
    blobs_ = std::move(blobs).value();
    auto broker = SqliteBroker::Open(dir_ + "/queue.sqlite", {});
    if (!broker.ok()) Broken("api", broker.status().message());
    broker_ = std::move(broker).value();
    auto tenant = metadata_->CreateTenant("fuzz", "fuzz");
    if (!tenant.ok()) Broken("api", tenant.status().message());
    auto key = metadata_->CreateApiKey(tenant->id, "fuzz");
    if (!key.ok()) Broken("api", key.status().message());
    key_ = key->key;

    ServiceDeps deps;
    deps.metadata = metadata_.get();
    deps.blobs = blobs_.get();
    deps.broker = broker_.get();
    deps.loader = &loader_;
    ServiceOptions sopts;
    sopts.max_queued_per_tenant = 4;
    sopts.work_dir = dir_ + "/tmp";
    service_ = std::make_unique<Service>(deps, sopts);  // not started: no stage runs
    ApiDeps adeps;
    adeps.service = service_.get();
    adeps.metadata = metadata_.get();
    adeps.ready = [] { return Status::Ok(); };
    adeps.metrics = [] { return std::string("# fuzz\n"); };
    ApiOptions aopts;
    aopts.document_types = {"invoice", "receipt"};
    aopts.max_body_bytes = FuzzLimits().max_file_bytes;
    api_ = std::make_unique<Api>(adeps, aopts);
  }

  std::string dir_;
  Loader loader_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
  std::unique_ptr<LocalBlobStore> blobs_;
  std::unique_ptr<SqliteBroker> broker_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<Api> api_;
  std::string key_;
};

void CheckReply(const char* target, const HttpReply& r) {
  if (r.status < 200 || r.status > 599) Broken(target, "status " + std::to_string(r.status));
  // Everything here is local and healthy: a 5xx is the API failing on its input.
  if (r.status >= 500) Broken(target, "answered " + std::to_string(r.status) + ": " + r.body);
  if (r.status >= 400 && r.body.find("\"error\"") == std::string::npos) {
    Broken(target, "an error reply without the error body: " + r.body);
  }
}

}  // namespace

void FormatDetection(std::string_view data) {
  const Format f = DetectFormat(data);
  if (DetectFormat(data) != f) Broken("format_detection", "DetectFormat is not deterministic");
  if (f != Format::kUnknown && FormatName(f).empty()) Broken("format_detection", "nameless format");
  // The loader picks the opener by the detected format and opens (headers, page count); pages
  // are decoded by the pdf and image targets.
  static const Loader loader = MakeFuzzLoader();
  Loader::Opened opened = loader.OpenBytes(Bytes(data), "fuzz");
  if (opened.format != f) Broken("format_detection", "the loader detected another format");
  if (!opened.reader && opened.status.message().empty()) {
    Broken("format_detection", "a refusal without a message");
  }
}

void PdfLoading(std::string_view data) {
  static const auto opener = poppler_adapter::MakePdfOpener();
  Result<std::unique_ptr<DocumentReader>> reader = opener->Open(Bytes(data), "fuzz.pdf", FuzzLimits());
  Loader::Opened o;
  if (reader.ok()) o.reader = std::move(reader).value();
  else o.status = reader.status();
  CheckOpened("pdf_loading", o);
}

void ImageDecoding(std::string_view data) {
  static const auto opener = leptonica::MakeImageOpener();
  Result<std::unique_ptr<DocumentReader>> reader = opener->Open(Bytes(data), "fuzz.img", FuzzLimits());
  Loader::Opened o;
  if (reader.ok()) o.reader = std::move(reader).value();
  else o.status = reader.status();
  CheckOpened("image_decoding", o);
}

std::string ApiRequestReply(std::string_view data) {
  ApiEnvironment& env = ApiEnvironment::Get();
  std::string raw(data);
  if (std::size_t at = raw.find(kApiKeyPlaceholder); at != std::string::npos) {
    raw.replace(at, kApiKeyPlaceholder.size(), env.key());
  }
  HttpServerOptions options;
  options.max_body_bytes = FuzzLimits().max_file_bytes + 64 * 1024;
  options.error_body = Api::ErrorBody;
  bool handled = false;
  const std::string out = ServeRawHttpRequest(
      options,
      [&](HttpRequest& req) {
        handled = true;
        HttpReply r = env.api().Handle(req);
        CheckReply("api_request", r);
        return r;
      },
      raw);
  if (handled && out.rfind("HTTP/1.1 ", 0) != 0) Broken("api_request", "a handled request got no HTTP answer");
  return out;
}

void ApiRequest(std::string_view data) { (void)ApiRequestReply(data); }

void ApiJson(std::string_view data) {
  ApiEnvironment& env = ApiEnvironment::Get();
  const std::string auth = "Bearer " + env.key();
  {
    HttpRequest req;
    req.method = "POST";
    req.path = "/v1/review/tasks/doc_fuzz";
    req.headers["authorization"] = auth;
    req.headers["content-type"] = "application/json";
    req.body = std::string(data);
    CheckReply("api_json", env.api().Handle(req));
  }
  {
    HttpRequest req;
    req.method = "POST";
    req.path = "/v1/documents";
    req.headers["authorization"] = auth;
    req.multipart = true;
    req.parts.emplace("file", FormPart{"note.txt", "text/plain", "Invoice 1\nTotal 1.00\n"});
    req.parts.emplace("metadata", FormPart{"", "", std::string(data)});
    CheckReply("api_json", env.api().Handle(req));
  }
}

void EInvoiceXml(std::string_view data) {
  Result<extract::EInvoice> r = extract::ParseEInvoiceXml(data);
  if (!r.ok() && r.status().message().empty()) Broken("einvoice_xml", "an error without a message");
}

void SchemaYaml(std::string_view data) {
  Result<extract::Schema> r = extract::ParseSchema(data, "fuzz.yaml");
  if (!r.ok() && r.status().message().empty()) Broken("schema_yaml", "an error without a message");
}

const std::vector<Target>& Targets() {
  static const std::vector<Target> targets = {
      {"format_detection", &FormatDetection}, {"pdf_loading", &PdfLoading},
      {"image_decoding", &ImageDecoding},     {"api_request", &ApiRequest},
      {"api_json", &ApiJson},                 {"einvoice_xml", &EInvoiceXml},
      {"schema_yaml", &SchemaYaml},
  };
  return targets;
}

}  // namespace sheaf::fuzz
