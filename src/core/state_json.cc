// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/state_json.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace sheaf {

namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Writing

// True iff `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF),
// which is exactly what a JSON dump accepts.
bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c == 0xE0) {
      extra = 2, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      extra = 2;
    } else if (c == 0xED) {
      extra = 2, hi = 0x9F;
    } else if (c == 0xF0) {
      extra = 3, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      extra = 3;
    } else if (c == 0xF4) {
      extra = 3, hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i <= static_cast<std::size_t>(extra)) return false;
    const auto second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return false;
    for (int k = 2; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if (b < 0x80 || b > 0xBF) return false;
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

constexpr char kHexDigits[] = "0123456789abcdef";

json Str(const std::string& s) {
  if (IsValidUtf8(s)) return s;
  std::string hex;
  hex.reserve(s.size() * 2);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    hex += kHexDigits[c >> 4];
    hex += kHexDigits[c & 0x0F];
  }
  return json{{"hex", std::move(hex)}};
}

json Num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

json BoxJson(const Box& b) { return json::array({b.x0, b.y0, b.x1, b.y1}); }

json FieldJson(const std::string& name, const Field& f) {
  return json{{"name", Str(name)},      {"value", Str(f.value)},
              {"raw", Str(f.raw)},      {"confidence", Num(f.confidence)},
              {"page", f.page},         {"bbox", BoxJson(f.bbox)},
              {"label", Str(f.label)},  {"label_bbox", BoxJson(f.label_bbox)},
              {"source", Str(f.source)}};
}

json FieldsJson(const std::map<std::string, Field>& fields) {
  json out = json::array();
  for (const auto& [name, f] : fields) out.push_back(FieldJson(name, f));
  return out;
}

json PreprocessJson(const PreprocessRecord& r) {
  return json{{"rotation", r.rotation},
              {"rotation_confidence", Num(r.rotation_confidence)},
              {"orientation_checked", r.orientation_checked},
              {"skew_degrees", Num(r.skew_degrees)},
              {"scale", Num(r.scale)},
              {"text_height_px", Num(r.text_height_px)},
              {"border_removed", Num(r.border_removed)},
              {"background_normalized", r.background_normalized},
              {"second_opinion", r.second_opinion},
              {"binarization", Str(r.binarization)},
              {"threshold", r.threshold}};
}

json BlocksJson(const std::vector<Block>& blocks) {
  json out = json::array();
  for (const Block& b : blocks) {
    json lines = json::array();
    for (const Line& l : b.lines) {
      json words = json::array();
      // Words are the bulk of a document: [text, x0, y0, x1, y1, confidence].
      for (const Word& w : l.words) {
        words.push_back(json::array(
            {Str(w.text), w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1, Num(w.confidence)}));
      }
      lines.push_back(json{{"bbox", BoxJson(l.bbox)}, {"words", std::move(words)}});
    }
    out.push_back(json{{"bbox", BoxJson(b.bbox)}, {"lines", std::move(lines)}});
  }
  return out;
}

json PageJson(const Page& p) {
  json j{{"number", p.number},
              {"width", p.width},
              {"height", p.height},
              {"dpi", p.dpi},
              {"source", PageSourceName(p.source)},
              {"preprocess", PreprocessJson(p.preprocess)},
              {"ocr_confidence", Num(p.ocr_confidence)},
              {"ocr_cache_hit", p.ocr_cache_hit},
              {"blocks", BlocksJson(p.blocks)}};
  if (!p.warnings.empty()) j["warnings"] = p.warnings;
  if (!p.ocr_engine.empty()) j["ocr_engine"] = p.ocr_engine;
  return j;
}

// ---------------------------------------------------------------------------------------------
// Reading

// Where a value sits in the document, rendered only when reporting an error.
struct Path {
  const Path* parent = nullptr;
  std::string_view name;  // member name, or "" for an array element
  std::size_t index = 0;  // element index when name is ""

