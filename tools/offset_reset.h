#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tools/topic_partition.h"

namespace brook::tools {

// How `brook groups reset-offsets` picks each partition's new offset (kafka-consumer-groups'
// --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime).
enum class ResetStrategy { kToEarliest, kToLatest, kToOffset, kShiftBy, kToDatetime };

struct ResetSpec {
  ResetStrategy strategy = ResetStrategy::kToEarliest;
  // The offset (kToOffset), the shift (kShiftBy) or the time in ms since the epoch
  // (kToDatetime). Default: 0.
  int64_t value = 0;
};

// What the planner knows about one partition.
struct PartitionOffsets {
  int64_t log_start = 0;
  int64_t log_end = 0;
  std::optional<int64_t> committed;  // the group's committed offset, if any
  // kToDatetime only: the first offset whose timestamp is >= the time; -1 when none is.
  int64_t offset_for_time = -1;
};

struct PlannedOffset {
  int64_t offset = 0;
  // Set when the requested offset was outside [log start, log end] and was clamped, worded as
  // Kafka words it: "New offset (12) is higher than latest offset for topic partition t-0. Value
  // will be set to 10".
  std::string warning;
};

// The new offset of `partition`, always within [log start, log end]. kToDatetime with no record
// that late gives the log end. FailedPrecondition for kShiftBy without a committed offset.
Result<PlannedOffset> PlanOffset(const TopicPartition& partition, const ResetSpec& spec,
                                 const PartitionOffsets& offsets);

// Parses an ISO-8601 local date and time, YYYY-MM-DDTHH:MM[:SS[.fraction]], with an optional
// zone Z, +HH, +HHMM or +HH:MM (or -); without a zone it is UTC, as kafka-consumer-groups reads
// it. Returns ms since the epoch; InvalidArgument naming the expected format.
Result<int64_t> ParseDateTime(const std::string& text);

// One --topic value: "orders" (every partition; `partitions` stays empty) or "orders:0,2".
struct TopicSelection {
  std::string topic;
  std::vector<int32_t> partitions;  // sorted, without duplicates
};

// InvalidArgument when the topic is empty or a partition is not a number >= 0.
Result<TopicSelection> ParseTopicSelection(const std::string& text);

}  // namespace brook::tools
