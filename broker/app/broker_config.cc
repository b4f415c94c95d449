#include "broker/app/broker_config.h"

#include <charconv>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "common/metrics_http.h"

namespace brook::broker::app {
namespace {

template <typename T>
Status ParseNumber(const std::string& key, const std::string& value, T* out) {
  T v{};
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Status::InvalidArgument(fmt::format("{}: '{}' is not a valid number", key, value));
  }
  *out = v;
  return Status::Ok();
}

Status ParseBool(const std::string& key, const std::string& value, bool* out) {
  if (value == "true") {
    *out = true;
  } else if (value == "false") {
    *out = false;
  } else {
    return Status::InvalidArgument(fmt::format("{}: '{}' is not true or false", key, value));
  }
  return Status::Ok();
}

// Every key the broker applies, with its default (as server.properties would write it; "" for
// none) and what it does: FromProperties reads only these, and the configuration reference
// (docs/guides/configuration.md, printed by brook-config-reference) is generated from them.
constexpr BrokerConfig::KeyDefinition kDefinitions[] = {
    {"node.id", "1", "This node's id; also the controller id in Metadata."},
    {"broker.id", "1", "The older name of node.id."},
    {"listeners", "PLAINTEXT://127.0.0.1:9092",
     "Where clients connect: NAME://HOST:PORT,... Only PLAINTEXT; an empty host is 0.0.0.0, "
     "port 0 a free port."},
    {"advertised.listeners", "",
     "What Metadata tells clients. Empty: the listeners (0.0.0.0 advertised as 127.0.0.1)."},
    {"log.dirs", "/tmp/brook-logs",
     "The data directory (the first of a list): a directory per partition, meta.properties and "
     "brook-topics.json (docs/formats/)."},
    {"log.dir", "/tmp/brook-logs", "Used when log.dirs is not set."},
    {"num.partitions", "1", "Partitions of an auto-created topic (at least 1)."},
    {"auto.create.topics.enable", "true",
     "Create a topic when a client asks Metadata for it or produces to it."},
    {"default.replication.factor", "1", "Must be 1: there is one node."},
    {"delete.topic.enable", "true", "Whether DeleteTopics may delete topics."},
    {"socket.request.max.bytes", "104857600",
     "The largest request frame; a larger one closes the connection."},
    {"connections.max.idle.ms", "600000", "Idle connections are closed after this."},
    {"metrics.listener", "",
     "http://HOST:PORT where GET /metrics answers the broker's metrics in Prometheus' text "
     "format; port 0 picks a free one (docs/guides/observability.md). Empty: none."},
    {"log.segment.bytes", "1073741824",
     "Topics' segment.bytes: a new segment starts before one grows past this."},
    {"log.roll.ms", "604800000",
     "Topics' segment.ms: a new segment starts when the active one's first batch is this old."},
    {"log.roll.hours", "168", "log.roll.ms in hours, used when log.roll.ms is not set."},
    {"log.retention.ms", "604800000",
     "Topics' retention.ms: closed segments whose newest record is older are deleted; -1 keeps "
     "them."},
    {"log.retention.minutes", "",
     "log.retention.ms in minutes, used when log.retention.ms is not set."},
    {"log.retention.hours", "168",
     "log.retention.ms in hours, used when neither log.retention.ms nor .minutes is set."},
    {"log.retention.bytes", "-1",
     "Topics' retention.bytes: the oldest closed segments are deleted while the partition stays "
     "this big without them; -1: no limit."},
    {"log.retention.check.interval.ms", "300000", "How often retention runs."},
    {"message.max.bytes", "1048588",
     "Topics' max.message.bytes: the largest record batch a produce may append."},
    {"log.index.interval.bytes", "4096",
     "Topics' index.interval.bytes: bytes of log between two offset index entries."},
    {"log.index.size.max.bytes", "10485760",
     "Topics' segment.index.bytes: a new segment starts when its index would pass this."},
    {"log.flush.interval.messages", "9223372036854775807",
     "Topics' flush.messages: fsync after this many records (1: every append). The default "
     "leaves it to the page cache, as Kafka does."},
    {"log.flush.interval.ms", "9223372036854775807",
     "Topics' flush.ms: fsync when the oldest unflushed append is this old."},
    {"log.flush.scheduler.interval.ms", "1000",
     "How often log.flush.interval.ms is checked (Kafka's default is never)."},
    {"log.cleanup.policy", "delete", "Topics' cleanup.policy: delete, compact or compact,delete."},
    {"log.cleaner.enable", "true", "Whether compacted topics are compacted."},
    {"log.cleaner.backoff.ms", "15000", "The cleaner's sleep when no log needs cleaning."},
    {"log.cleaner.delete.retention.ms", "86400000",
     "Topics' delete.retention.ms: how long a compacted log keeps tombstones and transaction "
     "markers."},
    {"log.cleaner.min.cleanable.ratio", "0.5",
     "Topics' min.cleanable.dirty.ratio: a log is compacted once this share of it is dirty."},
    {"log.cleaner.min.compaction.lag.ms", "0",
     "Topics' min.compaction.lag.ms: records younger than this are not compacted."},
    {"offsets.topic.num.partitions", "50", "Partitions of __consumer_offsets."},
    {"offsets.topic.segment.bytes", "104857600", "segment.bytes of __consumer_offsets."},
    {"offsets.retention.minutes", "10080",
     "Committed offsets of an empty group are deleted after this."},
    {"offsets.retention.check.interval.ms", "600000", "How often expired offsets are deleted."},
    {"offset.metadata.max.bytes", "4096", "The longest metadata string of an offset commit."},
    {"group.initial.rebalance.delay.ms", "3000",
     "How long a new group's first rebalance waits for more members."},
    {"group.min.session.timeout.ms", "6000", "The shortest session.timeout.ms a member may ask."},
    {"group.max.session.timeout.ms", "1800000", "The longest session.timeout.ms a member may ask."},
    {"group.max.size", "2147483647", "The most members a group takes."},
    {"transaction.max.timeout.ms", "900000",
     "The longest transaction.timeout.ms a producer may ask for."},
    {"transaction.state.log.num.partitions", "50", "Partitions of __transaction_state."},
    {"transaction.state.log.segment.bytes", "104857600", "segment.bytes of __transaction_state."},
    {"transactional.id.expiration.ms", "604800000",
     "A transactional id idle this long is forgotten."},
    {"transaction.abort.timed.out.transaction.cleanup.interval.ms", "10000",
     "How often transactions past their timeout are aborted."},
    {"transaction.remove.expired.transaction.cleanup.interval.ms", "3600000",
     "How often expired transactional ids are removed."},
    {"producer.id.expiration.ms", "86400000",
     "A partition forgets an idempotent producer idle this long."},
    {"producer.id.expiration.check.interval.ms", "600000",
     "How often idle producers are forgotten."},
};

bool IsDefined(const std::string& key) {
  for (const auto& definition : kDefinitions) {
    if (key == definition.name) return true;
  }
  return false;
}

// Keys of a Kafka server.properties that mean nothing for a single node.
const std::set<std::string>& IgnoredKeys() {
  static const std::set<std::string> keys = {"process.roles",
                                             "controller.quorum.voters",
                                             "controller.quorum.bootstrap.servers",
                                             "controller.listener.names",
                                             "inter.broker.listener.name",
                                             "listener.security.protocol.map",
                                             "num.network.threads",
                                             "num.io.threads",
                                             "num.recovery.threads.per.data.dir",
                                             "socket.send.buffer.bytes",
                                             "socket.receive.buffer.bytes",
                                             "offsets.topic.replication.factor",
                                             "transaction.state.log.replication.factor",
                                             "transaction.state.log.min.isr",
                                             "min.insync.replicas",
                                             "num.replica.fetchers",
                                             "zookeeper.connect",
                                             "zookeeper.connection.timeout.ms",
                                             "share.coordinator.state.topic.replication.factor",
                                             "share.coordinator.state.topic.min.isr",
                                             "log.segment.delete.delay.ms"};
  return keys;
}

}  // namespace

