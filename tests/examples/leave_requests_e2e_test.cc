// The whole HR example as a user runs it: build/bin/leave-requests on its embedded broker, then
// build/bin/payroll-service and build/bin/forecast-service reading their topics independently.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "framework/client/consumer.h"
#include "framework/client/producer.h"
#include "tests/integration/subprocess.h"

namespace brook::examples::leave {
namespace {

using namespace std::chrono_literals;
using brook::testing::ChildProcess;
using brook::testing::TempDir;

std::string WaitForAddress(const std::string& state_dir, ChildProcess& app) {
  const std::string file = state_dir + "/embedded-broker.address";
  for (int i = 0; i < 300 && app.Running(); ++i) {
    std::string address = brook::testing::ReadFile(file);
    if (!address.empty() && address.back() == '\n') return address.substr(0, address.size() - 1);
    std::this_thread::sleep_for(100ms);
  }
  return "";
}

size_t CountLines(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(LeaveRequestsExampleTest, AppAndServicesRunTheWholeFlow) {
  TempDir dir;
  const std::string state_dir = dir.path() + "/state";
  ChildProcess app({BROOK_LEAVE_REQUESTS_PATH, "--state-dir", state_dir}, dir.path() + "/app.log");
  const std::string bootstrap = WaitForAddress(state_dir, app);
  ASSERT_FALSE(bootstrap.empty()) << brook::testing::ReadFile(dir.path() + "/app.log");

  // 20 valid requests from e0..e19 and 4 invalid ones.
  auto producer = framework::client::Producer::Create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  std::vector<std::pair<std::string, std::string>> requests;
  for (int i = 0; i < 20; ++i) {
    requests.emplace_back("e" + std::to_string(i),
                          R"({"employee_id":"e)" + std::to_string(i) +
                              R"(","type":"vacation","start_date":"2026-12-01","days":)" +
                              std::to_string(i % 5 + 1) + "}");
  }
  requests.emplace_back("bad1", "not json at all");
  requests.emplace_back("bad2", R"({"employee_id":"bad2","type":"sick","days":1})");
  requests.emplace_back("bad3", R"({"employee_id":"bad3","type":"sick","start_date":"2026-12-01","days":0})");
  requests.emplace_back("bad4", R"({"employee_id":"bad4","type":"sick","start_date":"2026-99-01","days":1})");
  for (const auto& [key, value] : requests) {
    ASSERT_TRUE((*producer)->Send({"leave-requests", -1, key, value, 0, nullptr}).ok());
  }
  ASSERT_TRUE((*producer)->Flush(10s).ok());
  producer->reset();

  // Payroll stops after 10 events; forecast reads all 20 meanwhile, unaffected.
  {
    ChildProcess payroll({BROOK_PAYROLL_SERVICE_PATH, "--state-dir", state_dir, "--max-messages", "10"},
                         dir.path() + "/payroll1.log");
    ChildProcess forecast({BROOK_FORECAST_SERVICE_PATH, "--state-dir", state_dir, "--max-messages", "20"},
                          dir.path() + "/forecast.log");
    ASSERT_TRUE(payroll.WaitFor(60s)) << payroll.Output();
    ASSERT_TRUE(forecast.WaitFor(60s)) << forecast.Output();
    EXPECT_EQ(CountLines(payroll.Output(), "payroll-service: book PTO for e"), 10u) << payroll.Output();
    EXPECT_EQ(CountLines(forecast.Output(), "forecast-service: plan e"), 20u) << forecast.Output();
    EXPECT_NE(forecast.Output().find("2026-12 now has 60 days away"), std::string::npos)
        << forecast.Output();
  }
  // Restarted, payroll catches up with the 10 it had not read: each employee booked once.
  ChildProcess payroll({BROOK_PAYROLL_SERVICE_PATH, "--state-dir", state_dir, "--max-messages", "10"},
                       dir.path() + "/payroll2.log");
  ASSERT_TRUE(payroll.WaitFor(60s)) << payroll.Output();
  const std::string all = brook::testing::ReadFile(dir.path() + "/payroll1.log") + payroll.Output();
  std::set<std::string> booked;
  for (int i = 0; i < 20; ++i) {
    const std::string line = "book PTO for e" + std::to_string(i) + ": " +
                             std::to_string(i % 5 + 1) + " days, 2026-12-01 to 2026-12-0" +
                             std::to_string(i % 5 + 1);
    EXPECT_EQ(CountLines(all, line + "\n"), 1u) << line << "\n" << all;
  }

  // The invalid requests are on the dead-letter topic, unchanged, with their reasons.
  auto consumer = framework::client::Consumer::Create(
      {{"bootstrap.servers", bootstrap}, {"group.id", "dlq-check"}, {"isolation.level", "read_committed"}},
      nullptr);
  ASSERT_TRUE(consumer.ok());
  ASSERT_TRUE((*consumer)->Subscribe({"leave-requests-dlq"}).ok());
  std::map<std::string, std::pair<std::string, std::string>> dead;
  for (int i = 0; i < 300 && dead.size() < 4; ++i) {
    auto records = (*consumer)->Poll(100ms, 10);
    ASSERT_TRUE(records.ok());
    for (const auto& record : *records) {
      const streams::Header* reason = record.headers.lastHeader("brook.error");
      dead[std::string(record.key.value_or(""))] = {std::string(record.value.value_or("")),
                                                    reason ? reason->value.value_or("") : ""};
    }
  }
  ASSERT_EQ(dead.size(), 4u);
  EXPECT_EQ(dead["bad1"].first, "not json at all");
  EXPECT_EQ(dead["bad1"].second.rfind("not JSON", 0), 0u);
  EXPECT_EQ(dead["bad2"].second, "missing field: start_date");
  EXPECT_EQ(dead["bad3"].second, "days must be > 0, got 0");
  EXPECT_EQ(dead["bad4"].second, "start_date is not a date (YYYY-MM-DD): 2026-99-01");
  (*consumer)->Close().IgnoreError();
  consumer->reset();

  app.Signal(SIGTERM);
  ASSERT_TRUE(app.WaitFor(60s));
  EXPECT_TRUE(WIFEXITED(app.Wait()) && WEXITSTATUS(app.Wait()) == 0) << app.Output();
  EXPECT_FALSE(std::filesystem::exists(state_dir + "/embedded-broker.address"));
}

}  // namespace
}  // namespace brook::examples::leave
