// SPDX-License-Identifier: GPL-3.0-or-later
#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/osdetect.h>
#include <tesseract/resultiterator.h>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "adapters/tesseract/tesseract.h"

namespace sheaf::tesseract_adapter {

namespace {

// "60 s", "2.5 s": a time limit in milliseconds as people write it in seconds.
std::string SecondsText(int ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", ms / 1000.0);
  return buf;
}

// Tesseract parallelises inside a page with OpenMP; Sheaf parallelises across pages instead,
// which scales better and never oversubscribes the cores (OpenMP threads spinning against each
// other made a page up to 6x slower here). Each thread that calls into Tesseract first makes its
// OpenMP parallel regions inactive (max-active-levels 0: a region runs on the calling thread
// alone), the effect OMP_THREAD_LIMIT=1 has. OpenMP keeps this setting per thread, hence once
// per thread; setting the variable instead needs it in the environment before the runtime loads,
// which cost `sheaf` a re-execution of itself at every start (about 20 ms of CPU). Looked up at
// run time: a Tesseract built without OpenMP has nothing to set.
//
// Looked up in the global scope (a program linked with libtesseract), then among libtesseract's
// own dependencies: libsheaf_ocr_tesseract.so is opened RTLD_LOCAL (module.h), which keeps the
// OpenMP runtime it brings out of the global scope.
void* OpenMpFunction(const char* name) {
  if (void* f = ::dlsym(RTLD_DEFAULT, name); f != nullptr) return f;
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&tesseract::TessBaseAPI::Version), &info) == 0 ||
      info.dli_fname == nullptr) {
    return nullptr;
  }
  void* tesseract_library = ::dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
  if (tesseract_library == nullptr) return nullptr;
  void* f = ::dlsym(tesseract_library, name);
  ::dlclose(tesseract_library);  // only drops the reference taken just above
  return f;
}

void KeepOpenMpOnThisThread() {
  thread_local bool done = false;
  if (done) return;
  done = true;
  using SetLevels = void (*)(int);
  static const auto set = reinterpret_cast<SetLevels>(OpenMpFunction("omp_set_max_active_levels"));
  if (set != nullptr) set(0);
}

