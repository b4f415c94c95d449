#pragma once

#include <cstdint>
#include <string>

namespace brook::streams {

// Told about each store's restoration from its changelog (Kafka's StateRestoreListener); set
// with KafkaStreams::setGlobalStateRestoreListener. Called on the stream thread that restores,
// so keep it quick. Offsets are those of the changelog partition `topic`/`partition`.
class StateRestoreListener {
 public:
  virtual ~StateRestoreListener() = default;
  virtual void onRestoreStart(const std::string& topic, int32_t partition,
                              const std::string& store, int64_t starting_offset,
                              int64_t ending_offset) = 0;
  virtual void onBatchRestored(const std::string& topic, int32_t partition,
                               const std::string& store, int64_t batch_end_offset,
                               int64_t num_restored) = 0;
  virtual void onRestoreEnd(const std::string& topic, int32_t partition, const std::string& store,
                            int64_t total_restored) = 0;
};

}  // namespace brook::streams