  Path Member(std::string_view n) const { return Path{this, n, 0}; }
  Path Element(std::size_t i) const { return Path{this, {}, i}; }
  // "pages[0].blocks[2].bbox"; "" for the root.
  std::string Render() const {
    if (parent == nullptr) return std::string(name);
    std::string out = parent->Render();
    if (name.empty()) return out + "[" + std::to_string(index) + "]";
    return out.empty() ? std::string(name) : out + "." + std::string(name);
  }
};

constexpr std::string_view kWhat = "document state JSON";

// Reads typed values out of the JSON, keeping the first error. Every accessor checks the type
// before reading, so nothing here throws.
class Reader {
 public:
  bool Fail(const Path& at, const std::string& problem) {
    if (status_.ok()) {
      std::string where = at.Render();
      status_ = Status(ErrorCode::kInvalidArgument,
                       std::string(kWhat) + ": " + (where.empty() ? "" : where + ": ") + problem);
    }
    return false;
  }
  const Status& status() const { return status_; }

  // The member `name` of object `obj` (whose own path is `at`), or null after recording an error.
  const json* Member(const json& obj, const Path& at, std::string_view name) {
    auto it = obj.find(std::string(name));  // nlohmann < 3.11 has no find(string_view)
    if (it == obj.end()) {
      Fail(at.Member(name), "missing");
      return nullptr;
    }
    return &*it;
  }

  bool Object(const json& v, const Path& at) {
    return v.is_object() || Fail(at, "expected an object, got " + Describe(v));
  }
  bool Array(const json& v, const Path& at) {
    return v.is_array() || Fail(at, "expected an array, got " + Describe(v));
  }

  bool String(const json& v, const Path& at, std::string* out) {
    if (v.is_string()) {
      *out = v.get_ref<const std::string&>();
      return true;
    }
    if (v.is_object() && v.size() == 1) {
      auto it = v.find("hex");
      if (it != v.end() && it->is_string()) return Hex(it->get_ref<const std::string&>(), at, out);
    }
    return Fail(at, "expected a string or {\"hex\": ...}, got " + Describe(v));
  }

  bool Double(const json& v, const Path& at, double* out) {
    if (v.is_number()) {
      *out = v.get<double>();
      return true;
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      constexpr double kInf = std::numeric_limits<double>::infinity();
      const std::optional<double> special =
          s == "NaN"         ? std::optional<double>(std::numeric_limits<double>::quiet_NaN())
          : s == "Infinity"  ? std::optional<double>(kInf)
          : s == "-Infinity" ? std::optional<double>(-kInf)
                             : std::nullopt;
      if (special) {
        *out = *special;
        return true;
      }
    }
    return Fail(at, "expected a number, got " + Describe(v));
  }

