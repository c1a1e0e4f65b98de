// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/train_commands.h"

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
#include "app/backends.h"
#include "app/backend_commands.h"
#include "app/backup_commands.h"
#include "app/serve.h"
#include "app/composition.h"
#include "app/table.h"
#include "cache/ocr_cache.h"
#include "core/files.h"
#include "core/result_json.h"
#include "core/state_json.h"
#include "service/service.h"
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

}  // namespace

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
                       const std::string& report_path, const std::string& base) {
  std::optional<classify::TextClassifier> base_model;
  if (!base.empty()) {
    Result<classify::TextClassifier> b = LoadClassifierFile(base);
    if (!b.ok()) {
      std::cerr << "sheaf: --base: " << b.status().message() << "\n";
      return kExitUsage;
    }
    base_model = std::move(b).value();
  }
  // From scratch, or fine-tuned from --base.
  const auto train = [&](const std::vector<classify::DocumentText>& docs,
                         const std::vector<std::string>& labels) {
    return base_model ? classify::TextClassifier::FineTune(*base_model, docs, labels)
                      : classify::TextClassifier::Train(docs, labels);
  };
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
  if (base_model) report["fine_tuned_from"] = {{"model", base}, {"version", base_model->Version()}};
  if (holdout > 0) {
    std::vector<classify::DocumentText> train_docs;
    std::vector<std::string> train_labels;
    for (std::size_t i = 0; i < set.docs.size(); ++i) {
      if (!held[i]) {
        train_docs.push_back(set.docs[i]);
        train_labels.push_back(set.labels[i]);
      }
    }
    Result<classify::TextClassifier> model = train(train_docs, train_labels);
    if (!model.ok()) {
      std::cerr << "sheaf: " << model.status().message() << "\n";
      return kExitFailed;
    }
    report["held_out"] = ScoreClassifier(*model, set, &held, "held out");
  }
  // The model that is written is trained on every document.
  Result<classify::TextClassifier> model = train(set.docs, set.labels);
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
namespace {

// The stores a --from-reviews command reads, and the tenant it reads them for.
struct TenantStores {
  std::unique_ptr<MetadataStore> store;
  std::unique_ptr<BlobStore> blobs;
  Tenant tenant;
  std::string error;  // "" when opened
  int exit_code = kExitOk;
};

// Opens the metadata and blob stores of `args` (default: the data dir's) and finds the tenant
// by name or id. A tenant that does not exist is a usage error; a store that does not open, a
// failure.
TenantStores OpenTenantStores(const std::string& data_dir, const FromReviewsArgs& args) {
  TenantStores out;
  const auto failed = [&out](const std::string& message, int code) {
    out.error = message;
    out.exit_code = code;
    return std::move(out);
  };
  if (args.tenant.empty()) return failed("--tenant is required", kExitUsage);
  Backends registry;
  RegisterBuiltinBackends(&registry);
  BackendUrls given;
  given.metadata = args.metadata_url;
  given.blobs = args.blobs_url;
  const BackendUrls urls = given.WithDefaults(data_dir);
  BackendContext context;
  context.data_dir = data_dir;
  Result<std::unique_ptr<MetadataStore>> store = registry.metadata.Open(urls.metadata, context);
  if (!store.ok()) return failed(store.status().message(), kExitFailed);
  Result<std::unique_ptr<BlobStore>> blobs = registry.blobs.Open(urls.blobs, context);
  if (!blobs.ok()) return failed(blobs.status().message(), kExitFailed);
  Result<Tenant> tenant = (*store)->GetTenantByName(args.tenant);
  if (!tenant.ok() && tenant.status().code() == ErrorCode::kNotFound) {
    tenant = (*store)->GetTenant(args.tenant);
  }
  if (!tenant.ok()) {
    if (tenant.status().code() == ErrorCode::kNotFound) {
      return failed("no tenant named \"" + args.tenant + "\" (or with that id) in " + RedactUrl(urls.metadata),
                    kExitUsage);
    }
    return failed(tenant.status().message(), kExitFailed);
  }
  out.store = std::move(store).value();
  out.blobs = std::move(blobs).value();
  out.tenant = std::move(tenant).value();
  return out;
}

// A document's pages as the pipeline read them: the "ocr" state the service stored (no OCR
// again).
Result<Document> ReadStoredPages(BlobStore& blobs, const std::string& tenant_id, const std::string& document_id) {
  const std::string key = DocumentStateKey(tenant_id, document_id, "ocr");
  Result<std::string> bytes = blobs.Get(key);
  if (!bytes.ok()) return bytes.status();
  nlohmann::json j = nlohmann::json::parse(*bytes, nullptr, false);
  if (j.is_discarded()) return Status(ErrorCode::kInvalidArgument, key + ": not JSON");
  return DocumentFromStateJson(j);
}

}  // namespace

int RunTrainClassifierFromReviews(const PipelineFlags& flags, const FromReviewsArgs& args) {
  const auto fail = [](const std::string& message, int code) {
    std::cerr << "sheaf: train-classifier --from-reviews: " << message << "\n";
    return code;
  };
  const std::string& data_dir = flags.config.data_dir;
  if (args.tenant.empty()) return fail("--tenant is required", kExitUsage);
  if (flags.config.model_path == "none") {
    return fail("--model none: a tenant's model is fine-tuned from a base model", kExitUsage);
  }
  const std::string base_path =
      flags.config.model_path.empty() ? FindResource(kDefaultClassifierModel) : flags.config.model_path;
  if (base_path.empty()) {
    return fail(std::string(kDefaultClassifierModel) + " not found (set --model or SHEAF_HOME)",
                kExitFailed);
  }
  TenantStores opened = OpenTenantStores(data_dir, args);
  if (!opened.error.empty()) return fail(opened.error, opened.exit_code);
  const Tenant* tenant = &opened.tenant;
  MetadataStore* store = opened.store.get();
  // Only this tenant's documents are read: the store scopes every call to the tenant id.
  Result<std::vector<DocumentRecord>> reviewed =
      store->ListReviewedDocuments(tenant->id, kMaxReviewedForModel);
  if (!reviewed.ok()) return fail(reviewed.status().message(), kExitFailed);
  std::vector<classify::DocumentText> docs;
  std::vector<std::string> labels;
  std::map<std::string, int> per_type;
  int without_text = 0;
  for (const DocumentRecord& d : *reviewed) {
    if (d.document_type.empty()) continue;
    // The pages as they were read (no OCR again): the "ocr" state the pipeline stored.
    Result<Document> state = ReadStoredPages(*opened.blobs, tenant->id, d.id);
    if (!state.ok()) {
      spdlog::warn("document {}: its pages are not stored ({}); skipped", d.id, state.status().message());
      ++without_text;
      continue;
    }
    docs.push_back(ToDocumentText(*state));
    labels.push_back(d.document_type);
    ++per_type[d.document_type];
  }
  std::string types;
  for (const auto& [type, n] : per_type) types += (types.empty() ? "" : ", ") + type + " " + std::to_string(n);
  if (static_cast<int>(docs.size()) < kMinReviewedForModel || per_type.size() < 2) {
    return fail("tenant " + tenant->name + " has " + std::to_string(docs.size()) +
                    " reviewed documents with stored pages (" + (types.empty() ? "none" : types) +
                    (without_text ? "; " + std::to_string(without_text) + " without pages" : "") +
                    "); a model needs at least " + std::to_string(kMinReviewedForModel) +
                    " of at least 2 types - approve or correct more of its documents first",
                kExitFailed);
  }
  Result<classify::TextClassifier> base = LoadClassifierFile(base_path);
  if (!base.ok()) return fail(base.status().message(), kExitFailed);
  Result<classify::TextClassifier> model = classify::TextClassifier::FineTune(*base, docs, labels);
  if (!model.ok()) return fail(model.status().message(), kExitFailed);
  const std::string out = args.out.empty() ? TenantClassifierPath(data_dir, tenant->id) : args.out;
  std::error_code ec;
  const fs::path folder = fs::path(out).parent_path();
  if (!folder.empty()) fs::create_directories(folder, ec);
  if (ec) return fail(folder.string() + ": cannot create the folder: " + ec.message(), kExitFailed);
  if (Status s = SaveClassifierFile(*model, out); !s.ok()) return fail(s.message(), kExitFailed);
  std::cout << "model " << model->Version() << " for tenant " << tenant->name << " ("
            << tenant->id << "): " << base_path << " (" << base->Version() << ") fine-tuned on "
            << docs.size() << " reviewed documents (" << types << ") written to " << out << "\n";
  if (without_text > 0) {
    std::cout << without_text << " reviewed documents had no stored pages and were left out\n";
  }
  return kExitOk;
}

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
  Result<eval::DatasetList> loaded = eval::LoadDatasets(args.dataset, args.datasets_root, args.limit);
  if (!loaded.ok()) {
    std::cerr << "sheaf: " << loaded.status().message() << "\n";
    return kExitUsage;
  }
  // Each document is read in its dataset's languages unless --lang says otherwise.
  std::vector<eval::LabelledDocument>& docs = loaded->docs;
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


namespace {

// The fields of a reviewed document as finally recorded: its result's field values (what the
// reviewer approved, or the result with the corrections applied) with every correction's
// fields applied over them, oldest first (a result written before a correction was recorded
// cannot hide it). Line items are no ranker field and are left out.
Result<std::map<std::string, std::string>> FinalFields(MetadataStore& store, const std::string& tenant_id,
                                                       const std::string& document_id) {
  Result<DocumentRecord> record = store.GetDocument(tenant_id, document_id);
  if (!record.ok()) return record.status();
  std::map<std::string, std::string> out;
  nlohmann::json result = nlohmann::json::parse(record->result_json, nullptr, false);
  if (result.is_object() && result.contains("fields") && result["fields"].is_object()) {
    for (const auto& [name, f] : result["fields"].items()) {
      if (f.is_object() && f.contains("value") && f["value"].is_string()) out[name] = f["value"].get<std::string>();
    }
  }
  Result<std::vector<Correction>> corrections = store.ListCorrections(tenant_id, document_id);
  if (!corrections.ok()) return corrections.status();
  for (const Correction& c : *corrections) {
    if (c.action != ReviewAction::kCorrect) continue;
    nlohmann::json fields = nlohmann::json::parse(c.fields_json, nullptr, false);
    if (!fields.is_object()) continue;
    for (const auto& [name, v] : fields.items()) {
      if (v.is_string()) out[name] = v.get<std::string>();
    }
  }
  return out;
}

// `own`'s fields, and the fields of `base` that `own` has no model for (so a tenant keeps the
// shipped ranker's fields its reviews did not cover).
Result<extract::Ranker> OverlayRanker(const extract::Ranker& base, const extract::Ranker& own) {
  nlohmann::json b = nlohmann::json::parse(base.ToJson(), nullptr, false);
  nlohmann::json o = nlohmann::json::parse(own.ToJson(), nullptr, false);
  if (!b.is_object() || !o.is_object() || b.value("hash_bits", 0) != o.value("hash_bits", 0)) return own;
  for (const auto& [name, m] : b["fields"].items()) {
    if (!o["fields"].contains(name)) o["fields"][name] = m;
  }
  return extract::Ranker::FromJson(o.dump(), "the tenant's ranker");
}

}  // namespace

int RunTrainExtractorFromReviews(const PipelineFlags& flags, const FromReviewsArgs& args) {
  const auto fail = [](const std::string& message, int code) {
    std::cerr << "sheaf: train-extractor --from-reviews: " << message << "\n";
    return code;
  };
  const std::string& data_dir = flags.config.data_dir;
  TenantStores opened = OpenTenantStores(data_dir, args);
  if (!opened.error.empty()) return fail(opened.error, opened.exit_code);
  const Tenant& tenant = opened.tenant;
  const std::string schemas_dir = flags.config.schemas_dir.empty() ? FindResource("schemas") : flags.config.schemas_dir;
  if (schemas_dir.empty()) return fail("schemas: folder not found (set --schemas or SHEAF_HOME)", kExitFailed);
  Result<std::map<std::string, extract::Schema>> schemas = extract::LoadSchemaDir(schemas_dir);
  if (!schemas.ok()) return fail(schemas.status().message(), kExitFailed);
  // The shipped (or --extractor-model) ranker, whose fields the tenant's reviews do not cover
  // are kept in the tenant's model.
  std::optional<extract::Ranker> base;
  std::string base_path;
  if (flags.config.extractor_model_path != "none") {
    base_path = flags.config.extractor_model_path.empty() ? FindResource("models/extractor.json.gz")
                                                          : flags.config.extractor_model_path;
    if (!base_path.empty()) {
      Result<extract::Ranker> b = LoadRankerFile(base_path);
      if (!b.ok()) return fail(b.status().message(), kExitFailed);
      base = std::move(b).value();
    }
  }
  // Only this tenant's documents are read: the store scopes every call to the tenant id.
  Result<std::vector<DocumentRecord>> reviewed =
      opened.store->ListReviewedDocuments(tenant.id, kMaxReviewedForModel);
  if (!reviewed.ok()) return fail(reviewed.status().message(), kExitFailed);
  eval::RankExamples examples;
  int with_pages = 0, without_pages = 0;
  for (const DocumentRecord& d : *reviewed) {
    auto schema = schemas->find(d.document_type);
    if (schema == schemas->end()) continue;
    Result<Document> pages = ReadStoredPages(*opened.blobs, tenant.id, d.id);
    if (!pages.ok()) {
      spdlog::warn("document {}: its pages are not stored ({}); skipped", d.id, pages.status().message());
      ++without_pages;
      continue;
    }
    Result<std::map<std::string, std::string>> fields = FinalFields(*opened.store, tenant.id, d.id);
    if (!fields.ok()) return fail(fields.status().message(), kExitFailed);
    ++with_pages;
    // The candidates are the stored pages' (no OCR again); the right ones read as the field
    // finally recorded.
    eval::MergeRankExamples(eval::DocumentRankExamples(*pages, schema->second, *fields), &examples);
  }
  extract::Ranker own = extract::Ranker::Train(examples);
  std::string per_field;
  for (const auto& [f, es] : examples) {
    per_field += (per_field.empty() ? "" : ", ") + f + " " + std::to_string(es.size());
  }
  bool enough = false;
  for (const std::string& f : own.Fields()) enough = enough || examples[f].size() >= kMinReviewedForModel;
  if (!enough) {
    return fail("tenant " + tenant.name + " has " + std::to_string(with_pages) +
                    " reviewed documents with stored pages" +
                    (without_pages ? " (" + std::to_string(without_pages) + " without)" : "") +
                    ", whose recorded names are among the ranker's candidates for " +
                    (per_field.empty() ? "no field" : per_field) + "; a model needs at least " +
                    std::to_string(kMinReviewedForModel) +
                    " of one field (merchant_name, seller_name) - approve or correct more of its documents first",
                kExitFailed);
  }
  extract::Ranker model = own;
  if (base) {
    Result<extract::Ranker> merged = OverlayRanker(*base, own);
    if (!merged.ok()) return fail(merged.status().message(), kExitFailed);
    model = std::move(merged).value();
  }
  const std::string out = args.out.empty() ? TenantExtractorPath(data_dir, tenant.id) : args.out;
  std::error_code ec;
  const fs::path folder = fs::path(out).parent_path();
  if (!folder.empty()) fs::create_directories(folder, ec);
  if (ec) return fail(folder.string() + ": cannot create the folder: " + ec.message(), kExitFailed);
  if (Status s = SaveRankerFile(model, out); !s.ok()) return fail(s.message(), kExitFailed);
  std::string trained;
  for (const std::string& f : own.Fields()) {
    trained += (trained.empty() ? "" : ", ") + f + " (" + std::to_string(examples[f].size()) + " documents)";
  }
  std::cout << "extractor ranker for tenant " << tenant.name << " (" << tenant.id << ") trained on "
            << with_pages << " reviewed documents: " << trained;
  if (base) std::cout << "; other fields from " << base_path;
  std::cout << "; written to " << out << "\n";
  if (without_pages > 0) {
    std::cout << without_pages << " reviewed documents had no stored pages and were left out\n";
  }
  return kExitOk;
}

}  // namespace sheaf::app
