// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/ocr_cache.h"

#include "core/result_json.h"
#include "sheaf/hash.h"

namespace sheaf {

std::string OcrCache::Key(const Image& image, const std::string& engine_identity) {
  Sha256 h;
  std::string dims = std::to_string(image.width) + "x" + std::to_string(image.height) + "x" +
                     std::to_string(image.channels) + "@" + std::to_string(image.dpi) + "\n";
  h.Update(dims);
  h.Update(image.pixels.data(), image.pixels.size());
  h.Update("\n");
  h.Update(engine_identity);
  return "ocr:" + h.HexDigest();
}

std::optional<OcrPage> OcrCache::Get(const std::string& key) {
  if (cache_ == nullptr) {
    misses_.fetch_add(1);
    return std::nullopt;
  }
  Result<std::optional<std::string>> got = cache_->Get(key);
  if (got.ok() && got->has_value()) {
    nlohmann::json j = nlohmann::json::parse(**got, nullptr, /*allow_exceptions=*/false);
    OcrPage page;
    if (j.is_object() && j.contains("blocks") && j.contains("mean_confidence") &&
        j["mean_confidence"].is_number() && BlocksFromJson(j["blocks"], &page.blocks)) {
      page.mean_confidence = j["mean_confidence"].get<double>();
      hits_.fetch_add(1);
      return page;
    }
  }
  misses_.fetch_add(1);
  return std::nullopt;
}

void OcrCache::Put(const std::string& key, const OcrPage& page) {
  if (cache_ == nullptr) return;
  nlohmann::json j;
  j["mean_confidence"] = page.mean_confidence;
  j["blocks"] = BlocksToJson(page.blocks);
  (void)cache_->Put(key, j.dump(), ttl_);  // a cache that cannot store is only slower
}

}  // namespace sheaf

namespace sheaf {

Result<OcrPage> OcrCache::GetOrCompute(const std::string& key,
                                       const std::function<Result<OcrPage>()>& compute,
                                       bool* hit) {
  std::promise<Result<OcrPage>> promise;
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = in_flight_.find(key);
    if (it != in_flight_.end()) {
      std::shared_future<Result<OcrPage>> shared = it->second;
      lock.unlock();
      Result<OcrPage> r = shared.get();
      *hit = r.ok();
      if (r.ok()) hits_.fetch_add(1);
      return r;
    }
    in_flight_.emplace(key, promise.get_future().share());
  }
  Result<OcrPage> result = Status(ErrorCode::kInternal, "OCR did not run");
  if (std::optional<OcrPage> cached = Get(key)) {
    *hit = true;
    result = std::move(*cached);
  } else {
    *hit = false;
    result = compute();
    if (result.ok()) Put(key, *result);
  }
  promise.set_value(result);
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_.erase(key);
  return result;
}

}  // namespace sheaf