  bool Int(const json& v, const Path& at, int* out) {
    constexpr auto kMin = std::numeric_limits<int>::min();
    constexpr auto kMax = std::numeric_limits<int>::max();
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(kMax)) return Fail(at, "integer out of range");
      *out = static_cast<int>(u);
      return true;
    }
    if (v.is_number_integer()) {
      const auto i = v.get<std::int64_t>();
      if (i < kMin || i > kMax) return Fail(at, "integer out of range");
      *out = static_cast<int>(i);
      return true;
    }
    return Fail(at, "expected an integer, got " + Describe(v));
  }

  bool Bool(const json& v, const Path& at, bool* out) {
    if (!v.is_boolean()) return Fail(at, "expected true or false, got " + Describe(v));
    *out = v.get<bool>();
    return true;
  }

  bool BoxValue(const json& v, const Path& at, Box* out) {
    if (!v.is_array() || v.size() != 4) return Fail(at, "expected [x0, y0, x1, y1]");
    return Int(v[0], at.Element(0), &out->x0) && Int(v[1], at.Element(1), &out->y0) &&
           Int(v[2], at.Element(2), &out->x1) && Int(v[3], at.Element(3), &out->y1);
  }

  // Shorthands for a member of an object.
  bool StringAt(const json& obj, const Path& at, std::string_view name, std::string* out) {
    const json* v = Member(obj, at, name);
    return v != nullptr && String(*v, at.Member(name), out);
  }
  bool DoubleAt(const json& obj, const Path& at, std::string_view name, double* out) {
    const json* v = Member(obj, at, name);
    return v != nullptr && Double(*v, at.Member(name), out);
  }
  bool IntAt(const json& obj, const Path& at, std::string_view name, int* out) {
    const json* v = Member(obj, at, name);
    return v != nullptr && Int(*v, at.Member(name), out);
  }
  bool BoolAt(const json& obj, const Path& at, std::string_view name, bool* out) {
    const json* v = Member(obj, at, name);
    return v != nullptr && Bool(*v, at.Member(name), out);
  }
  bool BoxAt(const json& obj, const Path& at, std::string_view name, Box* out) {
    const json* v = Member(obj, at, name);
    return v != nullptr && BoxValue(*v, at.Member(name), out);
  }

 private:
  static std::string Describe(const json& v) { return v.type_name(); }

  bool Hex(const std::string& hex, const Path& at, std::string* out) {
    if (hex.size() % 2 != 0) return Fail(at, "odd number of hex digits");
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
      const int h = digit(hex[i]), l = digit(hex[i + 1]);
      if (h < 0 || l < 0) return Fail(at, "not a hex digit");
      bytes += static_cast<char>((h << 4) | l);
    }
    *out = std::move(bytes);
    return true;
  }

  Status status_;
};

// Parses one of an enum's names, as written by `name_of`.
template <typename E, std::size_t N, typename NameOf>
bool EnumAt(Reader& r, const json& obj, const Path& at, std::string_view member,
            const E (&values)[N], NameOf name_of, E* out) {
  std::string name;
  if (!r.StringAt(obj, at, member, &name)) return false;
  for (E e : values) {
    if (name_of(e) == name) {
      *out = e;
      return true;
    }
  }
  return r.Fail(at.Member(member), "unknown name \"" + name.substr(0, 40) + "\"");
}

// ErrorCodeName's inverse. The codes are a dense enum starting at kOk; scanning a range well
// beyond the last one keeps this right when codes are added (an unknown value names "internal",
// which the real kInternal, met first, already answers).
bool ErrorCodeFromName(std::string_view name, ErrorCode* out) {
  for (int i = 0; i < 256; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    if (ErrorCodeName(code) == name) {
      *out = code;
      return true;
    }
  }
  return false;
}

bool ReadField(Reader& r, const json& j, const Path& at, std::string* name, Field* f) {
  return r.Object(j, at) && r.StringAt(j, at, "name", name) &&
         r.StringAt(j, at, "value", &f->value) && r.StringAt(j, at, "raw", &f->raw) &&
         r.DoubleAt(j, at, "confidence", &f->confidence) && r.IntAt(j, at, "page", &f->page) &&
         r.BoxAt(j, at, "bbox", &f->bbox) && r.StringAt(j, at, "label", &f->label) &&
         r.BoxAt(j, at, "label_bbox", &f->label_bbox) && r.StringAt(j, at, "source", &f->source);
}

bool ReadFields(Reader& r, const json& j, const Path& at, std::map<std::string, Field>* out) {
  if (!r.Array(j, at)) return false;
  out->clear();
  for (std::size_t i = 0; i < j.size(); ++i) {
    std::string name;
    Field f;
    if (!ReadField(r, j[i], at.Element(i), &name, &f)) return false;
    if (!out->emplace(std::move(name), std::move(f)).second) {
      return r.Fail(at.Element(i).Member("name"), "duplicate field name");
    }
  }
  return true;
}

