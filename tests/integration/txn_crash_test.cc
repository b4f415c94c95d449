// Crash tests of exactly-once transactions with librdkafka:
//  - a consume-transform-produce worker (txn_ctp_worker, a child process) SIGKILLed at random
//    moments and restarted 20 times: the output read with read_committed holds every input record
//    exactly once, and the group's committed offsets end where the input ends;
//  - brook-broker itself (a child process) SIGKILLed while a transactional producer commits in a
//    loop: after a restart on the same port and data, every transaction is visible in every
//    partition or in none, every commit the producer saw succeed is visible, and a new producer
//    with the same transactional.id initialises and commits;
//  - a second producer with the same transactional.id fences the first.
#include <arpa/inet.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
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

constexpr int kPartitions = 4;

// The random seed of a test: `fixed`, or BROOK_TEST_SEED to explore other kill moments.
unsigned Seed(unsigned fixed) {
  const char* seed = std::getenv("BROOK_TEST_SEED");
  unsigned out = seed ? static_cast<unsigned>(std::stoul(seed)) : fixed;
  std::cout << "seed " << out << "\n";
  return out;
}

struct ErrorDeleter {
  void operator()(rd_kafka_error_t* error) const { rd_kafka_error_destroy(error); }
};
using Error = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;

std::string Describe(const Error& error) {
  if (!error) return "no error";
  return std::string(rd_kafka_error_name(error.get())) + ": " + rd_kafka_error_string(error.get());
}

// A transactional producer over librdkafka's C API. Unlike Producer it does not flush when it is
// destroyed, so it may outlive its broker; every call returns the error rather than failing.
class TransactionalProducer {
 public:
  TransactionalProducer(const std::string& bootstrap, const std::string& transactional_id) {
    char err[512];
    rk_ = rd_kafka_new(
        RD_KAFKA_PRODUCER,
        MakeConf(bootstrap,
                 {{"transactional.id", transactional_id}, {"linger.ms", "1"}, {"log_level", "2"}}),
        err, sizeof(err));
    EXPECT_NE(rk_, nullptr) << err;
  }
  ~TransactionalProducer() { rd_kafka_destroy(rk_); }
  TransactionalProducer(const TransactionalProducer&) = delete;
  TransactionalProducer& operator=(const TransactionalProducer&) = delete;

  Error Init(int timeout_ms = 60000) { return Error(rd_kafka_init_transactions(rk_, timeout_ms)); }
  Error Begin() { return Error(rd_kafka_begin_transaction(rk_)); }
  Error Commit(int timeout_ms = 30000) {
    return Error(rd_kafka_commit_transaction(rk_, timeout_ms));
  }
  // Queues one record (copied); the error of producev (none while the producer is healthy).
  rd_kafka_resp_err_t Send(const std::string& topic, int32_t partition, const std::string& value) {
    void* data = const_cast<char*>(value.data());
    size_t size = value.size();
    rd_kafka_resp_err_t err;
    while ((err = rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()),
                                    RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_VALUE(data, size),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
           RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk_, 10);
    }
    return err;
  }
  // Loads `topic`'s partitions now: librdkafka 2.0.2 otherwise learns them only at its next
  // one-second metadata scan, holding up the first transaction.
  void LoadMetadata(const std::string& topic) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* metadata = nullptr;
    EXPECT_EQ(rd_kafka_metadata(rk_, 0, rkt, &metadata, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    if (metadata) rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(rkt);
  }
  // Begins a transaction, writes "k:i" for i in [0, per_partition) to every partition.
  Error SendTransactionData(const std::string& topic, int64_t k, int per_partition) {
    if (Error error = Begin()) return error;
    for (int p = 0; p < kPartitions; ++p) {
      for (int i = 0; i < per_partition; ++i) {
        rd_kafka_resp_err_t err = Send(topic, p, std::to_string(k) + ":" + std::to_string(i));
        EXPECT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
      }
    }
    return nullptr;
  }
  rd_kafka_t* handle() { return rk_; }

 private:
  rd_kafka_t* rk_ = nullptr;
};

