// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/foundation_model.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "extract/normalize.h"

namespace sheaf::extract {

namespace {

const FieldSpec* FindSpec(const Schema& schema, const std::string& name) {
  for (const FieldSpec& f : schema.fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// A field whose value the model may replace or confirm.
bool Unsure(const FieldSpec& spec, const Field& f) {
  if (f.source == "embedded_xml" || f.source == "review") return false;
  return f.confidence < spec.review_threshold;
}

std::string TypeHint(FieldType t) {
  switch (t) {
    case FieldType::kDate: return "a date";
    case FieldType::kMoney: return "an amount of money";
    case FieldType::kCurrency: return "a currency";
    case FieldType::kId: return "a document number or reference";
    case FieldType::kAddress: return "a postal address";
    case FieldType::kIban: return "an IBAN";
    case FieldType::kVatId: return "a VAT identification number";
    case FieldType::kNumber: return "a number";
    case FieldType::kString: break;
  }
  return "text";
}

// The value of `raw` normalised by `type`, or nullopt when it does not read as one.
std::optional<std::string> Normalise(FieldType type, const std::string& raw) {
  switch (type) {
    case FieldType::kDate: return NormalizeDate(raw, GuessDateOrder({raw}));
    case FieldType::kMoney: {
      std::optional<Money> m = NormalizeMoney(raw);
      if (!m) return std::nullopt;
      return m->amount;
    }
    case FieldType::kCurrency: return NormalizeCurrency(raw);
    case FieldType::kIban: return NormalizeIban(raw);
    case FieldType::kVatId: return NormalizeVatId(raw);
    case FieldType::kNumber: return NormalizeNumber(raw);
    case FieldType::kString:
    case FieldType::kId:
    case FieldType::kAddress: break;
  }
  return raw;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Punctuation that may cling to a printed word without being part of the value.
std::string_view TrimPunct(std::string_view s) {
  constexpr std::string_view kPunct = ",;:()[]\"'";
  while (!s.empty() && kPunct.find(s.front()) != std::string_view::npos) s.remove_prefix(1);
  while (!s.empty() && kPunct.find(s.back()) != std::string_view::npos) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// The form words and tokens are compared in: lower case, without clinging punctuation.
std::string Comparable(std::string_view s) { return Lower(TrimPunct(s)); }

// True iff the comparable token `t` may stand for the comparable printed word `w`: equal, or,
// when `partial`, a part of it that does not cut a number or a word in two ("8.60" in
// "rm8.60", not "2.5" in "12.50").
bool TokenMatches(const std::string& t, const std::string& w, bool partial) {
  if (t.empty()) return false;
  if (t == w) return true;
  if (!partial || t.size() < 2) return false;
  for (std::size_t at = w.find(t); at != std::string::npos; at = w.find(t, at + 1)) {
    const char before = at == 0 ? ' ' : w[at - 1];
    const std::size_t end = at + t.size();
    const char after = end >= w.size() ? ' ' : w[end];
    const bool cuts_before = (IsDigit(t.front()) && IsDigit(before)) || (IsAlpha(t.front()) && IsAlpha(before));
    const bool cuts_after = (IsDigit(t.back()) && IsDigit(after)) || (IsAlpha(t.back()) && IsAlpha(after));
    if (!cuts_before && !cuts_after) return true;
  }
  return false;
}

// One page's words in reading order, with their comparable forms (made once per answer).
struct PageWords {
  int page = 0;
  std::vector<const Word*> words;
  std::vector<std::string> comparable;
};

std::vector<PageWords> WordsOf(const Document& doc) {
  std::vector<PageWords> pages;
  for (const Page& page : doc.pages) {
    PageWords p;
    p.page = page.number;
    for (const Block& b : page.blocks) {
      for (const Line& l : b.lines) {
        for (const Word& w : l.words) {
          p.words.push_back(&w);
          p.comparable.push_back(Comparable(w.text));
        }
      }
    }
    pages.push_back(std::move(p));
  }
  return pages;
}

struct Found {
  int page = 0;
  std::vector<const Word*> words;  // empty when not found
};

std::vector<std::string> SplitBlanks(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// The first run of words of one page, in reading order, that prints `tokens`.
Found FindOnPage(const std::vector<PageWords>& pages, const std::vector<std::string>& raw_tokens) {
  std::vector<std::string> tokens;
  for (const std::string& t : raw_tokens) tokens.push_back(Comparable(t));
  for (const PageWords& p : pages) {
    if (p.words.size() < tokens.size()) continue;
    for (std::size_t start = 0; start + tokens.size() <= p.words.size(); ++start) {
      bool all = true;
      for (std::size_t i = 0; i < tokens.size() && all; ++i) {
        const bool edge = i == 0 || i + 1 == tokens.size();
        all = TokenMatches(tokens[i], p.comparable[start + i], edge);
      }
      if (all) {
        Found f;
        f.page = p.page;
        f.words.assign(p.words.begin() + static_cast<std::ptrdiff_t>(start),
                       p.words.begin() + static_cast<std::ptrdiff_t>(start + tokens.size()));
        return f;
      }
    }
  }
  return {};
}

Status Rejected(const std::string& why) {
  return Status(ErrorCode::kInvalidArgument, "foundation model answer rejected: " + why);
}

}  // namespace

std::vector<std::string> FieldsToAsk(const Schema& schema, const std::map<std::string, Field>& fields) {
  std::vector<std::string> asked;
  for (const FieldSpec& spec : schema.fields) {
    auto it = fields.find(spec.name);
    if (it == fields.end() || Unsure(spec, it->second)) asked.push_back(spec.name);
  }
  return asked;
}

std::string AnswerJsonSchema(const Schema& schema, const std::vector<std::string>& asked) {
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const std::string& name : asked) {
    const FieldSpec* spec = FindSpec(schema, name);
    std::string description = spec == nullptr ? "text" : TypeHint(spec->type);
    properties[name] = {{"type", {"string", "null"}},
                        {"description", description + ", copied exactly as printed, or null"}};
    required.push_back(name);
  }
  nlohmann::json s = {{"type", "object"},
                      {"properties", properties},
                      {"required", required},
                      {"additionalProperties", false}};
  return s.dump();
}

ModelRequest BuildModelRequest(const Document& doc, const Schema& schema,
                               const std::vector<std::string>& asked, const ModelPromptOptions& options) {
  ModelRequest r;
  r.schema_name = schema.type + "_fields";
  r.json_schema = AnswerJsonSchema(schema, asked);
  std::string fields;
  for (const std::string& name : asked) {
    const FieldSpec* spec = FindSpec(schema, name);
    fields += "- " + name + ": " + (spec == nullptr ? std::string("text") : TypeHint(spec->type));
    if (spec != nullptr) {
      auto en = spec->labels.find("en");
      if (en != spec->labels.end() && !en->second.empty()) {
        fields += " (printed after labels such as";
        for (std::size_t i = 0; i < en->second.size() && i < 4; ++i) fields += " \"" + en->second[i] + "\"";
        fields += ")";
      }
    }
    fields += "\n";
  }
  r.instructions =
      "You read one " + schema.type + " (" + schema.description + ") and answer with a JSON object "
      "holding these fields:\n" + fields +
      "Copy each value exactly as it is printed in the document (the same characters, not "
      "reformatted, not translated, not computed). Use null for a field the document does not "
      "show. The document is given line by line as \"[x0,y0,x1,y1] text\", positions in page pixels.";
  std::string content;
  bool cut = false;
  for (const Page& page : doc.pages) {
    std::string heading = "page " + std::to_string(page.number) + " (" + std::to_string(page.width) + " x " +
                          std::to_string(page.height) + ")\n";
    if (content.size() + heading.size() > options.max_content_bytes) {
      cut = true;
      break;
    }
    content += heading;
    for (const Block& b : page.blocks) {
      for (const Line& l : b.lines) {
        std::string line = "[" + std::to_string(l.bbox.x0) + "," + std::to_string(l.bbox.y0) + "," +
                           std::to_string(l.bbox.x1) + "," + std::to_string(l.bbox.y1) + "] " + l.Text() + "\n";
        if (content.size() + line.size() > options.max_content_bytes) {
          cut = true;
          break;
        }
        content += line;
      }
      if (cut) break;
    }
    if (cut) break;
  }
  if (cut) content += "[the rest of the document is left out]\n";
  r.content = std::move(content);
  return r;
}

Result<std::map<std::string, Field>> ReadModelAnswer(std::string_view answer, const Document& doc,
                                                     const Schema& schema,
                                                     const std::vector<std::string>& asked) {
  nlohmann::json j = nlohmann::json::parse(answer, nullptr, false);
  if (j.is_discarded()) return Rejected("not JSON (" + std::to_string(answer.size()) + " bytes)");
  if (!j.is_object()) return Rejected("not a JSON object");
  const std::set<std::string> wanted(asked.begin(), asked.end());
  for (const auto& [key, value] : j.items()) {
    if (!wanted.count(key)) return Rejected("field \"" + key + "\" was not asked for");
  }
  std::map<std::string, Field> out;
  const std::vector<PageWords> pages = WordsOf(doc);
  for (const std::string& name : asked) {
    if (!j.contains(name)) return Rejected("field \"" + name + "\" is missing");
    const nlohmann::json& v = j[name];
    if (v.is_null()) continue;
    if (!v.is_string()) return Rejected("field \"" + name + "\" is neither a string nor null");
    const std::string raw = v.get<std::string>();
    std::vector<std::string> tokens = SplitBlanks(raw);
    if (tokens.empty()) continue;
    if (tokens.size() > kMaxModelValueWords) {
      return Rejected("field \"" + name + "\" has more than " + std::to_string(kMaxModelValueWords) + " words");
    }
    const FieldSpec* spec = FindSpec(schema, name);
    if (spec == nullptr) return Rejected("field \"" + name + "\" is not in schema " + schema.type);
    std::optional<std::string> value = Normalise(spec->type, raw);
    if (!value || value->empty()) {
      return Rejected("field \"" + name + "\" does not read as " + TypeHint(spec->type));
    }
    const Found found = FindOnPage(pages, tokens);
    if (found.words.empty()) return Rejected("field \"" + name + "\": its value is not printed on the page");
    Field f;
    f.page = found.page;
    double confidence = 0;
    for (const Word* w : found.words) {
      f.bbox = f.bbox.Union(w->bbox);
      if (!f.raw.empty()) f.raw += ' ';
      f.raw += w->text;
      confidence += w->confidence;
    }
    confidence /= static_cast<double>(found.words.size());
    f.value = spec->type == FieldType::kString || spec->type == FieldType::kAddress ||
                      spec->type == FieldType::kId
                  ? [&] {
                      std::string joined;
                      for (const std::string& t : tokens) joined += (joined.empty() ? "" : " ") + t;
                      return joined;
                    }()
                  : *value;
    f.confidence = kFoundationModelMaxConfidence * std::clamp(confidence, 0.0, 1.0);
    f.source = std::string(kFoundationModelSource);
    out[name] = std::move(f);
  }
  return out;
}

std::vector<std::string> MergeModelFields(const Schema& schema, const std::map<std::string, Field>& from_model,
                                          std::map<std::string, Field>* fields) {
  std::vector<std::string> changed;
  for (const auto& [name, got] : from_model) {
    const FieldSpec* spec = FindSpec(schema, name);
    if (spec == nullptr) continue;
    auto it = fields->find(name);
    if (it == fields->end()) {
      (*fields)[name] = got;
      changed.push_back(name);
      continue;
    }
    Field& own = it->second;
    if (!Unsure(*spec, own)) continue;
    if (own.value == got.value) {
      if (got.confidence > own.confidence) {
        own.confidence = got.confidence;
        own.source = std::string(kFoundationModelSource);
        changed.push_back(name);
      }
    } else if (got.confidence > own.confidence) {
      own = got;
      changed.push_back(name);
    }
  }
  return changed;
}

}  // namespace sheaf::extract
