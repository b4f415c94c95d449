// KafkaStreams against the in-process broker: the runtime end to end with the Processor API
// (the DSL has its own end-to-end tests in tests/operators and tests/integration).
#include "framework/api/kafka_streams.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "tests/framework/client/client_test_util.h"

namespace brook::streams {
namespace {

using framework::client::ClientTest;
using framework::client::Consumer;
using framework::client::Properties;
using namespace std::chrono_literals;

class Upper : public ContextualProcessor<std::string, std::string, std::string, std::string> {
 public:
  void process(const Record<std::string, std::string>& record) override {
    std::string value = record.value();
    for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    context().forward(record.withValue(std::move(value)));
  }
};

Topology UpperTopology(const std::string& in, const std::string& out) {
  Topology topology;
  topology.addSource<std::string, std::string>("src", {in}, Serdes::String(), Serdes::String());
  topology.addProcessor<std::string, std::string, std::string, std::string>(
      "upper", [] { return std::make_unique<Upper>(); }, {"src"});
  topology.addSink<std::string, std::string>("sink", out, Serdes::String(), Serdes::String(),
                                             {"upper"});
  return topology;
}

class KafkaStreamsTest : public ClientTest {
 protected:
  void SetUp() override {
    state_dir_ = std::filesystem::temp_directory_path() /
                 ("brook-ks-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(state_dir_);
  }
  void TearDown() override { std::filesystem::remove_all(state_dir_); }

  StreamsConfig Config(const std::string& app, const std::string& guarantee, int threads = 1,
                       const std::string& state_suffix = "") {
    StreamsConfig config;
    config.set("application.id", app)
        .set("bootstrap.servers", bootstrap_)
        .set("num.stream.threads", std::to_string(threads))
        .set("processing.guarantee", guarantee)
        .set("state.dir", (state_dir_ / ("s" + state_suffix)).string())
        .set("commit.interval.ms", "100")
        .set("consumer.session.timeout.ms", "6000")
        .set("consumer.heartbeat.interval.ms", "200")
        .set("consumer.topic.metadata.refresh.interval.ms", "500")
        .set("producer.linger.ms", "1");
    return config;
  }

  static void SendKeyed(const std::string& topic, int count, const std::string& prefix = "v") {
    auto producer = MakeProducer();
    ASSERT_NE(producer, nullptr);
    for (int i = 0; i < count; ++i) {
      std::string key = "k" + std::to_string(i);
      std::string value = prefix + std::to_string(i);
      ASSERT_TRUE(producer->Send(Record(topic, -1, key, value)).ok());
    }
    ASSERT_TRUE(producer->Flush(10s).ok());
  }

  // Reads `topic` from the start (read_committed) until `count` records or the timeout.
  static std::vector<std::pair<std::string, std::string>> ReadAll(const std::string& topic,
                                                                  size_t count,
                                                                  std::chrono::milliseconds timeout = 30s) {
    auto consumer = MakeConsumer("reader-" + topic + "-" + std::to_string(counter_++), nullptr,
                                 Properties{{"isolation.level", "read_committed"}});
    EXPECT_TRUE(consumer->Subscribe({topic}).ok());
    std::vector<std::pair<std::string, std::string>> result;
    for (auto& record : PollRecords(*consumer, count, timeout)) {
      result.emplace_back(std::string(record.key.value_or("")), std::string(record.value.value_or("")));
    }
    return result;
  }

  static bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }

