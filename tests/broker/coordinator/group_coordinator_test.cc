// The group coordinator's state machine, offsets and persistence, driven directly with protocol
// messages on a manual clock (the broker drives it the same way from its event loop).
#include "broker/coordinator/group/group_coordinator.h"

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>

#include <gtest/gtest.h>

#include "broker/protocol/writer.h"
#include "broker/record/batch_builder.h"

namespace brook::broker::coordinator {
namespace {

using protocol::ErrorCode;

int16_t Code(ErrorCode code) { return static_cast<int16_t>(code); }

Bytes Subscription(const std::vector<std::string>& topics) {
  protocol::ConsumerProtocolSubscription s;
  s.topics = topics;
  Bytes out;
  protocol::Writer w(&out);
  w.WriteInt16(1);
  s.Encode(w, 1);
  return out;
}

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/group_coordinator_test-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    options_.offsets_topic_partitions = 3;
    options_.initial_rebalance_delay_ms = 3000;
    OpenTopics();
    ASSERT_TRUE(topics_->CreateTopic("orders", 4, {}).ok());
    ASSERT_TRUE(topics_->CreateTopic("audit", 2, {}).ok());
    Start();
  }
  void TearDown() override {
    coordinator_.reset();
    topics_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenTopics() {
    metadata::TopicManagerOptions options;
    options.log_dir = dir_;
    options.start_cleaner = false;
    auto opened = metadata::TopicManager::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    topics_ = std::move(opened).value();
  }
  // A coordinator over the topics; loading runs on its thread and is installed by RunPosted().
  void Start() {
    coordinator_ = std::make_unique<GroupCoordinator>(options_, topics_.get(), &wheel_,
                                                      [this] { return now_; });
    coordinator_->Startup([this](std::function<void()> task) {
      std::lock_guard lock(mutex_);
      posted_.push_back(std::move(task));
    });
  }
  void RunPosted() {
    std::deque<std::function<void()>> tasks;
    {
      std::lock_guard lock(mutex_);
      tasks.swap(posted_);
    }
    for (auto& t : tasks) t();
  }
  void WaitLoaded(const std::string& group) {
    for (int i = 0; i < 2000 && coordinator_->IsLoading(group); ++i) {
      RunPosted();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_FALSE(coordinator_->IsLoading(group));
  }
  // Restarts on the same data: the topics are closed and reopened, the coordinator replays.
  void Restart() {
    coordinator_.reset();
    ASSERT_TRUE(topics_->Close().ok());
    topics_.reset();
    OpenTopics();
    Start();
  }
  // Moves the clock a millisecond at a time, so timers set by timers see their own time.
  void Advance(int64_t ms) {
    for (int64_t i = 0; i < ms; ++i) {
      ++now_;
      wheel_.Advance(now_);
    }
  }

  using JoinResult = std::shared_ptr<std::optional<protocol::JoinGroupResponse>>;
  using SyncResult = std::shared_ptr<std::optional<protocol::SyncGroupResponse>>;

  JoinResult Join(const std::string& group, const std::string& member_id,
                  std::optional<std::string> instance = std::nullopt, int16_t version = 5,
                  std::vector<std::string> protocols = {"range"}, std::string type = "consumer",
                  Bytes metadata = Subscription({"orders"}), int32_t session_ms = 10000,
                  int32_t rebalance_ms = 30000) {
    protocol::JoinGroupRequest r;
    r.group_id = group;
    r.session_timeout_ms = session_ms;
    r.rebalance_timeout_ms = rebalance_ms;
    r.member_id = member_id;
    r.group_instance_id = instance;
    r.protocol_type = type;
    for (const auto& name : protocols) r.protocols.push_back({name, metadata, {}});
    auto result = std::make_shared<std::optional<protocol::JoinGroupResponse>>();
    coordinator_->JoinGroup(r, Info(version),
                            [result](protocol::JoinGroupResponse response) { *result = response; });
    return result;
  }
  // A dynamic member through MEMBER_ID_REQUIRED; returns its parked second join.
  JoinResult JoinDynamic(const std::string& group, std::string* member_id) {
    auto first = Join(group, "");
    EXPECT_TRUE(first->has_value());
    EXPECT_EQ((*first)->error_code, Code(ErrorCode::kMemberIdRequired));
    *member_id = (*first)->member_id;
    return Join(group, *member_id);
  }
  SyncResult Sync(const std::string& group, const std::string& member_id, int32_t generation,
                  std::map<std::string, std::string> assignments = {},
                  std::optional<std::string> instance = std::nullopt) {
    protocol::SyncGroupRequest r;
    r.group_id = group;
    r.generation_id = generation;
    r.member_id = member_id;
    r.group_instance_id = instance;
    for (const auto& [id, bytes] : assignments) r.assignments.push_back({id, ToBytes(bytes), {}});
    auto result = std::make_shared<std::optional<protocol::SyncGroupResponse>>();
    coordinator_->SyncGroup(r, Info(3),
                            [result](protocol::SyncGroupResponse response) { *result = response; });
    return result;
  }
  int16_t Heartbeat(const std::string& group, const std::string& member_id, int32_t generation,
                    std::optional<std::string> instance = std::nullopt) {
    protocol::HeartbeatRequest r;
    r.group_id = group;
    r.member_id = member_id;
    r.generation_id = generation;
    r.group_instance_id = instance;
    return coordinator_->Heartbeat(r, Info(3)).error_code;
  }
  protocol::OffsetCommitResponse Commit(const std::string& group, const std::string& member_id,
                                        int32_t generation, const std::string& topic,
                                        int32_t partition, int64_t offset,
                                        std::string metadata = "") {
    protocol::OffsetCommitRequest r;
    r.group_id = group;
    r.member_id = member_id;
    r.generation_id_or_member_epoch = generation;
    auto& t = r.topics.emplace_back();
    t.name = topic;
    auto& p = t.partitions.emplace_back();
    p.partition_index = partition;
    p.committed_offset = offset;
    p.committed_metadata = metadata;
    return coordinator_->CommitOffsets(r, Info(7));
  }
  int16_t CommitError(const std::string& group, const std::string& member_id, int32_t generation,
                      const std::string& topic = "orders", int32_t partition = 0) {
    auto r = Commit(group, member_id, generation, topic, partition, 42);
    return r.topics.at(0).partitions.at(0).error_code;
  }
  // The committed offset of one partition (-1 when none), with the group-level error.
  std::pair<int64_t, int16_t> Fetch(const std::string& group, const std::string& topic,
                                    int32_t partition) {
    protocol::OffsetFetchRequest r;
    r.group_id = group;
    r.topics = std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic>{};
    auto& t = r.topics->emplace_back();
    t.name = topic;
    t.partition_indexes = {partition};
    auto response = coordinator_->FetchOffsets(r, Info(7));
    return {response.topics.at(0).partitions.at(0).committed_offset, response.error_code};
  }
  // TxnOffsetCommit of one partition for producer `producer_id`; returns the partition's error.
  int16_t TxnCommit(const std::string& group, int64_t producer_id, int16_t epoch, int64_t offset,
                    const std::string& member_id = "", int32_t generation = -1,
                    const std::string& topic = "orders", int32_t partition = 0,
                    std::optional<std::string> instance = std::nullopt) {
    protocol::TxnOffsetCommitRequest r;
    r.transactional_id = "txn";
    r.group_id = group;
    r.producer_id = producer_id;
    r.producer_epoch = epoch;
    r.generation_id = generation;
    r.member_id = member_id;
    r.group_instance_id = instance;
    auto& t = r.topics.emplace_back();
    t.name = topic;
    auto& p = t.partitions.emplace_back();
    p.partition_index = partition;
    p.committed_offset = offset;
    p.committed_metadata = "txn";
    auto response = coordinator_->CommitTxnOffsets(r, Info(3));
    return response.topics.at(0).partitions.at(0).error_code;
  }
  // The transaction coordinator's marker for `producer_id` in the group's offsets partition.
  Status Marker(const std::string& group, int64_t producer_id, int16_t epoch, bool commit) {
    int32_t partition = GroupPartition(group, coordinator_->offsets_partitions());
    return coordinator_->WriteTxnMarker(partition, ProducerId(producer_id), ProducerEpoch(epoch),
                                        /*coordinator_epoch=*/0, commit);
  }
  // OffsetFetch v7 of one partition: its committed offset and its own error.
  std::pair<int64_t, int16_t> FetchStable(const std::string& group, const std::string& topic,
                                          int32_t partition, bool require_stable = true) {
    protocol::OffsetFetchRequest r;
    r.group_id = group;
    r.require_stable = require_stable;
    r.topics = std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic>{};
    auto& t = r.topics->emplace_back();
    t.name = topic;
    t.partition_indexes = {partition};
    auto response = coordinator_->FetchOffsets(r, Info(7));
    const auto& p = response.topics.at(0).partitions.at(0);
    return {p.committed_offset, p.error_code};
  }
  static RequestInfo Info(int16_t version) {
    RequestInfo info;
    info.version = version;
    info.client_id = "client";
    info.client_host = "/127.0.0.1";
    return info;
  }
  static Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }
  GroupState State(const std::string& group) {
    const Group* g = coordinator_->FindGroup(group);
    return g ? g->state : GroupState::kDead;
  }

  // One member through MEMBER_ID_REQUIRED, the initial delay and its own SyncGroup: a Stable
  // group of one. Returns the member id and the generation.
  std::pair<std::string, int32_t> StableGroupOfOne(const std::string& group) {
    std::string id;
    auto join = JoinDynamic(group, &id);
    Advance(options_.initial_rebalance_delay_ms);
    EXPECT_TRUE(join->has_value());
    int32_t generation = (*join)->generation_id;
    auto sync = Sync(group, id, generation, {{id, "all"}});
    EXPECT_TRUE(sync->has_value());
    EXPECT_EQ(State(group), GroupState::kStable);
    return {id, generation};
  }

  std::string dir_;
  GroupCoordinatorOptions options_;
  int64_t now_ = 1000000;
  server::TimingWheel wheel_{1000000};
  std::unique_ptr<metadata::TopicManager> topics_;
  std::unique_ptr<GroupCoordinator> coordinator_;
  std::mutex mutex_;
  std::deque<std::function<void()>> posted_;
};

TEST(GroupRecordsTest, GroupPartitionIsKafkasJavaHashCode) {
  // Values of Java's "...".hashCode().
  EXPECT_EQ(JavaStringHash(""), 0);
  EXPECT_EQ(JavaStringHash("hello"), 99162322);
  EXPECT_EQ(JavaStringHash("Aa"), JavaStringHash("BB"));
  EXPECT_EQ(JavaStringHash("\xC3\xA9"), 233);  // U+00E9 is one UTF-16 unit
  // U+1F600 is the surrogate pair D83D DE00: 0xD83D * 31 + 0xDE00.
  EXPECT_EQ(JavaStringHash("\xF0\x9F\x98\x80"), 0xD83D * 31 + 0xDE00);
  // "polygenelubricants".hashCode() is Integer.MIN_VALUE, which Kafka's Utils.abs maps to 0.
  EXPECT_EQ(JavaStringHash("polygenelubricants"), INT32_MIN);
  EXPECT_EQ(GroupPartition("polygenelubricants", 50), 0);
  EXPECT_EQ(GroupPartition("hello", 50), 99162322 % 50);
}

TEST_F(GroupCoordinatorTest, NewMemberGetsAMemberIdThenJoinsAfterTheInitialDelay) {
  auto first = Join("g", "");
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->error_code, Code(ErrorCode::kMemberIdRequired));
  std::string id = (*first)->member_id;
  EXPECT_EQ(id.rfind("client-", 0), 0u) << id;

