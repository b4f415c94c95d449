#pragma once

// Fills a topic with keyed, timestamped records for state_bench (untimed set-up): the records
// come from a generator, are partitioned by the murmur2 hash of their keys (as Kafka's Java
// clients and Brook's sinks do) and every delivery report is checked.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"

namespace brook::bench {

// Writes record `index`'s key, value and timestamp (ms since the epoch) into the arguments
// (replacing what they held).
using RecordGenerator =
    std::function<void(uint64_t index, std::string& key, std::string& value, int64_t& timestamp)>;

// Produces records 0..records-1 of `generate` to `topic` (which exists with `partitions`
// partitions and is empty), idempotent, acks=all, and waits for every delivery report. Returns
// each partition's record count (its end offset). Internal when a delivery fails.
Result<std::vector<int64_t>> FillKeyedTopic(const std::string& bootstrap, const std::string& topic,
                                            int partitions, uint64_t records,
                                            const RecordGenerator& generate);

}  // namespace brook::bench
