// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/processor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>

namespace sheaf {

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct DocState {
  std::string path;
  std::shared_ptr<const std::string> bytes;  // the file, when given in memory
  Clock::time_point started;
  std::mutex reader_mu;  // serialises calls on `reader`
  std::unique_ptr<DocumentReader> reader;
  std::mutex result_mu;  // guards doc.pages, doc.timings_ms and error
  Document doc;
  Status error;
  std::atomic<int> pages_left{0};
  std::atomic<bool> failed{false};
};

struct Task {
  std::size_t doc = 0;
  int page = -1;  // -1: open the document
  // Min-heap on (doc, page): earlier documents first, then their pages in order.
  bool operator<(const Task& o) const {
    return doc != o.doc ? doc > o.doc : page > o.page;
  }
};

int Clamp(int v, int hi) { return std::clamp(v, 0, std::max(0, hi)); }

double MeanConfidence(const Line& line) {
  double sum = 0;
  for (const Word& w : line.words) sum += w.confidence;
  return line.words.empty() ? 0.0 : sum / static_cast<double>(line.words.size());
}

std::size_t Characters(const Line& line) {
  std::size_t n = 0;
  for (const Word& w : line.words) n += w.text.size();
  return n;
}

Box ScaleBox(const Box& b, double f) {
  return {static_cast<int>(std::floor(b.x0 * f)), static_cast<int>(std::floor(b.y0 * f)),
          static_cast<int>(std::ceil(b.x1 * f)), static_cast<int>(std::ceil(b.y1 * f))};
}

// The second opinion line by line: re-reads, on `alt` (the page prepared the other way), each
// line of `ocr` whose words average below `below`, and keeps the alternate reading of a line
// when it is more confident and about as long (a reading that drops half the line's characters
// is not a better one). `ocr`'s boxes are in the pixels of `first`'s OCR image and stay so.
// Returns how many lines were re-read and how many replaced.
Status ReReadPoorLines(OcrEngine& engine, const PreparedPage& first, const PreparedPage& alt,
                       double below, int timeout_ms, OcrPage* ocr, int* reread, int* replaced) {
  const double f = first.record.scale > 0 ? alt.record.scale / first.record.scale : 1.0;
  std::vector<Line*> poor;
  std::vector<Box> regions;
  for (Block& b : ocr->blocks) {
    for (Line& l : b.lines) {
      if (l.words.empty() || MeanConfidence(l) >= below) continue;
      // A little room around the words' boxes: Tesseract wants some background around a line,
      // and the two treatments may deskew by slightly different angles.
      const int pad = std::max(2, (l.bbox.y1 - l.bbox.y0) / 6);
      Box padded{l.bbox.x0 - pad, l.bbox.y0 - pad, l.bbox.x1 + pad, l.bbox.y1 + pad};
      poor.push_back(&l);
      regions.push_back(ScaleBox(padded, f));
    }
  }
  *reread = static_cast<int>(poor.size());
  *replaced = 0;
  if (poor.empty()) return Status::Ok();
  Result<std::vector<Line>> lines = engine.RecognizeLines(alt.ocr_input, regions, timeout_ms);
  if (!lines.ok()) return lines.status();
  for (std::size_t i = 0; i < poor.size() && i < lines->size(); ++i) {
    Line& fresh = (*lines)[i];
    Line& old = *poor[i];
    if (fresh.words.empty() || MeanConfidence(fresh) <= MeanConfidence(old) ||
        10 * Characters(fresh) < 7 * Characters(old)) {
      continue;
    }
    old.words = std::move(fresh.words);
    old.bbox = {};
    for (Word& w : old.words) {
      w.bbox = ScaleBox(w.bbox, 1.0 / f);
      old.bbox = old.bbox.Union(w.bbox);
    }
    ++*replaced;
  }
  double sum = 0;
  std::size_t n = 0;
  for (Block& b : ocr->blocks) {
    b.bbox = {};
    for (Line& l : b.lines) {
      b.bbox = b.bbox.Union(l.bbox);
      for (const Word& w : l.words) {
        sum += w.confidence;
        ++n;
      }
    }
  }
  ocr->mean_confidence = n > 0 ? sum / static_cast<double>(n) : 0.0;
  return Status::Ok();
}

}  // namespace

