#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "common/logging.h"
#include "framework/api/processor.h"
#include "operators/processors/nullable.h"
#include "operators/processors/table_value_getter.h"

namespace brook::operators::processors {

// Kafka Streams' KStreamGlobalKTableJoin (KStreamKTableJoinProcessor with a key mapper): each
// stream record maps itself to a key of the global table, key_selector(key, value), looks that
// key up in the table as it is now and forwards joiner(key, value, table value) with the
// stream record's key and timestamp. Inner: no match gives nothing. Left: the joiner gets
// nullopt. As in Kafka, a record with a null value or a null mapped key is dropped (and
// counted in dropped-records-total), except that the left join joins a record whose own key
// is null (with nullopt when its mapped key is null too). Table updates trigger nothing.
template <typename K, typename V, typename KT, typename VT, typename VR>
class StreamGlobalTableJoinProcessor final : public streams::ContextualFixedKeyProcessor<K, V, VR> {
 public:
  // nullopt (or a null KT) is a null mapped key.
  using KeySelector = std::function<std::optional<KT>(const K& key, const V& value)>;
  using Joiner = std::function<VR(const K& key, const V& value, const std::optional<VT>& other)>;

  StreamGlobalTableJoinProcessor(std::unique_ptr<TableValueGetter<KT, VT>> getter,
                                 std::shared_ptr<const KeySelector> key_selector,
                                 std::shared_ptr<const Joiner> joiner, bool left_join)
      : getter_(std::move(getter)),
        key_selector_(std::move(key_selector)),
        joiner_(std::move(joiner)),
        left_join_(left_join) {}

  void init(streams::FixedKeyProcessorContext<K, VR>& context) override {
    streams::ContextualFixedKeyProcessor<K, V, VR>::init(context);
    getter_->init(context);
  }

  void process(const streams::FixedKeyRecord<K, V>& record) override {
    if (IsNull(record.value())) return Drop();
    const std::optional<KT> mapped = (*key_selector_)(record.key(), record.value());
    const bool null_mapped = !mapped || IsNull(*mapped);
    if (null_mapped && !(left_join_ && IsNull(record.key()))) return Drop();
    std::optional<VT> other;
    if (!null_mapped) {
      if (auto found = getter_->get(*mapped)) other = std::move(found->value);
    }
    if (!other && !left_join_) return;
    this->context().forward(record.withValue((*joiner_)(record.key(), record.value(), other)));
  }

 private:
  void Drop() {
    this->context().recordDroppedRecord();
    if (++dropped_ == 1 || dropped_ % 1000 == 0) {
      brook::GetLogger("operators")
          ->warn("[task {}] skipping a record due to a null join key or value ({} dropped so far)",
                 this->context().taskId().toString(), dropped_);
    }
  }

  std::unique_ptr<TableValueGetter<KT, VT>> getter_;
  std::shared_ptr<const KeySelector> key_selector_;
  std::shared_ptr<const Joiner> joiner_;
  bool left_join_;
  int64_t dropped_ = 0;
};

template <typename K, typename V, typename KT, typename VT, typename VR>
streams::FixedKeyProcessorSupplier<K, V, VR> StreamGlobalTableJoinSupplier(
    std::shared_ptr<const TableValueGetterSupplier<KT, VT>> getter,
    typename StreamGlobalTableJoinProcessor<K, V, KT, VT, VR>::KeySelector key_selector,
    typename StreamGlobalTableJoinProcessor<K, V, KT, VT, VR>::Joiner joiner, bool left_join) {
  using P = StreamGlobalTableJoinProcessor<K, V, KT, VT, VR>;
  auto selector = std::make_shared<const typename P::KeySelector>(std::move(key_selector));
  auto shared = std::make_shared<const typename P::Joiner>(std::move(joiner));
  return [=] { return std::make_unique<P>(getter->make(), selector, shared, left_join); };
}

}  // namespace brook::operators::processors