std::span<const BrokerConfig::KeyDefinition> BrokerConfig::Definitions() { return kDefinitions; }

Result<std::vector<Listener>> ParseListeners(const std::string& value) {
  std::vector<Listener> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    std::string item =
        value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? value.size() + 1 : comma + 1;
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.empty()) continue;
    size_t scheme = item.find("://");
    size_t colon = item.rfind(':');
    if (scheme == std::string::npos || colon == std::string::npos || colon < scheme + 3) {
      return Status::InvalidArgument(fmt::format("listeners: '{}' is not NAME://host:port", item));
    }
    Listener l;
    l.name = item.substr(0, scheme);
    l.host = item.substr(scheme + 3, colon - scheme - 3);
    if (l.host.size() >= 2 && l.host.front() == '[' && l.host.back() == ']') {
      l.host = l.host.substr(1, l.host.size() - 2);  // [::1]
    }
    if (l.host.empty()) l.host = "0.0.0.0";
    BROOK_RETURN_IF_ERROR(ParseNumber("listeners", item.substr(colon + 1), &l.port));
    if (l.port < 0 || l.port > 65535) {
      return Status::InvalidArgument(fmt::format("listeners: port {} is out of range", l.port));
    }
    if (l.name != "PLAINTEXT") {
      return Status::Unsupported(
          fmt::format("listeners: security protocol {} is not supported (only PLAINTEXT)", l.name));
    }
    out.push_back(l);
  }
  if (out.empty()) return Status::InvalidArgument("listeners: no listener given");
  return out;
}

