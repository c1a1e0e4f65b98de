// SPDX-License-Identifier: GPL-3.0-or-later
//
// Test documents made on the fly, so no third-party data is committed: text PDFs, pages
// rendered from them, decompression bombs, lying headers. Plus a helper that runs the real
// `sheaf` binary and reports its exit status, output and peak memory.
#ifndef SHEAF_TESTS_FIXTURES_H_
#define SHEAF_TESTS_FIXTURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "sheaf/document.h"
#include "sheaf/image.h"

namespace sheaf::testing {

// A fresh empty folder under the system temp dir, unique per call.
std::string TempDir();
void WriteFile(const std::string& path, const std::string& data);
std::string ReadFile(const std::string& path);

// A born-digital PDF: one page per entry, each line set in Helvetica 12 pt from the top left.
std::string MakeTextPdf(const std::vector<std::vector<std::string>>& pages,
                        double width_pt = 612, double height_pt = 792);

// A PDF whose pages are the given gray images, each drawn over a whole page (a "scanned" PDF
// without a text layer). Pages are sized so that the image is at `dpi`.
std::string MakeImagePdf(const std::vector<Image>& pages, double dpi);
// A PDF whose first page carries text and second page is a scanned image.
std::string MakeMixedPdf(const std::vector<std::string>& text_lines, const Image& scan, double dpi);

// A page image of `lines` (rendered from MakeTextPdf at `dpi`, 8-bit gray).
Image RenderLines(const std::vector<std::string>& lines, double dpi = 200);

// `image` turned one quarter clockwise.
Image QuarterTurn(const Image& image);

// A valid PNG of w x h 1-bit pixels, all black, deflated for real: decoding it would need
// w*h/8 bytes (or w*h once converted to gray).
std::string PngBomb(int width, int height);

// A TIFF whose header claims w x h 8-bit pixels but holds almost no data.
std::string TiffClaiming(int width, int height);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // peak resident memory of sheaf; set by RunSheafMeasured only (else 0)
};
// Runs the sheaf binary built with the tests, with `args`, and waits for it.
RunResult RunSheaf(const std::vector<std::string>& args);
// RunSheaf, also measuring sheaf's peak resident memory, through /usr/bin/time (whose child is
// forked from a small process). The spawning test process's own size must not count: a child
// of a large process (posix_spawn or fork, then exec) carries the parent's peak into its
// ru_maxrss (an 800 MiB process's /bin/true reports 800 MiB), which made a one-process run of
// the whole suite under ASan see 1.7 GB for a run that takes far less. max_rss_kb is -1 when
// time(1) reported nothing.
RunResult RunSheafMeasured(const std::vector<std::string>& args);

// A one-channel image of w x h pixels, all `value` (255: a blank white page).
Image Gray(int width, int height, std::uint8_t value);
// The permission bits of the file at `path` (such as 0600), or -1 if it cannot be read.
int FileMode(const std::string& path);

// The repository root (for committed golden files).
std::string SourceDir();

// A one-page document of `text` as a text layer would give it: one line per "\n", words split
// at blanks, each character 10 px wide and each line 20 px high, every word read with
// `confidence`.
Document LaidOutText(const std::string& text, double confidence = 1.0);

}  // namespace sheaf::testing

#endif  // SHEAF_TESTS_FIXTURES_H_
