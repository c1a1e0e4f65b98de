// SPDX-License-Identifier: GPL-3.0-or-later
#include "extract/schema.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "core/edit_distance.h"

namespace sheaf::extract {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::pair<FieldType, std::string_view>, 9> kFieldTypeNames = {{
    {FieldType::kString, "string"},
    {FieldType::kDate, "date"},
    {FieldType::kMoney, "money"},
    {FieldType::kCurrency, "currency"},
    {FieldType::kId, "id"},
    {FieldType::kAddress, "address"},
    {FieldType::kIban, "iban"},
    {FieldType::kVatId, "vat_id"},
    {FieldType::kNumber, "number"},
}};

using Keys = std::span<const std::string_view>;
constexpr std::string_view kSchemaKeys[] = {"type",   "description", "review_threshold",
                                            "fields", "line_items",  "key_values"};
constexpr std::string_view kSchemaRequired[] = {"type", "description", "review_threshold",
                                                "fields"};
constexpr std::string_view kFieldKeys[] = {"name", "type", "required", "review_threshold",
                                           "labels"};
constexpr std::string_view kFieldRequired[] = {"name", "type"};
constexpr std::string_view kLineItemKeys[] = {"columns"};

std::string Join(Keys words) {
  std::string out;
  for (std::string_view word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

// [a-z][a-z0-9]*(_[a-z0-9]+)*
bool IsSnakeCase(std::string_view name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z' || name.back() == '_') return false;
  char previous = '\0';
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok || (c == '_' && previous == '_')) return false;
    previous = c;
  }
  return true;
}

bool IsLanguageCode(std::string_view code) {
  return code.size() >= 2 && code.size() <= 3 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Lower-cases ASCII and the Latin-1 letters of UTF-8 text (À..Þ except ×, and Œ), which covers
// English, German and French labels; other bytes are kept as they are.
std::string LowerCase(std::string_view text) {
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto byte = static_cast<unsigned char>(out[i]);
    if (byte >= 'A' && byte <= 'Z') {
      out[i] = static_cast<char>(byte + ('a' - 'A'));
    } else if ((byte == 0xC3 || byte == 0xC5) && i + 1 < out.size()) {
      auto next = static_cast<unsigned char>(out[i + 1]);
      if ((byte == 0xC3 && next >= 0x80 && next <= 0x9E && next != 0x97) ||
          (byte == 0xC5 && next == 0x92)) {
        out[i + 1] = static_cast<char>(next + (byte == 0xC3 ? 0x20 : 0x01));
      }
      ++i;
    }
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

// Parses one document, remembering the file name for messages. Every method that can fail
// returns a Status located at the node at fault.
class SchemaParser {
 public:
  explicit SchemaParser(const std::string& file) : file_(file) {}

  Status Error(const YAML::Mark& mark, std::string_view message) const {
    // Nodes that were never parsed (none reach here by design) carry a null mark: report 1:1.
    const int line = mark.is_null() ? 1 : mark.line + 1;
    const int column = mark.is_null() ? 1 : mark.column + 1;
    return Status(ErrorCode::kInvalidArgument, file_ + ":" + std::to_string(line) + ":" +
                                                   std::to_string(column) + ": " +
                                                   std::string(message));
  }

  Result<Schema> Parse(const YAML::Node& root, std::optional<std::string_view> expected_type) {
    if (!root.IsMap()) return Error(root.Mark(), "a schema must be a mapping of keys to values");
    if (Status s = CheckKeys(root, kSchemaKeys, "the schema", kSchemaRequired); !s.ok()) {
      return s;
    }
    Schema schema;
    if (Status s = ReadName(root["type"], "type", &schema.type); !s.ok()) return s;
    if (expected_type && *expected_type != schema.type) {
      return Error(root["type"].Mark(), "type " + Quote(schema.type) +
                                            " does not match the file name " +
                                            Quote(std::string(*expected_type) + ".yaml") +
                                            " (a schema file is named after its type)");
    }
    if (Status s = ReadText(root["description"], "description", &schema.description); !s.ok()) {
      return s;
    }
    if (Status s = ReadThreshold(root["review_threshold"], &schema.review_threshold); !s.ok()) {
      return s;
    }
    if (Status s = ReadFields(root["fields"], schema.review_threshold, &schema.fields); !s.ok()) {
      return s;
    }
    if (const YAML::Node line_items = root["line_items"]) {
      if (Status s = ReadLineItems(line_items, &schema.line_item_columns); !s.ok()) return s;
    }
    if (const YAML::Node key_values = root["key_values"]) {
      if (Status s = ReadBool(key_values, "key_values", &schema.key_values); !s.ok()) return s;
      if (schema.key_values && !schema.fields.empty()) {
        return Error(key_values.Mark(),
                     "key_values: true needs \"fields: []\" (a schema has fixed fields or "
                     "reports the key/value pairs on the page, not both)");
      }
    }
    return schema;
  }

 private:
  // Rejects keys that are not strings, not in `known` or repeated (yaml-cpp keeps both copies of
  // a repeated key and would silently read the first); then requires every key of `required`.
  Status CheckKeys(const YAML::Node& map, Keys known, std::string_view where, Keys required) const {
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const YAML::Node& key = entry.first;
      if (!key.IsScalar()) {
        return Error(key.Mark(), "a key in " + std::string(where) + " must be a plain word");
      }
      const std::string& word = key.Scalar();
      if (std::find(known.begin(), known.end(), word) == known.end()) {
        std::string message = "unknown key " + Quote(word) + " in " + std::string(where);
        for (std::string_view candidate : known) {
          if (EditDistance(word, candidate) <= 2) {
            message += ", did you mean " + Quote(candidate) + "?";
            break;
          }
        }
        return Error(key.Mark(), message + " (expected one of " + Join(known) + ")");
      }
      if (!seen.insert(word).second) {
        return Error(key.Mark(), "key " + Quote(word) + " appears twice in " + std::string(where));
      }
    }
    for (std::string_view key : required) {
      if (!seen.contains(std::string(key))) {
        return Error(map.Mark(),
                     "missing required key " + Quote(key) + " in " + std::string(where));
      }
    }
    return Status::Ok();
  }

  Status ReadText(const YAML::Node& node, std::string_view what, std::string* out) const {
    if (!node.IsScalar() || Trim(node.Scalar()).empty()) {
      return Error(node.Mark(), std::string(what) + " must be a non-empty string");
    }
    *out = node.Scalar();
    return Status::Ok();
  }

  Status ReadName(const YAML::Node& node, std::string_view what, std::string* out) const {
    if (Status s = ReadText(node, what, out); !s.ok()) return s;
    if (!IsSnakeCase(*out)) {
      return Error(node.Mark(), std::string(what) + " " + Quote(*out) +
                                    " is not snake_case (lower-case letters, digits and single "
                                    "underscores, starting with a letter)");
    }
    return Status::Ok();
  }

  Status ReadThreshold(const YAML::Node& node, double* out) const {
    double value = 0.0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, value)) {
      return Error(node.Mark(), "review_threshold must be a number between 0 and 1");
    }
    if (!(value >= 0.0 && value <= 1.0)) {  // also rejects NaN
      return Error(node.Mark(),
                   "review_threshold " + node.Scalar() + " is outside [0, 1] (it is a confidence)");
    }
    *out = value;
    return Status::Ok();
  }

