// build/bin/forecast-service: keeps a per-month tally of days away (forecast-events).
#include <map>
#include <nlohmann/json.hpp>

#include "examples/leave_requests/event_service.h"
#include "examples/leave_requests/leave_topology.h"

int main(int argc, char** argv) {
  std::map<std::string, int> days_by_month;
  return brook::examples::leave::RunEventService(
      argc, argv, "forecast-service", brook::examples::leave::kForecastTopic, "forecast-service",
      [&](const std::string& key, const std::string& value) -> std::string {
        try {
          auto event = nlohmann::json::parse(value);
          const std::string month = event.at("month").get<std::string>();
          const int days = event.at("days_absent").get<int>();
          days_by_month[month] += days;
          return "plan " + key + " away " + event.at("absent_from").get<std::string>() + " to " +
                 event.at("absent_to").get<std::string>() + " (" +
                 event.at("type").get<std::string>() + "); " + month + " now has " +
                 std::to_string(days_by_month[month]) + " days away";
        } catch (const std::exception& e) {
          return "skip unreadable event for " + key + " (" + e.what() + ")";
        }
      });
}
