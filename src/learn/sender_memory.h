// SPDX-License-Identifier: GPL-3.0-or-later
//
// Sender memory: what a correction teaches about where one sender prints one field, and its use
// on that sender's next document (docs/learning.md).
//
// Learning (LearnPlace): the corrected value is looked for among the document's words; where it
// is printed - the page, its box relative to the page's size, the label words printed left of
// it on its row (or, when none, above it), the kind of value and its shape - is the FieldPlace.
// Using it (ApplyPlaces), after extraction: on the next document from the sender, the words of
// that kind (and, for text, that shape) beside the same label (the same letters and digits), or,
// for a value learned without a label, at the same place, become the field's value, with source
// "sender-memory" and a confidence that says which (label: 0.97; place: 0.9). A place that finds
// nothing leaves the field as extracted. A currency code is not a place but the sender's
// currency: a sender bills in one, printed as a symbol, "Rs." or not at all (kind "currency").
//
// Contract: pure functions of their arguments; thread-safe; never throw (a memory that is not
// a FieldPlace's JSON is skipped).
#ifndef SHEAF_LEARN_SENDER_MEMORY_H_
#define SHEAF_LEARN_SENDER_MEMORY_H_

#include <optional>
#include <string>
#include <vector>

#include "sheaf/document.h"

namespace sheaf::learn {

inline constexpr char kSenderMemorySource[] = "sender-memory";

struct FieldPlace {
  std::string field;
  int page = 1;                         // 1-based
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // the value's box, as fractions of the page's size
  std::string label;       // lower-cased words announcing the value; "" when none was printed
  std::string label_side;  // "left" (on its row) | "above" (the row above) | "" (no label)
  std::string kind;        // "money" | "date" | "text" | "currency" (the sender's currency, in
                           // `value`: no place, label or shape)
  std::string shape;       // the printed value with digits as 9 and letters as a; "" for a
                           // block: a value learned over several lines or misread by OCR
  int lines = 1;           // how many lines the value spans (1..4)
  // For a block: the reviewer's value. When the block found on the next document reads as it
  // but for what OCR may misread (TextTolerance), the field gets this spelling, not the misread
  // one. "" for other places.
  std::string value;
  // Learned from words a reviewer pointed at that OCR had misread (they do not read as the
  // reviewer's value): OCR is known to misread the sender's print there, so what it reads at
  // this place later is not taken for certain (kMisreadConfidence) - only a text that reads as
  // the reviewer's value is.
  bool misread = false;
};

// The confidence of a value read at a place learned from a misreading: below the >= 0.9 band
// that takes a field out of review.
inline constexpr double kMisreadConfidence = 0.85;

// The words a reviewer pointed at for a corrected value (clicked or lassoed on the review
// page): the page (1-based) and a box in that page's pixels, as the result's boxes and
// /pages/{n}/words give them. The words whose centres lie inside it are meant.
struct PointedWords {
  int page = 1;
  Box box;
};

// The JSON object stored as SenderFieldMemory::memory_json (the field name is kept beside it).
std::string PlaceToJson(const FieldPlace& place);
// nullopt when `json` is not a FieldPlace's JSON.
std::optional<FieldPlace> PlaceFromJson(const std::string& field, const std::string& json);

// Where `doc` prints `value`, the corrected value of `field` (money as "1234.50", dates as
// YYYY-MM-DD, anything else as text), or nullopt when no words of the document read as it.
// A value that is an ISO 4217 code the extractor knows ("INR") is learned as the sender's
// currency (kind "currency"), whatever the page prints.
// Among several, one whose label reads as words wins (left of it, then above it: a word of two
// or more letters and no digits), then one with a label that does not (OCR noise such as
// "z= o04", which the sender's next document will not print alike), then the lowest on the page
// for money, the highest otherwise.
//
// With `pointed` (the words the reviewer filled the field from), those words are the place,
// even when OCR misread them ("1O.5O", "141.58" for 141.50; a misread address block), as long
// as they can be the value: for money and dates 1-4 words on one row holding a digit, for text
// at most 4 rows. A place whose words do not read as the value is marked `misread`. When the
// box holds no such words, the value is looked for as without it.
std::optional<FieldPlace> LearnPlace(const Document& doc, const std::string& field,
                                     const std::string& value,
                                     const std::optional<PointedWords>& pointed = std::nullopt);

// Applies each place to `doc` (see above); returns the names of the fields it set. The sender's
// currency fills the field when extraction found none (confidence 0.9, no box) and confirms one
// that reads the same (its confidence raised to 0.9); a different currency read on the page is
// left as extracted.
std::vector<std::string> ApplyPlaces(const std::vector<FieldPlace>& places, Document* doc);

}  // namespace sheaf::learn

#endif  // SHEAF_LEARN_SENDER_MEMORY_H_
