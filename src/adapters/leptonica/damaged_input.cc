// SPDX-License-Identifier: GPL-3.0-or-later
#include "adapters/leptonica/damaged_input.h"

// jpeglib.h needs FILE and size_t declared first.
#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <csetjmp>
#include <memory>
#include <vector>

#include <jpeglib.h>
#include <png.h>

namespace sheaf::leptonica {

namespace {

Status Unreadable(const std::string& where, const std::string& format, const std::string& why) {
  return Status(ErrorCode::kInvalidDocument,
                where + ": the " + format + " image data cannot be decoded (corrupt or truncated file: " +
                    why + ")");
}

std::string RowsLost(int from, int height) {
  return "rows " + std::to_string(from + 1) + " to " + std::to_string(height) + " of " +
         std::to_string(height) + " could not be read and are left blank";
}

// Paints rows [from, height) white.
void Blank(PIX* pix, int from) {
  const int h = pixGetHeight(pix);
  const int wpl = pixGetWpl(pix);
  l_uint32* data = pixGetData(pix);
  for (int y = from; y < h; ++y) {
    l_uint32* line = data + static_cast<std::size_t>(y) * wpl;
    for (int i = 0; i < wpl; ++i) line[i] = 0xffffffffu;
  }
}

// ---------------------------------------------------------------------------------------------
// JPEG. libjpeg reports bad entropy data and a premature end as warnings and goes on, filling
// what it could not decode; leptonica's reader gives up on such files instead. Everything the
// error handlers touch lives on the heap (JpegState), so nothing is left indeterminate by the
// longjmp from a fatal error.

struct JpegState {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr err{};
  std::jmp_buf jump{};
  bool decoding = false;   // jpeg_start_decompress has returned
  int damage_row = -1;     // output row at the first warning while decoding rows
  char first_warning[JMSG_LENGTH_MAX] = {0};
  char fatal[JMSG_LENGTH_MAX] = {0};
  PIX* pix = nullptr;
  int rows = 0;            // rows stored in pix
  std::vector<JSAMPLE> row;  // here, not on the stack: a longjmp skips destructors
};

JpegState* StateOf(j_common_ptr c) { return static_cast<JpegState*>(c->client_data); }

void JpegFatal(j_common_ptr c) {
  JpegState* s = StateOf(c);
  c->err->format_message(c, s->fatal);
  std::longjmp(s->jump, 1);
}

void JpegMessage(j_common_ptr c, int level) {
  if (level != -1) return;  // trace messages
  JpegState* s = StateOf(c);
  if (c->err->num_warnings++ == 0) c->err->format_message(c, s->first_warning);
  if (s->decoding && s->damage_row < 0) {
    s->damage_row = static_cast<int>(s->cinfo.output_scanline);
  }
}

}  // namespace

Result<Decoded> DecodeJpegLuminance(std::string_view bytes, const std::string& where) {
  auto s = std::make_unique<JpegState>();
  s->cinfo.err = jpeg_std_error(&s->err);
  s->err.error_exit = JpegFatal;
  s->err.emit_message = JpegMessage;
  s->cinfo.client_data = s.get();
  jpeg_create_decompress(&s->cinfo);
  if (setjmp(s->jump) == 0) {
    jpeg_mem_src(&s->cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
                 static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&s->cinfo, TRUE);
    s->cinfo.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&s->cinfo);
    s->decoding = true;
    const int w = static_cast<int>(s->cinfo.output_width);
    const int h = static_cast<int>(s->cinfo.output_height);
    s->pix = pixCreate(w, h, 8);
    if (s->pix == nullptr) {
      std::snprintf(s->fatal, sizeof s->fatal, "no memory for %dx%d pixels", w, h);
      std::longjmp(s->jump, 1);
    }
    if (s->cinfo.density_unit == 1) {
      pixSetResolution(s->pix, s->cinfo.X_density, s->cinfo.Y_density);
    } else if (s->cinfo.density_unit == 2) {
      pixSetResolution(s->pix, static_cast<int>(s->cinfo.X_density * 2.54 + 0.5),
                       static_cast<int>(s->cinfo.Y_density * 2.54 + 0.5));
    }
    const int wpl = pixGetWpl(s->pix);
    s->row.resize(static_cast<std::size_t>(w));
    JSAMPROW rows[1] = {s->row.data()};
    while (s->rows < h) {
      if (jpeg_read_scanlines(&s->cinfo, rows, 1) != 1) break;  // no more data (suspension)
      l_uint32* line = pixGetData(s->pix) + static_cast<std::size_t>(s->rows) * wpl;
      for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, s->row[static_cast<std::size_t>(x)]);
      ++s->rows;
    }
    if (s->rows == h) jpeg_finish_decompress(&s->cinfo);
  }
  // Here after the rows, or after a fatal error at any point (s->fatal set).
  const bool progressive = s->cinfo.progressive_mode;
  const int h = s->pix != nullptr ? pixGetHeight(s->pix) : 0;
  const int mcu_rows = s->cinfo.max_v_samp_factor * DCTSIZE;
  jpeg_destroy_decompress(&s->cinfo);
  PixPtr pix(s->pix);
  const std::string first_warning = s->first_warning;
  const std::string fatal = s->fatal;
  // What went wrong: the first warning is the cause; a fatal error after it is a consequence.
  const std::string cause =
      first_warning.empty() ? fatal
                            : first_warning + (fatal.empty() ? "" : "; then: " + fatal);
  if (!pix) return Unreadable(where, "jpeg", cause);

  // The first row that is not sound: where a fatal error stopped, or the band of MCUs in which
  // the data first went bad (rows decoded after that are the decoder's filler, or garbage).
  // A progressive JPEG decodes every scan before the first row, so its damage costs detail
  // everywhere rather than rows; it is kept whole.
  int sound = s->rows;
  if (!progressive && s->damage_row >= 0 && mcu_rows > 0) {
    sound = std::min(sound, s->damage_row / mcu_rows * mcu_rows);
  }
  if (sound <= 0) {
    return Unreadable(where, "jpeg", cause + "; no row could be read");
  }
  Decoded out;
  if (sound < h) {
    Blank(pix.get(), sound);
    out.warning = "the JPEG data is damaged (" + cause + "): " + RowsLost(sound, h);
  } else if (!cause.empty()) {
    out.warning = "the JPEG data is damaged (" + cause + "); every row was read";
  }
  out.pix = std::move(pix);
  return out;
}

