#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "framework/client/topic_partition.h"

// Conversions between TopicPartition and librdkafka's rd_kafka_topic_partition_list_t, for the
// .cc files of framework/client/.
namespace brook::framework::client {

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

// A list of `partitions`, offsets unset (RD_KAFKA_OFFSET_INVALID).
PartitionListPtr ToPartitionList(const std::vector<TopicPartition>& partitions);
// A list of the partitions of `offsets` with their offsets, and the commit metadata of those
// in `metadata` (may be null).
PartitionListPtr ToPartitionList(const std::map<TopicPartition, int64_t>& offsets,
                                 const std::map<TopicPartition, std::string>* metadata = nullptr);
// The partitions of `list` (nullptr: none), in list order.
std::vector<TopicPartition> FromPartitionList(const rd_kafka_topic_partition_list_t* list);

}  // namespace brook::framework::client
