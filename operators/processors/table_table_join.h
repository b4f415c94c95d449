#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "framework/api/processor.h"
#include "operators/dsl/change.h"
#include "operators/processors/nullable.h"
#include "operators/processors/table_value_getter.h"

namespace brook::operators::processors {

// Which sides of a KTable-KTable join keep a key the other side lacks: inner (neither), left
// (this side), outer (both). Seen from one side's processor, the left join's other side is
// Kafka's KTableKTableRightJoin.
struct TableJoinSides {
  bool this_preserved = false;
  bool other_preserved = false;
};

// One side of a KTable-KTable join (Kafka Streams' KTableKTableInnerJoin, LeftJoin, RightJoin
// and OuterJoin in one): a change of this side's key is joined with the other side's current
// value (its getter) into a change of the result, with timestamp max(this change's, the other
// value's). A result exists when the sides it needs are present; a change that leaves no result
// (this side deleted, or the other side missing) forwards a delete, unless neither the new nor
// the old value existed. Old results are computed only when the result table must send them.
// Null keys are dropped.
template <typename K, typename V1, typename V2, typename VR>
class TableTableJoinProcessor final
    : public streams::ContextualProcessor<K, streams::Change<V1>, K, streams::Change<VR>> {
 public:
  // joiner(key, this side's value, other side's value); nullopt only for a preserved side's
  // partner.
  using Joiner = std::function<VR(const K& key, const std::optional<V1>& value,
                                  const std::optional<V2>& other)>;

  TableTableJoinProcessor(std::unique_ptr<TableValueGetter<K, V2>> other,
                          std::shared_ptr<const Joiner> joiner, TableJoinSides sides,
                          std::shared_ptr<const bool> send_old_values)
      : other_(std::move(other)),
        joiner_(std::move(joiner)),
        sides_(sides),
        send_old_values_(std::move(send_old_values)) {}

  void init(streams::ProcessorContext<K, streams::Change<VR>>& context) override {
    streams::ContextualProcessor<K, streams::Change<V1>, K, streams::Change<VR>>::init(context);
    other_->init(context);
  }

  void process(const streams::Record<K, streams::Change<V1>>& record) override {
    if (IsNull(record.key())) return;
    const streams::Change<V1>& change = record.value();
    std::optional<streams::ValueAndTimestamp<V2>> found = other_->get(record.key());
    std::optional<V2> other;
    int64_t timestamp = record.timestamp();
    if (found) {
      timestamp = std::max(timestamp, found->timestamp);
      other = std::move(found->value);
    } else {
      if (!sides_.this_preserved) return;
      if (!change.newValue && !change.oldValue) return;
    }
    streams::Change<VR> result;
    result.newValue = Join(record.key(), change.newValue, other);
    if (*send_old_values_) result.oldValue = Join(record.key(), change.oldValue, other);
    this->context().forward(streams::Record<K, streams::Change<VR>>(record.key(), std::move(result),
                                                                    timestamp, record.headers()));
  }

 private:
  std::optional<VR> Join(const K& key, const std::optional<V1>& value,
                         const std::optional<V2>& other) const {
    if (!value && !sides_.other_preserved) return std::nullopt;
    if (!other && !sides_.this_preserved) return std::nullopt;
    if (!value && !other) return std::nullopt;
    return (*joiner_)(key, value, other);
  }

  std::unique_ptr<TableValueGetter<K, V2>> other_;
  std::shared_ptr<const Joiner> joiner_;
  TableJoinSides sides_;
  std::shared_ptr<const bool> send_old_values_;
};

template <typename K, typename V1, typename V2, typename VR>
streams::ProcessorSupplier<K, streams::Change<V1>, K, streams::Change<VR>> TableTableJoinSupplier(
    std::shared_ptr<const TableValueGetterSupplier<K, V2>> other,
    std::shared_ptr<const typename TableTableJoinProcessor<K, V1, V2, VR>::Joiner> joiner,
    TableJoinSides sides, std::shared_ptr<const bool> send_old_values) {
  using P = TableTableJoinProcessor<K, V1, V2, VR>;
  return [=] { return std::make_unique<P>(other->make(), joiner, sides, send_old_values); };
}

// The value of a key in an unmaterialized KTable-KTable join result (Kafka's
// KTableKTable*JoinValueGetter): both sides' current values joined by the same rule.
template <typename K, typename V1, typename V2, typename VR>
class TableTableJoinValueGetter final : public TableValueGetter<K, VR> {
 public:
  using Joiner = typename TableTableJoinProcessor<K, V1, V2, VR>::Joiner;

  TableTableJoinValueGetter(std::unique_ptr<TableValueGetter<K, V1>> left,
                            std::unique_ptr<TableValueGetter<K, V2>> right,
                            std::shared_ptr<const Joiner> joiner, TableJoinSides sides)
      : left_(std::move(left)),
        right_(std::move(right)),
        joiner_(std::move(joiner)),
        sides_(sides) {}

  void init(streams::ProcessingContext& context) override {
    left_->init(context);
    right_->init(context);
  }
  std::optional<streams::ValueAndTimestamp<VR>> get(const K& key) override {
    auto left = left_->get(key);
    auto right = right_->get(key);
    if (!left && !right) return std::nullopt;
    if (!left && !sides_.other_preserved) return std::nullopt;
    if (!right && !sides_.this_preserved) return std::nullopt;
    std::optional<V1> left_value;
    std::optional<V2> right_value;
    int64_t timestamp = -1;
    if (left) {
      left_value = std::move(left->value);
      timestamp = left->timestamp;
    }
    if (right) {
      right_value = std::move(right->value);
      timestamp = std::max(timestamp, right->timestamp);
    }
    return streams::ValueAndTimestamp<VR>{(*joiner_)(key, left_value, right_value), timestamp};
  }

 private:
  std::unique_ptr<TableValueGetter<K, V1>> left_;
  std::unique_ptr<TableValueGetter<K, V2>> right_;
  std::shared_ptr<const Joiner> joiner_;
  TableJoinSides sides_;
};

}  // namespace brook::operators::processors
