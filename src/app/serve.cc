// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/serve.h"

#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <iostream>
#include <thread>
#include <vector>

#include "adapters/curl/curl_http_client.h"
#include "adapters/httplib/httplib_server.h"
#include "adapters/kafka/kafka_broker.h"
#include "adapters/leptonica/leptonica.h"
#include "adapters/redis/redis_cache.h"
#include "adapters/sqlite/sqlite_broker.h"
#include "adapters/sqlite/sqlite_metadata_store.h"
#include "app/backends.h"
#include "app/composition.h"
#include "cache/memory_cache.h"
#include "cache/ocr_cache.h"
#include "cache/tiered_cache.h"
#include "metadata/spooling_store.h"
#include "resilience/breakers.h"
#include "resilience/circuit_breaker.h"
#include "resilience/degradation.h"
#include "service/api.h"
#include "service/event_streams.h"
#include "service/web_session.h"
#include "service/audit_shipper.h"
#include "service/file_exporter.h"
#include "service/hitl_probe.h"
#include "service/metrics.h"
#include "service/rate_limiter.h"
#include "service/resilience_metrics.h"
#include "service/service.h"
#include "service/service_metrics.h"
#include "service/webhooks.h"
#include "sheaf/hash.h"
#include "storage/local_blob_store.h"

namespace sheaf::app {

namespace {

namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct ServeSettings {
  Config pipeline;
  std::string listen = "127.0.0.1:8080";
  std::string role = "all";  // all | api (accept and answer only) | workers (stages only)
  int ocr_workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int stage_workers = 1;
  int http_threads = 64;
  double max_body_mb = 50;
  int max_header_kb = 16;  // all request headers together
  int max_json_depth = 32;
  bool webhooks_allow_private_networks = false;  // SSRF guard off: loopback/private receivers
  double rate_limit = 200;  // requests per second per tenant
  double rate_burst = 400;
  long long max_queued = 100000;
  double write_spool_mb = 64;  // the metadata write spool's limit; 0 = no spool
  std::string review_url;  // the review service (HITL backend) a worker watches; "" = none
  std::string export_dir;
  double webhook_retry_hours = 24;
  double cache_mb = 256;     // in-process OCR + classification results
  double api_cache_mb = 32;  // in-process API answers
  double lease_seconds = 30;
  double shutdown_grace = 25;
  BackendUrls backends;       // empty members: the embedded defaults under the data dir
  std::string stages = "all";  // role workers: which stages (kWorkerStages), comma-separated
  int dispatch_window = 0;     // see ServiceOptions::dispatch_window
  std::map<std::string, std::chrono::milliseconds> simulated_work;  // ServiceOptions's
  std::string audit;  // the audit sink's URL; "" = the audit log stays in the metadata store only
  // Per dependency (docs/reliability.md): the design's values, then the overrides.
  std::map<std::string, CircuitBreakerConfig> breakers = DefaultBreakerConfigs();
};

template <typename T>
bool ParseNumber(const std::string& text, T* out, T lo, T hi) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used != text.size() || v < static_cast<double>(lo) || v > static_cast<double>(hi)) return false;
    if constexpr (std::is_integral_v<T>) {
      if (v != static_cast<double>(static_cast<long long>(v))) return false;
    }
    *out = static_cast<T>(v);
    return true;
  } catch (...) {
    return false;
  }
}

// "ocr=200,extract=50" -> {ocr: 200 ms, extract: 50 ms}; false for anything else.
bool ParseSimulatedWork(const std::string& text,
                        std::map<std::string, std::chrono::milliseconds>* out) {
  out->clear();
  if (text.empty() || text == "none") return true;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) return false;
    const std::string stage = item.substr(0, eq);
    if (std::find(kStageNames.begin(), kStageNames.end(), stage) == kStageNames.end()) return false;
    int ms = 0;
    if (!ParseNumber(item.substr(eq + 1), &ms, 0, 3600000)) return false;
    (*out)[stage] = std::chrono::milliseconds(ms);
  }
  return true;
}

// The stage names of `sheaf worker --stage` and the service stages each one runs. "export"
// also takes the bookkeeping topics after validation (documents.completed, review.tasks,
// documents.failed); "webhooks" is the webhook delivery worker, outside the stage pools.
const std::vector<std::pair<std::string, std::vector<std::string>>>& WorkerStages() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kStages = {
      {"dispatch", {"dispatch"}},
      {"ocr", {"ocr"}},
      {"classify", {"classify"}},
      {"extract", {"extract"}},
      {"validate", {"validate"}},
      {"export", {"completed", "export", "review", "failed"}},
      {"webhooks", {}},
  };
  return kStages;
}

