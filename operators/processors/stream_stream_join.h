#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "framework/api/processor.h"
#include "framework/api/streams_config.h"
#include "operators/processors/join_time_tracker.h"
#include "operators/processors/nullable.h"
#include "operators/processors/outer_join_store_format.h"
#include "statestore/api/key_value_store.h"
#include "statestore/api/window_store.h"

namespace brook::operators::processors {

// One side of a KStream-KStream windowed join (Kafka Streams' KStreamKStreamJoin with its
// LeftSide and RightSide): a record of this side at time t is joined with every record of the
// other side's window store with the same key and a timestamp in [t - before, t + after]
// (before/after as seen from this side: the other side's processor has them swapped), each
// result with the larger of the two timestamps. Both sides' records are in the window stores,
// so each pair is joined once, by whichever of its two records comes second.
//
// Outer sides (leftJoin's left side, both sides of outerJoin) and unjoined records, as Kafka
// 3.1+ (KAFKA-10847): a record that finds no partner goes into the join's "outer shared" store
// (shared by both sides of the join), and a partner that comes later takes it out again. Each
// processor, on a record that advances the join's stream time (the largest timestamp either side
// has seen, JoinTimeTracker), scans that store in timestamp order and forwards joiner(value,
// nullopt) (the key and timestamp of the stored record) for every record whose window has
// closed: a left record's when its timestamp + the windows' after + grace is before the join's
// stream time, a right record's with before in place of after. The scan is skipped while the
// oldest stored record cannot have closed, and runs at most once per emit interval of wall-clock
// time (StreamsConfig::kEmitIntervalMsOuterJoinSpuriousResultsFix, Kafka's internal config:
// 1000 ms by default, 0 under the TopologyTestDriver). A record whose own window already closed on
// the join's stream time (t + after < stream time) is forwarded with nullopt at once, not stored.
//
// Late records, as in Kafka: nothing here drops them. A record joins whatever the other side's
// window store still holds in its window; that store keeps records back to its retention
// (before + after + grace) behind the latest time it has seen, so a record late by more than
// that finds nothing (and its own store does not keep it). An outer side forwards such a record
// with nullopt at once, its window having closed. Null values are dropped, logged and counted
// (the task's dropped-records-total); a null key is dropped too, except by an outer side, which
// forwards joiner(value, nullopt) at once.
//
// kThisIsLeft: whether this is the join's left (this) side, which decides how records are
// stored in the outer store.
template <typename K, typename VThis, typename VOther, typename VR, bool kThisIsLeft>
class StreamStreamJoinProcessor final : public streams::ContextualProcessor<K, VThis, K, VR> {
 public:
  using Joiner = std::function<VR(const K& key, const std::optional<VThis>& value,
                                  const std::optional<VOther>& other)>;
  using OtherStore = streams::WindowStore<K, VOther>;
  using VLeft = std::conditional_t<kThisIsLeft, VThis, VOther>;
  using VRight = std::conditional_t<kThisIsLeft, VOther, VThis>;
  using OuterKey = TimestampedKeyAndJoinSide<K>;
  using OuterValue = LeftOrRightValue<VLeft, VRight>;
  using OuterStore = streams::KeyValueStore<OuterKey, std::vector<OuterValue>>;

  struct Params {
    std::string other_store;
    // This side's window: [t - before_ms, t + after_ms].
    int64_t before_ms = 0;
    int64_t after_ms = 0;
    int64_t grace_ms = 0;
    // The JoinWindows' own before and after (not swapped), for the outer store's window close.
    int64_t windows_before_ms = 0;
    int64_t windows_after_ms = 0;
    bool outer = false;
    // The outer shared store of a left or outer join (both sides get it); empty for an inner
    // join.
    std::string outer_store;
  };

  StreamStreamJoinProcessor(Params params, std::shared_ptr<const Joiner> joiner,
                            std::shared_ptr<JoinTimeTrackerSupplier> trackers)
      : params_(std::move(params)), joiner_(std::move(joiner)), trackers_(std::move(trackers)) {}

