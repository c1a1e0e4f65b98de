// SPDX-License-Identifier: GPL-3.0-or-later
#include "learn/learner.h"

#include "learn/sender_memory.h"

namespace sheaf::learn {

Result<SenderLearner::Recalled> SenderLearner::Recall(const std::string& tenant_id,
                                                      Document* doc) const {
  Recalled out;
  out.sender = IdentifySender(*doc);
  if (out.sender.key.empty()) return out;
  Result<std::vector<SenderFieldMemory>> memory =
      store_->ListSenderMemory(tenant_id, out.sender.key);
  if (!memory.ok()) return memory.status();
  if (!memory->empty()) out.remembered = out.sender.key;
  if (memory->empty() && out.sender.kind == "name") {
    Result<std::vector<std::string>> names = store_->ListSenders(tenant_id, "name:");
    if (!names.ok()) return names.status();
    std::size_t nearest = std::string::npos;
    for (const std::string& name : *names) {
      if (!SameSender(name, out.sender.key)) continue;
      const std::size_t d = EditDistance(name, out.sender.key);
      if (d < nearest) {
        nearest = d;
        out.remembered = name;
      }
    }
    if (!out.remembered.empty()) {
      memory = store_->ListSenderMemory(tenant_id, out.remembered);
      if (!memory.ok()) return memory.status();
    }
  }
  std::vector<FieldPlace> places;
  std::optional<TableLayout> table;
  for (const SenderFieldMemory& m : *memory) {
    if (m.field == kLineItemsMemoryField) {
      table = TableFromJson(m.memory_json);
    } else if (std::optional<FieldPlace> p = PlaceFromJson(m.field, m.memory_json)) {
      places.push_back(std::move(*p));
    }
  }
  out.fields = ApplyPlaces(places, doc);
  if (table && ApplyTable(*table, doc) > 0) out.fields.push_back(kLineItemsMemoryField);
  return out;
}

Result<std::vector<std::string>> SenderLearner::Learn(
    const std::string& tenant_id, const std::string& document_id, const Document& doc,
    const std::map<std::string, std::string>& corrected, const std::string& actor,
    const std::map<std::string, PointedWords>& pointed) const {
  std::vector<std::string> learned;
  const SenderIdentity sender = IdentifySender(doc);
  if (sender.key.empty()) return learned;
  for (const auto& [field, value] : corrected) {
    const auto at = pointed.find(field);
    std::optional<FieldPlace> place =
        LearnPlace(doc, field, value,
                   at == pointed.end() ? std::nullopt : std::optional<PointedWords>(at->second));
    if (!place) continue;
    SenderFieldMemory m;
    m.sender = sender.key;
    m.field = field;
    m.memory_json = PlaceToJson(*place);
    m.document_id = document_id;
    if (Status s = store_->PutSenderMemory(tenant_id, m, actor); !s.ok()) return s;
    learned.push_back(field);
  }
  return learned;
}

Result<bool> SenderLearner::LearnLineItems(const std::string& tenant_id,
                                           const std::string& document_id, const Document& doc,
                                           const std::vector<CorrectedRow>& rows,
                                           const std::string& actor) const {
  const SenderIdentity sender = IdentifySender(doc);
  if (sender.key.empty()) return false;
  std::optional<TableLayout> table = LearnTable(doc, rows);
  if (!table) return false;
  SenderFieldMemory m;
  m.sender = sender.key;
  m.field = kLineItemsMemoryField;
  m.memory_json = TableToJson(*table);
  m.document_id = document_id;
  if (Status s = store_->PutSenderMemory(tenant_id, m, actor); !s.ok()) return s;
  return true;
}

}  // namespace sheaf::learn
