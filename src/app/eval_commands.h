// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf eval` (fields, document types, grouped by sender, learning from the first document)
// and `sheaf eval-ocr` (character error rates against the raw tesseract command): docs/cli.md.
#ifndef SHEAF_APP_EVAL_COMMANDS_H_
#define SHEAF_APP_EVAL_COMMANDS_H_

#include <string>

#include "app/pipeline_cli.h"

#include "eval/datasets.h"

namespace sheaf::app {

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

int RunEval(PipelineFlags& flags, const EvalArgs& args);

// Scores OCR on a dataset folder (manifest.jsonl) and, with `baseline`, the raw tesseract CLI.
int RunEvalOcr(PipelineFlags& flags, const std::string& dataset, bool baseline, int limit,
               const std::string& out_path);

}  // namespace sheaf::app

#endif  // SHEAF_APP_EVAL_COMMANDS_H_
