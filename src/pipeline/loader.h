// SPDX-License-Identifier: GPL-3.0-or-later
//
// The load stage: reads a file within the size limit, hashes it, detects its format from its
// content and opens it with the opener registered for that format.
#ifndef SHEAF_PIPELINE_LOADER_H_
#define SHEAF_PIPELINE_LOADER_H_

#include <map>
#include <memory>
#include <string>

#include "sheaf/format.h"
#include "sheaf/reader.h"

namespace sheaf {

// Opens plain-text files: one page whose lines are laid out on a character grid of
// kTextCellWidth x kTextCellHeight pixels per character.
inline constexpr int kTextCellWidth = 10;
inline constexpr int kTextCellHeight = 20;
std::shared_ptr<const DocumentOpener> MakeTextOpener();

class Loader {
 public:
  explicit Loader(Limits limits) : limits_(limits) {}

  // Registers the opener for `format`; the last registration wins. Not thread-safe: register
  // everything before the first Open.
  void Register(Format format, std::shared_ptr<const DocumentOpener> opener);

  struct Opened {
    std::string sha256;
    Format format = Format::kUnknown;
    std::unique_ptr<DocumentReader> reader;  // null when opening failed
    Status status;                           // why it failed
  };
  // Thread-safe. Even on failure, sha256 and format are filled when the file could be read.
  Opened Open(const std::string& path) const;
  // The same for a file already in memory (an upload, a blob); `name` is used in messages.
  Opened OpenBytes(std::shared_ptr<const std::string> bytes, const std::string& name) const;

  const Limits& limits() const { return limits_; }

 private:
  Limits limits_;
  std::map<Format, std::shared_ptr<const DocumentOpener>> openers_;
};

}  // namespace sheaf

#endif  // SHEAF_PIPELINE_LOADER_H_
