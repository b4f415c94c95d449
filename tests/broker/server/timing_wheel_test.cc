#include "broker/server/timing_wheel.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "broker/server/delayed_operation.h"

namespace brook::broker::server {
namespace {

TEST(TimingWheelTest, TasksRunWhenTheirTimeComesAndNotBefore) {
  TimingWheel wheel(1000);
  std::vector<int> ran;
  wheel.Schedule(1005, [&] { ran.push_back(5); });
  wheel.Schedule(1002, [&] { ran.push_back(2); });
  wheel.Schedule(1500, [&] { ran.push_back(500); });
  EXPECT_EQ(wheel.Advance(1001), 0u);
  EXPECT_EQ(wheel.Advance(1004), 1u);
  EXPECT_EQ(ran, std::vector<int>({2}));
  wheel.Advance(1499);
  EXPECT_EQ(ran, std::vector<int>({2, 5}));
  wheel.Advance(1500);
  EXPECT_EQ(ran, std::vector<int>({2, 5, 500}));
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_FALSE(wheel.NextExpiration().has_value());
}

TEST(TimingWheelTest, CancelledTasksDoNotRun) {
  TimingWheel wheel(0);
  bool ran = false;
  auto id = wheel.Schedule(10, [&] { ran = true; });
  EXPECT_TRUE(wheel.Cancel(id));
  EXPECT_FALSE(wheel.Cancel(id));
  wheel.Advance(100);
  EXPECT_FALSE(ran);
}

TEST(TimingWheelTest, PastDeadlinesRunOnTheNextAdvance) {
  TimingWheel wheel(100);
  int ran = 0;
  wheel.Schedule(50, [&] { ++ran; });
  EXPECT_EQ(wheel.NextExpiration(), 100);
  wheel.Advance(100);
  EXPECT_EQ(ran, 1);
}

TEST(TimingWheelTest, RandomScheduleAgreesWithASortedModel) {
  // Deadlines spanning several levels (1 ms to ~2 hours), advanced in random steps: each task
  // runs at the first Advance at or after its deadline, never earlier, never twice.
  std::mt19937_64 rng(5);
  int64_t now = 1'700'000'000'000;
  TimingWheel wheel(now);
  std::map<int, int64_t> deadline;
  std::map<int, int64_t> ran_at;
  std::set<int> cancelled;
  std::map<int, TimingWheel::TaskId> ids;
  std::vector<int64_t> advances;  // every time passed to Advance, increasing
  for (int i = 0; i < 5000; ++i) {
    int64_t delay = static_cast<int64_t>(rng() % 7'200'000) >> (rng() % 20);
    deadline[i] = now + delay;
    ids[i] = wheel.Schedule(now + delay, [&, i] {
      EXPECT_EQ(ran_at.count(i), 0u);
      ran_at[i] = wheel.now_ms();
    });
    if (rng() % 10 == 0) {
      wheel.Cancel(ids[i]);
      cancelled.insert(i);
    }
    if (rng() % 7 == 0) {
      now += static_cast<int64_t>(rng() % 5000);
      advances.push_back(now);
      wheel.Advance(now);
    }
  }
  while (wheel.size() > 0) {
    auto next = wheel.NextExpiration();
    ASSERT_TRUE(next.has_value());
    now = std::max(now + 1, *next);
    advances.push_back(now);
    wheel.Advance(now);
  }
  for (const auto& [i, when] : deadline) {
    if (cancelled.count(i)) {
      EXPECT_EQ(ran_at.count(i), 0u) << i;
      continue;
    }
    ASSERT_EQ(ran_at.count(i), 1u) << i;
    // At the first Advance that reached its deadline: not earlier, not later.
    auto first_due = std::lower_bound(advances.begin(), advances.end(), when);
    ASSERT_NE(first_due, advances.end());
    EXPECT_EQ(ran_at[i], *first_due) << i;
  }
}

class CountingOperation : public DelayedOperation {
 public:
  explicit CountingOperation(const int* available, int needed)
      : available_(available), needed_(needed) {}
  bool TryComplete() override { return *available_ >= needed_ && ForceComplete(); }
  void OnComplete() override { ++completions; }
  void OnExpiration() override { expired = true; }
  int completions = 0;
  bool expired = false;

 private:
  const int* available_;
  int needed_;
};

TEST(PurgatoryTest, CompletesOnAnEventOrAtTheDeadlineExactlyOnce) {
  TimingWheel wheel(0);
  Purgatory purgatory(&wheel);
  int bytes = 0;
  auto soon = std::make_shared<CountingOperation>(&bytes, 10);
  auto never = std::make_shared<CountingOperation>(&bytes, 1000);
  EXPECT_FALSE(purgatory.TryCompleteElseWatch(soon, {"t-0", "t-1"}, 500));
  EXPECT_FALSE(purgatory.TryCompleteElseWatch(never, {"t-0"}, 500));
  EXPECT_EQ(purgatory.watched(), 3u);
  bytes = 20;
  EXPECT_EQ(purgatory.CheckAndComplete("t-0"), 1);
  EXPECT_EQ(soon->completions, 1);
  EXPECT_FALSE(soon->expired);
  EXPECT_EQ(purgatory.CheckAndComplete("t-1"), 0);  // already done: not again
  wheel.Advance(499);
  EXPECT_EQ(never->completions, 0);
  wheel.Advance(500);
  EXPECT_TRUE(never->expired);
  EXPECT_EQ(never->completions, 1);
  EXPECT_EQ(soon->completions, 1);
  EXPECT_EQ(purgatory.watched(), 0u);
}

TEST(PurgatoryTest, AnOperationThatCanCompleteRightAwayIsNotWatched) {
  TimingWheel wheel(0);
  Purgatory purgatory(&wheel);
  int bytes = 100;
  auto op = std::make_shared<CountingOperation>(&bytes, 1);
  EXPECT_TRUE(purgatory.TryCompleteElseWatch(op, {"t-0"}, 500));
  EXPECT_EQ(op->completions, 1);
  EXPECT_EQ(purgatory.watched(), 0u);
  EXPECT_FALSE(wheel.NextExpiration().has_value());
}

}  // namespace
}  // namespace brook::broker::server
