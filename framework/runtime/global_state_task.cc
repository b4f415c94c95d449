#include "framework/runtime/global_state_task.h"

#include <algorithm>

#include "framework/api/detail/global_store_lock.h"
#include "framework/api/errors.h"

namespace brook::framework::runtime {

using streams::StreamsException;
using streams::detail::DeserializationFailure;
using streams::detail::RawRecord;
using streams::detail::SourceInstance;

GlobalStateTask::GlobalStateTask(std::shared_ptr<const topology::BuiltTopology> topology,
                                 std::unique_ptr<state::GlobalStateManager> state,
                                 GlobalTaskOptions options)
    : topology_(std::move(topology)), state_(std::move(state)), options_(std::move(options)) {
  if (!options_.deserialization_handler) {
    options_.deserialization_handler = streams::LogAndFailDeserializationHandler();
  }
  for (int id : topology_->GlobalSubtopologies()) {
    topologies_.push_back(topology_->Instantiate(id));
  }
}

GlobalStateTask::~GlobalStateTask() {
  if (!closed_) Close(false);
}

void GlobalStateTask::Initialize() {
  std::lock_guard lock(mutex_);
  state_->InitializeStores();
  for (const auto& [name, info] : topology_->stores()) {
    if (!topology_->IsGlobalStore(name)) continue;
    if (streams::StateStore* store = state_->GetStore(name)) {
      streams::detail::GlobalStoreLocks::Register(store, &mutex_);
    }
  }
  next_offsets_ = state_->checkpointed();
  try {
    for (auto& topology : topologies_) topology->Init(this);
  } catch (const StreamsException&) {
    throw;
  } catch (const std::exception& e) {
    throw StreamsException(std::string("[global] a global processor's init failed: ") + e.what());
  }
  initialized_ = true;
}

std::vector<std::string> GlobalStateTask::topics() const { return topology_->GlobalSourceTopics(); }

void GlobalStateTask::Update(const RawRecord& record) {
  SourceInstance* source = nullptr;
  for (const auto& topology : topologies_) {
    if ((source = topology->SourceFor(record.topic)) != nullptr) break;
  }
  if (source == nullptr) {
    throw StreamsException("[global] no global store reads topic " + std::string(record.topic));
  }
  const TopicPartition partition{std::string(record.topic), record.partition};
  streams::RecordMetadata metadata{record.topic, record.partition, record.offset};
  std::lock_guard lock(mutex_);
  metadata_ = &metadata;
  current_node = source;
  try {
    const int64_t timestamp = source->ExtractTimestamp(record, stream_time_);
    stream_time_ = std::max(stream_time_, timestamp);
    source->ProcessRaw(record, timestamp);
  } catch (const DeserializationFailure& e) {
    streams::ErrorHandlerContext context;
    context.topic = record.topic;
    context.partition = record.partition;
    context.offset = record.offset;
    context.timestamp = record.timestamp;
    context.headers = &record.headers;
    context.processor_node_id = source->name();
    context.task_id = task_id_;
    context.source_raw_key = record.key;
    context.source_raw_value = record.value;
    metadata_ = nullptr;
    current_node = nullptr;
    if (options_.deserialization_handler->handle(context, e) == streams::HandlerResponse::kFail) {
      throw StreamsException("[global] deserialization error at " + partition.ToString() + "@" +
                             std::to_string(record.offset) +
                             " (the deserialization exception handler said fail): " + e.what());
    }
    RecordDropped();
  } catch (const std::exception& e) {
    const std::string node = current_node != nullptr ? current_node->name() : source->name();
    metadata_ = nullptr;
    current_node = nullptr;
    throw StreamsException("[global] updating the global state from " + partition.ToString() + "@" +
                           std::to_string(record.offset) + " failed in " + node + ": " + e.what());
  }
  metadata_ = nullptr;
  current_node = nullptr;
  next_offsets_[partition] = record.offset + 1;
}

void GlobalStateTask::Advance(const TopicPartition& partition, int64_t next_offset) {
  std::lock_guard lock(mutex_);
  int64_t& offset = next_offsets_.try_emplace(partition, next_offset).first->second;
  offset = std::max(offset, next_offset);
}

void GlobalStateTask::Flush() {
  std::lock_guard lock(mutex_);
  state_->Flush();
}

void GlobalStateTask::Checkpoint() {
  std::lock_guard lock(mutex_);
  state_->Checkpoint(next_offsets_);
}

void GlobalStateTask::Close(bool clean) {
  if (closed_) return;
  closed_ = true;
  std::lock_guard lock(mutex_);
  if (initialized_) {
    for (auto& topology : topologies_) topology->Close();
  }
  for (const auto& [name, info] : topology_->stores()) {
    if (streams::StateStore* store = state_->GetStore(name)) {
      streams::detail::GlobalStoreLocks::Unregister(store);
    }
  }
  state_->Close(clean && initialized_, next_offsets_);
}

streams::StateStore* GlobalStateTask::GetStore(const std::string& name) const {
  return state_->GetStore(name);
}

streams::Cancellable GlobalStateTask::Schedule(streams::detail::NodeInstance*,
                                               std::chrono::milliseconds, streams::PunctuationType,
                                               streams::Punctuator) {
  throw StreamsException("schedule() is not supported in a global store's processor");
}

void GlobalStateTask::Send(const streams::detail::OutgoingRecord&) {
  throw StreamsException("a global store's processor cannot send records to a topic");
}

streams::StateStore& GlobalStateTask::GetStateStore(const streams::detail::NodeInstance*,
                                                    const std::string& name) {
  streams::StateStore* store = state_->GetStore(name);
  if (store == nullptr) {
    throw StreamsException("[global] StateStore " + name + " is not a global store");
  }
  return *store;
}

}  // namespace brook::framework::runtime
