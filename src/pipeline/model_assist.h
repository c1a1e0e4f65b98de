// SPDX-License-Identifier: GPL-3.0-or-later
//
// ModelAssist: the foundation-model step of extraction (docs/foundation-model.md). After the
// built-in extraction, it asks the FoundationModel for the fields left empty or unsure, through
// the "foundation-model" circuit breaker, checks the answer (extract/foundation_model.h) and
// merges what passes.
//
//   breaker open, call failed       built-in extraction only; a document that needed the model
//   (error, timeout, 429/5xx)       (a required field absent, or a field read unsure) goes to
//                                   review with rule "foundation_model_unavailable" naming those
//                                   fields and why; optional fields left empty hold nothing back
//   answer rejected by the checks   nothing changes; the same, with rule
//                                   "foundation_model_rejected"; the call counts as a failure
//   answer accepted                 empty / unsure fields filled; a success (slow past the
//                                   breaker's slow-call threshold, timed on the injected Clock)
//   novel document (type unknown,   while the breaker is open: queued for review
//   "other" or unsure) with nothing  ("foundation_model_unavailable"), not finished
//   to ask
//
// Thread-safe: immutable after construction; the model and the breaker are safe for concurrent use.
#ifndef SHEAF_PIPELINE_MODEL_ASSIST_H_
#define SHEAF_PIPELINE_MODEL_ASSIST_H_

#include <memory>
#include <string_view>

#include "extract/foundation_model.h"
#include "pipeline/understand.h"
#include "resilience/circuit_breaker.h"
#include "sheaf/clock.h"
#include "sheaf/foundation_model.h"

namespace sheaf {

inline constexpr std::string_view kModelUnavailableRule = "foundation_model_unavailable";
inline constexpr std::string_view kModelRejectedRule = "foundation_model_rejected";

struct ModelAssistOptions {
  extract::ModelPromptOptions prompt;
};

class ModelAssist final : public ExtractionAssist {
 public:
  // REQUIRES: model and breaker not null; `clock` outlives the object.
  ModelAssist(std::shared_ptr<FoundationModel> model, std::shared_ptr<CircuitBreaker> breaker, Clock* clock,
              ModelAssistOptions options = {});

  void Assist(const extract::Schema& schema, bool novel, Document* doc) const override;

 private:
  std::shared_ptr<FoundationModel> model_;
  std::shared_ptr<CircuitBreaker> breaker_;
  Clock* const clock_;
  const ModelAssistOptions options_;
};

}  // namespace sheaf

#endif  // SHEAF_PIPELINE_MODEL_ASSIST_H_
