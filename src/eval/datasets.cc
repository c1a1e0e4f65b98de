// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/datasets.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/files.h"

namespace sheaf::eval {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Ground-truth files are small (the largest FUNSD annotation is ~200 KiB).
constexpr std::uint64_t kMaxFileBytes = 64ull << 20;

enum class Kind { kSroie, kZugferd, kInvoice2data, kFunsd, kGenerated };

constexpr std::string_view kKnownNames = "sroie, zugferd_corpus (zugferd), invoice2data, funsd";

// SROIE's receipts are Malaysian, printed in Malay and English (its README): Tesseract's
// languages for them, Malay first (it reads their names, streets and digits best).
constexpr char kSroieLanguages[] = "msa+eng";

std::optional<Kind> KindOfName(std::string_view name) {
  if (name == "sroie") return Kind::kSroie;
  if (name == "zugferd_corpus" || name == "zugferd") return Kind::kZugferd;
  if (name == "invoice2data") return Kind::kInvoice2data;
  if (name == "funsd") return Kind::kFunsd;
  return std::nullopt;
}

std::string FolderName(Kind kind) {
  switch (kind) {
    case Kind::kSroie:
      return "sroie";
    case Kind::kZugferd:
      return "zugferd_corpus";
    case Kind::kInvoice2data:
      return "invoice2data";
    case Kind::kFunsd:
      return "funsd";
    case Kind::kGenerated:
      return "";  // a generated corpus has no name under datasets_root
  }
  return "";
}

// "file:line: " for messages about a manifest line.
std::string At(const std::string& file, int line) {
  return file + ":" + std::to_string(line) + ": ";
}

Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Reads a whole ground-truth file. Not found and I/O errors keep their code; an empty or
// oversized file is malformed ground truth.
Result<std::string> ReadText(const std::string& path) {
  Result<std::string> text = ReadFileLimited(path, kMaxFileBytes);
  if (text.ok()) return text;
  ErrorCode code = text.status().code();
  if (code == ErrorCode::kNotFound || code == ErrorCode::kIoError) return text.status();
  return Invalid(text.status().message());
}

// Parses JSON text that starts at line `first_line` of `file`; a syntax error names the line it
// is on. nlohmann::json reports syntax errors only by exception, caught here.
Result<json> ParseJson(std::string_view text, const std::string& file, int first_line) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    int line = first_line;
    if (const auto* pe = dynamic_cast<const json::parse_error*>(&e)) {
      std::size_t end = std::min<std::size_t>(pe->byte > 0 ? pe->byte - 1 : 0, text.size());
      line += static_cast<int>(std::count(text.begin(), text.begin() + end, '\n'));
    }
    std::string detail = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    std::size_t column = detail.find("column ");
    std::size_t colon = detail.find(": ", column == std::string::npos ? 0 : column);
    if (colon != std::string::npos) detail = detail.substr(colon + 2);
    return Invalid(At(file, line) + "not valid JSON: " + detail);
  }
}

struct ManifestLine {
  int number = 0;  // 1-based
  json value;      // an object
};

// Reads a JSON-lines manifest; blank lines are skipped.
Result<std::vector<ManifestLine>> ReadManifest(const std::string& path) {
  Result<std::string> text = ReadText(path);
  if (!text.ok()) return text.status();
  std::vector<ManifestLine> lines;
  std::string_view rest = *text;
  int number = 0;
  while (!rest.empty()) {
    std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    Result<json> value = ParseJson(line, path, number);
    if (!value.ok()) return value.status();
    if (!value->is_object()) return Invalid(At(path, number) + "not a JSON object");
    lines.push_back({number, std::move(value).value()});
  }
  if (lines.empty()) return Invalid(path + ": lists no documents");
  return lines;
}

