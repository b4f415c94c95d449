#pragma once

// One member of a consumer group for groups_bench: a librdkafka KafkaConsumer, subscribed to one
// topic and polled on a thread of its own, that records when its assignments come and go.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.h"

namespace brook::bench {

// Nanoseconds on the steady clock; the time base of MemberState.
int64_t SteadyNanos();

// What a member has seen so far. Times are SteadyNanos(); 0 means "not yet".
struct MemberState {
  std::vector<int32_t> partitions;  // The current assignment: partitions of the one topic.
  int64_t revoked_ns = 0;           // The last revocation.
  int64_t assigned_ns = 0;          // The last assignment.
  int64_t consuming_ns = 0;         // The first record after the last assignment.
  int rebalances = 0;               // Assignments plus revocations.
  uint64_t records = 0;             // Records received, all assignments together.
  std::string last_error;           // The last consumer or rebalance error, for diagnostics.
};

// A KafkaConsumer (eager rebalance protocol: librdkafka's default range,roundrobin assignors)
// whose rebalance callback assigns what the group hands it and records the times above.
// Lifecycle: Create -> Subscribe (starts the polling thread) -> RequestStop (the thread closes
// the consumer, which leaves the group, and destroys it) -> destructor (waits for the thread).
// Thread safety: State() and RequestStop() may be called from any thread; Subscribe() and
// handle() only from the owner's. Not copyable.
class GroupMember {
 public:
  using Settings = std::vector<std::pair<std::string, std::string>>;

  // A consumer of group `group_id` at `bootstrap`, not yet subscribed. `settings` are librdkafka
  // properties; InvalidArgument when one is refused, Internal when rd_kafka_new fails.
  static Result<std::unique_ptr<GroupMember>> Create(const std::string& bootstrap,
                                                     const std::string& group_id,
                                                     const Settings& settings);
  GroupMember(const GroupMember&) = delete;
  GroupMember& operator=(const GroupMember&) = delete;
  ~GroupMember();

  // Subscribes to `topic` (which joins the group on the next poll) and starts polling. Call
  // once. Internal when librdkafka refuses the subscription.
  Status Subscribe(const std::string& topic);

  // Makes the polling thread close and destroy the consumer; returns at once. Idempotent.
  void RequestStop() { stop_.store(true); }

  MemberState State() const;

  // The consumer, for rd_kafka_commit() and rd_kafka_committed() (thread-safe librdkafka calls).
  // Valid until RequestStop().
  rd_kafka_t* handle() { return handle_; }

 private:
  explicit GroupMember(rd_kafka_t* handle) : handle_(handle) {}
  static void OnRebalance(rd_kafka_t* handle, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);
  void Poll();

  rd_kafka_t* handle_;  // Owned; the polling thread destroys it once it runs.
  std::thread poller_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  MemberState state_;  // Guarded by mutex_.
};

}  // namespace brook::bench
