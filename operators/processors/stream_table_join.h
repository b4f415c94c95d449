#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/logging.h"
#include "framework/api/processor.h"
#include "operators/processors/nullable.h"
#include "operators/processors/table_value_getter.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamKTableJoin (join and leftJoin of a KStream with a KTable): each stream
// record looks its key up in the table as the table is at that moment (the table's store, or
// what its getter computes) and forwards joiner(key, value, table value) with the stream
// record's timestamp. Inner: a key the table does not have gives nothing. Left: the joiner gets
// nullopt. Table updates trigger nothing. Records with a null value are dropped; a null key is
// dropped by the inner join and joined with nullopt by the left join (Kafka 3.7+).
template <typename K, typename V, typename VO, typename VR>
class StreamTableJoinProcessor final : public streams::ContextualFixedKeyProcessor<K, V, VR> {
 public:
  using Joiner = std::function<VR(const K& key, const V& value, const std::optional<VO>& other)>;

  StreamTableJoinProcessor(std::unique_ptr<TableValueGetter<K, VO>> getter,
                           std::shared_ptr<const Joiner> joiner, bool left_join)
      : getter_(std::move(getter)), joiner_(std::move(joiner)), left_join_(left_join) {}

  void init(streams::FixedKeyProcessorContext<K, VR>& context) override {
    streams::ContextualFixedKeyProcessor<K, V, VR>::init(context);
    getter_->init(context);
  }

  void process(const streams::FixedKeyRecord<K, V>& record) override {
    const bool null_key = IsNull(record.key());
    if (IsNull(record.value()) || (null_key && !left_join_)) {
      this->context().recordDroppedRecord();
      if (++dropped_ == 1 || dropped_ % 1000 == 0) {
        brook::GetLogger("operators")
            ->warn("[task {}] skipping a record with a null join key or value ({} dropped so far)",
                   this->context().taskId().toString(), dropped_);
      }
      return;
    }
    std::optional<VO> other;
    if (!null_key) {
      if (auto found = getter_->get(record.key())) other = std::move(found->value);
    }
    if (!other && !left_join_) return;
    this->context().forward(record.withValue((*joiner_)(record.key(), record.value(), other)));
  }

 private:
  std::unique_ptr<TableValueGetter<K, VO>> getter_;
  std::shared_ptr<const Joiner> joiner_;
  bool left_join_;
  int64_t dropped_ = 0;
};

template <typename K, typename V, typename VO, typename VR>
streams::FixedKeyProcessorSupplier<K, V, VR> StreamTableJoinSupplier(
    std::shared_ptr<const TableValueGetterSupplier<K, VO>> getter,
    typename StreamTableJoinProcessor<K, V, VO, VR>::Joiner joiner, bool left_join) {
  using P = StreamTableJoinProcessor<K, V, VO, VR>;
  auto shared = std::make_shared<const typename P::Joiner>(std::move(joiner));
  return [=] { return std::make_unique<P>(getter->make(), shared, left_join); };
}

}  // namespace brook::operators::processors
