// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/processor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <chrono>
#include <thread>

#include "cache/disk_cache.h"
#include "fixtures.h"

namespace sheaf {
namespace {

// Fake documents: the text file's content names pages, e.g. "img img bad slow".
// "img" is an image page whose single pixel value is the page's "content id" (from "imgN"),
// "bad" fails to load, "slow" is an image that takes 200 ms to recognise.
class FakeReader : public DocumentReader {
 public:
  explicit FakeReader(std::vector<std::string> pages) : pages_(std::move(pages)) {}
  int page_count() const override { return static_cast<int>(pages_.size()); }
  Result<RawPage> ReadPage(int index) override {
    const std::string& p = pages_[static_cast<std::size_t>(index)];
    if (p == "bad") {
      return Status(ErrorCode::kInvalidDocument,
                    "fake: page " + std::to_string(index + 1) + " is corrupt");
    }
    RawPage page;
    page.source = PageSource::kOcr;
    page.image.width = 4;
    page.image.height = 2;
    page.image.channels = 1;
    std::uint8_t id = p == "slow" ? 200 : static_cast<std::uint8_t>(p.size() > 3 ? p[3] : '0');
    page.image.pixels.assign(8, id);
    page.width = 4;
    page.height = 2;
    return page;
  }

 private:
  std::vector<std::string> pages_;
};

class FakeOpener : public DocumentOpener {
 public:
  Result<std::unique_ptr<DocumentReader>> Open(std::shared_ptr<const std::string> bytes,
                                               const std::string&, const Limits&) const override {
    std::vector<std::string> pages;
    std::istringstream in(*bytes);
    for (std::string w; in >> w;) pages.push_back(w);
    return std::unique_ptr<DocumentReader>(std::make_unique<FakeReader>(pages));
  }
};

// Pixel 1 records the rotation it was prepared with (in quarter turns).
class FakePreprocessor : public Preprocessor {
 public:
  Result<PreparedPage> Prepare(const Image& page, int rotation) override {
    PreparedPage out;
    out.width = page.width;
    out.height = page.height;
    out.ocr_input = page;
    out.ocr_input.pixels[1] = static_cast<std::uint8_t>(rotation / 90);
    out.record.rotation = rotation;
    return out;
  }
};

// The alternate preparation marks pixel 2.
class FakeAlternatePreprocessor : public Preprocessor {
 public:
  Result<PreparedPage> Prepare(const Image& page, int rotation) override {
    PreparedPage out;
    out.width = page.width;
    out.height = page.height;
    out.ocr_input = page;
    out.ocr_input.pixels[1] = static_cast<std::uint8_t>(rotation / 90);
    out.ocr_input.pixels[2] = 77;
    out.record.rotation = rotation;
    out.record.background_normalized = false;
    return out;
  }
};

struct EngineStats {
  std::atomic<int> calls{0};
};

// Reads well (0.9) only pages with content id '9' turned by 180 degrees, or any other page.
class FakeEngine : public OcrEngine {
 public:
  explicit FakeEngine(EngineStats* stats) : stats_(stats) {}
  Result<OcrPage> Recognize(const Image& image, int) override {
    ++stats_->calls;
    if (image.pixels[0] == 200) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    OcrPage page;
    bool upside_down_page = image.pixels[0] == '9';
    bool turned = image.pixels[1] == 2;
    page.mean_confidence = upside_down_page && !turned ? 0.3 : 0.9;
    // Content id '5' reads poorly (0.5) unless prepared the alternate way (0.8).
    bool alternate = image.pixels[2] == 77;
    if (image.pixels[0] == '5') page.mean_confidence = alternate ? 0.8 : 0.5;
    std::string text = "id" + std::to_string(image.pixels[0]) + "r" + std::to_string(image.pixels[1]) +
                       (alternate ? "alt" : "");
    page.blocks.push_back(Block{{0, 0, 4, 2}, {Line{{0, 0, 4, 2}, {Word{text, {0, 0, 4, 2}, 0.9}}}}});
    // Content id 'f': read by a fallback engine, as FallbackOcrEngine reports it.
    if (image.pixels[0] == 'f') {
      page.engine = "tesseract";
      page.warnings.push_back("remote OCR failed (test); read by local Tesseract");
    }
    return page;
  }
  std::string CacheIdentity() const override { return "fake-1"; }

