// End-to-end tests of the streams runtime: a DSL application (streams_worker, a child process:
// stream -> filter(drop "skip...") -> mapValues(+ ":done") -> to) against the in-process broker,
// checked the way a user checks it, by reading the output topic and the group's offsets:
//  - at_least_once, instances of two threads on an 8-partition topic while input is produced:
//    a third joins and one leaves (SIGTERM), or one is SIGKILLed; every input has an output
//    (duplicates are counted and logged) and the offsets end at the input's end;
//  - exactly_once_v2, the same two scenarios: a read_committed reader sees exactly one output
//    per input;
//  - exactly_once_v2, one instance (static membership, same state directory) SIGKILLed 20 times
//    at random moments while input is produced: a read_committed reader sees exactly one output
//    per input, and the committed offsets are the input's end;
//  - a poison record: log_and_continue skips it, writes it to the dead-letter topic with its
//    error headers and goes on; log_and_fail takes the client to ERROR (the worker exits 1)
//    with the committed offset left on the poison record.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/admin_helpers.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"
#include "tests/integration/subprocess.h"

namespace brook::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The random seed of a test: `fixed`, or BROOK_TEST_SEED to explore other kill moments.
unsigned Seed(unsigned fixed) {
  const char* seed = std::getenv("BROOK_TEST_SEED");
  unsigned out = seed ? static_cast<unsigned>(std::stoul(seed)) : fixed;
  std::cout << "seed " << out << "\n";
  return out;
}

// Input record i: key "k<i>" in partition i % partitions; every tenth value is "skip<i>" (the
// app filters it out), the others "v<i>", whose output is "v<i>:done" with the same key.
std::string InputKey(int64_t i) { return "k" + std::to_string(i); }
bool Skipped(int64_t i) { return i % 10 == 3; }
std::string InputValue(int64_t i) { return (Skipped(i) ? "skip" : "v") + std::to_string(i); }
std::string OutputValue(int64_t i) { return "v" + std::to_string(i) + ":done"; }

// Int64Serde's bytes: 8 bytes big-endian.
std::string Int64Bytes(int64_t value) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return bytes;
}

// Produces input records 0, 1, 2, ... on its own thread, about `per_second` a second, until
// Stop(); then flushes. produced() counts the records queued so far.
class InputProducer {
 public:
  InputProducer(const std::string& bootstrap, std::string topic, int partitions, int per_second)
      : topic_(std::move(topic)), partitions_(partitions) {
    thread_ = std::thread([this, bootstrap, per_second] {
      Producer producer(bootstrap, {{"linger.ms", "5"}});
      constexpr int kBurst = 10;
      const auto pause = milliseconds(1000 * kBurst / per_second);
      while (!stop_) {
        for (int n = 0; n < kBurst; ++n) {
          const int64_t i = produced_;
          producer.Send(topic_, static_cast<int32_t>(i % partitions_), InputKey(i), InputValue(i));
          ++produced_;
        }
        std::this_thread::sleep_for(pause);
      }
      producer.Flush();
      failed_ = producer.failed();
      last_error_ = producer.last_error();
    });
  }
  ~InputProducer() { Stop(); }

  // Stops producing and waits until every record was delivered; the number produced.
  int64_t Stop() {
    if (!thread_.joinable()) return produced_;
    stop_ = true;
    thread_.join();
    EXPECT_EQ(failed_, 0) << "input records not delivered: " << last_error_;
    return produced_;
  }
  int64_t produced() const { return produced_; }

 private:
  std::string topic_;
  int partitions_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> produced_{0};
  int64_t failed_ = 0;
  std::string last_error_;
  std::thread thread_;
};

class StreamsE2ETest : public BrokerSuite {
 protected:
  struct WorkerFlags {
    std::string application_id;
    std::string state_dir;
    std::string guarantee = "at_least_once";
    int threads = 1;
    std::string instance_id;
    std::string values = "string";
    std::string deserialization_handler = "log_and_fail";
    std::string dead_letter_topic;
  };