void UnscaleBlocks(std::vector<Block>* blocks, double scale, int width, int height) {
  auto map = [&](Box& b) {
    if (scale != 1.0) {
      b = {static_cast<int>(std::floor(b.x0 / scale)), static_cast<int>(std::floor(b.y0 / scale)),
           static_cast<int>(std::ceil(b.x1 / scale)), static_cast<int>(std::ceil(b.y1 / scale))};
    }
    b = {Clamp(b.x0, width), Clamp(b.y0, height), Clamp(b.x1, width), Clamp(b.y1, height)};
  };
  for (Block& bl : *blocks) {
    map(bl.bbox);
    for (Line& l : bl.lines) {
      map(l.bbox);
      for (Word& w : l.words) map(w.bbox);
    }
  }
}

Result<OcrPage> Processor::CachedRecognize(WorkerTools& tools, const Image& image, bool* hit,
                                           std::map<std::string, double>* timings) {
  auto recognize = [&]() {
    Clock::time_point t0 = Clock::now();
    Result<OcrPage> rec = tools.engine->Recognize(image, loader_.limits().ocr_timeout_ms);
    (*timings)["ocr"] += MsSince(t0);
    return rec;
  };
  if (cache_ == nullptr) {
    *hit = false;
    return recognize();
  }
  return cache_->GetOrCompute(OcrCache::Key(image, tools.engine->CacheIdentity()), recognize, hit);
}

Status Processor::RecognizePage(WorkerTools& tools, const Image& image, Page* page,
                                std::map<std::string, double>* timings) {
  page->source = PageSource::kOcr;
  page->dpi = image.dpi;
  Clock::time_point t0 = Clock::now();
  Result<PreparedPage> prepared = tools.preprocessor->Prepare(image, 0);
  (*timings)["preprocess"] += MsSince(t0);
  if (!prepared.ok()) return prepared.status();
  bool hit = false;
  Result<OcrPage> ocr = CachedRecognize(tools, prepared->ocr_input, &hit, timings);
  if (!ocr.ok()) return ocr.status();

  // Orientation. Candidates: 90 and 270 when Tesseract's layout analysis found the text running
  // vertically; for a page that reads poorly, OSD's proposal (OSD runs on the rescaled page,
  // where it is far more reliable than on small receipts). A candidate is kept only when the
  // turned page reads with clearly higher confidence, so a wrong proposal costs time, never
  // quality.
  PreprocessRecord record = prepared->record;
  std::vector<int> candidates;
  if (ocr->sideways) {
    candidates = {90, 270};
  } else if (tools.orientation != nullptr &&
             ocr->mean_confidence < options_.orientation.check_below) {
    record.orientation_checked = true;
    Clock::time_point t1 = Clock::now();
    Result<Orientation> o = tools.orientation->Detect(prepared->ocr_input);
    (*timings)["orientation"] += MsSince(t1);
    if (o.ok()) {
      record.rotation_confidence = o->confidence;
      if (o->degrees != 0 && o->confidence >= options_.orientation.min_confidence) {
        candidates.push_back(o->degrees);
      }
    }
  }
  if (!candidates.empty()) record.orientation_checked = true;
  // Tesseract reads vertical lines fairly well, but upright text reads better still and gives
  // an upright normalised page: a turned candidate only has to come close.
  double best_conf = ocr->mean_confidence + (ocr->sideways ? -0.1 : 0.05);
  for (int degrees : candidates) {
    Clock::time_point t2 = Clock::now();
    Result<PreparedPage> turned = tools.preprocessor->Prepare(image, degrees);
    (*timings)["preprocess"] += MsSince(t2);
    if (!turned.ok()) continue;
    bool turned_hit = false;
    Result<OcrPage> turned_ocr = CachedRecognize(tools, turned->ocr_input, &turned_hit, timings);
    if (turned_ocr.ok() && !turned_ocr->blocks.empty() && !turned_ocr->sideways &&
        turned_ocr->mean_confidence > best_conf) {
      best_conf = turned_ocr->mean_confidence;
      double conf = record.rotation_confidence;
      prepared = std::move(turned);
      ocr = std::move(turned_ocr);
      hit = turned_hit;
      record = prepared->record;
      record.orientation_checked = true;
      record.rotation_confidence = conf;
    }
  }
  // Second opinion: faint, noisy or unevenly lit pages often read better with the other
  // contrast treatment. Tried only on pages that read poorly, in the orientation chosen above.
  if (tools.alternate != nullptr && ocr->mean_confidence < options_.second_opinion_below) {
    record.second_opinion = true;
    Clock::time_point t3 = Clock::now();
    Result<PreparedPage> alt = tools.alternate->Prepare(image, record.rotation);
    (*timings)["preprocess"] += MsSince(t3);
    if (alt.ok() && tools.engine->ReadsLines() && options_.second_opinion_line_below > 0) {
      Clock::time_point t4 = Clock::now();
      [[maybe_unused]] int reread = 0, replaced = 0;
      Status s = ReReadPoorLines(*tools.engine, *prepared, *alt, options_.second_opinion_line_below,
                                 loader_.limits().ocr_timeout_ms, &*ocr, &reread, &replaced);
      (*timings)["ocr"] += MsSince(t4);
      if (!s.ok()) return s;
    } else if (alt.ok()) {
      bool alt_hit = false;
      Result<OcrPage> alt_ocr = CachedRecognize(tools, alt->ocr_input, &alt_hit, timings);
      if (alt_ocr.ok() && !alt_ocr->blocks.empty() && alt_ocr->mean_confidence > ocr->mean_confidence) {
        PreprocessRecord kept = alt->record;
        kept.orientation_checked = record.orientation_checked;
        kept.rotation_confidence = record.rotation_confidence;
        kept.second_opinion = true;
        prepared = std::move(alt);
        ocr = std::move(alt_ocr);
        hit = alt_hit;
        record = kept;
      }
    }
  }
  page->width = prepared->width;
  page->height = prepared->height;
  page->preprocess = record;
  page->ocr_cache_hit = hit;
  page->blocks = std::move(ocr->blocks);
  page->ocr_confidence = ocr->mean_confidence;
  if (!hit) {
    page->ocr_engine = ocr->engine;
    for (std::string& w : ocr->warnings) page->warnings.push_back(std::move(w));
  }
  UnscaleBlocks(&page->blocks, record.scale, page->width, page->height);
  return Status::Ok();
}