  auto join = Join("g", id);
  EXPECT_FALSE(join->has_value()) << "parked during group.initial.rebalance.delay.ms";
  EXPECT_EQ(State("g"), GroupState::kPreparingRebalance);
  Advance(2999);
  EXPECT_FALSE(join->has_value());
  Advance(1);
  ASSERT_TRUE(join->has_value());
  EXPECT_EQ((*join)->error_code, 0);
  EXPECT_EQ((*join)->generation_id, 1);
  EXPECT_EQ((*join)->leader, id);
  EXPECT_EQ((*join)->protocol_name, "range");
  ASSERT_EQ((*join)->members.size(), 1u);
  EXPECT_EQ((*join)->members[0].metadata, Subscription({"orders"}));
  EXPECT_EQ(State("g"), GroupState::kCompletingRebalance);

  auto sync = Sync("g", id, 1, {{id, "p0-3"}});
  ASSERT_TRUE(sync->has_value());
  EXPECT_EQ((*sync)->error_code, 0);
  EXPECT_EQ((*sync)->assignment, ToBytes("p0-3"));
  EXPECT_EQ(State("g"), GroupState::kStable);
  EXPECT_EQ(Heartbeat("g", id, 1), 0);
}

TEST_F(GroupCoordinatorTest, OldJoinGroupVersionsJoinWithoutMemberIdRequired) {
  auto join = Join("g", "", std::nullopt, /*version=*/3);
  EXPECT_FALSE(join->has_value());
  Advance(3000);
  ASSERT_TRUE(join->has_value());
  EXPECT_EQ((*join)->error_code, 0);
  EXPECT_FALSE((*join)->member_id.empty());
}

