// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/model_assist.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace sheaf {

namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void AddRule(std::string_view rule, std::string message, std::vector<std::string> fields, Document* doc) {
  RuleResult r;
  r.rule = std::string(rule);
  r.status = RuleStatus::kWarn;
  r.message = std::move(message);
  r.fields = std::move(fields);
  doc->validation.push_back(std::move(r));
}

// The asked fields the document cannot complete without: required and absent, or read unsure.
// Optional fields left empty do not hold a document back when the model is unavailable.
std::vector<std::string> Needed(const extract::Schema& schema, const std::vector<std::string>& asked,
                                const Document& doc) {
  std::vector<std::string> needed;
  for (const std::string& name : asked) {
    for (const extract::FieldSpec& spec : schema.fields) {
      if (spec.name != name) continue;
      if (spec.required || doc.fields.count(name)) needed.push_back(name);
    }
  }
  return needed;
}

}  // namespace

ModelAssist::ModelAssist(std::shared_ptr<FoundationModel> model, std::shared_ptr<CircuitBreaker> breaker,
                         Clock* clock, ModelAssistOptions options)
    : model_(std::move(model)), breaker_(std::move(breaker)), clock_(clock), options_(std::move(options)) {}

void ModelAssist::Assist(const extract::Schema& schema, bool novel, Document* doc) const {
  const std::vector<std::string> asked = extract::FieldsToAsk(schema, doc->fields);
  if (asked.empty()) {
    if (novel && breaker_->state() == BreakerState::kOpen) {
      char conf[16];
      std::snprintf(conf, sizeof conf, "%.2f", doc->document_type.confidence);
      AddRule(kModelUnavailableRule,
              "novel document (type " + doc->document_type.label + ", confidence " + conf +
                  ") queued for review: circuit breaker " + breaker_->name() + " is open",
              {}, doc);
    }
    return;
  }
  const std::vector<std::string> needed = Needed(schema, asked, *doc);
  if (!breaker_->TryAcquirePermission()) {
    if (!needed.empty()) {
      AddRule(kModelUnavailableRule,
              "circuit breaker " + breaker_->name() + " is open; built-in extraction only for " + Join(needed),
              needed, doc);
    }
    return;
  }
  const ModelRequest request = extract::BuildModelRequest(*doc, schema, asked, options_.prompt);
  const Clock::TimePoint t0 = clock_->Now();
  Result<std::string> answer = model_->Ask(request);
  const std::chrono::nanoseconds took = clock_->Now() - t0;
  if (!answer.ok()) {
    breaker_->OnError(took);
    spdlog::warn("{}", answer.status().message());
    if (!needed.empty()) {
      AddRule(kModelUnavailableRule, answer.status().message() + "; built-in extraction only for " + Join(needed),
              needed, doc);
    }
    return;
  }
  Result<std::map<std::string, Field>> fields = extract::ReadModelAnswer(*answer, *doc, schema, asked);
  if (!fields.ok()) {
    // A model that answers garbage is as broken as one that does not answer.
    breaker_->OnError(took);
    spdlog::warn("{}", fields.status().message());
    if (!needed.empty()) AddRule(kModelRejectedRule, fields.status().message(), needed, doc);
    return;
  }
  breaker_->OnSuccess(took);
  extract::MergeModelFields(schema, *fields, &doc->fields);
}

}  // namespace sheaf