Processor::Processor(const Loader& loader, WorkerToolsFactory factory, OcrCache* cache,
                     ProcessorOptions options)
    : loader_(loader), factory_(std::move(factory)), cache_(cache), options_(std::move(options)) {}

Result<WorkerTools> Processor::TakeTools() {
  {
    std::lock_guard<std::mutex> lock(tools_mu_);
    if (!idle_tools_.empty()) {
      WorkerTools t = std::move(idle_tools_.back());
      idle_tools_.pop_back();
      return t;
    }
  }
  return factory_();
}

void Processor::ReturnTools(WorkerTools tools) {
  std::lock_guard<std::mutex> lock(tools_mu_);
  idle_tools_.push_back(std::move(tools));
}

void Processor::Run(const std::vector<std::string>& paths, const DoneFn& done) {
  std::vector<Input> inputs;
  inputs.reserve(paths.size());
  for (const std::string& p : paths) inputs.push_back(Input{p, nullptr});
  Run(inputs, done);
}

void Processor::Run(const std::vector<Input>& paths, const DoneFn& done) {
  const std::size_t n = paths.size();
  const int jobs = std::max(1, options_.jobs);
  const std::size_t window = static_cast<std::size_t>(jobs) * 2 + 1;

  std::vector<std::unique_ptr<DocState>> states(n);
  std::vector<char> finished(n, 0);  // guarded by mu
  std::priority_queue<Task> tasks;   // guarded by mu
  std::mutex mu;
  std::condition_variable work_cv;
  std::condition_variable done_cv;
  bool stopping = false;  // guarded by mu

  auto push = [&](Task t) {
    {
      std::lock_guard<std::mutex> lock(mu);
      tasks.push(t);
    }
    work_cv.notify_one();
  };

  auto finish = [&](std::size_t i) {
    DocState& st = *states[i];
    {
      std::lock_guard<std::mutex> lock(st.result_mu);
      if (st.failed.load()) {
        st.doc.status = DocumentStatus::kFailed;
        st.doc.error = st.error;
        st.doc.pages.clear();
      }
      if (options_.finish) options_.finish(&st.doc, st.reader.get());
      st.doc.timings_ms["total"] = MsSince(st.started);
    }
    {
      std::lock_guard<std::mutex> lock(st.reader_mu);
      st.reader.reset();
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      finished[i] = 1;
    }
    done_cv.notify_all();
  };

  auto fail = [&](DocState& st, const Status& s) {
    std::lock_guard<std::mutex> lock(st.result_mu);
    if (!st.failed.exchange(true)) st.error = s;
  };

  auto open_doc = [&](std::size_t i) {
    DocState& st = *states[i];
    Clock::time_point t0 = Clock::now();
    st.started = t0;
    Loader::Opened o = st.bytes ? loader_.OpenBytes(st.bytes, st.path) : loader_.Open(st.path);
    st.bytes.reset();
    st.doc.sha256 = o.sha256;
    st.doc.format = o.format == Format::kUnknown ? "" : std::string(FormatName(o.format));
    st.doc.timings_ms["load"] = MsSince(t0);
    if (!o.reader) {
      fail(st, o.status);
      finish(i);
      return;
    }
    int pages = o.reader->page_count();
    st.doc.pages.resize(static_cast<std::size_t>(pages));
    st.reader = std::move(o.reader);
    st.pages_left.store(pages);
    {
      std::lock_guard<std::mutex> lock(mu);
      for (int p = 0; p < pages; ++p) tasks.push(Task{i, p});
    }
    work_cv.notify_all();
  };

  auto page_task = [&](std::size_t i, int p, std::optional<Result<WorkerTools>>& tools) {
    DocState& st = *states[i];
    std::string where = st.path + ": page " + std::to_string(p + 1);
    std::map<std::string, double> timings;
    if (!st.failed.load()) {
      Clock::time_point t0 = Clock::now();
      Result<RawPage> raw = [&] {
        std::lock_guard<std::mutex> lock(st.reader_mu);
        return st.reader->ReadPage(p);
      }();
      timings["load"] = MsSince(t0);
      Page page;
      page.number = p + 1;
      Status err;
      if (!raw.ok()) {
        err = raw.status();
      } else if (raw->source != PageSource::kOcr) {
        page.source = raw->source;
        page.blocks = std::move(raw->blocks);
        page.width = raw->width;
        page.height = raw->height;
        page.dpi = raw->dpi;
        page.ocr_confidence = 1.0;
        page.warnings = std::move(raw->warnings);
      } else {
        if (!tools.has_value()) tools = TakeTools();
        if (!tools->ok()) {
          err = Status(tools->status().code(), where + ": " + tools->status().message());
        } else {
          // The image's damage first, then what the OCR engine has to say (a fallback).
          page.warnings = std::move(raw->warnings);
          Status s = RecognizePage(tools->value(), raw->image, &page, &timings);
          if (!s.ok()) err = Status(s.code(), where + ": " + s.message());
        }
      }
      if (!err.ok()) {
        fail(st, err);
      } else {
        std::lock_guard<std::mutex> lock(st.result_mu);
        st.doc.pages[static_cast<std::size_t>(p)] = std::move(page);
      }
      std::lock_guard<std::mutex> lock(st.result_mu);
      for (const auto& [k, v] : timings) st.doc.timings_ms[k] += v;
    }
    if (st.pages_left.fetch_sub(1) == 1) finish(i);
  };

  auto worker = [&] {
    std::optional<Result<WorkerTools>> tools;
    for (;;) {
      Task t;
      {
        std::unique_lock<std::mutex> lock(mu);
        work_cv.wait(lock, [&] { return stopping || !tasks.empty(); });
        if (tasks.empty()) {  // stopping and drained
          if (tools.has_value() && tools->ok()) ReturnTools(std::move(tools->value()));
          return;
        }
        t = tasks.top();
        tasks.pop();
      }
      if (t.page < 0) {
        open_doc(t.doc);
      } else {
        page_task(t.doc, t.page, tools);
      }
    }
  };

  std::size_t next_open = 0;
  auto open_next = [&] {
    if (next_open >= n) return;
    auto st = std::make_unique<DocState>();
    st->path = paths[next_open].name;
    st->bytes = paths[next_open].bytes;
    st->doc.source = paths[next_open].name;
    if (!options_.type_hint.empty() && options_.type_hint != "auto") {
      st->doc.document_type = {options_.type_hint, 1.0};
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      states[next_open] = std::move(st);
    }
    push(Task{next_open, -1});
    ++next_open;
  };
  for (std::size_t k = 0; k < window && k < n; ++k) open_next();

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(jobs));
  for (int k = 0; k < jobs; ++k) threads.emplace_back(worker);

  for (std::size_t i = 0; i < n; ++i) {
    std::unique_ptr<DocState> st;
    {
      std::unique_lock<std::mutex> lock(mu);
      done_cv.wait(lock, [&] { return finished[i] != 0; });
      st = std::move(states[i]);
    }
    done(i, std::move(st->doc));
    st.reset();
    open_next();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stopping = true;
  }
  work_cv.notify_all();
  for (std::thread& t : threads) t.join();
}

}  // namespace sheaf
