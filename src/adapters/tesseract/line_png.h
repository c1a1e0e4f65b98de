// SPDX-License-Identifier: GPL-3.0-or-later
//
// Uncompressed PNG for the line images Tesseract encodes only to decode them again.
//
// Tesseract 5.3 (Debian 12) cuts each text line out of the page and keeps it, until the LSTM
// reads it a moment later, as PNG bytes: ImageData::SetPix calls Leptonica's
// pixWriteMem(IFF_PNG), and ImageData::PreScale decodes them with pixReadMem. Leptonica deflates
// at zlib's default level, so about a tenth of the `tesseract` CLI's CPU time on the SROIE
// receipts goes to compressing images that live for microseconds (README, "Speed and memory").
//
// line_png.cc defines `pixWriteMem` in the executable that links it (`sheaf` and the unit
// tests; never a library). The dynamic linker binds every library's calls to the executable's
// definition first, libtesseract's included, even inside the OCR module opened with
// RTLD_LOCAL. That definition forwards to Leptonica's (RTLD_NEXT) and changes one thing: a PNG
// whose caller is code in libtesseract, and whose PIX has no compression level chosen, is
// written with zlib level 0 (stored). PNG stays PNG and lossless, so Tesseract reads back the
// same pixels; only the bytes in between are larger. Every other caller, Sheaf's own
// EncodeImage among them, gets Leptonica's function unchanged.
//
// Thread-safe: the choice is made per call from the caller's address; the PIX changed is the
// caller's own (Tesseract destroys it right after).
#ifndef SHEAF_ADAPTERS_TESSERACT_LINE_PNG_H_
#define SHEAF_ADAPTERS_TESSERACT_LINE_PNG_H_

#include <cstdint>

namespace sheaf::tesseract_adapter {

// True iff `address` lies in a loaded shared object named libtesseract.so*.
bool InTesseract(const void* address);

// How many PNGs code in libtesseract has written through pixWriteMem in this process, stored
// uncompressed. 0 when the executable does not link line_png.cc, or the interposition did
// not take (the executable does not export pixWriteMem).
std::uint64_t TesseractPngsStored();

}  // namespace sheaf::tesseract_adapter

#endif  // SHEAF_ADAPTERS_TESSERACT_LINE_PNG_H_
