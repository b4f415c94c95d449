#pragma once

#include <cstdint>
#include <string>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
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

// The driver's dropped-records-total (group stream-task-metrics), summed over its tasks.
inline int64_t DroppedRecords(const TopologyTestDriver& driver) {
  double total = 0;
  for (const Metric& metric : driver.metrics()) {
    if (metric.name.name == "dropped-records-total" && metric.name.group == "stream-task-metrics") {
      total += metric.value;
    }
  }
  return static_cast<int64_t>(total);
}

}  // namespace brook::streams::testing
