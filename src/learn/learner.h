// SPDX-License-Identifier: GPL-3.0-or-later
//
// SenderLearner: a tenant's sender memory (sheaf/metadata_store.h) put to use - recalled for
// each new document after extraction, and fed by every correction (a review's or one of a
// completed document), through the same code for the API and `sheaf eval --learn-from-first`.
//
// Contract: thread-safe (it holds only the store, which is); tenant-scoped like the store -
// what one tenant's corrections teach is never read for another tenant's documents.
#ifndef SHEAF_LEARN_LEARNER_H_
#define SHEAF_LEARN_LEARNER_H_

#include <map>
#include <string>
#include <vector>

#include "learn/sender.h"
#include "learn/sender_memory.h"
#include "learn/table_memory.h"
#include "sheaf/document.h"
#include "sheaf/metadata_store.h"
#include "sheaf/status.h"

namespace sheaf::learn {

class SenderLearner {
 public:
  // `store` is not owned and outlives the learner.
  explicit SenderLearner(MetadataStore* store) : store_(store) {}

  struct Recalled {
    SenderIdentity sender;
    std::string remembered;  // the key of the memory used: sender.key, or one SameSender as it
    std::vector<std::string> fields;  // the fields the memory set
  };
  // Identifies `doc`'s sender and applies what the tenant's memory holds about it
  // (ApplyPlaces, and ApplyTable for its line items, listed as "line_items" when read): the memory of its key or, when there is none and the key is a name, of the
  // nearest of the tenant's name keys that is SameSender as it (OCR reads a receipt's name
  // differently each time). Errors: the store's (nothing is changed then).
  Result<Recalled> Recall(const std::string& tenant_id, Document* doc) const;

  // Learns from a correction of document `document_id`, whose extracted state (pages and
  // fields as extraction left them) is `doc`: for each corrected field (name -> value; null
  // values, i.e. removals, teach nothing), where `doc` prints the value (LearnPlace), stored
  // for the sender. Returns the fields learned; those whose value the page does not print are
  // left out. `pointed`: for some of the fields, the words the reviewer filled it from (the
  // review page's click or lasso), which are its place even when OCR misread them (LearnPlace).
  // A document without a sender teaches nothing. Errors: the store's.
  Result<std::vector<std::string>> Learn(const std::string& tenant_id,
                                         const std::string& document_id, const Document& doc,
                                         const std::map<std::string, std::string>& corrected,
                                         const std::string& actor,
                                         const std::map<std::string, PointedWords>& pointed = {}) const;

  // Learns from a correction of document `document_id`'s line items (`rows`, the rows the
  // reviewer left; extracted state `doc` as for Learn): how the sender prints its item table
  // (LearnTable), stored for the sender under kLineItemsMemoryField. Returns whether it learned
  // (false when the rows are not found on the page, none has a header above it, or the
  // document has no sender). Errors: the store's.
  Result<bool> LearnLineItems(const std::string& tenant_id, const std::string& document_id,
                              const Document& doc, const std::vector<CorrectedRow>& rows,
                              const std::string& actor) const;

 private:
  MetadataStore* const store_;
};

}  // namespace sheaf::learn

#endif  // SHEAF_LEARN_LEARNER_H_
