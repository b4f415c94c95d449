#include "framework/runtime/stream_thread.h"

#include "framework/runtime/partition_time_metadata.h"

#include <algorithm>

#include "statestore/layers/store_metrics.h"

namespace brook::framework::runtime {

using streams::StreamsException;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kTransactionTimeout{30'000};
constexpr size_t kMaxPollRecords = 1000;
// Records one task processes before the thread looks at the next task.
constexpr int kRecordsPerTaskPerRound = 100;
// Records processed between two polls, at most.
constexpr int kRecordsPerIteration = 10'000;

int64_t NowMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view StreamThread::StateName(State state) {
  switch (state) {
    case State::kCreated:
      return "CREATED";
    case State::kStarting:
      return "STARTING";
    case State::kPartitionsRevoked:
      return "PARTITIONS_REVOKED";
    case State::kPartitionsAssigned:
      return "PARTITIONS_ASSIGNED";
    case State::kRunning:
      return "RUNNING";
    case State::kPendingShutdown:
      return "PENDING_SHUTDOWN";
    case State::kDead:
      return "DEAD";
  }
  return "?";
}

StreamThread::StreamThread(Options options)
    : options_(std::move(options)),
      exactly_once_(options_.config.processingGuarantee() ==
                    streams::ProcessingGuarantee::kExactlyOnceV2),
      log_(GetLogger("runtime")) {
  task_options_.application_id = options_.config.applicationId();
  task_options_.max_task_idle_ms = options_.config.maxTaskIdleMs();
  task_options_.deserialization_handler = options_.config.deserializationExceptionHandler();
  task_options_.processing_handler = options_.config.processingExceptionHandler();
  task_options_.production_handler = options_.config.productionExceptionHandler();
  task_options_.dead_letter_topic = options_.config.deadLetterQueueTopic();
  task_options_.wall_clock = NowMs;
  task_options_.global_store = options_.global_store;
}

Result<std::unique_ptr<StreamThread>> StreamThread::Create(Options options) {
  std::unique_ptr<StreamThread> thread(new StreamThread(std::move(options)));
  auto consumer = client::Consumer::Create(thread->options_.consumer_properties, thread.get());
  if (!consumer.ok()) return consumer.status();
  thread->consumer_ = std::move(consumer).value();
  if (!thread->options_.topology->stores().empty()) {
    // The restore consumer: assigned changelog partitions only, in a group nobody joins.
    client::Properties properties = thread->options_.consumer_properties;
    properties.erase("group.instance.id");
    properties.erase("partition.assignment.strategy");
    properties["group.id"] = thread->options_.config.applicationId() + "-restore";
    properties["client.id"] = thread->options_.name + "-restore-consumer";
    auto restore = client::RestoreConsumer::Create(properties);
    if (!restore.ok()) return restore.status();
    thread->changelog_reader_ = std::make_unique<state::StoreChangelogReader>(
        thread->options_.name, std::move(restore).value(), thread->options_.restore_listener);
    StreamThread* self = thread.get();
    thread->changelog_reader_->set_restored_sink([self](const streams::TaskId& id, int64_t n) {
      auto it = self->tasks_.find(id);
      if (it != self->tasks_.end()) it->second->CountRestored(n);
    });
    if (thread->options_.config.statestoreCacheMaxBytes() > 0) {
      thread->thread_cache_ =
          std::make_unique<statestore::ThreadCache>(thread->options_.config.statestoreCacheMaxBytes());
    }
  }
  BROOK_RETURN_IF_ERROR(thread->MakeProducer());
  return thread;
}

StreamThread::~StreamThread() {
  RequestShutdown();
  if (thread_.joinable()) thread_.join();
}

void StreamThread::Start() { thread_ = std::thread([this] { Run(); }); }

void StreamThread::RequestShutdown() {
  shutdown_requested_ = true;
  // A thread waiting in its poll (up to poll.ms) ends it now.
  if (consumer_) consumer_->Wakeup();
}

bool StreamThread::Join(milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!done_cv_.wait_for(lock, timeout, [this] { return done_; })) return false;
  lock.unlock();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  return true;
}

std::vector<StreamThread::TaskInfo> StreamThread::tasks() const {
  std::lock_guard lock(mutex_);
  return published_;
}

void StreamThread::SetState(State state) {
  State old = state_.exchange(state);
  if (old == state) return;
  log_->info("[{}] state {} -> {}", options_.name, StateName(old), StateName(state));
  if (options_.on_state_change) options_.on_state_change(old, state);
}

Status StreamThread::MakeProducer() {
  std::optional<std::string> transactional_id;
  if (exactly_once_) transactional_id = options_.transactional_id;
  auto producer = client::Producer::Create(options_.producer_properties, transactional_id);
  if (!producer.ok()) return producer.status();
  // The old collector goes before the old producer it points to.
  collector_ = std::make_unique<client::KafkaRecordCollector>(
      producer->get(), options_.config.productionExceptionHandler());
  producer_ = std::move(producer).value();
  transaction_open_ = false;
  return Status::Ok();
}

Status StreamThread::Subscribe() {
  std::vector<std::string> topics = options_.topology->SourceTopics();
  for (const auto& sub : options_.topology->subtopologies()) {
    for (const auto& pattern : sub.source_patterns) topics.push_back("^" + pattern);
  }
  return consumer_->Subscribe(topics);
}

void StreamThread::Run() {
  std::exception_ptr error;
  try {
    SetState(State::kStarting);
    if (exactly_once_) {
      client::TxnResult init = producer_->InitTransactions(kTransactionTimeout);
      for (int attempt = 0; !init.ok() && init.kind == client::TxnErrorKind::kRetriable &&
                            attempt < 3 && !shutdown_requested_;
           ++attempt) {
        init = producer_->InitTransactions(kTransactionTimeout);
      }
      if (!init.ok()) {
        throw StreamsException("[" + options_.name + "] cannot initialise transactions: " +
                               init.status.ToString());
      }
    }
    if (Status status = Subscribe(); !status.ok()) {
      throw StreamsException("[" + options_.name + "] cannot subscribe: " + status.ToString());
    }
    last_commit_ms_ = NowMs();
    while (!shutdown_requested_) RunOnce();
    SetState(State::kPendingShutdown);
    if (!tasks_.empty()) CloseTasks(Commit());
    consumer_->Close().IgnoreError();  // leaves the group; the revocation finds no task
  } catch (...) {
    error = std::current_exception();
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log_->error("[{}] stopping after an error: {}", options_.name, e.what());
    } catch (...) {
      log_->error("[{}] stopping after an unknown error", options_.name);
    }
    try {
      if (transaction_open_) producer_->AbortTransaction(kTransactionTimeout).IgnoreError();
      CloseTasks(false);
      consumer_->Close().IgnoreError();
    } catch (...) {
    }
  }
  SetState(State::kDead);
  if (options_.on_exit) options_.on_exit(error);
  std::lock_guard lock(mutex_);
  done_ = true;
  done_cv_.notify_all();
}

