#pragma once

#include <optional>
#include <string>

#include "examples/leave_requests/leave_request.h"
#include "framework/api/topology.h"

namespace brook::examples::leave {

// Topic names of the example.
inline constexpr const char* kRequestsTopic = "leave-requests";
inline constexpr const char* kPayrollTopic = "payroll-events";
inline constexpr const char* kForecastTopic = "forecast-events";
inline constexpr const char* kDeadLetterTopic = "leave-requests-dlq";
// The header that tells why a request went to the dead-letter topic.
inline constexpr const char* kErrorHeader = "brook.error";

// A request as read, with its check: `raw` is the value exactly as it arrived.
struct CheckedValue {
  std::string raw;
  std::optional<LeaveRequest> request;
};

// leave-requests -> check -> split:
//   valid   -> payroll event  -> payroll-events
//           -> forecast event -> forecast-events
//   invalid -> the value unchanged, with a brook.error header -> leave-requests-dlq
// Keys (employee ids) are kept everywhere.
streams::Topology BuildTopology();

}  // namespace brook::examples::leave
