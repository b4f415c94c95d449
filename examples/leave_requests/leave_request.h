#pragma once

#include <optional>
#include <string>
#include <string_view>

// The HR example's domain: a paid-leave request, how it is checked, and the events the payroll
// and forecast services get (examples/leave_requests/README.md shows the formats).
namespace brook::examples::leave {

// {"employee_id":"e17","type":"vacation","start_date":"2026-12-01","days":3}
struct LeaveRequest {
  std::string employee_id;
  std::string type;
  std::string start_date;  // YYYY-MM-DD, a real calendar date
  int days = 0;            // > 0, calendar days from start_date
};

// The request, or why it is invalid ("not JSON: ...", "missing field: days",
// "days must be > 0", "start_date is not a date (YYYY-MM-DD): 2026-02-30", ...).
struct CheckedRequest {
  std::optional<LeaveRequest> request;
  std::string error;
};

CheckedRequest Check(std::string_view json);

// The last day of the leave: start_date + days - 1 (a valid request only).
std::string EndDate(const LeaveRequest& request);

// What payroll needs to pay the leave:
// {"employee_id":"e17","pay_code":"PTO","from":"2026-12-01","to":"2026-12-03","days":3}
// pay_code: PTO for vacation, SICK for sick, UNPAID for unpaid, LEAVE otherwise.
std::string PayrollEvent(const LeaveRequest& request);

// What staffing forecasts need: who is away in which month, for how many days:
// {"employee_id":"e17","month":"2026-12","absent_from":"2026-12-01","absent_to":"2026-12-03",
//  "days_absent":3,"type":"vacation"}
std::string ForecastEvent(const LeaveRequest& request);

}  // namespace brook::examples::leave
