#include "bench/cpu_usage.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace brook::bench {
namespace {

// Fields 14 and 15 (utime, stime) of a /proc stat file, in seconds; the name (field 2, in
// parentheses) into `name` when given. 0 when unreadable.
double StatCpuSeconds(const std::string& path, std::string* name) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return 0;
  if (name != nullptr) *name = text.substr(open + 1, close - open - 1);
  std::vector<std::string> fields;  // From field 3 (the state) on.
  size_t pos = close + 2;
  while (pos < text.size()) {
    size_t space = text.find(' ', pos);
    if (space == std::string::npos) space = text.size();
    fields.push_back(text.substr(pos, space - pos));
    pos = space + 1;
  }
  if (fields.size() < 13) return 0;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

}  // namespace

double ProcessCpuSeconds(pid_t pid) {
  return StatCpuSeconds(fmt::format("/proc/{}/stat", pid), nullptr);
}

std::map<std::string, double> ThreadCpuSeconds() {
  std::map<std::string, double> seconds;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::string name;
    const double cpu = StatCpuSeconds(entry.path().string() + "/stat", &name);
    if (!name.empty()) seconds[name] += cpu;
  }
  return seconds;
}

std::string DescribeThreadCpu(const std::map<std::string, double>& before,
                              const std::map<std::string, double>& after, int top) {
  std::vector<std::pair<double, std::string>> deltas;
  for (const auto& [name, cpu] : after) {
    auto it = before.find(name);
    deltas.emplace_back(cpu - (it == before.end() ? 0 : it->second), name);
  }
  std::sort(deltas.rbegin(), deltas.rend());
  std::string text;
  for (int i = 0; i < top && i < static_cast<int>(deltas.size()); ++i) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {:.2f} s", deltas[i].second, deltas[i].first);
  }
  return text;
}

}  // namespace brook::bench
