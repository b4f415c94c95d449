#pragma once

#include <cstdint>
#include <string>

#include "framework/api/serdes.h"
#include "operators/dsl/consumed.h"
#include "operators/dsl/produced.h"

// Shorthands for the DSL tests.
namespace brook::streams::testing {

using S = std::string;

inline Consumed<S, S> StringConsumed() {
  return Consumed<S, S>::with(Serdes::String(), Serdes::String());
}
inline Produced<S, S> StringProduced() {
  return Produced<S, S>::with(Serdes::String(), Serdes::String());
}
inline Produced<S, int64_t> StringLongProduced() {
  return Produced<S, int64_t>::with(Serdes::String(), Serdes::Int64());
}

}  // namespace brook::streams::testing
