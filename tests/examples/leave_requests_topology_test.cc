// The HR example's checks and topology, through TopologyTestDriver.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "examples/leave_requests/leave_request.h"
#include "examples/leave_requests/leave_topology.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"

namespace brook::examples::leave {
namespace {

using streams::Serdes;

TEST(LeaveRequestTest, ValidRequestIsRead) {
  CheckedRequest checked =
      Check(R"({"employee_id":"e17","type":"vacation","start_date":"2026-12-01","days":3})");
  ASSERT_TRUE(checked.request.has_value()) << checked.error;
  EXPECT_EQ(checked.request->employee_id, "e17");
  EXPECT_EQ(checked.request->days, 3);
  EXPECT_EQ(EndDate(*checked.request), "2026-12-03");
}

TEST(LeaveRequestTest, EachProblemIsNamed) {
  EXPECT_EQ(Check("not json").error.rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(Check("[1,2]").error, "not a JSON object");
  EXPECT_EQ(Check(R"({"employee_id":"e1","type":"sick","start_date":"2026-01-01"})").error,
            "missing field: days");
  EXPECT_EQ(Check(R"({"employee_id":"e1","type":"sick","start_date":"2026-01-01","days":0})").error,
            "days must be > 0, got 0");
  EXPECT_EQ(Check(R"({"employee_id":"e1","type":"sick","start_date":"2026-01-01","days":-2})").error,
            "days must be > 0, got -2");
  EXPECT_EQ(Check(R"({"employee_id":"e1","type":"sick","start_date":"2026-01-01","days":"3"})").error,
            "days must be an integer");
  EXPECT_EQ(Check(R"({"employee_id":"e1","type":"sick","start_date":"2026-02-30","days":1})").error,
            "start_date is not a date (YYYY-MM-DD): 2026-02-30");
  EXPECT_EQ(Check(R"({"employee_id":"e1","type":"sick","start_date":"1/2/2026","days":1})").error,
            "start_date is not a date (YYYY-MM-DD): 1/2/2026");
  EXPECT_EQ(Check(R"({"employee_id":"","type":"sick","start_date":"2026-01-01","days":1})").error,
            "employee_id must be a non-empty string");
}

TEST(LeaveRequestTest, LeapDayIsADateAndLeaveCrossesTheYear) {
  auto leap = Check(R"({"employee_id":"e","type":"x","start_date":"2028-02-29","days":2})");
  ASSERT_TRUE(leap.request.has_value()) << leap.error;
  EXPECT_EQ(EndDate(*leap.request), "2028-03-01");
  EXPECT_FALSE(
      Check(R"({"employee_id":"e","type":"x","start_date":"2026-02-29","days":2})").request);
  auto late = Check(R"({"employee_id":"e","type":"x","start_date":"2026-12-30","days":5})");
  EXPECT_EQ(EndDate(*late.request), "2027-01-03");
}

class LeaveTopologyTest : public ::testing::Test {
 protected:
  streams::TopologyTestDriver driver_{BuildTopology()};
  streams::TestInputTopic<std::string, std::string> requests_ =
      driver_.createInputTopic(kRequestsTopic, Serdes::String(), Serdes::String());
  streams::TestOutputTopic<std::string, std::string> payroll_ =
      driver_.createOutputTopic(kPayrollTopic, Serdes::String(), Serdes::String());
  streams::TestOutputTopic<std::string, std::string> forecast_ =
      driver_.createOutputTopic(kForecastTopic, Serdes::String(), Serdes::String());
  streams::TestOutputTopic<std::string, std::string> dead_ =
      driver_.createOutputTopic(kDeadLetterTopic, Serdes::String(), Serdes::String());
};

TEST_F(LeaveTopologyTest, ValidRequestReachesPayrollAndForecastInTheirShapes) {
  requests_.pipeInput("e17",
                      R"({"employee_id":"e17","type":"vacation","start_date":"2026-12-01","days":3})",
                      1000);
  auto pay = payroll_.readRecord();
  EXPECT_EQ(pay.key, "e17");
  EXPECT_EQ(nlohmann::json::parse(pay.value),
            nlohmann::json::parse(
                R"({"employee_id":"e17","pay_code":"PTO","from":"2026-12-01","to":"2026-12-03","days":3})"));
  auto plan = forecast_.readRecord();
  EXPECT_EQ(plan.key, "e17");
  EXPECT_EQ(nlohmann::json::parse(plan.value),
            nlohmann::json::parse(R"({"employee_id":"e17","month":"2026-12","absent_from":"2026-12-01",
               "absent_to":"2026-12-03","days_absent":3,"type":"vacation"})"));
  EXPECT_EQ(plan.timestamp, 1000);
  EXPECT_TRUE(dead_.isEmpty());
  EXPECT_TRUE(payroll_.isEmpty());
}

TEST_F(LeaveTopologyTest, InvalidRequestGoesToTheDeadLetterTopicUnchangedWithItsReason) {
  const std::string bad = R"({"employee_id":"e9","type":"sick","start_date":"2026-13-01","days":2})";
  requests_.pipeInput(streams::TestRecord<std::string, std::string>{
      "e9", bad, 5, streams::Headers{{"trace", "t-1"}, {"brook.error", "stale"}}});
  requests_.pipeInput("e10", "{not json", 6);
  auto first = dead_.readRecord();
  EXPECT_EQ(first.key, "e9");
  EXPECT_EQ(first.value, bad);
  EXPECT_EQ(first.headers.lastHeader("trace")->value, "t-1");
  EXPECT_EQ(first.headers.lastHeader("brook.error")->value,
            "start_date is not a date (YYYY-MM-DD): 2026-13-01");
  size_t error_headers = 0;
  for (const auto& header : first.headers) error_headers += header.key == "brook.error";
  EXPECT_EQ(error_headers, 1u);
  auto second = dead_.readRecord();
  EXPECT_EQ(second.value, "{not json");
  EXPECT_EQ(second.headers.lastHeader("brook.error")->value->rfind("not JSON", 0), 0u);
  EXPECT_TRUE(payroll_.isEmpty());
  EXPECT_TRUE(forecast_.isEmpty());
}

TEST_F(LeaveTopologyTest, PayCodeFollowsTheLeaveType) {
  for (const auto& [type, code] : std::vector<std::pair<std::string, std::string>>{
           {"vacation", "PTO"}, {"sick", "SICK"}, {"unpaid", "UNPAID"}, {"parental", "LEAVE"}}) {
    requests_.pipeInput("e1", R"({"employee_id":"e1","type":")" + type +
                                  R"(","start_date":"2026-01-05","days":1})");
    EXPECT_EQ(nlohmann::json::parse(payroll_.readValue())["pay_code"], code) << type;
  }
}

}  // namespace
}  // namespace brook::examples::leave
