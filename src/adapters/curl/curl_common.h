// SPDX-License-Identifier: GPL-3.0-or-later
//
// What every libcurl caller in src/adapters shares: the process-wide setup, done once, and
// owners for libcurl's handles.
#ifndef SHEAF_ADAPTERS_CURL_CURL_COMMON_H_
#define SHEAF_ADAPTERS_CURL_CURL_COMMON_H_

#include <curl/curl.h>

#include <mutex>

namespace sheaf::curl_adapter {

// libcurl's process-wide setup: once, before the first handle, never torn down (other threads
// may still be in a call when static destructors run). curl_global_init must not race.
inline CURLcode GlobalInit() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace sheaf::curl_adapter

#endif  // SHEAF_ADAPTERS_CURL_CURL_COMMON_H_