void StreamThread::RunOnce() {
  if (rejoin_needed_) {
    rejoin_needed_ = false;
    log_->info("[{}] rejoining the group", options_.name);
    if (Status status = consumer_->Unsubscribe(); !status.ok()) {
      throw StreamsException("[" + options_.name + "] cannot leave the group: " +
                             status.ToString());
    }
    if (Status status = Subscribe(); !status.ok()) {
      throw StreamsException("[" + options_.name + "] cannot rejoin: " + status.ToString());
    }
  }
  bool busy = changelog_reader_ != nullptr && !changelog_reader_->empty();
  for (const auto& [id, task] : tasks_) busy = busy || task->buffered() > 0;
  auto polled =
      consumer_->Poll(busy ? milliseconds(0) : milliseconds(options_.config.pollMs()),
                      kMaxPollRecords);
  if (!polled.ok()) {
    throw StreamsException("[" + options_.name + "] poll failed: " + polled.status().ToString());
  }
  std::lock_guard tasks_lock(tasks_mutex_);
  if (state() == State::kPartitionsAssigned) SetState(State::kRunning);
  AddRecords(std::move(polled).value());
  RestoreTasks();
  try {
    const auto started = std::chrono::steady_clock::now();
    const int processed = Process();
    if (processed > 0) {
      if (options_.process_total != nullptr) options_.process_total->Increment(processed);
      if (options_.process_latency != nullptr) {
        options_.process_latency->Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      }
    }
  } catch (const client::ProducerFencedException& e) {
    RecoverFromTransactionError(Status::FailedPrecondition(e.what()), true);
    return;
  }
  MaybeCommit(false);
}

