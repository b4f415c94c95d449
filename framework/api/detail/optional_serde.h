#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "framework/api/serde.h"

namespace brook::streams::detail {

// Whether T is a std::optional (its serde may wrap a serde of T::value_type).
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Serdes::Optional's serde: nullopt <-> Kafka null, any other value through `inner`. Here, not
// in serdes.h, so ResolveSerde can wrap a default serde of T for a node of std::optional<T>.
template <typename T>
class OptionalSerde final : public Serde<std::optional<T>> {
 public:
  explicit OptionalSerde(SerdePtr<T> inner) : inner_(std::move(inner)) {}

  bool serialize(std::string_view topic, const std::optional<T>& data,
                 std::string& out) const override {
    if (!data) return false;
    return inner_->serialize(topic, *data, out);
  }
  std::optional<T> deserialize(std::string_view topic,
                               std::optional<std::string_view> bytes) const override {
    if (!bytes) return std::nullopt;
    return inner_->deserialize(topic, bytes);
  }
  std::string name() const override { return "Optional<" + inner_->name() + ">"; }

 private:
  SerdePtr<T> inner_;
};

}  // namespace brook::streams::detail
