#include "tools/table.h"

#include <algorithm>
#include <utility>

namespace brook::tools {

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Format() const {
  std::vector<size_t> widths;
  for (const std::string& name : header_) widths.push_back(name.size());
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string text;
  auto add_line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      text += cells[c];
      if (c + 1 < cells.size()) text.append(widths[c] - cells[c].size() + 2, ' ');
    }
    text += '\n';
  };
  add_line(header_);
  for (const auto& row : rows_) add_line(row);
  return text;
}

void Table::Print(std::FILE* out) const { std::fputs(Format().c_str(), out); }

}  // namespace brook::tools
