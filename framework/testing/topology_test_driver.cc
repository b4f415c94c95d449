#include "framework/testing/topology_test_driver.h"

#include <stdlib.h>

#include <deque>
#include <filesystem>
#include <vector>

#include "framework/client/record_collector.h"
#include "framework/runtime/global_state_task.h"
#include "framework/runtime/stream_task.h"
#include "framework/state/global_state_manager.h"
#include "framework/state/processor_state_manager.h"
#include "framework/state/state_directory.h"
#include "statestore/layers/thread_cache.h"
#include "framework/topology/topology_builder.h"

namespace brook::streams {

using framework::client::TopicPartition;
using framework::runtime::StreamTask;

namespace {

// The bytes of a piped record, owned by its RawRecord (whose views point into it). Recycled
// through the driver's free list: a test pipes records one by one, and an allocation per record
// was a noticeable part of the driver's time.
struct StoredRecord {
  std::vector<StoredRecord*>* free_list;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

void RecycleStoredRecord(void* pointer) {
  auto* stored = static_cast<StoredRecord*>(pointer);
  stored->free_list->push_back(stored);
}

// The records written to one topic, oldest first. A vector read from `head`, emptied (keeping
// its memory) whenever everything was read: a deque gave its blocks back and took new ones as a
// test alternated between piping and reading, at a page fault each.
class OutputQueue {
 public:
  bool empty() const { return head_ == records_.size(); }
  size_t size() const { return records_.size() - head_; }
  // A new record at the back, to be filled in place.
  ProducedRecord& Add() { return records_.emplace_back(); }
  ProducedRecord& Front() { return records_[head_]; }
  void DropFront() {
    if (++head_ == records_.size()) {
      records_.clear();
      head_ = 0;
    }
  }

 private:
  std::vector<ProducedRecord> records_;
  size_t head_ = 0;
};

}  // namespace

class TopologyTestDriver::Impl final : public framework::client::RecordCollector {
 public:
  Impl(const Topology& topology, const StreamsConfig& config, int64_t wall_clock_ms)
      : wall_clock_ms_(wall_clock_ms) {
    framework::topology::BuildOptions options;
    options.application_id =
        config.applicationId().empty() ? "topology-test-driver" : config.applicationId();
    options.serdes = config.serdeDefaults();
    built_ = topology.builder().Build(options);
    framework::runtime::TaskOptions task_options;
    task_options.application_id = options.application_id;
    task_options.max_task_idle_ms = -1;
    task_options.deserialization_handler = config.deserializationExceptionHandler();
    task_options.processing_handler = config.processingExceptionHandler();
    task_options.production_handler = config.productionExceptionHandler();
    task_options.dead_letter_topic = config.deadLetterQueueTopic();
    task_options.wall_clock = [this] { return wall_clock_ms_; };
    if (!built_->GlobalSubtopologies().empty()) {
      global_task_ = MakeGlobalTask(config, options.application_id);
      task_options.global_store = [this](const std::string& name) {
        return global_task_->GetStore(name);
      };
    }
    for (const auto& sub : built_->subtopologies()) {
      if (sub.global) continue;
      const TaskId id{sub.id, 0};
      std::unique_ptr<framework::state::ProcessorStateManager> state;
      if (!sub.stores.empty()) state = MakeStateManager(id, sub, config, options.application_id);
      auto task = std::make_unique<StreamTask>(id, built_->Instantiate(sub.id), this,
                                               task_options, std::move(state));
      for (const auto& topic : sub.source_topics) task->AddInput(TopicPartition{topic, 0});
      task_of_subtopology_[sub.id] = task.get();
      tasks_.push_back(std::move(task));
    }
    try {
      // The global stores first, as KafkaStreams restores them before any task runs.
      if (global_task_ != nullptr) global_task_->Initialize();
      for (auto& task : tasks_) task->Initialize();
    } catch (...) {
      CloseAll();
      throw;
    }
  }

  ~Impl() override { CloseAll(); }

  void CloseAll() {
    for (auto& task : tasks_) task->Close(true, offsets_);
    tasks_.clear();  // before the stored records their queues may still hold go back
    if (global_task_ != nullptr) global_task_->Close(true);
    global_task_.reset();
    for (StoredRecord* stored : free_records_) delete stored;
    free_records_.clear();
    state_directory_.reset();
    if (!state_dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(state_dir_, ignored);
      state_dir_.clear();
    }
  }

  StateStore* GetStateStore(const std::string& name) const {
    if (global_task_ != nullptr) {
      if (StateStore* store = global_task_->GetStore(name)) return store;
    }
    for (const auto& task : tasks_) {
      if (task->state_manager() == nullptr) continue;
      if (StateStore* store = task->state_manager()->GetStore(name)) return store;
    }
    return nullptr;
  }

