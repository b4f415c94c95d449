#pragma once

#include <type_traits>
#include <utility>

// The joiners of KStream and KTable joins (Kafka's ValueJoiner and ValueJoinerWithKey): a
// callable of (value, other value) or (key, value, other value). Which arguments may be absent
// depends on the join and shows in their types: an inner join passes `const V&, const VO&`, a
// left join `const V&, const std::optional<VO>&`, an outer join two std::optionals.
namespace brook::streams::detail {

template <typename F, typename K, typename A, typename B>
constexpr bool kJoinerWithoutKey = std::is_invocable_v<const F&, const A&, const B&>;

template <typename F, typename K, typename A, typename B>
concept ValueJoinerOf = std::is_invocable_v<const F&, const A&, const B&> ||
    std::is_invocable_v<const F&, const K&, const A&, const B&>;

template <typename F, typename K, typename A, typename B>
decltype(auto) CallJoiner(const F& joiner, const K& key, const A& a, const B& b) {
  if constexpr (kJoinerWithoutKey<F, K, A, B>) {
    return joiner(a, b);
  } else {
    return joiner(key, a, b);
  }
}

template <typename F, typename K, typename A, typename B>
using JoinerResult =
    std::decay_t<decltype(CallJoiner(std::declval<const F&>(), std::declval<const K&>(),
                                     std::declval<const A&>(), std::declval<const B&>()))>;

}  // namespace brook::streams::detail