  // Starts streams_worker on TopicName("-in") -> TopicName("-out"); its output goes to
  // <scratch>/<log_name>.log.
  std::unique_ptr<ChildProcess> StartWorker(const WorkerFlags& flags, const std::string& log_name) {
    const std::vector<std::pair<std::string, std::string>> options = {
        {"--bootstrap", bootstrap_},
        {"--application-id", flags.application_id},
        {"--state-dir", flags.state_dir},
        {"--input", TopicName("-in")},
        {"--output", TopicName("-out")},
        {"--guarantee", flags.guarantee},
        {"--threads", std::to_string(flags.threads)},
        {"--instance-id", flags.instance_id},
        {"--values", flags.values},
        {"--deserialization-handler", flags.deserialization_handler},
        {"--dead-letter-topic", flags.dead_letter_topic}};
    std::vector<std::string> args = {BROOK_STREAMS_WORKER_PATH};
    for (const auto& [flag, value] : options) {
      if (value.empty()) continue;
      args.push_back(flag);
      args.push_back(value);
    }
    return std::make_unique<ChildProcess>(args, scratch_.path() + "/" + log_name + ".log");
  }

  // SIGTERMs `worker` and expects a clean close (exit status 0).
  static void StopCleanly(ChildProcess& worker, const std::string& name) {
    worker.Signal(SIGTERM);
    ASSERT_TRUE(worker.WaitFor(seconds(90))) << name << " did not stop:\n" << worker.Output();
    const int status = worker.Wait();
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << name << " did not close cleanly (status " << status << "):\n"
        << worker.Output();
  }

  // Waits up to `timeout` for `done`; false when it did not happen.
  static bool WaitUntil(const std::function<bool()>& done, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return true;
  }

  void CreateTopics(const std::map<std::string, int>& topics) {
    Consumer admin(bootstrap_);
    for (const auto& [name, partitions] : topics) {
      ASSERT_EQ(CreateTopic(admin.handle(), name, partitions), RD_KAFKA_RESP_ERR_NO_ERROR) << name;
    }
  }

