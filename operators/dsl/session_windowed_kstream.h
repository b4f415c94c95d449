#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "framework/api/detail/typed_nodes.h"
#include "framework/api/serdes.h"
#include "operators/dsl/change.h"
#include "operators/dsl/emit_strategy.h"
#include "operators/dsl/kgrouped_stream.h"
#include "operators/dsl/ktable.h"
#include "operators/dsl/materialized.h"
#include "operators/dsl/named.h"
#include "operators/dsl/node_names.h"
#include "operators/dsl/session_windows.h"
#include "operators/dsl/store_builders.h"
#include "operators/dsl/table_node.h"
#include "operators/processors/session_window_aggregate.h"
#include "statestore/api/stores.h"
#include "statestore/api/windowed_serdes.h"

namespace brook::streams {

// A grouped stream cut into sessions (Kafka Streams' SessionWindowedKStream), made by
// KGroupedStream::windowedBy(SessionWindows). Its aggregations return a KTable keyed by
// Windowed<K>, the window being the session [first record, last record] (both ends included).
// When a record bridges two sessions they merge: the table gets a tombstone for each merged-away
// session and the merged session's aggregate (see session_window_aggregate.h). The store is a
// session store kept for the gap plus grace (or Materialized's retention, which may not be
// shorter). The table's key serde is a SessionWindowedSerde of the key serde (Kafka's layout:
// key bytes, then the session end and start).
//
// Records whose session would end before stream time - grace are dropped (see
// session_window_aggregate.h). suppress(untilWindowCloses) on the table forwards each session
// once the stream time passes its end + gap + grace, and never a session that a merge removed.
//
// Node names as Kafka's: KSTREAM-AGGREGATE-<n> / KSTREAM-REDUCE-<n>, stores
// KSTREAM-AGGREGATE-STATE-STORE-<n> / KSTREAM-REDUCE-STATE-STORE-<n>.
// Thread safety: a value type; build a program on one thread.
template <typename K, typename V>
class SessionWindowedKStream {
 public:
  SessionWindowedKStream(KGroupedStream<K, V> grouped, SessionWindows windows)
      : grouped_(std::move(grouped)), windows_(windows) {}

  // When the aggregations below forward (see EmitStrategy; default onWindowUpdate). With
  // onWindowClose each session is forwarded once, when the stream time passes its end + gap +
  // grace, merged-away sessions never; the store does not cache and is kept 1 ms longer (see
  // StoreFor).
  SessionWindowedKStream emitStrategy(const EmitStrategy& strategy) const {
    SessionWindowedKStream copy = *this;
    copy.emit_on_window_close_ = strategy.isOnWindowClose();
    return copy;
  }

  // The number of records in each session of each key; merging sessions adds their counts.
  KTable<Windowed<K>, int64_t> count(
      const Named& named = Named(),
      const Materialized<K, int64_t, SessionBytesStore>& materialized = {}) const {
    auto m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(Serdes::Int64());
    return DoAggregate<int64_t>(detail::node_names::kAggregate, named, m,
                                {[] { return std::optional<int64_t>(0); },
                                 [](const K&, const V&, const std::optional<int64_t>& count) {
                                   return count.value_or(0) + 1;
                                 },
                                 [](const K&, const std::optional<int64_t>& a, const int64_t& b) {
                                   return a.value_or(0) + b;
                                 }});
  }
  KTable<Windowed<K>, int64_t> count(
      const Materialized<K, int64_t, SessionBytesStore>& materialized) const {
    return count(Named(), materialized);
  }

  // Combines each session's values with reducer(aggregate, value); merging two sessions is
  // reducer(earlier session's aggregate, later one's) (Kafka's mergerForAggregator).
  template <typename F>
  KTable<Windowed<K>, V> reduce(
      F reducer, const Named& named = Named(),
      const Materialized<K, V, SessionBytesStore>& materialized = {}) const {
    detail::RequireCallable(reducer, "reduce(): reducer");
    auto m = materialized;
    if (!m.valueSerde()) m = m.withValueSerde(grouped_.valueSerde());
    auto combine = [reducer = std::move(reducer)](const std::optional<V>& aggregate,
                                                  const V& value) {
      return aggregate ? V(reducer(*aggregate, value)) : value;
    };
    return DoAggregate<V>(detail::node_names::kReduce, named, m,
                          {[] { return std::optional<V>(); },
                           [combine](const K&, const V& value, const std::optional<V>& aggregate) {
                             return combine(aggregate, value);
                           },
                           [combine](const K&, const std::optional<V>& aggregate,
                                     const V& session) { return combine(aggregate, session); }});
  }
  template <typename F>
  KTable<Windowed<K>, V> reduce(F reducer,
                                const Materialized<K, V, SessionBytesStore>& materialized) const {
    return reduce(std::move(reducer), Named(), materialized);
  }