  std::map<TopicPartition, int64_t> offsets() const override { return offsets_; }
  std::string state_dir() const { return state_dir_.string(); }

  void Send(const TaskId&, const detail::OutgoingRecord& record) override {
    Topic& topic = Find(record.topic, last_sent_);
    ProducedRecord& produced = Output(topic).Add();
    produced.topic = topic.name;
    if (record.key) produced.key.emplace(*record.key);
    if (record.value) produced.value.emplace(*record.value);
    produced.timestamp = record.timestamp;
    if (record.headers != nullptr && !record.headers->empty()) produced.headers = *record.headers;
    const int64_t offset = topic.produced++;
    if (record.track_offset) offsets_[TopicPartition{topic.name, 0}] = offset;
    // Records for a topic the topology reads (its repartition topics) go back in.
    if (topic.task != nullptr) pending_.push_back(produced);
  }

  void Pipe(const std::string& topic, std::optional<std::string_view> key,
            std::optional<std::string_view> value, int64_t timestamp, const Headers& headers) {
    Enqueue(Find(topic, last_piped_), key, value, timestamp, headers);
    RunUntilQuiet();
  }

  void AdvanceWallClock(int64_t advance_ms) {
    wall_clock_ms_ += advance_ms;
    for (auto& task : tasks_) task->MaybePunctuateSystemTime(wall_clock_ms_);
    RunUntilQuiet();
  }

  ProducedRecord* Front(const std::string& name) {
    Topic& topic = Find(name, last_read_);
    if (topic.output == nullptr || topic.output->empty()) return nullptr;
    return &topic.output->Front();
  }

  void DropFront(const std::string& name) {
    Topic& topic = Find(name, last_read_);
    if (topic.output != nullptr && !topic.output->empty()) topic.output->DropFront();
  }

  size_t QueueSize(const std::string& name) {
    Topic& topic = Find(name, last_read_);
    return topic.output == nullptr ? 0 : topic.output->size();
  }

  std::set<std::string> ProducedTopics() const {
    std::set<std::string> names;
    for (const auto& [name, topic] : topics_) {
      if (topic.output != nullptr) names.insert(name);
    }
    return names;
  }

  int64_t wall_clock_ms() const { return wall_clock_ms_; }

  std::vector<Metric> Metrics() const {
    std::vector<Metric> result;
    for (const auto& task : tasks_) {
      for (Metric& metric : framework::runtime::TaskMetrics("main", task->id(), *task->counters())) {
        result.push_back(std::move(metric));
      }
    }
    return result;
  }

 private:
  // What the driver knows of one topic it was asked about.
  struct Topic {
    std::string name;
    StreamTask* task = nullptr;  // the task of the sub-topology that reads it; null: none
    bool input_added = false;    // task->AddInput done (topics matched by a pattern)
    bool global = false;         // a global store's topic: records go to the global task
    int64_t next_offset = 0;
    int64_t produced = 0;  // records written to it (the offset of the next one)
    std::unique_ptr<OutputQueue> output;  // null until something is written to it
  };

  // Whether `a` and `b` hold the same characters. Inline: topic names are short, and a call to
  // memcmp for each of the five lookups of a piped record was 5% of the driver's time.
  static bool SameName(const std::string& a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < b.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }

  // The topic named `name`, looked up once per name; `last` caches the previous answer of one
  // call site (piping, sending and reading each tend to use one topic over and over).
  Topic& Find(std::string_view name, Topic*& last) {
    if (last != nullptr && SameName(last->name, name)) return *last;
    auto it = topics_.find(name);
    if (it == topics_.end()) {
      Topic topic;
      topic.name = std::string(name);
      const int sub = built_->SubtopologyOf(name);
      if (sub >= 0) topic.task = task_of_subtopology_.at(sub);
      for (const auto& global : built_->GlobalSourceTopics()) topic.global |= global == name;
      std::string key = topic.name;
      it = topics_.emplace(std::move(key), std::move(topic)).first;
    }
    last = &it->second;
    return it->second;
  }

  OutputQueue& Output(Topic& topic) {
    if (topic.output == nullptr) topic.output = std::make_unique<OutputQueue>();
    return *topic.output;
  }

  // Copies `from` into `to`, reusing the string `to` may already hold.
  static void Store(std::optional<std::string_view> from, std::optional<std::string>& to) {
    if (!from) {
      to.reset();
    } else if (to) {
      to->assign(*from);
    } else {
      to.emplace(*from);
    }
  }

