#pragma once

#include <map>
#include <string>

namespace brook::streams {

// The name of a metric as Kafka names it (Kafka's MetricName): a name within a group, and tags
// saying which entity it measures (thread-id, task-id, ...).
struct MetricName {
  std::string name;
  std::string group;
  std::string description;
  std::map<std::string, std::string> tags;
};

// One metric's value at the time it was read (Kafka's Metric.metricValue()).
struct Metric {
  MetricName name;
  double value = 0;
};

// Task-level metrics (group "stream-task-metrics", tags thread-id and task-id):
//   dropped-records-total  records the exception handlers skipped (kContinue) and records
//                          processors dropped on purpose, such as records for a window past
//                          its grace period.
inline constexpr char kTaskMetricsGroup[] = "stream-task-metrics";
inline constexpr char kDroppedRecordsTotal[] = "dropped-records-total";

}  // namespace brook::streams