 private:
  EngineStats* stats_;
};

// Reads lines too. Content id '5' reads with word confidence 0.5 on the page; its regions read
// on the alternate image give "line<x0>" at 0.8, elsewhere "plain" at 0.3.
class FakeLineEngine : public FakeEngine {
 public:
  FakeLineEngine(EngineStats* stats, std::vector<Box>* regions) : FakeEngine(stats), regions_(regions) {}
  Result<OcrPage> Recognize(const Image& image, int timeout_ms) override {
    Result<OcrPage> page = FakeEngine::Recognize(image, timeout_ms);
    if (page.ok() && image.pixels[0] == '5') page->blocks[0].lines[0].words[0].confidence = 0.5;
    return page;
  }
  bool ReadsLines() const override { return true; }
  Result<std::vector<Line>> RecognizeLines(const Image& image, const std::vector<Box>& regions,
                                           int) override {
    std::vector<Line> out;
    for (const Box& r : regions) {
      regions_->push_back(r);
      bool alternate = image.pixels[2] == 77;
      Word w{alternate ? "line" + std::to_string(r.x0) : "plain", {r.x0 + 1, r.y0 + 1, r.x1 - 1, r.y1 - 1},
             alternate ? 0.8 : 0.3};
      out.push_back(Line{w.bbox, {w}});
    }
    return out;
  }

 private:
  std::vector<Box>* regions_;
};

class FakeOsd : public OrientationDetector {
 public:
  explicit FakeOsd(int degrees) : degrees_(degrees) {}
  Result<Orientation> Detect(const Image&) override { return Orientation{degrees_, 5.0}; }

 private:
  int degrees_;
};

struct Harness {
  std::string dir = testing::TempDir();
  Loader loader{Limits{}};
  EngineStats stats;
  int osd_degrees = 180;
  bool with_alternate = false;
  bool line_engine = false;
  double line_below = 0;
  std::vector<Box> regions;  // what the line engine was asked to read
  std::function<void(Document*, DocumentReader*)> finish;
  Harness() { loader.Register(Format::kText, std::make_shared<FakeOpener>()); }

  std::string Doc(const std::string& name, const std::string& pages) {
    testing::WriteFile(dir + "/" + name, pages);
    return dir + "/" + name;
  }

  ProcessorOptions Options(int jobs) const {
    ProcessorOptions o{jobs, "", OrientationOptions{true, 0.6, 0.3}, 0.75, {}};
    o.second_opinion_line_below = line_below;
    o.finish = finish;
    return o;
  }

  std::vector<Document> Run(const std::vector<std::string>& paths, int jobs, OcrCache* cache) {
    Processor p(
        loader,
        [this]() -> Result<WorkerTools> {
          WorkerTools t;
          t.preprocessor = std::make_unique<FakePreprocessor>();
          if (line_engine) {
            t.engine = std::make_unique<FakeLineEngine>(&stats, &regions);
          } else {
            t.engine = std::make_unique<FakeEngine>(&stats);
          }
          t.orientation = std::make_unique<FakeOsd>(osd_degrees);
          if (with_alternate) t.alternate = std::make_unique<FakeAlternatePreprocessor>();
          return t;
        },
        cache, Options(jobs));
    std::vector<Document> out;
    std::vector<std::size_t> order;
    p.Run(paths, [&](std::size_t i, Document&& d) {
      order.push_back(i);
      out.push_back(std::move(d));
    });
    for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
    return out;
  }
};

TEST(Processor, ReportsDocumentsInInputOrderEvenWhenEarlierOnesAreSlower) {
  Harness h;
  std::vector<std::string> paths{h.Doc("a", "slow slow"), h.Doc("b", "img1"),
                                 h.Doc("c", "img2 img3 img4")};
  auto docs = h.Run(paths, 3, nullptr);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].source, paths[0]);
  EXPECT_EQ(docs[2].pages.size(), 3u);
  for (const auto& d : docs) EXPECT_EQ(d.status, DocumentStatus::kCompleted);
  EXPECT_EQ(docs[2].pages[1].number, 2);
}

TEST(Processor, ABadPageFailsItsDocumentOnlyAndNamesThePage) {
  Harness h;
  auto docs = h.Run({h.Doc("good1", "img1"), h.Doc("broken", "img1 bad img2"),
                     h.Doc("missing-dir/none", ""), h.Doc("good2", "img2 img3")},
                    2, nullptr);
  EXPECT_EQ(docs[0].status, DocumentStatus::kCompleted);
  EXPECT_EQ(docs[1].status, DocumentStatus::kFailed);
  EXPECT_EQ(docs[1].error.code(), ErrorCode::kInvalidDocument);
  EXPECT_NE(docs[1].error.message().find("page 2"), std::string::npos) << docs[1].error.message();
  EXPECT_TRUE(docs[1].pages.empty());
  EXPECT_EQ(docs[2].status, DocumentStatus::kFailed);  // empty file
  EXPECT_EQ(docs[3].status, DocumentStatus::kCompleted);
  EXPECT_EQ(docs[3].pages.size(), 2u);
}

