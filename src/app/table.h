// SPDX-License-Identifier: GPL-3.0-or-later
#ifndef SHEAF_APP_TABLE_H_
#define SHEAF_APP_TABLE_H_

#include <string>
#include <vector>

namespace sheaf::app {

// A plain-text table with a header row, columns padded to their widest cell (UTF-8 aware).
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Keeps the last `max` code points of `s`, prefixed with "…" when cut.
std::string TruncateLeft(const std::string& s, std::size_t max);

}  // namespace sheaf::app

#endif  // SHEAF_APP_TABLE_H_
