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

// With `base` (a model file), fine-tunes it (TextClassifier::FineTune) instead of training
// from scratch.
int RunTrainClassifier(PipelineFlags& flags, const std::string& manifest, const std::string& out,
                       double holdout, const std::string& eval_manifest,
                       const std::string& report_path, const std::string& base = "");

// `sheaf train-classifier --from-reviews`: the tenant's own document-type model, the shipped
// (or --model) one fine-tuned on the documents the tenant's reviewers approved or corrected
// (docs/learning.md). Empty URLs: the data dir's own stores.
struct FromReviewsArgs {
  std::string tenant;        // name or id
  std::string out;           // "": TenantClassifierPath(data dir, tenant id)
  std::string metadata_url;  // as `sheaf serve --metadata`
  std::string blobs_url;     // as `sheaf serve --blobs`
};
// Fewer reviewed documents with text than this, or of fewer than two types: no model.
inline constexpr int kMinReviewedForModel = 2;
// The newest this many reviewed documents are read (bounding the command's memory: each is
// its pages' text); a tenant's own words are learned from far fewer.
inline constexpr int kMaxReviewedForModel = 5000;

int RunTrainClassifierFromReviews(const PipelineFlags& flags, const FromReviewsArgs& args);

// `sheaf train-extractor --from-reviews`: the tenant's own extractor ranker (extract/ranker.h),
// trained as `train-extractor` trains one, on the documents the tenant's reviewers approved or
// corrected: the candidates of each document's stored pages (no OCR again), right where they
// read as the field as finally recorded (the reviewer's correction, or the approved value).
// Fields the shipped (or --extractor-model) ranker has and the reviews do not teach are kept
// from it. Written to TenantExtractorPath (or args.out). Never reads another tenant's
// documents. Exit 1 when fewer than kMinReviewedForModel documents teach a field.
int RunTrainExtractorFromReviews(const PipelineFlags& flags, const FromReviewsArgs& args);

// Writes the model at `in` (binary or JSON) to `out` in the form its name asks for.
int RunConvertModel(const std::string& in, const std::string& out);

}  // namespace sheaf::app

#endif  // SHEAF_APP_TRAIN_COMMANDS_H_
