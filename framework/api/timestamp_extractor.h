#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "framework/api/record.h"

namespace brook::streams {

// Gives a consumed record its event time (Kafka's TimestampExtractor). `record` carries the
// deserialized key and value and the timestamp the record has in Kafka; `partition_time` is the
// largest timestamp extracted so far on the record's partition (-1 before the first).
// A negative result marks the record invalid: it is logged and skipped, not processed.
// The default (no extractor) uses the record's Kafka timestamp.
template <typename K, typename V>
using TimestampExtractor = std::function<int64_t(const Record<K, V>& record, int64_t partition_time)>;

// Where a record being sent was made (Kafka's RecordContext), for topic name extractors.
struct RecordContext {
  std::string_view topic;  // empty while a punctuator runs
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp = 0;
  const Headers* headers = nullptr;
};

// Chooses the output topic of each record (Kafka's TopicNameExtractor), for KStream::to.
template <typename K, typename V>
using TopicNameExtractor =
    std::function<std::string(const K& key, const V& value, const RecordContext& context)>;

}  // namespace brook::streams
