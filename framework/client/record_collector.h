#pragma once

#include <cstdint>
#include <map>

#include "framework/api/detail/node.h"
#include "framework/api/task_id.h"
#include "framework/client/topic_partition.h"

namespace brook::framework::client {

// The only way records leave a task (Kafka Streams' RecordCollector): sinks hand serialized
// records to it. The Kafka implementation sends them with the stream thread's producer (inside
// the open transaction under exactly_once_v2); the test driver's keeps them in memory.
// Thread safety: one collector serves the tasks of one stream thread, on that thread.
class RecordCollector {
 public:
  virtual ~RecordCollector() = default;
  // Sends `record` for `task`. The views in `record` are valid only during the call. Delivery
  // errors reported later by the producer go to the production exception handler; one it
  // answers kFail with is returned by the next flush (and thrown by the next Send).
  virtual void Send(const streams::TaskId& task, const streams::detail::OutgoingRecord& record) = 0;
  // For each partition written with OutgoingRecord::track_offset (changelogs): the offset of
  // the last such record acknowledged so far (Kafka's RecordCollector.offsets()). Complete for
  // everything sent once a flush (or a transaction's commit) returned.
  virtual std::map<TopicPartition, int64_t> offsets() const { return {}; }
};

}  // namespace brook::framework::client
