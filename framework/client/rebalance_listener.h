#pragma once

#include <vector>

#include "framework/client/topic_partition.h"

namespace brook::framework::client {

// Told about the partitions a Consumer gains and gives up in a rebalance (Kafka's
// ConsumerRebalanceListener). Brook subscribes with the eager `range` assignor, so every
// rebalance first takes away the whole assignment, then hands out a new one.
//
// The calls come on the polling thread, from inside Consumer::Poll or Consumer::Close:
//   OnPartitionsAssigned  before the partitions are assigned: the consumer fetches them (from
//                         their committed offsets, or auto.offset.reset) once it returns.
//   OnPartitionsRevoked   the group takes them back in an orderly rebalance: commit what was
//                         processed now, the consumer unassigns them when this returns.
//   OnPartitionsLost      the membership was lost (session timeout, fenced): another member may
//                         own them already, so do not commit; they are unassigned on return.
// The listener may call the Consumer (Committed, Position, CommitSync) from inside a call. An
// exception it throws is caught (it cannot cross librdkafka's C frames), the (un)assignment
// still happens, and the exception is rethrown by the Poll that made the call.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) = 0;
  virtual void OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) = 0;
  virtual void OnPartitionsLost(const std::vector<TopicPartition>& partitions) = 0;
};

}  // namespace brook::framework::client
