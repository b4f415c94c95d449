#include "framework/runtime/stream_task.h"

#include "framework/runtime/partition_time_metadata.h"

#include <algorithm>

#include "common/logging.h"
#include "framework/api/detail/node_factory.h"

namespace brook::framework::runtime {

std::vector<streams::Metric> TaskMetrics(const std::string& thread_id, const streams::TaskId& task,
                                         const TaskCounters& counters) {
  const std::map<std::string, std::string> tags{{"thread-id", thread_id},
                                                {"task-id", task.toString()}};
  std::vector<streams::Metric> metrics;
  metrics.push_back({{streams::kDroppedRecordsTotal, streams::kTaskMetricsGroup,
                      "The total number of dropped records", tags},
                     static_cast<double>(counters.dropped_records.load())});
  return metrics;
}

using streams::HandlerResponse;
using streams::StreamsException;
using streams::detail::DeserializationFailure;
using streams::detail::FatalTaskError;
using streams::detail::RawRecord;
using streams::detail::SerializationFailure;

namespace {

std::shared_ptr<spdlog::logger> Log() {
  static auto logger = GetLogger("runtime");
  return logger;
}

int64_t SteadyWallClock() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StreamTask::StreamTask(streams::TaskId id, std::unique_ptr<topology::TaskTopology> topology,
                       client::RecordCollector* collector, TaskOptions options,
                       std::unique_ptr<state::ProcessorStateManager> state)
    : id_(id),
      topology_(std::move(topology)),
      collector_(collector),
      options_(std::move(options)),
      state_manager_(std::move(state)) {
  if (state_manager_ != nullptr) {
    state_manager_->set_timestamp_source([this] { return current_timestamp_; });
    state_manager_->set_dropped_record_sink([this] { RecordDropped(); });
  }
  if (!options_.wall_clock) options_.wall_clock = SteadyWallClock;
  if (!options_.deserialization_handler) {
    options_.deserialization_handler = streams::LogAndFailDeserializationHandler();
  }
  if (!options_.processing_handler) {
    options_.processing_handler = streams::LogAndFailProcessingHandler();
  }
  if (!options_.production_handler) {
    options_.production_handler = streams::LogAndFailProductionHandler();
  }
}

StreamTask::~StreamTask() = default;

std::vector<std::pair<std::string, uint64_t>> StreamTask::NodeProcessCounts() const {
  std::vector<std::pair<std::string, uint64_t>> counts;
  for (const auto& node : topology_->nodes()) counts.emplace_back(node->name(), node->processed());
  return counts;
}

void StreamTask::AddInput(const TopicPartition& partition) {
  if (FindQueue(partition.topic, partition.partition) != nullptr) return;
  streams::detail::SourceInstance* source = topology_->SourceFor(partition.topic);
  if (source == nullptr) {
    throw StreamsException("[task " + id_.toString() + "] no source reads topic " +
                           partition.topic);
  }
  queues_.push_back(InputQueue{partition, source, {}, -1, -1});
}

std::vector<TopicPartition> StreamTask::inputs() const {
  std::vector<TopicPartition> result;
  for (const auto& queue : queues_) result.push_back(queue.partition);
  return result;
}

void StreamTask::InitializeStores() {
  if (state_ != State::kCreated) return;
  if (state_manager_ != nullptr) state_manager_->InitializeStores();
  state_ = State::kRestoring;
}

void StreamTask::Initialize() {
  InitializeStores();
  if (state_ != State::kRestoring) return;
  try {
    topology_->Init(this);
  } catch (const std::exception& e) {
    std::string node = current_node != nullptr ? current_node->name() : "?";
    current_node = nullptr;
    throw StreamsException("[task " + id_.toString() + "] init of " + node + " failed: " +
                           e.what());
  }
  initialized_ = true;
  state_ = State::kRunning;
}

StreamTask::InputQueue* StreamTask::FindQueue(std::string_view topic, int32_t partition) {
  for (auto& queue : queues_) {
    if (queue.partition.partition == partition && queue.partition.topic == topic) return &queue;
  }
  return nullptr;
}

size_t StreamTask::buffered(const TopicPartition& partition) const {
  for (const auto& queue : queues_) {
    if (queue.partition == partition) return queue.records.size();
  }
  return 0;
}

void StreamTask::AddRecord(RawRecord record) {
  InputQueue* queue = FindQueue(record.topic, record.partition);
  if (queue == nullptr) {
    throw StreamsException("[task " + id_.toString() + "] got a record of " +
                           std::string(record.topic) + "-" + std::to_string(record.partition) +
                           ", which is not one of its inputs");
  }
  int64_t timestamp = queue->partition_time;
  bool skip = false;
  try {
    timestamp = queue->source->ExtractTimestamp(record, queue->partition_time);
  } catch (...) {
    HandleError(&record, std::current_exception());
    skip = true;
  }
  if (!skip && timestamp < 0) {
    static RateLimiter limiter(10'000);
    int64_t suppressed = 0;
    if (limiter.Allow(options_.wall_clock(), &suppressed)) {
      Log()->warn("[task {}] skipping {}-{}@{}: invalid timestamp {} ({} more not logged)",
                  id_.toString(), record.topic, record.partition, record.offset, timestamp,
                  suppressed);
    }
    RecordDropped();
    skip = true;
  }
  if (skip) {
    timestamp = queue->partition_time;
  } else {
    queue->partition_time = std::max(queue->partition_time, timestamp);
  }
  queue->records.push_back(Queued{std::move(record), timestamp, skip});
  ++buffered_;
}

bool StreamTask::IsProcessable(int64_t now_ms,
                               const std::function<bool(const TopicPartition&)>& may_have_data) {
  if (state_ != State::kRunning) return false;
  bool any = false;
  bool all = true;
  for (const auto& queue : queues_) {
    if (queue.records.empty()) {
      all = false;
    } else {
      any = true;
    }
  }
  if (all && any) {
    idle_since_ms_ = -1;
    return true;
  }
  if (!any) return false;
  if (options_.max_task_idle_ms < 0) return true;
  // KIP-695: wait for the fetch of an empty input the consumer knows has data.
  for (const auto& queue : queues_) {
    if (queue.records.empty() && may_have_data && may_have_data(queue.partition)) return false;
  }
  if (options_.max_task_idle_ms == 0) return true;
  if (idle_since_ms_ < 0) idle_since_ms_ = now_ms;
  if (now_ms - idle_since_ms_ >= options_.max_task_idle_ms) return true;
  return false;
}

bool StreamTask::ProcessOne() {
  if (state_ != State::kRunning) return false;
  InputQueue* next = nullptr;
  for (auto& queue : queues_) {
    if (queue.records.empty()) continue;
    if (next == nullptr || queue.records.front().timestamp < next->records.front().timestamp) {
      next = &queue;
    }
  }
  if (next == nullptr) return false;
  Queued item = std::move(next->records.front());
  next->records.pop_front();
  --buffered_;
  if (!item.skip) {
    stream_time_ = std::max(stream_time_, item.timestamp);
    next->processed_time = std::max(next->processed_time, item.timestamp);
    streams::RecordMetadata metadata{item.raw.topic, item.raw.partition, item.raw.offset};
    metadata_ = &metadata;
    current_timestamp_ = item.timestamp;
    try {
      next->source->CountProcessed();
      next->source->ProcessRaw(item.raw, item.timestamp);
    } catch (...) {
      try {
        HandleError(&item.raw, std::current_exception());
      } catch (...) {
        metadata_ = nullptr;
        current_node = nullptr;
        throw;
      }
    }
    metadata_ = nullptr;
    current_node = nullptr;
    ++processed_;
  }
  next->next_offset = item.raw.offset + 1;
  commit_needed_ = true;
  return true;
}

std::map<TopicPartition, std::string> StreamTask::commit_metadata() const {
  std::map<TopicPartition, std::string> metadata;
  for (const auto& queue : queues_) {
    if (queue.next_offset >= 0 && queue.processed_time >= 0) {
      metadata[queue.partition] =
          EncodePartitionMetadata(PartitionMetadata{queue.processed_time, processor_metadata_});
    }
  }
  return metadata;
}

void StreamTask::InitializeProcessorMetadata(const std::map<std::string, int64_t>& metadata) {
  for (const auto& [key, value] : metadata) {
    auto [it, added] = processor_metadata_.emplace(key, value);
    if (!added) it->second = std::max(it->second, value);
  }
}

void StreamTask::InitializePartitionTime(const TopicPartition& partition, int64_t time) {
  for (auto& queue : queues_) {
    if (queue.partition != partition) continue;
    queue.processed_time = std::max(queue.processed_time, time);
    queue.partition_time = std::max(queue.partition_time, time);
    stream_time_ = std::max(stream_time_, time);
  }
}

std::map<TopicPartition, int64_t> StreamTask::consumed_offsets() const {
  std::map<TopicPartition, int64_t> offsets;
  for (const auto& queue : queues_) {
    if (queue.next_offset >= 0) offsets[queue.partition] = queue.next_offset;
  }
  return offsets;
}

streams::Cancellable StreamTask::Schedule(streams::detail::NodeInstance* node,
                                          std::chrono::milliseconds interval,
                                          streams::PunctuationType type,
                                          streams::Punctuator punctuator) {
  if (interval.count() < 1) {
    throw StreamsException("the minimum punctuation interval is 1 millisecond");
  }
  if (type == streams::PunctuationType::kStreamTime) {
    // Aligned to 0: fires as soon as there is a stream time (Kafka Streams).
    return stream_time_punctuators_.Add(node, 0, interval.count(), std::move(punctuator));
  }
  return wall_clock_punctuators_.Add(node, options_.wall_clock() + interval.count(),
                                     interval.count(), std::move(punctuator));
}

bool StreamTask::MaybePunctuateStreamTime() {
  if (state_ != State::kRunning || stream_time_ < 0 || stream_time_punctuators_.empty()) return false;
  return stream_time_punctuators_.MaybePunctuate(
      stream_time_, [this](PunctuationQueue::Schedule& s, int64_t now) { RunPunctuator(s, now); });
}

bool StreamTask::MaybePunctuateSystemTime(int64_t now_ms) {
  if (state_ != State::kRunning || wall_clock_punctuators_.empty()) return false;
  return wall_clock_punctuators_.MaybePunctuate(
      now_ms, [this](PunctuationQueue::Schedule& s, int64_t now) { RunPunctuator(s, now); });
}

void StreamTask::RunPunctuator(PunctuationQueue::Schedule& schedule, int64_t now_ms) {
  metadata_ = nullptr;
  current_node = schedule.node;
  current_timestamp_ = now_ms;
  try {
    schedule.punctuator(now_ms);
  } catch (...) {
    try {
      HandleError(nullptr, std::current_exception());
    } catch (...) {
      current_node = nullptr;
      throw;
    }
  }
  current_node = nullptr;
  commit_needed_ = true;
}

void StreamTask::Send(const streams::detail::OutgoingRecord& record) {
  collector_->Send(id_, record);
}

bool StreamTask::IsReadOnlyGlobalStore(const std::string& name) const {
  return options_.global_store && options_.global_store(name) != nullptr;
}

streams::StateStore& StreamTask::GetStateStore(const streams::detail::NodeInstance* node,
                                               const std::string& name) {
  if (options_.global_store) {
    if (streams::StateStore* global = options_.global_store(name)) return *global;
  }
  if (node == nullptr || !topology_->Connected(node, name)) {
    const std::string processor = node != nullptr ? node->name() : "?";
    throw StreamsException(
        "Processor " + processor + " has no access to StateStore " + name +
        " as the store is not connected to the processor. If you add stores manually via "
        "'.addStateStore()' make sure to connect the added store to the processor by providing "
        "the processor name to '.addStateStore()' or connect them via "
        "'.connectProcessorAndStateStores()'. DSL users need to provide the store name to "
        "'.process()' or '.processValues()' to connect the store to the corresponding operator.");
  }
  streams::StateStore* store =
      state_manager_ != nullptr ? state_manager_->GetStore(name) : nullptr;
  if (store == nullptr) {
    throw StreamsException("[task " + id_.toString() + "] StateStore " + name +
                           " is not open in this task");
  }
  return *store;
}

void StreamTask::FlushState() {
  if (state_manager_ == nullptr || state_ != State::kRunning) return;
  metadata_ = nullptr;
  current_timestamp_ = stream_time_;
  try {
    state_manager_->FlushCache();
  } catch (const FatalTaskError&) {
    current_node = nullptr;
    throw;
  } catch (const streams::ProcessorStateException&) {
    current_node = nullptr;
    throw;
  } catch (...) {
    try {
      HandleError(nullptr, std::current_exception());
    } catch (...) {
      current_node = nullptr;
      throw;
    }
  }
  current_node = nullptr;
}

void StreamTask::Checkpoint(const std::map<TopicPartition, int64_t>& written) {
  if (state_manager_ != nullptr && state_ != State::kCreated && state_ != State::kClosed) {
    state_manager_->Checkpoint(written);
  }
}

streams::ErrorHandlerContext StreamTask::ErrorContext(const RawRecord* raw) const {
  streams::ErrorHandlerContext context;
  context.task_id = id_;
  if (current_node != nullptr) context.processor_node_id = current_node->name();
  if (raw != nullptr) {
    context.topic = raw->topic;
    context.partition = raw->partition;
    context.offset = raw->offset;
    context.timestamp = raw->timestamp;
    context.headers = &raw->headers;
    context.source_raw_key = raw->key;
    context.source_raw_value = raw->value;
  }
  return context;
}

void StreamTask::HandleError(const RawRecord* raw, const std::exception_ptr& error) {
  const streams::ErrorHandlerContext context = ErrorContext(raw);
  HandlerResponse response = HandlerResponse::kFail;
  std::string kind;
  std::string message;
  auto handle = [&](const std::exception& e) {
    message = e.what();
    if (raw != nullptr && !options_.dead_letter_topic.empty()) SendToDeadLetterQueue(*raw, e);
  };
  try {
    std::rethrow_exception(error);
  } catch (const FatalTaskError&) {
    throw;
  } catch (const DeserializationFailure& e) {
    kind = "deserialization";
    response = options_.deserialization_handler->handle(context, e);
    handle(e);
  } catch (const SerializationFailure& e) {
    kind = "serialization";
    response = options_.production_handler->handle(context, e.topic(), e);
    handle(e);
  } catch (const std::exception& e) {
    kind = "processing";
    response = options_.processing_handler->handle(context, e);
    handle(e);
  } catch (...) {
    kind = "processing";
    const std::runtime_error e("an exception that is not a std::exception");
    response = options_.processing_handler->handle(context, e);
    handle(e);
  }
  if (response == HandlerResponse::kFail) {
    std::string where = raw != nullptr ? std::string(raw->topic) + "-" +
                                             std::to_string(raw->partition) + "@" +
                                             std::to_string(raw->offset)
                                       : std::string("a punctuator");
    if (!context.processor_node_id.empty()) {
      where += " in " + std::string(context.processor_node_id);
    }
    throw StreamsException("[task " + id_.toString() + "] " + kind + " error at " + where +
                           " (the " + kind + " exception handler said fail): " + message);
  }
  RecordDropped();
}

void StreamTask::SendToDeadLetterQueue(const RawRecord& raw, const std::exception& error) {
  streams::Headers headers = raw.headers;
  // The exception's public type: a serde's failure is reported as the SerializationException
  // it was (the runtime wraps it internally), anything else by its own type.
  const bool serde_failure = dynamic_cast<const DeserializationFailure*>(&error) != nullptr ||
                             dynamic_cast<const SerializationFailure*>(&error) != nullptr;
  headers.add("__streams.errors.exception",
              serde_failure ? std::string("brook::streams::SerializationException")
                            : streams::detail::TypeName(typeid(error)));
  headers.add("__streams.errors.message", std::string(error.what()));
  headers.add("__streams.errors.topic", std::string(raw.topic));
  headers.add("__streams.errors.partition", std::to_string(raw.partition));
  headers.add("__streams.errors.offset", std::to_string(raw.offset));
  streams::detail::OutgoingRecord out;
  out.topic = options_.dead_letter_topic;
  out.key = raw.key;
  out.value = raw.value;
  out.timestamp = raw.timestamp;
  out.headers = &headers;
  collector_->Send(id_, out);
}

void StreamTask::Close(bool clean, const std::map<TopicPartition, int64_t>& written) {
  if (state_ == State::kClosed) return;
  const bool restored = state_ == State::kRestoring;
  state_ = State::kClosed;
  if (initialized_) {
    initialized_ = false;
    try {
      topology_->Close();
    } catch (const std::exception& e) {
      Log()->error("[task {}] a processor's close() failed: {}", id_.toString(), e.what());
    }
  }
  // A task closed while restoring keeps what it restored so far (clean: checkpointed).
  if (state_manager_ != nullptr) state_manager_->Close(clean || restored, written);
  for (auto& queue : queues_) queue.records.clear();
  buffered_ = 0;
}

}  // namespace brook::framework::runtime
