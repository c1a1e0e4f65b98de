// SPDX-License-Identifier: GPL-3.0-or-later
//
// `sheaf serve --role ocr`: the remote OCR service (docs/ocr-protocol.md) over local Tesseract.
#include <pthread.h>
#include <signal.h>

#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "adapters/httplib/httplib_server.h"
#include "app/composition.h"
#include "ocr/ocr_server.h"
#include "service/metrics.h"

namespace sheaf::app {

int RunOcrRole(const Config& config, const OcrRoleOptions& options, const sigset_t& signals) {
  auto fail = [](const Status& s) {
    std::cerr << "sheaf serve: " << s.message() << "\n";
    return 1;
  };
  std::vector<std::unique_ptr<OcrEngine>> engines;
  for (int i = 0; i < options.engines; ++i) {
    Result<std::unique_ptr<OcrEngine>> e = MakeLocalOcrEngine(config.ocr);
    if (!e.ok()) return fail(e.status());
    engines.push_back(std::move(e).value());
  }
  ocr::ImageDecoder decode = MakeOcrImageDecoder(config.limits);
  ocr::OcrServerOptions sopts;
  if (options.max_body_bytes > 0) sopts.max_body_bytes = options.max_body_bytes;
  sopts.max_pixels = config.limits.max_page_pixels;
  sopts.max_waiting = 2 * options.engines;
  sopts.api_key = options.api_key;
  sopts.engine_name = "tesseract " + LocalOcrEngineVersion() + " " + config.ocr.languages;
  MetricsRegistry metrics;
  ocr::OcrServer ocr_server(std::move(engines), config.ocr.languages, std::move(decode), sopts,
                            &metrics);

  HttpServerOptions hopts;
  hopts.max_body_bytes = sopts.max_body_bytes;
  hopts.threads = options.http_threads;
  hopts.error_body = &ocr::OcrServer::ErrorBody;
  std::unique_ptr<HttpServer> server = MakeHttplibServer(hopts);
  if (Status s = server->Listen(options.host, options.port); !s.ok()) return fail(s);

  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != 0 && !stopping.exchange(true)) {
      spdlog::info("signal {}: stopping", sig);
      server->Stop();
    }
  });
  std::cout << "sheaf serve: listening on http://" << options.host << ":" << server->port()
            << " (role ocr, " << options.engines << " engines, languages " << config.ocr.languages
            << (options.api_key.empty() ? "" : ", key required") << ")" << std::endl;
  Status served = server->Run([&ocr_server](HttpRequest& r) { return ocr_server.Handle(r); });
  if (!stopping.exchange(true)) pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  if (!served.ok()) return fail(served);
  spdlog::info("stopped");
  return 0;
}

}  // namespace sheaf::app
