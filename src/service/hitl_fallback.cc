// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/hitl_fallback.h"

#include <cstdio>

namespace sheaf {

namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

}  // namespace

AutoApproval DecideAutoApproval(const Document& doc, double threshold) {
  const Field* lowest = nullptr;
  std::string lowest_name;
  auto visit = [&](const std::string& name, const Field& f) {
    if (lowest == nullptr || f.confidence < lowest->confidence) {
      lowest = &f;
      lowest_name = name;
    }
  };
  for (const auto& [name, f] : doc.fields) visit(name, f);
  for (std::size_t i = 0; i < doc.line_items.size(); ++i) {
    for (const auto& [name, f] : doc.line_items[i]) {
      visit("line_items[" + std::to_string(i) + "]." + name, f);
    }
  }
  if (lowest == nullptr) return {false, "no fields"};
  if (lowest->confidence < threshold) {
    return {false, "field " + lowest_name + " has confidence " + Number(lowest->confidence) +
                       " < " + Number(threshold)};
  }
  return {true, "every field's confidence >= " + Number(threshold) + ", lowest " +
                    Number(lowest->confidence) + " (" + lowest_name + ")"};
}

}  // namespace sheaf
