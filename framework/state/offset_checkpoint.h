#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "common/result.h"
#include "common/status.h"
#include "framework/client/topic_partition.h"

namespace brook::framework::state {

using client::TopicPartition;

// The `.checkpoint` file of one task directory (Kafka Streams' OffsetCheckpoint; layout in
// checkpoint_format.h): the changelog offsets the task's stores are known to hold.
// Thread safety: none; a task directory is used by the one thread holding its lock.
class OffsetCheckpoint {
 public:
  explicit OffsetCheckpoint(std::filesystem::path file) : file_(std::move(file)) {}

  const std::filesystem::path& file() const { return file_; }

  // Replaces the file with `offsets` atomically: a temporary file is written and fsynced, then
  // renamed over the old one and the directory fsynced; a crash leaves the old file or the new
  // one, never a mix. Errors: IOError naming the file.
  Status Write(const std::map<TopicPartition, int64_t>& offsets) const;
  // The offsets in the file; an empty map when there is no file. Errors: Corruption naming the
  // file, the line and what is wrong (the caller treats the checkpoint as missing); IOError.
  Result<std::map<TopicPartition, int64_t>> Read() const;
  // Removes the file (no error when there is none). Errors: IOError.
  Status Delete() const;

  // The file's text for `offsets`, and the parse of such a text (for tests and Read).
  static std::string Encode(const std::map<TopicPartition, int64_t>& offsets);
  static Result<std::map<TopicPartition, int64_t>> Decode(const std::string& text,
                                                         const std::string& name);

 private:
  std::filesystem::path file_;
};

}  // namespace brook::framework::state