bool ReadPreprocess(Reader& r, const json& j, const Path& at, PreprocessRecord* p) {
  return r.Object(j, at) && r.IntAt(j, at, "rotation", &p->rotation) &&
         r.DoubleAt(j, at, "rotation_confidence", &p->rotation_confidence) &&
         r.BoolAt(j, at, "orientation_checked", &p->orientation_checked) &&
         r.DoubleAt(j, at, "skew_degrees", &p->skew_degrees) &&
         r.DoubleAt(j, at, "scale", &p->scale) &&
         r.DoubleAt(j, at, "text_height_px", &p->text_height_px) &&
         r.DoubleAt(j, at, "border_removed", &p->border_removed) &&
         r.BoolAt(j, at, "background_normalized", &p->background_normalized) &&
         r.BoolAt(j, at, "second_opinion", &p->second_opinion) &&
         r.StringAt(j, at, "binarization", &p->binarization) &&
         r.IntAt(j, at, "threshold", &p->threshold);
}

bool ReadWord(Reader& r, const json& j, const Path& at, Word* w) {
  if (!j.is_array() || j.size() != 6) {
    return r.Fail(at, "expected [text, x0, y0, x1, y1, confidence]");
  }
  return r.String(j[0], at.Element(0), &w->text) && r.Int(j[1], at.Element(1), &w->bbox.x0) &&
         r.Int(j[2], at.Element(2), &w->bbox.y0) && r.Int(j[3], at.Element(3), &w->bbox.x1) &&
         r.Int(j[4], at.Element(4), &w->bbox.y1) && r.Double(j[5], at.Element(5), &w->confidence);
}

bool ReadBlocks(Reader& r, const json& j, const Path& at, std::vector<Block>* out) {
  if (!r.Array(j, at)) return false;
  out->resize(j.size());
  for (std::size_t bi = 0; bi < j.size(); ++bi) {
    const json& jb = j[bi];
    const Path bp = at.Element(bi);
    Block& b = (*out)[bi];
    if (!r.Object(jb, bp) || !r.BoxAt(jb, bp, "bbox", &b.bbox)) return false;
    const json* lines = r.Member(jb, bp, "lines");
    const Path lsp = bp.Member("lines");
    if (lines == nullptr || !r.Array(*lines, lsp)) return false;
    b.lines.resize(lines->size());
    for (std::size_t li = 0; li < lines->size(); ++li) {
      const json& jl = (*lines)[li];
      const Path lp = lsp.Element(li);
      Line& l = b.lines[li];
      if (!r.Object(jl, lp) || !r.BoxAt(jl, lp, "bbox", &l.bbox)) return false;
      const json* words = r.Member(jl, lp, "words");
      const Path wsp = lp.Member("words");
      if (words == nullptr || !r.Array(*words, wsp)) return false;
      l.words.resize(words->size());
      for (std::size_t wi = 0; wi < words->size(); ++wi) {
        if (!ReadWord(r, (*words)[wi], wsp.Element(wi), &l.words[wi])) return false;
      }
    }
  }
  return true;
}

bool ReadPage(Reader& r, const json& j, const Path& at, Page* p) {
  static constexpr PageSource kSources[] = {PageSource::kTextLayer, PageSource::kOcr,
                                            PageSource::kText};
  if (!r.Object(j, at) || !r.IntAt(j, at, "number", &p->number) ||
      !r.IntAt(j, at, "width", &p->width) || !r.IntAt(j, at, "height", &p->height) ||
      !r.IntAt(j, at, "dpi", &p->dpi) ||
      !EnumAt(r, j, at, "source", kSources, PageSourceName, &p->source)) {
    return false;
  }
  const json* pre = r.Member(j, at, "preprocess");
  if (pre == nullptr || !ReadPreprocess(r, *pre, at.Member("preprocess"), &p->preprocess)) {
    return false;
  }
  if (!r.DoubleAt(j, at, "ocr_confidence", &p->ocr_confidence) ||
      !r.BoolAt(j, at, "ocr_cache_hit", &p->ocr_cache_hit)) {
    return false;
  }
  // "warnings" is optional: written only for a page read past damage.
  if (auto w = j.find("warnings"); w != j.end()) {
    const Path wat = at.Member("warnings");
    if (!w->is_array()) return r.Fail(wat, "expected an array of strings");
    for (std::size_t k = 0; k < w->size(); ++k) {
      std::string text;
      if (!r.String((*w)[k], wat.Element(k), &text)) return false;
      p->warnings.push_back(std::move(text));
    }
  }
  // "ocr_engine" is optional: written only when a remote OCR service was configured.
  if (auto e = j.find("ocr_engine"); e != j.end()) {
    if (!r.String(*e, at.Member("ocr_engine"), &p->ocr_engine)) return false;
  }
  const json* blocks = r.Member(j, at, "blocks");
  return blocks != nullptr && ReadBlocks(r, *blocks, at.Member("blocks"), &p->blocks);
}

