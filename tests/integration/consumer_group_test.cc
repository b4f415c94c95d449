// librdkafka KafkaConsumers in consumer groups against the in-process broker: partitions shared
// out by each assignor, handovers when a member leaves or dies, committed offsets across a
// broker restart, auto.offset.reset, and static membership.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/admin_helpers.h"
#include "tests/integration/broker_fixture.h"
#include "tests/integration/kafka_test_client.h"

namespace brook::testing {
namespace {

using Clock = std::chrono::steady_clock;
using TopicPartition = std::pair<std::string, int32_t>;

// A subscribed group member. Polled from the test thread (librdkafka heartbeats on its own).
// Every record it returns is "processed" (recorded) and, with commit_each, committed
// synchronously right after.
class GroupMember {
 public:
  GroupMember(const std::string& bootstrap, const std::string& group, Config extra = {},
              bool commit_each = false)
      : commit_each_(commit_each) {
    Config config = {{"group.id", group},
                     {"enable.auto.commit", "false"},
                     {"auto.offset.reset", "earliest"},
                     {"session.timeout.ms", "6000"},
                     {"heartbeat.interval.ms", "500"},
                     {"topic.metadata.refresh.interval.ms", "1000"}};
    for (const auto& [k, v] : extra) config[k] = v;
    rd_kafka_conf_t* conf = MakeConf(bootstrap, config);
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_rebalance_cb(conf, &GroupMember::OnRebalance);
    char err[512];
    rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    EXPECT_NE(rk_, nullptr) << err;
    rd_kafka_poll_set_consumer(rk_);
  }
  ~GroupMember() { Close(); }

  void Subscribe(const std::string& topic) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), RD_KAFKA_PARTITION_UA);
    EXPECT_EQ(rd_kafka_subscribe(rk_, list), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(list);
  }

  // One poll: a record (processed and maybe committed), an event, or nothing.
  void Poll(int timeout_ms) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, timeout_ms);
    if (m == nullptr) return;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ConsumedRecord r;
      r.partition = m->partition;
      r.offset = m->offset;
      if (m->payload) r.value = std::string(static_cast<const char*>(m->payload), m->len);
      records_.push_back(std::move(r));
      if (commit_each_) {
        rd_kafka_resp_err_t err = rd_kafka_commit_message(rk_, m, /*async=*/0);
        EXPECT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
      }
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      errors_.push_back(rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
  }

  std::set<TopicPartition> Assignment() const {
    std::set<TopicPartition> out;
    rd_kafka_topic_partition_list_t* list = nullptr;
    if (rd_kafka_assignment(rk_, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
    for (int i = 0; i < list->cnt; ++i) out.emplace(list->elems[i].topic, list->elems[i].partition);
    rd_kafka_topic_partition_list_destroy(list);
    return out;
  }

  std::string MemberId() const {
    char* id = rd_kafka_memberid(rk_);
    std::string out = id ? id : "";
    if (id) rd_kafka_mem_free(rk_, id);
    return out;
  }

  // Leaves the group (LeaveGroup for a dynamic member) and destroys the client.
  void Close() {
    if (rk_ == nullptr) return;
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
    rk_ = nullptr;
  }
  // Goes away without a word, like a killed process: no LeaveGroup, no final commit.
  void Kill() {
    if (rk_ == nullptr) return;
    rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    rk_ = nullptr;
  }

  const std::vector<ConsumedRecord>& records() const { return records_; }
  const std::vector<std::string>& errors() const { return errors_; }
  int assigns() const { return assigns_; }
  int revokes() const { return revokes_; }

 private:
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* self = static_cast<GroupMember*>(opaque);
    bool cooperative = std::string(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      ++self->assigns_;
      if (cooperative) {
        rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, partitions);
        if (e) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, partitions);
      }
    } else {
      ++self->revokes_;
      if (cooperative) {
        rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, partitions);
        if (e) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, nullptr);
      }
    }
  }

  rd_kafka_t* rk_ = nullptr;
  bool commit_each_;
  std::vector<ConsumedRecord> records_;
  std::vector<std::string> errors_;
  int assigns_ = 0;
  int revokes_ = 0;
};