  // Every record of `topic` up to its end for `isolation` (read_committed: up to the last
  // stable offset, without aborted records).
  std::vector<ConsumedRecord> ReadToEnd(const std::string& topic, int partitions,
                                        const std::string& isolation) {
    Consumer consumer(bootstrap_,
                      {{"isolation.level", isolation}, {"enable.partition.eof", "true"}});
    consumer.Assign(topic, partitions);
    std::vector<ConsumedRecord> out;
    std::set<int32_t> at_end;
    const auto deadline = Clock::now() + seconds(60);
    while (static_cast<int>(at_end.size()) < partitions && Clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.handle(), 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        at_end.insert(m->partition);
      } else if (m->err) {
        ADD_FAILURE() << "consume error: " << rd_kafka_message_errstr(m);
      } else {
        at_end.erase(m->partition);
        ConsumedRecord r;
        r.partition = m->partition;
        r.offset = m->offset;
        if (m->key) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
        if (m->payload) r.value = std::string(static_cast<const char*>(m->payload), m->len);
        rd_kafka_headers_t* headers = nullptr;
        if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          const char* name;
          const void* value;
          size_t size;
          for (size_t h = 0; rd_kafka_header_get_all(headers, h, &name, &value, &size) ==
                             RD_KAFKA_RESP_ERR_NO_ERROR;
               ++h) {
            r.headers.emplace_back(name, std::string(static_cast<const char*>(value), size));
          }
        }
        out.push_back(std::move(r));
      }
      rd_kafka_message_destroy(m);
    }
    EXPECT_EQ(static_cast<int>(at_end.size()), partitions) << "did not reach the end of " << topic;
    return out;
  }

  // Reads `topic` (from the start, with `isolation`) until `count` distinct values arrived or
  // `timeout` passed; the values seen.
  std::set<std::string> WaitForValues(const std::string& topic, int partitions, size_t count,
                                      const std::string& isolation, milliseconds timeout) {
    Consumer consumer(bootstrap_, {{"isolation.level", isolation}});
    consumer.Assign(topic, partitions);
    std::set<std::string> values;
    const auto deadline = Clock::now() + timeout;
    while (values.size() < count && Clock::now() < deadline) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.handle(), 100);
      if (m == nullptr) continue;
      if (!m->err && m->payload) {
        values.emplace(static_cast<const char*>(m->payload), m->len);
      }
      rd_kafka_message_destroy(m);
    }
    return values;
  }

  // The end offset of each partition of `topic`.
  std::vector<int64_t> EndOffsets(const std::string& topic, int partitions) {
    Consumer consumer(bootstrap_);
    std::vector<int64_t> ends;
    for (int32_t p = 0; p < partitions; ++p) {
      int64_t low = 0, high = 0;
      EXPECT_EQ(
          rd_kafka_query_watermark_offsets(consumer.handle(), topic.c_str(), p, &low, &high, 10000),
          RD_KAFKA_RESP_ERR_NO_ERROR);
      ends.push_back(high);
    }
    return ends;
  }

  // The offsets `group` committed for each partition of `topic` (-1001: none).
  std::vector<int64_t> CommittedOffsets(const std::string& group, const std::string& topic,
                                        int partitions) {
    Consumer consumer(bootstrap_, {{"group.id", group}});
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int32_t p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
    }
    EXPECT_EQ(rd_kafka_committed(consumer.handle(), list, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
    std::vector<int64_t> offsets(partitions, -1);
    for (int i = 0; i < list->cnt; ++i) {
      EXPECT_EQ(list->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR);
      offsets[list->elems[i].partition] = list->elems[i].offset;
    }
    rd_kafka_topic_partition_list_destroy(list);
    return offsets;
  }

  // What the output topic holds for inputs 0..inputs-1.
  struct Tally {
    int64_t outputs = 0;            // records
    int64_t lost = 0;               // inputs that pass the filter but have no output
    int64_t duplicated_inputs = 0;  // inputs with more than one output
    int64_t extra_outputs = 0;      // outputs beyond the first of an input
  };
  // Fails the test for an output that is not some input's transform (a skipped input's, a
  // wrong key or value).
  static Tally Count(const std::vector<ConsumedRecord>& output, int64_t inputs) {
    std::map<int64_t, int> copies;
    for (const auto& r : output) {
      if (!r.key || !r.value || r.key->size() < 2) {
        ADD_FAILURE() << "unexpected output record";
        continue;
      }
      const int64_t i = std::stoll(r.key->substr(1));
      EXPECT_TRUE(i >= 0 && i < inputs && !Skipped(i)) << "output for input " << i;
      EXPECT_EQ(*r.value, OutputValue(i));
      ++copies[i];
    }
    Tally tally;
    tally.outputs = static_cast<int64_t>(output.size());
    for (int64_t i = 0; i < inputs; ++i) {
      if (Skipped(i)) continue;
      auto it = copies.find(i);
      if (it == copies.end()) {
        ++tally.lost;
      } else if (it->second > 1) {
        ++tally.duplicated_inputs;
        tally.extra_outputs += it->second - 1;
      }
    }
    return tally;
  }

  void RunJoinAndLeave(const std::string& guarantee, const std::string& isolation, Tally* tally);
  void RunKill(const std::string& guarantee, const std::string& isolation, Tally* tally);

  static size_t ExpectedOutputs(int64_t inputs) {
    size_t n = 0;
    for (int64_t i = 0; i < inputs; ++i) n += !Skipped(i);
    return n;
  }

  TempDir scratch_;
};

// ---------------------------------------------------------------------------------------------
// at_least_once: instances join and leave while input flows.

