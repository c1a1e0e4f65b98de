// SPDX-License-Identifier: GPL-3.0-or-later
#include "ocr/ocr_protocol.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <utility>

#include "core/result_json.h"

namespace sheaf::ocr {

namespace {

using nlohmann::json;

bool ParseInt(const std::string& text, int lo, int hi, int* out) {
  if (text.empty() || text.size() > 9) return false;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < lo || v > hi) return false;
  *out = static_cast<int>(v);
  return true;
}

json BoxJson(const Box& b) { return json::array({b.x0, b.y0, b.x1, b.y1}); }

double Round3(double v) { return std::round(v * 1000) / 1000; }

// The box at j[key]: four integers, x0 <= x1, y0 <= y1, within 0..w and 0..h.
bool ReadBox(const json& j, int w, int h, Box* out) {
  auto it = j.find("box");
  if (it == j.end() || !it->is_array() || it->size() != 4) return false;
  int v[4];
  for (int i = 0; i < 4; ++i) {
    const json& n = (*it)[i];
    if (!n.is_number_integer()) return false;
    long long x = n.get<long long>();
    if (x < 0 || x > (i % 2 == 0 ? w : h)) return false;
    v[i] = static_cast<int>(x);
  }
  if (v[2] < v[0] || v[3] < v[1]) return false;
  *out = {v[0], v[1], v[2], v[3]};
  return true;
}

bool ReadConfidence(const json& j, double* out) {
  auto it = j.find("confidence");
  if (it == j.end() || !it->is_number()) return false;
  double c = it->get<double>();
  if (!(c >= 0 && c <= 1)) return false;
  *out = c;
  return true;
}

// Reads the page of a 200 body; "" when valid, else what is wrong.
std::string ReadPage(const json& j, OcrPage* page, std::string* engine) {
  if (!j.is_object()) return "not a JSON object";
  auto proto = j.find("protocol");
  if (proto == j.end() || !proto->is_string() || proto->get<std::string>() != kOcrProtocol) {
    return "not a " + std::string(kOcrProtocol) + " response (\"protocol\")";
  }
  auto width = j.find("width");
  auto height = j.find("height");
  if (width == j.end() || height == j.end() || !width->is_number_integer() ||
      !height->is_number_integer() || width->get<long long>() < 0 ||
      height->get<long long>() < 0 || width->get<long long>() > 1000000 ||
      height->get<long long>() > 1000000) {
    return "\"width\" and \"height\" must be integers 0..1000000";
  }
  const int w = width->get<int>(), h = height->get<int>();
  auto mean = j.find("mean_confidence");
  if (mean == j.end() || !mean->is_number() || !(mean->get<double>() >= 0) ||
      !(mean->get<double>() <= 1)) {
    return "\"mean_confidence\" must be a number 0..1";
  }
  page->mean_confidence = mean->get<double>();
  auto sideways = j.find("sideways");
  if (sideways != j.end()) {
    if (!sideways->is_boolean()) return "\"sideways\" must be true or false";
    page->sideways = sideways->get<bool>();
  }
  if (engine != nullptr) {
    auto e = j.find("engine");
    *engine = e != j.end() && e->is_string() ? e->get<std::string>() : "";
  }
  auto blocks = j.find("blocks");
  if (blocks == j.end() || !blocks->is_array()) return "\"blocks\" must be an array";
  std::size_t words = 0;
  for (std::size_t b = 0; b < blocks->size(); ++b) {
    const json& jb = (*blocks)[b];
    const std::string at = "blocks[" + std::to_string(b) + "]";
    Block block;
    if (!jb.is_object() || !ReadBox(jb, w, h, &block.bbox)) return at + ".box is not a box in the image";
    auto lines = jb.find("lines");
    if (lines == jb.end() || !lines->is_array()) return at + ".lines must be an array";
    for (std::size_t l = 0; l < lines->size(); ++l) {
      const json& jl = (*lines)[l];
      const std::string lat = at + ".lines[" + std::to_string(l) + "]";
      Line line;
      if (!jl.is_object() || !ReadBox(jl, w, h, &line.bbox)) return lat + ".box is not a box in the image";
      auto ws = jl.find("words");
      if (ws == jl.end() || !ws->is_array()) return lat + ".words must be an array";
      for (std::size_t k = 0; k < ws->size(); ++k) {
        const json& jw = (*ws)[k];
        const std::string wat = lat + ".words[" + std::to_string(k) + "]";
        if (++words > kMaxWords) return "more than " + std::to_string(kMaxWords) + " words";
        Word word;
        if (!jw.is_object()) return wat + " is not an object";
        auto text = jw.find("text");
        if (text == jw.end() || !text->is_string()) return wat + ".text must be a string";
        word.text = text->get<std::string>();
        if (!ReadConfidence(jw, &word.confidence)) return wat + ".confidence must be a number 0..1";
        if (!ReadBox(jw, w, h, &word.bbox)) return wat + ".box is not a box in the image";
        line.words.push_back(std::move(word));
      }
      block.lines.push_back(std::move(line));
    }
    page->blocks.push_back(std::move(block));
  }
  return "";
}

}  // namespace