TEST_F(GroupCoordinatorTest, MembersArrivingDuringTheDelayShareOneGenerationAndTheLeaderAssigns) {
  std::string a, b, c;
  auto ja = JoinDynamic("g", &a);
  Advance(1000);
  auto jb = JoinDynamic("g", &b);
  Advance(1000);
  auto jc = JoinDynamic("g", &c);
  Advance(1000);  // the first delay ends, but members were added: it is extended once more
  EXPECT_FALSE(ja->has_value());
  Advance(3000);
  ASSERT_TRUE(ja->has_value() && jb->has_value() && jc->has_value());
  for (const auto& j : {ja, jb, jc}) {
    EXPECT_EQ((*j)->error_code, 0);
    EXPECT_EQ((*j)->generation_id, 1);
    EXPECT_EQ((*j)->leader, a);
  }
  EXPECT_EQ((*ja)->members.size(), 3u);
  EXPECT_TRUE((*jb)->members.empty()) << "followers do not see the members";

  auto sb = Sync("g", b, 1);
  auto sc = Sync("g", c, 1);
  EXPECT_FALSE(sb->has_value()) << "followers wait for the leader's assignment";
  EXPECT_EQ(Heartbeat("g", b, 1), 0) << "heartbeat between join and sync is fine";
  auto sa = Sync("g", a, 1, {{a, "A"}, {b, "B"}});
  ASSERT_TRUE(sa->has_value() && sb->has_value() && sc->has_value());
  EXPECT_EQ((*sa)->assignment, ToBytes("A"));
  EXPECT_EQ((*sb)->assignment, ToBytes("B"));
  EXPECT_TRUE((*sc)->assignment.empty()) << "a member the leader left out gets nothing";
  EXPECT_EQ(State("g"), GroupState::kStable);
}

TEST_F(GroupCoordinatorTest, ProtocolSelectionUsesWhatEveryMemberSupports) {
  std::string a, b;
  auto first = Join("g", "", std::nullopt, 5, {"cooperative-sticky", "range"});
  a = (*first)->member_id;
  auto ja = Join("g", a, std::nullopt, 5, {"cooperative-sticky", "range"});
  auto second = Join("g", "", std::nullopt, 5, {"range", "roundrobin"});
  b = (*second)->member_id;
  auto jb = Join("g", b, std::nullopt, 5, {"range", "roundrobin"});
  Advance(6000);  // the second member extended the initial delay once
  ASSERT_TRUE(ja->has_value() && jb->has_value());
  EXPECT_EQ((*ja)->protocol_name, "range");

  // A member with nothing in common, or another protocol type, is refused.
  auto none = Join("g", "", std::nullopt, 5, {"roundrobin"});
  EXPECT_EQ((*none)->error_code, Code(ErrorCode::kInconsistentGroupProtocol));
  auto other_type = Join("g", "", std::nullopt, 5, {"range"}, "connect");
  EXPECT_EQ((*other_type)->error_code, Code(ErrorCode::kInconsistentGroupProtocol));
  EXPECT_EQ(State("g"), GroupState::kCompletingRebalance) << "the group is unharmed";
}

