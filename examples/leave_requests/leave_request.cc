#include "examples/leave_requests/leave_request.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace brook::examples::leave {

namespace {

// Parses a strict YYYY-MM-DD that names a real day.
std::optional<std::chrono::year_month_day> ParseDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int year = std::stoi(text.substr(0, 4));
  const unsigned month = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
  const unsigned day = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month),
                                   std::chrono::day(day)};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string FormatDate(std::chrono::year_month_day date) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return buffer;
}

}  // namespace

CheckedRequest Check(std::string_view text) {
  CheckedRequest result;
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    result.error = std::string("not JSON: ") + e.what();
    return result;
  }
  if (!json.is_object()) {
    result.error = "not a JSON object";
    return result;
  }
  for (const char* field : {"employee_id", "type", "start_date", "days"}) {
    if (!json.contains(field) || json[field].is_null()) {
      result.error = std::string("missing field: ") + field;
      return result;
    }
  }
  for (const char* field : {"employee_id", "type", "start_date"}) {
    if (!json[field].is_string() || json[field].get<std::string>().empty()) {
      result.error = std::string(field) + " must be a non-empty string";
      return result;
    }
  }
  if (!json["days"].is_number_integer()) {
    result.error = "days must be an integer";
    return result;
  }
  LeaveRequest request;
  request.employee_id = json["employee_id"].get<std::string>();
  request.type = json["type"].get<std::string>();
  request.start_date = json["start_date"].get<std::string>();
  const int64_t days = json["days"].get<int64_t>();
  if (days <= 0) {
    result.error = "days must be > 0, got " + std::to_string(days);
    return result;
  }
  if (days > 366) {
    result.error = "days must be at most 366, got " + std::to_string(days);
    return result;
  }
  request.days = static_cast<int>(days);
  if (!ParseDate(request.start_date)) {
    result.error = "start_date is not a date (YYYY-MM-DD): " + request.start_date;
    return result;
  }
  result.request = std::move(request);
  return result;
}

std::string EndDate(const LeaveRequest& request) {
  auto start = *ParseDate(request.start_date);
  auto end = std::chrono::sys_days(start) + std::chrono::days(request.days - 1);
  return FormatDate(std::chrono::year_month_day(end));
}

std::string PayrollEvent(const LeaveRequest& request) {
  std::string pay_code = "LEAVE";
  if (request.type == "vacation") pay_code = "PTO";
  if (request.type == "sick") pay_code = "SICK";
  if (request.type == "unpaid") pay_code = "UNPAID";
  nlohmann::json event{{"employee_id", request.employee_id},
                       {"pay_code", pay_code},
                       {"from", request.start_date},
                       {"to", EndDate(request)},
                       {"days", request.days}};
  return event.dump();
}

std::string ForecastEvent(const LeaveRequest& request) {
  nlohmann::json event{{"employee_id", request.employee_id},
                       {"month", request.start_date.substr(0, 7)},
                       {"absent_from", request.start_date},
                       {"absent_to", EndDate(request)},
                       {"days_absent", request.days},
                       {"type", request.type}};
  return event.dump();
}

}  // namespace brook::examples::leave
