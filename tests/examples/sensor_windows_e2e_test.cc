// build/bin/sensor-windows as a user runs it, against a broker in the test process:
//  - `--generate` on its own embedded broker: every window closes once, equal to the direct
//    computation (the README's quick start (1));
//  - exactly_once_v2, the app SIGKILLed 20 times at random points while readings arrive: the
//    read_committed output holds exactly one result per closed window, each equal to the result
//    computed directly from the readings (ExpectedFinalResults, which does not use Brook).
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "examples/sensor_windows/reading_generator.h"
#include "examples/sensor_windows/sensor_reading.h"
#include "examples/sensor_windows/sensor_topology.h"
#include "framework/client/admin.h"
#include "framework/client/consumer.h"
#include "framework/client/producer.h"
#include "tests/integration/subprocess.h"

namespace brook::examples::sensors {
namespace {

using namespace std::chrono_literals;
using brook::testing::ChildProcess;
using brook::testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr int kPartitions = 4;

class SensorWindowsE2ETest : public brook::testing::BrokerSuite {
 protected:
  std::unique_ptr<ChildProcess> StartApp(const std::string& app_id, const std::string& input,
                                         const std::string& output, const std::string& log) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{BROOK_SENSOR_WINDOWS_PATH, "--bootstrap-server", bootstrap_,
                                 "--application-id", app_id, "--state-dir",
                                 scratch_.path() + "/state", "--input", input, "--output", output,
                                 "--config", "consumer.group.instance.id=" + app_id,
                                 "--config", "consumer.session.timeout.ms=6000",
                                 "--config", "commit.interval.ms=100"},
        scratch_.path() + "/" + log + ".log");
  }

  // Every window result on `topic` (read_committed) until `expected` arrived or `timeout`:
  // (sensor, window start) -> stats, counting duplicates.
  WindowResults ReadResults(const std::string& topic, size_t expected, Clock::duration timeout,
                            int* duplicates) {
    auto consumer = framework::client::Consumer::Create(
        {{"bootstrap.servers", bootstrap_},
         {"group.id", topic + "-reader-" + std::to_string(readers_++)},
         {"auto.offset.reset", "earliest"},
         {"isolation.level", "read_committed"}},
        nullptr);
    EXPECT_TRUE(consumer.ok());
    EXPECT_TRUE((*consumer)->Subscribe({topic}).ok());
    WindowResults results;
    // After the expected count arrived, read 3 s more: a duplicate would come then.
    const auto deadline = Clock::now() + timeout;
    std::optional<Clock::time_point> settled;
    while (Clock::now() < deadline && (!settled || Clock::now() < *settled)) {
      if (!settled && results.size() >= expected) settled = Clock::now() + 3s;
      auto records = (*consumer)->Poll(200ms, 1000);
      if (!records.ok()) continue;
      for (const auto& record : *records) {
        auto json = nlohmann::json::parse(record.value.value_or(""));
        const int64_t count = json["count"].get<int64_t>();
        const WindowStats stats{count, json["min"].get<double>(), json["max"].get<double>(),
                                json["avg"].get<double>() * static_cast<double>(count)};
        if (!results.emplace(std::make_pair(json["sensor"].get<std::string>(),
                                            json["window_start"].get<int64_t>()),
                             stats)
                 .second) {
          ++*duplicates;
        }
      }
    }
    (*consumer)->Close().IgnoreError();
    return results;
  }

  static void ExpectEqual(const WindowResults& got, const WindowResults& expected) {
    EXPECT_EQ(got.size(), expected.size());
    for (const auto& [key, stats] : expected) {
      auto it = got.find(key);
      if (it == got.end()) {
        ADD_FAILURE() << "no result for " << key.first << "@" << key.second;
        continue;
      }
      EXPECT_EQ(it->second.count, stats.count) << key.first << "@" << key.second;
      EXPECT_EQ(it->second.min, stats.min) << key.first << "@" << key.second;
      EXPECT_EQ(it->second.max, stats.max) << key.first << "@" << key.second;
      EXPECT_NEAR(it->second.sum / it->second.count, stats.avg(), 1e-9);
    }
    for (const auto& [key, stats] : got) {
      EXPECT_TRUE(expected.count(key)) << "a result for a window that never closed: " << key.first
                                       << "@" << key.second;
    }
  }

