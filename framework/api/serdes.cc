#include "framework/api/serdes.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/bytes.h"

namespace brook::streams {
namespace {

constexpr const char* kAcceptedNames = "string, int32, int64, double, bytes, void, json";

class StringSerde final : public Serde<std::string> {
 public:
  bool serialize(std::string_view, const std::string& data, std::string& out) const override {
    out = data;
    return true;
  }
  std::string deserialize(std::string_view, std::optional<std::string_view> bytes) const override {
    return bytes ? std::string(*bytes) : std::string();
  }
  std::string name() const override { return "String"; }
};

class BytesSerde final : public Serde<Bytes> {
 public:
  bool serialize(std::string_view, const Bytes& data, std::string& out) const override {
    out = data.data;
    return true;
  }
  Bytes deserialize(std::string_view, std::optional<std::string_view> bytes) const override {
    return Bytes{bytes ? std::string(*bytes) : std::string()};
  }
  std::string name() const override { return "Bytes"; }
};

// Int32, Int64 and Double: a fixed number of big-endian bytes. `Bits` is the unsigned integer
// of the same width that carries the bytes.
template <typename T, typename Bits>
class FixedWidthSerde final : public Serde<T> {
 public:
  explicit FixedWidthSerde(const char* name) : name_(name) {}

  bool serialize(std::string_view, const T& data, std::string& out) const override {
    out.resize(sizeof(Bits));
    StoreBigEndian(reinterpret_cast<uint8_t*>(out.data()), std::bit_cast<Bits>(data));
    return true;
  }
  T deserialize(std::string_view topic, std::optional<std::string_view> bytes) const override {
    if (!bytes) {
      throw SerializationException(
          fmt::format("null bytes for {} on topic '{}'; use Serdes::Optional(Serdes::{}()) to "
                      "read Kafka nulls",
                      name_, topic, name_));
    }
    if (bytes->size() != sizeof(Bits)) {
      throw SerializationException(
          fmt::format("{} serde on topic '{}' got {} bytes; it reads exactly {}", name_, topic,
                      bytes->size(), sizeof(Bits)));
    }
    return std::bit_cast<T>(LoadBigEndian<Bits>(reinterpret_cast<const uint8_t*>(bytes->data())));
  }
  std::string name() const override { return name_; }

 private:
  const char* name_;
};

class VoidSerde final : public Serde<Void> {
 public:
  bool serialize(std::string_view, const Void&, std::string&) const override { return false; }
  Void deserialize(std::string_view topic, std::optional<std::string_view> bytes) const override {
    if (bytes) {
      throw SerializationException(
          fmt::format("Void serde on topic '{}' got {} bytes; it reads only Kafka nulls", topic,
                      bytes->size()));
    }
    return Void{};
  }
  std::string name() const override { return "Void"; }
};

class JsonSerde final : public Serde<nlohmann::json> {
 public:
  bool serialize(std::string_view topic, const nlohmann::json& data,
                 std::string& out) const override {
    if (data.is_null()) return false;
    if (data.is_discarded()) {
      throw SerializationException(fmt::format(
          "Json serde on topic '{}' was given a discarded value (a failed parse)", topic));
    }
    try {
      out = data.dump();
    } catch (const nlohmann::json::exception& error) {
      throw SerializationException(
          fmt::format("Json serde on topic '{}' cannot write the value: {}", topic, error.what()));
    }
    return true;
  }
  nlohmann::json deserialize(std::string_view topic,
                             std::optional<std::string_view> bytes) const override {
    if (!bytes) return nullptr;
    try {
      return nlohmann::json::parse(bytes->begin(), bytes->end());
    } catch (const nlohmann::json::exception& error) {
      throw SerializationException(fmt::format("Json serde on topic '{}' cannot read {} bytes: {}",
                                               topic, bytes->size(), error.what()));
    }
  }
  std::string name() const override { return "Json"; }
};

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

}  // namespace

SerdePtr<std::string> Serdes::String() {
  static const auto* serde = new SerdePtr<std::string>(std::make_shared<StringSerde>());
  return *serde;
}

SerdePtr<int32_t> Serdes::Int32() {
  static const auto* serde =
      new SerdePtr<int32_t>(std::make_shared<FixedWidthSerde<int32_t, uint32_t>>("Int32"));
  return *serde;
}

SerdePtr<int64_t> Serdes::Int64() {
  static const auto* serde =
      new SerdePtr<int64_t>(std::make_shared<FixedWidthSerde<int64_t, uint64_t>>("Int64"));
  return *serde;
}

SerdePtr<double> Serdes::Double() {
  static_assert(std::numeric_limits<double>::is_iec559 && sizeof(double) == 8);
  static const auto* serde =
      new SerdePtr<double>(std::make_shared<FixedWidthSerde<double, uint64_t>>("Double"));
  return *serde;
}

SerdePtr<Bytes> Serdes::Bytes() {
  static const auto* serde = new SerdePtr<streams::Bytes>(std::make_shared<BytesSerde>());
  return *serde;
}

SerdePtr<Void> Serdes::Void() {
  static const auto* serde = new SerdePtr<streams::Void>(std::make_shared<VoidSerde>());
  return *serde;
}

SerdePtr<nlohmann::json> Serdes::Json() {
  static const auto* serde = new SerdePtr<nlohmann::json>(std::make_shared<JsonSerde>());
  return *serde;
}

detail::ErasedSerde Serdes::ByName(std::string_view name) {
  const std::string lower = AsciiLower(name);
  if (lower == "string") return detail::ErasedSerde::Of(String());
  if (lower == "int32") return detail::ErasedSerde::Of(Int32());
  if (lower == "int64") return detail::ErasedSerde::Of(Int64());
  if (lower == "double") return detail::ErasedSerde::Of(Double());
  if (lower == "bytes") return detail::ErasedSerde::Of(Bytes());
  if (lower == "void") return detail::ErasedSerde::Of(Void());
  if (lower == "json") return detail::ErasedSerde::Of(Json());
  throw ConfigException(
      fmt::format("unknown serde '{}'; accepted names: {}", name, kAcceptedNames));
}

}  // namespace brook::streams
