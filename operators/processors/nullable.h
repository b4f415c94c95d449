#pragma once

#include <optional>

#include "framework/api/detail/optional_serde.h"

namespace brook::operators::processors {

// Whether a key or value is what Kafka calls null: an empty std::optional, a JSON null
// (anything with is_null()). Other types (std::string, int64_t, ...) are never null: their
// serdes read a Kafka null as "" or refuse it.
template <typename T>
bool IsNull(const T& value) {
  if constexpr (streams::detail::IsOptional<T>::value) {
    return !value.has_value();
  } else if constexpr (requires { value.is_null(); }) {
    return value.is_null();
  } else {
    (void)value;
    return false;
  }
}

}  // namespace brook::operators::processors
