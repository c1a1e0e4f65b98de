// SPDX-License-Identifier: GPL-3.0-or-later
//
// The result tree: Document -> Page -> Block -> Line -> Word. Plain values with no behaviour
// beyond small helpers; the JSON form is written down in docs/result-format.md.
#ifndef SHEAF_DOCUMENT_H_
#define SHEAF_DOCUMENT_H_

#include <map>
#include <string>
#include <vector>

#include "sheaf/status.h"

namespace sheaf {

// Pixel box on a page: [x0, y0) to [x1, y1), origin top-left.
struct Box {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool operator==(const Box&) const = default;
  // The smallest box holding both (an empty box is the identity).
  Box Union(const Box& o) const;
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

struct Word {
  std::string text;
  Box bbox;
  double confidence = 0;  // 0..1
};

struct Line {
  Box bbox;
  std::vector<Word> words;
  std::string Text() const;  // words joined by single spaces
};

struct Block {
  Box bbox;
  std::vector<Line> lines;
};

// Where a page's words came from.
enum class PageSource { kTextLayer, kOcr, kText };
std::string_view PageSourceName(PageSource s);

// What pre-processing decided for an image page (all neutral for text pages).
struct PreprocessRecord {
  int rotation = 0;                  // degrees clockwise applied to make the page upright
  double rotation_confidence = 0;    // OSD confidence of that decision (0 when not run)
  bool orientation_checked = false;  // whether OSD ran on this page
  double skew_degrees = 0;           // skew that was measured and corrected
  double scale = 1;                  // factor applied before OCR (>1 upsampled)
  double text_height_px = 0;         // median glyph height measured before scaling
  double border_removed = 0;         // share of the page that was dark border, painted white
  bool background_normalized = false;
  bool second_opinion = false;        // the page read poorly and was also read the other way
  std::string binarization = "none";  // "none" | "otsu" | "sauvola"
  int threshold = 0;                  // global threshold chosen (Otsu), 0 when not applicable
};

// Maps a box on the normalised page (width x height, made from the source by rotating
// `rotation` degrees clockwise and then deskewing by `skew_degrees` about the centre) back to
// the source image: the bounding box of its four mapped corners.
Box ToSourceBox(const PreprocessRecord& record, int width, int height, const Box& box);

struct Page {
  int number = 0;  // 1-based
  int width = 0;   // pixels of the normalised page (after rotation and deskew)
  int height = 0;
  int dpi = 0;     // resolution the page coordinates are at (0 when unknown)
  PageSource source = PageSource::kOcr;
  PreprocessRecord preprocess;
  double ocr_confidence = 0;  // mean word confidence 0..1 (1 for text layers and text files)
  bool ocr_cache_hit = false;
  // Which engine read the page when a remote OCR service is configured: "remote" or
  // "tesseract" (its local fallback); "" otherwise, and for a page from the OCR cache.
  std::string ocr_engine;
  std::vector<Block> blocks;
  std::vector<std::string> warnings;  // RawPage::warnings: damage the page was read past

  std::size_t WordCount() const;
  std::string Text() const;  // lines joined by '\n', blocks separated by a blank line
};

enum class DocumentStatus { kCompleted, kNeedsReview, kFailed };
std::string_view DocumentStatusName(DocumentStatus s);

struct DocumentType {
  std::string label = "unknown";
  double confidence = 0;
};

// One extracted value. `value` is normalised per the field's type (dates YYYY-MM-DD, money
// "1234.50", currency ISO 4217, ...); `raw` is the text as printed.
struct Field {
  std::string value;
  std::string raw;
  double confidence = 0;  // 0..1: how likely `value` is right
  int page = 0;           // 1-based page the value was read from; 0 when not from a page
  Box bbox;               // on that page, in its pixel coordinates
  std::string label;      // the printed label that announced the value ("" when none)
  Box label_bbox;
  std::string source = "layout";  // "layout" | "embedded_xml" | "review"
};

// A line item: fields such as description, quantity, unit_price, amount.
using LineItem = std::map<std::string, Field>;

enum class RuleStatus { kPass, kWarn, kFail };
std::string_view RuleStatusName(RuleStatus s);

struct RuleResult {
  std::string rule;
  RuleStatus status = RuleStatus::kPass;
  std::string message;
  std::vector<std::string> fields;
};

struct Document {
  std::string source;  // the path as given
  std::string sha256;  // of the file's bytes ("" when the file could not be read)
  std::string format;  // "pdf", "tiff", "png", "jpeg", "webp", "text" ("" when not detected)
  DocumentStatus status = DocumentStatus::kCompleted;
  Status error;  // non-OK iff status == kFailed
  DocumentType document_type;
  std::vector<Page> pages;
  std::map<std::string, Field> fields;  // by field name (forms: by normalised label)
  std::vector<LineItem> line_items;
  std::vector<RuleResult> validation;
  std::vector<std::string> review_reasons;  // why status is needs_review
  std::map<std::string, double> timings_ms;  // stage -> wall time summed over pages
};

}  // namespace sheaf

#endif  // SHEAF_DOCUMENT_H_