// ---------------------------------------------------------------------------------------------
// PNG cut short.

namespace {

struct PngState {
  std::string_view bytes;
  std::size_t at = 0;
  std::jmp_buf jump{};
  char fatal[256] = {0};
  PIX* pix = nullptr;
  int rows = 0;
  int height = 0;
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::vector<png_byte> row;  // here, not on the stack: a longjmp skips destructors
};

void PngRead(png_structp png, png_bytep out, png_size_t n) {
  auto* s = static_cast<PngState*>(png_get_io_ptr(png));
  if (n > s->bytes.size() - s->at) png_error(png, "the file ends before its image data does");
  std::copy_n(s->bytes.data() + s->at, n, out);
  s->at += n;
}

void PngFatal(png_structp png, png_const_charp message) {
  auto* s = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(s->fatal, sizeof s->fatal, "%s", message);
  std::longjmp(s->jump, 1);
}

void PngWarning(png_structp, png_const_charp) {}

}  // namespace

Result<Decoded> DecodeTruncatedPng(std::string_view bytes, const std::string& where) {
  auto s = std::make_unique<PngState>();
  s->bytes = bytes;
  s->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s.get(), PngFatal, PngWarning);
  if (s->png == nullptr) return Status(ErrorCode::kInternal, where + ": cannot start libpng");
  s->info = png_create_info_struct(s->png);
  if (s->info != nullptr && setjmp(s->jump) == 0) {
    png_set_read_fn(s->png, s.get(), PngRead);
    // Image data is read in pieces of this size (8 KiB by default); a read past the cut fails
    // whole, so small pieces lose at most this much of what the file still holds.
    png_set_compression_buffer_size(s->png, 256);
    png_read_info(s->png, s->info);
    if (png_get_interlace_type(s->png, s->info) != PNG_INTERLACE_NONE) {
      std::snprintf(s->fatal, sizeof s->fatal, "an interlaced PNG cannot be read in part");
      std::longjmp(s->jump, 1);
    }
    // To 8-bit gray: palettes and small depths expanded, 16 bits stripped, transparency
    // composited onto white (as the sound-file path does), colour to luminance.
    png_set_expand(s->png);
    png_set_strip_16(s->png);
    png_color_16 white{};
    white.red = white.green = white.blue = white.gray = 255;
    png_set_background(s->png, &white, PNG_BACKGROUND_GAMMA_SCREEN, 0, 1.0);
    png_set_rgb_to_gray_fixed(s->png, 1, -1, -1);
    png_read_update_info(s->png, s->info);
    const int w = static_cast<int>(png_get_image_width(s->png, s->info));
    const int height = static_cast<int>(png_get_image_height(s->png, s->info));
    s->height = height;
    if (png_get_rowbytes(s->png, s->info) != static_cast<png_size_t>(w) ||
        png_get_channels(s->png, s->info) != 1) {
      std::snprintf(s->fatal, sizeof s->fatal, "unexpected pixel layout after conversion");
      std::longjmp(s->jump, 1);
    }
    s->pix = pixCreate(w, height, 8);
    if (s->pix == nullptr) {
      std::snprintf(s->fatal, sizeof s->fatal, "no memory for %dx%d pixels", w, height);
      std::longjmp(s->jump, 1);
    }
    png_uint_32 xres = 0, yres = 0;
    int unit = 0;
    if (png_get_pHYs(s->png, s->info, &xres, &yres, &unit) != 0 && unit == PNG_RESOLUTION_METER) {
      pixSetResolution(s->pix, static_cast<int>(xres * 0.0254 + 0.5),
                       static_cast<int>(yres * 0.0254 + 0.5));
    }
    s->row.resize(static_cast<std::size_t>(w));
    const int wpl = pixGetWpl(s->pix);
    while (s->rows < height) {
      png_read_row(s->png, s->row.data(), nullptr);
      l_uint32* line = pixGetData(s->pix) + static_cast<std::size_t>(s->rows) * wpl;
      for (int x = 0; x < w; ++x) SET_DATA_BYTE(line, x, s->row[static_cast<std::size_t>(x)]);
      ++s->rows;
    }
  }
  png_destroy_read_struct(&s->png, s->info != nullptr ? &s->info : nullptr, nullptr);
  PixPtr pix(s->pix);
  const std::string fatal = s->fatal;
  if (!pix || s->rows <= 0) {
    return Unreadable(where, "png", (fatal.empty() ? std::string("no image data") : fatal) +
                                        "; no row could be read");
  }
  Decoded out;
  if (s->rows < s->height) {
    Blank(pix.get(), s->rows);
    out.warning = "the PNG is truncated (" + fatal + "): " + RowsLost(s->rows, s->height);
  } else {
    out.warning = "the PNG is truncated after its image data (no IEND chunk); every row was read";
  }
  out.pix = std::move(pix);
  return out;
}

}  // namespace sheaf::leptonica