// "ocr,classify" -> the service stages; *webhooks tells whether webhook delivery runs. "all"
// (alone) is every stage and leaves *stages empty; so does "webhooks" alone, which runs no stage
// (the caller tells the two apart by *webhooks and the text). invalid_argument naming an unknown stage.
Status ParseStages(const std::string& text, std::set<std::string>* stages, bool* webhooks) {
  stages->clear();
  *webhooks = false;
  if (text == "all") {
    *webhooks = true;
    return Status::Ok();  // an empty set runs every stage
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string name = text.substr(start, end - start);
    start = end + 1;
    bool known = false;
    for (const auto& [stage, runs] : WorkerStages()) {
      if (stage != name) continue;
      known = true;
      stages->insert(runs.begin(), runs.end());
      if (stage == "webhooks") *webhooks = true;
    }
    if (!known) {
      std::string names;
      for (const auto& [stage, runs] : WorkerStages()) names += (names.empty() ? "" : ", ") + stage;
      return Status(ErrorCode::kInvalidArgument,
                    "unknown stage \"" + name + "\" (stages: " + names + ", or all)");
    }
  }
  return Status::Ok();
}

// One setting: its name (the flag without "--", the config file key), its environment variable
// and how to apply a textual value.
struct Setting {
  std::string name;
  std::string help;
  std::function<bool(ServeSettings&, const std::string&)> set;
};

