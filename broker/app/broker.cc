#include "broker/app/broker.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <stdexcept>

#include "broker/handlers/dispatcher.h"
#include "broker/log/log.h"
#include "broker/metadata/meta_properties.h"
#include "common/logging.h"

namespace brook::broker::app {
namespace {

std::shared_ptr<spdlog::logger> Logger() {
  static auto logger = GetLogger("broker");
  return logger;
}

}  // namespace

Result<std::unique_ptr<Broker>> Broker::Start(BrokerConfig config) {
  std::unique_ptr<Broker> broker(new Broker());
  broker->config_ = config;
  handlers::BrokerContext& ctx = broker->context_;
  BROOK_ASSIGN_OR_RETURN(ctx.cluster_id, metadata::LoadOrCreateClusterId(
                                             log::Env::Posix(), config.log_dir, config.node_id));
  metadata::TopicManagerOptions topic_options;
  topic_options.log_dir = config.log_dir;
  topic_options.log_defaults = config.log_defaults;
  topic_options.broker_set = config.topic_defaults_set;
  topic_options.start_cleaner = config.cleaner_enable;
  topic_options.cleaner_backoff_ms = config.cleaner_backoff_ms;
  BROOK_ASSIGN_OR_RETURN(broker->topics_, metadata::TopicManager::Open(topic_options));

  ctx.node_id = config.node_id;
  ctx.auto_create_topics = config.auto_create_topics;
  ctx.num_partitions = config.num_partitions;
  ctx.delete_topic_enable = config.delete_topic_enable;
  ctx.broker_configs = config.given;
  ctx.topics = broker->topics_.get();
  broker->metrics_ = std::make_unique<handlers::BrokerMetrics>(*broker->metrics_registry_);
  ctx.metrics = broker->metrics_.get();

  server::ServerOptions server_options;
  server_options.host = config.listeners.front().host;
  server_options.port = config.listeners.front().port;
  server_options.max_request_bytes = config.socket_request_max_bytes;
  server_options.connections_max_idle_ms = config.connections_max_idle_ms;
  broker->dispatcher_ = handlers::MakeDispatcher(&ctx);
  broker->server_ = std::make_unique<server::Server>(server_options, broker->dispatcher_.get());
  ctx.server = broker->server_.get();

  coordinator::GroupCoordinatorOptions group_options;
  group_options.offsets_topic_partitions = config.offsets_topic_partitions;
  group_options.offsets_topic_segment_bytes = config.offsets_topic_segment_bytes;
  group_options.initial_rebalance_delay_ms = config.group_initial_rebalance_delay_ms;
  group_options.min_session_timeout_ms = static_cast<int32_t>(config.group_min_session_timeout_ms);
  group_options.max_session_timeout_ms = static_cast<int32_t>(config.group_max_session_timeout_ms);
  group_options.max_group_size = config.group_max_size;
  group_options.offsets_retention_ms = config.offsets_retention_minutes * 60 * 1000;
  group_options.offset_metadata_max_bytes = config.offset_metadata_max_bytes;
  server::Server* server = broker->server_.get();
  broker->groups_ = std::make_unique<coordinator::GroupCoordinator>(
      group_options, broker->topics_.get(), &server->wheel(), [server] { return server->NowMs(); },
      // Commit and group-state timestamps are stored: wall-clock, as Kafka's.
      [] { return SystemClock::Get()->NowMs(); });
  ctx.groups = broker->groups_.get();

  BROOK_ASSIGN_OR_RETURN(
      broker->producer_ids_,
      coordinator::txn::ProducerIdManager::Open(
          log::Env::Posix(),
          log::JoinPath(config.log_dir, coordinator::txn::kProducerIdBlockFile)));
  coordinator::txn::TxnCoordinatorOptions txn_options;
  txn_options.state_topic_partitions = config.transaction_state_partitions;
  txn_options.state_topic_segment_bytes = config.transaction_state_segment_bytes;
  txn_options.max_timeout_ms = static_cast<int32_t>(config.transaction_max_timeout_ms);
  txn_options.transactional_id_expiration_ms = config.transactional_id_expiration_ms;
  broker->txns_ = std::make_unique<coordinator::txn::TransactionCoordinator>(
      txn_options, broker->topics_.get(), broker->producer_ids_.get(), broker->groups_.get(),
      // Wall-clock time: transaction start and update times are stored and outlive the process.
      [] { return SystemClock::Get()->NowMs(); },
      [server](const std::string& log_name) {
        server->fetch_purgatory().CheckAndComplete(log_name);
      });
  ctx.txns = broker->txns_.get();
  BROOK_RETURN_IF_ERROR(broker->server_->Start());
  // Replays __consumer_offsets in the background; groups answer COORDINATOR_LOAD_IN_PROGRESS
  // until their partition is back.
  broker->groups_->Startup([server](std::function<void()> task) { server->Post(std::move(task)); });
  // Replays __transaction_state on the loop and completes half-done transactions; until then
  // the transactional APIs answer COORDINATOR_LOAD_IN_PROGRESS.
  coordinator::txn::TransactionCoordinator* txns = broker->txns_.get();
  server->Post([txns] {
    Status s = txns->Startup();
    if (!s.ok()) Logger()->error("loading the transaction state failed: {}", s.ToString());
  });

  const Listener& advertised = config.advertised_listeners.front();
  ctx.advertised_host = advertised.host;
  if (ctx.advertised_host == "0.0.0.0" || ctx.advertised_host == "::") {
    Logger()->warn("advertised listener host {} is not reachable by clients; advertising 127.0.0.1",
                   ctx.advertised_host);
    ctx.advertised_host = "127.0.0.1";
  }
  ctx.advertised_port = advertised.port == 0 || advertised.port == config.listeners.front().port
                            ? broker->server_->port()
                            : advertised.port;
  broker->SchedulePeriodic();
  broker->AddCollectors();
  if (!config.metrics_listener.empty()) {
    metrics::Registry* registry = broker->metrics_registry_.get();
    BROOK_ASSIGN_OR_RETURN(broker->metrics_server_,
                           metrics::MetricsHttpServer::Start(
                               config.metrics_listener, [registry] { return registry->Scrape(); }));
  }
  Logger()->info("node {} of cluster {} serving {} topics at {}", config.node_id, ctx.cluster_id,
                 broker->topics_->Topics().size(), broker->bootstrap());
  return broker;
}

void Broker::SchedulePeriodic() {
  // Self-rescheduling tasks on the server's timing wheel (they run on the loop).
  struct Periodic {
    static void Every(server::Server* server, int64_t interval_ms, std::function<void()> work) {
      server->wheel().Schedule(server->NowMs() + interval_ms, [server, interval_ms, work] {
        work();
        Every(server, interval_ms, work);
      });
    }
  };
  server::Server* server = server_.get();
  metadata::TopicManager* topics = topics_.get();
  int64_t retention = std::max<int64_t>(config_.retention_check_interval_ms, 10);
  int64_t flush = std::max<int64_t>(config_.flush_scheduler_interval_ms, 10);
  int64_t offsets = std::max<int64_t>(config_.offsets_retention_check_interval_ms, 10);
  coordinator::GroupCoordinator* groups = groups_.get();
  coordinator::txn::TransactionCoordinator* txns = txns_.get();
  int64_t txn_abort = std::max<int64_t>(config_.transaction_abort_interval_ms, 10);
  int64_t txn_expire = std::max<int64_t>(config_.transaction_expire_interval_ms, 10);
  int64_t producer_check = std::max<int64_t>(config_.producer_id_expiration_check_interval_ms, 10);
  int64_t producer_expiration = config_.producer_id_expiration_ms;
  server_->Post([=] {
    Periodic::Every(server, retention, [topics] {
      int deleted = topics->RunRetention();
      if (deleted > 0) Logger()->info("retention deleted {} segments", deleted);
    });
    Periodic::Every(server, flush, [topics] { topics->RunFlush(); });
    Periodic::Every(server, offsets, [groups] { groups->ExpireOffsets(); });
    Periodic::Every(server, txn_abort, [txns] { txns->AbortTimedOutTransactions(); });
    Periodic::Every(server, txn_expire, [txns] { txns->ExpireTransactionalIds(); });
    Periodic::Every(server, producer_check, [topics, producer_expiration] {
      int removed = 0;
      int64_t now = SystemClock::Get()->NowMs();  // producers' batch timestamps are wall-clock
      for (const auto& topic : topics->Topics()) {
        for (int32_t p = 0; p < topic.partitions; ++p) {
          if (log::Log* log = topics->GetLog(topic.name, p)) {
            removed += log->RemoveExpiredProducers(now, producer_expiration);
          }
        }
      }
      if (removed > 0) Logger()->info("forgot {} idle producer ids", removed);
    });
  });
}

void Broker::Stop() {
  if (stopped_) return;
  stopped_ = true;
  Logger()->info("shutting down");
  // First, so no scrape waits for a loop that is stopping.
  if (metrics_server_) metrics_server_->Stop();
  if (groups_) groups_->Shutdown();
  if (server_) server_->Stop();
  if (topics_) {
    Status s = topics_->Close();
    if (!s.ok()) Logger()->error("closing the logs failed: {}", s.ToString());
  }
  Logger()->info("shut down cleanly");
}

Broker::~Broker() { Stop(); }

std::string Broker::bootstrap() const {
  return fmt::format("{}:{}", context_.advertised_host, context_.advertised_port);
}

int Broker::port() const { return server_->port(); }

std::string Broker::metrics_url() const { return metrics_server_ ? metrics_server_->url() : ""; }

void Broker::AddCollectors() {
  server::Server* server = server_.get();
  metadata::TopicManager* topics = topics_.get();
  coordinator::GroupCoordinator* groups = groups_.get();
  // Runs `collect` on the loop and returns its samples; throws (a 500 for the scrape) when the
  // loop does not get to it in time.
  auto on_loop = [server](std::function<std::vector<metrics::Sample>()> collect) {
    auto promise = std::make_shared<std::promise<std::vector<metrics::Sample>>>();
    std::future<std::vector<metrics::Sample>> future = promise->get_future();
    server->Post([promise, collect] { promise->set_value(collect()); });
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      throw std::runtime_error("the broker's loop did not answer within 5 s");
    }
    return future.get();
  };
  // Each family makes its own pass over the partitions, on the loop.
  enum class What { kSize, kStart, kEnd };
  auto partitions = [on_loop, topics](What what) {
    return on_loop([topics, what] {
      std::vector<metrics::Sample> samples;
      for (const auto& topic : topics->Topics()) {
        for (int32_t p = 0; p < topic.partitions; ++p) {
          log::Log* log = topics->GetLog(topic.name, p);
          if (log == nullptr) continue;
          const double value = what == What::kSize ? static_cast<double>(log->size_bytes())
                               : what == What::kStart
                                   ? static_cast<double>(log->log_start_offset().value())
                                   : static_cast<double>(log->log_end_offset().value());
          samples.push_back({{{"topic", topic.name}, {"partition", std::to_string(p)}}, value});
        }
      }
      return samples;
    });
  };
  metrics::Registry& registry = *metrics_registry_;
  registry.collector("kafka_log_log_size_bytes", "Bytes of a partition's log on disk (Log Size).",
                     metrics::Type::kGauge, [partitions] { return partitions(What::kSize); });
  registry.collector("kafka_log_log_start_offset", "A partition's first offset (LogStartOffset).",
                     metrics::Type::kGauge, [partitions] { return partitions(What::kStart); });
  registry.collector("kafka_log_log_end_offset",
                     "A partition's next offset to be written (LogEndOffset).",
                     metrics::Type::kGauge, [partitions] { return partitions(What::kEnd); });
  registry.collector(
      "kafka_consumergroup_lag",
      "Records of a partition after the group's committed offset (log end offset - committed).",
      metrics::Type::kGauge, [on_loop, topics, groups] {
        return on_loop([topics, groups] {
          std::vector<metrics::Sample> samples;
          groups->ForEachCommittedOffset([&](const std::string& group,
                                             const coordinator::TopicPartition& partition,
                                             int64_t offset) {
            log::Log* log = topics->GetLog(partition.first, partition.second);
            if (log == nullptr || offset < 0) return;
            const int64_t lag = std::max<int64_t>(0, log->log_end_offset().value() - offset);
            samples.push_back({{{"consumergroup", group},
                                {"topic", partition.first},
                                {"partition", std::to_string(partition.second)}},
                               static_cast<double>(lag)});
          });
          return samples;
        });
      });
}

}  // namespace brook::broker::app