  void Enqueue(Topic& topic, std::optional<std::string_view> key,
               std::optional<std::string_view> value, int64_t timestamp, const Headers& headers) {
    if (topic.global) return UpdateGlobal(topic, key, value, timestamp, headers);
    if (topic.task == nullptr) {
      throw StreamsException("unknown input topic " + topic.name +
                             ": no source of the topology reads it");
    }
    if (!topic.input_added) {
      topic.task->AddInput(TopicPartition{topic.name, 0});
      topic.input_added = true;
    }
    StoredRecord* stored;
    if (free_records_.empty()) {
      stored = new StoredRecord{&free_records_, {}, {}};
    } else {
      stored = free_records_.back();
      free_records_.pop_back();
    }
    Store(key, stored->key);
    Store(value, stored->value);
    detail::RawRecord raw;
    raw.owner = detail::RawRecord::Owner(stored, &RecycleStoredRecord);
    raw.topic = topic.name;  // the map's node never moves
    raw.partition = 0;
    raw.offset = topic.next_offset++;
    raw.timestamp = timestamp;
    if (stored->key) raw.key = *stored->key;
    if (stored->value) raw.value = *stored->value;
    if (!headers.empty()) raw.headers = headers;  // most records have none: skip the copy
    topic.task->AddRecord(std::move(raw));
  }

  // A record of a global topic updates the global stores at once, which are then flushed
  // (Kafka's driver: globalStateTask.update, then flushState); the driver's close checkpoints.
  void UpdateGlobal(Topic& topic, std::optional<std::string_view> key,
                    std::optional<std::string_view> value, int64_t timestamp,
                    const Headers& headers) {
    detail::RawRecord raw;
    raw.topic = topic.name;
    raw.partition = 0;
    raw.offset = topic.next_offset++;
    raw.timestamp = timestamp;
    raw.key = key;
    raw.value = value;
    raw.headers = headers;
    global_task_->Update(raw);
    global_task_->Flush();
  }

  // The driver's temporary state directory, made on first use.
  void EnsureStateDirectory(const std::string& application_id) {
    if (state_directory_ != nullptr) return;
    std::string pattern =
        (std::filesystem::temp_directory_path() / "brook-test-driver-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw StreamsException("TopologyTestDriver: cannot make a temporary state directory");
    }
    state_dir_ = pattern;
    state_directory_ =
        std::make_unique<framework::state::StateDirectory>(state_dir_, application_id);
  }

  // The global stores, in <temporary state dir>/<application.id>/global.
  std::unique_ptr<framework::runtime::GlobalStateTask> MakeGlobalTask(
      const StreamsConfig& config, const std::string& application_id) {
    EnsureStateDirectory(application_id);
    framework::state::GlobalStateManagerOptions options;
    options.application_id = application_id;
    options.dir = state_directory_->app_dir() / "global";
    options.app_configs = config.values();
    options.app_configs[StreamsConfig::kStateDir] = state_dir_.string();
    std::vector<const framework::topology::StoreInfo*> stores;
    for (int id : built_->GlobalSubtopologies()) {
      for (const auto& name : built_->subtopologies()[id].stores) {
        stores.push_back(built_->FindStore(name));
      }
    }
    framework::runtime::GlobalTaskOptions task_options;
    task_options.application_id = application_id;
    task_options.deserialization_handler = config.deserializationExceptionHandler();
    task_options.wall_clock = [this] { return wall_clock_ms_; };
    return std::make_unique<framework::runtime::GlobalStateTask>(
        built_,
        std::make_unique<framework::state::GlobalStateManager>(std::move(options),
                                                               std::move(stores)),
        std::move(task_options));
  }

  // The stores of the task of `sub` in a fresh directory of the driver's temporary state dir.
  std::unique_ptr<framework::state::ProcessorStateManager> MakeStateManager(
      const TaskId& id, const framework::topology::BuiltTopology::Subtopology& sub,
      const StreamsConfig& config, const std::string& application_id) {
    EnsureStateDirectory(application_id);
    auto lock = state_directory_->Lock(id);
    if (!lock.ok()) throw ProcessorStateException(lock.status().ToString());
    framework::state::StateManagerOptions options;
    options.application_id = application_id;
    options.task_id = id;
    options.exactly_once = config.processingGuarantee() == ProcessingGuarantee::kExactlyOnceV2;
    options.collector = this;
    options.app_configs = config.values();
    options.app_configs[StreamsConfig::kStateDir] = state_dir_.string();
    if (thread_cache_ == nullptr && config.statestoreCacheMaxBytes() > 0) {
      thread_cache_ = std::make_unique<statestore::ThreadCache>(config.statestoreCacheMaxBytes());
    }
    options.thread_cache = thread_cache_.get();
    std::vector<const framework::topology::StoreInfo*> stores;
    for (const auto& name : sub.stores) stores.push_back(built_->FindStore(name));
    return std::make_unique<framework::state::ProcessorStateManager>(
        std::move(options), std::move(lock).value(), std::move(stores));
  }