TEST_F(GroupCoordinatorTest, HeartbeatErrorsAreKafkas) {
  auto [id, generation] = StableGroupOfOne("g");
  EXPECT_EQ(Heartbeat("g", id, generation), 0);
  EXPECT_EQ(Heartbeat("g", id, generation - 1), Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(Heartbeat("g", "nobody", generation), Code(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(Heartbeat("unknown-group", id, generation), Code(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(Heartbeat("", id, generation), Code(ErrorCode::kInvalidGroupId));
  EXPECT_EQ(State("g"), GroupState::kStable);
  EXPECT_EQ(Heartbeat("g", id, generation), 0) << "the bad requests did no harm";

  // A new member starts a rebalance: the old member learns it from its heartbeat.
  std::string other;
  auto join = JoinDynamic("g", &other);
  EXPECT_EQ(Heartbeat("g", id, generation), Code(ErrorCode::kRebalanceInProgress));
}

TEST_F(GroupCoordinatorTest, SessionTimeoutRemovesADeadMemberAndTheRestRebalance) {
  std::string a, b;
  auto ja = JoinDynamic("g", &a);
  auto jb = JoinDynamic("g", &b);
  Advance(6000);  // the second member extended the initial delay once
  ASSERT_TRUE(ja->has_value() && jb->has_value());
  Sync("g", b, 1);
  Sync("g", a, 1, {{a, "A"}, {b, "B"}});
  ASSERT_EQ(State("g"), GroupState::kStable);

  // `a` keeps heartbeating, `b` goes silent.
  for (int i = 0; i < 3; ++i) {
    Advance(3000);
    EXPECT_EQ(Heartbeat("g", a, 1), 0);
  }
  Advance(1001);  // b's 10 s session has passed
  EXPECT_EQ(Heartbeat("g", a, 1), Code(ErrorCode::kRebalanceInProgress));
  EXPECT_EQ(coordinator_->FindGroup("g")->members.count(b), 0u);
  auto rejoin = Join("g", a);
  ASSERT_TRUE(rejoin->has_value()) << "every remaining member rejoined: no need to wait";
  EXPECT_EQ((*rejoin)->generation_id, 2);
  EXPECT_EQ((*rejoin)->members.size(), 1u);
}

TEST_F(GroupCoordinatorTest, MembersThatDoNotRejoinAreDroppedAfterTheRebalanceTimeout) {
  std::string a, b;
  auto ja = JoinDynamic("g", &a);
  auto jb = JoinDynamic("g", &b);
  Advance(6000);  // the second member extended the initial delay once
  Sync("g", b, 1);
  Sync("g", a, 1, {{a, "A"}, {b, "B"}});
  // A third member arrives; `b` keeps heartbeating but never rejoins.
  std::string c;
  auto jc = JoinDynamic("g", &c);
  auto ja2 = Join("g", a);
  for (int t = 0; t < 30000; t += 5000) {
    Advance(5000);
    Heartbeat("g", b, 1);
  }
  ASSERT_TRUE(ja2->has_value() && jc->has_value());
  EXPECT_EQ((*ja2)->generation_id, 2);
  EXPECT_EQ((*ja2)->members.size(), 2u);
  EXPECT_EQ(Heartbeat("g", b, 1), Code(ErrorCode::kUnknownMemberId));
}

TEST_F(GroupCoordinatorTest, LeavingRebalancesTheRestAndTheLastLeaveEmptiesTheGroup) {
  std::string a, b;
  auto ja = JoinDynamic("g", &a);
  auto jb = JoinDynamic("g", &b);
  Advance(6000);  // the second member extended the initial delay once
  Sync("g", b, 1);
  Sync("g", a, 1, {{a, "A"}, {b, "B"}});

  protocol::LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.member_id = a;
  EXPECT_EQ(coordinator_->LeaveGroup(leave, Info(1)).error_code, 0);
  EXPECT_EQ(Heartbeat("g", b, 1), Code(ErrorCode::kRebalanceInProgress));
  auto jb2 = Join("g", b);
  ASSERT_TRUE(jb2->has_value());
  EXPECT_EQ((*jb2)->generation_id, 2);
  EXPECT_EQ((*jb2)->leader, b) << "the leader left: the remaining member leads";

  // v3+ names members; an unknown one gets its own error.
  protocol::LeaveGroupRequest batch;
  batch.group_id = "g";
  batch.members.push_back({b, std::nullopt, std::nullopt, {}});
  batch.members.push_back({"ghost", std::nullopt, std::nullopt, {}});
  auto left = coordinator_->LeaveGroup(batch, Info(3));
  EXPECT_EQ(left.error_code, 0);
  ASSERT_EQ(left.members.size(), 2u);
  EXPECT_EQ(left.members[0].error_code, 0);
  EXPECT_EQ(left.members[1].error_code, Code(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(State("g"), GroupState::kEmpty);
  EXPECT_EQ(coordinator_->FindGroup("g")->generation, 3);
}

TEST_F(GroupCoordinatorTest, StaticMemberRestartingWithinItsSessionKeepsItsAssignment) {
  auto ja = Join("g", "", std::string("instance-a"));
  auto jb = Join("g", "", std::string("instance-b"));
  Advance(6000);  // the second member extended the initial delay once
  ASSERT_TRUE(ja->has_value() && jb->has_value());
  EXPECT_EQ((*ja)->error_code, 0) << "static members need no MEMBER_ID_REQUIRED round";
  std::string a = (*ja)->member_id, b = (*jb)->member_id;
  EXPECT_EQ(a.rfind("instance-a-", 0), 0u);
  std::string leader = (*ja)->leader;
  Sync("g", leader == a ? b : a, 1);
  Sync("g", leader, 1, {{a, "A"}, {b, "B"}});
  ASSERT_EQ(State("g"), GroupState::kStable);

  // instance-b restarts: it joins with no member id and the same instance id.
  auto jb2 = Join("g", "", std::string("instance-b"));
  ASSERT_TRUE(jb2->has_value()) << "no rebalance: answered at once";
  EXPECT_EQ((*jb2)->error_code, 0);
  EXPECT_EQ((*jb2)->generation_id, 1);
  std::string b2 = (*jb2)->member_id;
  EXPECT_NE(b2, b);
  EXPECT_EQ(State("g"), GroupState::kStable);
  auto sb2 = Sync("g", b2, 1, {}, std::string("instance-b"));
  ASSERT_TRUE(sb2->has_value());
  EXPECT_EQ((*sb2)->assignment, ToBytes("B"));
  EXPECT_EQ(Heartbeat("g", a, 1, std::string("instance-a")), 0) << "the others did not rebalance";
  // The old incarnation is fenced.
  EXPECT_EQ(Heartbeat("g", b, 1, std::string("instance-b")), Code(ErrorCode::kFencedInstanceId));
  EXPECT_EQ(CommitError("g", b, 1), Code(ErrorCode::kUnknownMemberId));
}

TEST_F(GroupCoordinatorTest, JoinGroupValidation) {
  auto bad_session = Join("g", "", std::nullopt, 5, {"range"}, "consumer", {}, /*session=*/1000);
  EXPECT_EQ((*bad_session)->error_code, Code(ErrorCode::kInvalidSessionTimeout));
  auto unknown = Join("g", "not-a-member");
  EXPECT_EQ((*unknown)->error_code, Code(ErrorCode::kUnknownMemberId));
  auto no_id = Join("", "");
  EXPECT_EQ((*no_id)->error_code, Code(ErrorCode::kInvalidGroupId));

  coordinator_.reset();
  options_.max_group_size = 1;
  Start();
  std::string a;
  JoinDynamic("g", &a);
  auto second = Join("g", "");
  EXPECT_EQ((*second)->error_code, Code(ErrorCode::kGroupMaxSizeReached));
}

TEST_F(GroupCoordinatorTest, OffsetCommitChecksGenerationAndMember) {
  auto [id, generation] = StableGroupOfOne("g");
  EXPECT_EQ(CommitError("g", id, generation), 0);
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
  EXPECT_EQ(CommitError("g", id, generation + 1), Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(CommitError("g", "fenced-or-unknown", generation), Code(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(CommitError("g", "", -1), Code(ErrorCode::kUnknownMemberId))
      << "an active group takes no anonymous commits";
  EXPECT_EQ(CommitError("g", id, generation, "no-such-topic"),
            Code(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_EQ(CommitError("g", id, generation, "orders", 9),
            Code(ErrorCode::kUnknownTopicOrPartition));
  auto big = Commit("g", id, generation, "orders", 1, 5, std::string(5000, 'm'));
  EXPECT_EQ(big.topics[0].partitions[0].error_code, Code(ErrorCode::kOffsetMetadataTooLarge));
  EXPECT_EQ(Fetch("g", "orders", 1).first, -1);

  // During CompletingRebalance the old assignment is void.
  std::string other;
  JoinDynamic("g", &other);
  auto rejoin = Join("g", id);
  ASSERT_TRUE(rejoin->has_value());
  EXPECT_EQ(CommitError("g", id, (*rejoin)->generation_id), Code(ErrorCode::kRebalanceInProgress));
}

TEST_F(GroupCoordinatorTest, StandaloneCommitsNeedNoMembership) {
  EXPECT_EQ(CommitError("manual", "", -1, "orders", 3), 0);
  EXPECT_EQ(Fetch("manual", "orders", 3).first, 42);
  EXPECT_EQ(Fetch("manual", "orders", 2).first, -1);
  EXPECT_EQ(Fetch("never-seen", "orders", 0), (std::pair<int64_t, int16_t>(-1, 0)));
  EXPECT_EQ(CommitError("other", "m", 5), Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(State("manual"), GroupState::kEmpty);
}

TEST_F(GroupCoordinatorTest, GroupsAndOffsetsSurviveARestart) {
  auto [id, generation] = StableGroupOfOne("g");
  auto c = Commit("g", id, generation, "orders", 2, 1234, "checkpoint");
  ASSERT_EQ(c.topics[0].partitions[0].error_code, 0);
  ASSERT_EQ(CommitError("manual", "", -1, "audit", 1), 0);

  Restart();
  EXPECT_TRUE(coordinator_->IsLoading("g"));
  EXPECT_EQ(Heartbeat("g", id, generation), Code(ErrorCode::kCoordinatorLoadInProgress));
  EXPECT_EQ(Fetch("g", "orders", 2).second, Code(ErrorCode::kCoordinatorLoadInProgress));
  WaitLoaded("g");
  WaitLoaded("manual");

  EXPECT_EQ(Fetch("g", "orders", 2).first, 1234);
  EXPECT_EQ(Fetch("manual", "audit", 1).first, 42);
  EXPECT_EQ(State("g"), GroupState::kStable);
  EXPECT_EQ(Heartbeat("g", id, generation), 0) << "members carry on across a broker restart";
  auto sync = Sync("g", id, generation);
  ASSERT_TRUE(sync->has_value());
  EXPECT_EQ((*sync)->assignment, ToBytes("all"));

  // A member that does not come back is expired by its session timeout.
  Advance(10001);
  EXPECT_EQ(coordinator_->FindGroup("g")->members.size(), 0u);
  EXPECT_EQ(State("g"), GroupState::kEmpty);
}

TEST_F(GroupCoordinatorTest, UnreadableRecordsAreSkippedOnLoad) {
  ASSERT_EQ(CommitError("manual", "", -1, "orders", 0), 0);
  ASSERT_EQ(coordinator_->EnsureOffsetsTopic(), ErrorCode::kNone);
  // Garbage in every partition of __consumer_offsets: an unknown key version and a cut value.
  for (int32_t p = 0; p < coordinator_->offsets_partitions(); ++p) {
    record::RecordBatchBuilder builder;
    builder.Add(now_, AsBytes(std::string_view("\x00\x07junk", 6)), AsBytes("value"));
    Bytes key = OffsetCommitKeyBytes("manual", "orders", 1);
    builder.Add(now_, ByteView(key), AsBytes(std::string_view("\x00\x03\x00", 3)));
    Bytes batch = *builder.Build();
    ASSERT_TRUE(topics_->GetLog("__consumer_offsets", p)->Append(batch).ok());
  }
  Restart();
  WaitLoaded("manual");
  EXPECT_EQ(Fetch("manual", "orders", 0).first, 42);
  EXPECT_EQ(Fetch("manual", "orders", 1).first, -1);
}

TEST_F(GroupCoordinatorTest, OffsetsOfAnEmptyGroupExpireAfterTheRetention) {
  options_.offsets_retention_ms = 60000;
  coordinator_.reset();
  Start();
  auto [id, generation] = StableGroupOfOne("g");
  ASSERT_EQ(CommitError("g", id, generation), 0);
  ASSERT_EQ(CommitError("manual", "", -1), 0);
  for (int i = 0; i < 24; ++i) {  // two minutes, the member alive
    Advance(5000);
    ASSERT_EQ(Heartbeat("g", id, generation), 0);
  }
  // A Stable group keeps the offsets of the topics it reads.
  EXPECT_EQ(coordinator_->ExpireOffsets(), 1) << "only the standalone group's offset";
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
  EXPECT_EQ(coordinator_->FindGroup("manual"), nullptr) << "nothing left: the group is gone";

  protocol::LeaveGroupRequest leave;
  leave.group_id = "g";
  leave.member_id = id;
  coordinator_->LeaveGroup(leave, Info(1));
  ASSERT_EQ(State("g"), GroupState::kEmpty);
  Advance(59000);
  EXPECT_EQ(coordinator_->ExpireOffsets(), 0);
  Advance(1000);
  EXPECT_EQ(coordinator_->ExpireOffsets(), 1);
  EXPECT_EQ(coordinator_->FindGroup("g"), nullptr);

  Restart();
  WaitLoaded("g");
  EXPECT_EQ(Fetch("g", "orders", 0).first, -1) << "the tombstones survive a restart";
  EXPECT_EQ(coordinator_->FindGroup("g"), nullptr);
}

TEST_F(GroupCoordinatorTest, DeleteGroupsOnlyDeletesEmptyGroups) {
  auto [id, generation] = StableGroupOfOne("active");
  ASSERT_EQ(CommitError("idle", "", -1), 0);
  protocol::DeleteGroupsRequest r;
  r.groups_names = {"active", "idle", "missing"};
  auto response = coordinator_->DeleteGroups(r, Info(1));
  ASSERT_EQ(response.results.size(), 3u);
  EXPECT_EQ(response.results[0].error_code, Code(ErrorCode::kNonEmptyGroup));
  EXPECT_EQ(response.results[1].error_code, 0);
  EXPECT_EQ(response.results[2].error_code, Code(ErrorCode::kGroupIdNotFound));
  EXPECT_EQ(Fetch("idle", "orders", 0).first, -1);
  EXPECT_EQ(State("active"), GroupState::kStable);

  Restart();
  WaitLoaded("idle");
  WaitLoaded("active");  // each group's partition loads on its own
  EXPECT_EQ(Fetch("idle", "orders", 0).first, -1);
  protocol::ListGroupsRequest list;
  auto listed = coordinator_->ListGroups(list, Info(3));
  ASSERT_EQ(listed.groups.size(), 1u);
  EXPECT_EQ(listed.groups[0].group_id, "active");
}

TEST_F(GroupCoordinatorTest, OffsetDeleteRefusesTopicsTheGroupStillReads) {
  auto [id, generation] = StableGroupOfOne("g");  // subscribed to "orders"
  ASSERT_EQ(CommitError("g", id, generation, "orders", 0), 0);
  ASSERT_EQ(CommitError("g", id, generation, "audit", 0), 0);
  protocol::OffsetDeleteRequest r;
  r.group_id = "g";
  for (const char* topic : {"orders", "audit"}) {
    auto& t = r.topics.emplace_back();
    t.name = topic;
    t.partitions.push_back({0, {}});
  }
  auto response = coordinator_->DeleteOffsets(r, Info(0));
  EXPECT_EQ(response.error_code, 0);
  EXPECT_EQ(response.topics[0].partitions[0].error_code, Code(ErrorCode::kGroupSubscribedToTopic));
  EXPECT_EQ(response.topics[1].partitions[0].error_code, 0);
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
  EXPECT_EQ(Fetch("g", "audit", 0).first, -1);

  r.group_id = "missing";
  EXPECT_EQ(coordinator_->DeleteOffsets(r, Info(0)).error_code, Code(ErrorCode::kGroupIdNotFound));
}

TEST_F(GroupCoordinatorTest, DescribeAndListGroups) {
  auto [id, generation] = StableGroupOfOne("g");
  ASSERT_EQ(CommitError("manual", "", -1), 0);
  protocol::DescribeGroupsRequest d;
  d.groups = {"g", "missing"};
  auto described = coordinator_->DescribeGroups(d, Info(5));
  ASSERT_EQ(described.groups.size(), 2u);
  const auto& g = described.groups[0];
  EXPECT_EQ(g.error_code, 0);
  EXPECT_EQ(g.group_state, "Stable");
  EXPECT_EQ(g.protocol_type, "consumer");
  EXPECT_EQ(g.protocol_data, "range");
  ASSERT_EQ(g.members.size(), 1u);
  EXPECT_EQ(g.members[0].member_id, id);
  EXPECT_EQ(g.members[0].client_id, "client");
  EXPECT_EQ(g.members[0].client_host, "/127.0.0.1");
  EXPECT_EQ(g.members[0].member_metadata, Subscription({"orders"}));
  EXPECT_EQ(g.members[0].member_assignment, ToBytes("all"));
  EXPECT_EQ(described.groups[1].group_state, "Dead");

  protocol::ListGroupsRequest l;
  auto listed = coordinator_->ListGroups(l, Info(4));
  ASSERT_EQ(listed.groups.size(), 2u);
  EXPECT_EQ(listed.groups[0].group_id, "g");
  EXPECT_EQ(listed.groups[1].group_id, "manual");
  EXPECT_EQ(listed.groups[1].protocol_type, "");
  l.states_filter = {"empty"};
  listed = coordinator_->ListGroups(l, Info(4));
  ASSERT_EQ(listed.groups.size(), 1u);
  EXPECT_EQ(listed.groups[0].group_id, "manual");
  EXPECT_EQ(listed.groups[0].group_state, "Empty");
}

// ---------------------------------------------------------------------------------------------
// Transactional offsets (TxnOffsetCommit and the markers)

TEST_F(GroupCoordinatorTest, TxnOffsetsStayInvisibleUntilTheCommitMarker) {
  ASSERT_EQ(TxnCommit("g", 7, 0, 42), 0);
  EXPECT_TRUE(coordinator_->HasPendingTxnOffsets("g"));
  EXPECT_EQ(Fetch("g", "orders", 0).first, -1) << "pending offsets are not committed ones";
  EXPECT_EQ(State("g"), GroupState::kEmpty) << "a missing group is created Empty";

  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/true).ok());
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("g"));
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
  EXPECT_EQ(coordinator_->FindGroup("g")->offsets.at({"orders", 0}).metadata, "txn");
}

TEST_F(GroupCoordinatorTest, AbortMarkerDropsTxnOffsets) {
  ASSERT_EQ(CommitError("g", "", -1), 0);  // 42 committed the plain way
  ASSERT_EQ(TxnCommit("g", 7, 0, 100), 0);
  ASSERT_EQ(TxnCommit("g", 7, 0, 50, "", -1, "orders", 1), 0);
  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/false).ok());
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("g"));
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
  EXPECT_EQ(Fetch("g", "orders", 1).first, -1);
}

TEST_F(GroupCoordinatorTest, MarkersEndOnlyTheirProducersTransaction) {
  ASSERT_EQ(TxnCommit("g", 7, 0, 42), 0);
  ASSERT_EQ(TxnCommit("g", 8, 0, 99, "", -1, "orders", 1), 0);
  ASSERT_TRUE(Marker("g", 8, 0, /*commit=*/true).ok());
  EXPECT_EQ(Fetch("g", "orders", 1).first, 99);
  EXPECT_EQ(Fetch("g", "orders", 0).first, -1);
  EXPECT_TRUE(coordinator_->HasPendingTxnOffsets("g")) << "producer 7's transaction is open";
  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/true).ok());
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
}

TEST_F(GroupCoordinatorTest, RequireStableAnswersUnstableOffsetCommitWhileATransactionHoldsIt) {
  ASSERT_EQ(CommitError("g", "", -1), 0);
  ASSERT_EQ(TxnCommit("g", 7, 0, 100), 0);
  EXPECT_EQ(FetchStable("g", "orders", 0),
            std::make_pair(int64_t{-1}, Code(ErrorCode::kUnstableOffsetCommit)));
  EXPECT_EQ(FetchStable("g", "orders", 0, /*require_stable=*/false),
            std::make_pair(int64_t{42}, int16_t{0}));
  EXPECT_EQ(FetchStable("g", "orders", 1), std::make_pair(int64_t{-1}, int16_t{0}))
      << "only the partitions the transaction holds";

  // All partitions (null topics), v7: the pending partition is listed with the error.
  protocol::OffsetFetchRequest all;
  all.group_id = "g";
  all.topics = std::nullopt;
  all.require_stable = true;
  ASSERT_EQ(TxnCommit("g", 7, 0, 7, "", -1, "audit", 1), 0);
  auto response = coordinator_->FetchOffsets(all, Info(7));
  ASSERT_EQ(response.topics.size(), 2u);
  EXPECT_EQ(response.topics[0].name, "audit");
  EXPECT_EQ(response.topics[0].partitions.at(0).error_code, Code(ErrorCode::kUnstableOffsetCommit));
  EXPECT_EQ(response.topics[1].partitions.at(0).error_code, Code(ErrorCode::kUnstableOffsetCommit));

  // v8: per partition inside the group's entry.
  protocol::OffsetFetchRequest batched;
  auto& g = batched.groups.emplace_back();
  g.group_id = "g";
  g.topics.emplace();
  auto& t = g.topics->emplace_back();
  t.name = "orders";
  t.partition_indexes = {0, 1};
  batched.require_stable = true;
  auto v8 = coordinator_->FetchOffsets(batched, Info(8));
  ASSERT_EQ(v8.groups.size(), 1u);
  EXPECT_EQ(v8.groups[0].error_code, 0);
  EXPECT_EQ(v8.groups[0].topics.at(0).partitions.at(0).error_code,
            Code(ErrorCode::kUnstableOffsetCommit));
  EXPECT_EQ(v8.groups[0].topics.at(0).partitions.at(1).error_code, 0);

  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/true).ok());
  EXPECT_EQ(FetchStable("g", "orders", 0), std::make_pair(int64_t{100}, int16_t{0}));
  EXPECT_EQ(FetchStable("g", "audit", 1), std::make_pair(int64_t{7}, int16_t{0}));
}

TEST_F(GroupCoordinatorTest, TxnOffsetCommitChecksMemberAndGeneration) {
  auto [id, generation] = StableGroupOfOne("g");
  EXPECT_EQ(TxnCommit("g", 7, 0, 42, id, generation + 1), Code(ErrorCode::kIllegalGeneration));
  EXPECT_EQ(TxnCommit("g", 7, 0, 42, id, -1), Code(ErrorCode::kIllegalGeneration))
      << "a member id commits with its generation (Kafka's validateOffsetCommit)";
  EXPECT_EQ(TxnCommit("g", 7, 0, 42, "nobody", generation), Code(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(TxnCommit("g", 7, 0, 42, "", generation), Code(ErrorCode::kUnknownMemberId));
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("g"));
  EXPECT_EQ(TxnCommit("g", 7, 0, 42, id, generation), 0);
  // Without member information (v0-2, or a producer outside the group) nothing is checked, even
  // in a group with members: older clients cannot send it.
  EXPECT_EQ(TxnCommit("g", 7, 0, 43, "", -1, "orders", 1), 0);
  EXPECT_TRUE(coordinator_->HasPendingTxnOffsets("g"));
  EXPECT_EQ(TxnCommit("missing", 7, 0, 42, "someone", 1), Code(ErrorCode::kUnknownMemberId));
  EXPECT_EQ(coordinator_->FindGroup("missing"), nullptr) << "a rejected commit leaves no group";
}

TEST_F(GroupCoordinatorTest, TxnOffsetCommitNeedsAProducerId) {
  EXPECT_EQ(TxnCommit("g", -1, -1, 42), Code(ErrorCode::kInvalidRequest));
  EXPECT_EQ(coordinator_->FindGroup("g"), nullptr);
}

TEST_F(GroupCoordinatorTest, FencedStaticMemberCannotCommitTxnOffsets) {
  auto first = Join("g", "", "instance-1");
  Advance(options_.initial_rebalance_delay_ms);
  ASSERT_TRUE(first->has_value());
  std::string old_id = (*first)->member_id;
  int32_t generation = (*first)->generation_id;
  auto sync = Sync("g", old_id, generation, {{old_id, "all"}}, "instance-1");
  ASSERT_TRUE(sync->has_value());
  auto again = Join("g", "", "instance-1");  // the instance restarts: a new member id
  ASSERT_TRUE(again->has_value());
  ASSERT_NE((*again)->member_id, old_id);
  EXPECT_EQ(TxnCommit("g", 7, 0, 42, old_id, generation, "orders", 0, "instance-1"),
            Code(ErrorCode::kFencedInstanceId));
  EXPECT_EQ(TxnCommit("g", 7, 0, 42, (*again)->member_id, (*again)->generation_id, "orders", 0,
                      "instance-1"),
            0);
}

TEST_F(GroupCoordinatorTest, TxnOffsetCommitWithoutMemberIsAcceptedOnAnEmptyGroup) {
  ASSERT_EQ(CommitError("g", "", -1), 0);
  ASSERT_EQ(State("g"), GroupState::kEmpty);
  EXPECT_EQ(TxnCommit("g", 7, 0, 50, "", -1), 0);
  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/true).ok());
  EXPECT_EQ(Fetch("g", "orders", 0).first, 50);
}

TEST_F(GroupCoordinatorTest, TxnOffsetCommitIsAcceptedDuringARebalance) {
  auto [id, generation] = StableGroupOfOne("g");
  std::string other;
  auto joining = JoinDynamic("g", &other);
  ASSERT_EQ(State("g"), GroupState::kPreparingRebalance);
  EXPECT_EQ(CommitError("g", id, generation), 0) << "OffsetCommit is accepted here too";
  EXPECT_EQ(TxnCommit("g", 7, 0, 42, id, generation), 0);

  auto rejoin = Join("g", id);
  ASSERT_TRUE(rejoin->has_value());
  ASSERT_EQ(State("g"), GroupState::kCompletingRebalance);
  int32_t next = (*rejoin)->generation_id;
  EXPECT_EQ(CommitError("g", id, next), Code(ErrorCode::kRebalanceInProgress));
  EXPECT_EQ(TxnCommit("g", 7, 0, 43, id, next), 0) << "unlike OffsetCommit";
  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/true).ok());
  EXPECT_EQ(Fetch("g", "orders", 0).first, 43);
}