  void init(streams::ProcessorContext<K, VR>& context) override {
    streams::ContextualProcessor<K, VThis, K, VR>::init(context);
    other_ = &context.template getStateStore<OtherStore>(params_.other_store);
    tracker_ = trackers_->Get(context.taskId().toString());
    if (!params_.outer_store.empty()) {
      outer_store_ = &context.template getStateStore<OuterStore>(params_.outer_store);
      const auto& configs = context.appConfigs();
      auto interval =
          configs.find(streams::StreamsConfig::kEmitIntervalMsOuterJoinSpuriousResultsFix);
      tracker_->emit_interval_ms = interval == configs.end() ? 1000 : std::stoll(interval->second);
    }
  }

  void process(const streams::Record<K, VThis>& record) override {
    const int64_t timestamp = record.timestamp();
    tracker_->AdvanceStreamTime(timestamp);
    if (IsNull(record.value())) {
      Drop("a null value", timestamp);
      return;
    }
    std::optional<VThis> value(record.value());
    if (IsNull(record.key())) {
      if (params_.outer) {
        this->context().forward(record.withValue((*joiner_)(record.key(), value, std::nullopt)));
      } else {
        Drop("a null key", timestamp);
      }
      return;
    }
    if (outer_store_ != nullptr && timestamp == tracker_->stream_time) {
      EmitNonJoinedOuterRecords(record);
    }
    const int64_t from = std::max<int64_t>(0, timestamp - params_.before_ms);
    const int64_t to = std::max<int64_t>(0, timestamp + params_.after_ms);
    bool joined = false;
    if (from <= to) {
      auto it = other_->fetch(record.key(), from, to);
      while (it->hasNext()) {
        streams::KeyValue<int64_t, VOther> other = it->next();
        joined = true;
        EmitInnerJoin(record, value, other);
      }
    }
    if (joined || !params_.outer) return;
    // A record whose window has already closed on the join's stream time cannot meet a partner
    // any more (Kafka's KStreamKStreamLeftJoinTest.testLowerWindowBound): forwarded now.
    if (outer_store_ == nullptr || to < tracker_->stream_time) {
      this->context().forward(record.withValue((*joiner_)(record.key(), value, std::nullopt)));
    } else {
      tracker_->UpdateMinTime(timestamp);
      const OuterKey key = MakeKey(record.key(), timestamp, kThisIsLeft);
      std::vector<OuterValue> list = outer_store_->get(key).value_or(std::vector<OuterValue>());
      OuterValue stored;
      if constexpr (kThisIsLeft) {
        stored.left = record.value();
      } else {
        stored.right = record.value();
      }
      list.push_back(std::move(stored));
      outer_store_->put(key, list);
    }
  }

  void close() override { trackers_->Remove(this->context().taskId().toString()); }

  // Records dropped as late or null (Kafka's dropped-records metric).
  int64_t droppedRecords() const { return dropped_; }

 private:
  static OuterKey MakeKey(const K& key, int64_t timestamp, bool left_side) {
    return OuterKey{key, timestamp, left_side};
  }

  void EmitInnerJoin(const streams::Record<K, VThis>& record, const std::optional<VThis>& value,
                     const streams::KeyValue<int64_t, VOther>& other) {
    if (outer_store_ != nullptr) {
      // The partner may wait in the outer store: it is joined now, so it leaves (Kafka's
      // putIfAbsent(otherKey, null) on the ListValueStore: a delete only if present).
      const OuterKey other_key = MakeKey(record.key(), other.key, !kThisIsLeft);
      if (outer_store_->get(other_key).has_value()) {
        outer_store_->remove(other_key);
      }
    }
    this->context().forward(
        record.withValue((*joiner_)(record.key(), value, std::optional<VOther>(other.value)))
            .withTimestamp(std::max(record.timestamp(), other.key)));
  }