  // Kafka's driver commits after every piped record: the stores flush (caches forward and log
  // their entries), which may feed repartition topics again.
  void Commit() {
    for (auto& task : tasks_) task->FlushState();
  }

  void RunUntilQuiet() {
    RunTasks();
    Commit();
    while (!pending_.empty()) {
      RunTasks();
      Commit();
    }
    for (auto& task : tasks_) task->MarkCommitted();
  }

  void RunTasks() {
    bool worked = true;
    while (worked) {
      worked = false;
      for (auto& task : tasks_) {
        while (task->ProcessOne()) {
          task->MaybePunctuateStreamTime();
          worked = true;
        }
      }
      while (!pending_.empty()) {
        ProducedRecord record = std::move(pending_.front());
        pending_.pop_front();
        Enqueue(Find(record.topic, last_piped_), record.key, record.value, record.timestamp,
                record.headers);
        worked = true;
      }
    }
  }

  std::filesystem::path state_dir_;  // temporary, removed by CloseAll
  std::unique_ptr<framework::state::StateDirectory> state_directory_;
  std::unique_ptr<statestore::ThreadCache> thread_cache_;  // outlives the tasks' stores
  std::map<TopicPartition, int64_t> offsets_;  // of records with track_offset (changelogs)
  std::vector<StoredRecord*> free_records_;  // declared first: destroyed after the tasks
  std::shared_ptr<const framework::topology::BuiltTopology> built_;
  std::unique_ptr<framework::runtime::GlobalStateTask> global_task_;  // null: no global store
  std::vector<std::unique_ptr<StreamTask>> tasks_;
  std::map<int, StreamTask*> task_of_subtopology_;
  std::map<std::string, Topic, std::less<>> topics_;
  Topic* last_piped_ = nullptr;
  Topic* last_sent_ = nullptr;
  Topic* last_read_ = nullptr;
  std::deque<ProducedRecord> pending_;
  int64_t wall_clock_ms_;
};

namespace {

// The config the driver runs with: as Kafka's TopologyTestDriver, left/outer stream-stream joins
// scan for closed windows on every record unless the emit interval was set.
StreamsConfig DriverConfig(const StreamsConfig& config) {
  StreamsConfig copy = config;
  if (!copy.outerJoinEmitIntervalMs()) {
    copy.set(StreamsConfig::kEmitIntervalMsOuterJoinSpuriousResultsFix, "0");
  }
  return copy;
}

}  // namespace

TopologyTestDriver::TopologyTestDriver(const Topology& topology, const StreamsConfig& config,
                                       int64_t initial_wall_clock_ms)
    : impl_(std::make_unique<Impl>(topology, DriverConfig(config), initial_wall_clock_ms)) {}

TopologyTestDriver::~TopologyTestDriver() = default;

void TopologyTestDriver::advanceWallClockTime(std::chrono::milliseconds advance) {
  impl_->AdvanceWallClock(advance.count());
}

int64_t TopologyTestDriver::wallClockTimeMs() const { return impl_->wall_clock_ms(); }

std::set<std::string> TopologyTestDriver::producedTopicNames() const {
  return impl_->ProducedTopics();
}

void TopologyTestDriver::PipeRaw(const std::string& topic, std::optional<std::string> key,
                                 std::optional<std::string> value, int64_t timestamp,
                                 Headers headers) {
  impl_->Pipe(topic, key, value, timestamp, headers);
}

void TopologyTestDriver::PipeBytes(const std::string& topic, std::optional<std::string_view> key,
                                   std::optional<std::string_view> value, int64_t timestamp,
                                   const Headers& headers) {
  impl_->Pipe(topic, key, value, timestamp, headers);
}

std::optional<ProducedRecord> TopologyTestDriver::ReadRaw(const std::string& topic) {
  ProducedRecord* front = impl_->Front(topic);
  if (front == nullptr) return std::nullopt;
  std::optional<ProducedRecord> record(std::move(*front));
  impl_->DropFront(topic);
  return record;
}

const ProducedRecord* TopologyTestDriver::FrontRaw(const std::string& topic) {
  return impl_->Front(topic);
}

void TopologyTestDriver::DropFront(const std::string& topic) { impl_->DropFront(topic); }

std::string TopologyTestDriver::stateDirectory() const { return impl_->state_dir(); }

std::vector<Metric> TopologyTestDriver::metrics() const { return impl_->Metrics(); }

StateStore* TopologyTestDriver::getStateStore(const std::string& name) {
  return impl_->GetStateStore(name);
}

size_t TopologyTestDriver::QueueSize(const std::string& topic) const {
  return impl_->QueueSize(topic);
}

}  // namespace brook::streams
