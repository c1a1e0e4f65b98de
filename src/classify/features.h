// SPDX-License-Identifier: GPL-3.0-or-later
//
// Features for the document-type classifier: a document's text (and a few cheap facts about its
// layout) turned into a sparse vector that a linear model can read.
//
// Contract:
// - Featurize is a pure function: the same DocumentText and hash_bits give the same vector, bit
//   for bit, on every run and thread (FNV-1a 64 hashing, sorted output, no global state).
// - The vector has FeatureDimension(hash_bits) dimensions: first 2^hash_bits hashed text features
//   (word unigrams, word bigrams and character 3- to 5-grams within words; weight log(1 + tf),
//   the block L2-normalised), then kNumLayoutFeatures named dense features (LayoutFeatureName).
// - Text is UTF-8. Invalid bytes are treated as separators; a code point is never split.
// - Everything here is safe to call from any thread.
#ifndef SHEAF_CLASSIFY_FEATURES_H_
#define SHEAF_CLASSIFY_FEATURES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sheaf::classify {

// What the classifier sees of a document.
struct DocumentText {
  std::string text;                  // all pages' text, UTF-8, lines separated by '\n'
  int page_count = 1;                // number of pages (values < 1 are read as 1)
  double text_layer_fraction = 0.0;  // share of pages whose text came from a text layer, in [0, 1]
};

// A sparse vector: `indices` strictly increasing, `values[i]` belongs to `indices[i]`.
struct SparseVector {
  std::vector<int> indices;
  std::vector<double> values;

  bool operator==(const SparseVector&) const = default;
};

// The hash widths Featurize accepts.
inline constexpr int kMinHashBits = 4;
inline constexpr int kMaxHashBits = 24;

// The dense layout features appended after the hashed block, in order.
inline constexpr int kNumLayoutFeatures = 11;

// Returns the name of layout feature `i` ("digit_fraction", ...). REQUIRES: 0 <= i < kNum...
std::string_view LayoutFeatureName(int i);

// Returns 2^hash_bits + kNumLayoutFeatures. REQUIRES: kMinHashBits <= hash_bits <= kMaxHashBits.
int FeatureDimension(int hash_bits);

// Returns the features of `doc`. REQUIRES: kMinHashBits <= hash_bits <= kMaxHashBits.
SparseVector Featurize(const DocumentText& doc, int hash_bits);

// Returns the 64-bit FNV-1a hash of `bytes` continuing from `seed` (the FNV offset basis by
// default), so that several fields can be chained into one hash.
uint64_t Fnv1a64(std::string_view bytes, uint64_t seed = 14695981039346656037ULL);

// Returns the words of `text` as Featurize sees them: split on anything that is not a letter or a
// digit, lower-cased (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic), digits mapped to '0'.
std::vector<std::string> Tokenize(std::string_view text);

}  // namespace sheaf::classify

#endif  // SHEAF_CLASSIFY_FEATURES_H_
