#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "framework/api/streams_config.h"
#include "framework/api/task_id.h"
#include "framework/api/topology.h"

namespace brook::streams {

// What to do when a stream thread dies of an error (Kafka's
// StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse). SHUTDOWN_APPLICATION needs
// Kafka Streams' own group protocol, which Brook does not have yet: it is not offered.
enum class StreamThreadExceptionResponse { kReplaceThread, kShutdownClient };

// A partition of an input topic.
struct TopicPartitionInfo {
  std::string topic;
  int32_t partition = 0;
  bool operator==(const TopicPartitionInfo&) const = default;
};

// What one task of this instance works on (Kafka's TaskMetadata).
struct TaskMetadata {
  TaskId taskId;
  std::vector<TopicPartitionInfo> topicPartitions;
};

// One stream thread of this instance (Kafka's ThreadMetadata).
struct ThreadMetadata {
  std::string threadName;
  std::string threadState;  // CREATED, STARTING, PARTITIONS_REVOKED, PARTITIONS_ASSIGNED, ...
  std::vector<TaskMetadata> activeTasks;
};

// A running streams application instance (Kafka Streams' KafkaStreams): num.stream.threads
// stream threads, each a member of the consumer group application.id, running the tasks the
// group gives it.
//
// States (Kafka Streams' KafkaStreams.State):
//
//   CREATED -> REBALANCING <-> RUNNING
//      |            |             |
//      |            +-> PENDING_ERROR -> ERROR   (a thread died and the handler said
//      v            v             v               kShutdownClient, or every thread is dead)
//   PENDING_SHUTDOWN (close) -> NOT_RUNNING
//
// With bootstrap.servers empty, start() first starts an embedded broker (data under
// <state.dir>/broker), logs its address and writes it to <state.dir>/embedded-broker.address
// (for other programs on the machine), and creates missing source topics on it (with the
// broker's num.partitions); close() stops it and removes the file.
// At start, every source topic must exist, the source topics of one sub-topology must have the
// same number of partitions (co-partitioning, DESIGN.md decision 5), and the repartition topics
// are created (or checked) with the partition count of the sub-topology that writes them.
//
// Thread safety: every method may be called from any thread; listeners and the exception
// handler are called on stream threads.
class KafkaStreams {
 public:
  enum class State { kCreated, kRebalancing, kRunning, kPendingShutdown, kNotRunning,
                     kPendingError, kError };
  static std::string_view stateName(State state);

  using StateListener = std::function<void(State new_state, State old_state)>;
  using UncaughtExceptionHandler =
      std::function<StreamThreadExceptionResponse(const std::exception& error)>;

  // Builds the topology with the config's application id and default serdes and takes the
  // state directory's lock. Throws ConfigException (application.id missing, a consumer.,
  // producer. or admin. property librdkafka rejects, ...),
  // TopologyException, or StreamsException when another instance holds the state directory.
  KafkaStreams(const Topology& topology, const StreamsConfig& config);
  ~KafkaStreams();  // close()
  KafkaStreams(const KafkaStreams&) = delete;
  KafkaStreams& operator=(const KafkaStreams&) = delete;

  // Starts the threads (and the embedded broker). Throws StreamsException when the instance is
  // not CREATED, or for a missing source topic, topics that are not co-partitioned, a
  // repartition topic with the wrong partition count, or a client property librdkafka rejects.
  void start();
  // Asks every thread to commit, close its tasks and leave the group, and waits up to
  // `timeout`. True when everything stopped in time (NOT_RUNNING); false leaves the rest
  // stopping in the background (the destructor waits for it).
  bool close(std::chrono::milliseconds timeout = std::chrono::milliseconds::max());

  State state() const;
  // Set before start().
  void setStateListener(StateListener listener);
  void setUncaughtExceptionHandler(UncaughtExceptionHandler handler);

  // The threads of this instance and the tasks and partitions each runs now.
  std::vector<ThreadMetadata> metadataForLocalThreads() const;
  // The brokers this instance talks to: bootstrap.servers, or the embedded broker's address
  // once started.
  std::string bootstrapServers() const;
  // The topology as built for this application (internal topics decorated).
  TopologyDescription describe() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace brook::streams