void StreamThread::AddRecords(std::vector<streams::detail::RawRecord> records) {
  StreamTask* task = nullptr;
  TopicPartition last;
  for (auto& record : records) {
    if (task == nullptr || record.partition != last.partition || record.topic != last.topic) {
      last = TopicPartition{std::string(record.topic), record.partition};
      auto it = task_of_partition_.find(last);
      task = it == task_of_partition_.end() ? nullptr : it->second;
      if (task == nullptr) continue;  // a partition given up while the record was in flight
    }
    task->AddRecord(std::move(record));
  }
  const size_t limit = static_cast<size_t>(options_.config.bufferedRecordsPerPartition());
  std::vector<TopicPartition> to_pause;
  for (const auto& [partition, owner] : task_of_partition_) {
    if (paused_.count(partition) == 0 && owner->buffered(partition) > limit) {
      to_pause.push_back(partition);
    }
  }
  if (!to_pause.empty() && consumer_->Pause(to_pause).ok()) {
    paused_.insert(to_pause.begin(), to_pause.end());
  }
}

void StreamThread::BeginTransactionIfNeeded() {
  if (!exactly_once_ || transaction_open_ || tasks_.empty()) return;
  client::TxnResult begin = producer_->BeginTransaction();
  if (!begin.ok()) {
    RecoverFromTransactionError(begin.status, begin.kind == client::TxnErrorKind::kFenced);
    return;
  }
  transaction_open_ = true;
}

int StreamThread::Process() {
  BeginTransactionIfNeeded();
  if (exactly_once_ && !transaction_open_) return 0;
  const int64_t now = NowMs();
  auto may_have_data = [this](const TopicPartition& partition) {
    std::optional<int64_t> end = consumer_->HighWatermark(partition);
    if (!end) return false;
    auto position = consumer_->Position(partition);
    return position.ok() && position->has_value() && **position < *end;
  };
  int processed = 0;
  bool progress = true;
  while (progress && processed < kRecordsPerIteration) {
    progress = false;
    for (auto& [id, task] : tasks_) {
      int n = 0;
      while (n < kRecordsPerTaskPerRound && task->IsProcessable(now, may_have_data) &&
             task->ProcessOne()) {
        ++n;
        task->MaybePunctuateStreamTime();
      }
      processed += n;
      progress = progress || n > 0;
    }
  }
  for (auto& [id, task] : tasks_) task->MaybePunctuateSystemTime(now);
  const size_t limit = static_cast<size_t>(options_.config.bufferedRecordsPerPartition());
  std::vector<TopicPartition> to_resume;
  for (const auto& partition : paused_) {
    auto it = task_of_partition_.find(partition);
    if (it != task_of_partition_.end() && it->second->restoring()) continue;
    if (it == task_of_partition_.end() || it->second->buffered(partition) <= limit / 2) {
      to_resume.push_back(partition);
    }
  }
  if (!to_resume.empty() && consumer_->Resume(to_resume).ok()) {
    for (const auto& partition : to_resume) paused_.erase(partition);
  }
  return processed;
}