bool ReadRule(Reader& r, const json& j, const Path& at, RuleResult* rule) {
  static constexpr RuleStatus kStatuses[] = {RuleStatus::kPass, RuleStatus::kWarn,
                                             RuleStatus::kFail};
  if (!r.Object(j, at) || !r.StringAt(j, at, "rule", &rule->rule) ||
      !EnumAt(r, j, at, "status", kStatuses, RuleStatusName, &rule->status) ||
      !r.StringAt(j, at, "message", &rule->message)) {
    return false;
  }
  const json* fields = r.Member(j, at, "fields");
  const Path fp = at.Member("fields");
  if (fields == nullptr || !r.Array(*fields, fp)) return false;
  rule->fields.resize(fields->size());
  for (std::size_t i = 0; i < fields->size(); ++i) {
    if (!r.String((*fields)[i], fp.Element(i), &rule->fields[i])) return false;
  }
  return true;
}

bool ReadDocument(Reader& r, const json& j, Document* doc) {
  static constexpr DocumentStatus kStatuses[] = {
      DocumentStatus::kCompleted, DocumentStatus::kNeedsReview, DocumentStatus::kFailed};
  const Path root;
  if (!r.Object(j, root)) return false;
  int version = 0;
  if (!r.IntAt(j, root, "state_version", &version)) return false;
  if (version != kStateJsonVersion) {
    return r.Fail(root.Member("state_version"), "version " + std::to_string(version) +
                                                    " is not the supported " +
                                                    std::to_string(kStateJsonVersion));
  }
  if (!r.StringAt(j, root, "source", &doc->source) ||
      !r.StringAt(j, root, "sha256", &doc->sha256) ||
      !r.StringAt(j, root, "format", &doc->format) ||
      !EnumAt(r, j, root, "status", kStatuses, DocumentStatusName, &doc->status)) {
    return false;
  }

  const json* error = r.Member(j, root, "error");
  const Path ep = root.Member("error");
  if (error == nullptr || !r.Object(*error, ep)) return false;
  std::string code_name, message;
  if (!r.StringAt(*error, ep, "code", &code_name) || !r.StringAt(*error, ep, "message", &message)) {
    return false;
  }
  ErrorCode code = ErrorCode::kOk;
  if (!ErrorCodeFromName(code_name, &code)) {
    return r.Fail(ep.Member("code"), "unknown error code \"" + code_name.substr(0, 40) + "\"");
  }
  doc->error = Status(code, std::move(message));

  const json* type = r.Member(j, root, "document_type");
  const Path tp = root.Member("document_type");
  if (type == nullptr || !r.Object(*type, tp) ||
      !r.StringAt(*type, tp, "label", &doc->document_type.label) ||
      !r.DoubleAt(*type, tp, "confidence", &doc->document_type.confidence)) {
    return false;
  }

  const json* pages = r.Member(j, root, "pages");
  const Path pp = root.Member("pages");
  if (pages == nullptr || !r.Array(*pages, pp)) return false;
  doc->pages.resize(pages->size());
  for (std::size_t i = 0; i < pages->size(); ++i) {
    if (!ReadPage(r, (*pages)[i], pp.Element(i), &doc->pages[i])) return false;
  }

  const json* fields = r.Member(j, root, "fields");
  if (fields == nullptr || !ReadFields(r, *fields, root.Member("fields"), &doc->fields)) {
    return false;
  }

  const json* items = r.Member(j, root, "line_items");
  const Path ip = root.Member("line_items");
  if (items == nullptr || !r.Array(*items, ip)) return false;
  doc->line_items.resize(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (!ReadFields(r, (*items)[i], ip.Element(i), &doc->line_items[i])) return false;
  }

  const json* rules = r.Member(j, root, "validation");
  const Path vp = root.Member("validation");
  if (rules == nullptr || !r.Array(*rules, vp)) return false;
  doc->validation.resize(rules->size());
  for (std::size_t i = 0; i < rules->size(); ++i) {
    if (!ReadRule(r, (*rules)[i], vp.Element(i), &doc->validation[i])) return false;
  }

  const json* reasons = r.Member(j, root, "review_reasons");
  const Path rp = root.Member("review_reasons");
  if (reasons == nullptr || !r.Array(*reasons, rp)) return false;
  doc->review_reasons.resize(reasons->size());
  for (std::size_t i = 0; i < reasons->size(); ++i) {
    if (!r.String((*reasons)[i], rp.Element(i), &doc->review_reasons[i])) return false;
  }

  const json* timings = r.Member(j, root, "timings_ms");
  const Path mp = root.Member("timings_ms");
  if (timings == nullptr || !r.Array(*timings, mp)) return false;
  for (std::size_t i = 0; i < timings->size(); ++i) {
    const json& t = (*timings)[i];
    const Path at = mp.Element(i);
    std::string stage;
    double ms = 0;
    if (!r.Object(t, at) || !r.StringAt(t, at, "stage", &stage) || !r.DoubleAt(t, at, "ms", &ms)) {
      return false;
    }
    if (!doc->timings_ms.emplace(std::move(stage), ms).second) {
      return r.Fail(at.Member("stage"), "duplicate stage");
    }
  }
  return true;
}

}  // namespace

