// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/poppler/icc_color_spaces.h"

// Object.h first: it includes Array.h and Dict.h at the point they can be compiled.
#include <Object.h>

#include <Array.h>
#include <Dict.h>
#include <GfxState.h>
#include <OutputDev.h>
#include <Stream.h>

#include <functional>
#include <vector>

namespace sheaf::poppler_adapter {

namespace {

// A profile larger than this is not shared (Poppler itself reads any size).
constexpr int kMaxProfileBytes = 1 << 20;

// Calls `fn` with the stream reference and key of each ICCBased colour space of `resources`
// that `skip` does not rule out (asked before the profile is read) and that may be shared.
void ForEachIccSpace(Dict* resources, const std::function<bool(Ref)>& skip,
                     const std::function<void(Ref, std::string)>& fn) {
  if (resources == nullptr) return;
  Object spaces = resources->lookup("ColorSpace");
  if (!spaces.isDict()) return;
  Dict* dict = spaces.getDict();
  for (int i = 0; i < dict->getLength(); ++i) {
    Object space = dict->getVal(i);
    if (!space.isArray() || space.arrayGetLength() < 2) continue;
    Array* arr = space.getArray();
    if (!arr->get(0).isName("ICCBased") || !arr->getNF(1).isRef()) continue;
    const Ref ref = arr->getNF(1).getRef();
    if (skip(ref)) continue;
    Object stream = arr->get(1);
    if (!stream.isStream()) continue;
    Dict* sd = stream.streamGetDict();
    Object n = sd->lookup("N");
    Object alternate = sd->lookup("Alternate");
    Object range = sd->lookup("Range");
    if (!n.isInt() || !(alternate.isNull() || alternate.isName())) continue;
    std::string key = "N" + std::to_string(n.getInt()) + "/A" +
                      (alternate.isName() ? alternate.getName() : "") + "/R";
    bool plain_range = range.isNull() || range.isArray();
    for (int k = 0; plain_range && range.isArray() && k < range.arrayGetLength(); ++k) {
      Object v = range.arrayGet(k);
      plain_range = v.isNum();
      if (plain_range) key += std::to_string(v.getNum()) + ",";
    }
    if (!plain_range) continue;
    key += "/";
    Stream* s = stream.getStream();
    s->reset();
    unsigned char buf[4096];
    int got = 0;
    bool too_large = false;
    while (!too_large && (got = s->doGetChars(sizeof buf, buf)) > 0) {
      key.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(got));
      too_large = key.size() > static_cast<std::size_t>(kMaxProfileBytes);
    }
    s->close();
    if (!too_large) fn(ref, std::move(key));
  }
}

}  // namespace

IccColorSpaces::IccColorSpaces() = default;
IccColorSpaces::~IccColorSpaces() = default;

std::vector<IccColorSpaces::Missing> IccColorSpaces::Lend(Dict* resources, OutputDev* out,
                                                          Examined* examined) {
  std::vector<Missing> missing;
  auto* cache = out->getIccColorSpaceCache();
  ForEachIccSpace(
      resources,
      [&](Ref ref) {
        if (cache->lookup(ref) != nullptr || examined->refs.size() >= kMaxPerDocument) return true;
        return !examined->refs.insert({ref.num, ref.gen}).second;  // seen before: skip
      },
      [&](Ref ref, std::string key) {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = by_profile_.find(key);
        if (it != by_profile_.end()) {
          cache->put(ref, static_cast<GfxICCBasedColorSpace*>(it->second->copy()));
        } else {
          missing.push_back({ref.num, ref.gen, std::move(key)});
        }
      });
  return missing;
}

void IccColorSpaces::Keep(const std::vector<Missing>& missing, OutputDev* out) {
  for (const Missing& m : missing) {
    GfxICCBasedColorSpace* built = out->getIccColorSpaceCache()->lookup(Ref{m.num, m.gen});
    if (built == nullptr) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (by_profile_.count(m.key) != 0 || by_profile_.size() >= kMaxProfiles) continue;
    by_profile_.emplace(m.key, std::unique_ptr<GfxColorSpace>(built->copy()));
  }
}

}  // namespace sheaf::poppler_adapter
