// SPDX-License-Identifier: GPL-3.0-or-later
//
// The processor runs documents through load -> preprocess -> ocr with a pool of worker threads.
// Work is scheduled per page, so one long PDF keeps every worker busy, and earlier documents'
// pages go first, so results come out in input order without waiting on later inputs. At most
// a window of documents is open at once, which bounds memory whatever the batch size.
#ifndef SHEAF_PIPELINE_PROCESSOR_H_
#define SHEAF_PIPELINE_PROCESSOR_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cache/ocr_cache.h"
#include "pipeline/loader.h"
#include "sheaf/document.h"
#include "sheaf/options.h"
#include "sheaf/ocr_engine.h"
#include "sheaf/preprocessor.h"

namespace sheaf {

// What one worker thread owns. Created lazily, once per thread, on the first page that needs
// OCR (text-only batches never load a model).
struct WorkerTools {
  std::unique_ptr<Preprocessor> preprocessor;
  std::unique_ptr<OcrEngine> engine;
  std::unique_ptr<OrientationDetector> orientation;  // null: orientation is never checked
  // A second way to prepare a page (another contrast treatment), tried when the first reads
  // poorly; null: never.
  std::unique_ptr<Preprocessor> alternate;
};
using WorkerToolsFactory = std::function<Result<WorkerTools>()>;

struct ProcessorOptions {
  int jobs = 1;           // worker threads
  std::string type_hint;  // "" or "auto": classify later; otherwise the document type to use
  OrientationOptions orientation;
  // A page read with a mean word confidence below this is prepared the alternate way and read
  // again; the reading with the higher confidence is kept. 0: never.
  double second_opinion_below = 0.75;
  // Runs on a worker thread once all of a document's pages are read (classification,
  // extraction, validation); may be empty. It is given the document's reader, still open (for
  // what else the file holds, such as embedded files), or null when the file could not be opened.
  std::function<void(Document*, DocumentReader*)> finish;
  // How such a page is read again when the engine reads lines (OcrEngine::ReadsLines) and this
  // is above 0: only its lines whose words average below this confidence, each as a line of the
  // alternate image, keeping per line the more confident reading. 0 (the default): the whole
  // page is read again. Off by default: at 0.75 it saved 8% of the CPU time on the SROIE
  // receipts but took their CER from 12.12% to 13.98% (README, "Speed and memory").
  double second_opinion_line_below = 0;
};

class Processor {
 public:
  // `loader` and `cache` must outlive the processor; `cache` may be null.
  Processor(const Loader& loader, WorkerToolsFactory factory, OcrCache* cache,
            ProcessorOptions options);

  using DoneFn = std::function<void(std::size_t index, Document&& doc)>;
  // Processes every path and calls `done` once per path, in input order, on the calling
  // thread. Safe to call from several threads at once (each call has its own workers); the
  // workers' tools (OCR engines) are kept between calls and reused. A failing input yields a Document with status failed; it never stops the batch.
  void Run(const std::vector<std::string>& paths, const DoneFn& done);

  // A file given by name, or in memory (then `name` is only what messages and Document::source
  // call it).
  struct Input {
    std::string name;
    std::shared_ptr<const std::string> bytes;  // null: read the file `name`
  };
  void Run(const std::vector<Input>& inputs, const DoneFn& done);

  // Sets ProcessorOptions::finish. Not while Run is running.
  void set_finish(std::function<void(Document*, DocumentReader*)> finish) {
    options_.finish = std::move(finish);
  }

 private:
  // Pre-processes and OCRs one image page into `page` (orientation check included).
  Status RecognizePage(WorkerTools& tools, const Image& image, Page* page,
                       std::map<std::string, double>* timings);
  // OCR through the cache.
  Result<OcrPage> CachedRecognize(WorkerTools& tools, const Image& image, bool* hit,
                                  std::map<std::string, double>* timings);

  // A worker's tools: an idle set from an earlier Run, or new ones from the factory.
  Result<WorkerTools> TakeTools();
  void ReturnTools(WorkerTools tools);

  const Loader& loader_;
  WorkerToolsFactory factory_;
  std::mutex tools_mu_;
  std::vector<WorkerTools> idle_tools_;  // GUARDED_BY(tools_mu_)
  OcrCache* cache_;
  ProcessorOptions options_;
};

// Maps boxes found on an image scaled by `scale` back to the unscaled page, clamped to it.
void UnscaleBlocks(std::vector<Block>* blocks, double scale, int width, int height);

}  // namespace sheaf

#endif  // SHEAF_PIPELINE_PROCESSOR_H_
