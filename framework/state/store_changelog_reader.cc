#include "framework/state/store_changelog_reader.h"

#include <algorithm>
#include <set>

#include "framework/api/errors.h"

namespace brook::framework::state {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

constexpr milliseconds kEndOffsetTimeout{30'000};
constexpr auto kProgressLogInterval = std::chrono::seconds(10);

double Seconds(Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::duration<double>>(duration).count();
}

}  // namespace

StoreChangelogReader::StoreChangelogReader(std::string log_prefix,
                                           std::unique_ptr<client::RestoreConsumer> consumer,
                                           std::shared_ptr<streams::StateRestoreListener> listener)
    : log_prefix_(std::move(log_prefix)),
      consumer_(std::move(consumer)),
      listener_(std::move(listener)),
      log_(GetLogger("state")) {}

void StoreChangelogReader::Register(const streams::TaskId& task, ProcessorStateManager* manager,
                                    std::vector<ChangelogToRestore> changelogs) {
  for (auto& changelog : changelogs) {
    Changelog entry;
    entry.task = task;
    entry.manager = manager;
    entry.store = std::move(changelog.store);
    entry.start = changelog.start_offset;
    entry.next = std::max<int64_t>(changelog.start_offset, 0);
    changelogs_[changelog.partition] = std::move(entry);
  }
  assignment_changed_ = true;
}

void StoreChangelogReader::Unregister(const streams::TaskId& task) {
  for (auto it = changelogs_.begin(); it != changelogs_.end();) {
    if (it->second.task == task) {
      if (!it->second.done && it->second.end >= 0) {
        try {  // stopped mid-restoration: the store goes back to normal
          it->second.manager->RestoreEnded(it->first);
        } catch (const std::exception& e) {
          log_->error("[{}] {}", log_prefix_, e.what());
        }
      }
      it = changelogs_.erase(it);
      assignment_changed_ = true;
    } else {
      ++it;
    }
  }
}

void StoreChangelogReader::Start(const TopicPartition& partition, Changelog& changelog) {
  auto end = consumer_->EndOffset(partition, kEndOffsetTimeout);
  if (!end.ok()) {
    throw streams::StreamsException("[" + log_prefix_ + "] cannot restore store " +
                                    changelog.store + ": " + end.status().ToString());
  }
  changelog.end = *end;
  changelog.started = changelog.last_log = Clock::now();
  if (changelog.start > changelog.end) {
    log_->warn("[{}] [task {}] the checkpoint of store {} is at {} but {} ends at {} (was the "
               "changelog recreated?); the store keeps its local state",
               log_prefix_, changelog.task.toString(), changelog.store, changelog.start,
               partition.ToString(), changelog.end);
  }
  if (changelog.next >= changelog.end) {
    changelog.done = true;
    return;
  }
  log_->info("[{}] [task {}] restoring store {} from {} offsets {} to {}", log_prefix_,
             changelog.task.toString(), changelog.store, partition.ToString(), changelog.next,
             changelog.end);
  if (listener_) {
    listener_->onRestoreStart(partition.topic, partition.partition, changelog.store,
                              changelog.next, changelog.end);
  }
  changelog.manager->RestoreStarted(partition, changelog.end - changelog.next);
}

void StoreChangelogReader::Finish(const TopicPartition& partition, Changelog& changelog) {
  changelog.done = true;
  changelog.manager->RestoreEnded(partition);  // before the listener hears of it: it is part
                                               // of the restoration
  const double seconds = Seconds(Clock::now() - changelog.started);
  log_->info("[{}] [task {}] restored store {} from {}: {} records in {:.2f} s ({:.0f} records/s)",
             log_prefix_, changelog.task.toString(), changelog.store, partition.ToString(),
             changelog.restored, seconds, seconds > 0 ? changelog.restored / seconds : 0.0);
  if (listener_) {
    listener_->onRestoreEnd(partition.topic, partition.partition, changelog.store,
                            changelog.restored);
  }
  assignment_changed_ = true;
}

std::map<streams::TaskId, int64_t> StoreChangelogReader::RemainingRecords() const {
  std::map<streams::TaskId, int64_t> remaining;
  for (const auto& [partition, changelog] : changelogs_) {
    int64_t& left = remaining[changelog.task];
    if (!changelog.done && changelog.end >= 0)
      left += std::max<int64_t>(changelog.end - changelog.next, 0);
  }
  return remaining;
}

void StoreChangelogReader::Reassign() {
  std::map<TopicPartition, int64_t> assignment;
  for (const auto& [partition, changelog] : changelogs_) {
    if (!changelog.done && changelog.end >= 0) {
      assignment[partition] = changelog.start < 0 && changelog.restored == 0 ? -1 : changelog.next;
    }
  }
  if (Status status = consumer_->Assign(assignment); !status.ok()) {
    throw streams::StreamsException("[" + log_prefix_ + "] " + status.ToString());
  }
  assignment_changed_ = false;
}

std::vector<streams::TaskId> StoreChangelogReader::Restore(milliseconds timeout,
                                                           size_t max_records) {
  for (auto& [partition, changelog] : changelogs_) {
    if (changelog.end < 0) {
      Start(partition, changelog);
      assignment_changed_ = true;
    }
  }
  if (assignment_changed_) Reassign();

  bool any_active = false;
  for (const auto& [partition, changelog] : changelogs_) any_active |= !changelog.done;
  if (any_active) {
    auto polled = consumer_->Poll(timeout, max_records);
    if (!polled.ok()) {
      throw streams::StreamsException("[" + log_prefix_ + "] restore consumer: " +
                                      polled.status().ToString());
    }
    // Batches: consecutive records of one partition, applied with one call.
    std::vector<streams::ChangelogRecord> batch;
    batch.reserve(polled->records.size());
    auto apply = [&](const TopicPartition& partition) {
      if (batch.empty()) return;
      auto it = changelogs_.find(partition);
      if (it != changelogs_.end() && !it->second.done) {
        Changelog& changelog = it->second;
        it->second.manager->Restore(partition, batch);
        changelog.next = batch.back().offset + 1;
        changelog.restored += static_cast<int64_t>(batch.size());
        if (restored_sink_) restored_sink_(changelog.task, static_cast<int64_t>(batch.size()));
        if (listener_) {
          listener_->onBatchRestored(partition.topic, partition.partition, changelog.store,
                                     batch.back().offset, static_cast<int64_t>(batch.size()));
        }
      }
      batch.clear();
    };
    TopicPartition current;
    auto current_changelog = changelogs_.end();  // looked up once per run of one partition
    for (const auto& record : polled->records) {
      if (record.partition != current.partition || record.topic != current.topic) {
        apply(current);
        current = TopicPartition{std::string(record.topic), record.partition};
        current_changelog = changelogs_.find(current);
      }
      if (current_changelog == changelogs_.end() ||
          record.offset < current_changelog->second.next) {
        continue;  // stale
      }
      batch.push_back(streams::ChangelogRecord{record.key.value_or(std::string_view()),
                                               record.value, record.timestamp, record.offset});
    }
    apply(current);
    std::set<TopicPartition> ended(polled->reached_end.begin(), polled->reached_end.end());
    const auto now = Clock::now();
    for (auto& [partition, changelog] : changelogs_) {
      if (changelog.done) continue;
      if (changelog.next >= changelog.end || ended.count(partition) != 0) {
        Finish(partition, changelog);
      } else if (now - changelog.last_log >= kProgressLogInterval) {
        changelog.last_log = now;
        const double seconds = Seconds(now - changelog.started);
        const double rate = seconds > 0 ? changelog.restored / seconds : 0.0;
        const int64_t left = changelog.end - changelog.next;
        log_->info("[{}] [task {}] restoring store {}: {} records so far, {:.0f} records/s, "
                   "about {:.0f} s left",
                   log_prefix_, changelog.task.toString(), changelog.store, changelog.restored,
                   rate, rate > 0 ? left / rate : -1.0);
      }
    }
  }

  // Tasks whose changelogs are all done.
  std::map<streams::TaskId, bool> complete;
  for (const auto& [partition, changelog] : changelogs_) {
    auto [it, inserted] = complete.emplace(changelog.task, changelog.done);
    if (!inserted) it->second = it->second && changelog.done;
  }
  std::vector<streams::TaskId> restored;
  for (const auto& [task, done] : complete) {
    if (done) restored.push_back(task);
  }
  for (const auto& task : restored) Unregister(task);
  return restored;
}

}  // namespace brook::framework::state