Result<BrokerConfig> BrokerConfig::FromProperties(const Properties& props,
                                                  std::vector<std::string>* unknown,
                                                  std::vector<std::string>* ignored) {
  BrokerConfig c;
  // Topic-level log settings under their broker-level names.
  std::map<std::string, std::string> log_props;
  static const std::map<std::string, std::string> kLogKeys = {
      {"log.segment.bytes", "segment.bytes"},
      {"log.roll.ms", "segment.ms"},
      {"log.retention.bytes", "retention.bytes"},
      {"log.retention.ms", "retention.ms"},
      {"message.max.bytes", "max.message.bytes"},
      {"log.index.interval.bytes", "index.interval.bytes"},
      {"log.index.size.max.bytes", "segment.index.bytes"},
      {"log.flush.interval.messages", "flush.messages"},
      {"log.flush.interval.ms", "flush.ms"},
      {"log.cleanup.policy", "cleanup.policy"},
      {"log.cleaner.delete.retention.ms", "delete.retention.ms"},
      {"log.cleaner.min.cleanable.ratio", "min.cleanable.dirty.ratio"},
      {"log.cleaner.min.compaction.lag.ms", "min.compaction.lag.ms"},
  };
  using Setter = std::function<Status(const std::string&, const std::string&)>;
  const std::map<std::string, Setter> setters = {
      {"node.id", [&](auto& k, auto& v) { return ParseNumber(k, v, &c.node_id); }},
      {"broker.id", [&](auto& k, auto& v) { return ParseNumber(k, v, &c.node_id); }},
      {"listeners",
       [&](auto&, auto& v) {
         BROOK_ASSIGN_OR_RETURN(c.listeners, ParseListeners(v));
         return Status::Ok();
       }},
      {"metrics.listener",
       [&](auto& k, auto& v) {
         if (!v.empty()) BROOK_RETURN_IF_ERROR(metrics::ParseMetricsListener(k, v).status());
         c.metrics_listener = v;
         return Status::Ok();
       }},
      {"advertised.listeners",
       [&](auto&, auto& v) {
         BROOK_ASSIGN_OR_RETURN(c.advertised_listeners, ParseListeners(v));
         return Status::Ok();
       }},
      {"log.dirs",
       [&](auto&, auto& v) {
         c.log_dir = v.substr(0, v.find(','));
         return Status::Ok();
       }},
      {"log.dir",
       [&](auto&, auto& v) {
         if (props.count("log.dirs") == 0) c.log_dir = v;
         return Status::Ok();
       }},
      {"num.partitions", [&](auto& k, auto& v) { return ParseNumber(k, v, &c.num_partitions); }},
      {"auto.create.topics.enable",
       [&](auto& k, auto& v) { return ParseBool(k, v, &c.auto_create_topics); }},
      {"default.replication.factor",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.default_replication_factor); }},
      {"delete.topic.enable",
       [&](auto& k, auto& v) { return ParseBool(k, v, &c.delete_topic_enable); }},
      {"socket.request.max.bytes",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.socket_request_max_bytes); }},
      {"connections.max.idle.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.connections_max_idle_ms); }},
      {"log.retention.check.interval.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.retention_check_interval_ms); }},
      {"log.flush.scheduler.interval.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.flush_scheduler_interval_ms); }},
      {"log.cleaner.enable", [&](auto& k, auto& v) { return ParseBool(k, v, &c.cleaner_enable); }},
      {"log.cleaner.backoff.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.cleaner_backoff_ms); }},
      {"offsets.topic.num.partitions",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.offsets_topic_partitions); }},
      {"offsets.topic.segment.bytes",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.offsets_topic_segment_bytes); }},
      {"offsets.retention.check.interval.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.offsets_retention_check_interval_ms); }},
      {"offset.metadata.max.bytes",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.offset_metadata_max_bytes); }},
      {"offsets.retention.minutes",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.offsets_retention_minutes); }},
      {"group.initial.rebalance.delay.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.group_initial_rebalance_delay_ms); }},
      {"group.min.session.timeout.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.group_min_session_timeout_ms); }},
      {"group.max.session.timeout.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.group_max_session_timeout_ms); }},
      {"group.max.size", [&](auto& k, auto& v) { return ParseNumber(k, v, &c.group_max_size); }},
      {"transaction.max.timeout.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.transaction_max_timeout_ms); }},
      {"transaction.state.log.num.partitions",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.transaction_state_partitions); }},
      {"transaction.state.log.segment.bytes",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.transaction_state_segment_bytes); }},
      {"transactional.id.expiration.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.transactional_id_expiration_ms); }},
      {"transaction.abort.timed.out.transaction.cleanup.interval.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.transaction_abort_interval_ms); }},
      {"transaction.remove.expired.transaction.cleanup.interval.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.transaction_expire_interval_ms); }},
      {"producer.id.expiration.ms",
       [&](auto& k, auto& v) { return ParseNumber(k, v, &c.producer_id_expiration_ms); }},
      {"producer.id.expiration.check.interval.ms",
       [&](auto& k, auto& v) {
         return ParseNumber(k, v, &c.producer_id_expiration_check_interval_ms);
       }},
  };

  int64_t retention_hours = -2;
  int64_t retention_minutes = -2;
  int64_t roll_hours = -2;
  for (const auto& [key, value] : props) {
    if (!IsDefined(key)) {
      if (IgnoredKeys().count(key) > 0) {
        if (ignored != nullptr) ignored->push_back(key);
      } else if (unknown != nullptr) {
        unknown->push_back(key);
      }
    } else if (auto it = setters.find(key); it != setters.end()) {
      BROOK_RETURN_IF_ERROR(it->second(key, value));
    } else if (auto log_key = kLogKeys.find(key); log_key != kLogKeys.end()) {
      log_props[log_key->second] = value;
    } else if (key == "log.retention.hours") {
      BROOK_RETURN_IF_ERROR(ParseNumber(key, value, &retention_hours));
    } else if (key == "log.retention.minutes") {
      BROOK_RETURN_IF_ERROR(ParseNumber(key, value, &retention_minutes));
    } else if (key == "log.roll.hours") {
      BROOK_RETURN_IF_ERROR(ParseNumber(key, value, &roll_hours));
    } else {
      return Status::Internal(fmt::format("{}: defined but not applied", key));
    }
  }
  // Kafka's precedence: .ms over .minutes over .hours.
  if (log_props.count("retention.ms") == 0) {
    if (retention_minutes != -2) {
      log_props["retention.ms"] =
          std::to_string(retention_minutes < 0 ? -1 : retention_minutes * 60'000);
    } else if (retention_hours != -2) {
      log_props["retention.ms"] =
          std::to_string(retention_hours < 0 ? -1 : retention_hours * 3'600'000);
    }
  }
  if (log_props.count("segment.ms") == 0 && roll_hours != -2) {
    log_props["segment.ms"] = std::to_string(roll_hours * 3'600'000);
  }
  c.topic_defaults_set = log_props;
  c.given = props;
  auto log_config = log::LogConfig::FromProperties(log_props, log::LogConfig());
  if (!log_config.ok()) {
    return Status::InvalidArgument("broker log defaults: " + log_config.status().message());
  }
  c.log_defaults = *log_config;
  if (c.num_partitions < 1) return Status::InvalidArgument("num.partitions must be at least 1");
  if (c.default_replication_factor != 1) {
    return Status::InvalidArgument("default.replication.factor must be 1 on a single node");
  }
  if (c.advertised_listeners.empty()) c.advertised_listeners = c.listeners;
  return c;
}

}  // namespace brook::broker::app
