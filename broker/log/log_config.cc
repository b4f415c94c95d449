#include "broker/log/log_config.h"

#include <charconv>

#include <fmt/format.h>

namespace brook::broker::log {
namespace {

Status ParseInt(const std::string& key, const std::string& value, int64_t min, int64_t* out) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return Status::InvalidArgument(fmt::format("{}: '{}' is not an integer", key, value));
  }
  if (v < min) return Status::InvalidArgument(fmt::format("{}: {} is below {}", key, v, min));
  *out = v;
  return Status::Ok();
}

}  // namespace

Result<LogConfig> LogConfig::FromProperties(const std::map<std::string, std::string>& props,
                                            const LogConfig& base,
                                            std::map<std::string, std::string>* unknown) {
  LogConfig c = base;
  for (const auto& [key, value] : props) {
    int64_t v = 0;
    if (key == "segment.bytes") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 14, &c.segment_bytes));
    } else if (key == "segment.ms") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 1, &c.segment_ms));
    } else if (key == "segment.index.bytes") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 8, &c.segment_index_bytes));
    } else if (key == "retention.bytes") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, -1, &c.retention_bytes));
    } else if (key == "retention.ms") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, -1, &c.retention_ms));
    } else if (key == "max.message.bytes") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 0, &v));
      if (v > std::numeric_limits<int32_t>::max()) {
        return Status::InvalidArgument(fmt::format("{}: {} is too large", key, v));
      }
      c.max_message_bytes = static_cast<int32_t>(v);
    } else if (key == "index.interval.bytes") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 0, &v));
      c.index_interval_bytes = static_cast<int32_t>(std::min<int64_t>(v, INT32_MAX));
    } else if (key == "flush.messages") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 1, &c.flush_messages));
    } else if (key == "flush.ms") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 0, &c.flush_ms));
    } else if (key == "cleanup.policy") {
      std::string p;
      for (char ch : value) {
        if (ch != ' ') p += ch;
      }
      if (p == "delete") {
        c.cleanup_delete = true, c.cleanup_compact = false;
      } else if (p == "compact") {
        c.cleanup_delete = false, c.cleanup_compact = true;
      } else if (p == "compact,delete" || p == "delete,compact") {
        c.cleanup_delete = true, c.cleanup_compact = true;
      } else {
        return Status::InvalidArgument(
            fmt::format("cleanup.policy: '{}' is not one of delete, "
                        "compact, compact,delete",
                        value));
      }
    } else if (key == "delete.retention.ms") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 0, &c.delete_retention_ms));
    } else if (key == "min.compaction.lag.ms") {
      BROOK_RETURN_IF_ERROR(ParseInt(key, value, 0, &c.min_compaction_lag_ms));
    } else if (key == "min.cleanable.dirty.ratio") {
      char* end = nullptr;
      double d = std::strtod(value.c_str(), &end);
      if (end != value.c_str() + value.size() || d < 0 || d > 1) {
        return Status::InvalidArgument(
            fmt::format("min.cleanable.dirty.ratio: '{}' is not a number in [0, 1]", value));
      }
      c.min_cleanable_dirty_ratio = d;
    } else if (unknown != nullptr) {
      (*unknown)[key] = value;
    }
  }
  return c;
}

}  // namespace brook::broker::log