  TempDir scratch_;
  int readers_ = 0;
};

TEST_F(SensorWindowsE2ETest, GenerateOnTheEmbeddedBrokerClosesEveryWindowOnce) {
  ChildProcess app({BROOK_SENSOR_WINDOWS_PATH, "--generate", "3000", "--state-dir",
                    scratch_.path() + "/embedded"},
                   scratch_.path() + "/generate.log");
  ASSERT_TRUE(app.WaitFor(180s)) << app.Output();
  const int status = app.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << app.Output();
  EXPECT_NE(app.Output().find("each exactly once and equal to the direct computation"),
            std::string::npos)
      << app.Output();
  EXPECT_NE(app.Output().find("sensor-windows: stopped"), std::string::npos) << app.Output();
}

TEST_F(SensorWindowsE2ETest, ExactlyOnceWindowsSurviveTwentySigkills) {
  constexpr int kKills = 20;
  const std::string input = TopicName("-readings");
  const std::string output = TopicName("-stats");
  const std::string app_id = TopicName("-app");
  {
    auto admin = framework::client::Admin::Create({{"bootstrap.servers", bootstrap_}});
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE((*admin)
                    ->CreateTopics({{input, kPartitions}, {output, kPartitions}}, 10s)
                    .ok());
  }
  const auto readings = GenerateReadings(8000, 8, kPartitions, 2026);
  const WindowResults expected =
      ExpectedFinalResults(readings, kPartitions, kWindowSize.count(), kGrace.count());

  // The readings arrive over about 25 s while the app is killed and restarted.
  std::atomic<bool> produced{false};
  std::thread producer_thread([&] {
    auto producer = framework::client::Producer::Create(
        {{"bootstrap.servers", bootstrap_}, {"enable.idempotence", "true"}, {"linger.ms", "5"}});
    ASSERT_TRUE(producer.ok());
    size_t sent = 0;
    for (const auto& generated : readings) {
      const std::string value = ReadingJson(generated.reading);
      streams::detail::OutgoingRecord record;
      record.topic = input;
      record.partition = generated.partition;
      record.key = generated.reading.sensor;
      record.value = value;
      record.timestamp = generated.reading.ts;
      ASSERT_TRUE((*producer)->Send(record).ok());
      if (++sent % 100 == 0) std::this_thread::sleep_for(300ms);
    }
    ASSERT_TRUE((*producer)->Flush(60s).ok());
    EXPECT_TRUE((*producer)->TakeDeliveryErrors().empty());
    produced = true;
  });

  std::mt19937 random(20261126);
  std::uniform_int_distribution<int> delay_ms(300, 2500);
  std::string delays;
  for (int run = 0; run < kKills; ++run) {
    auto app = StartApp(app_id, input, output, "run-" + std::to_string(run));
    const int delay = delay_ms(random);
    delays += (delays.empty() ? "" : " ") + std::to_string(delay);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    ASSERT_TRUE(app->Running()) << "run " << run << " exited on its own:\n" << app->Output();
    app->Signal(SIGKILL);
    const int status = app->Wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << app->Output();
  }
  producer_thread.join();
  ASSERT_TRUE(produced);
  std::cout << kKills << " SIGKILLs after (ms): " << delays << "\n";

  auto last = StartApp(app_id, input, output, "last");
  int duplicates = 0;
  const WindowResults got = ReadResults(output, expected.size(), 120s, &duplicates);
  last->Signal(SIGTERM);
  ASSERT_TRUE(last->WaitFor(60s)) << last->Output();
  EXPECT_EQ(duplicates, 0) << "windows with more than one result";
  ExpectEqual(got, expected);
  std::cout << readings.size() << " readings, " << expected.size() << " windows closed, "
            << got.size() << " results read_committed\n";
}

}  // namespace
}  // namespace brook::examples::sensors