TEST(Processor, IdenticalPagesAreRecognisedOnceWithTheCache) {
  Harness h;
  auto store = DiskCache::Open(h.dir + "/cache");
  ASSERT_TRUE(store.ok());
  OcrCache cache(store->get());
  auto docs = h.Run({h.Doc("a", "img1 img1 img2"), h.Doc("b", "img2 img1")}, 3, &cache);
  EXPECT_EQ(h.stats.calls.load(), 2);  // img1 and img2, once each
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.misses(), 2u);
  // Whichever worker came first, exactly one page per distinct image was recognised.
  int recognised = 0;
  for (const Document& d : docs)
    for (const Page& p : d.pages) recognised += p.ocr_cache_hit ? 0 : 1;
  EXPECT_EQ(recognised, 2);
  EXPECT_EQ(docs[1].pages[1].blocks[0].lines[0].words[0].text,
            docs[0].pages[0].blocks[0].lines[0].words[0].text);
}

TEST(Processor, TheEngineThatReadAPageAndItsWarningsReachThePage) {
  Harness h;
  auto store = DiskCache::Open(h.dir + "/cache");
  ASSERT_TRUE(store.ok());
  OcrCache cache(store->get());
  auto docs = h.Run({h.Doc("a", "imgf img1"), h.Doc("b", "imgf")}, 1, &cache);
  ASSERT_EQ(docs[0].pages.size(), 2u);
  EXPECT_EQ(docs[0].pages[0].ocr_engine, "tesseract");
  ASSERT_EQ(docs[0].pages[0].warnings.size(), 1u);
  EXPECT_NE(docs[0].pages[0].warnings[0].find("remote OCR failed"), std::string::npos);
  EXPECT_EQ(docs[0].pages[1].ocr_engine, "");
  EXPECT_TRUE(docs[0].pages[1].warnings.empty());
  // From the cache: no engine read it now, so neither engine nor warning is claimed.
  ASSERT_TRUE(docs[1].pages[0].ocr_cache_hit);
  EXPECT_EQ(docs[1].pages[0].ocr_engine, "");
  EXPECT_TRUE(docs[1].pages[0].warnings.empty());
}

TEST(Processor, WithoutCacheEveryPageIsRecognised) {
  Harness h;
  h.Run({h.Doc("a", "img1 img1 img2")}, 2, nullptr);
  EXPECT_EQ(h.stats.calls.load(), 3);
}

TEST(Processor, KeepsARotationOnlyWhenTheTurnedPageReadsBetter) {
  Harness h;
  auto docs = h.Run({h.Doc("upside-down", "img9"), h.Doc("upright", "img1")}, 1, nullptr);
  EXPECT_EQ(docs[0].pages[0].preprocess.rotation, 180);
  EXPECT_TRUE(docs[0].pages[0].preprocess.orientation_checked);
  EXPECT_DOUBLE_EQ(docs[0].pages[0].ocr_confidence, 0.9);
  EXPECT_EQ(docs[1].pages[0].preprocess.rotation, 0);
  EXPECT_FALSE(docs[1].pages[0].preprocess.orientation_checked);  // read well: never checked
}

TEST(Processor, AWrongOrientationProposalIsTriedAndRejected) {
  Harness h;
  h.osd_degrees = 90;  // wrong: the page is upside down
  auto docs = h.Run({h.Doc("upside-down", "img9")}, 1, nullptr);
  EXPECT_EQ(docs[0].pages[0].preprocess.rotation, 0);
  EXPECT_TRUE(docs[0].pages[0].preprocess.orientation_checked);
  EXPECT_EQ(h.stats.calls.load(), 2);  // upright, then 90
}

// finish runs with the document's reader still open (the e-invoice reader reads the PDF's
// attachments from it), and with none for a file that could not be opened.
TEST(Processor, FinishIsGivenTheOpenReaderOrNone) {
  Harness h;
  std::mutex mu;
  std::map<std::string, int> pages_seen;  // by document: the reader's page count, -1 for none
  h.finish = [&](Document* doc, DocumentReader* reader) {
    std::lock_guard<std::mutex> lock(mu);
    pages_seen[doc->source] = reader == nullptr ? -1 : reader->page_count();
  };
  const std::string two = h.Doc("two", "img1 img2"), none = h.Doc("missing-dir/none", "");
  h.Run({two, none}, 2, nullptr);
  EXPECT_EQ(pages_seen.at(two), 2);
  EXPECT_EQ(pages_seen.at(none), -1);
}