// Instances a and b (two threads each) run the app; input flows at about 1,000 records a
// second; instance c joins mid-stream, later a leaves (SIGTERM: commit, close the tasks, leave
// the group); then b and c close. Reads the output with `isolation`, expects every input to have
// an output and the committed offsets to be the input's end, and sets `tally`.
void StreamsE2ETest::RunJoinAndLeave(const std::string& guarantee, const std::string& isolation,
                                     Tally* tally) {
  constexpr int kPartitions = 8;
  const std::string input = TopicName("-in");
  const std::string output = TopicName("-out");
  const std::string app = TopicName("-app");
  CreateTopics({{input, kPartitions}, {output, kPartitions}});
  auto flags = [&](const std::string& name) {
    WorkerFlags f;
    f.application_id = app;
    f.state_dir = scratch_.path() + "/" + name;
    f.guarantee = guarantee;
    f.threads = 2;
    return f;
  };
  auto running = [](ChildProcess& worker) {
    return worker.Output().find("state REBALANCING -> RUNNING") != std::string::npos;
  };

  auto a = StartWorker(flags("a"), "a");
  auto b = StartWorker(flags("b"), "b");
  InputProducer producer(bootstrap_, input, kPartitions, 1000);
  ASSERT_TRUE(WaitUntil([&] { return producer.produced() >= 3000; }, seconds(60)));

  // A third instance joins mid-stream: the group rebalances the eight tasks over six threads.
  auto c = StartWorker(flags("c"), "c");
  ASSERT_TRUE(WaitUntil([&] { return running(*c); }, seconds(60))) << c->Output();
  const int64_t joined_at = producer.produced();
  ASSERT_TRUE(WaitUntil([&] { return producer.produced() >= joined_at + 3000; }, seconds(60)));

  // The first one leaves cleanly.
  const int64_t leaving_at = producer.produced();
  ASSERT_NO_FATAL_FAILURE(StopCleanly(*a, "instance a"));
  const int64_t left_at = producer.produced();
  ASSERT_TRUE(WaitUntil([&] { return producer.produced() >= left_at + 3000; }, seconds(60)));
  const int64_t inputs = producer.Stop();
  std::cout << inputs << " input records; instance c joined after " << joined_at
            << ", instance a left between " << leaving_at << " and " << left_at << "\n";

  const size_t expected = ExpectedOutputs(inputs);
  EXPECT_EQ(WaitForValues(output, kPartitions, expected, isolation, seconds(90)).size(), expected);
  ASSERT_NO_FATAL_FAILURE(StopCleanly(*b, "instance b"));
  ASSERT_NO_FATAL_FAILURE(StopCleanly(*c, "instance c"));

  *tally = Count(ReadToEnd(output, kPartitions, isolation), inputs);
  EXPECT_EQ(tally->lost, 0) << "inputs without an output";
  std::cout << guarantee << ", clean join and leave: " << expected << " outputs expected; "
            << tally->duplicated_inputs << " inputs were processed more than once ("
            << tally->extra_outputs << " duplicate outputs)\n";
  // After the last clean close, the application's offsets are the input's end.
  EXPECT_EQ(CommittedOffsets(app, input, kPartitions), EndOffsets(input, kPartitions));
}

TEST_F(StreamsE2ETest, AtLeastOnceLosesNothingWhileInstancesJoinAndLeave) {
  // Duplicates are allowed (and logged).
  Tally tally;
  RunJoinAndLeave("at_least_once", "read_uncommitted", &tally);
}

TEST_F(StreamsE2ETest, ExactlyOnceOutputIsExactWhileInstancesJoinAndLeave) {
  Tally tally;
  ASSERT_NO_FATAL_FAILURE(RunJoinAndLeave("exactly_once_v2", "read_committed", &tally));
  EXPECT_EQ(tally.duplicated_inputs, 0) << "inputs with more than one output";
}