std::string EncodeQuery(const OcrRequestParams& params) {
  // Languages are [A-Za-z0-9_+]; '+' is written %2B so that it is not read as a space.
  std::string langs;
  for (char c : params.languages) langs += c == '+' ? std::string("%2B") : std::string(1, c);
  return "?languages=" + langs + "&dpi=" + std::to_string(params.dpi) +
         "&timeout_ms=" + std::to_string(params.timeout_ms);
}

Result<OcrRequestParams> DecodeQuery(const std::multimap<std::string, std::string>& query) {
  OcrRequestParams p;
  if (auto it = query.find("languages"); it != query.end()) {
    const std::string& v = it->second;
    bool ok = !v.empty() && v.size() <= 200;
    for (char c : v) {
      ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '+');
    }
    if (!ok) {
      return Status(ErrorCode::kInvalidArgument,
                    "languages: expected codes of [A-Za-z0-9_] joined with '+', at most 200 characters");
    }
    p.languages = v;
  }
  if (auto it = query.find("dpi"); it != query.end() && !ParseInt(it->second, 0, 10000, &p.dpi)) {
    return Status(ErrorCode::kInvalidArgument, "dpi: expected an integer 0..10000");
  }
  if (auto it = query.find("timeout_ms");
      it != query.end() && !ParseInt(it->second, 1, 600000, &p.timeout_ms)) {
    return Status(ErrorCode::kInvalidArgument, "timeout_ms: expected an integer 1..600000");
  }
  return p;
}

int HttpStatusOfError(std::string_view code) {
  static const std::map<std::string_view, int> kStatus = {
      {"bad_request", 400},       {"unauthorized", 401},         {"not_found", 404},
      {"method_not_allowed", 405}, {"payload_too_large", 413},   {"unsupported_media_type", 415},
      {"invalid_image", 422},     {"busy", 429},                 {"ocr_failed", 500},
      {"unavailable", 503},       {"deadline_exceeded", 504},
  };
  auto it = kStatus.find(code);
  return it == kStatus.end() ? 500 : it->second;
}

std::string EncodeResponse(const OcrPage& page, const std::string& engine, int width, int height) {
  nlohmann::ordered_json j;
  j["protocol"] = std::string(kOcrProtocol);
  j["engine"] = engine;
  j["width"] = width;
  j["height"] = height;
  j["mean_confidence"] = Round3(page.mean_confidence);
  j["sideways"] = page.sideways;
  json blocks = json::array();
  for (const Block& b : page.blocks) {
    json lines = json::array();
    for (const Line& l : b.lines) {
      json words = json::array();
      for (const Word& w : l.words) {
        words.push_back({{"text", w.text}, {"confidence", Round3(w.confidence)}, {"box", BoxJson(w.bbox)}});
      }
      lines.push_back({{"box", BoxJson(l.bbox)}, {"words", std::move(words)}});
    }
    blocks.push_back({{"box", BoxJson(b.bbox)}, {"lines", std::move(lines)}});
  }
  j["blocks"] = std::move(blocks);
  return DumpJson(j);
}

std::string EncodeError(std::string_view code, const std::string& message) {
  nlohmann::ordered_json j;
  j["protocol"] = std::string(kOcrProtocol);
  j["error"] = {{"code", std::string(code)}, {"message", message}};
  return DumpJson(j);
}

Result<OcrPage> DecodeResponse(int status, std::string_view body, const std::string& where,
                               std::string* engine) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (status != 200) {
    std::string code = "?", message = "(no error body)";
    if (j.is_object() && j.contains("error") && j["error"].is_object()) {
      const json& e = j["error"];
      if (e.contains("code") && e["code"].is_string()) code = e["code"].get<std::string>();
      if (e.contains("message") && e["message"].is_string()) message = e["message"].get<std::string>();
    }
    const std::string text =
        where + ": HTTP " + std::to_string(status) + " " + code + ": " + message;
    if (status == 504 || status == 413) return Status(ErrorCode::kLimitExceeded, text);
    if (status == 500) return Status(ErrorCode::kOcrFailed, text);
    if (status >= 500 || status == 429) return Status(ErrorCode::kUnavailable, text);
    return Status(ErrorCode::kInvalidArgument, text);
  }
  if (j.is_discarded()) {
    return Status(ErrorCode::kOcrFailed,
                  where + ": malformed response: not JSON (" + std::to_string(body.size()) +
                      " bytes" + (body.size() >= kMaxResponseBytes ? ", cut at the size cap" : "") + ")");
  }
  OcrPage page;
  std::string wrong = ReadPage(j, &page, engine);
  if (!wrong.empty()) return Status(ErrorCode::kOcrFailed, where + ": malformed response: " + wrong);
  return page;
}

}  // namespace sheaf::ocr