// Text of a scalar: strings as they are, integers in decimal, other numbers with two decimals
// when `money`, else in their shortest form, booleans as true/false. Null and a missing key are
// "". Arrays and objects are an error.
Status ScalarText(const json& object, const std::string& key, bool money, const std::string& where,
                  std::string* out) {
  out->clear();
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return Status::Ok();
  char buf[64];
  std::to_chars_result r{};
  if (it->is_string()) {
    *out = it->get_ref<const std::string&>();
    return Status::Ok();
  } else if (it->is_number_integer() && !money) {
    r = it->is_number_unsigned() ? std::to_chars(buf, buf + sizeof buf, it->get<std::uint64_t>())
                                 : std::to_chars(buf, buf + sizeof buf, it->get<std::int64_t>());
  } else if (it->is_number()) {
    r = money ? std::to_chars(buf, buf + sizeof buf, it->get<double>(), std::chars_format::fixed, 2)
              : std::to_chars(buf, buf + sizeof buf, it->get<double>());
  } else if (it->is_boolean()) {
    *out = it->get<bool>() ? "true" : "false";
    return Status::Ok();
  } else {
    return Invalid(where + Quote(key) + " is not a string or number");
  }
  if (r.ec != std::errc()) return Invalid(where + Quote(key) + " is out of range");
  out->assign(buf, r.ptr);
  return Status::Ok();
}

// A string member that must be present and non-empty.
Status RequiredString(const json& object, const std::string& key, const std::string& where,
                      std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Invalid(where + "needs a non-empty string " + Quote(key));
  }
  *out = it->get_ref<const std::string&>();
  return Status::Ok();
}

// Copies object[from] into fields[to] unless it is missing, null or empty.
Status MapField(const json& object, const std::string& from, const std::string& to, bool money,
                const std::string& where, std::map<std::string, std::string>* fields) {
  std::string value;
  Status s = ScalarText(object, from, money, where, &value);
  if (s.ok() && !value.empty()) (*fields)[to] = std::move(value);
  return s;
}

// "20180605" -> "2018-06-05"; anything else is returned unchanged.
std::string CompactDateToIso(const std::string& date) {
  if (date.size() != 8 ||
      !std::all_of(date.begin(), date.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return date;
  }
  return date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2);
}

