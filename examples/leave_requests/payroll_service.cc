// build/bin/payroll-service: books each valid leave request against pay (payroll-events).
#include <nlohmann/json.hpp>

#include "examples/leave_requests/event_service.h"
#include "examples/leave_requests/leave_topology.h"

int main(int argc, char** argv) {
  return brook::examples::leave::RunEventService(
      argc, argv, "payroll-service", brook::examples::leave::kPayrollTopic, "payroll-service",
      [](const std::string& key, const std::string& value) -> std::string {
        try {
          auto event = nlohmann::json::parse(value);
          return "book " + event.at("pay_code").get<std::string>() + " for " + key + ": " +
                 std::to_string(event.at("days").get<int>()) + " days, " +
                 event.at("from").get<std::string>() + " to " + event.at("to").get<std::string>();
        } catch (const std::exception& e) {
          return "skip unreadable event for " + key + " (" + e.what() + ")";
        }
      });
}