  // Kafka's emitNonJoinedOuterRecords: forwards and deletes the stored records whose window
  // closed, oldest first, stopping once both sides reach a record whose window is still open.
  void EmitNonJoinedOuterRecords(const streams::Record<K, VThis>& record) {
    JoinTimeTracker& tracker = *tracker_;
    // Nothing stored can have closed yet: skip the scan of the store. Added as Java adds longs
    // (wrapping): with nothing stored since the last scan (min_time at its maximum) the sum is
    // negative and the scan runs, as in Kafka.
    const auto wrapping = [](int64_t a, int64_t b) {
      return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    };
    if (wrapping(wrapping(tracker.min_time, params_.after_ms), params_.grace_ms) >=
        tracker.stream_time) {
      return;
    }
    const int64_t now = this->context().currentSystemTimeMs();
    if (now < tracker.next_time_to_emit) return;
    tracker.next_time_to_emit = now;
    tracker.AdvanceNextTimeToEmit();
    tracker.min_time = std::numeric_limits<int64_t>::max();

    std::optional<OuterKey> previous;
    bool left_window_open = false;
    bool right_window_open = false;
    auto it = outer_store_->all();
    while (it->hasNext()) {
      streams::KeyValue<OuterKey, std::vector<OuterValue>> entry = it->next();
      tracker.min_time = entry.key.timestamp;
      if (left_window_open && right_window_open) break;
      // A left record looks ahead by the windows' after, a right one by their before.
      const int64_t look_ahead =
          entry.key.left_side ? params_.windows_after_ms : params_.windows_before_ms;
      if (tracker.min_time + look_ahead + params_.grace_ms >= tracker.stream_time) {
        (entry.key.left_side ? left_window_open : right_window_open) = true;
        continue;
      }
      for (const OuterValue& stored : entry.value) {
        std::optional<VThis> this_value;
        std::optional<VOther> other_value;
        if constexpr (kThisIsLeft) {
          this_value = stored.left;
          other_value = stored.right;
        } else {
          this_value = stored.right;
          other_value = stored.left;
        }
        this->context().forward(record.withKey(entry.key.key)
                                    .withValue((*joiner_)(entry.key.key, this_value, other_value))
                                    .withTimestamp(entry.key.timestamp));
      }
      // Deleted one key late, as Kafka, so a failure mid-scan loses no emitted key's values.
      if (previous && !(*previous == entry.key)) outer_store_->remove(*previous);
      previous = entry.key;
    }
    if (previous) outer_store_->remove(*previous);
  }

  void Drop(const char* why, int64_t timestamp) {
    this->context().recordDroppedRecord();
    ++dropped_;
    if (dropped_ == 1 || dropped_ % 1000 == 0) {
      brook::GetLogger("operators")
          ->warn(
              "[task {}] stream-stream join: skipping a record at {} because of {} ({} dropped so "
              "far)",
              this->context().taskId().toString(), timestamp, why, dropped_);
    }
  }

  Params params_;
  std::shared_ptr<const Joiner> joiner_;
  std::shared_ptr<JoinTimeTrackerSupplier> trackers_;
  std::shared_ptr<JoinTimeTracker> tracker_;
  OtherStore* other_ = nullptr;
  OuterStore* outer_store_ = nullptr;
  int64_t dropped_ = 0;
};

template <typename K, typename VThis, typename VOther, typename VR, bool kThisIsLeft>
streams::ProcessorSupplier<K, VThis, K, VR> StreamStreamJoinSupplier(
    typename StreamStreamJoinProcessor<K, VThis, VOther, VR, kThisIsLeft>::Params params,
    std::shared_ptr<
        const typename StreamStreamJoinProcessor<K, VThis, VOther, VR, kThisIsLeft>::Joiner>
        joiner,
    std::shared_ptr<JoinTimeTrackerSupplier> trackers) {
  using P = StreamStreamJoinProcessor<K, VThis, VOther, VR, kThisIsLeft>;
  return [=] { return std::make_unique<P>(params, joiner, trackers); };
}

}  // namespace brook::operators::processors