TEST_F(GroupCoordinatorTest, MetadataTooLargeIsPerPartition) {
  options_.offset_metadata_max_bytes = 2;
  coordinator_.reset();
  Start();
  EXPECT_EQ(TxnCommit("g", 7, 0, 42), Code(ErrorCode::kOffsetMetadataTooLarge));
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("g"));
}

TEST_F(GroupCoordinatorTest, AnOlderProducerEpochIsFenced) {
  ASSERT_EQ(TxnCommit("g", 7, 1, 42), 0);
  ASSERT_TRUE(Marker("g", 7, 1, /*commit=*/true).ok());
  EXPECT_EQ(TxnCommit("g", 7, 0, 50), Code(ErrorCode::kInvalidProducerEpoch));
  Status stale = Marker("g", 7, 0, /*commit=*/false);
  EXPECT_EQ(stale.code(), StatusCode::kFailedPrecondition) << stale.ToString();
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("g"));
}

TEST_F(GroupCoordinatorTest, APlainCommitWrittenAfterTheTransactionalOneWins) {
  // Kafka's rule: the newer record in __consumer_offsets, not the marker's position.
  ASSERT_EQ(TxnCommit("g", 7, 0, 100), 0);
  ASSERT_EQ(CommitError("g", "", -1), 0);  // 42, after the transactional record
  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/true).ok());
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
  ASSERT_EQ(TxnCommit("g", 7, 0, 200), 0);
  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/true).ok());
  EXPECT_EQ(Fetch("g", "orders", 0).first, 200);

  Restart();
  WaitLoaded("g");
  EXPECT_EQ(Fetch("g", "orders", 0).first, 200) << "the replay applies the same rule";
}