// Instances a and b (two threads each, no static membership) run the app while input flows;
// a is SIGKILLed (no commit, no LeaveGroup): its partitions wait for its session timeout (6 s),
// then go to b, which starts them again from a's last committed offsets (under exactly_once_v2,
// once a's open transaction has been aborted by its timeout: its pending offsets hold b's offset
// fetch). Then b closes. Reads the output with `isolation`, expects every input to have an
// output and the committed offsets to be the input's end, and sets `tally`.
void StreamsE2ETest::RunKill(const std::string& guarantee, const std::string& isolation,
                             Tally* tally) {
  constexpr int kPartitions = 8;
  const std::string input = TopicName("-in");
  const std::string output = TopicName("-out");
  const std::string app = TopicName("-app");
  CreateTopics({{input, kPartitions}, {output, kPartitions}});
  auto flags = [&](const std::string& name) {
    WorkerFlags f;
    f.application_id = app;
    f.state_dir = scratch_.path() + "/" + name;
    f.guarantee = guarantee;
    f.threads = 2;
    return f;
  };

  auto a = StartWorker(flags("a"), "a");
  auto b = StartWorker(flags("b"), "b");
  InputProducer producer(bootstrap_, input, kPartitions, 1000);
  ASSERT_TRUE(WaitUntil([&] { return producer.produced() >= 3000; }, seconds(60)));
  const int64_t killed_at = producer.produced();
  a->Signal(SIGKILL);
  a->Wait();
  ASSERT_TRUE(WaitUntil([&] { return producer.produced() >= killed_at + 8000; }, seconds(60)));
  const int64_t inputs = producer.Stop();
  std::cout << inputs << " input records; instance a killed after " << killed_at << "\n";

  const size_t expected = ExpectedOutputs(inputs);
  EXPECT_EQ(WaitForValues(output, kPartitions, expected, isolation, seconds(90)).size(), expected)
      << b->Output();
  ASSERT_NO_FATAL_FAILURE(StopCleanly(*b, "instance b"));

  *tally = Count(ReadToEnd(output, kPartitions, isolation), inputs);
  EXPECT_EQ(tally->lost, 0) << "inputs without an output";
  std::cout << guarantee << ", an instance SIGKILLed: " << expected << " outputs expected; "
            << tally->duplicated_inputs << " inputs were processed more than once ("
            << tally->extra_outputs << " duplicate outputs)\n";
  EXPECT_EQ(CommittedOffsets(app, input, kPartitions), EndOffsets(input, kPartitions));
}

TEST_F(StreamsE2ETest, AtLeastOnceLosesNothingWhenAnInstanceIsKilled) {
  // Duplicates are expected here (what a had processed since its last commit) and logged.
  Tally tally;
  RunKill("at_least_once", "read_uncommitted", &tally);
}

TEST_F(StreamsE2ETest, ExactlyOnceOutputIsExactWhenAnInstanceIsKilled) {
  Tally tally;
  ASSERT_NO_FATAL_FAILURE(RunKill("exactly_once_v2", "read_committed", &tally));
  EXPECT_EQ(tally.duplicated_inputs, 0) << "inputs with more than one output";
}

// ---------------------------------------------------------------------------------------------
// exactly_once_v2: one instance SIGKILLed over and over.

