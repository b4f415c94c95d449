#include "framework/api/kafka_streams.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "broker/app/embedded_broker.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/metrics_http.h"
#include "common/uuid.h"
#include "framework/client/admin.h"
#include "framework/client/check_properties.h"
#include "framework/runtime/global_stream_thread.h"
#include "framework/runtime/stream_thread.h"
#include "framework/topology/describe.h"
#include "framework/topology/topology_builder.h"
#include "statestore/rocksdb/rocksdb_resources.h"

namespace brook::streams {

using framework::runtime::StreamThread;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds kAdminTimeout{30'000};
constexpr const char* kProcessMetadataFile = "kafka-streams-process-metadata";
constexpr const char* kEmbeddedBrokerAddressFile = "embedded-broker.address";

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string_view KafkaStreams::stateName(State state) {
  switch (state) {
    case State::kCreated:
      return "CREATED";
    case State::kRebalancing:
      return "REBALANCING";
    case State::kRunning:
      return "RUNNING";
    case State::kPendingShutdown:
      return "PENDING_SHUTDOWN";
    case State::kNotRunning:
      return "NOT_RUNNING";
    case State::kPendingError:
      return "PENDING_ERROR";
    case State::kError:
      return "ERROR";
  }
  return "?";
}

class KafkaStreams::Impl : public std::enable_shared_from_this<KafkaStreams::Impl> {
 public:
  Impl(const Topology& topology, const StreamsConfig& config)
      : config_(config), log_(GetLogger("runtime")) {
    config_.validateForApplication();
    framework::topology::BuildOptions options;
    options.application_id = config_.applicationId();
    options.serdes = config_.serdeDefaults();
    built_ = topology.builder().Build(options);
    CheckClientProperties();
    if (!config_.metricsListener().empty()) {
      auto listener =
          metrics::ParseMetricsListener(StreamsConfig::kMetricsListener, config_.metricsListener());
      if (!listener.ok()) throw ConfigException("StreamsConfig " + listener.status().message());
    }
    LockStateDirectory();
    state_directory_ = std::make_shared<framework::state::StateDirectory>(config_.stateDir(),
                                                                          config_.applicationId());
    if (!built_->stores().empty()) {
      // One block cache and write buffer manager for every RocksDB store of the process: the
      // memory bound (docs/design/state-backends.md).
      rocksdb_resources_ = std::make_unique<statestore::RocksDBResources>(
          static_cast<size_t>(config_.rocksDBMemoryMaxBytes()), 0.5, config_.rocksDBConfigSetter());
    }
    client_id_ = config_.clientId().empty() ? config_.applicationId() + "-" + process_id_
                                            : config_.clientId();
    bootstrap_ = config_.bootstrapServers();
  }

  ~Impl() {
    StopStateCleaner();
    if (lock_fd_ >= 0) {
      ::flock(lock_fd_, LOCK_UN);
      ::close(lock_fd_);
    }
  }

  void Start() {
    {
      std::lock_guard lock(mutex_);
      if (state_ != State::kCreated) {
        throw StreamsException("start() called on a KafkaStreams in state " +
                               std::string(stateName(state_)) + "; it can start only once");
      }
    }
    StartMetricsServer();
    if (bootstrap_.empty()) StartEmbeddedBroker();
    PrepareTopics();
    StartGlobalThread();
    std::vector<std::unique_ptr<StreamThread>> threads;
    for (int i = 0; i < config_.numStreamThreads(); ++i) threads.push_back(MakeThread());
    StartStateCleaner();
    log_->info("[{}] starting {} stream threads ({}) against {}", client_id_, threads.size(),
               config_.processingGuarantee() == ProcessingGuarantee::kExactlyOnceV2
                   ? "exactly_once_v2"
                   : "at_least_once",
               bootstrap_);
    SetState(State::kRebalancing);
    std::lock_guard lock(mutex_);
    for (auto& thread : threads) {
      thread->Start();
      threads_.push_back(std::move(thread));
    }
  }

  bool Close(milliseconds timeout) {
    const auto deadline = timeout == milliseconds::max()
                              ? std::chrono::steady_clock::time_point::max()
                              : std::chrono::steady_clock::now() + timeout;
    {
      std::unique_lock lock(mutex_);
      if (state_ == State::kNotRunning) return true;
      if (state_ == State::kCreated) {
        lock.unlock();
        SetState(State::kNotRunning);
        return true;
      }
      closing_ = true;
    }
    if (state() != State::kError && state() != State::kPendingError) {
      SetState(State::kPendingShutdown);
    }
    std::vector<StreamThread*> threads;
    {
      std::lock_guard lock(mutex_);
      for (auto& thread : threads_) threads.push_back(thread.get());
    }
    for (StreamThread* thread : threads) thread->RequestShutdown();
    for (StreamThread* thread : threads) {
      auto left = deadline == std::chrono::steady_clock::time_point::max()
                      ? milliseconds::max()
                      : std::chrono::duration_cast<milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
      if (left.count() < 0 ||
          !thread->Join(left == milliseconds::max() ? milliseconds(1LL << 40) : left)) {
        log_->warn("[{}] close timed out; threads are still stopping", client_id_);
        return false;
      }
    }
    if (error_shutdown_.joinable() && error_shutdown_.get_id() != std::this_thread::get_id()) {
      error_shutdown_.join();
    }
    StopStateCleaner();
    // Its scrapes read the threads.
    if (metrics_server_) metrics_server_->Stop();
    {
      // The clients go before the embedded broker they talk to.
      std::lock_guard lock(mutex_);
      threads_.clear();
    }
    if (global_thread_ != nullptr) {
      // After the stream threads, whose tasks read the global stores.
      global_thread_->RequestShutdown();
      global_thread_->Join();
      global_thread_.reset();
    }
    if (broker_) {
      std::error_code ignored;
      std::filesystem::remove(address_file_, ignored);
      broker_->Stop();
      broker_.reset();
    }
    if (state() != State::kError) SetState(State::kNotRunning);
    log_->info("[{}] closed", client_id_);
    return true;
  }

  State state() const {
    std::lock_guard lock(mutex_);
    return state_;
  }

  void SetListener(StateListener listener) {
    std::lock_guard lock(mutex_);
    listener_ = std::move(listener);
  }
  void SetRestoreListener(std::shared_ptr<StateRestoreListener> listener) {
    std::lock_guard lock(mutex_);
    restore_listener_ = std::move(listener);
  }

  void CheckQueryable(const std::string& name) const {
    if (built_->FindStore(name) == nullptr) {
      throw InvalidStateStoreException("Cannot get state store " + name +
                                       " because no such store is registered in the topology.");
    }
    const State now = state();
    if (now != State::kRunning) {
      throw InvalidStateStoreException("KafkaStreams is not running. State is " +
                                       std::string(stateName(now)) + ".");
    }
  }

  void ForEachLocalStore(const std::string& name,
                         const std::function<void(StateStore&)>& visit) const {
    CheckQueryable(name);
    if (built_->IsGlobalStore(name) && global_thread_ != nullptr) {
      // The instance's one copy, read under the global thread's lock.
      std::lock_guard lock(global_thread_->mutex());
      if (StateStore* store = global_thread_->GetStore(name)) visit(*store);
      return;
    }
    std::vector<StreamThread*> threads;
    {
      std::lock_guard lock(mutex_);
      for (const auto& thread : threads_) threads.push_back(thread.get());
    }
    for (StreamThread* thread : threads) thread->ForEachStore(name, visit);
  }

  void SetHandler(UncaughtExceptionHandler handler) {
    std::lock_guard lock(mutex_);
    handler_ = std::move(handler);
  }

  std::vector<Metric> Metrics() const {
    std::lock_guard lock(mutex_);
    std::vector<Metric> result;
    for (const auto& thread : threads_) {
      if (thread->state() == StreamThread::State::kDead) continue;
      for (const auto& task : thread->tasks()) {
        for (Metric& metric :
             framework::runtime::TaskMetrics(thread->name(), task.id, *task.counters)) {
          result.push_back(std::move(metric));
        }
      }
    }
    return result;
  }

  std::vector<ThreadMetadata> Metadata() const {
    std::lock_guard lock(mutex_);
    std::vector<ThreadMetadata> result;
    for (const auto& thread : threads_) {
      if (thread->state() == StreamThread::State::kDead) continue;
      ThreadMetadata metadata;
      metadata.threadName = thread->name();
      metadata.threadState = std::string(StreamThread::StateName(thread->state()));
      for (const auto& task : thread->tasks()) {
        TaskMetadata task_metadata;
        task_metadata.taskId = task.id;
        for (const auto& partition : task.partitions) {
          task_metadata.topicPartitions.push_back({partition.topic, partition.partition});
        }
        metadata.activeTasks.push_back(std::move(task_metadata));
      }
      result.push_back(std::move(metadata));
    }
    return result;
  }

  std::string bootstrap() const {
    std::lock_guard lock(mutex_);
    return bootstrap_;
  }

  std::string MetricsUrl() const {
    std::lock_guard lock(mutex_);
    return metrics_server_ ? metrics_server_->url() : "";
  }

  TopologyDescription Describe() const { return framework::topology::Describe(*built_); }

 private:
  // The consumer., producer. and admin. overrides, checked by librdkafka now rather than when
  // the threads start.
  void CheckClientProperties() const {
    const std::pair<const char*, const framework::client::Properties*> groups[] = {
        {"consumer.", &config_.consumerOverrides()},
        {"producer.", &config_.producerOverrides()},
        {"admin.", &config_.adminOverrides()}};
    for (const auto& [prefix, properties] : groups) {
      Status status = framework::client::CheckProperties(*properties);
      if (!status.ok()) {
        throw ConfigException("StreamsConfig " + std::string(prefix) + "*: " + status.message());
      }
    }
  }

  // <state.dir>/<application.id>/.lock, held for the instance's life, and the process id kept
  // in kafka-streams-process-metadata (as Kafka Streams does), so a restarted instance gets
  // the same transactional ids and fences its predecessor's open transactions at once.
  void LockStateDirectory() {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(config_.stateDir()) / config_.applicationId();
    std::error_code error;
    fs::create_directories(dir, error);
    if (error) {
      throw StreamsException("cannot create the state directory " + dir.string() + ": " +
                             error.message());
    }
    const std::string lock_path = (dir / ".lock").string();
    lock_fd_ = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (lock_fd_ < 0 || ::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      if (lock_fd_ >= 0) ::close(lock_fd_);
      lock_fd_ = -1;
      throw StreamsException("the state directory " + dir.string() +
                             " is locked by another running instance of application " +
                             config_.applicationId() + "; give each instance its own state.dir");
    }
    const fs::path metadata_path = dir / kProcessMetadataFile;
    std::ifstream in(metadata_path);
    if (in) {
      try {
        nlohmann::json json = nlohmann::json::parse(in);
        std::string id = json.at("processId").get<std::string>();
        if (Uuid::FromString(id)) process_id_ = id;
      } catch (const std::exception& e) {
        log_->warn("[{}] unreadable {}: {}; making a new process id", config_.applicationId(),
                   metadata_path.string(), e.what());
      }
    }
    if (process_id_.empty()) {
      process_id_ = Uuid::Random().ToString();
      const fs::path temp = dir / (std::string(kProcessMetadataFile) + ".tmp");
      {
        std::ofstream out(temp, std::ios::trunc);
        out << nlohmann::json{{"version", 1}, {"processId", process_id_}}.dump() << "\n";
      }
      fs::rename(temp, metadata_path, error);
    }
  }

  void StartEmbeddedBroker() {
    const std::string dir = (std::filesystem::path(config_.stateDir()) / "broker").string();
    auto broker = broker::app::EmbeddedBroker::Start(dir);
    if (!broker.ok()) {
      throw StreamsException("cannot start the embedded broker in " + dir + ": " +
                             broker.status().ToString());
    }
    broker_ = std::move(broker).value();
    std::lock_guard lock(mutex_);
    bootstrap_ = broker_->bootstrap();
    log_->info("[{}] no bootstrap.servers: embedded broker listening on {} (data in {})",
               client_id_, bootstrap_, dir);
    // Other programs on this machine (kcat, the example's services) find it here.
    address_file_ = std::filesystem::path(config_.stateDir()) / kEmbeddedBrokerAddressFile;
    std::ofstream(address_file_, std::ios::trunc) << bootstrap_ << "\n";
  }

  framework::client::Properties AdminProperties() const {
    framework::client::Properties properties = config_.adminOverrides();
    properties["bootstrap.servers"] = bootstrap_;
    properties.emplace("client.id", client_id_ + "-admin");
    return properties;
  }

  // Checks the source topics and creates the repartition topics (Kafka Streams does this in its
  // partition assignor; Brook, with librdkafka's range assignor, does it once at start).
  void PrepareTopics() {
    auto admin = framework::client::Admin::Create(AdminProperties());
    if (!admin.ok()) throw StreamsException("admin client: " + admin.status().ToString());
    std::set<std::string> internal;
    std::map<std::string, std::optional<int32_t>> wanted;
    for (const auto& topic : built_->internal_topics()) {
      internal.insert(topic.name);
      wanted[topic.name] = topic.partitions;
    }
    std::vector<std::string> all = built_->SourceTopics();
    auto counts = (*admin)->PartitionCounts(all, kAdminTimeout);
    if (!counts.ok()) {
      throw StreamsException("cannot read topic metadata from " + bootstrap_ + ": " +
                             counts.status().ToString());
    }
    std::vector<std::string> missing;
    for (const auto& topic : all) {
      if (internal.count(topic) == 0 && counts->count(topic) == 0) missing.push_back(topic);
    }
    if (!missing.empty() && broker_) {
      // The embedded broker is the application's own: nobody else can have made its topics
      // before start(), so it makes the missing source topics (num.partitions of the broker).
      std::vector<framework::client::NewTopic> sources;
      for (const auto& topic : missing) sources.push_back({topic, -1, -1, {}});
      Status created = (*admin)->CreateTopics(sources, kAdminTimeout);
      if (!created.ok()) {
        throw StreamsException("cannot create source topics: " + created.ToString());
      }
      log_->info("[{}] created source topics {} on the embedded broker", client_id_, Join(missing));
      counts = (*admin)->PartitionCounts(all, kAdminTimeout);
      if (!counts.ok()) {
        throw StreamsException("cannot read topic metadata: " + counts.status().ToString());
      }
      missing.clear();
    }
    if (!missing.empty()) {
      throw StreamsException("source topics missing: " + Join(missing) +
                             "; create them before starting the application (for example "
                             "`brook topics create " +
                             missing.front() + " --partitions 8`)");
    }
    // Partition counts of repartition topics without a fixed count, as Kafka's RepartitionTopics
    // and CopartitionedTopicsEnforcer set them:
    // - one read by a sub-topology that also reads topics of fixed size (a join of a
    //   repartitioned stream with a table, say) takes their size, so the join's inputs are
    //   co-partitioned;
    // - any other follows the largest input of the sub-topology that writes it, and the
    //   repartition topics a sub-topology reads together (both sides of a join) take the
    //   largest of their counts. Counts only grow, so repeating until nothing changes settles
    //   chains (a sub-topology reading one repartition topic and writing another).
    std::map<std::string, int32_t> known(counts->begin(), counts->end());
    for (const auto& [name, partitions] : wanted) {
      if (partitions) known[name] = *partitions;
    }
    auto open = [&](const std::string& topic) {
      auto it = wanted.find(topic);
      return it != wanted.end() && !it->second;
    };
    std::set<std::string> pinned;
    for (const auto& sub : built_->subtopologies()) {
      int32_t size = 0;
      for (const auto& topic : sub.source_topics) {
        auto it = known.find(topic);
        if (!open(topic) && it != known.end()) size = std::max(size, it->second);
      }
      if (size == 0) continue;
      for (const auto& topic : sub.source_topics) {
        if (open(topic)) {
          known[topic] = size;
          pinned.insert(topic);
        }
      }
    }
    auto raise = [&](const std::string& topic, int32_t size) {
      if (!open(topic) || pinned.count(topic) != 0) return false;
      int32_t& current = known[topic];
      if (current >= size) return false;
      current = size;
      return true;
    };
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& sub : built_->subtopologies()) {
        int32_t most = 0;
        for (const auto& topic : sub.source_topics) {
          auto it = known.find(topic);
          if (it != known.end()) most = std::max(most, it->second);
        }
        if (most == 0) continue;
        for (const auto& topic : sub.source_topics) changed |= raise(topic, most);
        for (const auto& topic : sub.sink_topics) changed |= raise(topic, most);
      }
    }
    // Co-partitioning: one task reads the same partition number of each of its topics.
    for (const auto& sub : built_->subtopologies()) {
      std::map<std::string, int32_t> sizes;
      for (const auto& topic : sub.source_topics) {
        auto it = known.find(topic);
        if (it != known.end()) sizes[topic] = it->second;
      }
      if (sizes.empty()) continue;
      const int32_t first = sizes.begin()->second;
      for (const auto& [topic, size] : sizes) {
        if (size != first) {
          std::string list;
          for (const auto& [name, count] : sizes) {
            list += (list.empty() ? "" : ", ") + name + " (" + std::to_string(count) + ")";
          }
          throw StreamsException("sub-topology " + std::to_string(sub.id) +
                                 " reads topics that are not co-partitioned: " + list +
                                 "; they must have the same number of partitions");
        }
      }
    }
    std::vector<framework::client::NewTopic> to_create;
    for (const auto& [name, partitions] : wanted) {
      auto it = known.find(name);
      if (it == known.end()) {
        throw StreamsException("cannot tell how many partitions repartition topic " + name +
                               " needs; give Repartitioned::withNumberOfPartitions");
      }
      auto existing = counts->find(name);
      if (existing != counts->end()) {
        if (existing->second != it->second) {
          throw StreamsException("repartition topic " + name + " has " +
                                 std::to_string(existing->second) + " partitions, expected " +
                                 std::to_string(it->second) +
                                 "; delete it or reset the application");
        }
        continue;
      }
      framework::client::NewTopic topic;
      topic.name = name;
      topic.partitions = it->second;
      topic.replication_factor = config_.replicationFactor();
      topic.configs = {{"cleanup.policy", "delete"}, {"segment.bytes", "52428800"}};
      to_create.push_back(std::move(topic));
    }
    if (!to_create.empty()) {
      Status created = (*admin)->CreateTopics(to_create, kAdminTimeout);
      if (!created.ok()) {
        throw StreamsException("cannot create repartition topics: " + created.ToString());
      }
      for (const auto& topic : to_create) {
        log_->info("[{}] created repartition topic {} ({} partitions)", client_id_, topic.name,
                   topic.partitions);
      }
    }
    PrepareChangelogTopics(**admin, known);
  }