TEST_F(GroupCoordinatorTest, TransactionsAreReplayedAfterARestart) {
  ASSERT_EQ(TxnCommit("committed", 1, 0, 11), 0);
  ASSERT_TRUE(Marker("committed", 1, 0, /*commit=*/true).ok());
  ASSERT_EQ(CommitError("aborted", "", -1), 0);  // 42
  ASSERT_EQ(TxnCommit("aborted", 2, 0, 22), 0);
  ASSERT_TRUE(Marker("aborted", 2, 0, /*commit=*/false).ok());
  ASSERT_EQ(TxnCommit("open", 3, 0, 33), 0);
  ASSERT_EQ(CommitError("committed", "", -1, "audit", 0), 0);  // plain commits after them

  Restart();
  for (const char* group : {"committed", "aborted", "open"}) WaitLoaded(group);
  EXPECT_EQ(Fetch("committed", "orders", 0).first, 11);
  EXPECT_EQ(Fetch("committed", "audit", 0).first, 42);
  EXPECT_EQ(Fetch("aborted", "orders", 0).first, 42);
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("committed"));
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("aborted"));
  // The open transaction stays pending until the transaction coordinator ends it.
  EXPECT_TRUE(coordinator_->HasPendingTxnOffsets("open"));
  EXPECT_EQ(FetchStable("open", "orders", 0).second, Code(ErrorCode::kUnstableOffsetCommit));
  ASSERT_TRUE(Marker("open", 3, 0, /*commit=*/true).ok());
  EXPECT_EQ(FetchStable("open", "orders", 0), std::make_pair(int64_t{33}, int16_t{0}));

  Restart();
  WaitLoaded("open");
  EXPECT_EQ(Fetch("open", "orders", 0).first, 33);
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("open"));
}

