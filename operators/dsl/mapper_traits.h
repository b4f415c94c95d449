#pragma once

#include <concepts>
#include <functional>
#include <ranges>
#include <string>
#include <type_traits>
#include <utility>

#include "framework/api/errors.h"
#include "framework/api/processor.h"
#include "framework/api/record.h"

// How KStream's templates find the types a user's callable produces, so that
// `stream.mapValues([](const std::string& v) { return v.size(); })` is a KStream<K, size_t>
// without spelling the type. Each operator also takes the type explicitly as its first
// template argument (mapValues<int64_t>(...)), which then wins: the callable's result is
// converted to it.
namespace brook::streams::detail {

// "Deduce from the callable" for an operator's explicit type arguments.
struct Deduced {};

template <typename Explicit, typename FromCallable>
using PickType = std::conditional_t<std::is_same_v<Explicit, Deduced>, FromCallable, Explicit>;

// Kafka's ValueMapper (value) and ValueMapperWithKey (key, value): a callable that takes the
// value alone is the former, one that takes both the latter.
template <typename F, typename K, typename V>
constexpr bool kTakesValueOnly = std::is_invocable_v<const F&, const V&>;

template <typename F, typename K, typename V>
concept ValueMapperOf =
    std::is_invocable_v<const F&, const V&> || std::is_invocable_v<const F&, const K&, const V&>;

// Kafka's Predicate, KeyValueMapper and ForeachAction: callables of (key, value).
template <typename F, typename K, typename V>
concept KeyValueCallable = std::is_invocable_v<const F&, const K&, const V&>;
template <typename P, typename K, typename V>
concept PredicateOf = std::predicate<const P&, const K&, const V&>;

// A supplier of processors: callable with nothing.
template <typename S>
concept SupplierCallable = std::is_invocable_v<const S&>;

template <typename F, typename K, typename V>
decltype(auto) CallValueMapper(const F& mapper, const K& key, const V& value) {
  if constexpr (kTakesValueOnly<F, K, V>) {
    return mapper(value);
  } else {
    return mapper(key, value);
  }
}

template <typename F, typename K, typename V>
using ValueMapperResult = std::decay_t<decltype(CallValueMapper(
    std::declval<const F&>(), std::declval<const K&>(), std::declval<const V&>()))>;

template <typename F, typename K, typename V>
using KeyValueMapperResult = std::decay_t<std::invoke_result_t<const F&, const K&, const V&>>;

// flatMap's and flatMapValues' mappers return a range.
template <typename F, typename K, typename V>
concept FlatKeyValueMapperOf =
    KeyValueCallable<F, K, V> && std::ranges::range<KeyValueMapperResult<F, K, V>>;
template <typename F, typename K, typename V>
concept FlatValueMapperOf =
    ValueMapperOf<F, K, V> && std::ranges::range<ValueMapperResult<F, K, V>>;

// Callables that can be empty: function pointers and std::function (lambdas never are).
template <typename F>
inline constexpr bool kCanBeEmpty = std::is_pointer_v<F>;
template <typename R, typename... Args>
inline constexpr bool kCanBeEmpty<std::function<R(Args...)>> = true;

// Kafka's requireNonNull for a callable: throws TopologyException "<what> can't be empty".
template <typename F>
void RequireCallable(const F& callable, const char* what) {
  if constexpr (kCanBeEmpty<F>) {
    if (!callable) throw TopologyException(std::string(what) + " can't be empty");
  }
}

// The key and value types of a KeyValue<A, B> or std::pair<A, B>.
template <typename T>
struct PairTraits {
  static constexpr bool kIsPair = false;
};
template <typename A, typename B>
struct PairTraits<KeyValue<A, B>> {
  static constexpr bool kIsPair = true;
  using Key = A;
  using Value = B;
  static A&& KeyOf(KeyValue<A, B>& pair) { return std::move(pair.key); }
  static B&& ValueOf(KeyValue<A, B>& pair) { return std::move(pair.value); }
};
template <typename A, typename B>
struct PairTraits<std::pair<A, B>> {
  static constexpr bool kIsPair = true;
  using Key = A;
  using Value = B;
  static A&& KeyOf(std::pair<A, B>& pair) { return std::move(pair.first); }
  static B&& ValueOf(std::pair<A, B>& pair) { return std::move(pair.second); }
};

// The key and value types a KTable::groupBy selector's pair has (or the explicit ones).
template <typename KR, typename F, typename K, typename V>
using SelectedKey = PickType<KR, typename PairTraits<KeyValueMapperResult<F, K, V>>::Key>;
template <typename VR, typename F, typename K, typename V>
using SelectedValue = PickType<VR, typename PairTraits<KeyValueMapperResult<F, K, V>>::Value>;

template <typename R>
using RangeElement = std::ranges::range_value_t<R>;

// The Processor<KIn, VIn, KOut, VOut> a supplier's processors derive from (for process()).
template <typename KIn, typename VIn, typename KOut, typename VOut>
struct ProcessorTypes {
  using KeyIn = KIn;
  using ValueIn = VIn;
  using KeyOut = KOut;
  using ValueOut = VOut;
};
template <typename KIn, typename VIn, typename KOut, typename VOut>
ProcessorTypes<KIn, VIn, KOut, VOut> ProcessorTypesOf(const Processor<KIn, VIn, KOut, VOut>*);
template <typename K, typename VIn, typename VOut>
ProcessorTypes<K, VIn, K, VOut> FixedKeyProcessorTypesOf(const FixedKeyProcessor<K, VIn, VOut>*);

template <typename Supplier>
using SuppliedProcessor = typename std::invoke_result_t<const Supplier&>::element_type;

}  // namespace brook::streams::detail