  // metrics.listener: the registry's task, processor-node and store families are computed at
  // each scrape from the threads' snapshots; the thread families are the registry's own,
  // updated by the threads (MakeThread). Names: docs/guides/observability.md.
  void StartMetricsServer() {
    if (config_.metricsListener().empty()) return;
    using metrics::Sample;
    using metrics::Type;
    using TaskSnapshot = StreamThread::TaskSnapshot;
    auto per_task = [this](std::string name, std::string help, Type type,
                           std::function<double(const TaskSnapshot&)> value) {
      registry_.collector(std::move(name), std::move(help), type, [this, value] {
        std::vector<Sample> samples;
        for (const auto& [thread, task] : TaskSnapshots()) {
          samples.push_back(
              {{{"thread_id", thread}, {"task_id", task.id.toString()}}, value(task)});
        }
        return samples;
      });
    };
    per_task("kafka_streams_stream_task_metrics_process_total", "Records processed by the task",
             Type::kCounter,
             [](const TaskSnapshot& task) { return static_cast<double>(task.processed); });
    per_task("kafka_streams_stream_task_metrics_dropped_records_total",
             "Records dropped: skipped by an exception handler, or late for their window",
             Type::kCounter, [](const TaskSnapshot& task) {
               return static_cast<double>(task.counters->dropped_records.load());
             });
    per_task("kafka_streams_stream_task_metrics_restore_total",
             "Changelog records restored into the task's stores", Type::kCounter,
             [](const TaskSnapshot& task) {
               return static_cast<double>(task.counters->restored_records.load());
             });
    per_task("kafka_streams_stream_task_metrics_restore_remaining_records",
             "Changelog records left to restore before the task runs", Type::kGauge,
             [](const TaskSnapshot& task) { return static_cast<double>(task.restore_remaining); });
    registry_.collector("kafka_streams_stream_processor_node_metrics_process_total",
                        "Records handed to the processor node", Type::kCounter, [this] {
                          std::vector<Sample> samples;
                          for (const auto& [thread, task] : TaskSnapshots()) {
                            for (const auto& [node, processed] : task.nodes) {
                              samples.push_back({{{"thread_id", thread},
                                                  {"task_id", task.id.toString()},
                                                  {"processor_node_id", node}},
                                                 static_cast<double>(processed)});
                            }
                          }
                          return samples;
                        });
    using StoreSnapshot = StreamThread::StoreSnapshot;
    auto per_store = [this](std::string name, std::string help, Type type,
                            std::function<std::optional<double>(const StoreSnapshot&)> value) {
      registry_.collector(std::move(name), std::move(help), type, [this, value] {
        std::vector<Sample> samples;
        for (const auto& [thread, task] : TaskSnapshots()) {
          for (const auto& store : task.stores) {
            std::optional<double> v = value(store);
            if (!v) continue;
            samples.push_back({{{"thread_id", thread},
                                {"task_id", task.id.toString()},
                                {"store_type", store.type},
                                {"state_id", store.name}},
                               *v});
          }
        }
        return samples;
      });
    };
    per_store("kafka_streams_stream_state_metrics_put_total",
              "Writes to the store (put, putIfAbsent, each entry of putAll)", Type::kCounter,
              [](const StoreSnapshot& store) { return static_cast<double>(store.puts); });
    per_store("kafka_streams_stream_state_metrics_get_total", "Reads of the store by key",
              Type::kCounter,
              [](const StoreSnapshot& store) { return static_cast<double>(store.gets); });
    per_store("kafka_streams_stream_state_metrics_delete_total", "Deletes from the store",
              Type::kCounter,
              [](const StoreSnapshot& store) { return static_cast<double>(store.deletes); });
    per_store("kafka_streams_stream_state_metrics_estimate_num_keys",
              "Approximate entries of a key-value store (RocksDB's estimate-num-keys)",
              Type::kGauge, [](const StoreSnapshot& store) -> std::optional<double> {
                if (store.entries < 0) return std::nullopt;
                return static_cast<double>(store.entries);
              });
    per_store("kafka_streams_stream_state_metrics_total_sst_files_size_bytes",
              "Bytes of the persistent store's SST files (all segments)", Type::kGauge,
              [](const StoreSnapshot& store) -> std::optional<double> {
                if (store.directory.empty()) return std::nullopt;
                return static_cast<double>(SstBytes(store.directory));
              });
    auto server = metrics::MetricsHttpServer::Start(config_.metricsListener(),
                                                    [this] { return registry_.Scrape(); });
    if (!server.ok()) {
      throw StreamsException("cannot serve metrics.listener: " + server.status().ToString());
    }
    std::lock_guard lock(mutex_);
    metrics_server_ = std::move(server).value();
    log_->info("[{}] metrics on {}", client_id_, metrics_server_->url());
  }

