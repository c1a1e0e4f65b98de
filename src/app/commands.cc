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
#include "app/eval_commands.h"
#include "app/pipeline_cli.h"
#include "app/train_commands.h"
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

using ojson = nlohmann::ordered_json;

int RunProcess(PipelineFlags& flags, const std::vector<std::string>& inputs,
               const std::string& mode, bool with_text, const std::string& type_hint) {
  int exit_code = kExitFailed;
  // The type model loads while the first documents are read (Pipeline::pending); its error, if
  // any, is still shown before any result, and then no result at all.
  std::optional<Pipeline> pipeline = BuildPipeline(flags, type_hint, &exit_code, true, /*overlap=*/true);
  if (!pipeline) return exit_code;
  std::optional<int> build_error;  // set once the understander has failed
  const auto understander_failed = [&] {
    if (!build_error && pipeline->pending && !pipeline->pending->Get().ok()) {
      build_error = ReportBuildError(pipeline->pending->Get().status());
    }
    return build_error.has_value();
  };
  std::vector<std::string> paths = ExpandInputs(inputs);
  if (paths.empty()) {
    if (understander_failed()) return *build_error;  // as before: the model's error first
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
    if (understander_failed()) return;
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
  if (build_error) return *build_error;
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
  bool from_reviews = false;
  FromReviewsArgs from_reviews_args;
  train->add_option("--manifest", manifest,
                    "JSONL of {\"file\", \"label\"} (or CSV with file and label columns); "
                    "required unless --from-reviews");
  train->add_option("--out", model_out, "Where to write the model (JSON when it ends in .json or .json.gz, else the quick-to-read binary form; gzipped when it ends in .gz); required unless --from-reviews, which writes <data-dir>/models/tenants/<tenant id>/doctype.bin.gz by default");
  train->add_flag("--from-reviews", from_reviews,
                  "Fine-tune the shipped (or --model) model on the documents one tenant's "
                  "reviewers approved or corrected, for that tenant's documents only (docs/learning.md)");
  train->add_option("--tenant", from_reviews_args.tenant, "With --from-reviews: the tenant (name or id)");
  train->add_option("--metadata", from_reviews_args.metadata_url,
                    "With --from-reviews: the metadata store URL (default: the data dir's)");
  train->add_option("--blobs", from_reviews_args.blobs_url,
                    "With --from-reviews: the blob store URL (default: the data dir's)");
  train->add_option("--holdout", holdout,
                    "Share of each label held out to report accuracy and macro-F1 (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.5));
  train->add_option("--eval-manifest", train_eval_manifest,
                    "Also score the final model on these labelled documents (same format)");
  train->add_option("--report", train_report, "Write the scores as JSON here");
  std::string train_base;
  train->add_option("--base", train_base,
                    "Fine-tune this model (e.g. models/doctype.bin.gz) on the manifest instead of "
                    "training from scratch (as --from-reviews does)");
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
                              "sroie, zugferd_corpus, invoice2data or a folder of one; several, comma-separated; "
                              "required unless --from-reviews");
  train_extractor->add_option("--datasets-root", train_extractor_args.datasets_root, "Where dataset names are looked up")
      ->capture_default_str();
  train_extractor->add_option("--fields", train_extractor_args.fields,
                              "Comma-separated fields to learn (default: every field the ranker supports)");
  train_extractor->add_option("--limit", train_extractor_args.limit, "Use only the first N documents of each dataset");
  train_extractor->add_option("--out", train_extractor_args.out,
                              "Where to write the model (gzipped when it ends in .gz); required unless "
                              "--from-reviews, which writes <data-dir>/models/tenants/<tenant id>/extractor.json.gz by default");
  bool extractor_from_reviews = false;
  FromReviewsArgs extractor_reviews_args;
  train_extractor->add_flag("--from-reviews", extractor_from_reviews,
                            "Train one tenant's own ranker on the documents its reviewers approved or corrected, "
                            "for that tenant's documents only (docs/learning.md)");
  train_extractor->add_option("--tenant", extractor_reviews_args.tenant, "With --from-reviews: the tenant (name or id)");
  train_extractor->add_option("--metadata", extractor_reviews_args.metadata_url,
                              "With --from-reviews: the metadata store URL (default: the data dir's)");
  train_extractor->add_option("--blobs", extractor_reviews_args.blobs_url,
                              "With --from-reviews: the blob store URL (default: the data dir's)");
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
  if (train_extractor->parsed() && extractor_from_reviews) {
    if (!train_extractor_args.dataset.empty() || !train_extractor_args.fields.empty() || train_extractor_args.limit != 0) {
      std::cerr << "sheaf: train-extractor: --dataset, --fields and --limit go without --from-reviews\n";
      return kExitUsage;
    }
    extractor_reviews_args.out = train_extractor_args.out;
    return RunTrainExtractorFromReviews(train_extractor_flags, extractor_reviews_args);
  }
  if (train_extractor->parsed()) {
    if (train_extractor_args.dataset.empty() || train_extractor_args.out.empty()) {
      std::cerr << "sheaf: train-extractor: --dataset and --out are required (or --from-reviews --tenant T)\n";
      return kExitUsage;
    }
    if (!extractor_reviews_args.tenant.empty() || !extractor_reviews_args.metadata_url.empty() ||
        !extractor_reviews_args.blobs_url.empty()) {
      std::cerr << "sheaf: train-extractor: --tenant, --metadata and --blobs go with --from-reviews\n";
      return kExitUsage;
    }
    return RunTrainExtractor(train_extractor_flags, train_extractor_args);
  }
  if (eval_ocr->parsed()) return RunEvalOcr(eval_flags, dataset, !no_baseline, limit, out_path);
  if (convert->parsed()) return RunConvertModel(convert_in, convert_out);
  if (train->parsed() && from_reviews) {
    if (!manifest.empty() || !train_base.empty()) {
      std::cerr << "sheaf: train-classifier: --manifest and --base go without --from-reviews "
                   "(which fine-tunes --model)\n";
      return kExitUsage;
    }
    from_reviews_args.out = model_out;
    return RunTrainClassifierFromReviews(train_flags, from_reviews_args);
  }
  if (train->parsed()) {
    if (manifest.empty() || model_out.empty()) {
      std::cerr << "sheaf: train-classifier: --manifest and --out are required (or --from-reviews --tenant T)\n";
      return kExitUsage;
    }
    if (!from_reviews_args.tenant.empty() || !from_reviews_args.metadata_url.empty() ||
        !from_reviews_args.blobs_url.empty()) {
      std::cerr << "sheaf: train-classifier: --tenant, --metadata and --blobs go with --from-reviews\n";
      return kExitUsage;
    }
    return RunTrainClassifier(train_flags, manifest, model_out, holdout, train_eval_manifest,
                              train_report, train_base);
  }
  return kExitUsage;
}

}  // namespace sheaf::app
