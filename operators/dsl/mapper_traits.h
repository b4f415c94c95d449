#pragma once

#include <ranges>
#include <type_traits>
#include <utility>

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