// Debian's packages for Tesseract languages "msa+eng": "tesseract-ocr-msa tesseract-ocr-eng".
std::string PackagesFor(const std::string& languages) {
  std::string out;
  for (std::size_t start = 0; start <= languages.size();) {
    std::size_t end = std::min(languages.find('+', start), languages.size());
    if (end > start) out += (out.empty() ? "" : " ") + ("tesseract-ocr-" + languages.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

namespace fs = std::filesystem;

const char* DataPath(const OcrOptions& o) { return o.data_path.empty() ? nullptr : o.data_path.c_str(); }

// Folder Tesseract loads models from (for describing them).
std::string ResolvedDataPath(tesseract::TessBaseAPI& api) {
  const char* p = api.GetDatapath();
  return p != nullptr ? p : "";
}

std::string ModelFingerprint(const std::string& dir, const std::string& languages) {
  std::ostringstream out;
  std::stringstream ss(languages);
  std::string lang;
  while (std::getline(ss, lang, '+')) {
    std::error_code ec;
    fs::path f = fs::path(dir) / (lang + ".traineddata");
    auto size = fs::file_size(f, ec);
    out << lang << ":" << (ec ? 0 : size) << ";";
  }
  return out.str();
}

bool IsBlank(const char* s) {
  for (; *s != '\0'; ++s) {
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return false;
  }
  return true;
}

void Quieten(tesseract::TessBaseAPI& api) {
  api.SetVariable("debug_file", "/dev/null");
}

class TesseractEngine : public OcrEngine {
 public:
  explicit TesseractEngine(OcrOptions options) : options_(std::move(options)) {}

  Status Init() {
    // With the second language on poor lines, `api_` reads pages in the first language alone
    // and `others_` the poor lines in the rest; otherwise `api_` reads in all of them.
    const std::string first = FirstOf(options_.languages);
    const bool split = options_.second_language_below > 0 && first != options_.languages;
    if (Status s = Load(api_, split ? first : options_.languages); !s.ok()) return s;
    if (split) {
      others_ = std::make_unique<tesseract::TessBaseAPI>();
      if (Status s = Load(*others_, options_.languages.substr(first.size() + 1)); !s.ok()) return s;
    }
    std::ostringstream below;
    below << options_.second_language_below;
    identity_ = "tesseract " + std::string(api_.Version()) + ";oem=1;psm=" +
                std::to_string(options_.page_segmentation_mode) + ";lang=" + options_.languages +
                ";invert=" + (options_.detect_inverted_text ? "1" : "0") +
                (split ? ";second_language_below=" + below.str() : "") +
                ";models=" + ModelFingerprint(ResolvedDataPath(api_), options_.languages);
    return Status::Ok();
  }

  Status Load(tesseract::TessBaseAPI& api, const std::string& languages) const {
    if (api.Init(DataPath(options_), languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
      return {ErrorCode::kUnavailable,
              "Tesseract cannot load language data '" + languages + "'" +
                  (options_.data_path.empty() ? "" : " from " + options_.data_path) + " (install " +
                  PackagesFor(languages) + ")"};
    }
    Configure(api);
    return Status::Ok();
  }

  void Configure(tesseract::TessBaseAPI& api) const {
    Quieten(api);
    api.SetPageSegMode(static_cast<tesseract::PageSegMode>(options_.page_segmentation_mode));
    api.SetVariable("tessedit_do_invert", options_.detect_inverted_text ? "1" : "0");
  }

  static std::string FirstOf(const std::string& languages) {
    return languages.substr(0, languages.find('+'));
  }

  // Appends the words of the last recognition to `blocks` (a block per Tesseract block, a line
  // per text line); counts words in `n` and those in vertical blocks in `vertical_words`.
  // Returns the sum of the words' confidences.
  static double CollectWords(tesseract::TessBaseAPI& api, std::vector<Block>* blocks, std::size_t* n,
                             std::size_t* vertical_words) {
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    double conf_sum = 0;
    bool block_vertical = false;
    if (it != nullptr && !it->Empty(tesseract::RIL_WORD)) {
      do {
        if (it->Empty(tesseract::RIL_WORD)) continue;
        if (blocks->empty() || it->IsAtBeginningOf(tesseract::RIL_BLOCK)) {
          blocks->emplace_back();
          tesseract::Orientation orientation = tesseract::ORIENTATION_PAGE_UP;
          tesseract::WritingDirection direction = tesseract::WRITING_DIRECTION_LEFT_TO_RIGHT;
          tesseract::TextlineOrder order = tesseract::TEXTLINE_ORDER_TOP_TO_BOTTOM;
          float deskew = 0;
          it->Orientation(&orientation, &direction, &order, &deskew);
          block_vertical = direction == tesseract::WRITING_DIRECTION_TOP_TO_BOTTOM ||
                           orientation == tesseract::ORIENTATION_PAGE_RIGHT ||
                           orientation == tesseract::ORIENTATION_PAGE_LEFT;
        }
        Block& block = blocks->back();
        if (block.lines.empty() || it->IsAtBeginningOf(tesseract::RIL_TEXTLINE)) {
          block.lines.emplace_back();
        }
        Line& line = block.lines.back();
        std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_WORD));
        if (text == nullptr || IsBlank(text.get())) continue;
        Word w;
        w.text = text.get();
        int l = 0, t = 0, r = 0, b = 0;
        it->BoundingBox(tesseract::RIL_WORD, &l, &t, &r, &b);
        w.bbox = {l, t, r, b};
        w.confidence = std::clamp(it->Confidence(tesseract::RIL_WORD) / 100.0, 0.0, 1.0);
        conf_sum += w.confidence;
        ++*n;
        if (block_vertical) ++*vertical_words;
        line.bbox = line.bbox.Union(w.bbox);
        block.bbox = block.bbox.Union(w.bbox);
        line.words.push_back(std::move(w));
      } while (it->Next(tesseract::RIL_WORD));
    }
    return conf_sum;
  }

  Result<OcrPage> Recognize(const Image& image, int timeout_ms) override {
    if (image.empty() || image.channels != 1) {
      return Status(ErrorCode::kInvalidArgument, "OCR needs a non-empty 8-bit gray image");
    }
    KeepOpenMpOnThisThread();
    const auto started = std::chrono::steady_clock::now();
    tesseract::TessBaseAPI& api = api_;
    api.SetImage(image.pixels.data(), image.width, image.height, 1, image.width);
    api.SetSourceResolution(image.dpi > 0 ? image.dpi : 300);
    tesseract::ETEXT_DESC monitor;
    monitor.set_deadline_msecs(timeout_ms);
    int rc = api.Recognize(&monitor);
    if (monitor.deadline_exceeded()) {
      api.Clear();
      return Status(ErrorCode::kLimitExceeded,
                    "OCR took longer than the limit of " + SecondsText(timeout_ms) + " per page");
    }
    if (rc != 0) {
      api.Clear();
      return Status(ErrorCode::kOcrFailed, "Tesseract failed to recognise the page");
    }
    OcrPage page;
    std::size_t n = 0;
    std::size_t vertical_words = 0;
    double conf_sum = CollectWords(api, &page.blocks, &n, &vertical_words);
    api.Clear();
    // Drop lines and blocks that ended up without words.
    for (Block& b : page.blocks) {
      std::erase_if(b.lines, [](const Line& l) { return l.words.empty(); });
    }
    std::erase_if(page.blocks, [](const Block& b) { return b.lines.empty(); });
    page.mean_confidence = n > 0 ? conf_sum / static_cast<double>(n) : 0.0;
    page.sideways = 2 * vertical_words > n;
    if (others_ != nullptr && !page.sideways) {
      std::vector<Line*> lines;
      for (Block& b : page.blocks) {
        for (Line& l : b.lines) lines.push_back(&l);
      }
      if (Status s = OtherLanguagesOnPoorLines(image, RemainingMs(started, timeout_ms), lines); !s.ok()) {
        return s;
      }
      double sum = 0;
      std::size_t words = 0;
      for (Block& b : page.blocks) {
        b.bbox = {};
        for (Line& l : b.lines) {
          b.bbox = b.bbox.Union(l.bbox);
          for (const Word& w : l.words) {
            sum += w.confidence;
            ++words;
          }
        }
      }
      page.mean_confidence = words > 0 ? sum / static_cast<double>(words) : 0.0;
    }
    return page;
  }

  static int RemainingMs(std::chrono::steady_clock::time_point started, int timeout_ms) {
    const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started).count();
    return std::max(1, timeout_ms - static_cast<int>(spent));
  }

  // The other languages, line by line: each of `lines` (read in the first language, boxes in
  // the pixels of `image`) whose words average below second_language_below is read again as a
  // single line in the other languages, and that reading replaces the line's when it is more
  // confident and about as long (one that drops a third of the line's characters is not a
  // better one).
  Status OtherLanguagesOnPoorLines(const Image& image, int timeout_ms, const std::vector<Line*>& lines) {
    std::vector<Line*> poor;
    std::vector<Box> regions;
    for (Line* l : lines) {
      if (l->words.empty() || MeanConfidence(*l) >= options_.second_language_below) continue;
      // A little background around the words: Tesseract thresholds each rectangle alone.
      const int pad = std::max(2, (l->bbox.y1 - l->bbox.y0) / 6);
      poor.push_back(l);
      regions.push_back({l->bbox.x0 - pad, l->bbox.y0 - pad, l->bbox.x1 + pad, l->bbox.y1 + pad});
    }
    if (poor.empty()) return Status::Ok();
    std::vector<Line> fresh(regions.size());
    if (Status s = ReadLines(*others_, image, regions, timeout_ms, &fresh); !s.ok()) return s;
    for (std::size_t i = 0; i < poor.size(); ++i) {
      Line& old = *poor[i];
      if (!fresh[i].words.empty() && MeanConfidence(fresh[i]) > MeanConfidence(old) &&
          10 * Characters(fresh[i]) >= 7 * Characters(old)) {
        old = std::move(fresh[i]);
      }
    }
    return Status::Ok();
  }

  static double MeanConfidence(const Line& line) {
    double sum = 0;
    for (const Word& w : line.words) sum += w.confidence;
    return line.words.empty() ? 0.0 : sum / static_cast<double>(line.words.size());
  }

  static std::size_t Characters(const Line& line) {
    std::size_t n = 0;
    for (const Word& w : line.words) n += w.text.size();
    return n;
  }

  bool ReadsLines() const override { return true; }

  Result<std::vector<Line>> RecognizeLines(const Image& image, const std::vector<Box>& regions,
                                           int timeout_ms) override {
    if (image.empty() || image.channels != 1) {
      return Status(ErrorCode::kInvalidArgument, "OCR needs a non-empty 8-bit gray image");
    }
    KeepOpenMpOnThisThread();
    const auto started = std::chrono::steady_clock::now();
    std::vector<Line> out(regions.size());
    if (Status s = ReadLines(api_, image, regions, timeout_ms, &out); !s.ok()) return s;
    if (others_ != nullptr) {
      std::vector<Line*> lines;
      for (Line& l : out) lines.push_back(&l);
      if (Status s = OtherLanguagesOnPoorLines(image, RemainingMs(started, timeout_ms), lines); !s.ok()) {
        return s;
      }
    }
    return out;
  }

  // One SetImage for all regions; each region is a rectangle read with "single text line"
  // segmentation (no page layout analysis), thresholded on its own. Fills (*out)[i] with the
  // words of regions[i] (out has regions.size() lines).
  Status ReadLines(tesseract::TessBaseAPI& api, const Image& image, const std::vector<Box>& regions,
                   int timeout_ms, std::vector<Line>* out) const {
    if (regions.empty()) return Status::Ok();
    api.SetImage(image.pixels.data(), image.width, image.height, 1, image.width);
    api.SetSourceResolution(image.dpi > 0 ? image.dpi : 300);
    api.SetPageSegMode(tesseract::PSM_SINGLE_LINE);
    const auto started = std::chrono::steady_clock::now();
    Status status;
    for (std::size_t i = 0; i < regions.size() && status.ok(); ++i) {
      const Box& r = regions[i];
      const int x0 = std::clamp(r.x0, 0, image.width), y0 = std::clamp(r.y0, 0, image.height);
      const int x1 = std::clamp(r.x1, 0, image.width), y1 = std::clamp(r.y1, 0, image.height);
      if (x1 - x0 < 2 || y1 - y0 < 2) continue;
      api.SetRectangle(x0, y0, x1 - x0, y1 - y0);
      const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started).count();
      tesseract::ETEXT_DESC monitor;
      monitor.set_deadline_msecs(std::max(1, timeout_ms - static_cast<int>(spent)));
      int rc = api.Recognize(&monitor);
      if (monitor.deadline_exceeded()) {
        status = Status(ErrorCode::kLimitExceeded,
                        "OCR of the re-read lines took longer than the limit of " +
                            SecondsText(timeout_ms) + " per page");
      } else if (rc != 0) {
        status = Status(ErrorCode::kOcrFailed, "Tesseract failed to recognise a line");
      } else {
        std::vector<Block> blocks;
        std::size_t n = 0, vertical = 0;
        CollectWords(api, &blocks, &n, &vertical);
        Line& line = (*out)[i];
        for (Block& b : blocks) {
          for (Line& l : b.lines) {
            for (Word& w : l.words) {
              line.bbox = line.bbox.Union(w.bbox);
              line.words.push_back(std::move(w));
            }
          }
        }
      }
    }
    api.SetPageSegMode(static_cast<tesseract::PageSegMode>(options_.page_segmentation_mode));
    api.Clear();
    return status;
  }

  std::string CacheIdentity() const override { return identity_; }

 private:
  OcrOptions options_;
  // All the languages; only the first when second_language_below is on and there are several.
  tesseract::TessBaseAPI api_;
  // Then the other languages, for the poorly read lines; null otherwise.
  std::unique_ptr<tesseract::TessBaseAPI> others_;
  std::string identity_;
};