// Every record of `topic` up to its end for `isolation` (for read_committed: up to the last
// stable offset, without aborted records).
std::vector<ConsumedRecord> ReadAll(const std::string& bootstrap, const std::string& topic,
                                    const std::string& isolation) {
  Consumer consumer(bootstrap, {{"isolation.level", isolation}, {"enable.partition.eof", "true"}});
  consumer.Assign(topic, kPartitions);
  std::vector<ConsumedRecord> out;
  std::set<int32_t> at_end;
  auto deadline = Clock::now() + std::chrono::seconds(60);
  while (at_end.size() < kPartitions && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.handle(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      at_end.insert(m->partition);
    } else if (m->err) {
      ADD_FAILURE() << "consume error: " << rd_kafka_message_errstr(m);
    } else {
      ConsumedRecord r;
      r.partition = m->partition;
      r.offset = m->offset;
      if (m->key) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) r.value = std::string(static_cast<const char*>(m->payload), m->len);
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  EXPECT_EQ(at_end.size(), static_cast<size_t>(kPartitions))
      << "did not reach the end of " << topic;
  return out;
}

// ---------------------------------------------------------------------------------------------
// A consume-transform-produce worker under SIGKILL.

constexpr int kInputRecords = 3000;
constexpr int kWorkerKills = 20;

// Where a kill landed, from the last line the worker wrote to its events file.
std::string KillPoint(const std::string& events) {
  std::istringstream lines(events);
  std::string line, last = "start";
  while (std::getline(lines, line)) {
    if (!line.empty()) last = line;
  }
  std::string step = last.substr(0, last.find(' '));
  if (step == "start") return "starting (before init_transactions returned)";
  if (step == "init") return "joining the group (before its first transaction)";
  if (step == "begin") return "mid-transaction: producing the outputs";
  if (step == "offsets") return "mid-transaction: outputs sent, adding the offsets";
  if (step == "commit") return "mid-transaction: offsets pending in the group, committing";
  if (step == "committed" || step == "aborted") return "between transactions";
  return "after '" + last + "'";
}

class CtpWorkerCrashTest : public BrokerSuite {
 protected:
  ChildProcess StartWorker(const std::string& scratch, int run) {
    std::vector<std::string> args = {BROOK_TXN_WORKER_PATH,
                                     "--bootstrap",
                                     bootstrap_,
                                     "--input",
                                     TopicName("-in"),
                                     "--output",
                                     TopicName("-out"),
                                     "--group",
                                     TopicName("-group"),
                                     "--transactional-id",
                                     TopicName("-txn"),
                                     "--batch",
                                     "10",
                                     "--pause-ms",
                                     "30",
                                     "--events",
                                     scratch + "/events-" + std::to_string(run)};
    return ChildProcess(args, scratch + "/worker-" + std::to_string(run) + ".log");
  }
};

TEST_F(CtpWorkerCrashTest, OutputHoldsEveryInputExactlyOnceAfterTwentySigkills) {
  const std::string input = TopicName("-in");
  const std::string output = TopicName("-out");
  const std::string group = TopicName("-group");
  {
    Consumer admin(bootstrap_);
    ASSERT_EQ(CreateTopic(admin.handle(), input, kPartitions), RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(CreateTopic(admin.handle(), output, kPartitions), RD_KAFKA_RESP_ERR_NO_ERROR);
    Producer producer(bootstrap_);
    for (int i = 0; i < kInputRecords; ++i) {
      producer.Send(input, i % kPartitions, "k" + std::to_string(i), "v" + std::to_string(i));
    }
    producer.Flush();
    ASSERT_EQ(producer.failed(), 0) << producer.last_error();
  }

  TempDir scratch;
  std::mt19937 random(Seed(447));
  std::uniform_int_distribution<int> delay_ms(200, 1500);
  std::map<std::string, int> kill_points;
  auto started = Clock::now();
  for (int run = 0; run < kWorkerKills; ++run) {
    ChildProcess worker = StartWorker(scratch.path(), run);
    std::this_thread::sleep_for(milliseconds(delay_ms(random)));
    ASSERT_TRUE(worker.Running()) << "run " << run << " exited on its own:\n" << worker.Output();
    worker.Signal(SIGKILL);
    int status = worker.Wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << worker.Output();
    ++kill_points[KillPoint(ReadFile(scratch.path() + "/events-" + std::to_string(run)))];
  }

  // The last incarnation runs until the output is complete, then stops cleanly.
  ChildProcess last = StartWorker(scratch.path(), kWorkerKills);
  {
    Consumer watcher(bootstrap_, {{"isolation.level", "read_committed"}});
    watcher.Assign(output, kPartitions);
    auto seen = watcher.Read(kInputRecords, 60000);
    EXPECT_GE(seen.size(), static_cast<size_t>(kInputRecords)) << last.Output();
  }
  last.Signal(SIGTERM);
  int status = last.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << last.Output();
  auto elapsed_s = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started);

  int committed_transactions = 0, aborted_transactions = 0;
  for (int run = 0; run <= kWorkerKills; ++run) {
    std::istringstream lines(ReadFile(scratch.path() + "/events-" + std::to_string(run)));
    std::string line;
    while (std::getline(lines, line)) {
      committed_transactions += line.rfind("committed ", 0) == 0;
      aborted_transactions += line.rfind("aborted ", 0) == 0;
    }
  }
  std::cout << kWorkerKills << " SIGKILLs in " << elapsed_s.count() << " s; "
            << committed_transactions << " transactions committed, " << aborted_transactions
            << " aborted by the worker; the kills landed:\n";
  for (const auto& [point, n] : kill_points) std::cout << "  " << n << " x " << point << "\n";

  // Exactly one output per input: same key, same partition, "out:" + value.
  auto committed = ReadAll(bootstrap_, output, "read_committed");
  std::map<std::string, int> copies;
  for (const auto& r : committed) {
    ASSERT_TRUE(r.key && r.value);
    ++copies[*r.value];
    int i = std::stoi(r.key->substr(1));
    EXPECT_EQ(*r.value, "out:v" + std::to_string(i));
    EXPECT_EQ(r.partition, i % kPartitions) << *r.value;
  }
  int lost = 0, duplicated = 0;
  for (int i = 0; i < kInputRecords; ++i) {
    auto it = copies.find("out:v" + std::to_string(i));
    lost += it == copies.end();
    duplicated += it != copies.end() && it->second > 1;
  }
  EXPECT_EQ(lost, 0) << "inputs without an output";
  EXPECT_EQ(duplicated, 0) << "inputs with more than one output";
  EXPECT_EQ(committed.size(), static_cast<size_t>(kInputRecords));
  auto uncommitted = ReadAll(bootstrap_, output, "read_uncommitted");
  std::cout << "output: " << committed.size() << " records read_committed, " << uncommitted.size()
            << " read_uncommitted (aborted writes included)\n";

  // The group's committed offsets are the input's end offsets.
  Consumer reader(bootstrap_, {{"group.id", group}, {"isolation.level", "read_committed"}});
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(kPartitions);
  for (int p = 0; p < kPartitions; ++p) rd_kafka_topic_partition_list_add(list, input.c_str(), p);
  ASSERT_EQ(rd_kafka_committed(reader.handle(), list, 30000), RD_KAFKA_RESP_ERR_NO_ERROR);
  for (int i = 0; i < list->cnt; ++i) {
    int64_t low = 0, high = 0;
    ASSERT_EQ(rd_kafka_query_watermark_offsets(reader.handle(), input.c_str(),
                                               list->elems[i].partition, &low, &high, 10000),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(list->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(list->elems[i].offset, high) << "partition " << list->elems[i].partition;
  }
  rd_kafka_topic_partition_list_destroy(list);
}

// ---------------------------------------------------------------------------------------------
// brook-broker SIGKILLed in the middle of commits.

// A loopback port nobody listens on right now.
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t size = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// brook-broker as a child process on a fixed port with its own data directory, so it can be
// SIGKILLed and restarted on the same address and data.
class BrokerProcess {
 public:
  BrokerProcess(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}

  // Starts it and waits until it serves.
  void Start() {
    std::string log = dir_ + "/broker-" + std::to_string(starts_++) + ".log";
    // fsync on every append (log.flush.interval.messages=1) makes the broker's EndTxn (decision,
    // markers, completion) a larger share of each transaction, so more kills land after a commit
    // was decided but before it was answered (the restarted broker must finish it: the test
    // reports such commits as "visible").
    std::vector<std::string> args = {BROOK_BROKER_PATH,
                                     "--override",
                                     "listeners=PLAINTEXT://" + bootstrap(),
                                     "--override",
                                     "log.dirs=" + dir_ + "/data",
                                     "--override",
                                     "group.initial.rebalance.delay.ms=0",
                                     "--override",
                                     "auto.create.topics.enable=false",
                                     "--override",
                                     "log.flush.interval.messages=1"};
    process_ = std::make_unique<ChildProcess>(args, log);
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (process_->Output().find("serving at") == std::string::npos) {
      ASSERT_TRUE(process_->Running()) << "brook-broker exited:\n" << process_->Output();
      ASSERT_LT(Clock::now(), deadline) << "brook-broker did not start:\n" << process_->Output();
      std::this_thread::sleep_for(milliseconds(20));
    }
  }
  void Kill() {
    process_->Signal(SIGKILL);
    process_->Wait();
  }
  std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string Output() const { return process_ ? process_->Output() : ""; }

 private:
  std::string dir_;
  int port_;
  int starts_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

constexpr int kRecordsPerPartition = 10;
constexpr int kBrokerKills = 5;

class BrokerCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("BROOK_TEST_BOOTSTRAP")) GTEST_SKIP() << "kills its own brook-broker";
  }
};

TEST_F(BrokerCrashTest, TransactionsAreAllOrNothingAcrossBrokerSigkills) {
  TempDir dir;
  BrokerProcess broker(dir.path(), FreePort());
  ASSERT_NO_FATAL_FAILURE(broker.Start());
  const std::string topic = "crash-txn";
  const std::string transactional_id = "crash-txn-producer";
  {
    Consumer admin(broker.bootstrap());
    ASSERT_EQ(CreateTopic(admin.handle(), topic, kPartitions), RD_KAFKA_RESP_ERR_NO_ERROR);
  }

  std::mt19937 random(Seed(90));
  std::uniform_int_distribution<int> delay_ms(300, 2000);
  std::set<int64_t> acknowledged;  // transactions whose commit_transaction succeeded
  int64_t next = 0;
  for (int round = 0; round < kBrokerKills; ++round) {
    // Transactions in a loop until the broker dies under them.
    enum Phase { kProducing, kCommitting };
    std::atomic<int> phase{kProducing};
    std::atomic<bool> killing{false};
    int phase_at_kill = kProducing;
    int64_t in_doubt = -1;
    int committed_this_round = 0;
    const int delay = delay_ms(random);
    {
      TransactionalProducer producer(broker.bootstrap(), transactional_id);
      Error init = producer.Init();
      ASSERT_FALSE(init) << Describe(init);
      producer.LoadMetadata(topic);
      std::thread killer([&] {
        std::this_thread::sleep_for(milliseconds(delay));
        killing = true;
        phase_at_kill = phase;
        broker.Kill();
      });
      while (!killing) {
        int64_t k = next++;
        phase = kProducing;
        Error error = producer.SendTransactionData(topic, k, kRecordsPerPartition);
        phase = kCommitting;
        if (!error) error = producer.Commit(2000);
        if (!error) {
          acknowledged.insert(k);
          ++committed_this_round;
          continue;
        }
        in_doubt = k;
        EXPECT_TRUE(killing) << "transaction " << k
                             << " failed before the kill: " << Describe(error);
        break;
      }
      killer.join();
    }  // the old producer goes while the broker is down

    ASSERT_NO_FATAL_FAILURE(broker.Start());
    {
      // A new incarnation with the same transactional.id recovers and commits.
      TransactionalProducer producer(broker.bootstrap(), transactional_id);
      Error error = producer.Init();
      ASSERT_FALSE(error) << "init_transactions after the restart: " << Describe(error) << "\n"
                          << broker.Output();
      int64_t k = next++;
      error = producer.SendTransactionData(topic, k, kRecordsPerPartition);
      if (!error) error = producer.Commit();
      ASSERT_FALSE(error) << "the first transaction after the restart: " << Describe(error);
      acknowledged.insert(k);
    }

    // Each transaction k is "k:0".."k:9" in every partition, or absent everywhere.
    auto records = ReadAll(broker.bootstrap(), topic, "read_committed");
    std::map<int64_t, std::map<int32_t, std::multiset<int>>> seen;
    for (const auto& r : records) {
      ASSERT_TRUE(r.value.has_value());
      auto colon = r.value->find(':');
      seen[std::stoll(r.value->substr(0, colon))][r.partition].insert(
          std::stoi(r.value->substr(colon + 1)));
    }
    for (const auto& [k, partitions] : seen) {
      EXPECT_EQ(partitions.size(), static_cast<size_t>(kPartitions))
          << "transaction " << k << " is visible in only some partitions";
      for (const auto& [p, values] : partitions) {
        std::multiset<int> whole;
        for (int i = 0; i < kRecordsPerPartition; ++i) whole.insert(i);
        EXPECT_EQ(values, whole) << "transaction " << k << " in partition " << p;
      }
    }
    for (int64_t k : acknowledged) {
      EXPECT_TRUE(seen.count(k)) << "transaction " << k << " was acknowledged but is not visible";
    }
    std::cout << "round " << round << ": " << committed_this_round
              << " transactions committed, then SIGKILL after " << delay << " ms while "
              << (phase_at_kill == kCommitting ? "committing" : "producing");
    if (in_doubt >= 0) {
      std::cout << "; transaction " << in_doubt << " (commit unanswered) is "
                << (seen.count(in_doubt) ? "visible" : "not visible");
    }
    std::cout << "; " << seen.size() << " transactions visible in all\n";
  }
}

// ---------------------------------------------------------------------------------------------
// Fencing: two producers with the same transactional.id.

class TxnFencingTest : public BrokerSuite {
 protected:
  // A fenced producer's error: fatal, and one of the codes that mean "fenced".
  static void ExpectFenced(TransactionalProducer& producer, const Error& error) {
    ASSERT_TRUE(error) << "the fenced producer's commit succeeded";
    std::cout << "the fenced producer got " << Describe(error) << "\n";
    EXPECT_TRUE(rd_kafka_error_is_fatal(error.get())) << Describe(error);
    std::set<rd_kafka_resp_err_t> fenced = {RD_KAFKA_RESP_ERR__FENCED,
                                            RD_KAFKA_RESP_ERR_PRODUCER_FENCED,
                                            RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH};
    EXPECT_TRUE(fenced.count(rd_kafka_error_code(error.get()))) << Describe(error);
    char reason[512];
    rd_kafka_resp_err_t fatal = rd_kafka_fatal_error(producer.handle(), reason, sizeof(reason));
    EXPECT_TRUE(fenced.count(fatal)) << rd_kafka_err2name(fatal) << ": " << reason;
  }

  // The values a read_committed consumer sees in `topic`.
  std::multiset<std::string> CommittedValues(const std::string& topic) {
    std::multiset<std::string> out;
    for (const auto& r : ReadAll(bootstrap_, topic, "read_committed")) out.insert(*r.value);
    return out;
  }
};

TEST_F(TxnFencingTest, ANewIncarnationAbortsTheOpenTransactionAndFencesTheOldOne) {
  const std::string topic = TopicName();
  {
    Consumer admin(bootstrap_);
    ASSERT_EQ(CreateTopic(admin.handle(), topic, kPartitions), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  TransactionalProducer first(bootstrap_, TopicName("-txn"));
  ASSERT_FALSE(first.Init());
  ASSERT_FALSE(first.SendTransactionData(topic, 1, 3));
  ASSERT_EQ(rd_kafka_flush(first.handle(), 30000), RD_KAFKA_RESP_ERR_NO_ERROR);

  TransactionalProducer second(bootstrap_, TopicName("-txn"));
  Error init = second.Init();
  ASSERT_FALSE(init) << Describe(init);
  // The first producer's transaction was open on every partition: its EndTxn (v1) now gets
  // INVALID_PRODUCER_EPOCH from the coordinator (PRODUCER_FENCED only from v2), which librdkafka
  // 2.0.2 reports as the fatal error _FENCED.
  ExpectFenced(first, first.Commit());

  ASSERT_FALSE(second.SendTransactionData(topic, 2, 3));
  Error commit = second.Commit();
  ASSERT_FALSE(commit) << Describe(commit);
  std::multiset<std::string> expected;
  for (int p = 0; p < kPartitions; ++p) {
    for (int i = 0; i < 3; ++i) expected.insert("2:" + std::to_string(i));
  }
  EXPECT_EQ(CommittedValues(topic), expected) << "only the second producer's records";
}

TEST_F(TxnFencingTest, AFencedProducersNextTransactionFailsFatally) {
  const std::string topic = TopicName();
  {
    Consumer admin(bootstrap_);
    ASSERT_EQ(CreateTopic(admin.handle(), topic, kPartitions), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  TransactionalProducer first(bootstrap_, TopicName("-txn"));
  ASSERT_FALSE(first.Init());
  ASSERT_FALSE(first.SendTransactionData(topic, 1, 3));
  ASSERT_FALSE(first.Commit());

  TransactionalProducer second(bootstrap_, TopicName("-txn"));
  ASSERT_FALSE(second.Init());
  // The first producer's next transaction: AddPartitionsToTxn (v0) with the old epoch gets
  // INVALID_PRODUCER_EPOCH, fatal in librdkafka (reported as _FENCED).
  ASSERT_FALSE(first.SendTransactionData(topic, 2, 3));
  ExpectFenced(first, first.Commit());

  ASSERT_FALSE(second.SendTransactionData(topic, 3, 3));
  ASSERT_FALSE(second.Commit());
  std::multiset<std::string> expected;
  for (int p = 0; p < kPartitions; ++p) {
    for (int i = 0; i < 3; ++i) {
      expected.insert("1:" + std::to_string(i));
      expected.insert("3:" + std::to_string(i));
    }
  }
  EXPECT_EQ(CommittedValues(topic), expected) << "the first and third transactions, not the second";
}

}  // namespace
}  // namespace brook::testing
