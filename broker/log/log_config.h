#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include "common/result.h"

namespace brook::broker::log {

// Per-partition log settings, with Kafka's topic-level names and defaults.
struct LogConfig {
  // segment.bytes: roll to a new segment before one grows past this. Default: 1 GiB.
  int64_t segment_bytes = 1LL << 30;
  // segment.ms: roll when the active segment's first batch is older than this. Default: 7 days.
  int64_t segment_ms = 7LL * 24 * 3600 * 1000;
  // segment.index.bytes: roll when the offset index would pass this size. Default: 10 MiB.
  int64_t segment_index_bytes = 10LL << 20;
  // retention.bytes: delete the oldest closed segments while the log stays at least this big
  // without them; -1 = no size limit. Default: -1.
  int64_t retention_bytes = -1;
  // retention.ms: delete segments whose newest record is older than this; -1 = forever.
  // Default: 7 days.
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;
  // max.message.bytes: the largest batch an append accepts. Default: 1048588.
  int32_t max_message_bytes = 1048588;
  // index.interval.bytes: bytes of log between two index entries. Default: 4096.
  int32_t index_interval_bytes = 4096;
  // flush.messages: fsync after this many records; 1 = fsync on every append.
  // Default: never (left to the page cache, as Kafka does).
  int64_t flush_messages = std::numeric_limits<int64_t>::max();
  // flush.ms: fsync when the oldest unflushed append is this old. Default: never.
  int64_t flush_ms = std::numeric_limits<int64_t>::max();
  // cleanup.policy: "delete", "compact" or "compact,delete". Default: delete.
  bool cleanup_delete = true;
  bool cleanup_compact = false;
  // delete.retention.ms: how long a compacted log keeps tombstones and transaction markers.
  // Default: 1 day.
  int64_t delete_retention_ms = 24LL * 3600 * 1000;
  // min.cleanable.dirty.ratio: compact when dirty bytes / cleanable bytes pass this.
  // Default: 0.5.
  double min_cleanable_dirty_ratio = 0.5;
  // min.compaction.lag.ms: records younger than this stay uncompacted. Default: 0.
  int64_t min_compaction_lag_ms = 0;

  bool FsyncEveryAppend() const { return flush_messages <= 1; }
  bool operator==(const LogConfig&) const = default;

  // Applies Kafka topic-config properties on top of `base` (e.g. {"segment.bytes", "1048576"}).
  // Unknown keys are returned in `unknown` (when given) and otherwise ignored; a malformed or
  // out-of-range value is InvalidArgument naming the key.
  static Result<LogConfig> FromProperties(const std::map<std::string, std::string>& props,
                                          const LogConfig& base,
                                          std::map<std::string, std::string>* unknown = nullptr);
};

}  // namespace brook::broker::log