std::vector<Setting> Settings() {
  struct Str {
    std::function<bool(ServeSettings&, const std::string&)> operator()(
        std::string ServeSettings::*m) const {
      return [m](ServeSettings& s, const std::string& v) {
        s.*m = v;
        return true;
      };
    }
    std::function<bool(ServeSettings&, const std::string&)> operator()(
        BackendUrls ServeSettings::*group, std::string BackendUrls::*m) const {
      return [group, m](ServeSettings& s, const std::string& v) {
        (s.*group).*m = v;
        return !v.empty();
      };
    }
  } str;
  auto integer = [](int ServeSettings::*m, int lo, int hi) {
    return [=](ServeSettings& s, const std::string& v) { return ParseNumber(v, &(s.*m), lo, hi); };
  };
  auto real = [](double ServeSettings::*m, double lo, double hi) {
    return [=](ServeSettings& s, const std::string& v) { return ParseNumber(v, &(s.*m), lo, hi); };
  };
  return {
      {"listen", "HOST:PORT to serve on", str(&ServeSettings::listen)},
      {"role", "all; api: ingestion, API and review, no stage runs here; workers: the stages of --stage, HTTP for probes and metrics only; ocr: the remote OCR service (POST /v1/ocr, docs/ocr-protocol.md)",
       [](ServeSettings& s, const std::string& v) {
         s.role = v;
         return v == "all" || v == "api" || v == "workers" || v == "ocr";
       }},
      {"ocr-url", "Read pages with the remote OCR service at this URL (sheaf serve --role ocr; key: SHEAF_OCR_API_KEY), local Tesseract when its circuit breaker is open or a call fails",
       [](ServeSettings& s, const std::string& v) {
         s.pipeline.ocr_url = v;
         return CheckOcrUrl(v).ok();
       }},
      {"broker", "embedded, or kafka://HOST:PORT[,HOST:PORT...][?namespace=N]",
       str(&ServeSettings::backends, &BackendUrls::broker)},
      {"metadata", "sqlite:PATH, or postgres://USER@HOST:PORT/DB (password: PGPASSWORD)",
       str(&ServeSettings::backends, &BackendUrls::metadata)},
      {"blobs", "file:PATH, or s3://BUCKET?endpoint=URL&region=R (keys: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)",
       str(&ServeSettings::backends, &BackendUrls::blobs)},
      {"cache", "Shared cache: memory (none shared), or redis://HOST:PORT",
       str(&ServeSettings::backends, &BackendUrls::cache)},
      {"stage", "Stages this worker runs: dispatch, ocr, classify, extract, validate, export, webhooks (comma-separated), or all",
       [](ServeSettings& s, const std::string& v) {
         std::set<std::string> stages;
         bool webhooks = false;
         s.stages = v;
         return ParseStages(v, &stages, &webhooks).ok();
       }},
      {"audit", "Ship the audit log to clickhouse+http://HOST:PORT/DATABASE (user, password: CLICKHOUSE_USER, CLICKHOUSE_PASSWORD); runs where webhooks run",
       [](ServeSettings& s, const std::string& v) {
         s.audit = v;
         return true;
       }},
      {"dispatch-window", "Documents the dispatcher lets onto ocr.tasks at once when OCR runs elsewhere (0: OCR workers + 1)",
       integer(&ServeSettings::dispatch_window, 0, 1000000)},
      {"simulate-work", "For scaling measurements: STAGE=MS,... each message of these stages first waits MS (stages: dispatch, ocr, classify, extract, validate, ...)",
       [](ServeSettings& s, const std::string& v) { return ParseSimulatedWork(v, &s.simulated_work); }},
      {"circuit-breakers", "Circuit breaker overrides DEPENDENCY.KEY=VALUE,... (docs/reliability.md); in the config file also a mapping DEPENDENCY: {KEY: VALUE}",
       [](ServeSettings& s, const std::string& v) {
         Status st = ApplyBreakerOverrides(v, &s.breakers);
         if (!st.ok()) std::cerr << st.message() << "\n";
         return st.ok();
       }},
      {"data-dir", "Folder of the metadata, queue, blobs and caches",
       [](ServeSettings& s, const std::string& v) {
         s.pipeline.data_dir = v;
         return !v.empty();
       }},
      {"ocr-workers", "Documents read at once (default: number of cores)",
       integer(&ServeSettings::ocr_workers, 1, 256)},
      {"stage-workers", "Workers per other stage", integer(&ServeSettings::stage_workers, 1, 64)},
      {"http-threads", "Requests served at once", integer(&ServeSettings::http_threads, 1, 1024)},
      {"max-body-mb", "Largest upload in MiB", real(&ServeSettings::max_body_mb, 0.001, 4096)},
      {"max-header-kb", "Largest request header block in KiB (431 above it; one line is at most 8 KiB)",
       integer(&ServeSettings::max_header_kb, 1, 1024)},
      {"max-json-depth", "Deepest nesting of JSON in a request (review bodies, metadata)",
       integer(&ServeSettings::max_json_depth, 1, 1000)},
      {"webhooks-allow-private-networks", "Let webhooks go to loopback, link-local and private addresses (true / false; default false: refused when registered and when connecting)",
       [](ServeSettings& s, const std::string& v) {
         if (v == "true" || v == "1" || v == "yes") {
           s.webhooks_allow_private_networks = true;
         } else if (v == "false" || v == "0" || v == "no") {
           s.webhooks_allow_private_networks = false;
         } else {
           return false;
         }
         return true;
       }},
      {"rate-limit", "Requests per second per tenant", real(&ServeSettings::rate_limit, 0.01, 1e7)},
      {"rate-burst", "Requests a tenant may send at once", real(&ServeSettings::rate_burst, 1, 1e7)},
      {"max-queued", "Documents a tenant may have waiting (0: no cap)",
       [](ServeSettings& s, const std::string& v) {
         return ParseNumber(v, &s.max_queued, 0LL, 1000000000LL);
       }},
      {"write-spool-mb",
       "Limit of the local spool that keeps pipeline writes while the metadata store fails, "
       "MiB (0: no spool; docs/reliability.md)",
       real(&ServeSettings::write_spool_mb, 0, 1 << 20)},
      {"review-url",
       "The review service (HITL backend: a sheaf serve that serves the review API), e.g. "
       "http://api:8080: its /readyz is asked every 2 s through the hitl circuit breaker; while "
       "that is open, documents whose fields are all >= 0.85 confident are approved "
       "automatically (docs/reliability.md)",
       [](ServeSettings& s, const std::string& v) {
         s.review_url = v;
         return v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0;
       }},
      {"export-dir", "Also write each finished result as JSON under this folder",
       str(&ServeSettings::export_dir)},
      {"webhook-retry-hours", "How long a webhook is retried before it is marked failed",
       real(&ServeSettings::webhook_retry_hours, 0.0001, 24 * 365)},
      {"cache-mb", "In-process cache of OCR and classification results, MiB",
       real(&ServeSettings::cache_mb, 0, 1 << 20)},
      {"api-cache-mb", "In-process cache of API answers, MiB",
       real(&ServeSettings::api_cache_mb, 0, 1 << 20)},
      {"lease-seconds", "How long a stage holds a message before it is redelivered (extended while working)",
       real(&ServeSettings::lease_seconds, 1, 86400)},
      {"shutdown-grace", "Seconds to finish work on SIGTERM before leases are released",
       real(&ServeSettings::shutdown_grace, 0, 3600)},
      {"lang", "Tesseract languages, e.g. eng or eng+deu",
       [](ServeSettings& s, const std::string& v) {
         s.pipeline.ocr.languages = v;
         return !v.empty();
       }},
      {"model", "Document-type model (default: the shipped one; none: do not classify)",
       [](ServeSettings& s, const std::string& v) {
         s.pipeline.model_path = v;
         return true;
       }},
      {"llm-url", "Base URL of an OpenAI-compatible API (e.g. http://127.0.0.1:8000/v1) asked for fields the built-in extraction leaves empty or unsure; page text is sent there (docs/foundation-model.md); key: SHEAF_LLM_API_KEY",
       [](ServeSettings& s, const std::string& v) {
         s.pipeline.llm_url = v;
         return true;
       }},
      {"llm-model", "Model name sent to llm-url",
       [](ServeSettings& s, const std::string& v) {
         s.pipeline.llm_model = v;
         return true;
       }},
      {"llm-timeout", "Seconds one foundation-model call may take",
       [](ServeSettings& s, const std::string& v) {
         return ParseNumber(v, &s.pipeline.llm_timeout_seconds, 0.001, 3600.0);
       }},
      {"schemas", "Folder of document-type schemas",
       [](ServeSettings& s, const std::string& v) {
         s.pipeline.schemas_dir = v;
         return true;
       }},
      {"ocr-cache", "Keep OCR and classification results on disk (true / false)",
       [](ServeSettings& s, const std::string& v) {
         if (v == "true" || v == "1" || v == "yes") {
           s.pipeline.ocr_cache = true;
         } else if (v == "false" || v == "0" || v == "no") {
           s.pipeline.ocr_cache = false;
         } else {
           return false;
         }
         return true;
       }},
      {"max-pages", "Most pages per document",
       [](ServeSettings& s, const std::string& v) {
         return ParseNumber(v, &s.pipeline.limits.max_pages, 1, 100000);
       }},
  };
}