  Status ReadBool(const YAML::Node& node, std::string_view what, bool* out) const {
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, *out)) {
      return Error(node.Mark(), std::string(what) + " must be true or false");
    }
    return Status::Ok();
  }

  Status ReadFields(const YAML::Node& node, double default_threshold,
                    std::vector<FieldSpec>* out) const {
    if (!node.IsSequence()) {
      return Error(node.Mark(), "fields must be a list (write \"fields: []\" for none)");
    }
    std::set<std::string> names;
    for (const YAML::Node& item : node) {
      if (!item.IsMap()) {
        return Error(item.Mark(), "each entry of fields must be a mapping with name and type");
      }
      if (Status s = CheckKeys(item, kFieldKeys, "a field", kFieldRequired); !s.ok()) return s;
      FieldSpec field;
      if (Status s = ReadName(item["name"], "field name", &field.name); !s.ok()) return s;
      if (!names.insert(field.name).second) {
        return Error(item["name"].Mark(), "field " + Quote(field.name) + " is defined twice");
      }
      if (Status s = ReadFieldType(item["type"], &field.type); !s.ok()) return s;
      if (const YAML::Node required = item["required"]) {
        if (Status s = ReadBool(required, "required", &field.required); !s.ok()) return s;
      }
      field.review_threshold = default_threshold;
      if (const YAML::Node threshold = item["review_threshold"]) {
        if (Status s = ReadThreshold(threshold, &field.review_threshold); !s.ok()) return s;
      }
      if (const YAML::Node labels = item["labels"]) {
        if (Status s = ReadLabels(labels, &field.labels); !s.ok()) return s;
      }
      out->push_back(std::move(field));
    }
    return Status::Ok();
  }

  Status ReadFieldType(const YAML::Node& node, FieldType* out) const {
    std::string names;
    for (const auto& [type, name] : kFieldTypeNames) {
      names += names.empty() ? "" : ", ";
      names += name;
    }
    if (!node.IsScalar()) {
      return Error(node.Mark(), "field type must be one of " + names);
    }
    std::optional<FieldType> type = ParseFieldType(node.Scalar());
    if (!type) {
      return Error(node.Mark(), "unknown field type " + Quote(node.Scalar()) +
                                    " (expected one of " + names + ")");
    }
    *out = *type;
    return Status::Ok();
  }

  Status ReadLabels(const YAML::Node& node,
                    std::map<std::string, std::vector<std::string>>* out) const {
    if (!node.IsMap()) {
      return Error(node.Mark(),
                   "labels must map a language code to a list of words (en: [total, amount due])");
    }
    for (const auto& entry : node) {
      const YAML::Node& language = entry.first;
      const YAML::Node& words = entry.second;
      if (!language.IsScalar() || !IsLanguageCode(language.Scalar())) {
        return Error(language.Mark(),
                     "labels are keyed by a lower-case language code of 2 or 3 letters (en, de, "
                     "fr), not " +
                         Quote(language.IsScalar() ? language.Scalar() : "a collection"));
      }
      if (out->contains(language.Scalar())) {
        return Error(language.Mark(),
                     "language " + Quote(language.Scalar()) + " appears twice in labels");
      }
      if (!words.IsSequence() || words.size() == 0) {
        return Error(words.Mark(), "labels for " + Quote(language.Scalar()) +
                                       " must be a non-empty list of words");
      }
      std::vector<std::string>& list = (*out)[language.Scalar()];
      for (const YAML::Node& word : words) {
        if (!word.IsScalar() || Trim(word.Scalar()).empty()) {
          return Error(word.Mark(), "a label must be a non-empty string");
        }
        std::string label = LowerCase(Trim(word.Scalar()));
        if (std::find(list.begin(), list.end(), label) != list.end()) {
          return Error(word.Mark(),
                       "label " + Quote(label) + " appears twice for " + Quote(language.Scalar()));
        }
        list.push_back(std::move(label));
      }
    }
    return Status::Ok();
  }

  Status ReadLineItems(const YAML::Node& node, std::vector<std::string>* out) const {
    if (!node.IsMap()) return Error(node.Mark(), "line_items must be a mapping with columns");
    if (Status s = CheckKeys(node, kLineItemKeys, "line_items", kLineItemKeys); !s.ok()) return s;
    const YAML::Node columns = node["columns"];
    if (!columns.IsSequence() || columns.size() == 0) {
      return Error(columns.Mark(), "line_items columns must be a non-empty list of names");
    }
    for (const YAML::Node& column : columns) {
      std::string name;
      if (Status s = ReadName(column, "line item column", &name); !s.ok()) return s;
      if (std::find(out->begin(), out->end(), name) != out->end()) {
        return Error(column.Mark(), "line item column " + Quote(name) + " appears twice");
      }
      out->push_back(std::move(name));
    }
    return Status::Ok();
  }

  const std::string& file_;
};

