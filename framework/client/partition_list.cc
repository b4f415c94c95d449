#include "framework/client/partition_list.h"

#include <cstdlib>
#include <cstring>

namespace brook::framework::client {

PartitionListPtr ToPartitionList(const std::vector<TopicPartition>& partitions) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const TopicPartition& tp : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  }
  return list;
}

PartitionListPtr ToPartitionList(const std::map<TopicPartition, int64_t>& offsets,
                                 const std::map<TopicPartition, std::string>* metadata) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [tp, offset] : offsets) {
    rd_kafka_topic_partition_t* element =
        rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
    element->offset = offset;
    if (metadata == nullptr) continue;
    auto it = metadata->find(tp);
    if (it == metadata->end() || it->second.empty()) continue;
    // librdkafka frees it with the list (rd_free, i.e. free).
    element->metadata = std::malloc(it->second.size());
    std::memcpy(element->metadata, it->second.data(), it->second.size());
    element->metadata_size = it->second.size();
  }
  return list;
}

std::vector<TopicPartition> FromPartitionList(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> partitions;
  if (list == nullptr) return partitions;
  partitions.reserve(static_cast<size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    partitions.push_back({list->elems[i].topic, list->elems[i].partition});
  }
  return partitions;
}

}  // namespace brook::framework::client
