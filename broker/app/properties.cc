#include "broker/app/properties.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace brook::broker::app {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\f'; }

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

}  // namespace

Result<Properties> ParseProperties(std::string_view text) {
  Properties props;
  std::string logical;
  size_t line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = 0;
    while (first < line.size() && IsSpace(line[first])) ++first;
    line.remove_prefix(first);
    if (logical.empty() && (line.empty() || line[0] == '#' || line[0] == '!')) {
      if (end == text.size()) break;
      continue;
    }
    // An odd number of trailing backslashes continues the line.
    size_t slashes = 0;
    while (slashes < line.size() && line[line.size() - 1 - slashes] == '\\') ++slashes;
    if (slashes % 2 == 1) {
      logical.append(line.substr(0, line.size() - 1));
      if (end == text.size()) break;
      continue;
    }
    logical.append(line);
    // Split at the first unescaped '=', ':' or whitespace.
    size_t i = 0;
    while (i < logical.size()) {
      char c = logical[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '=' || c == ':' || IsSpace(c)) break;
      ++i;
    }
    std::string key = Unescape(std::string_view(logical).substr(0, std::min(i, logical.size())));
    size_t v = i;
    while (v < logical.size() && IsSpace(logical[v])) ++v;
    if (v < logical.size() && (logical[v] == '=' || logical[v] == ':')) ++v;
    while (v < logical.size() && IsSpace(logical[v])) ++v;
    std::string value = v < logical.size() ? Unescape(std::string_view(logical).substr(v)) : "";
    while (!value.empty() && IsSpace(value.back())) value.pop_back();
    if (key.empty()) {
      return Status::InvalidArgument(fmt::format("line {}: a value without a key", line_number));
    }
    props[key] = value;
    logical.clear();
    if (end == text.size()) break;
  }
  return props;
}

Result<Properties> LoadPropertiesFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot open {}", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto parsed = ParseProperties(buffer.str());
  if (!parsed.ok()) {
    return Status::InvalidArgument(fmt::format("{}: {}", path, parsed.status().message()));
  }
  return parsed;
}

Result<std::pair<std::string, std::string>> ParseOverride(std::string_view arg) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Status::InvalidArgument(fmt::format("--override '{}' is not key=value", arg));
  }
  return std::make_pair(std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1)));
}

}  // namespace brook::broker::app