class TesseractOsd : public OrientationDetector {
 public:
  explicit TesseractOsd(OcrOptions options) : options_(std::move(options)) {}

  Status Init() {
    if (api_.Init(DataPath(options_), "osd", tesseract::OEM_TESSERACT_ONLY) != 0) {
      return {ErrorCode::kUnavailable,
              "Tesseract cannot load osd.traineddata (install tesseract-ocr-osd)"};
    }
    Quieten(api_);
    api_.SetPageSegMode(tesseract::PSM_OSD_ONLY);
    return Status::Ok();
  }

  Result<Orientation> Detect(const Image& gray) override {
    if (gray.empty() || gray.channels != 1) {
      return Status(ErrorCode::kInvalidArgument, "OSD needs a non-empty 8-bit gray image");
    }
    KeepOpenMpOnThisThread();
    api_.SetImage(gray.pixels.data(), gray.width, gray.height, 1, gray.width);
    api_.SetSourceResolution(gray.dpi > 0 ? gray.dpi : 300);
    int deg = 0;
    float conf = 0;
    const char* script = nullptr;
    float script_conf = 0;
    bool ok = api_.DetectOrientationScript(&deg, &conf, &script, &script_conf);
    api_.Clear();
    if (!ok) return Status(ErrorCode::kUnavailable, "too little text to detect orientation");
    // Tesseract reports an angle whose clockwise correction is 360 minus it: a page turned 90
    // degrees clockwise reports 90 and is made upright by turning it 270 degrees clockwise.
    Orientation o;
    o.degrees = (360 - ((deg % 360) + 360) % 360) % 360;
    o.confidence = conf;
    return o;
  }

