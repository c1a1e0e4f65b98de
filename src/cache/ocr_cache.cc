// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache/ocr_cache.h"

#include <thread>

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

std::optional<OcrPage> OcrCache::Lookup(const std::string& key) {
  if (cache_ == nullptr) return std::nullopt;
  Result<std::optional<std::string>> got = cache_->Get(key);  // an error is a miss
  if (!got.ok() || !got->has_value()) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(**got, nullptr, /*allow_exceptions=*/false);
  OcrPage page;
  if (j.is_object() && j.contains("blocks") && j.contains("mean_confidence") &&
      j["mean_confidence"].is_number() && BlocksFromJson(j["blocks"], &page.blocks)) {
    page.mean_confidence = j["mean_confidence"].get<double>();
    return page;
  }
  return std::nullopt;
}

std::optional<OcrPage> OcrCache::Get(const std::string& key) {
  std::optional<OcrPage> page = Lookup(key);
  (page ? hits_ : misses_).fetch_add(1);
  return page;
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
    result = ComputeOnce(key, compute, hit);
  }
  promise.set_value(result);
  std::lock_guard<std::mutex> lock(mu_);
  in_flight_.erase(key);
  return result;
}

Result<OcrPage> OcrCache::ComputeAndStore(const std::string& key,
                                          const std::function<Result<OcrPage>()>& compute) {
  Result<OcrPage> result = compute();
  if (result.ok()) Put(key, *result);
  return result;
}

Result<OcrPage> OcrCache::ComputeOnce(const std::string& key,
                                      const std::function<Result<OcrPage>()>& compute,
                                      bool* hit) {
  *hit = false;
  LeaseTable* leases = single_flight_.leases;
  if (leases == nullptr || cache_ == nullptr) return ComputeAndStore(key, compute);
  // Another worker's result: a hit after all (Get counted this caller's first look a miss).
  const auto waited = [&](OcrPage page) -> Result<OcrPage> {
    *hit = true;
    waited_hits_.fetch_add(1);
    misses_.fetch_sub(1);
    hits_.fetch_add(1);
    return page;
  };
  const std::string lease = "lease:" + key;
  const auto deadline = std::chrono::steady_clock::now() + single_flight_.max_wait;
  for (;;) {
    Result<std::optional<std::string>> token = leases->TryAcquire(lease, single_flight_.lease_ttl);
    if (!token.ok()) return ComputeAndStore(key, compute);  // leases unreachable: just compute
    if (token->has_value()) {
      // The result may have landed between our miss and the lease (its holder just released).
      std::optional<OcrPage> cached = Lookup(key);
      Result<OcrPage> result = cached ? waited(std::move(*cached)) : ComputeAndStore(key, compute);
      (void)leases->Release(lease, **token);
      return result;
    }
    // Another worker reads this page: wait for its result, a bounded time.
    if (std::chrono::steady_clock::now() >= deadline) return ComputeAndStore(key, compute);
    std::this_thread::sleep_for(single_flight_.poll);
    if (std::optional<OcrPage> cached = Lookup(key)) return waited(std::move(*cached));
  }
}

}  // namespace sheaf
