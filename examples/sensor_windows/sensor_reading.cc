#include "examples/sensor_windows/sensor_reading.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "framework/api/errors.h"

namespace brook::examples::sensors {

namespace {

nlohmann::json Parse(std::string_view topic, std::optional<std::string_view> bytes,
                     const char* what) {
  if (!bytes) {
    throw streams::SerializationException(std::string("a null ") + what + " on " +
                                          std::string(topic));
  }
  nlohmann::json json = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    throw streams::SerializationException(std::string("not a JSON object: a ") + what + " on " +
                                          std::string(topic));
  }
  return json;
}

template <typename T>
T Field(const nlohmann::json& json, const char* name, const char* what) {
  auto it = json.find(name);
  if (it == json.end()) {
    throw streams::SerializationException(std::string(what) + " without \"" + name + "\"");
  }
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw streams::SerializationException(std::string(what) + " with a bad \"" + name + "\"");
  }
}

class ReadingJsonSerde final : public streams::Serde<Reading> {
 public:
  bool serialize(std::string_view, const Reading& reading, std::string& out) const override {
    out = ReadingJson(reading);
    return true;
  }
  Reading deserialize(std::string_view topic,
                      std::optional<std::string_view> bytes) const override {
    nlohmann::json json = Parse(topic, bytes, "reading");
    if (!json.contains("value") || !json["value"].is_number()) {
      throw streams::SerializationException("a reading without a numeric \"value\"");
    }
    return Reading{Field<std::string>(json, "sensor", "a reading"),
                   Field<int64_t>(json, "ts", "a reading"), json["value"].get<double>()};
  }
  std::string name() const override { return "SensorReadingJson"; }
};

class StatsJsonSerde final : public streams::Serde<WindowStats> {
 public:
  bool serialize(std::string_view, const WindowStats& stats, std::string& out) const override {
    out = nlohmann::json{{"count", stats.count}, {"min", stats.min}, {"max", stats.max},
                         {"sum", stats.sum}}
              .dump();
    return true;
  }
  WindowStats deserialize(std::string_view topic,
                          std::optional<std::string_view> bytes) const override {
    nlohmann::json json = Parse(topic, bytes, "window aggregate");
    return WindowStats{Field<int64_t>(json, "count", "an aggregate"),
                       Field<double>(json, "min", "an aggregate"),
                       Field<double>(json, "max", "an aggregate"),
                       Field<double>(json, "sum", "an aggregate")};
  }
  std::string name() const override { return "SensorWindowStatsJson"; }
};

}  // namespace

WindowStats WindowStats::Add(double value) const {
  if (count == 0) return WindowStats{1, value, value, value};
  return WindowStats{count + 1, std::min(min, value), std::max(max, value), sum + value};
}

streams::SerdePtr<Reading> ReadingSerde() { return std::make_shared<ReadingJsonSerde>(); }
streams::SerdePtr<WindowStats> StatsSerde() { return std::make_shared<StatsJsonSerde>(); }

std::string ReadingJson(const Reading& reading) {
  nlohmann::ordered_json json;
  json["sensor"] = reading.sensor;
  json["ts"] = reading.ts;
  json["value"] = reading.value;
  return json.dump();
}

std::string StatsJson(const std::string& sensor, int64_t window_start, int64_t window_end,
                      const WindowStats& stats) {
  nlohmann::ordered_json json;
  json["sensor"] = sensor;
  json["window_start"] = window_start;
  json["window_end"] = window_end;
  json["count"] = stats.count;
  json["min"] = stats.min;
  json["max"] = stats.max;
  json["avg"] = stats.avg();
  return json.dump();
}

}  // namespace brook::examples::sensors
