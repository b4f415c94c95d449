#include "framework/runtime/global_stream_thread.h"

#include <algorithm>
#include <set>

#include "framework/api/errors.h"
#include "framework/state/global_state_manager.h"

namespace brook::framework::runtime {

using std::chrono::milliseconds;
using streams::StreamsException;

namespace {

constexpr milliseconds kEndOffsetTimeout{30'000};
constexpr milliseconds kPollTimeout{100};
constexpr size_t kMaxPollRecords = 10'000;

}  // namespace

GlobalStreamThread::GlobalStreamThread(Options options)
    : options_(std::move(options)), log_(GetLogger("runtime")) {}

GlobalStreamThread::~GlobalStreamThread() {
  RequestShutdown();
  Join();
}

Result<std::unique_ptr<GlobalStreamThread>> GlobalStreamThread::Create(Options options) {
  std::unique_ptr<GlobalStreamThread> thread(new GlobalStreamThread(std::move(options)));
  const Options& o = thread->options_;
  client::Properties properties = o.consumer_properties;
  properties.erase("group.instance.id");
  properties.erase("partition.assignment.strategy");
  // Assigned partitions only, in a group nobody joins (librdkafka needs a group.id to assign).
  properties["group.id"] = o.config.applicationId() + "-global";
  properties["client.id"] = o.name + "-consumer";
  auto consumer = client::RestoreConsumer::Create(properties);
  if (!consumer.ok()) return consumer.status();
  thread->consumer_ = std::move(consumer).value();

  state::GlobalStateManagerOptions state_options;
  state_options.application_id = o.config.applicationId();
  state_options.dir = o.dir;
  state_options.app_configs = o.config.values();
  state_options.rocksdb_resources = o.rocksdb_resources;
  std::vector<const topology::StoreInfo*> stores;
  for (int id : o.topology->GlobalSubtopologies()) {
    for (const auto& name : o.topology->subtopologies()[id].stores) {
      stores.push_back(o.topology->FindStore(name));
    }
  }
  GlobalTaskOptions task_options;
  task_options.application_id = o.config.applicationId();
  task_options.deserialization_handler = o.config.deserializationExceptionHandler();
  task_options.wall_clock = [] {
    return std::chrono::duration_cast<milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  thread->task_ = std::make_unique<GlobalStateTask>(
      o.topology,
      std::make_unique<state::GlobalStateManager>(std::move(state_options), std::move(stores)),
      std::move(task_options));
  return thread;
}

void GlobalStreamThread::Bootstrap() {
  task_->Initialize();
  initialized_ = true;
  const std::map<TopicPartition, int64_t> checkpointed = task_->next_offsets();
  std::map<TopicPartition, int64_t> start;
  for (const auto& [topic, count] : options_.partitions) {
    for (int32_t partition = 0; partition < count; ++partition) {
      const TopicPartition tp{topic, partition};
      auto it = checkpointed.find(tp);
      start[tp] = it == checkpointed.end() ? -1 : it->second;
    }
  }
  if (Status status = consumer_->Assign(start); !status.ok()) {
    throw StreamsException("[" + options_.name + "] " + status.ToString());
  }
  std::map<TopicPartition, int64_t> end;
  std::set<TopicPartition> pending;
  for (const auto& [tp, offset] : start) {
    auto end_offset = consumer_->EndOffset(tp, kEndOffsetTimeout);
    if (!end_offset.ok()) {
      throw StreamsException("[" + options_.name + "] cannot read the end offset of " +
                             tp.ToString() + ": " + end_offset.status().ToString());
    }
    end[tp] = *end_offset;
    if (std::max<int64_t>(offset, 0) < *end_offset) pending.insert(tp);
  }
  log_->info("[{}] bootstrapping the global stores from {} partitions ({} behind)", options_.name,
             start.size(), pending.size());
  int64_t applied = 0;
  while (!pending.empty()) {
    auto polled = consumer_->Poll(kPollTimeout, kMaxPollRecords);
    if (!polled.ok()) {
      throw StreamsException("[" + options_.name +
                             "] global consumer: " + polled.status().ToString());
    }
    for (const auto& record : polled->records) {
      task_->Update(record);
      ++applied;
      const TopicPartition tp{std::string(record.topic), record.partition};
      if (record.offset + 1 >= end[tp]) pending.erase(tp);
    }
    for (const auto& tp : polled->reached_end) pending.erase(tp);
  }
  // Every partition is read up to its end now, the empty ones too: the checkpoint names them
  // all (as Kafka's), so a restart knows where each one stood.
  for (const auto& [tp, offset] : end) task_->Advance(tp, offset);
  task_->Checkpoint();
  log_->info("[{}] global stores bootstrapped: {} records applied", options_.name, applied);
}

void GlobalStreamThread::Start() {
  thread_ = std::thread([this] { Run(); });
}

size_t GlobalStreamThread::PollOnce(milliseconds timeout) {
  auto polled = consumer_->Poll(timeout, kMaxPollRecords);
  if (!polled.ok()) {
    throw StreamsException("[" + options_.name +
                           "] global consumer: " + polled.status().ToString());
  }
  for (const auto& record : polled->records) task_->Update(record);
  return polled->records.size();
}

void GlobalStreamThread::Run() {
  const milliseconds interval(std::max<int64_t>(options_.config.commitIntervalMs(), 1));
  auto last_checkpoint = std::chrono::steady_clock::now();
  try {
    while (!shutdown_requested_) {
      PollOnce(kPollTimeout);
      const auto now = std::chrono::steady_clock::now();
      if (now - last_checkpoint >= interval) {
        task_->Checkpoint();
        last_checkpoint = now;
      }
    }
  } catch (const std::exception& e) {
    failed_ = true;
    log_->error("[{}] the global thread failed: {}", options_.name, e.what());
    if (options_.on_exit) options_.on_exit(std::current_exception());
  }
}

void GlobalStreamThread::Join() {
  if (thread_.joinable()) thread_.join();
  if (task_ != nullptr) task_->Close(initialized_ && !failed_);
}

}  // namespace brook::framework::runtime