  // Folds each session's values: initializer() starts a session, aggregator(key, value,
  // aggregate) gives the next aggregate, merger(key, a, b) combines the aggregates of two
  // sessions a record joins (a: the aggregate so far, starting at initializer(); b: a merged
  // session's). The store's value serde is Materialized's, else default.value.serde.
  template <typename VR, typename I, typename A, typename M>
  KTable<Windowed<K>, VR> aggregate(
      I initializer, A aggregator, M merger, const Named& named,
      const Materialized<K, VR, SessionBytesStore>& materialized) const {
    detail::RequireCallable(initializer, "aggregate(): initializer");
    detail::RequireCallable(aggregator, "aggregate(): aggregator");
    detail::RequireCallable(merger, "aggregate(): sessionMerger");
    return DoAggregate<VR>(
        detail::node_names::kAggregate, named, materialized,
        {[initializer = std::move(initializer)] { return std::optional<VR>(VR(initializer())); },
         [aggregator = std::move(aggregator)](const K& key, const V& value,
                                              const std::optional<VR>& aggregate) {
           return VR(aggregator(key, value, *aggregate));
         },
         [merger = std::move(merger)](const K& key, const std::optional<VR>& aggregate,
                                      const VR& session) {
           return VR(merger(key, *aggregate, session));
         }});
  }
  template <typename VR, typename I, typename A, typename M>
  KTable<Windowed<K>, VR> aggregate(
      I initializer, A aggregator, M merger,
      const Materialized<K, VR, SessionBytesStore>& materialized = {}) const {
    return aggregate<VR>(std::move(initializer), std::move(aggregator), std::move(merger), Named(),
                         materialized);
  }

 private:
  template <typename VAgg>
  using Functions =
      typename operators::processors::SessionWindowAggregateProcessor<K, V, VAgg>::Functions;

  template <typename VAgg>
  KTable<Windowed<K>, VAgg> DoAggregate(std::string_view prefix, const Named& named,
                                        Materialized<K, VAgg, SessionBytesStore> materialized,
                                        Functions<VAgg> functions) const {
    detail::InternalStreamsBuilder* builder = grouped_.builder();
    const bool queryable = materialized.storeName().has_value();
    const std::string store = queryable ? *materialized.storeName() : builder->NewStoreName(prefix);
    const std::string name = builder->NameOrGenerate(named, prefix);
    if (!materialized.keySerde()) materialized = materialized.withKeySerde(grouped_.keySerde());
    auto store_builder = StoreFor(store, materialized);
    auto [parent, sources] = grouped_.AggregationParent(store);

    auto table = std::make_shared<detail::TableNode>();
    // suppress(untilWindowCloses) forwards a session [s, e] once the stream time passes
    // e + gap + grace (Kafka's GraphGraceSearchUtil gives gap + grace and evicts at reaching it;
    // one millisecond more, because a record at exactly e + gap could still extend the session).
    table->window_grace_ms = windows_.gracePeriodMs() + windows_.inactivityGap() + 1;
    builder->AddNode(std::make_shared<detail::ProcessorFactory<K, V, Windowed<K>, Change<VAgg>>>(
        name, std::vector<std::string>{parent},
        operators::processors::SessionWindowAggregateSupplier<K, V, VAgg>(
            store, windows_, std::move(functions), table->send_old_values, emit_on_window_close_)));
    builder->AddStateStore(*store_builder, {name});

    SerdePtr<Windowed<K>> key_serde;
    if (materialized.keySerde()) {
      key_serde = std::make_shared<SessionWindowedSerde<K>>(materialized.keySerde());
    }
    return KTable<Windowed<K>, VAgg>(
        builder, name, std::move(key_serde), materialized.valueSerde(), std::move(sources),
        queryable ? std::optional<std::string>(store) : std::nullopt, std::move(table));
  }

  // Kafka's SessionStoreMaterializer: Materialized's supplier, else a RocksDB (or in-memory)
  // session store kept for the retention (default: gap + grace; shorter is a TopologyException).
  template <typename VAgg>
  std::shared_ptr<AbstractStoreBuilder> StoreFor(
      const std::string& name, const Materialized<K, VAgg, SessionBytesStore>& materialized) const {
    const int64_t minimum = windows_.inactivityGap() + windows_.gracePeriodMs();
    // Emit-on-close reads a session when the stream time passes end + gap + grace, after the
    // store (which expires sessions ending at or before its largest end - retention) may have
    // seen an end of exactly that time: one millisecond more keeps the session readable.
    const int64_t retention =
        materialized.retentionMs().value_or(minimum + (emit_on_window_close_ ? 1 : 0));
    if (retention < minimum) {
      throw TopologyException("the retention period of the session store " + name +
                              " must be no smaller than its inactivity gap plus the grace period; "
                              "got gap=" +
                              std::to_string(windows_.inactivityGap()) +
                              " ms, grace=" + std::to_string(windows_.gracePeriodMs()) +
                              " ms, retention=" + std::to_string(retention) + " ms");
    }
    std::shared_ptr<const SessionBytesStoreSupplier> supplier = materialized.supplier();
    if (!supplier) {
      supplier = materialized.storeType() == StoreType::kInMemory
                     ? Stores::inMemorySessionStore(name, retention)
                     : Stores::persistentSessionStore(name, retention);
    }
    auto builder =
        Stores::sessionStoreBuilder(supplier, materialized.keySerde(), materialized.valueSerde());
    // Emit-on-close reads the closed sessions from the store: no cache (as Kafka).
    if (emit_on_window_close_) {
      return detail::Configured(builder, materialized.withCachingDisabled());
    }
    return detail::Configured(builder, materialized);
  }

  KGroupedStream<K, V> grouped_;
  SessionWindows windows_;
  bool emit_on_window_close_ = false;
};

template <typename K, typename V>
SessionWindowedKStream<K, V> KGroupedStream<K, V>::windowedBy(const SessionWindows& windows) const {
  return SessionWindowedKStream<K, V>(*this, windows);
}

}  // namespace brook::streams
