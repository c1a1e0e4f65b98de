// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf train-classifier`, `sheaf train-extractor` and `sheaf convert-model`: the document-type
// model and the extractor's ranker trained from labelled data, and the model's two file forms
// (docs/cli.md, docs/doctype-model.md, docs/extraction.md).
#ifndef SHEAF_APP_TRAIN_COMMANDS_H_
#define SHEAF_APP_TRAIN_COMMANDS_H_

#include <string>

#include "app/pipeline_cli.h"

#include "eval/datasets.h"

namespace sheaf::app {

struct TrainExtractorArgs {
  std::string dataset, datasets_root = eval::kDefaultDatasetsRoot, out, fields;
  int limit = 0;
};

int RunTrainExtractor(PipelineFlags& flags, const TrainExtractorArgs& args);

int RunTrainClassifier(PipelineFlags& flags, const std::string& manifest, const std::string& out,
                       double holdout, const std::string& eval_manifest,
                       const std::string& report_path);

// Writes the model at `in` (binary or JSON) to `out` in the form its name asks for.
int RunConvertModel(const std::string& in, const std::string& out);

}  // namespace sheaf::app

#endif  // SHEAF_APP_TRAIN_COMMANDS_H_
