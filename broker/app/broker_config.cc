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
    if (auto it = setters.find(key); it != setters.end()) {
      BROOK_RETURN_IF_ERROR(it->second(key, value));
    } else if (auto log_key = kLogKeys.find(key); log_key != kLogKeys.end()) {
      log_props[log_key->second] = value;
    } else if (key == "log.retention.hours") {
      BROOK_RETURN_IF_ERROR(ParseNumber(key, value, &retention_hours));
    } else if (key == "log.retention.minutes") {
      BROOK_RETURN_IF_ERROR(ParseNumber(key, value, &retention_minutes));
    } else if (key == "log.roll.hours") {
      BROOK_RETURN_IF_ERROR(ParseNumber(key, value, &roll_hours));
    } else if (IgnoredKeys().count(key) > 0) {
      if (ignored != nullptr) ignored->push_back(key);
    } else if (unknown != nullptr) {
      unknown->push_back(key);
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