void StreamThread::MaybeCommit(bool force) {
  const int64_t now = NowMs();
  bool requested = false;
  bool needed = false;
  for (const auto& [id, task] : tasks_) {
    requested = requested || task->commit_requested();
    needed = needed || task->commit_needed();
  }
  if (!force && !requested && now - last_commit_ms_ < options_.config.commitIntervalMs()) return;
  last_commit_ms_ = now;
  if (!needed) return;
  const auto started = std::chrono::steady_clock::now();
  if (Commit() && options_.commit_latency != nullptr) {
    options_.commit_latency->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
}

bool StreamThread::Commit() {
  // Only tasks that moved: an idle thread sends no offsets and its (empty) transaction commits
  // without a request to the broker.
  std::lock_guard tasks_lock(tasks_mutex_);
  std::map<TopicPartition, int64_t> offsets;
  std::map<TopicPartition, std::string> metadata;  // partition times (Kafka's)
  for (const auto& [id, task] : tasks_) {
    if (!task->commit_needed()) continue;
    for (const auto& [partition, offset] : task->consumed_offsets()) offsets[partition] = offset;
    metadata.merge(task->commit_metadata());
  }
  // The stores first: caches flush into the changelogs (and downstream) before the producer's
  // flush or the transaction's commit, so the committed offsets never run ahead of the state.
  if (!exactly_once_ || transaction_open_) {
    try {
      for (const auto& [id, task] : tasks_) {
        if (task->commit_needed()) task->FlushState();
      }
    } catch (const client::ProducerFencedException& e) {
      RecoverFromTransactionError(Status::FailedPrecondition(e.what()), true);
      return false;
    }
  }
  if (!exactly_once_) {
    Status flushed = collector_->Flush(kTransactionTimeout);
    if (!flushed.ok()) {
      throw StreamsException("[" + options_.name + "] cannot commit: " + flushed.ToString());
    }
    Status committed = consumer_->CommitSync(offsets, &metadata);
    if (!committed.ok()) {
      // The group is rebalancing: the records are processed again by the next owner (at least
      // once).
      log_->warn("[{}] offset commit failed: {}", options_.name, committed.ToString());
      return false;
    }
    const std::map<TopicPartition, int64_t> written = collector_->offsets();
    for (const auto& [id, task] : tasks_) task->Checkpoint(written);
  } else if (transaction_open_) {
    if (!offsets.empty()) {
      auto group = consumer_->GroupMetadata();
      if (!group.ok()) {
        RecoverFromTransactionError(group.status(), false);
        return false;
      }
      client::TxnResult sent =
          producer_->SendOffsetsToTransaction(offsets, *group, kTransactionTimeout, &metadata);
      for (int attempt = 0; !sent.ok() && sent.kind == client::TxnErrorKind::kRetriable &&
                            attempt < 3;
           ++attempt) {
        sent = producer_->SendOffsetsToTransaction(offsets, *group, kTransactionTimeout);
      }
      if (!sent.ok()) {
        RecoverFromTransactionError(sent.status, sent.kind == client::TxnErrorKind::kFenced);
        return false;
      }
    }
    client::TxnResult committed = producer_->CommitTransaction(kTransactionTimeout);
    for (int attempt = 0; !committed.ok() &&
                          committed.kind == client::TxnErrorKind::kRetriable && attempt < 3;
         ++attempt) {
      committed = producer_->CommitTransaction(kTransactionTimeout);
    }
    if (!committed.ok()) {
      RecoverFromTransactionError(committed.status,
                                  committed.kind == client::TxnErrorKind::kFenced);
      return false;
    }
    transaction_open_ = false;
    Status delivery = collector_->HandleDeliveryErrors();
    if (!delivery.ok()) {
      if (collector_->fenced()) {
        RecoverFromTransactionError(delivery, true);
        return false;
      }
      throw StreamsException("[" + options_.name + "] " + delivery.ToString());
    }
  }
  for (auto& [id, task] : tasks_) task->MarkCommitted();
  log_->debug("[{}] committed {} partitions", options_.name, offsets.size());
  return true;
}

void StreamThread::RecoverFromTransactionError(const Status& status, bool fenced) {
  log_->warn("[{}] {}: closing {} tasks without committing and rejoining the group",
             options_.name, fenced ? "producer fenced" : "transaction failed", tasks_.size());
  CloseTasks(false);
  bool reuse = false;
  if (!fenced && transaction_open_) {
    client::TxnResult aborted = producer_->AbortTransaction(kTransactionTimeout);
    reuse = aborted.ok();
  } else if (!fenced && producer_->FatalError().ok()) {
    reuse = true;
  }
  transaction_open_ = false;
  if (!reuse) {
    if (Status made = MakeProducer(); !made.ok()) {
      throw StreamsException("[" + options_.name + "] cannot make a new producer: " +
                             made.ToString());
    }
    client::TxnResult init = producer_->InitTransactions(kTransactionTimeout);
    if (!init.ok()) {
      throw StreamsException("[" + options_.name + "] cannot initialise transactions again: " +
                             init.status.ToString() + " (after: " + status.ToString() + ")");
    }
  }
  if (!in_rebalance_) rejoin_needed_ = true;
}

void StreamThread::CloseTasks(bool clean) {
  std::lock_guard tasks_lock(tasks_mutex_);
  if (tasks_.empty()) return;
  if (changelog_reader_ != nullptr) {
    for (const auto& [id, task] : tasks_) changelog_reader_->Unregister(id);
  }
  log_->info("[{}] closing {} tasks{}", options_.name, tasks_.size(), clean ? "" : " (dirty)");
  const std::map<TopicPartition, int64_t> written = collector_->offsets();
  for (auto& [id, task] : tasks_) task->Close(clean, written);
  tasks_.clear();
  task_of_partition_.clear();
  paused_.clear();
  PublishTasks();
}

void StreamThread::PublishTasks() {
  std::vector<TaskInfo> info;
  for (const auto& [id, task] : tasks_) info.push_back(TaskInfo{id, task->inputs(), task->counters()});
  std::lock_guard lock(mutex_);
  published_ = std::move(info);
}

void StreamThread::OnPartitionsAssigned(const std::vector<TopicPartition>& partitions) {
  std::lock_guard tasks_lock(tasks_mutex_);
  SetState(State::kPartitionsAssigned);
  std::map<streams::TaskId, std::vector<TopicPartition>> grouped;
  for (const auto& partition : partitions) {
    const int sub = options_.topology->SubtopologyOf(partition.topic);
    if (sub < 0) {
      log_->error("[{}] assigned {}, which no source reads", options_.name,
                  partition.ToString());
      continue;
    }
    grouped[streams::TaskId{sub, partition.partition}].push_back(partition);
  }
  // The partition times committed with the offsets restore each new task's stream time.
  std::map<TopicPartition, std::string> committed_metadata;
  {
    std::vector<TopicPartition> fresh;
    for (const auto& [id, inputs] : grouped) {
      if (tasks_.count(id) == 0) fresh.insert(fresh.end(), inputs.begin(), inputs.end());
    }
    if (!fresh.empty()) {
      auto committed = consumer_->Committed(fresh, kTransactionTimeout, &committed_metadata);
      if (!committed.ok()) {
        log_->warn("[{}] cannot read the committed partition times ({}); tasks start with no "
                   "stream time",
                   options_.name, committed.status().ToString());
      }
    }
  }
  for (auto& [id, inputs] : grouped) {
    auto task = MakeTask(id);
    for (const auto& input : inputs) {
      task->AddInput(input);
      task_of_partition_[input] = task.get();
      auto it = committed_metadata.find(input);
      if (it == committed_metadata.end()) continue;
      if (std::optional<PartitionMetadata> metadata = DecodePartitionMetadata(it->second)) {
        task->InitializePartitionTime(input, metadata->partition_time);
        task->InitializeProcessorMetadata(metadata->processor_metadata);
        log_->debug("[{}] task {}: {} resumes at partition time {}", options_.name,
                    id.toString(), input.ToString(), metadata->partition_time);
      }
    }
    StartTask(*task);
    tasks_[id] = std::move(task);
  }
  std::string names;
  for (const auto& [id, task] : tasks_) names += (names.empty() ? "" : " ") + id.toString();
  log_->info("[{}] assigned {} partitions, tasks: {}", options_.name, partitions.size(),
             names.empty() ? "none" : names);
  PublishTasks();
}

std::unique_ptr<StreamTask> StreamThread::MakeTask(const streams::TaskId& id) {
  const auto& sub = options_.topology->subtopologies().at(id.subtopology);
  std::unique_ptr<state::ProcessorStateManager> state;
  if (!sub.stores.empty()) {
    // The task may still be closing on another thread of this instance (its revocation runs in
    // that thread's poll): wait a little for its directory.
    auto lock = options_.state_directory->Lock(id);
    for (int attempt = 0; !lock.ok() && attempt < 50 && !shutdown_requested_; ++attempt) {
      std::this_thread::sleep_for(milliseconds(100));
      lock = options_.state_directory->Lock(id);
    }
    if (!lock.ok()) {
      throw streams::ProcessorStateException("[" + options_.name + "] task " + id.toString() +
                                             ": " + lock.status().ToString());
    }
    state::StateManagerOptions state_options;
    state_options.application_id = options_.config.applicationId();
    state_options.task_id = id;
    state_options.exactly_once = exactly_once_;
    state_options.collector = collector_.get();
    state_options.app_configs = options_.config.values();
    state_options.thread_cache = thread_cache_.get();
    state_options.rocksdb_resources = options_.rocksdb_resources;
    std::vector<const topology::StoreInfo*> stores;
    for (const auto& name : sub.stores) stores.push_back(options_.topology->FindStore(name));
    state = std::make_unique<state::ProcessorStateManager>(
        std::move(state_options), std::move(lock).value(), std::move(stores));
  }
  return std::make_unique<StreamTask>(id, options_.topology->Instantiate(id.subtopology),
                                      collector_.get(), task_options_, std::move(state));
}

void StreamThread::StartTask(StreamTask& task) {
  task.InitializeStores();
  state::ProcessorStateManager* manager = task.state_manager();
  std::vector<state::ChangelogToRestore> changelogs;
  if (manager != nullptr) changelogs = manager->Changelogs();
  if (changelogs.empty() || changelog_reader_ == nullptr) {
    task.Initialize();
    return;
  }
  log_->info("[{}] task {} restoring {} changelog partitions", options_.name,
             task.id().toString(), changelogs.size());
  changelog_reader_->Register(task.id(), manager, std::move(changelogs));
}

void StreamThread::RestoreTasks() {
  if (changelog_reader_ == nullptr || changelog_reader_->empty()) return;
  // Input partitions of restoring tasks are paused: nothing to process until they are done.
  std::vector<TopicPartition> to_pause;
  for (const auto& [partition, owner] : task_of_partition_) {
    if (owner->restoring() && paused_.count(partition) == 0) to_pause.push_back(partition);
  }
  if (!to_pause.empty() && consumer_->Pause(to_pause).ok()) {
    paused_.insert(to_pause.begin(), to_pause.end());
  }
  const milliseconds timeout(std::min<int64_t>(options_.config.pollMs(), 100));
  for (const streams::TaskId& id : changelog_reader_->Restore(timeout, 10'000)) {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) continue;
    it->second->Initialize();
    log_->info("[{}] task {} restored, running", options_.name, id.toString());
  }
}

std::vector<StreamThread::TaskSnapshot> StreamThread::MetricsSnapshot() const {
  std::lock_guard tasks_lock(tasks_mutex_);
  std::map<streams::TaskId, int64_t> remaining;
  if (changelog_reader_ != nullptr) remaining = changelog_reader_->RemainingRecords();
  std::vector<TaskSnapshot> result;
  for (const auto& [id, task] : tasks_) {
    TaskSnapshot snapshot;
    snapshot.id = id;
    snapshot.processed = task->processed_records();
    if (auto it = remaining.find(id); it != remaining.end())
      snapshot.restore_remaining = it->second;
    snapshot.counters = task->counters();
    snapshot.nodes = task->NodeProcessCounts();
    const state::ProcessorStateManager* manager = task->state_manager();
    if (manager != nullptr && task->state() != StreamTask::State::kClosed) {
      manager->ForEachStore([&](streams::StateStore& store) {
        auto* metered = dynamic_cast<statestore::MeteredStore*>(&store);
        if (metered == nullptr || !store.isOpen()) return;
        StoreSnapshot entry;
        entry.name = store.name();
        entry.type = metered->metricsScope();
        entry.puts = metered->metrics().puts;
        entry.gets = metered->metrics().gets;
        entry.deletes = metered->metrics().deletes;
        entry.entries = metered->estimatedEntries();
        if (store.persistent()) entry.directory = manager->stateDir() / "rocksdb" / store.name();
        snapshot.stores.push_back(std::move(entry));
      });
    }
    result.push_back(std::move(snapshot));
  }
  return result;
}

void StreamThread::ForEachStore(const std::string& name,
                                const std::function<void(streams::StateStore&)>& visit) const {
  std::lock_guard tasks_lock(tasks_mutex_);
  for (const auto& [id, task] : tasks_) {
    if (task->state() != StreamTask::State::kRunning || task->state_manager() == nullptr) continue;
    if (streams::StateStore* store = task->state_manager()->GetStore(name)) visit(*store);
  }
}

void StreamThread::OnPartitionsRevoked(const std::vector<TopicPartition>& partitions) {
  std::lock_guard tasks_lock(tasks_mutex_);
  SetState(State::kPartitionsRevoked);
  log_->info("[{}] {} partitions revoked", options_.name, partitions.size());
  if (tasks_.empty()) return;
  in_rebalance_ = true;
  bool committed = false;
  try {
    committed = Commit();
  } catch (...) {
    in_rebalance_ = false;
    throw;
  }
  in_rebalance_ = false;
  CloseTasks(committed);
}

void StreamThread::OnPartitionsLost(const std::vector<TopicPartition>& partitions) {
  std::lock_guard tasks_lock(tasks_mutex_);
  SetState(State::kPartitionsRevoked);
  log_->warn("[{}] {} partitions lost: closing their tasks without committing", options_.name,
             partitions.size());
  if (exactly_once_ && transaction_open_) {
    if (!producer_->AbortTransaction(kTransactionTimeout).ok()) {
      if (Status made = MakeProducer(); made.ok()) {
        producer_->InitTransactions(kTransactionTimeout).IgnoreError();
      }
    }
    transaction_open_ = false;
  }
  CloseTasks(false);
}

}  // namespace brook::framework::runtime