// Polls every member until `done` holds or `timeout` passes; true when it held.
template <typename Done>
bool PollUntil(const std::vector<GroupMember*>& members, Done done,
               std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    for (GroupMember* m : members) m->Poll(20);
    if (done()) return true;
  }
  return false;
}

// Whether the members' assignments are disjoint and together cover topic[0..partitions).
bool CoversExactly(const std::vector<GroupMember*>& members, const std::string& topic,
                   int partitions) {
  std::set<TopicPartition> all;
  size_t total = 0;
  for (GroupMember* m : members) {
    auto a = m->Assignment();
    if (a.empty()) return false;
    total += a.size();
    all.insert(a.begin(), a.end());
  }
  if (total != all.size() || all.size() != static_cast<size_t>(partitions)) return false;
  return std::all_of(all.begin(), all.end(), [&](const auto& tp) { return tp.first == topic; });
}

class ConsumerGroupTest : public BrokerSuite {
 protected:
  void CreateTopic(const std::string& topic, int partitions) {
    Consumer admin(bootstrap_);
    ASSERT_EQ(brook::testing::CreateTopic(admin.handle(), topic, partitions),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  // `count` records with values "0".."count-1", spread over every partition.
  void Produce(const std::string& topic, int partitions, int from, int count) {
    Producer producer(bootstrap_);
    for (int i = from; i < from + count; ++i) {
      producer.Send(topic, i % partitions, std::nullopt, std::to_string(i));
    }
    producer.Flush();
  }
  static std::string GroupName() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->name());
    std::replace(name.begin(), name.end(), '/', '_');
    return "group-" + name;
  }
};

class AssignorTest : public ConsumerGroupTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(AssignorTest, ThreeMembersShareTwelvePartitionsAndTakeOverWhenOneLeaves) {
  std::string topic = TopicName();
  CreateTopic(topic, 12);
  Config config = {{"partition.assignment.strategy", GetParam()}};
  std::string group = GroupName();
  GroupMember a(bootstrap_, group, config), b(bootstrap_, group, config),
      c(bootstrap_, group, config);
  for (GroupMember* m : {&a, &b, &c}) m->Subscribe(topic);
  ASSERT_TRUE(PollUntil({&a, &b, &c},
                        [&] {
                          return CoversExactly({&a, &b, &c}, topic, 12);
                        }))
      << "assignments: " << a.Assignment().size() << "+" << b.Assignment().size() << "+"
      << c.Assignment().size();
  EXPECT_EQ(a.Assignment().size(), 4u);
  EXPECT_EQ(b.Assignment().size(), 4u);
  EXPECT_EQ(c.Assignment().size(), 4u);

  c.Close();
  ASSERT_TRUE(PollUntil({&a, &b}, [&] { return CoversExactly({&a, &b}, topic, 12); }));
  EXPECT_EQ(a.Assignment().size(), 6u);
  EXPECT_EQ(b.Assignment().size(), 6u);
  EXPECT_TRUE(a.errors().empty() && b.errors().empty());
}