// "MAX-BODY-MB" -> "SHEAF_MAX_BODY_MB".
std::string EnvName(const std::string& name) {
  std::string e = "SHEAF_";
  for (char c : name) e += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return e;
}

Status SplitListen(const std::string& listen, std::string* host, int* port) {
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !ParseNumber(listen.substr(colon + 1), port, 0, 65535)) {
    return Status(ErrorCode::kInvalidArgument,
                  "listen \"" + listen + "\": expected HOST:PORT, e.g. 127.0.0.1:8080");
  }
  *host = listen.substr(0, colon);
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return Status::Ok();
}

}  // namespace

void ServeCommand::Add(CLI::App* cmd) {
  cmd_ = cmd;
  cmd->add_option("--config", config_file_,
                  "YAML file of settings (keys as the flags' names); SHEAF_CONFIG also names it");
  for (const Setting& s : Settings()) {
    cmd->add_option("--" + s.name, flags_[s.name], s.help + " [env " + EnvName(s.name) + "]");
  }
}

int ServeCommand::Run() {
  ServeSettings settings;
  const std::string prog = worker_ ? "sheaf worker" : "sheaf serve";
  if (worker_) {
    settings.role = "workers";
    settings.listen = "127.0.0.1:9090";
  }
  const std::vector<Setting> table = Settings();
  auto apply = [&](const std::string& name, const std::string& value, const std::string& from) {
    for (const Setting& s : table) {
      if (s.name != name) continue;
      if (!s.set(settings, value)) {
        std::cerr << prog << ": " << from << ": invalid value \"" << value << "\" for " << name
                  << "\n";
        return false;
      }
      return true;
    }
    std::cerr << prog << ": " << from << ": unknown setting \"" << name << "\"\n";
    return false;
  };
  // 1. The config file.
  std::string config_file = config_file_;
  if (config_file.empty()) {
    if (const char* e = std::getenv("SHEAF_CONFIG")) config_file = e;
  }
  if (!config_file.empty()) {
    try {
      YAML::Node root = YAML::LoadFile(config_file);
      if (!root.IsMap() && !root.IsNull()) {
        std::cerr << prog << ": " << config_file << ": expected a mapping of setting: value\n";
        return kExitUsage;
      }
      for (const auto& kv : root) {
        const std::string key = kv.first.as<std::string>();
        if (key == "circuit-breakers" && kv.second.IsMap()) {
          // DEPENDENCY: {KEY: VALUE, ...} -> "DEPENDENCY.KEY=VALUE,..."
          std::string text;
          for (const auto& dep : kv.second) {
            if (!dep.second.IsMap()) {
              std::cerr << prog << ": " << config_file << ": line " << dep.second.Mark().line + 1
                        << ": circuit-breakers." << dep.first.as<std::string>()
                        << " must be a mapping of KEY: VALUE\n";
              return kExitUsage;
            }
            for (const auto& item : dep.second) {
              if (!item.second.IsScalar()) {
                std::cerr << prog << ": " << config_file << ": line "
                          << item.second.Mark().line + 1 << ": circuit-breakers."
                          << dep.first.as<std::string>() << "." << item.first.as<std::string>()
                          << " must be a single value\n";
                return kExitUsage;
              }
              text += (text.empty() ? "" : ",") + dep.first.as<std::string>() + "." +
                      item.first.as<std::string>() + "=" + item.second.as<std::string>();
            }
          }
          if (!apply(key, text, config_file + ":" + std::to_string(kv.first.Mark().line + 1))) {
            return kExitUsage;
          }
          continue;
        }
        if (!kv.second.IsScalar()) {
          std::cerr << prog << ": " << config_file << ": line " << kv.second.Mark().line + 1
                    << ": " << key << " must be a single value\n";
          return kExitUsage;
        }
        if (!apply(key, kv.second.as<std::string>(),
                   config_file + ":" + std::to_string(kv.first.Mark().line + 1))) {
          return kExitUsage;
        }
      }
    } catch (const YAML::Exception& e) {
      std::cerr << prog << ": " << config_file << ": " << e.what() << "\n";
      return kExitUsage;
    }
  }
  // 2. The environment. 3. The command line.
  for (const Setting& s : table) {
    if (const char* e = std::getenv(EnvName(s.name).c_str()); e != nullptr && *e != '\0') {
      if (!apply(s.name, e, EnvName(s.name))) return kExitUsage;
    }
  }
  for (const Setting& s : table) {
    if (cmd_->count("--" + s.name) > 0 && !apply(s.name, flags_[s.name], "--" + s.name)) {
      return kExitUsage;
    }
  }
  std::string host;
  int port = 0;
  if (Status s = SplitListen(settings.listen, &host, &port); !s.ok()) {
    std::cerr << prog << ": " << s.message() << "\n";
    return kExitUsage;
  }

  // Signals are taken by one thread (below); every other thread has them blocked.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Config& config = settings.pipeline;
  // The remote OCR service's key: from the environment only, never a flag or a file.
  if (const char* key = std::getenv("SHEAF_OCR_API_KEY"); key != nullptr) config.ocr_api_key = key;
  if (settings.role == "ocr") {
    if (worker_ || !config.ocr_url.empty()) {
      std::cerr << prog << ": role ocr serves OCR itself: --ocr-url is for the roles that use it\n";
      return kExitUsage;
    }
    OcrRoleOptions ocr_role;
    ocr_role.host = host;
    ocr_role.port = port;
    ocr_role.engines = settings.ocr_workers;
    ocr_role.http_threads = settings.http_threads;
    ocr_role.max_body_bytes = static_cast<std::uint64_t>(settings.max_body_mb * 1024 * 1024);
    ocr_role.api_key = config.ocr_api_key;
    return RunOcrRole(config, ocr_role, signals);
  }
  ReadLlmKeyFromEnvironment(&config);
  const std::string dir = config.data_dir;
  std::error_code ec;
  fs::create_directories(dir + "/tmp", ec);
  if (ec) {
    std::cerr << "sheaf serve: cannot create " << dir << ": " << ec.message() << "\n";
    return kExitFailed;
  }
  auto fail = [&prog](const Status& s) {
    std::cerr << prog << ": " << s.message() << "\n";
    return kExitFailed;
  };

  // Storage, broker, shared cache: by URL (src/app/backends.h), embedded by default.
  if (worker_ && settings.role != "workers") {
    std::cerr << prog << ": role must be workers\n";
    return kExitUsage;
  }
  std::set<std::string> stages;
  bool run_webhooks = true;
  if (settings.role == "workers") {
    if (Status s = ParseStages(settings.stages, &stages, &run_webhooks); !s.ok()) return fail(s);
  } else if (settings.stages != "all") {
    std::cerr << prog << ": --stage is for role workers (sheaf worker)\n";
    return kExitUsage;
  }
  Backends registry;
  RegisterBuiltinBackends(&registry);
  const BackendUrls urls = settings.backends.WithDefaults(dir);
  BackendContext context;
  context.data_dir = dir;
  Result<std::unique_ptr<MetadataStore>> metadata = registry.metadata.Open(urls.metadata, context);
  if (!metadata.ok()) return fail(metadata.status());
  Result<std::unique_ptr<BlobStore>> blobs = registry.blobs.Open(urls.blobs, context);
  if (!blobs.ok()) return fail(blobs.status());
  Result<std::unique_ptr<Broker>> broker = registry.brokers.Open(urls.broker, context);
  if (!broker.ok()) {
    if (urls.broker == "embedded" && broker.status().code() == ErrorCode::kUnavailable) {
      return fail(Status(ErrorCode::kUnavailable,
                         broker.status().message() +
                             " (the embedded broker belongs to one process: to run the api and "
                             "workers as separate processes, use a kafka:// broker, SHEAF_BROKER)"));
    }
    return fail(broker.status());
  }
  Result<std::unique_ptr<Cache>> shared_cache = registry.caches.Open(urls.cache, context);
  if (!shared_cache.ok()) return fail(shared_cache.status());
  spdlog::info("backends: broker {}, metadata {}, blobs {}, cache {}", RedactUrl(urls.broker),
               RedactUrl(urls.metadata), RedactUrl(urls.blobs), RedactUrl(urls.cache));

  // Caches: an in-process LRU in front of the disk caches `sheaf process` uses too.
  const auto mib = [](double mb) { return static_cast<std::size_t>(mb * 1024 * 1024); };
  auto ocr_memory_ptr = std::make_shared<MemoryCache>(mib(settings.cache_mb * 0.9));
  auto classify_memory_ptr = std::make_shared<MemoryCache>(mib(settings.cache_mb * 0.1));
  MemoryCache& ocr_memory = *ocr_memory_ptr;
  MemoryCache& classify_memory = *classify_memory_ptr;
  MemoryCache api_memory(mib(settings.api_cache_mb));
  std::shared_ptr<Cache> ocr_disk;
  if (config.ocr_cache) {
    Result<std::unique_ptr<Cache>> store = MakeOcrCacheStore(config);
    if (!store.ok()) return fail(store.status());
    ocr_disk = std::move(store).value();
  }
  // The shared tier (Redis), when there is one, sits between this process's memory and its disk:
  // what one worker computed, the others find there.
  std::shared_ptr<Cache> shared(std::move(shared_cache).value());
  std::shared_ptr<Cache> ocr_far = ocr_disk;
  std::shared_ptr<Cache> classify_near = classify_memory_ptr;
  if (shared != nullptr) {
    ocr_far = std::make_shared<TieredCache>(shared, ocr_disk);
    classify_near = std::make_shared<TieredCache>(classify_memory_ptr, shared);
  }
  TieredCache ocr_tiers(ocr_memory_ptr, ocr_far);
  // A shared cache that is also a lease table (Redis) makes OCR single flight span the workers.
  OcrSingleFlightOptions single_flight;
  single_flight.leases = dynamic_cast<LeaseTable*>(shared.get());
  OcrCache ocr_cache(&ocr_tiers, OcrCache::kDefaultTtl, single_flight);

  // The pipeline.
  std::unique_ptr<Loader> loader = MakeLoader(config.limits);
  ProcessorOptions popts;
  popts.jobs = 1;
  popts.orientation = config.orientation;
  popts.second_opinion_below = config.second_opinion ? popts.second_opinion_below : 0.0;
  popts.second_opinion_line_below = config.second_opinion_line_below;

  std::unique_ptr<FileExporter> exporter;
  if (!settings.export_dir.empty()) exporter = std::make_unique<FileExporter>(settings.export_dir);

  // Metrics.
  MetricsRegistry metrics;
  ServiceMetrics service_metrics(&metrics);

  // Circuit breakers, one per dependency (webhook receivers: one each), and the degradation
  // level they and the database's write latency give (docs/reliability.md).
  CircuitBreakerRegistry breakers(settings.breakers, &SteadyClock::Instance());
  WriteLatencyWindow database_writes(&SteadyClock::Instance());
  CircuitBreaker& database_breaker = breakers.Get(std::string(kDatabaseBreaker));
  // The database fallback (docs/reliability.md, "Database write spool"): pipeline writes the
  // store fails, or that come while its writes are slow, wait in a local spool.
  SpoolingMetadataStore* spooling = nullptr;
  if (settings.write_spool_mb > 0) {
    SpoolingStoreOptions so;
    so.path = dir + "/spool/metadata.spool";
    so.max_bytes = static_cast<std::uint64_t>(settings.write_spool_mb * 1024 * 1024);
    so.breaker = &database_breaker;
    so.observe_write = [&database_writes](std::chrono::nanoseconds took) {
      database_writes.Record(took);
    };
    so.buffer_writes = [&database_writes] {
      std::optional<std::chrono::nanoseconds> slowest = database_writes.Slowest();
      return slowest && *slowest > kSlowDatabaseWrite;
    };
    Result<std::unique_ptr<SpoolingMetadataStore>> wrapped =
        SpoolingMetadataStore::Open(std::move(*metadata), std::move(so));
    if (!wrapped.ok()) return fail(wrapped.status());
    spooling = wrapped->get();
    *metadata = std::move(wrapped).value();
  }
  std::atomic<Service*> running_service{nullptr};
  DegradationController degradation(
      &breakers,
      [&database_writes, spooling, &running_service] {
        HealthSignals h;
        h.database_write_latency = database_writes.Slowest();
        if (Service* s = running_service.load(); s != nullptr) {
          h.worker_availability = s->WorkerAvailability();
        }
        if (spooling != nullptr) h.spooled_writes = spooling->spooled();
        return h;
      },
      &SteadyClock::Instance());
  breakers.AddListener([&degradation](const BreakerTransition&) { degradation.Poke(); });
  WatchResilience(&metrics, &breakers, &degradation);
  // After the listeners: the foundation-model breaker is made here, on first use.
  Result<std::unique_ptr<Understander>> understander =
      MakeUnderstander(config, classify_near, &breakers.Get(std::string(kFoundationModelBreaker)));
  if (!understander.ok()) return fail(understander.status());

  // With --ocr-url, pages go to the remote OCR service through the "ocr" breaker.
  CircuitBreaker* ocr_breaker =
      config.ocr_url.empty() ? nullptr : &breakers.Get(std::string(kOcrBreaker));
  Processor processor(*loader, MakeWorkerToolsFactory(config, ocr_breaker), &ocr_cache, popts);
  if (ocr_breaker != nullptr) spdlog::info("ocr: remote service {}, local Tesseract as fallback", RedactUrl(config.ocr_url));

  ServiceDeps deps;
  if (spooling == nullptr) {
    // No spool: pipeline writes go through the breaker in the service and fail fast while it
    // is open (the broker retries them).
    deps.database_breaker = &database_breaker;
    deps.observe_database_write = [&database_writes](std::chrono::nanoseconds took) {
      database_writes.Record(took);
    };
  }
  deps.hold = [&degradation] { return degradation.level() == DegradationLevel::kL4; };
  CircuitBreaker& hitl_breaker = breakers.Get(std::string(kHitlBreaker));
  deps.review_unavailable = [&hitl_breaker]() -> std::optional<std::string> {
    const BreakerState state = hitl_breaker.state();
    if (state == BreakerState::kClosed) return std::nullopt;
    return "hitl circuit breaker " + std::string(BreakerStateName(state));
  };
  // With --review-url, the review service's readiness feeds that breaker. Its own client: the
  // review service is the operator's choice, on a private network as a rule (no SSRF guard).
  curl_adapter::CurlHttpClient review_http;
  std::unique_ptr<HitlProbe> hitl_probe;
  if (!settings.review_url.empty()) {
    hitl_probe = std::make_unique<HitlProbe>(&review_http, &hitl_breaker,
                                             HitlProbeOptions{settings.review_url});
    if (Status s = hitl_probe->Start(); !s.ok()) return fail(s);
    spdlog::info("review service {}: watched through the hitl circuit breaker",
                 RedactUrl(settings.review_url));
  }
  deps.reduce_batch = [&degradation] {
    const DegradationStatus now = degradation.Current();
    for (const DegradationCause& c : now.assessment.causes) {
      if (c.trigger.rfind("worker availability", 0) == 0) return true;
    }
    return false;
  };
  deps.metadata = metadata->get();
  deps.blobs = blobs->get();
  deps.broker = broker->get();
  deps.loader = loader.get();
  deps.processor = &processor;
  deps.understander = understander->get();
  // A tenant's own document-type model, when it has one (docs/learning.md).
  deps.tenant_understander =
      MakeTenantUnderstanders(config, &breakers.Get(std::string(kFoundationModelBreaker)));
  deps.exporter = exporter.get();
  deps.api_cache = &api_memory;
  deps.encode_png = [](const Image& image, int rotation) {
    return leptonica::EncodeImage(image, "png", rotation);
  };
  deps.observer = service_metrics.StageObserver();
  ServiceOptions sopts;
  sopts.ocr_workers = settings.ocr_workers;
  sopts.stage_workers = settings.stage_workers;
  sopts.lease = std::chrono::milliseconds(static_cast<long long>(settings.lease_seconds * 1000));
  sopts.max_queued_per_tenant = settings.max_queued;
  sopts.work_dir = dir + "/tmp";
  sopts.stages = stages;
  sopts.dispatch_window = settings.dispatch_window;
  sopts.simulated_work = settings.simulated_work;
  Service service(deps, sopts);
  running_service.store(&service);
  // Whatever way this function ends, the threads that use the service, the breakers and the
  // spool stop before those are destroyed (they were declared before, so outlive this).
  struct StopThreads {
    DegradationController* degradation;
    SpoolingMetadataStore* spooling;
    ~StopThreads() {
      degradation->Stop();
      if (spooling != nullptr) spooling->Stop();
    }
  } stop_threads{&degradation, spooling};

  curl_adapter::CurlHttpClientOptions http_options;
  http_options.refuse_private_networks = !settings.webhooks_allow_private_networks;
  curl_adapter::CurlHttpClient http_client(http_options);
  WebhookDelivererDeps wdeps;
  wdeps.metadata = metadata->get();
  wdeps.http = &http_client;
  wdeps.breakers = &breakers;
  WebhookDelivererOptions wopts;
  wopts.retry_window =
      std::chrono::milliseconds(static_cast<long long>(settings.webhook_retry_hours * 3600e3));
  WebhookDeliverer deliverer(wdeps, wopts);

  // The audit log's copy (docs/audit.md), shipped by the processes that deliver webhooks.
  std::unique_ptr<AuditSink> audit_sink;
  std::unique_ptr<AuditShipper> audit_shipper;
  if (!settings.audit.empty()) {
    Result<std::unique_ptr<AuditSink>> sink = registry.audit_sinks.Open(settings.audit, context);
    if (!sink.ok()) return fail(sink.status());
    audit_sink = std::move(sink).value();
    audit_shipper = std::make_unique<AuditShipper>(
        AuditShipperDeps{metadata->get(), audit_sink.get()}, AuditShipperOptions{});
    service_metrics.WatchAudit(audit_shipper.get());
  }

  RateLimiter limiter(settings.rate_limit, settings.rate_burst);
  ApiDeps adeps;
  adeps.service = &service;
  adeps.metadata = metadata->get();
  adeps.limiter = &limiter;
  adeps.degradation = &degradation;
  adeps.api_cache = &api_memory;
  if (!settings.webhooks_allow_private_networks) adeps.check_webhook_url = &curl_adapter::CheckPublicUrl;
  adeps.ready = [&]() -> Status {
    if (Result<TopicStats> st = (*broker)->Stats(std::string(topics::kOcrTasks)); !st.ok()) {
      return Status(ErrorCode::kUnavailable, "broker: " + st.status().message());
    }
    if (Result<std::vector<Tenant>> t = (*metadata)->ListTenants(); !t.ok()) {
      return Status(ErrorCode::kUnavailable, "metadata store: " + t.status().message());
    }
    if (Result<bool> b = (*blobs)->Exists("readyz"); !b.ok()) {
      return Status(ErrorCode::kUnavailable, "blob store: " + b.status().message());
    }
    return Status::Ok();
  };
  WatchedCaches watched{&ocr_memory, &classify_memory, &api_memory, &ocr_cache, {}, {}};
  if (const auto* redis = dynamic_cast<const RedisCache*>(shared.get()); redis != nullptr) {
    watched.shared_errors = [redis] { return redis->errors(); };
    watched.shared_available = [redis] { return redis->available(); };
  }
  service_metrics.Watch(broker->get(), metadata->get(), watched, &deliverer);
  if (auto* kafka = dynamic_cast<KafkaBroker*>(broker->get())) {
    service_metrics.WatchLag([kafka](const std::string& topic) -> Result<ConsumerLag> {
      Result<std::vector<std::int64_t>> lag = kafka->Lag(topic);
      if (!lag.ok()) return lag.status();
      return ConsumerLag{kafka->LagGroup(topic), std::move(lag).value()};
    });
  }
  adeps.metrics = [&metrics] { return metrics.Render(); };
  adeps.observe = service_metrics.RequestObserver();
  ApiOptions aopts;
  for (const auto& [type, schema] : (*understander)->schemas()) aopts.document_types.insert(type);
  aopts.max_body_bytes = static_cast<std::uint64_t>(settings.max_body_mb * 1024 * 1024);
  aopts.probes_only = settings.role == "workers";
  aopts.max_json_depth = settings.max_json_depth;
  // The review page (docs/review-page.md): sign-in sessions and live events.
  WebSessions web_sessions;
  EventStreams event_streams(metadata->get());
  adeps.sessions = &web_sessions;
  adeps.events = &event_streams;
  adeps.serve_page = true;
  Api api(adeps, aopts);

  HttpServerOptions hopts;
  hopts.max_body_bytes = aopts.max_body_bytes + 64 * 1024;  // room for multipart framing
  hopts.threads = settings.http_threads;
  hopts.max_header_bytes = static_cast<std::uint64_t>(settings.max_header_kb) * 1024;
  hopts.error_body = &Api::ErrorBody;
  std::unique_ptr<HttpServer> server = MakeHttplibServer(hopts);
  if (Status s = server->Listen(host, port); !s.ok()) return fail(s);

  // `--stage webhooks` alone runs no stage pool, only the delivery worker.
  const bool run_stages = settings.role != "workers" || settings.stages == "all" || !stages.empty();
  if (Status s = degradation.Start(std::chrono::seconds(1)); !s.ok()) return fail(s);
  if (spooling != nullptr) {
    if (Status s = spooling->Start(); !s.ok()) return fail(s);
  }
  if (settings.role != "api") {
    if (run_stages) {
      if (Status s = service.Start(); !s.ok()) return fail(s);
    }
    if (run_webhooks) {
      if (Status s = deliverer.Start(); !s.ok()) return fail(s);
      if (audit_shipper != nullptr) {
        if (Status s = audit_shipper->Start(); !s.ok()) return fail(s);
        spdlog::info("audit: shipping to {}", RedactUrl(settings.audit));
      }
    }
  }

  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != 0 && !stopping.exchange(true)) {
      spdlog::info("signal {}: stopping (taking no new work)", sig);
      event_streams.Close();  // open event streams end, so the server can stop
      server->Stop();
    }
  });
  std::cout << prog << ": listening on http://" << host << ":" << server->port() << " (data in "
            << dir << ", role " << settings.role
            << (settings.role == "workers" ? ", stages " + settings.stages : std::string()) << ")"
            << std::endl;
  Status served = server->Run([&api](HttpRequest& r) { return api.Handle(r); });
  if (!stopping.exchange(true)) {
    // Run ended on its own: wake the signal thread so it can be joined.
    pthread_kill(signal_thread.native_handle(), SIGTERM);
  }
  signal_thread.join();

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long long>(settings.shutdown_grace * 1000));
  const bool clean = service.Stop(deadline);
  deliverer.Stop();
  degradation.Stop();
  if (audit_shipper != nullptr) audit_shipper->Stop();
  if (!served.ok()) return fail(served);
  if (!clean) {
    spdlog::warn("shutdown: some stages were still working after {} s; their leases were released",
                 settings.shutdown_grace);
    std::cout.flush();
    std::_Exit(kExitOk);  // stuck workers are detached; do not wait for them
  }
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace sheaf::app