json DocumentToStateJson(const Document& doc) {
  json pages = json::array();
  for (const Page& p : doc.pages) pages.push_back(PageJson(p));
  json items = json::array();
  for (const LineItem& li : doc.line_items) items.push_back(FieldsJson(li));
  json rules = json::array();
  for (const RuleResult& r : doc.validation) {
    json names = json::array();
    for (const std::string& f : r.fields) names.push_back(Str(f));
    rules.push_back(json{{"rule", Str(r.rule)},
                         {"status", RuleStatusName(r.status)},
                         {"message", Str(r.message)},
                         {"fields", std::move(names)}});
  }
  json reasons = json::array();
  for (const std::string& reason : doc.review_reasons) reasons.push_back(Str(reason));
  json timings = json::array();
  for (const auto& [stage, ms] : doc.timings_ms) {
    timings.push_back(json{{"stage", Str(stage)}, {"ms", Num(ms)}});
  }
  return json{
      {"state_version", kStateJsonVersion},
      {"source", Str(doc.source)},
      {"sha256", Str(doc.sha256)},
      {"format", Str(doc.format)},
      {"status", DocumentStatusName(doc.status)},
      {"error", {{"code", ErrorCodeName(doc.error.code())}, {"message", Str(doc.error.message())}}},
      {"document_type",
       {{"label", Str(doc.document_type.label)},
        {"confidence", Num(doc.document_type.confidence)}}},
      {"pages", std::move(pages)},
      {"fields", FieldsJson(doc.fields)},
      {"line_items", std::move(items)},
      {"validation", std::move(rules)},
      {"review_reasons", std::move(reasons)},
      {"timings_ms", std::move(timings)},
  };
}

Result<Document> DocumentFromStateJson(const json& j) {
  Reader reader;
  Document doc;
  try {
    if (!ReadDocument(reader, j, &doc)) return reader.status();
  } catch (const json::exception& e) {
    // Every access above checks the type first; reaching this is a bug here, not bad input.
    return Status(ErrorCode::kInternal, std::string(kWhat) + ": " + e.what());
  }
  return doc;
}

}  // namespace sheaf
