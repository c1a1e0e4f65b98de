// SPDX-License-Identifier: GPL-3.0-or-later
#include "fixtures.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "adapters/poppler/poppler.h"

extern char** environ;

namespace sheaf::testing {

namespace fs = std::filesystem;

std::string TempDir() {
  static std::atomic<int> counter{0};
  fs::path p = fs::temp_directory_path() /
               ("sheaf-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

void WriteFile(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

namespace {
std::string PdfEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// Serialises numbered objects (objects[i] is object i + 1) with an xref table and trailer.
std::string AssemblePdf(const std::vector<std::string>& objects) {
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t off : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    pdf += buf;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

// Appends a page showing `img` full-page; returns the page's object number.
std::size_t AddImagePage(std::vector<std::string>& objects, const Image& img, double dpi) {
  double w = img.width * 72.0 / dpi, h = img.height * 72.0 / dpi;
  std::size_t page_obj = objects.size() + 1;
  std::string pixels(img.pixels.begin(), img.pixels.end());
  std::ostringstream content;
  content << "q " << w << " 0 0 " << h << " 0 0 cm /Im0 Do Q\n";
  std::ostringstream page;
  page << "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " << w << " " << h
       << "] /Resources << /XObject << /Im0 " << page_obj + 2 << " 0 R >> >> /Contents "
       << page_obj + 1 << " 0 R >>";
  objects.push_back(page.str());
  std::string c = content.str();
  objects.push_back("<< /Length " + std::to_string(c.size()) + " >>\nstream\n" + c + "endstream");
  objects.push_back("<< /Type /XObject /Subtype /Image /Width " + std::to_string(img.width) +
                    " /Height " + std::to_string(img.height) +
                    " /ColorSpace /DeviceGray /BitsPerComponent 8 /Length " +
                    std::to_string(pixels.size()) + " >>\nstream\n" + pixels + "\nendstream");
  return page_obj;
}

}  // namespace

std::string MakeTextPdf(const std::vector<std::vector<std::string>>& pages, double width_pt,
                        double height_pt) {
  std::vector<std::string> objects;  // objects[i] is object number i + 1
  std::ostringstream kids;
  const std::size_t n = pages.size();
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("");  // pages tree, filled below
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t page_obj = objects.size() + 1;
    std::ostringstream content;
    content << "BT /F1 12 Tf 16 TL 72 " << height_pt - 72 << " Td\n";
    for (const std::string& line : pages[i]) content << "(" << PdfEscape(line) << ") Tj T*\n";
    content << "ET\n";
    std::ostringstream page;
    page << "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " << width_pt << " " << height_pt
         << "] /Resources << /Font << /F1 3 0 R >> >> /Contents " << page_obj + 1 << " 0 R >>";
    objects.push_back(page.str());
    std::string c = content.str();
    objects.push_back("<< /Length " + std::to_string(c.size()) + " >>\nstream\n" + c +
                      "endstream");
    kids << page_obj << " 0 R ";
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids.str() + "] /Count " + std::to_string(n) + " >>";
  return AssemblePdf(objects);
}

std::string MakeImagePdf(const std::vector<Image>& pages, double dpi) {
  std::vector<std::string> objects{"<< /Type /Catalog /Pages 2 0 R >>", ""};
  std::string kids;
  for (const Image& img : pages) kids += std::to_string(AddImagePage(objects, img, dpi)) + " 0 R ";
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages.size()) + " >>";
  return AssemblePdf(objects);
}

std::string MakeMixedPdf(const std::vector<std::string>& text_lines, const Image& scan,
                         double dpi) {
  std::vector<std::string> objects{"<< /Type /Catalog /Pages 2 0 R >>", "",
                                   "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::ostringstream content;
  content << "BT /F1 12 Tf 16 TL 72 720 Td\n";
  for (const std::string& line : text_lines) content << "(" << PdfEscape(line) << ") Tj T*\n";
  content << "ET\n";
  std::string c = content.str();
  objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
                    "<< /F1 3 0 R >> >> /Contents 5 0 R >>");
  objects.push_back("<< /Length " + std::to_string(c.size()) + " >>\nstream\n" + c + "endstream");
  std::size_t scan_page = AddImagePage(objects, scan, dpi);
  objects[1] = "<< /Type /Pages /Kids [4 0 R " + std::to_string(scan_page) + " 0 R] /Count 2 >>";
  return AssemblePdf(objects);
}

Image RenderLines(const std::vector<std::string>& lines, double dpi) {
  // A page just tall enough for the lines keeps OCR in tests quick.
  double height = 72 + 16.0 * static_cast<double>(lines.size()) + 40;
  Result<Image> img = poppler_adapter::RenderPdfPage(MakeTextPdf({lines}, 612, height), 0, dpi);
  if (!img.ok()) throw std::runtime_error("cannot render fixture: " + img.status().message());
  return std::move(img).value();
}

Image QuarterTurn(const Image& t) {
  Image r;
  r.width = t.height;
  r.height = t.width;
  r.channels = 1;
  r.dpi = t.dpi;
  r.pixels.resize(t.pixels.size());
  for (int y = 0; y < t.height; ++y)
    for (int x = 0; x < t.width; ++x)
      r.pixels[static_cast<std::size_t>(x) * r.width + (t.height - 1 - y)] =
          t.pixels[static_cast<std::size_t>(y) * t.width + x];
  return r;
}

namespace {
void PutU32(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v >> 24);
  s += static_cast<char>(v >> 16);
  s += static_cast<char>(v >> 8);
  s += static_cast<char>(v);
}
void PngChunk(std::string& png, const char* type, const std::string& data) {
  PutU32(png, static_cast<std::uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  PutU32(png, static_cast<std::uint32_t>(
                  crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}
}  // namespace

std::string PngBomb(int width, int height) {
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  PutU32(ihdr, static_cast<std::uint32_t>(width));
  PutU32(ihdr, static_cast<std::uint32_t>(height));
  ihdr += std::string("\x01\x00\x00\x00\x00", 5);  // 1-bit gray, deflate, no filter, no interlace
  PngChunk(png, "IHDR", ihdr);
  z_stream zs{};
  deflateInit(&zs, 9);
  std::string row(1 + (static_cast<std::size_t>(width) + 7) / 8, '\0');
  std::string idat;
  std::string buf(1 << 16, '\0');
  for (int y = 0; y <= height; ++y) {
    bool last = y == height;
    zs.next_in = reinterpret_cast<Bytef*>(last ? nullptr : row.data());
    zs.avail_in = last ? 0 : static_cast<uInt>(row.size());
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf.data());
      zs.avail_out = static_cast<uInt>(buf.size());
      deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
      idat.append(buf.data(), buf.size() - zs.avail_out);
    } while (zs.avail_out == 0);
  }
  deflateEnd(&zs);
  PngChunk(png, "IDAT", idat);
  PngChunk(png, "IEND", "");
  return png;
}

std::string TiffClaiming(int width, int height) {
  std::string t("II*\0", 4);
  auto u16 = [&](std::uint16_t v) {
    t += static_cast<char>(v & 0xFF);
    t += static_cast<char>(v >> 8);
  };
  auto u32 = [&](std::uint32_t v) {
    for (int k = 0; k < 4; ++k) t += static_cast<char>((v >> (8 * k)) & 0xFF);
  };
  u32(8);  // first IFD
  const std::uint16_t entries = 9;
  const std::uint32_t data_offset = 8 + 2 + entries * 12 + 4;
  u16(entries);
  auto entry = [&](std::uint16_t tag, std::uint16_t type, std::uint32_t value) {
    u16(tag);
    u16(type);
    u32(1);
    if (type == 3) {
      u16(static_cast<std::uint16_t>(value));
      u16(0);
    } else {
      u32(value);
    }
  };
  entry(256, 4, static_cast<std::uint32_t>(width));   // ImageWidth
  entry(257, 4, static_cast<std::uint32_t>(height));  // ImageLength
  entry(258, 3, 8);                                   // BitsPerSample
  entry(259, 3, 1);                                   // Compression: none
  entry(262, 3, 1);                                   // Photometric: black is zero
  entry(273, 4, data_offset);                         // StripOffsets
  entry(277, 3, 1);                                   // SamplesPerPixel
  entry(278, 4, static_cast<std::uint32_t>(height));  // RowsPerStrip
  entry(279, 4, 16);                                  // StripByteCounts
  u32(0);                                             // no next IFD
  t += std::string(16, '\x7f');
  return t;
}

namespace {

// Runs sheaf with `args`, under /usr/bin/time when `measure` is set.
RunResult Spawn(const std::vector<std::string>& args, bool measure) {
  std::string dir = TempDir();
  std::string out_path = dir + "/stdout", err_path = dir + "/stderr", rss_path = dir + "/rss";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv_s;
  if (measure) argv_s = {"/usr/bin/time", "-f", "%M", "-o", rss_path};
  argv_s.push_back(SHEAF_BINARY);
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  RunResult r;
  if (posix_spawn(&pid, argv_s[0].c_str(), &actions, nullptr, argv.data(), environ) != 0) {
    posix_spawn_file_actions_destroy(&actions);
    return r;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (measure) {
    // time(1) writes "Command exited with non-zero status N" before the figure when sheaf
    // fails: the figure is the last line.
    std::istringstream lines(ReadFile(rss_path));
    r.max_rss_kb = -1;
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) {
        r.max_rss_kb = std::stol(line);
      }
    }
  }
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  fs::remove_all(dir);
  return r;
}

}  // namespace

RunResult RunSheaf(const std::vector<std::string>& args) { return Spawn(args, false); }

RunResult RunSheafMeasured(const std::vector<std::string>& args) { return Spawn(args, true); }

Image Gray(int width, int height, std::uint8_t value) {
  Image img;
  img.width = width;
  img.height = height;
  img.channels = 1;
  img.pixels.assign(static_cast<std::size_t>(width) * height, value);
  return img;
}

int FileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

std::string SourceDir() { return SHEAF_SOURCE_DIR; }

Document LaidOutText(const std::string& text, double confidence) {
  Document doc;
  doc.sha256 = "laid-out";
  doc.format = "text";
  Page page;
  page.number = 1;
  page.width = 1000;
  page.height = 1000;
  page.source = PageSource::kText;
  Block block;
  int y = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string row = text.substr(start, end - start);
    Line line;
    for (std::size_t i = 0; i < row.size();) {
      std::size_t j = row.find(' ', i);
      if (j == std::string::npos) j = row.size();
      if (j > i) {
        Word w{row.substr(i, j - i), {static_cast<int>(i) * 10, y, static_cast<int>(j) * 10, y + 20}, confidence};
        line.bbox = line.bbox.Union(w.bbox);
        line.words.push_back(std::move(w));
      }
      i = j + 1;
    }
    if (!line.words.empty()) block.lines.push_back(std::move(line));
    y += 20;
    start = end + 1;
  }
  page.blocks.push_back(std::move(block));
  doc.pages.push_back(std::move(page));
  return doc;
}

}  // namespace sheaf::testing
