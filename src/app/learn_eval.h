// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf eval --learn-from-first` (docs/learning.md): per sender of a labelled dataset, the
// first document is corrected - each scored field whose extracted value is wrong gets the
// expected one - through the learning code the API's corrections use (learn::SenderLearner on
// a real, temporary SQLite MetadataStore, one tenant); every later document of that sender is
// then scored as extracted ("before") and with the tenant's sender memory applied ("after").
#ifndef SHEAF_APP_LEARN_EVAL_H_
#define SHEAF_APP_LEARN_EVAL_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "eval/datasets.h"
#include "extract/schema.h"
#include "learn/sender_memory.h"
#include "sheaf/document.h"
#include "sheaf/status.h"

namespace sheaf::app {

struct LearnEvalDocument {
  const eval::LabelledDocument* truth = nullptr;
  std::string group;  // the dataset's sender ("" = unknown: not part of the measurement)
  std::optional<Document> result;  // as processed; nullopt when it failed
  std::map<std::string, extract::FieldType> scored;  // the fields scored, with their types
  const extract::Schema* schema = nullptr;  // of its type; null: no tenant ranker example
};

struct LearnEvalReport {
  int senders = 0;          // senders with two or more documents
  int later_documents = 0;  // documents after each sender's first
  int recognised = 0;       // later documents whose sender identity matched their first's
  int recognised_approximately = 0;  // ... or was learn::SameSender as it (what Recall uses)
  int corrected_fields = 0;  // fields corrected on first documents
  int learned_fields = 0;    // of those, the ones whose value the page printed (learned)
  // On later documents, for the fields corrected on their sender's first document: how many,
  // right before and after, and after from sender memory with confidence >= 0.9.
  int later_corrected = 0, right_before = 0, right_after = 0, confident_after = 0;
  // The target: of the later documents whose sender was recognised (approximately)
  // and whose first document had corrections, those on which every corrected field is right
  // after with confidence >= 0.9 (no review needed for them).
  int no_review_eligible = 0, no_review = 0;
  // The same target split by what OCR made of the later document itself: of the eligible
  // documents, those whose page prints every corrected field's expected value as OCR read it
  // (its letters and digits, exactly: PickWords at distance 0), and of those the ones needing
  // no review. On the others a corrected value is not printed as read: OCR misread it on that
  // page (which only the reviewer's spelling of a name or address, or a misread place, can
  // recover; an amount misread stays in review), or the page prints it otherwise (a currency's
  // sign for its code, which the sender's currency supplies).
  int no_review_eligible_read = 0, no_review_read = 0;
  // Corrections whose value the first document's page did not print as read, for which the
  // simulated reviewer pointed at words (PickWords), and of those, the ones learned.
  int pointed = 0, pointed_learned = 0;
  // Over every scored field of the later documents: how many were confident (>= 0.9, no
  // review), and of those how many wrong - as extracted (before) and with the memory (after).
  int confident_before = 0, confident_wrong_before = 0;
  int confident_after_all = 0, confident_wrong_after = 0;
  // The eligible later documents that still need review, each with its corrected fields that
  // are wrong or unsure after: {"document", "sender", "fields": [{"field", "expected", "got",
  // "confidence", "source", "learned", "read_on_page"}]} ("learned": whether the first document
  // taught it; "read_on_page": whether this page prints the expected value as OCR read it).
  nlohmann::ordered_json still_reviewed = nlohmann::ordered_json::array();
  // The same with a tenant ranker (`train-extractor --from-reviews`) trained on the first
  // documents as reviewed (their expected fields) applied before the memory, as the service
  // applies a tenant's ranker at extraction and its memory at validation: F1 per field and
  // micro, and the later documents needing no review then.
  std::map<std::string, double> ranked_f1;
  std::map<std::string, double> ranker_alone_f1;  // the tenant ranker without the memory
  double ranked_micro_f1 = 0;
  int ranked_no_review = 0;
  std::vector<std::string> ranker_fields;  // the fields the tenant ranker learned
  nlohmann::ordered_json before, after;  // FieldScorer::ToJson of the later documents
  std::map<std::string, std::pair<double, double>> f1;  // field -> (before, after)
  std::pair<double, double> micro_f1;
};

// The eval's simulated reviewer pointing at a value on the page (docs/learning.md, "Measuring
// it"): the words a person would click or lasso for `printed` (the value as the dataset gives
// it, i.e. as printed) when OCR misread it - the words whose letters and digits are nearest
// it: for money and dates 1-3 words on one row with as many letters and digits, at most one in
// five different (never none allowed: one); for text the words in a rectangle over 1-4
// consecutive rows of one page (a lasso), within one edit in four. Among equally near ones the
// fewest words, then the first on the page. nullopt when none is that near. With `distance`,
// how many letters and digits the words picked differ by (0: the page prints the value exactly
// as OCR read it, but for case, spaces and punctuation).
std::optional<learn::PointedWords> PickWords(const Document& doc, const std::string& printed,
                                             extract::FieldType type,
                                             std::size_t* distance = nullptr);

// Runs the measurement over `docs` (dataset order; "first" is the first of each group there).
// `work_dir` holds the temporary store (removed afterwards). Errors: the store's.
Result<LearnEvalReport> RunLearnFromFirst(const std::vector<LearnEvalDocument>& docs,
                                          const std::string& work_dir);

}  // namespace sheaf::app

#endif  // SHEAF_APP_LEARN_EVAL_H_