  // Each live thread's tasks, with the thread's name, for a scrape.
  std::vector<std::pair<std::string, StreamThread::TaskSnapshot>> TaskSnapshots() const {
    std::vector<StreamThread*> threads;
    {
      std::lock_guard lock(mutex_);
      for (const auto& thread : threads_) {
        if (thread->state() != StreamThread::State::kDead) threads.push_back(thread.get());
      }
    }
    std::vector<std::pair<std::string, StreamThread::TaskSnapshot>> result;
    for (StreamThread* thread : threads) {
      for (auto& task : thread->MetricsSnapshot())
        result.emplace_back(thread->name(), std::move(task));
    }
    return result;
  }

  // The bytes of the .sst files under `dir` (a segmented store keeps one database per segment
  // in subdirectories); files that vanish during the walk (compactions) are skipped.
  static int64_t SstBytes(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    int64_t total = 0;
    std::error_code error;
    for (fs::recursive_directory_iterator it(dir, error), end; !error && it != end;
         it.increment(error)) {
      if (it->path().extension() != ".sst") continue;
      std::error_code size_error;
      const auto size = fs::file_size(it->path(), size_error);
      if (!size_error) total += static_cast<int64_t>(size);
    }
    return total;
  }

  // Deletes task directories no thread has used for state.cleanup.delay.ms (Kafka's state
  // cleaner), checking every state.cleanup.delay.ms (at most every minute).
  void StartStateCleaner() {
    if (built_->stores().empty()) return;
    const int64_t delay = config_.stateCleanupDelayMs();
    const milliseconds period(std::clamp<int64_t>(delay, 1000, 60'000));
    cleaner_ = std::thread([this, delay, period] {
      std::unique_lock lock(cleaner_mutex_);
      while (!cleaner_stop_) {
        cleaner_cv_.wait_for(lock, period, [this] { return cleaner_stop_; });
        if (cleaner_stop_) break;
        const int64_t now = std::chrono::duration_cast<milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        state_directory_->CleanObsolete(delay, now);
      }
    });
  }

  void StopStateCleaner() {
    {
      std::lock_guard lock(cleaner_mutex_);
      cleaner_stop_ = true;
    }
    cleaner_cv_.notify_all();
    if (cleaner_.joinable()) cleaner_.join();
  }

  // Creates each logged store's changelog with the partition count of the sub-topology that
  // uses the store (or checks the one that exists): compacted for key-value stores,
  // compact,delete with retention.ms = the store's retention +
  // windowstore.changelog.additional.retention.ms for window and session stores, plus the
  // builder's logConfig.
  void PrepareChangelogTopics(framework::client::Admin& admin,
                              const std::map<std::string, int32_t>& partitions_of_topic) {
    std::vector<framework::client::NewTopic> wanted;
    for (const auto& [name, info] : built_->stores()) {
      if (info.changelog_topic.empty() || info.subtopology < 0) continue;
      const auto& sub = built_->subtopologies()[info.subtopology];
      int32_t partitions = 0;
      for (const auto& topic : sub.source_topics) {
        auto it = partitions_of_topic.find(topic);
        if (it != partitions_of_topic.end()) partitions = std::max(partitions, it->second);
      }
      if (partitions == 0) {
        throw StreamsException("cannot tell how many partitions changelog topic " +
                               info.changelog_topic + " of store " + name + " needs");
      }
      framework::client::NewTopic topic;
      topic.name = info.changelog_topic;
      topic.partitions = partitions;
      topic.replication_factor = config_.replicationFactor();
      if (auto retention = info.builder->changelogRetentionMs()) {
        topic.configs["cleanup.policy"] = "compact,delete";
        topic.configs["retention.ms"] =
            std::to_string(*retention + config_.windowStoreChangelogAdditionalRetentionMs());
      } else {
        topic.configs["cleanup.policy"] = "compact";
      }
      for (const auto& [key, value] : info.builder->logConfig()) topic.configs[key] = value;
      wanted.push_back(std::move(topic));
    }
    if (wanted.empty()) return;
    std::vector<std::string> names;
    for (const auto& topic : wanted) names.push_back(topic.name);
    auto existing = admin.PartitionCounts(names, kAdminTimeout);
    if (!existing.ok()) {
      throw StreamsException("cannot read changelog topic metadata: " +
                             existing.status().ToString());
    }
    std::vector<framework::client::NewTopic> to_create;
    for (auto& topic : wanted) {
      auto it = existing->find(topic.name);
      if (it == existing->end()) {
        to_create.push_back(std::move(topic));
      } else if (it->second != topic.partitions) {
        throw StreamsException("changelog topic " + topic.name + " has " +
                               std::to_string(it->second) + " partitions, but its store needs " +
                               std::to_string(topic.partitions) +
                               " (one per input partition); delete it and the application's "
                               "local state, or reset the application");
      }
    }
    if (to_create.empty()) return;
    Status created = admin.CreateTopics(to_create, kAdminTimeout);
    if (!created.ok()) {
      throw StreamsException("cannot create changelog topics (" + created.ToString() +
                             "); create them yourself (cleanup.policy=compact, one partition per "
                             "input partition) or let the application create topics");
    }
    for (const auto& topic : to_create) {
      log_->info("[{}] created changelog topic {} ({} partitions, cleanup.policy={})", client_id_,
                 topic.name, topic.partitions, topic.configs.at("cleanup.policy"));
    }
  }

  // The global stores (Kafka's GlobalStreamThread): their topics are checked (made on the
  // embedded broker when missing), the stores filled up to the topics' end before any stream
  // thread starts, then kept up to date on the global thread.
  void StartGlobalThread() {
    const std::vector<std::string> topics = built_->GlobalSourceTopics();
    if (topics.empty()) return;
    auto admin = framework::client::Admin::Create(AdminProperties());
    if (!admin.ok()) throw StreamsException("admin client: " + admin.status().ToString());
    auto counts = (*admin)->PartitionCounts(topics, kAdminTimeout);
    if (!counts.ok()) {
      throw StreamsException("cannot read topic metadata from " + bootstrap_ + ": " +
                             counts.status().ToString());
    }
    std::vector<std::string> missing;
    for (const auto& topic : topics) {
      if (counts->count(topic) == 0) missing.push_back(topic);
    }
    if (!missing.empty() && broker_) {
      std::vector<framework::client::NewTopic> created_topics;
      for (const auto& topic : missing) created_topics.push_back({topic, -1, -1, {}});
      Status created = (*admin)->CreateTopics(created_topics, kAdminTimeout);
      if (!created.ok()) {
        throw StreamsException("cannot create global topics: " + created.ToString());
      }
      log_->info("[{}] created global topics {} on the embedded broker", client_id_, Join(missing));
      counts = (*admin)->PartitionCounts(topics, kAdminTimeout);
      if (!counts.ok()) {
        throw StreamsException("cannot read topic metadata: " + counts.status().ToString());
      }
      missing.clear();
    }
    if (!missing.empty()) {
      throw StreamsException("global table topics missing: " + Join(missing) +
                             "; create them before starting the application (for example "
                             "`brook topics create " +
                             missing.front() + " --partitions 1`)");
    }
    framework::runtime::GlobalStreamThread::Options options;
    options.name = client_id_ + "-GlobalStreamThread";
    options.topology = built_;
    options.config = config_;
    options.consumer_properties = config_.consumerOverrides();
    options.consumer_properties["bootstrap.servers"] = bootstrap_;
    options.consumer_properties.emplace(
        "isolation.level", config_.processingGuarantee() == ProcessingGuarantee::kExactlyOnceV2
                               ? "read_committed"
                               : "read_uncommitted");
    options.partitions = *counts;
    options.dir = state_directory_->app_dir() / "global";
    options.rocksdb_resources = rocksdb_resources_.get();
    std::weak_ptr<Impl> weak = weak_from_this();
    options.on_exit = [weak, name = options.name](std::exception_ptr error) {
      if (auto impl = weak.lock()) impl->OnThreadExit(name, /*global=*/true, error);
    };
    auto thread = framework::runtime::GlobalStreamThread::Create(std::move(options));
    if (!thread.ok()) {
      throw StreamsException("cannot create the global stream thread: " +
                             thread.status().ToString());
    }
    global_thread_ = std::move(thread).value();
    global_thread_->Bootstrap();
    global_thread_->Start();
  }

  std::unique_ptr<StreamThread> MakeThread() {
    const int index = ++thread_count_;
    StreamThread::Options options;
    options.name = client_id_ + "-StreamThread-" + std::to_string(index);
    options.topology = built_;
    options.config = config_;
    const bool eos = config_.processingGuarantee() == ProcessingGuarantee::kExactlyOnceV2;
    options.consumer_properties = config_.consumerOverrides();
    options.consumer_properties["bootstrap.servers"] = bootstrap_;
    options.consumer_properties["group.id"] = config_.applicationId();
    options.consumer_properties.emplace("client.id", options.name + "-consumer");
    // Static membership as Kafka Streams offers it: consumer.group.instance.id is the instance's
    // id; each thread appends its index. A restarted instance then takes its threads' places in
    // the group at once instead of waiting for the old members' session timeout.
    auto instance = options.consumer_properties.find("group.instance.id");
    if (instance != options.consumer_properties.end()) {
      instance->second += "-" + std::to_string(index);
    }
    options.consumer_properties.emplace("isolation.level",
                                        eos ? "read_committed" : "read_uncommitted");
    options.producer_properties = config_.producerOverrides();
    options.producer_properties["bootstrap.servers"] = bootstrap_;
    options.producer_properties.emplace("client.id", options.name + "-producer");
    options.state_directory = state_directory_;
    {
      std::lock_guard lock(mutex_);
      options.restore_listener = restore_listener_;
      options.rocksdb_resources = rocksdb_resources_.get();
    }
    options.transactional_id =
        config_.applicationId() + "-" + process_id_ + "-" + std::to_string(index);
    const metrics::Labels thread_label{{"thread_id", options.name}};
    options.process_total = &registry_.counter("kafka_streams_stream_thread_metrics_process_total",
                                               "Records the thread processed", thread_label);
    options.process_latency =
        &registry_.histogram("kafka_streams_stream_thread_metrics_process_latency_seconds",
                             "Time to process the records of one loop iteration", thread_label);
    options.commit_latency = &registry_.histogram(
        "kafka_streams_stream_thread_metrics_commit_latency_seconds",
        "Time of a commit (flush the stores, send the records, commit offsets or the transaction)",
        thread_label);
    if (global_thread_ != nullptr) {
      options.global_store = [global = global_thread_.get()](const std::string& name) {
        return global->GetStore(name);
      };
    }
    std::weak_ptr<Impl> weak = weak_from_this();
    options.on_state_change = [weak](StreamThread::State, StreamThread::State) {
      if (auto impl = weak.lock()) impl->OnThreadStateChange();
    };
    options.on_exit = [weak, name = options.name](std::exception_ptr error) {
      if (auto impl = weak.lock()) impl->OnThreadExit(name, /*global=*/false, error);
    };
    auto thread = StreamThread::Create(std::move(options));
    if (!thread.ok()) {
      throw StreamsException("cannot create stream thread: " + thread.status().ToString());
    }
    return std::move(thread).value();
  }

  void OnThreadStateChange() {
    State next;
    {
      std::lock_guard lock(mutex_);
      if (state_ != State::kRebalancing && state_ != State::kRunning) return;
      bool all_running = true;
      bool any_alive = false;
      for (const auto& thread : threads_) {
        StreamThread::State s = thread->state();
        if (s == StreamThread::State::kDead) continue;
        any_alive = true;
        all_running = all_running && s == StreamThread::State::kRunning;
      }
      if (!any_alive) return;
      next = all_running ? State::kRunning : State::kRebalancing;
    }
    SetState(next);
  }

  // A thread that died of `error` (none: it ended normally). The handler chooses; the global
  // thread cannot be replaced (its stores would need a new bootstrap under the stream tasks
  // reading them), so REPLACE_THREAD for it shuts the client down, as in Kafka Streams.
  void OnThreadExit(const std::string& name, bool global, std::exception_ptr error) {
    if (!error) return;
    std::string message = "unknown error";
    StreamThreadExceptionResponse response = StreamThreadExceptionResponse::kShutdownClient;
    UncaughtExceptionHandler handler;
    {
      std::lock_guard lock(mutex_);
      handler = handler_;
      if (closing_) return;
    }
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      message = e.what();
      if (handler) {
        try {
          response = handler(e);
        } catch (...) {
          response = StreamThreadExceptionResponse::kShutdownClient;
        }
      }
    } catch (...) {
    }
    if (response == StreamThreadExceptionResponse::kReplaceThread && global) {
      log_->warn("[{}] the global thread cannot be replaced; shutting the client down instead",
                 client_id_);
    } else if (response == StreamThreadExceptionResponse::kReplaceThread) {
      log_->warn("[{}] {} died ({}); replacing it", client_id_, name, message);
      try {
        auto thread = MakeThread();
        std::lock_guard lock(mutex_);
        if (!closing_) {
          thread->Start();
          threads_.push_back(std::move(thread));
          return;
        }
      } catch (const std::exception& e) {
        log_->error("[{}] cannot replace {}: {}", client_id_, name, e.what());
      }
    }
    log_->error("[{}] {} died ({}); shutting the client down", client_id_, name, message);
    SetState(State::kPendingError);
    std::lock_guard lock(mutex_);
    if (error_shutdown_.joinable()) return;
    std::shared_ptr<Impl> self = shared_from_this();
    error_shutdown_ = std::thread([self] {
      std::vector<StreamThread*> threads;
      {
        std::lock_guard lock(self->mutex_);
        for (auto& thread : self->threads_) threads.push_back(thread.get());
      }
      for (StreamThread* thread : threads) thread->RequestShutdown();
      for (StreamThread* thread : threads) thread->Join(milliseconds(1LL << 40));
      self->SetState(State::kError);
    });
  }

  void SetState(State next) {
    StateListener listener;
    State old;
    {
      std::lock_guard lock(mutex_);
      old = state_;
      if (old == next || old == State::kError || old == State::kNotRunning) return;
      if (old == State::kPendingShutdown && next != State::kNotRunning) return;
      if (old == State::kPendingError && next != State::kError) return;
      state_ = next;
      listener = listener_;
    }
    log_->info("[{}] state {} -> {}", client_id_, stateName(old), stateName(next));
    if (listener) listener(next, old);
  }

  StreamsConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<const framework::topology::BuiltTopology> built_;
  std::shared_ptr<framework::state::StateDirectory> state_directory_;
  // Declared before the threads, so it is destroyed after them (their stores use it).
  std::unique_ptr<statestore::RocksDBResources> rocksdb_resources_;
  // Before the threads too: they keep their counters and histograms.
  metrics::Registry registry_;
  // Null without global stores. Destroyed after the stream threads, whose tasks read its stores.
  std::unique_ptr<framework::runtime::GlobalStreamThread> global_thread_;
  std::string process_id_;
  std::string client_id_;
  int lock_fd_ = -1;
  mutable std::mutex mutex_;
  State state_ = State::kCreated;  // guarded by mutex_
  std::string bootstrap_;          // guarded by mutex_
  StateListener listener_;
  UncaughtExceptionHandler handler_;
  std::vector<std::unique_ptr<StreamThread>> threads_;  // dead ones too, joined at close
  // After the threads: destroyed (stopped) first, as its scrapes read them.
  std::unique_ptr<metrics::MetricsHttpServer> metrics_server_;  // guarded by mutex_
  int thread_count_ = 0;
  bool closing_ = false;
  std::thread error_shutdown_;
  std::unique_ptr<broker::app::EmbeddedBroker> broker_;
  std::filesystem::path address_file_;
  std::shared_ptr<StateRestoreListener> restore_listener_;  // guarded by mutex_
  std::thread cleaner_;
  std::mutex cleaner_mutex_;
  std::condition_variable cleaner_cv_;
  bool cleaner_stop_ = false;  // guarded by cleaner_mutex_
};

KafkaStreams::KafkaStreams(const Topology& topology, const StreamsConfig& config)
    : impl_(std::make_shared<Impl>(topology, config)) {}

KafkaStreams::~KafkaStreams() { impl_->Close(std::chrono::milliseconds::max()); }

void KafkaStreams::start() { impl_->Start(); }
bool KafkaStreams::close(std::chrono::milliseconds timeout) { return impl_->Close(timeout); }
KafkaStreams::State KafkaStreams::state() const { return impl_->state(); }
void KafkaStreams::setStateListener(StateListener listener) {
  impl_->SetListener(std::move(listener));
}
void KafkaStreams::setUncaughtExceptionHandler(UncaughtExceptionHandler handler) {
  impl_->SetHandler(std::move(handler));
}
std::vector<ThreadMetadata> KafkaStreams::metadataForLocalThreads() const {
  return impl_->Metadata();
}
std::vector<Metric> KafkaStreams::metrics() const { return impl_->Metrics(); }
std::string KafkaStreams::bootstrapServers() const { return impl_->bootstrap(); }
std::string KafkaStreams::metricsUrl() const { return impl_->MetricsUrl(); }
TopologyDescription KafkaStreams::describe() const { return impl_->Describe(); }
void KafkaStreams::setGlobalStateRestoreListener(std::shared_ptr<StateRestoreListener> listener) {
  impl_->SetRestoreListener(std::move(listener));
}
void KafkaStreams::checkQueryableStore(const std::string& name) const {
  impl_->CheckQueryable(name);
}
void KafkaStreams::forEachLocalStore(const std::weak_ptr<Impl>& impl, const std::string& name,
                                     const std::function<void(StateStore&)>& visit) {
  std::shared_ptr<Impl> alive = impl.lock();
  if (alive == nullptr) throw InvalidStateStoreException("the KafkaStreams instance is gone");
  alive->ForEachLocalStore(name, visit);
}

}  // namespace brook::streams