// Counts documents without building them, and remembers where each of the first three starts
// and where the second one's content does.
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (count < 3) starts[count] = mark;
    ++count;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Node(mark);
  }
  void OnMapEnd() override {}

  int count = 0;
  YAML::Mark starts[3];
  YAML::Mark second_content;
  bool has_second_content = false;

 private:
  void Node(const YAML::Mark& mark) {
    if (count == 2 && !has_second_content) {
      second_content = mark;
      has_second_content = true;
    }
  }
};

Result<Schema> ParseSchemaChecked(std::string_view yaml, const std::string& file,
                                  std::optional<std::string_view> expected_type) {
  SchemaParser parser(file);
  try {
    // Not YAML::LoadAll: on some malformed input (a line starting with ',', found by the
    // schema_yaml fuzz target) yaml-cpp 0.7's LoadAll loops forever, appending empty documents
    // that consume nothing until memory runs out (fixed upstream after 0.8.0, yaml-cpp pull
    // request 1319). Asking the parser for at most three documents is bounded; two that start
    // at the same place are that loop.
    const std::string text(yaml);
    std::istringstream in(text);
    YAML::Parser documents(in);
    DocumentCounter counter;
    while (counter.count < 3 && documents.HandleNextDocument(counter)) {
    }
    if (counter.count == 0) return parser.Error(YAML::Mark(), "the file holds no schema");
    if (counter.count == 3 && counter.starts[1].pos == counter.starts[2].pos) {
      return parser.Error(counter.starts[1], "malformed YAML: the parser cannot read past here");
    }
    if (counter.count > 1) {
      return parser.Error(
          counter.has_second_content ? counter.second_content : counter.starts[1],
          "one schema per file (found a second document)");
    }
    return parser.Parse(YAML::Load(text), expected_type);
  } catch (const YAML::Exception& e) {
    // e.msg is the parser's reason without yaml-cpp's own "line x, column y" prefix.
    return parser.Error(e.mark, "malformed YAML: " + e.msg);
  } catch (const std::exception& e) {
    return Status(ErrorCode::kInternal, file + ": reading the schema failed: " + e.what());
  }
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  for (const auto& [candidate, name] : kFieldTypeNames) {
    if (candidate == type) return name;
  }
  return "string";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (const auto& [type, candidate] : kFieldTypeNames) {
    if (candidate == name) return type;
  }
  return std::nullopt;
}