INSTANTIATE_TEST_SUITE_P(Assignors, AssignorTest,
                         ::testing::Values("range", "roundrobin", "cooperative-sticky"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST_F(ConsumerGroupTest, CleanHandoverLosesNothingAndProcessesNothingTwice) {
  std::string topic = TopicName();
  CreateTopic(topic, 12);
  Produce(topic, 12, 0, 3000);
  std::string group = GroupName();
  auto a = std::make_unique<GroupMember>(bootstrap_, group, Config{}, /*commit_each=*/true);
  GroupMember b(bootstrap_, group, Config{}, /*commit_each=*/true);
  a->Subscribe(topic);
  b.Subscribe(topic);
  // Both consume for a while, then `a` leaves cleanly mid-stream.
  ASSERT_TRUE(PollUntil({a.get(), &b},
                        [&] { return a->records().size() >= 500 && !b.Assignment().empty(); }));
  std::vector<ConsumedRecord> processed = a->records();
  a->Close();
  Produce(topic, 12, 3000, 1000);
  ASSERT_TRUE(PollUntil({&b}, [&] { return processed.size() + b.records().size() >= 4000; }));
  // A little longer: duplicates would show up now.
  PollUntil(
      {&b}, [] { return false; }, std::chrono::milliseconds(1500));
  processed.insert(processed.end(), b.records().begin(), b.records().end());

  std::map<std::string, int> seen;
  for (const auto& r : processed) ++seen[*r.value];
  EXPECT_EQ(seen.size(), 4000u) << "every record processed";
  int twice = 0;
  for (const auto& [value, n] : seen) twice += n > 1;
  EXPECT_EQ(twice, 0) << "no record processed twice across a clean handover";
  EXPECT_EQ(b.Assignment().size(), 12u);
}

TEST_F(ConsumerGroupTest, ADeadMembersPartitionsMoveAfterItsSessionTimeout) {
  std::string topic = TopicName();
  CreateTopic(topic, 6);
  std::string group = GroupName();
  GroupMember a(bootstrap_, group, Config{}, /*commit_each=*/true);
  auto b = std::make_unique<GroupMember>(bootstrap_, group, Config{}, /*commit_each=*/true);
  a.Subscribe(topic);
  b->Subscribe(topic);
  ASSERT_TRUE(PollUntil({&a, b.get()}, [&] { return CoversExactly({&a, b.get()}, topic, 6); }));
  Produce(topic, 6, 0, 600);
  ASSERT_TRUE(
      PollUntil({&a, b.get()}, [&] { return a.records().size() + b->records().size() >= 600; }));

  auto killed = Clock::now();
  b->Kill();  // no LeaveGroup: only the session timeout (6 s) can tell the broker
  Produce(topic, 6, 600, 600);
  ASSERT_TRUE(PollUntil({&a}, [&] { return a.Assignment().size() == 6u; }));
  auto moved_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed).count();
  std::cout << "partitions moved " << moved_ms << " ms after the member died\n";
  ASSERT_TRUE(PollUntil({&a}, [&] {
    std::set<std::string> values;
    for (const auto& r : a.records()) values.insert(*r.value);
    for (const auto& r : b->records()) values.insert(*r.value);
    return values.size() == 1200u;
  })) << "no record lost: the dead member's committed positions are where the survivor starts";
}

TEST_F(ConsumerGroupTest, AutoOffsetResetAppliesOnlyWithoutACommit) {
  std::string topic = TopicName();
  CreateTopic(topic, 2);
  Produce(topic, 2, 0, 100);

  GroupMember earliest(bootstrap_, GroupName() + "-earliest", {{"auto.offset.reset", "earliest"}});
  earliest.Subscribe(topic);
  ASSERT_TRUE(PollUntil({&earliest}, [&] { return earliest.records().size() >= 100; }));

  GroupMember latest(bootstrap_, GroupName() + "-latest", {{"auto.offset.reset", "latest"}});
  latest.Subscribe(topic);
  ASSERT_TRUE(PollUntil({&latest}, [&] { return latest.Assignment().size() == 2u; }));
  // Let it settle on the log end before producing more.
  PollUntil(
      {&latest}, [] { return false; }, std::chrono::milliseconds(1500));
  Produce(topic, 2, 100, 10);
  ASSERT_TRUE(PollUntil({&latest}, [&] { return latest.records().size() >= 10; }));
  PollUntil(
      {&latest}, [] { return false; }, std::chrono::milliseconds(500));
  ASSERT_EQ(latest.records().size(), 10u);
  for (const auto& r : latest.records()) EXPECT_GE(std::stoi(*r.value), 100);
}

TEST_F(ConsumerGroupTest, StaticMemberRestartingWithinItsSessionKeepsItsPartitions) {
  std::string topic = TopicName();
  CreateTopic(topic, 4);
  std::string group = GroupName();
  Config config_a = {{"group.instance.id", "instance-a"}, {"session.timeout.ms", "30000"}};
  Config config_b = {{"group.instance.id", "instance-b"}, {"session.timeout.ms", "30000"}};
  GroupMember a(bootstrap_, group, config_a);
  auto b = std::make_unique<GroupMember>(bootstrap_, group, config_b);
  a.Subscribe(topic);
  b->Subscribe(topic);
  ASSERT_TRUE(PollUntil({&a, b.get()}, [&] { return CoversExactly({&a, b.get()}, topic, 4); }));
  // Let any second round settle, then remember who has what.
  PollUntil(
      {&a, b.get()}, [] { return false; }, std::chrono::milliseconds(1500));
  auto a_before = a.Assignment();
  auto b_before = b->Assignment();
  int a_assigns = a.assigns(), a_revokes = a.revokes();

  b->Close();  // a static member does not leave on close (KIP-345)
  b = std::make_unique<GroupMember>(bootstrap_, group, config_b);
  b->Subscribe(topic);
  ASSERT_TRUE(PollUntil({&a, b.get()}, [&] { return !b->Assignment().empty(); }));
  PollUntil(
      {&a, b.get()}, [] { return false; }, std::chrono::milliseconds(1500));
  EXPECT_EQ(b->Assignment(), b_before) << "the restarted instance got its partitions back";
  EXPECT_EQ(a.Assignment(), a_before);
  EXPECT_EQ(a.assigns(), a_assigns) << "the other member saw no rebalance";
  EXPECT_EQ(a.revokes(), a_revokes);
}

// Offsets committed before a broker restart are where the group resumes after it.
TEST(ConsumerGroupRestartTest, CommittedOffsetsSurviveABrokerRestart) {
  if (std::getenv("BROOK_TEST_BOOTSTRAP")) GTEST_SKIP() << "needs an in-process broker";
  TempDir dir;
  std::string data = dir.path() + "/data";
  auto broker = broker::app::EmbeddedBroker::Start(data);
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  std::string bootstrap = (*broker)->bootstrap();
  const std::string topic = "restart-orders";
  {
    Consumer admin(bootstrap);
    ASSERT_EQ(CreateTopic(admin.handle(), topic, 3), RD_KAFKA_RESP_ERR_NO_ERROR);
    Producer producer(bootstrap);
    for (int i = 0; i < 300; ++i) producer.Send(topic, i % 3, std::nullopt, std::to_string(i));
    producer.Flush();
  }
  {
    GroupMember first(bootstrap, "restart-group", Config{}, /*commit_each=*/true);
    first.Subscribe(topic);
    ASSERT_TRUE(PollUntil({&first}, [&] { return first.records().size() >= 120; }));
    first.Close();
    ASSERT_GE(first.records().size(), 120u);
  }
  // What the group committed, per partition: the next offset to read.
  std::map<int32_t, int64_t> committed;
  {
    Consumer reader(bootstrap, {{"group.id", "restart-group"}});
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(3);
    for (int p = 0; p < 3; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
    ASSERT_EQ(rd_kafka_committed(reader.handle(), list, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int i = 0; i < list->cnt; ++i) committed[list->elems[i].partition] = list->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(list);
  }
  int64_t total = 0;
  for (const auto& [p, offset] : committed) total += std::max<int64_t>(offset, 0);
  ASSERT_GE(total, 120);

  (*broker)->Stop();
  broker->reset();
  broker = broker::app::EmbeddedBroker::Start(data);
  ASSERT_TRUE(broker.ok()) << broker.status().ToString();
  bootstrap = (*broker)->bootstrap();

  GroupMember second(bootstrap, "restart-group", Config{}, /*commit_each=*/true);
  second.Subscribe(topic);
  ASSERT_TRUE(PollUntil(
      {&second}, [&] { return static_cast<int64_t>(second.records().size()) >= 300 - total; }));
  PollUntil(
      {&second}, [] { return false; }, std::chrono::milliseconds(1000));
  EXPECT_EQ(static_cast<int64_t>(second.records().size()), 300 - total)
      << "it resumed at the committed offsets, not at the beginning";
  std::map<int32_t, int64_t> first_offset;
  for (const auto& r : second.records()) {
    if (!first_offset.count(r.partition)) first_offset[r.partition] = r.offset;
  }
  for (const auto& [p, offset] : first_offset) {
    // No commit for a partition (-1001): auto.offset.reset=earliest starts it at 0.
    EXPECT_EQ(offset, std::max<int64_t>(committed[p], 0)) << "partition " << p;
  }
}

}  // namespace
}  // namespace brook::testing
