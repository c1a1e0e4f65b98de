// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/result_json.h"

#include <cmath>

namespace sheaf {

namespace {

using ojson = nlohmann::ordered_json;

double Round(double v, int places) {
  double f = std::pow(10.0, places);
  return std::round(v * f) / f;
}

ojson BoxJson(const Box& b) { return ojson::array({b.x0, b.y0, b.x1, b.y1}); }

ojson PageJson(const Page& p, const JsonOptions& options) {
  ojson j;
  j["number"] = p.number;
  j["width"] = p.width;
  j["height"] = p.height;
  j["dpi"] = p.dpi;
  j["source"] = PageSourceName(p.source);
  j["rotation"] = p.preprocess.rotation;
  j["skew_degrees"] = Round(p.preprocess.skew_degrees, 2);
  j["scale"] = Round(p.preprocess.scale, 3);
  j["ocr_confidence"] = Round(p.ocr_confidence, 3);
  j["word_count"] = p.WordCount();
  if (p.source == PageSource::kOcr) {
    const PreprocessRecord& r = p.preprocess;
    j["preprocess"] = {
        {"orientation_checked", r.orientation_checked},
        {"rotation_confidence", Round(r.rotation_confidence, 2)},
        {"text_height_px", Round(r.text_height_px, 1)},
        {"border_removed", Round(r.border_removed, 3)},
        {"background_normalized", r.background_normalized},
        {"second_opinion", r.second_opinion},
        {"binarization", r.binarization},
        {"threshold", r.threshold},
    };
    j["ocr_cache_hit"] = p.ocr_cache_hit;
    if (!p.ocr_engine.empty()) j["ocr_engine"] = p.ocr_engine;
  }
  if (!p.warnings.empty()) j["warnings"] = p.warnings;
  if (options.include_words) {
    ojson words = ojson::array();
    ojson lines = ojson::array();
    int block_index = 0;
    int line_index = 0;
    for (const Block& b : p.blocks) {
      for (const Line& l : b.lines) {
        lines.push_back({{"text", l.Text()}, {"bbox", BoxJson(l.bbox)}, {"block", block_index}});
        for (const Word& w : l.words) {
          words.push_back({{"text", w.text},
                           {"bbox", BoxJson(w.bbox)},
                           {"confidence", Round(w.confidence, 3)},
                           {"line", line_index}});
        }
        ++line_index;
      }
      ++block_index;
    }
    j["text"] = p.Text();
    j["lines"] = std::move(lines);
    j["words"] = std::move(words);
  }
  return j;
}


ojson FieldToJson(const Field& f) {
  ojson j{{"value", f.value}, {"raw", f.raw}, {"confidence", Round(f.confidence, 3)}};
  if (f.page > 0) {
    j["page"] = f.page;
    j["bbox"] = BoxJson(f.bbox);
  } else {
    j["page"] = nullptr;
    j["bbox"] = nullptr;
  }
  if (!f.label.empty()) {
    j["label"] = f.label;
    j["label_bbox"] = BoxJson(f.label_bbox);
  }
  j["source"] = f.source;
  return j;
}

}  // namespace

std::string DumpJson(const ojson& j, int indent) {
  return j.dump(indent, ' ', false, ojson::error_handler_t::replace);
}

ojson PageToJson(const Page& page, const JsonOptions& options) { return PageJson(page, options); }

ojson DocumentToJson(const Document& doc, const JsonOptions& options) {
  ojson j;
  j["source"] = doc.source;
  j["sha256"] = doc.sha256;
  j["format"] = doc.format;
  j["status"] = DocumentStatusName(doc.status);
  if (doc.status == DocumentStatus::kFailed) {
    j["error"] = {{"code", ErrorCodeName(doc.error.code())}, {"message", doc.error.message()}};
  }
  j["document_type"] = {{"label", doc.document_type.label},
                        {"confidence", Round(doc.document_type.confidence, 3)}};
  j["page_count"] = doc.pages.size();
  ojson pages = ojson::array();
  for (const Page& p : doc.pages) pages.push_back(PageJson(p, options));
  j["pages"] = std::move(pages);
  ojson fields = ojson::object();
  for (const auto& [name, f] : doc.fields) fields[name] = FieldToJson(f);
  j["fields"] = std::move(fields);
  ojson items = ojson::array();
  for (const LineItem& li : doc.line_items) {
    ojson item = ojson::object();
    for (const auto& [name, f] : li) item[name] = FieldToJson(f);
    items.push_back(std::move(item));
  }
  j["line_items"] = std::move(items);
  ojson rules = ojson::array();
  for (const RuleResult& r : doc.validation) {
    rules.push_back({{"rule", r.rule},
                     {"status", RuleStatusName(r.status)},
                     {"message", r.message},
                     {"fields", r.fields}});
  }
  j["validation"] = std::move(rules);
  if (doc.status == DocumentStatus::kNeedsReview) j["review_reasons"] = doc.review_reasons;
  ojson timings = ojson::object();
  for (const auto& [stage, ms] : doc.timings_ms) timings[stage] = Round(ms, 1);
  j["timings_ms"] = std::move(timings);
  return j;
}

nlohmann::json BlocksToJson(const std::vector<Block>& blocks) {
  // Compact: [[bbox, [[bbox, [[text, x0, y0, x1, y1, conf], ...]], ...]], ...]
  nlohmann::json out = nlohmann::json::array();
  for (const Block& b : blocks) {
    nlohmann::json lines = nlohmann::json::array();
    for (const Line& l : b.lines) {
      nlohmann::json words = nlohmann::json::array();
      for (const Word& w : l.words) {
        words.push_back({w.text, w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1, w.confidence});
      }
      lines.push_back({{l.bbox.x0, l.bbox.y0, l.bbox.x1, l.bbox.y1}, std::move(words)});
    }
    out.push_back({{b.bbox.x0, b.bbox.y0, b.bbox.x1, b.bbox.y1}, std::move(lines)});
  }
  return out;
}

namespace {
bool BoxFrom(const nlohmann::json& j, Box* b) {
  if (!j.is_array() || j.size() != 4) return false;
  for (const auto& v : j)
    if (!v.is_number_integer()) return false;
  *b = {j[0].get<int>(), j[1].get<int>(), j[2].get<int>(), j[3].get<int>()};
  return true;
}
}  // namespace

bool BlocksFromJson(const nlohmann::json& j, std::vector<Block>* blocks) {
  if (!j.is_array()) return false;
  std::vector<Block> out;
  for (const auto& jb : j) {
    if (!jb.is_array() || jb.size() != 2 || !jb[1].is_array()) return false;
    Block b;
    if (!BoxFrom(jb[0], &b.bbox)) return false;
    for (const auto& jl : jb[1]) {
      if (!jl.is_array() || jl.size() != 2 || !jl[1].is_array()) return false;
      Line l;
      if (!BoxFrom(jl[0], &l.bbox)) return false;
      for (const auto& jw : jl[1]) {
        if (!jw.is_array() || jw.size() != 6 || !jw[0].is_string() || !jw[5].is_number()) {
          return false;
        }
        Word w;
        w.text = jw[0].get<std::string>();
        if (!BoxFrom(nlohmann::json::array({jw[1], jw[2], jw[3], jw[4]}), &w.bbox)) return false;
        w.confidence = jw[5].get<double>();
        l.words.push_back(std::move(w));
      }
      b.lines.push_back(std::move(l));
    }
    out.push_back(std::move(b));
  }
  *blocks = std::move(out);
  return true;
}

}  // namespace sheaf
