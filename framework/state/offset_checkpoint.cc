#include "framework/state/offset_checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "framework/state/checkpoint_format.h"

namespace brook::framework::state {
namespace {

Status Errno(const std::string& what) {
  return Status::IOError(fmt::format("{}: {}", what, std::strerror(errno)));
}

// Writes all of `data` to `fd`.
bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string OffsetCheckpoint::Encode(const std::map<TopicPartition, int64_t>& offsets) {
  std::string text = fmt::format("{}\n{}\n", kCheckpointVersion, offsets.size());
  for (const auto& [partition, offset] : offsets) {
    text += fmt::format("{} {} {}\n", partition.topic, partition.partition, offset);
  }
  return text;
}

Result<std::map<TopicPartition, int64_t>> OffsetCheckpoint::Decode(const std::string& text,
                                                                   const std::string& name) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      return Status::Corruption(fmt::format("checkpoint {}: line {} has no newline (torn write)",
                                            name, lines.size() + 1));
    }
    lines.emplace_back(text.data() + start, end - start);
    start = end + 1;
  }
  if (lines.size() < 2) {
    return Status::Corruption(
        fmt::format("checkpoint {}: {} lines, a checkpoint has at least 2 (version, count)", name,
                    lines.size()));
  }
  int version = -1;
  if (!ParseNumber(lines[0], &version) || version != kCheckpointVersion) {
    return Status::Corruption(fmt::format("checkpoint {}: version line '{}', expected {}", name,
                                          lines[0], kCheckpointVersion));
  }
  size_t count = 0;
  if (!ParseNumber(lines[1], &count) || count != lines.size() - 2) {
    return Status::Corruption(fmt::format("checkpoint {}: count line '{}' but {} entry lines", name,
                                          lines[1], lines.size() - 2));
  }
  std::map<TopicPartition, int64_t> offsets;
  for (size_t i = 2; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const size_t first = line.find(' ');
    const size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    TopicPartition partition;
    int64_t offset = 0;
    if (second == std::string_view::npos || first == 0 ||
        !ParseNumber(line.substr(first + 1, second - first - 1), &partition.partition) ||
        !ParseNumber(line.substr(second + 1), &offset) || partition.partition < 0 ||
        offset < 0) {
      return Status::Corruption(fmt::format(
          "checkpoint {}: line {} '{}' is not '<topic> <partition> <offset>'", name, i + 1, line));
    }
    partition.topic = std::string(line.substr(0, first));
    offsets[std::move(partition)] = offset;
  }
  return offsets;
}

Status OffsetCheckpoint::Write(const std::map<TopicPartition, int64_t>& offsets) const {
  const std::string temp = file_.string() + kCheckpointTempSuffix;
  const int fd = ::open(temp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot create " + temp);
  const bool written = WriteAll(fd, Encode(offsets)) && ::fsync(fd) == 0;
  const Status write_status = written ? Status::Ok() : Errno("cannot write " + temp);
  ::close(fd);
  if (!write_status.ok()) return write_status;
  if (::rename(temp.c_str(), file_.c_str()) != 0) {
    return Errno("cannot rename " + temp + " to " + file_.string());
  }
  const std::string dir = file_.parent_path().string();
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Result<std::map<TopicPartition, int64_t>> OffsetCheckpoint::Read() const {
  std::error_code error;
  if (!std::filesystem::exists(file_, error)) return std::map<TopicPartition, int64_t>();
  std::ifstream in(file_, std::ios::binary);
  if (!in) return Status::IOError("cannot open checkpoint " + file_.string());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read checkpoint " + file_.string());
  return Decode(text.str(), file_.string());
}

Status OffsetCheckpoint::Delete() const {
  std::error_code error;
  std::filesystem::remove(file_, error);
  if (error) {
    return Status::IOError(fmt::format("cannot delete {}: {}", file_.string(), error.message()));
  }
  return Status::Ok();
}

}  // namespace brook::framework::state