TEST(Processor, ToolCreationFailureFailsOcrPagesWithTheReason) {
  Harness h;
  Processor p(
      h.loader, []() -> Result<WorkerTools> {
        return Status(ErrorCode::kUnavailable, "no language data");
      },
      nullptr, ProcessorOptions{2, "", OrientationOptions{}, 0.75, {}});
  std::vector<Document> docs;
  p.Run({h.Doc("a", "img1")}, [&](std::size_t, Document&& d) { docs.push_back(std::move(d)); });
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].error.code(), ErrorCode::kUnavailable);
  EXPECT_NE(docs[0].error.message().find("no language data"), std::string::npos);
}

TEST(UnscaleBlocks, MapsBoxesBackAndClampsToThePage) {
  std::vector<Block> blocks{Block{{0, 0, 300, 60}, {Line{{0, 0, 300, 60}, {Word{"w", {30, 6, 300, 61}, 1}}}}}};
  UnscaleBlocks(&blocks, 3.0, 90, 20);
  EXPECT_EQ(blocks[0].lines[0].words[0].bbox, (Box{10, 2, 90, 20}));
}

TEST(Processor, PoorPagesGetASecondOpinionAndTheBetterReadingIsKept) {
  Harness h;
  h.with_alternate = true;
  h.osd_degrees = 0;
  std::vector<Document> docs = h.Run({h.Doc("a.txt", "img5 img1")}, 1, nullptr);
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_EQ(docs[0].pages.size(), 2u);
  const Page& poor = docs[0].pages[0];
  EXPECT_TRUE(poor.preprocess.second_opinion);
  EXPECT_DOUBLE_EQ(poor.ocr_confidence, 0.8);
  EXPECT_NE(poor.Text().find("alt"), std::string::npos) << poor.Text();
  const Page& good = docs[0].pages[1];
  EXPECT_FALSE(good.preprocess.second_opinion);
  EXPECT_EQ(good.Text().find("alt"), std::string::npos);
}

TEST(Processor, AnEngineThatReadsLinesReReadsOnlyThePoorLines) {
  Harness h;
  h.with_alternate = true;
  h.line_engine = true;
  h.line_below = 0.75;
  h.osd_degrees = 0;
  std::vector<Document> docs = h.Run({h.Doc("a.txt", "img5 img1")}, 1, nullptr);
  ASSERT_EQ(docs.size(), 1u);
  ASSERT_EQ(docs[0].pages.size(), 2u);
  const Page& poor = docs[0].pages[0];
  EXPECT_TRUE(poor.preprocess.second_opinion);
  // One page reading each, no second page reading: the poor line was read as a line.
  EXPECT_EQ(h.stats.calls.load(), 2);
  ASSERT_EQ(h.regions.size(), 1u);
  // The line's box {0,0,4,2}, padded by 2 pixels around.
  EXPECT_EQ(h.regions[0], (Box{-2, -2, 6, 4}));
  EXPECT_EQ(poor.Text(), "line-2\n");
  EXPECT_DOUBLE_EQ(poor.ocr_confidence, 0.8);
  EXPECT_EQ(docs[0].pages[1].Text().find("line"), std::string::npos);
}

TEST(Processor, ByDefaultAnEngineThatReadsLinesStillReReadsWholePages) {
  Harness h;
  h.with_alternate = true;
  h.line_engine = true;
  h.osd_degrees = 0;
  std::vector<Document> docs = h.Run({h.Doc("a.txt", "img5")}, 1, nullptr);
  ASSERT_EQ(docs[0].pages.size(), 1u);
  EXPECT_TRUE(h.regions.empty());
  EXPECT_EQ(h.stats.calls.load(), 2);
  EXPECT_NE(docs[0].pages[0].Text().find("alt"), std::string::npos) << docs[0].pages[0].Text();
}

TEST(Processor, NoAlternateNoSecondOpinion) {
  Harness h;
  h.osd_degrees = 0;
  std::vector<Document> docs = h.Run({h.Doc("a.txt", "img5")}, 1, nullptr);
  ASSERT_EQ(docs[0].pages.size(), 1u);
  EXPECT_FALSE(docs[0].pages[0].preprocess.second_opinion);
  EXPECT_DOUBLE_EQ(docs[0].pages[0].ocr_confidence, 0.5);
}

}  // namespace
}  // namespace sheaf