std::string Trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// A document for the input `id` of the dataset in `dir`; the input must exist.
Result<LabelledDocument> NewDocument(const std::string& dir, const std::string& id,
                                     const std::string& type, const std::string& where) {
  LabelledDocument doc;
  doc.id = id;
  doc.file = (fs::path(dir) / id).string();
  doc.type = type;
  std::error_code ec;
  if (!fs::is_regular_file(doc.file, ec)) {
    return Status(ErrorCode::kNotFound, where + doc.file + ": no such file");
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------
// One loader per dataset; each gets the dataset folder, its manifest's path and lines.

using Documents = std::vector<LabelledDocument>;

Result<Documents> LoadSroie(const std::string& dir, const std::string& manifest,
                            const std::vector<ManifestLine>& lines) {
  static const std::pair<const char*, const char*> kMapping[] = {{"company", "merchant_name"},
                                                                 {"address", "merchant_address"},
                                                                 {"date", "date"},
                                                                 {"total", "total"}};
  Documents docs;
  for (const ManifestLine& line : lines) {
    std::string where = At(manifest, line.number), image;
    if (Status s = RequiredString(line.value, "image", where, &image); !s.ok()) return s;
    Result<LabelledDocument> doc = NewDocument(dir, image, "receipt", where);
    if (!doc.ok()) return doc.status();
    for (const auto& [from, to] : kMapping) {
      // money = false: the total is kept as printed ("RM8.60"), like every SROIE value.
      if (Status s = MapField(line.value, from, to, false, where, &doc->fields); !s.ok()) return s;
    }
    if (auto it = doc->fields.find("merchant_name"); it != doc->fields.end()) {
      doc->sender = NormalizeSender(it->second);
    }
    for (const char* key : {"sroie_id", "box", "key"}) {
      if (Status s = MapField(line.value, key, key, false, where, &doc->extra); !s.ok()) return s;
    }
    docs.push_back(std::move(doc).value());
  }
  return docs;
}

Result<Documents> LoadZugferd(const std::string& dir, const std::string& manifest,
                              const std::vector<ManifestLine>& lines) {
  // Values read from the embedded invoice XML, already canonical ("197.65", "20180605").
  static const std::pair<const char*, const char*> kMapping[] = {
      {"invoice_number", "invoice_number"},
      {"issue_date", "invoice_date"},
      {"due_date", "due_date"},
      {"seller_name", "seller_name"},
      {"seller_vat_id", "seller_vat_id"},
      {"buyer_name", "buyer_name"},
      {"currency", "currency"},
      {"tax_basis_total", "subtotal"},
      {"tax_total", "tax"},
      {"grand_total", "total"},
      {"iban", "iban"}};
  Documents docs;
  for (const ManifestLine& line : lines) {
    std::string where = At(manifest, line.number), pdf;
    if (Status s = RequiredString(line.value, "pdf", where, &pdf); !s.ok()) return s;
    Result<LabelledDocument> doc = NewDocument(dir, pdf, "invoice", where);
    if (!doc.ok()) return doc.status();
    for (const auto& [from, to] : kMapping) {
      if (Status s = MapField(line.value, from, to, false, where, &doc->fields); !s.ok()) return s;
    }
    if (auto it = doc->fields.find("seller_name"); it != doc->fields.end()) {
      doc->sender = NormalizeSender(it->second);
    }
    for (const char* date : {"invoice_date", "due_date"}) {
      auto it = doc->fields.find(date);
      if (it != doc->fields.end()) it->second = CompactDateToIso(it->second);
    }
    for (const char* key : {"embedded_xml", "type_code", "profile", "due_payable",
                            "buyer_reference", "line_total", "line_items", "pages"}) {
      if (Status s = MapField(line.value, key, key, false, where, &doc->extra); !s.ok()) return s;
    }
    docs.push_back(std::move(doc).value());
  }
  return docs;
}

Result<Documents> LoadInvoice2data(const std::string& dir, const std::string& manifest,
                                   const std::vector<ManifestLine>& lines) {
  // Keys of the expected JSON -> schema fields, and whether the value is an amount. Not mapped:
  // `issuer` and `desc` are template constants ("Invoice from X"), not text on the page;
  // `partner_name` is not always the seller (AzureInterior), the rest are not schema fields.
  struct Mapping {
    const char* from;
    const char* to;
    bool money;
  };
  static const Mapping kMapping[] = {{"invoice_number", "invoice_number", false},
                                     {"date", "invoice_date", false},
                                     {"date_due", "due_date", false},
                                     {"amount", "total", true},
                                     {"amount_untaxed", "subtotal", true},
                                     {"amount_tax", "tax", true},
                                     {"currency", "currency", false},
                                     {"iban", "iban", false},
                                     {"vat", "seller_vat_id", false}};
  Documents docs;
  for (const ManifestLine& line : lines) {
    std::string where = At(manifest, line.number), expected_name;
    if (Status s = RequiredString(line.value, "expected", where, &expected_name); !s.ok()) {
      return s;
    }
    auto inputs = line.value.find("inputs");
    if (inputs == line.value.end() || !inputs->is_array() || inputs->empty()) {
      return Invalid(where + "needs a non-empty list \"inputs\"");
    }
    std::string expected_path = (fs::path(dir) / expected_name).string();
    Result<std::string> text = ReadText(expected_path);
    if (!text.ok()) return Status(text.status().code(), where + text.status().message());
    Result<json> expected = ParseJson(*text, expected_path, 1);
    if (!expected.ok()) return expected.status();
    if (!expected->is_array() || expected->size() != 1 || !(*expected)[0].is_object()) {
      return Invalid(expected_path + ": expected a list with one invoice object");
    }
    const json& invoice = (*expected)[0];
    std::string invoice_where = expected_path + ": ";
    std::map<std::string, std::string> fields, extra;
    for (const Mapping& m : kMapping) {
      if (Status s = MapField(invoice, m.from, m.to, m.money, invoice_where, &fields); !s.ok()) {
        return s;
      }
    }
    extra["expected"] = expected_name;
    if (Status s = MapField(invoice, "issuer", "issuer", false, invoice_where, &extra); !s.ok()) {
      return s;
    }
    for (const json& input : *inputs) {
      if (!input.is_string() || input.get_ref<const std::string&>().empty()) {
        return Invalid(where + "\"inputs\" must hold non-empty strings");
      }
      Result<LabelledDocument> doc =
          NewDocument(dir, input.get_ref<const std::string&>(), "invoice", where);
      if (!doc.ok()) return doc.status();
      doc->fields = fields;
      doc->fields_per_document = true;
      doc->extra = extra;
      if (auto it = extra.find("issuer"); it != extra.end()) doc->sender = NormalizeSender(it->second);
      docs.push_back(std::move(doc).value());
    }
  }
  return docs;
}

// A corpus written by tools/corpus (see tools/corpus/truth.py): manifest lines {"file", "label",
// "truth"}, each truth file a JSON object with the document's type, sender and the fields it
// prints, as printed.
Result<Documents> LoadGenerated(const std::string& dir, const std::string& manifest,
                                const std::vector<ManifestLine>& lines) {
  Documents docs;
  for (const ManifestLine& line : lines) {
    std::string where = At(manifest, line.number), file, label, truth_name;
    if (Status s = RequiredString(line.value, "file", where, &file); !s.ok()) return s;
    if (Status s = RequiredString(line.value, "label", where, &label); !s.ok()) return s;
    if (Status s = RequiredString(line.value, "truth", where, &truth_name); !s.ok()) return s;
    std::string truth_path = (fs::path(dir) / truth_name).string();
    Result<std::string> text = ReadText(truth_path);
    if (!text.ok()) return Status(text.status().code(), where + text.status().message());
    Result<json> truth = ParseJson(*text, truth_path, 1);
    if (!truth.ok()) return truth.status();
    std::string truth_where = truth_path + ": ";
    if (!truth->is_object()) return Invalid(truth_where + "expected a JSON object");
    std::string type = label;
    if (truth->contains("type")) {
      if (Status s = RequiredString(*truth, "type", truth_where, &type); !s.ok()) return s;
    }
    Result<LabelledDocument> doc = NewDocument(dir, file, type, where);
    if (!doc.ok()) return doc.status();
    doc->fields_per_document = true;
    if (auto fields = truth->find("fields"); fields != truth->end()) {
      if (!fields->is_object()) return Invalid(truth_where + "\"fields\" must be an object");
      for (const auto& [name, value] : fields->items()) {
        if (Status s = MapField(*fields, name, name, false, truth_where, &doc->fields); !s.ok()) {
          return s;
        }
      }
    }
    std::map<std::string, std::string> extra;
    if (Status s = MapField(*truth, "sender", "sender", false, truth_where, &extra); !s.ok()) {
      return s;
    }
    if (auto it = extra.find("sender"); it != extra.end()) doc->sender = NormalizeSender(it->second);
    doc->extra["truth"] = truth_name;
    doc->extra["label"] = label;
    docs.push_back(std::move(doc).value());
  }
  return docs;
}

// The key/value pairs of one FUNSD annotation ({"form": [entity, ...]}).
Result<std::vector<KvPair>> FunsdPairs(const json& annotation, const std::string& file) {
  auto form = annotation.find("form");
  if (!annotation.is_object() || form == annotation.end() || !form->is_array()) {
    return Invalid(file + ": needs a list \"form\"");
  }
  struct Entity {
    std::string text, label;
  };
  std::map<std::int64_t, Entity> entities;
  std::vector<std::int64_t> order;  // annotation order
  for (std::size_t i = 0; i < form->size(); ++i) {
    const json& e = (*form)[i];
    std::string where = file + ": form[" + std::to_string(i) + "]: ";
    if (!e.is_object()) return Invalid(where + "not an object");
    auto id = e.find("id"), text = e.find("text"), label = e.find("label");
    if (id == e.end() || !id->is_number_integer())
      return Invalid(where + "needs an integer \"id\"");
    if (text == e.end() || !text->is_string()) return Invalid(where + "needs a string \"text\"");
    if (label == e.end() || !label->is_string()) return Invalid(where + "needs a string \"label\"");
    auto [it, added] = entities.emplace(
        id->get<std::int64_t>(),
        Entity{Trim(text->get_ref<const std::string&>()), label->get<std::string>()});
    if (!added) return Invalid(where + "repeats id " + std::to_string(it->first));
    order.push_back(it->first);
  }
  // Links are listed on both of their entities; the set keeps each once.
  std::set<std::pair<std::int64_t, std::int64_t>> links;  // question id, answer id
  for (std::size_t i = 0; i < form->size(); ++i) {
    std::string where = file + ": form[" + std::to_string(i) + "]: ";
    auto linking = (*form)[i].find("linking");
    if (linking == (*form)[i].end()) continue;
    if (!linking->is_array()) return Invalid(where + "\"linking\" is not a list");
    for (const json& link : *linking) {
      if (!link.is_array() || link.size() != 2 || !link[0].is_number_integer() ||
          !link[1].is_number_integer()) {
        return Invalid(where + "a link is not a pair of ids");
      }
      auto from = entities.find(link[0].get<std::int64_t>());
      auto to = entities.find(link[1].get<std::int64_t>());
      if (from == entities.end() || to == entities.end()) {
        return Invalid(where + "a link names an unknown id");
      }
      if (from->second.label == "question" && to->second.label == "answer") {
        links.emplace(from->first, to->first);
      }
    }
  }
  std::vector<KvPair> pairs;
  for (std::int64_t id : order) {
    const Entity& question = entities.at(id);
    if (question.label != "question" || question.text.empty()) continue;
    std::string value;
    // The set is ordered by (question, answer): this question's answers come in id order.
    for (auto it = links.lower_bound({id, std::numeric_limits<std::int64_t>::min()});
         it != links.end() && it->first == id; ++it) {
      const std::string& answer = entities.at(it->second).text;
      if (answer.empty()) continue;
      if (!value.empty()) value += ' ';
      value += answer;
    }
    if (!value.empty()) pairs.push_back({question.text, std::move(value)});
  }
  return pairs;
}

Result<Documents> LoadFunsd(const std::string& dir, const std::string& manifest,
                            const std::vector<ManifestLine>& lines) {
  Documents docs;
  for (const ManifestLine& line : lines) {
    std::string where = At(manifest, line.number), image, annotation_name;
    if (Status s = RequiredString(line.value, "image", where, &image); !s.ok()) return s;
    if (Status s = RequiredString(line.value, "annotation", where, &annotation_name); !s.ok()) {
      return s;
    }
    Result<LabelledDocument> doc = NewDocument(dir, image, "form", where);
    if (!doc.ok()) return doc.status();
    std::string annotation_path = (fs::path(dir) / annotation_name).string();
    Result<std::string> text = ReadText(annotation_path);
    if (!text.ok()) return Status(text.status().code(), where + text.status().message());
    Result<json> annotation = ParseJson(*text, annotation_path, 1);
    if (!annotation.ok()) return annotation.status();
    Result<std::vector<KvPair>> pairs = FunsdPairs(*annotation, annotation_path);
    if (!pairs.ok()) return pairs.status();
    doc->pairs = std::move(pairs).value();
    doc->extra["annotation"] = annotation_name;
    docs.push_back(std::move(doc).value());
  }
  return docs;
}

// Tells a dataset by the keys of one manifest line.
std::optional<Kind> KindOfManifestLine(const json& line) {
  if (line.contains("sroie_id") || (line.contains("box") && line.contains("key"))) {
    return Kind::kSroie;
  }
  if (line.contains("pdf") && line.contains("embedded_xml")) return Kind::kZugferd;
  if (line.contains("inputs") && line.contains("expected")) return Kind::kInvoice2data;
  if (line.contains("annotation") && line.contains("image")) return Kind::kFunsd;
  if (line.contains("file") && line.contains("label") && line.contains("truth")) {
    return Kind::kGenerated;
  }
  return std::nullopt;
}

}  // namespace

std::string NormalizeSender(std::string_view name) {
  // Legal forms in upper case; a token is compared after upper-casing its ASCII letters.
  static const std::set<std::string, std::less<>> kLegalForms = {
      "SDN", "BHD", "BERHAD", "SENDIRIAN", "S/B", "SDN/BHD", "PLT", "CO", "COMPANY", "LTD",
      "LIMITED", "GMBH", "AG", "KG", "SARL", "SAS", "SA", "INC", "LLC", "PLC", "BV", "NV",
      "SRL", "SPA"};
  auto is_id_or_label = [](std::string_view line) {
    if (line.find(':') != std::string_view::npos) return true;
    int run = 0;
    for (char c : line) {
      run = (c >= '0' && c <= '9') ? run + 1 : 0;
      if (run >= 5) return true;
    }
    return false;
  };
  std::vector<std::string_view> lines, kept;
  for (std::size_t start = 0; start <= name.size();) {
    std::size_t end = std::min(name.find('\n', start), name.size());
    lines.push_back(name.substr(start, end - start));
    start = end + 1;
  }
  for (std::string_view line : lines) {
    if (!is_id_or_label(line)) kept.push_back(line);
  }
  if (kept.empty()) kept = lines;
  std::string text;
  for (std::string_view line : kept) {
    int depth = 0;  // parenthesised parts are dropped, to the line's end if never closed
    for (char c : line) {
      if (c == '(') ++depth;
      if (depth == 0) text += c;
      if (c == ')' && depth > 0) --depth;
    }
    text += ' ';
  }
  std::string out, token;
  auto flush = [&] {
    std::string upper = token;
    for (char& c : upper) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (!token.empty() && kLegalForms.count(upper) == 0) {
      out += NormalizeForCompare(extract::FieldType::kString, token);
    }
    token.clear();
  };
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool part = u >= 0x80 || c == '/' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                (c >= 'A' && c <= 'Z');
    if (part) {
      token += c;
    } else {
      flush();
    }
  }
  flush();
  return out;
}