TEST_F(StreamsE2ETest, ExactlyOnceOutputHoldsEveryInputOnceAfterTwentySigkills) {
  constexpr int kPartitions = 8;
  constexpr int kKills = 20;
  const std::string input = TopicName("-in");
  const std::string output = TopicName("-out");
  const std::string app = TopicName("-app");
  CreateTopics({{input, kPartitions}, {output, kPartitions}});
  // The same state directory every time: the restart reuses the process id, hence the
  // transactional ids, and fences the killed incarnation's transactions at once; the static
  // member id takes the killed one's place in the group without waiting for its session timeout.
  WorkerFlags flags;
  flags.application_id = app;
  flags.state_dir = scratch_.path() + "/state";
  flags.guarantee = "exactly_once_v2";
  flags.threads = 2;
  flags.instance_id = "eos-worker";

  std::mt19937 random(Seed(6));
  std::uniform_int_distribution<int> delay_ms(300, 2500);
  InputProducer producer(bootstrap_, input, kPartitions, 200);
  const auto started = Clock::now();
  std::string delays;
  for (int run = 0; run < kKills; ++run) {
    auto worker = StartWorker(flags, "worker-" + std::to_string(run));
    const int delay = delay_ms(random);
    delays += (delays.empty() ? "" : " ") + std::to_string(delay);
    std::this_thread::sleep_for(milliseconds(delay));
    ASSERT_TRUE(worker->Running()) << "run " << run << " exited on its own:\n" << worker->Output();
    worker->Signal(SIGKILL);
    const int status = worker->Wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << worker->Output();
  }
  const int64_t inputs = producer.Stop();
  std::cout << kKills << " SIGKILLs after (ms): " << delays << "; the killed incarnations had "
            << ReadToEnd(output, kPartitions, "read_committed").size() << " outputs committed\n";

  // The last incarnation runs until the output is complete, then closes cleanly.
  auto last = StartWorker(flags, "worker-last");
  const size_t expected = ExpectedOutputs(inputs);
  EXPECT_EQ(WaitForValues(output, kPartitions, expected, "read_committed", seconds(90)).size(),
            expected)
      << last->Output();
  ASSERT_NO_FATAL_FAILURE(StopCleanly(*last, "the last worker"));
  std::cout << inputs << " inputs, " << kKills << " SIGKILLs, done in "
            << std::chrono::duration_cast<seconds>(Clock::now() - started).count() << " s\n";

  // Exactly one output per input, in what a read_committed reader sees.
  auto committed = ReadToEnd(output, kPartitions, "read_committed");
  Tally tally = Count(committed, inputs);
  EXPECT_EQ(tally.lost, 0) << "inputs without an output";
  EXPECT_EQ(tally.duplicated_inputs, 0) << "inputs with more than one output";
  EXPECT_EQ(committed.size(), expected);
  std::cout << "output: " << committed.size() << " records read_committed, "
            << ReadToEnd(output, kPartitions, "read_uncommitted").size()
            << " read_uncommitted (aborted writes included)\n";

  // The application's committed offsets are the input's end.
  EXPECT_EQ(CommittedOffsets(app, input, kPartitions), EndOffsets(input, kPartitions));
}

// ---------------------------------------------------------------------------------------------
// Poison records: values the Int64 serde cannot read.

TEST_F(StreamsE2ETest, PoisonRecordGoesToTheDeadLetterTopicAndTheAppKeepsRunning) {
  const std::string input = TopicName("-in");
  const std::string output = TopicName("-out");
  const std::string dead_letters = TopicName("-dlq");
  const std::string app = TopicName("-app");
  CreateTopics({{input, 1}, {output, 1}, {dead_letters, 1}});
  WorkerFlags flags;
  flags.application_id = app;
  flags.state_dir = scratch_.path() + "/state";
  flags.values = "int64";
  flags.deserialization_handler = "log_and_continue";
  flags.dead_letter_topic = dead_letters;
  auto worker = StartWorker(flags, "worker");
  {
    Producer producer(bootstrap_);
    producer.Send(input, 0, "a", Int64Bytes(1));
    producer.Send(input, 0, "b", "poison", 0, {{"origin", "test"}});  // offset 1
    producer.Send(input, 0, "c", Int64Bytes(2));
    producer.Flush();
  }
  EXPECT_EQ(WaitForValues(output, 1, 2, "read_uncommitted", seconds(60)),
            (std::set<std::string>{"1:done", "2:done"}))
      << worker->Output();
  EXPECT_EQ(WaitForValues(dead_letters, 1, 1, "read_uncommitted", seconds(30)).size(), 1u);

  // Still running: a later record is processed too.
  ASSERT_TRUE(worker->Running()) << worker->Output();
  {
    Producer producer(bootstrap_);
    producer.Send(input, 0, "d", Int64Bytes(3));
    producer.Flush();
  }
  EXPECT_EQ(WaitForValues(output, 1, 3, "read_uncommitted", seconds(60)),
            (std::set<std::string>{"1:done", "2:done", "3:done"}))
      << worker->Output();
  ASSERT_NO_FATAL_FAILURE(StopCleanly(*worker, "the worker"));

  auto out = ReadToEnd(output, 1, "read_uncommitted");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].key, "a");
  EXPECT_EQ(out[1].key, "c");
  EXPECT_EQ(out[2].key, "d");

  // The dead-letter topic holds the raw record, its own headers, and the error's.
  auto dead = ReadToEnd(dead_letters, 1, "read_uncommitted");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key, "b");
  EXPECT_EQ(dead[0].value, "poison");
  std::map<std::string, std::string> headers(dead[0].headers.begin(), dead[0].headers.end());
  EXPECT_EQ(headers["origin"], "test");
  EXPECT_NE(headers["__streams.errors.exception"], "");
  EXPECT_NE(headers["__streams.errors.message"], "");
  EXPECT_EQ(headers["__streams.errors.topic"], input);
  EXPECT_EQ(headers["__streams.errors.partition"], "0");
  EXPECT_EQ(headers["__streams.errors.offset"], "1");
  std::cout << "dead letter: " << headers["__streams.errors.exception"] << ": "
            << headers["__streams.errors.message"] << "\n";

  // The poison record counts as consumed: the offsets are at the input's end.
  EXPECT_EQ(CommittedOffsets(app, input, 1), EndOffsets(input, 1));
}

