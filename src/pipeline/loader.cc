// SPDX-License-Identifier: GPL-3.0-or-later
#include "pipeline/loader.h"

#include <algorithm>

#include "core/files.h"
#include "sheaf/hash.h"

namespace sheaf {

namespace {

// Number of code points in a UTF-8 string (input is known to be valid UTF-8).
int Utf8Length(std::string_view s) {
  int n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\v'; }

class TextReader : public DocumentReader {
 public:
  explicit TextReader(std::shared_ptr<const std::string> bytes) : bytes_(std::move(bytes)) {}
  int page_count() const override { return 1; }

  Result<RawPage> ReadPage(int /*index*/) override {
    std::string_view text(*bytes_);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    // A blank line ends a paragraph: each paragraph is a block.
    std::vector<Block> blocks;
    bool in_paragraph = false;
    int row = 0;
    int max_cols = 1;
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      Line out;
      int col = 0;
      std::size_t i = 0;
      while (i < line.size()) {
        if (IsBlank(line[i])) {
          col += line[i] == '\t' ? 8 - col % 8 : (line[i] == '\r' ? 0 : 1);
          ++i;
          continue;
        }
        std::size_t j = i;
        while (j < line.size() && !IsBlank(line[j])) ++j;
        std::string_view token = line.substr(i, j - i);
        int len = Utf8Length(token);
        Word w;
        w.text = std::string(token);
        w.bbox = {col * kTextCellWidth, row * kTextCellHeight, (col + len) * kTextCellWidth,
                  (row + 1) * kTextCellHeight};
        w.confidence = 1.0;
        out.bbox = out.bbox.Union(w.bbox);
        out.words.push_back(std::move(w));
        col += len;
        i = j;
      }
      if (out.words.empty()) {
        in_paragraph = false;
      } else {
        if (!in_paragraph) blocks.emplace_back();
        in_paragraph = true;
        blocks.back().bbox = blocks.back().bbox.Union(out.bbox);
        blocks.back().lines.push_back(std::move(out));
      }
      max_cols = std::max(max_cols, col);
      ++row;
      if (end == text.size()) break;
      pos = end + 1;
    }
    RawPage page;
    page.source = PageSource::kText;
    page.blocks = std::move(blocks);
    page.width = max_cols * kTextCellWidth;
    page.height = std::max(1, row) * kTextCellHeight;
    return page;
  }

 private:
  std::shared_ptr<const std::string> bytes_;
};

class TextOpener : public DocumentOpener {
 public:
  Result<std::unique_ptr<DocumentReader>> Open(std::shared_ptr<const std::string> bytes,
                                               const std::string& /*name*/,
                                               const Limits& /*limits*/) const override {
    return std::unique_ptr<DocumentReader>(std::make_unique<TextReader>(std::move(bytes)));
  }
};

}  // namespace

std::shared_ptr<const DocumentOpener> MakeTextOpener() { return std::make_shared<TextOpener>(); }

void Loader::Register(Format format, std::shared_ptr<const DocumentOpener> opener) {
  openers_[format] = std::move(opener);
}

Loader::Opened Loader::Open(const std::string& path) const {
  Opened out;
  Result<std::string> data = ReadFileLimited(path, limits_.max_file_bytes);
  if (!data.ok()) {
    out.status = data.status();
    return out;
  }
  return OpenBytes(std::make_shared<const std::string>(std::move(data).value()), path);
}

Loader::Opened Loader::OpenBytes(std::shared_ptr<const std::string> bytes,
                                 const std::string& path) const {
  Opened out;
  if (bytes->size() > limits_.max_file_bytes) {
    out.status = Status(ErrorCode::kLimitExceeded,
                        path + ": " + std::to_string(bytes->size()) +
                            " bytes is more than the limit of " +
                            std::to_string(limits_.max_file_bytes) + " bytes per file");
    return out;
  }
  out.sha256 = Sha256Hex(*bytes);
  out.format = DetectFormat(*bytes);
  auto it = openers_.find(out.format);
  if (out.format == Format::kUnknown || it == openers_.end()) {
    out.status = Status(ErrorCode::kUnsupportedFormat,
                        path + ": unsupported format (Sheaf reads PDF, TIFF, PNG, JPEG, WebP "
                               "and plain UTF-8 text; the content of this file is none of them)");
    return out;
  }
  Result<std::unique_ptr<DocumentReader>> reader = it->second->Open(bytes, path, limits_);
  if (!reader.ok()) {
    out.status = reader.status();
    return out;
  }
  out.reader = std::move(reader).value();
  return out;
}

}  // namespace sheaf