Result<std::vector<LabelledDocument>> LoadDataset(const std::string& name_or_dir,
                                                  const std::string& datasets_root) {
  std::optional<Kind> kind;
  std::string dir = name_or_dir;
  if (name_or_dir.find('/') == std::string::npos) kind = KindOfName(name_or_dir);
  if (kind) dir = (fs::path(datasets_root) / FolderName(*kind)).string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    if (kind) {
      return Status(ErrorCode::kNotFound, "dataset " + Quote(name_or_dir) + ": no folder " + dir);
    }
    return Status(ErrorCode::kNotFound, dir + ": no such dataset folder (known datasets: " +
                                            std::string(kKnownNames) + ")");
  }
  std::string manifest = (fs::path(dir) / "manifest.jsonl").string();
  Result<std::vector<ManifestLine>> lines = ReadManifest(manifest);
  if (!lines.ok()) return lines.status();
  if (!kind) {
    fs::path base = fs::path(dir).lexically_normal();
    if (base.filename().empty()) base = base.parent_path();
    kind = KindOfName(base.filename().string());
  }
  if (!kind) kind = KindOfManifestLine(lines->front().value);
  if (!kind) {
    return Invalid(At(manifest, lines->front().number) + "cannot tell the dataset from the " +
                   "folder name or these keys (known datasets: " + std::string(kKnownNames) + ")");
  }
  switch (*kind) {
    case Kind::kSroie: {
      Result<std::vector<LabelledDocument>> docs = LoadSroie(dir, manifest, *lines);
      if (docs.ok()) {
        for (LabelledDocument& d : *docs) d.ocr_languages = kSroieLanguages;
      }
      return docs;
    }
    case Kind::kZugferd:
      return LoadZugferd(dir, manifest, *lines);
    case Kind::kInvoice2data:
      return LoadInvoice2data(dir, manifest, *lines);
    case Kind::kFunsd:
      return LoadFunsd(dir, manifest, *lines);
    case Kind::kGenerated:
      return LoadGenerated(dir, manifest, *lines);
  }
  return Status(ErrorCode::kInternal, "unknown dataset kind");
}

Result<DatasetList> LoadDatasets(std::string_view comma_separated, const std::string& datasets_root,
                                 int limit) {
  DatasetList out;
  for (std::size_t start = 0; start <= comma_separated.size();) {
    std::size_t end = comma_separated.find(',', start);
    if (end == std::string_view::npos) end = comma_separated.size();
    out.parts.emplace_back(comma_separated.substr(start, end - start));
    start = end + 1;
  }
  for (std::size_t k = 0; k < out.parts.size(); ++k) {
    Result<std::vector<LabelledDocument>> loaded = LoadDataset(out.parts[k], datasets_root);
    if (!loaded.ok()) return loaded.status();
    std::vector<LabelledDocument> part = std::move(loaded).value();
    if (limit > 0 && static_cast<int>(part.size()) > limit) part.resize(static_cast<std::size_t>(limit));
    for (LabelledDocument& d : part) {
      if (out.parts.size() > 1) d.id = out.parts[k] + ":" + d.id;
      out.docs.push_back(std::move(d));
      out.part_of.push_back(k);
    }
  }
  return out;
}

}  // namespace sheaf::eval
