#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace brook::tools {

// A text table printed with its columns aligned (each as wide as its widest cell, two spaces
// between columns, the last column not padded), as kafka-consumer-groups prints them.
// Thread safety: a value type.
class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // A row with as many cells as the header (missing cells print empty, extra ones are dropped).
  void AddRow(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }

  // The header line and one line per row, each ending in '\n'.
  std::string Format() const;
  void Print(std::FILE* out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace brook::tools