Result<Schema> ParseSchema(std::string_view yaml, const std::string& name_for_errors) {
  return ParseSchemaChecked(yaml, name_for_errors, std::nullopt);
}

Result<Schema> LoadSchemaFile(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return Status(ErrorCode::kNotFound, path + ": no such schema file");
  if (!fs::is_regular_file(status)) {
    return Status(ErrorCode::kInvalidArgument, path + ": not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.is_open() || in.bad()) {
    return Status(ErrorCode::kIoError, path + ": cannot read the file");
  }
  const std::string stem = fs::path(path).stem().string();
  return ParseSchemaChecked(text, path, stem);
}

Result<std::map<std::string, Schema>> LoadSchemaDir(const std::string& dir) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) return Status(ErrorCode::kNotFound, dir + ": no such schema folder");
  if (!fs::is_directory(status)) {
    return Status(ErrorCode::kInvalidArgument, dir + ": not a folder");
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (name.empty() || name.front() == '.') continue;
    if (path.extension() == ".yml") {
      return Status(
          ErrorCode::kInvalidArgument,
          path.string() + ": schema files end in \".yaml\"; rename it (it would be ignored)");
    }
    std::error_code type_ec;
    if (path.extension() == ".yaml" && it->is_regular_file(type_ec)) files.push_back(path);
  }
  if (ec) return Status(ErrorCode::kIoError, dir + ": cannot list the folder: " + ec.message());
  if (files.empty()) {
    return Status(ErrorCode::kInvalidArgument, dir + ": holds no *.yaml schema");
  }
  std::sort(files.begin(), files.end());

  std::map<std::string, Schema> schemas;
  for (const fs::path& path : files) {
    Result<Schema> schema = LoadSchemaFile(path.string());
    if (!schema.ok()) return schema.status();
    const std::string type = schema->type;
    // Unreachable while file names are unique and equal their types; kept as the promise.
    if (!schemas.emplace(type, std::move(schema).value()).second) {
      return Status(ErrorCode::kInvalidArgument,
                    path.string() + ": type " + Quote(type) + " is defined by two files");
    }
  }
  return schemas;
}

}  // namespace sheaf::extract
