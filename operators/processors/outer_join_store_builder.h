#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/api/detail/node_factory.h"
#include "operators/processors/outer_join_store_format.h"
#include "statestore/api/store_builder.h"
#include "statestore/layers/metered_key_value_store.h"
#include "statestore/layers/store_layers.h"

namespace brook::operators::processors {

// The "outer shared" store of a left or outer KStream-KStream join (Kafka's
// OuterStreamJoinStoreFactory + ListValueStoreBuilder): a key-value store from
// TimestampedKeyAndJoinSide<K> to the list of unjoined values with that key and timestamp
// (outer_join_store_format.h), never cached, logged unless the join's StreamJoined says not.
// Kafka appends to the list in a ListValueStore bytes layer; here StreamStreamJoinProcessor does
// the get-append-put itself, which writes the same bytes to the store and its changelog.
// Null serdes are the StreamsConfig defaults (key: default.key.serde; both values:
// default.value.serde, as Kafka's setIfUnset). A value type.
template <typename K, typename VLeft, typename VRight>
class OuterJoinStoreBuilder final
    : public streams::StoreBuilder<streams::KeyValueStore<
          TimestampedKeyAndJoinSide<K>, std::vector<LeftOrRightValue<VLeft, VRight>>>> {
 public:
  using Store = streams::KeyValueStore<TimestampedKeyAndJoinSide<K>,
                                       std::vector<LeftOrRightValue<VLeft, VRight>>>;

  OuterJoinStoreBuilder(std::shared_ptr<const streams::KeyValueBytesStoreSupplier> supplier,
                        streams::SerdePtr<K> key_serde, streams::SerdePtr<VLeft> left_serde,
                        streams::SerdePtr<VRight> right_serde)
      : streams::StoreBuilder<Store>(supplier->name()),
        supplier_(std::move(supplier)),
        key_serde_(std::move(key_serde)),
        left_serde_(std::move(left_serde)),
        right_serde_(std::move(right_serde)) {}

  std::unique_ptr<Store> build() const override {
    if (!key_serde_ || !left_serde_ || !right_serde_) {
      throw streams::TopologyException("store " + this->name_ +
                                       " has no key or value serde: give them to StreamJoined, or "
                                       "set default.key.serde / default.value.serde");
    }
    using Value = std::vector<LeftOrRightValue<VLeft, VRight>>;
    return std::make_unique<statestore::MeteredKeyValueStore<TimestampedKeyAndJoinSide<K>, Value>>(
        statestore::BuildKeyValueLayers(*supplier_, this->logging_enabled_, false),
        std::make_shared<TimestampedKeyAndJoinSideSerde<K>>(key_serde_),
        std::make_shared<LeftOrRightValueListSerde<VLeft, VRight>>(left_serde_, right_serde_),
        supplier_->metricsScope());
  }
  std::shared_ptr<streams::AbstractStoreBuilder> withSerdes(
      const streams::detail::SerdeDefaults& defaults) const override {
    auto copy = std::make_shared<OuterJoinStoreBuilder>(*this);
    const std::string store = "store " + this->name_;
    copy->key_serde_ = streams::detail::ResolveSerde(key_serde_, defaults.key, store, "key");
    copy->left_serde_ = streams::detail::ResolveSerde(left_serde_, defaults.value, store, "value");
    copy->right_serde_ =
        streams::detail::ResolveSerde(right_serde_, defaults.value, store, "value");
    return copy;
  }
  std::shared_ptr<streams::AbstractStoreBuilder> clone() const override {
    return std::make_shared<OuterJoinStoreBuilder>(*this);
  }

 private:
  std::shared_ptr<const streams::KeyValueBytesStoreSupplier> supplier_;
  streams::SerdePtr<K> key_serde_;
  streams::SerdePtr<VLeft> left_serde_;
  streams::SerdePtr<VRight> right_serde_;
};

}  // namespace brook::operators::processors