TEST_F(GroupCoordinatorTest, AMarkerWrittenWhileThePartitionLoadsIsAppliedWhenItIsInstalled) {
  ASSERT_EQ(TxnCommit("g", 7, 0, 42), 0);
  ASSERT_EQ(TxnCommit("h", 8, 0, 43), 0);
  Restart();
  // Hold the installs: the loader has read every partition (the markers below are not in what it
  // read) but the loop has not installed them.
  for (int i = 0; i < 2000; ++i) {
    {
      std::lock_guard lock(mutex_);
      if (static_cast<int32_t>(posted_.size()) == coordinator_->offsets_partitions()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(coordinator_->IsLoading("g"));
  EXPECT_EQ(TxnCommit("g", 7, 0, 50), Code(ErrorCode::kCoordinatorLoadInProgress));
  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/true).ok());
  ASSERT_TRUE(Marker("h", 8, 0, /*commit=*/false).ok());
  WaitLoaded("g");
  WaitLoaded("h");
  EXPECT_EQ(Fetch("g", "orders", 0).first, 42);
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("g"));
  EXPECT_EQ(Fetch("h", "orders", 0).first, -1);
  EXPECT_FALSE(coordinator_->HasPendingTxnOffsets("h"));
}

TEST_F(GroupCoordinatorTest, WriteTxnMarkerNeedsTheOffsetsTopic) {
  Status missing = coordinator_->WriteTxnMarker(0, ProducerId(7), ProducerEpoch(0), 0, true);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound) << missing.ToString();
  ASSERT_EQ(coordinator_->EnsureOffsetsTopic(), ErrorCode::kNone);
  Status outside = coordinator_->WriteTxnMarker(coordinator_->offsets_partitions(), ProducerId(7),
                                                ProducerEpoch(0), 0, true);
  EXPECT_EQ(outside.code(), StatusCode::kInvalidArgument) << outside.ToString();
  EXPECT_TRUE(coordinator_->WriteTxnMarker(0, ProducerId(7), ProducerEpoch(0), 0, true).ok())
      << "a marker with nothing pending";
}

TEST_F(GroupCoordinatorTest, PendingTxnOffsetsKeepTheirGroup) {
  options_.offsets_retention_ms = 60000;
  coordinator_.reset();
  Start();
  ASSERT_EQ(TxnCommit("g", 7, 0, 42), 0);
  protocol::DeleteGroupsRequest r;
  r.groups_names = {"g"};
  EXPECT_EQ(coordinator_->DeleteGroups(r, Info(1)).results.at(0).error_code,
            Code(ErrorCode::kNonEmptyGroup));
  Advance(60001);
  EXPECT_EQ(coordinator_->ExpireOffsets(), 0);
  ASSERT_NE(coordinator_->FindGroup("g"), nullptr) << "expiry does not forget it";
  EXPECT_TRUE(coordinator_->HasPendingTxnOffsets("g"));

  ASSERT_TRUE(Marker("g", 7, 0, /*commit=*/false).ok());
  EXPECT_EQ(coordinator_->DeleteGroups(r, Info(1)).results.at(0).error_code, 0);
  EXPECT_EQ(coordinator_->FindGroup("g"), nullptr);
}

}  // namespace
}  // namespace brook::broker::coordinator