  std::filesystem::path state_dir_;
  static inline int counter_ = 0;
};

TEST_F(KafkaStreamsTest, AtLeastOnceProcessesEveryRecordAndReachesRunning) {
  CreateTopic("ks-alos-in", 4);
  CreateTopic("ks-alos-out", 4);
  SendKeyed("ks-alos-in", 200);
  KafkaStreams streams(UpperTopology("ks-alos-in", "ks-alos-out"),
                       Config("ks-alos", "at_least_once", 2));
  std::mutex mutex;
  std::vector<std::string> transitions;
  streams.setStateListener([&](KafkaStreams::State now, KafkaStreams::State before) {
    std::lock_guard lock(mutex);
    transitions.push_back(std::string(KafkaStreams::stateName(before)) + "->" +
                          std::string(KafkaStreams::stateName(now)));
  });
  streams.start();
  auto output = ReadAll("ks-alos-out", 200);
  ASSERT_EQ(output.size(), 200u);
  std::set<std::string> values;
  for (const auto& [key, value] : output) {
    EXPECT_EQ("V" + key.substr(1), value);
    values.insert(value);
  }
  EXPECT_EQ(values.size(), 200u);
  ASSERT_TRUE(WaitFor([&] { return streams.state() == KafkaStreams::State::kRunning; }));
  // Two threads share the four tasks 0_0..0_3.
  std::set<std::string> tasks;
  auto threads = streams.metadataForLocalThreads();
  EXPECT_EQ(threads.size(), 2u);
  for (const auto& thread : threads) {
    for (const auto& task : thread.activeTasks) tasks.insert(task.taskId.toString());
  }
  EXPECT_EQ(tasks, (std::set<std::string>{"0_0", "0_1", "0_2", "0_3"}));
  EXPECT_TRUE(streams.close(30s));
  EXPECT_EQ(streams.state(), KafkaStreams::State::kNotRunning);
  std::lock_guard lock(mutex);
  ASSERT_GE(transitions.size(), 3u);
  EXPECT_EQ(transitions.front(), "CREATED->REBALANCING");
  EXPECT_NE(std::find(transitions.begin(), transitions.end(), "REBALANCING->RUNNING"),
            transitions.end());
  EXPECT_EQ(transitions.back(), "PENDING_SHUTDOWN->NOT_RUNNING");
}

TEST_F(KafkaStreamsTest, ExactlyOnceOutputIsCommittedOnceAndOffsetsMoveWithIt) {
  CreateTopic("ks-eos-in", 2);
  CreateTopic("ks-eos-out", 2);
  SendKeyed("ks-eos-in", 300);
  {
    KafkaStreams streams(UpperTopology("ks-eos-in", "ks-eos-out"),
                         Config("ks-eos", "exactly_once_v2"));
    streams.start();
    ASSERT_EQ(ReadAll("ks-eos-out", 300).size(), 300u);
    EXPECT_TRUE(streams.close(30s));
  }
  // A restart resumes from the committed offsets: new input only.
  SendKeyed("ks-eos-in", 50, "w");
  KafkaStreams again(UpperTopology("ks-eos-in", "ks-eos-out"), Config("ks-eos", "exactly_once_v2"));
  again.start();
  auto output = ReadAll("ks-eos-out", 351, 10s);
  EXPECT_EQ(output.size(), 350u);
  std::map<std::string, int> seen;
  for (const auto& [key, value] : output) ++seen[value];
  for (const auto& [value, count] : seen) EXPECT_EQ(count, 1) << value;
  EXPECT_TRUE(again.close(30s));
}

TEST_F(KafkaStreamsTest, MissingSourceTopicFailsStartWithItsName) {
  KafkaStreams streams(UpperTopology("ks-no-such-topic", "ks-out-x"),
                       Config("ks-missing", "at_least_once"));
  try {
    streams.start();
    FAIL() << "start() should throw";
  } catch (const StreamsException& e) {
    EXPECT_NE(std::string(e.what()).find("ks-no-such-topic"), std::string::npos) << e.what();
  }
}

TEST_F(KafkaStreamsTest, SecondInstanceOnTheSameStateDirectoryIsRefused) {
  CreateTopic("ks-lock-in", 1);
  KafkaStreams first(UpperTopology("ks-lock-in", "ks-lock-out"), Config("ks-lock", "at_least_once"));
  try {
    KafkaStreams second(UpperTopology("ks-lock-in", "ks-lock-out"),
                        Config("ks-lock", "at_least_once"));
    FAIL() << "the second instance should be refused";
  } catch (const StreamsException& e) {
    EXPECT_NE(std::string(e.what()).find("locked by another running instance"), std::string::npos)
        << e.what();
  }
}

TEST_F(KafkaStreamsTest, ClientPropertyLibrdkafkaRejectsFailsConstruction) {
  auto config = Config("ks-badprop", "at_least_once");
  config.set("producer.linger.ms", "not-a-number");
  try {
    KafkaStreams streams(UpperTopology("in", "out"), config);
    FAIL() << "construction should throw";
  } catch (const ConfigException& e) {
    EXPECT_NE(std::string(e.what()).find("producer."), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("linger.ms"), std::string::npos) << e.what();
  }
  config = Config("ks-badprop", "at_least_once");
  config.set("consumer.no.such.property", "1");
  EXPECT_THROW(KafkaStreams(UpperTopology("in", "out"), config), ConfigException);
}

TEST_F(KafkaStreamsTest, StartTwiceIsAnError) {
  CreateTopic("ks-twice-in", 1);
  KafkaStreams streams(UpperTopology("ks-twice-in", "ks-twice-out"),
                       Config("ks-twice", "at_least_once"));
  streams.start();
  EXPECT_THROW(streams.start(), StreamsException);
  EXPECT_TRUE(streams.close(30s));
}

TEST_F(KafkaStreamsTest, PoisonRecordWithLogAndContinueDoesNotStopTheApp) {
  CreateTopic("ks-poison-in", 1);
  CreateTopic("ks-poison-out", 1);
  Topology topology;
  topology.addSource<std::string, int64_t>("src", {"ks-poison-in"}, Serdes::String(),
                                           Serdes::Int64());
  topology.addSink<std::string, int64_t>("sink", "ks-poison-out", Serdes::String(),
                                         Serdes::Int64(), {"src"});
  auto config = Config("ks-poison", "exactly_once_v2");
  config.set("deserialization.exception.handler", "log_and_continue");
  config.set("errors.dead.letter.queue.topic.name", "ks-poison-dlq");
  KafkaStreams streams(topology, config);
  streams.start();
  auto producer = MakeProducer();
  std::string eight(8, '\0');
  eight[7] = 7;
  ASSERT_TRUE(producer->Send(Record("ks-poison-in", 0, "a", eight)).ok());
  ASSERT_TRUE(producer->Send(Record("ks-poison-in", 0, "b", "poison")).ok());
  ASSERT_TRUE(producer->Send(Record("ks-poison-in", 0, "c", eight)).ok());
  ASSERT_TRUE(producer->Flush(10s).ok());
  auto output = ReadAll("ks-poison-out", 2);
  ASSERT_EQ(output.size(), 2u);
  EXPECT_EQ(output[0].first, "a");
  EXPECT_EQ(output[1].first, "c");
  auto dead = ReadAll("ks-poison-dlq", 1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0], (std::pair<std::string, std::string>{"b", "poison"}));
  EXPECT_NE(streams.state(), KafkaStreams::State::kError);
  // The skipped record is in the task's dropped-records-total.
  std::vector<Metric> metrics = streams.metrics();
  ASSERT_EQ(metrics.size(), 1u);  // one task, one task-level metric so far
  EXPECT_EQ(metrics[0].name.name, "dropped-records-total");
  EXPECT_EQ(metrics[0].name.group, "stream-task-metrics");
  EXPECT_EQ(metrics[0].name.tags.at("task-id"), "0_0");
  EXPECT_NE(metrics[0].name.tags.at("thread-id").find("StreamThread-1"), std::string::npos);
  EXPECT_EQ(metrics[0].value, 1);
  EXPECT_TRUE(streams.close(30s));
}

TEST_F(KafkaStreamsTest, PoisonRecordWithLogAndFailShutsTheClientDownInError) {
  CreateTopic("ks-fail-in", 1);
  Topology topology;
  topology.addSource<std::string, int64_t>("src", {"ks-fail-in"}, Serdes::String(),
                                           Serdes::Int64());
  topology.addSink<std::string, int64_t>("sink", "ks-fail-out", Serdes::String(),
                                         Serdes::Int64(), {"src"});
  KafkaStreams streams(topology, Config("ks-fail", "at_least_once"));
  std::atomic<int> handled{0};
  streams.setUncaughtExceptionHandler([&](const std::exception&) {
    ++handled;
    return StreamThreadExceptionResponse::kShutdownClient;
  });
  streams.start();
  auto producer = MakeProducer();
  ASSERT_TRUE(producer->Send(Record("ks-fail-in", 0, "b", "poison")).ok());
  ASSERT_TRUE(producer->Flush(10s).ok());
  ASSERT_TRUE(WaitFor([&] { return streams.state() == KafkaStreams::State::kError; }));
  EXPECT_EQ(handled.load(), 1);
  EXPECT_TRUE(streams.close(30s));
  EXPECT_EQ(streams.state(), KafkaStreams::State::kError);
}

TEST_F(KafkaStreamsTest, ReplaceThreadStartsANewThreadAfterADeath) {
  CreateTopic("ks-replace-in", 1);
  CreateTopic("ks-replace-out", 1);
  // Fails on the first "boom" only: the replacement thread processes it again and goes on.
  auto failed_once = std::make_shared<std::atomic<bool>>(false);
  class FailOnce : public ContextualProcessor<std::string, std::string, std::string, std::string> {
   public:
    explicit FailOnce(std::shared_ptr<std::atomic<bool>> failed) : failed_(std::move(failed)) {}
    void process(const streams::Record<std::string, std::string>& record) override {
      if (record.value() == "boom" && !failed_->exchange(true)) throw std::runtime_error("boom");
      context().forward(record);
    }

   private:
    std::shared_ptr<std::atomic<bool>> failed_;
  };
  Topology topology;
  topology.addSource<std::string, std::string>("src", {"ks-replace-in"}, Serdes::String(),
                                               Serdes::String());
  topology.addProcessor<std::string, std::string, std::string, std::string>(
      "p", [failed_once] { return std::make_unique<FailOnce>(failed_once); }, {"src"});
  topology.addSink<std::string, std::string>("sink", "ks-replace-out", Serdes::String(),
                                             Serdes::String(), {"p"});
  KafkaStreams streams(topology, Config("ks-replace", "exactly_once_v2"));
  streams.setUncaughtExceptionHandler(
      [](const std::exception&) { return StreamThreadExceptionResponse::kReplaceThread; });
  streams.start();
  auto producer = MakeProducer();
  for (const char* value : {"one", "boom", "three"}) {
    ASSERT_TRUE(producer->Send(Record("ks-replace-in", 0, "k", value)).ok());
  }
  ASSERT_TRUE(producer->Flush(10s).ok());
  auto output = ReadAll("ks-replace-out", 3, 60s);
  std::vector<std::string> values;
  for (const auto& [key, value] : output) values.push_back(value);
  EXPECT_EQ(values, (std::vector<std::string>{"one", "boom", "three"}));
  auto threads = streams.metadataForLocalThreads();
  ASSERT_EQ(threads.size(), 1u);
  EXPECT_NE(threads[0].threadName.find("StreamThread-2"), std::string::npos);
  EXPECT_TRUE(streams.close(30s));
}

TEST_F(KafkaStreamsTest, EmbeddedBrokerStartsWhenNoBootstrapIsGiven) {
  StreamsConfig config;
  config.set("application.id", "ks-embedded")
      .set("state.dir", state_dir_.string())
      .set("commit.interval.ms", "100");
  KafkaStreams streams(UpperTopology("emb-in", "emb-out"), config);
  streams.start();
  const std::string bootstrap = streams.bootstrapServers();
  ASSERT_FALSE(bootstrap.empty());
  EXPECT_TRUE(std::filesystem::exists(state_dir_ / "broker"));
  auto producer = framework::client::Producer::Create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer.ok());
  ASSERT_TRUE((*producer)->Send(Record("emb-in", -1, "k", "hello")).ok());
  ASSERT_TRUE((*producer)->Flush(10s).ok());
  auto consumer = Consumer::Create({{"bootstrap.servers", bootstrap}, {"group.id", "emb-reader"}},
                                   nullptr);
  ASSERT_TRUE(consumer.ok());
  ASSERT_TRUE((*consumer)->Subscribe({"emb-out"}).ok());
  auto records = PollRecords(**consumer, 1, 30s);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].value, "HELLO");
  records.clear();
  (*consumer)->Close().IgnoreError();
  EXPECT_TRUE(streams.close(30s));
}

}  // namespace
}  // namespace brook::streams
