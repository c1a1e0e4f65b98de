// SPDX-License-Identifier: GPL-3.0-or-later
//
// ICC-based colour spaces shared across the PDFs one opener reads. Poppler builds Little CMS
// transforms for every ICCBased colour space a page sets (a PDF/A invoice's DefaultRGB), caching
// them per output device and document; most PDFs of a batch carry the same few profiles (sRGB),
// so a batch rebuilt the same transforms once per document, about 13% of the CPU time of the
// ZUGFeRD batch. Internal to src/adapters/poppler.
#ifndef SHEAF_ADAPTERS_POPPLER_ICC_COLOR_SPACES_H_
#define SHEAF_ADAPTERS_POPPLER_ICC_COLOR_SPACES_H_

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

class Dict;
class GfxColorSpace;
class OutputDev;

namespace sheaf::poppler_adapter {

// Colour spaces are matched by what Poppler builds them from: the profile's bytes and the
// stream's /N, /Alternate (a name or none) and /Range; one with anything else is never shared.
// Thread-safe. Sharing is safe across threads because a copy of a colour space shares only its
// Little CMS profile and transforms, which Little CMS reads without writing (each call copies the
// transform's one-colour cache to the stack). Holds at most kMaxProfiles profiles.
class IccColorSpaces {
 public:
  static constexpr std::size_t kMaxProfiles = 16;
  IccColorSpaces();
  ~IccColorSpaces();

  // An ICCBased colour space of the page that `out` does not hold yet: its stream's reference
  // in the document and its key.
  struct Missing {
    int num = 0, gen = 0;
    std::string key;
  };
  // What one document has had examined: each ICC profile stream is read at most once per
  // document, and at most kMaxPerDocument of them, so a PDF naming many (unused) profiles costs
  // no more than that. One per document, used with one OutputDev.
  static constexpr std::size_t kMaxPerDocument = 16;
  struct Examined {
    std::set<std::pair<int, int>> refs;
  };
  // For each ICCBased colour space named in `resources`' /ColorSpace dictionary, not yet in
  // `out`'s cache and not examined for this document before, puts into `out`'s cache a copy of
  // the one built for an earlier document from the same profile, if any, under this document's
  // reference, so that Poppler finds it instead of building it. Returns those it had none for.
  // `resources` may be null; it must be the page's dictionary as it is now (displaying a page
  // with copyXRef replaces it).
  std::vector<Missing> Lend(Dict* resources, OutputDev* out, Examined* examined);
  // After the page is displayed: keeps a copy of each of `missing` that `out` has now built.
  void Keep(const std::vector<Missing>& missing, OutputDev* out);

 private:
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<GfxColorSpace>> by_profile_;
};

}  // namespace sheaf::poppler_adapter

#endif  // SHEAF_ADAPTERS_POPPLER_ICC_COLOR_SPACES_H_
