#include "framework/testing/topology_test_driver.h"

#include <deque>

#include "framework/client/record_collector.h"
#include "framework/runtime/stream_task.h"
#include "framework/topology/topology_builder.h"

namespace brook::streams {

using framework::client::TopicPartition;
using framework::runtime::StreamTask;

namespace {

// The bytes of a piped record, owned by its RawRecord.
struct StoredRecord {
  std::string topic;
  std::optional<std::string> key;
  std::optional<std::string> value;
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
    for (const auto& sub : built_->subtopologies()) {
      auto task = std::make_unique<StreamTask>(TaskId{sub.id, 0}, built_->Instantiate(sub.id),
                                               this, task_options);
      for (const auto& topic : sub.source_topics) task->AddInput(TopicPartition{topic, 0});
      tasks_.push_back(std::move(task));
    }
    for (auto& task : tasks_) task->Initialize();
  }

  ~Impl() override {
    for (auto& task : tasks_) task->Close();
  }

  void Send(const TaskId&, const detail::OutgoingRecord& record) override {
    ProducedRecord produced;
    produced.topic = std::string(record.topic);
    if (record.key) produced.key = std::string(*record.key);
    if (record.value) produced.value = std::string(*record.value);
    produced.timestamp = record.timestamp;
    if (record.headers != nullptr) produced.headers = *record.headers;
    // Records for a topic the topology reads (its repartition topics) go back in.
    if (built_->SubtopologyOf(produced.topic) >= 0) pending_.push_back(produced);
    outputs_[produced.topic].push_back(std::move(produced));
  }

  void Pipe(const std::string& topic, std::optional<std::string> key,
            std::optional<std::string> value, int64_t timestamp, Headers headers) {
    Enqueue(topic, std::move(key), std::move(value), timestamp, std::move(headers));
    RunUntilQuiet();
  }

  void AdvanceWallClock(int64_t advance_ms) {
    wall_clock_ms_ += advance_ms;
    for (auto& task : tasks_) task->MaybePunctuateSystemTime(wall_clock_ms_);
    RunUntilQuiet();
  }

  std::optional<ProducedRecord> Read(const std::string& topic) {
    auto it = outputs_.find(topic);
    if (it == outputs_.end() || it->second.empty()) return std::nullopt;
    ProducedRecord record = std::move(it->second.front());
    it->second.pop_front();
    return record;
  }

  size_t QueueSize(const std::string& topic) const {
    auto it = outputs_.find(topic);
    return it == outputs_.end() ? 0 : it->second.size();
  }

  std::set<std::string> ProducedTopics() const {
    std::set<std::string> names;
    for (const auto& [topic, records] : outputs_) names.insert(topic);
    return names;
  }

  int64_t wall_clock_ms() const { return wall_clock_ms_; }

 private:
  void Enqueue(const std::string& topic, std::optional<std::string> key,
               std::optional<std::string> value, int64_t timestamp, Headers headers) {
    const int sub = built_->SubtopologyOf(topic);
    if (sub < 0) {
      throw StreamsException("unknown input topic " + topic + ": no source of the topology reads it");
    }
    StreamTask& task = *tasks_[sub];
    task.AddInput(TopicPartition{topic, 0});
    auto* stored = new StoredRecord{topic, std::move(key), std::move(value)};
    detail::RawRecord raw;
    raw.owner = detail::RawRecord::Owner(stored, [](void* p) { delete static_cast<StoredRecord*>(p); });
    raw.topic = stored->topic;
    raw.partition = 0;
    raw.offset = next_offset_[topic]++;
    raw.timestamp = timestamp;
    if (stored->key) raw.key = *stored->key;
    if (stored->value) raw.value = *stored->value;
    raw.headers = std::move(headers);
    task.AddRecord(std::move(raw));
  }

  void RunUntilQuiet() {
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
        Enqueue(record.topic, std::move(record.key), std::move(record.value), record.timestamp,
                std::move(record.headers));
        worked = true;
      }
    }
    for (auto& task : tasks_) task->MarkCommitted();
  }

  std::shared_ptr<const framework::topology::BuiltTopology> built_;
  std::vector<std::unique_ptr<StreamTask>> tasks_;
  std::map<std::string, std::deque<ProducedRecord>> outputs_;
  std::deque<ProducedRecord> pending_;
  std::map<std::string, int64_t> next_offset_;
  int64_t wall_clock_ms_;
};

TopologyTestDriver::TopologyTestDriver(const Topology& topology, const StreamsConfig& config,
                                       int64_t initial_wall_clock_ms)
    : impl_(std::make_unique<Impl>(topology, config, initial_wall_clock_ms)) {}

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
  impl_->Pipe(topic, std::move(key), std::move(value), timestamp, std::move(headers));
}

std::optional<ProducedRecord> TopologyTestDriver::ReadRaw(const std::string& topic) {
  return impl_->Read(topic);
}

size_t TopologyTestDriver::QueueSize(const std::string& topic) const {
  return impl_->QueueSize(topic);
}

}  // namespace brook::streams
