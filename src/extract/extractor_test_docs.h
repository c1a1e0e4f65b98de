// SPDX-License-Identifier: GPL-3.0-or-later
// For the extractor's tests (extractor_test.cc, parties_test.cc): the shipped schemas, a
// document laid out from monospaced text, and reading a field's value.
#ifndef SHEAF_EXTRACT_EXTRACTOR_TEST_DOCS_H_
#define SHEAF_EXTRACT_EXTRACTOR_TEST_DOCS_H_

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "extract/extractor.h"

namespace sheaf::extract::test_docs {

inline const std::string kSchemaDir = std::string(SHEAF_SOURCE_DIR) + "/schemas";

inline const Schema& SchemaFor(const std::string& type) {
  static const std::map<std::string, Schema> schemas = [] {
    auto loaded = LoadSchemaDir(kSchemaDir);
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? *loaded : std::map<std::string, Schema>{};
  }();
  return schemas.at(type);
}

// A one-page document laid out like a monospaced print: each character 10 x 20 pixels, so
// runs of spaces become horizontal gaps exactly as they do on paper.
inline Document TextDocument(const std::string& text, PageSource source = PageSource::kTextLayer,
                             double confidence = 1.0) {
  Document doc;
  doc.format = "pdf";
  Page page;
  page.number = 1;
  page.width = 1000;
  page.source = source;
  std::istringstream in(text);
  std::string line;
  int y = 0;
  Block block;
  while (std::getline(in, line)) {
    Line l;
    for (std::size_t i = 0; i < line.size();) {
      if (line[i] == ' ') {
        ++i;
        continue;
      }
      std::size_t j = line.find(' ', i);
      if (j == std::string::npos) j = line.size();
      Word w;
      w.text = line.substr(i, j - i);
      w.bbox = {static_cast<int>(i) * 10, y * 20 + 2, static_cast<int>(j) * 10, y * 20 + 18};
      w.confidence = confidence;
      l.bbox = l.bbox.Union(w.bbox);
      l.words.push_back(w);
      i = j;
    }
    if (!l.words.empty()) block.lines.push_back(l);
    ++y;
  }
  page.height = y * 20;
  page.blocks.push_back(block);
  doc.pages.push_back(page);
  return doc;
}

// Marks the words that read `text` as read by OCR with confidence `conf` (a murky line).
inline void SetConfidence(Document& doc, const std::string& text, double conf) {
  for (Page& page : doc.pages) {
    for (Block& block : page.blocks) {
      for (Line& line : block.lines) {
        for (Word& w : line.words) {
          if (w.text == text) w.confidence = conf;
        }
      }
    }
  }
}

inline std::string Value(const Extraction& ex, const std::string& name) {
  auto it = ex.fields.find(name);
  return it == ex.fields.end() ? "<none>" : it->second.value;
}

}  // namespace sheaf::extract::test_docs

#endif  // SHEAF_EXTRACT_EXTRACTOR_TEST_DOCS_H_
