// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/eval_commands.h"

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
            << " fields corrected on first documents, " << r->learned_fields << " learned ("
            << r->pointed << " not printed as read: the reviewer pointed at their words, "
            << r->pointed_learned << " learned so)\n";
  Table t({"field", "F1 before", "F1 after"});
  for (const auto& [name, f1] : r->f1) t.AddRow({name, Fixed(f1.first, 3), Fixed(f1.second, 3)});
  t.AddRow({"(micro)", Fixed(r->micro_f1.first, 3), Fixed(r->micro_f1.second, 3)});
  std::cout << t.Render() << "corrected fields on later documents: " << r->later_corrected
            << ", right before " << r->right_before << ", right after " << r->right_after
            << " (" << r->confident_after << " from sender memory with confidence >= 0.9)\n"
            << "later documents of recognised senders needing no review for the corrected fields "
               "(all right, confidence >= 0.9): "
            << r->no_review << " of " << r->no_review_eligible << ": " << r->no_review_read << " of the "
            << r->no_review_eligible_read << " whose page prints every corrected value as OCR read it, "
            << r->no_review - r->no_review_read << " of the "
            << r->no_review_eligible - r->no_review_eligible_read
            << " whose page does not (OCR misread one, or the page prints it otherwise: a currency's "
               "sign for its code)\n"
            << "scored fields of later documents confident (>= 0.9) but wrong: before "
            << r->confident_wrong_before << " of " << r->confident_before << ", after "
            << r->confident_wrong_after << " of " << r->confident_after_all << "\n";
  std::string ranked_fields;
  for (const std::string& f : r->ranker_fields) {
    const auto b = r->f1.find(f);
    const auto a = r->ranked_f1.find(f);
    if (b == r->f1.end() || a == r->ranked_f1.end()) continue;
    const auto alone = r->ranker_alone_f1.find(f);
    ranked_fields += ", " + f + " " + Fixed(b->second.second, 3) + " -> " + Fixed(a->second, 3) +
                     " (the ranker alone: " + Fixed(b->second.first, 3) + " -> " +
                     (alone == r->ranker_alone_f1.end() ? std::string("-") : Fixed(alone->second, 3)) + ")";
  }
  std::cout << "with a tenant ranker trained on the first documents (then the memory): micro F1 "
            << Fixed(r->micro_f1.second, 3) << " -> " << Fixed(r->ranked_micro_f1, 3)
            << (r->ranker_fields.empty() ? " (no field learned)" : ranked_fields)
            << "; needing no review " << r->ranked_no_review << " of " << r->no_review_eligible << "\n\n";
  ojson f1 = ojson::object();
  for (const auto& [name, v] : r->f1) f1[name] = {{"before", v.first}, {"after", v.second}};
  return ojson{{"senders", r->senders},
               {"later_documents", r->later_documents},
               {"recognised", r->recognised},
               {"recognised_approximately", r->recognised_approximately},
               {"no_review", r->no_review},
               {"no_review_eligible", r->no_review_eligible},
               {"no_review_read", r->no_review_read},
               {"no_review_eligible_read", r->no_review_eligible_read},
               {"corrected_fields", r->corrected_fields},
               {"learned_fields", r->learned_fields},
               {"pointed", r->pointed},
               {"pointed_learned", r->pointed_learned},
               {"confident_wrong",
                {{"before", r->confident_wrong_before},
                 {"confident_before", r->confident_before},
                 {"after", r->confident_wrong_after},
                 {"confident_after", r->confident_after_all}}},
               {"later_corrected", r->later_corrected},
               {"right_before", r->right_before},
               {"right_after", r->right_after},
               {"confident_after", r->confident_after},
               {"f1", f1},
               {"micro_f1", {{"before", r->micro_f1.first}, {"after", r->micro_f1.second}}},
               {"still_reviewed", r->still_reviewed},
               {"with_tenant_ranker",
                {{"fields", r->ranker_fields},
                 {"f1", r->ranked_f1},
                 {"f1_ranker_alone", r->ranker_alone_f1},
                 {"micro_f1", r->ranked_micro_f1},
                 {"no_review", r->ranked_no_review}}}};
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

}  // namespace

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

int RunEval(PipelineFlags& flags, const EvalArgs& args) {
  // Several datasets, comma-separated, make one mixed set (e.g. to score automatic typing on
  // receipts, invoices and forms together); each keeps its own annotated fields.
  Result<eval::DatasetList> set = eval::LoadDatasets(args.dataset, args.datasets_root, args.limit);
  if (!set.ok()) {
    std::cerr << "sheaf: " << set.status().message() << "\n";
    return kExitUsage;
  }
  std::vector<eval::LabelledDocument>& docs = set->docs;
  const std::vector<std::size_t>& part_of = set->part_of;
  const std::vector<std::string>& parts = set->parts;
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
      auto schema = schemas->find(docs[i].type);
      if (schema != schemas->end()) learn_docs[i].schema = &schema->second;
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

}  // namespace sheaf::app
