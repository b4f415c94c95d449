#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "framework/api/composite_read_only_key_value_store.h"
#include "framework/api/composite_read_only_session_store.h"
#include "framework/api/composite_read_only_window_store.h"
#include "framework/api/metrics.h"
#include "framework/api/streams_config.h"
#include "framework/api/task_id.h"
#include "framework/api/topology.h"
#include "statestore/api/state_restore_listener.h"

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

  // Told about every store restoration of this instance's stream threads (Kafka's
  // setGlobalStateRestoreListener). Set before start(); called on the stream threads.
  void setGlobalStateRestoreListener(std::shared_ptr<StateRestoreListener> listener);

  // Read-only access to the local instances of the state store `name` across this instance's
  // tasks (Kafka's store(StoreQueryParameters.fromNameAndType(name, keyValueStore()))):
  //
  //   auto counts = streams.store<ReadOnlyKeyValueStore<std::string, int64_t>>("counts");
  //   std::optional<int64_t> n = counts->get("word");
  //
  // S is ReadOnlyKeyValueStore<K, V>, ReadOnlyWindowStore<K, V> or ReadOnlySessionStore<K, V>
  // (K, V: the store's types; a DSL table's key-value or window store holds
  // ValueAndTimestamp<V>). Each call on the result is serialized with the stream thread owning
  // each instance (it waits for the thread's current processing round), so reads see a
  // consistent store but may be a commit interval ahead of what was committed. Throws
  // InvalidStateStoreException when the instance is not RUNNING (also later, from calls on the
  // result) or the topology has no store `name`.
  template <typename S>
  std::unique_ptr<S> store(const std::string& name) {
    checkQueryableStore(name);
    std::weak_ptr<Impl> impl = impl_;
    return detail::QueryableStore<S>::Make(
        name, [impl, name](const std::function<void(StateStore&)>& visit) {
          forEachLocalStore(impl, name, visit);
        });
  }

  // The threads of this instance and the tasks and partitions each runs now.
  std::vector<ThreadMetadata> metadataForLocalThreads() const;
  // The metrics of this instance now (Kafka's metrics()): so far the task-level ones of
  // framework/api/metrics.h, for the tasks the live threads run. Any thread; does not wait for
  // the stream threads.
  std::vector<Metric> metrics() const;
  // The brokers this instance talks to: bootstrap.servers, or the embedded broker's address
  // once started.
  std::string bootstrapServers() const;
  // Brook's: where this instance serves its metrics in Prometheus' text format
  // ("http://HOST:PORT/metrics", metrics.listener, docs/guides/observability.md), once
  // started; empty without metrics.listener.
  std::string metricsUrl() const;
  // The topology as built for this application (internal topics decorated).
  TopologyDescription describe() const;

 private:
  class Impl;
  void checkQueryableStore(const std::string& name) const;
  static void forEachLocalStore(const std::weak_ptr<Impl>& impl, const std::string& name,
                                const std::function<void(StateStore&)>& visit);

  std::shared_ptr<Impl> impl_;
};

}  // namespace brook::streams
