// SPDX-License-Identifier: GPL-3.0-or-later
//
// OCR evaluation: character error rate against word-level hOCR truth (scribeocr benchmark) or
// line transcripts (SROIE box files).
#ifndef SHEAF_EVAL_OCR_EVAL_H_
#define SHEAF_EVAL_OCR_EVAL_H_

#include <cstddef>
#include <string>
#include <vector>

#include "sheaf/document.h"
#include "sheaf/status.h"

namespace sheaf::eval {

// Levenshtein distance between two UTF-8 strings, counted in code points.
std::size_t EditDistance(const std::string& a, const std::string& b);

struct TextNormalization {
  bool fold_case = false;  // compare upper-cased (ASCII) text
};
// Collapses every run of whitespace to one space and trims; upper-cases ASCII when asked.
std::string NormalizeForCer(const std::string& text, const TextNormalization& n);

// Number of code points.
std::size_t CodePoints(const std::string& s);

// A line of ground truth, or a recognised word, with its box in the source image's pixels.
struct BoxedText {
  Box box;
  std::string text;
};

// ocr_line elements of an hOCR file with their text and the union of their words' boxes.
Result<std::vector<BoxedText>> HocrLines(const std::string& hocr);
// SROIE box rows: the axis-aligned box around each quadrilateral and its transcript.
std::vector<BoxedText> SroieLines(const std::string& csv);
// Words (level 5 rows with text) of `tesseract IMAGE - tsv` output.
std::vector<BoxedText> TesseractTsvWords(const std::string& tsv);

struct CerSample {
  std::string name;
  std::size_t truth_chars = 0;
  std::size_t edits = 0;
  double cer() const { return truth_chars ? static_cast<double>(edits) / truth_chars : 0.0; }
};

// Line-aligned CER, robust to reading order (columns, tables, margins): each recognised word is
// assigned to the truth line containing its centre (the nearest one vertically when several
// do); a line's words, left to right, are compared with its text; words that fall on no line
// count as insertions. truth_chars and edits are in code points after NormalizeForCer.
CerSample AlignedCer(const std::vector<BoxedText>& truth_lines,
                     const std::vector<BoxedText>& words, const TextNormalization& n);

// Sum of edits over sum of truth characters.
double MicroCer(const std::vector<CerSample>& samples);

}  // namespace sheaf::eval

#endif  // SHEAF_EVAL_OCR_EVAL_H_
