#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/logging.h"
#include "framework/api/processor.h"
#include "operators/processors/nullable.h"
#include "statestore/api/window_store.h"

namespace brook::operators::processors {

// One side of a KStream-KStream windowed join (Kafka Streams' KStreamKStreamJoinLeftSide and
// RightSide): a record of this side at time t is joined with every record of the other side's
// window store with the same key and a timestamp in [t - before, t + after] (before/after as
// seen from this side: the other side's processor has them swapped), each result with the
// larger of the two timestamps. Both sides' records are in the window stores, so each pair is
// joined once, by whichever of its two records comes second.
//
// Outer sides (leftJoin's this side, both sides of outerJoin) forward joiner(value, nullopt)
// at once when a record finds no partner (Kafka before 3.1; Kafka 3.1+ waits for the window to
// close and emits only records that never found one: see docs/design/stateful-dsl.md). A
// partner arriving later still gives the joined result.
//
// Late records: a record whose window closed (t + after + grace < the task's stream time) is
// dropped, logged and counted (the task's dropped-records-total, as Kafka). Null values are
// dropped; a null key is dropped too, except by an outer side, which forwards joiner(value,
// nullopt).
template <typename K, typename VThis, typename VOther, typename VR>
class StreamStreamJoinProcessor final : public streams::ContextualFixedKeyProcessor<K, VThis, VR> {
 public:
  using Joiner = std::function<VR(const K& key, const std::optional<VThis>& value,
                                  const std::optional<VOther>& other)>;
  using OtherStore = streams::WindowStore<K, VOther>;

  struct Params {
    std::string other_store;
    int64_t before_ms = 0;
    int64_t after_ms = 0;
    int64_t grace_ms = 0;
    bool outer = false;
  };

  StreamStreamJoinProcessor(Params params, std::shared_ptr<const Joiner> joiner)
      : params_(std::move(params)), joiner_(std::move(joiner)) {}

  void init(streams::FixedKeyProcessorContext<K, VR>& context) override {
    streams::ContextualFixedKeyProcessor<K, VThis, VR>::init(context);
    other_ = &context.template getStateStore<OtherStore>(params_.other_store);
  }

  void process(const streams::FixedKeyRecord<K, VThis>& record) override {
    const int64_t timestamp = record.timestamp();
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
    const int64_t stream_time = std::max(this->context().currentStreamTimeMs(), timestamp);
    if (timestamp + params_.after_ms + params_.grace_ms < stream_time) {
      Drop("its join window closed", timestamp);
      return;
    }
    const int64_t from = std::max<int64_t>(0, timestamp - params_.before_ms);
    const int64_t to = std::max<int64_t>(0, timestamp + params_.after_ms);
    bool joined = false;
    if (from <= to) {
      auto it = other_->fetch(record.key(), from, to);
      while (it->hasNext()) {
        streams::KeyValue<int64_t, VOther> other = it->next();
        joined = true;
        this->context().forward(
            record.withValue((*joiner_)(record.key(), value, std::optional<VOther>(other.value)))
                .withTimestamp(std::max(timestamp, other.key)));
      }
    }
    if (!joined && params_.outer) {
      this->context().forward(record.withValue((*joiner_)(record.key(), value, std::nullopt)));
    }
  }

  // Records dropped as late or null (Kafka's dropped-records metric).
  int64_t droppedRecords() const { return dropped_; }

 private:
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
  OtherStore* other_ = nullptr;
  int64_t dropped_ = 0;
};

template <typename K, typename VThis, typename VOther, typename VR>
streams::FixedKeyProcessorSupplier<K, VThis, VR> StreamStreamJoinSupplier(
    typename StreamStreamJoinProcessor<K, VThis, VOther, VR>::Params params,
    std::shared_ptr<const typename StreamStreamJoinProcessor<K, VThis, VOther, VR>::Joiner>
        joiner) {
  using P = StreamStreamJoinProcessor<K, VThis, VOther, VR>;
  return [=] { return std::make_unique<P>(params, joiner); };
}

}  // namespace brook::operators::processors