TEST_F(StreamsE2ETest, PoisonRecordWithLogAndFailStopsTheAppOnThatRecord) {
  const std::string input = TopicName("-in");
  const std::string output = TopicName("-out");
  const std::string app = TopicName("-app");
  CreateTopics({{input, 1}, {output, 1}});
  // exactly_once_v2, so that what the app committed is exactly what a read_committed reader
  // sees: the output of "a" and the offset after it, nothing of the transaction that failed.
  WorkerFlags flags;
  flags.application_id = app;
  flags.state_dir = scratch_.path() + "/state";
  flags.guarantee = "exactly_once_v2";
  flags.values = "int64";
  auto worker = StartWorker(flags, "worker");
  {
    Producer producer(bootstrap_);
    producer.Send(input, 0, "a", Int64Bytes(1));
    producer.Flush();
  }
  ASSERT_EQ(WaitForValues(output, 1, 1, "read_committed", seconds(60)),
            (std::set<std::string>{"1:done"}))
      << worker->Output();
  {
    Producer producer(bootstrap_);
    producer.Send(input, 0, "b", "poison");  // offset 1
    producer.Send(input, 0, "c", Int64Bytes(2));
    producer.Flush();
  }
  // The client goes to ERROR and the worker exits 1 on its own.
  ASSERT_TRUE(worker->WaitFor(seconds(60))) << "still running:\n" << worker->Output();
  const int status = worker->Wait();
  const std::string log = worker->Output();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << "status " << status << ":\n" << log;
  EXPECT_NE(log.find("-> ERROR"), std::string::npos) << log;
  EXPECT_NE(log.find(input + "-0@1"), std::string::npos) << "the error names the record:\n" << log;

  auto out = ReadToEnd(output, 1, "read_committed");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, "1:done");
  // The offset stays on the poison record: a restart meets it again.
  EXPECT_EQ(CommittedOffsets(app, input, 1), std::vector<int64_t>{1});

  // Restarted with log_and_continue, the app skips it and goes on.
  flags.deserialization_handler = "log_and_continue";
  auto restarted = StartWorker(flags, "restarted");
  EXPECT_EQ(WaitForValues(output, 1, 2, "read_committed", seconds(60)),
            (std::set<std::string>{"1:done", "2:done"}))
      << restarted->Output();
  ASSERT_NO_FATAL_FAILURE(StopCleanly(*restarted, "the restarted worker"));
  EXPECT_EQ(CommittedOffsets(app, input, 1), EndOffsets(input, 1));
}

}  // namespace
}  // namespace brook::testing