 private:
  OcrOptions options_;
  tesseract::TessBaseAPI api_;
};

}  // namespace

Result<std::unique_ptr<OcrEngine>> MakeEngine(const OcrOptions& options) {
  auto engine = std::make_unique<TesseractEngine>(options);
  if (Status s = engine->Init(); !s.ok()) return s;
  return std::unique_ptr<OcrEngine>(std::move(engine));
}

Result<std::unique_ptr<OrientationDetector>> MakeOrientationDetector(const OcrOptions& options) {
  auto osd = std::make_unique<TesseractOsd>(options);
  if (Status s = osd->Init(); !s.ok()) return s;
  return std::unique_ptr<OrientationDetector>(std::move(osd));
}

std::string Version() { return tesseract::TessBaseAPI::Version(); }

std::string LanguageDataDescription(const OcrOptions& options) {
  tesseract::TessBaseAPI api;
  if (api.Init(DataPath(options), options.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    return "unavailable";
  }
  std::string dir = ResolvedDataPath(api);
  std::ostringstream out;
  std::stringstream ss(options.languages);
  std::string lang;
  bool first = true;
  while (std::getline(ss, lang, '+')) {
    std::error_code ec;
    auto size = fs::file_size(fs::path(dir) / (lang + ".traineddata"), ec);
    if (!first) out << ", ";
    first = false;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f MB", ec ? 0.0 : static_cast<double>(size) / 1e6);
    out << lang << " (" << buf << ")";
  }
  out << " in " << dir;
  return out.str();
}

}  // namespace sheaf::tesseract_adapter
