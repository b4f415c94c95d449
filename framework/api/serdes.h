#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json_fwd.hpp>

#include "framework/api/detail/node_factory.h"
#include "framework/api/detail/optional_serde.h"
#include "framework/api/errors.h"
#include "framework/api/record.h"
#include "framework/api/serde.h"

namespace brook::streams {

// Raw bytes of a key or value, passed through untouched (Kafka's Bytes). A type of its own, not
// a std::string, so a topology says which records are opaque bytes and which are text, and
// `default.value.serde=bytes` cannot silently serve a std::string node. `data` holds the bytes
// (std::string is only the container: any byte may appear, including 0).
// Thread safety: a value type.
struct Bytes {
  std::string data;

  auto operator<=>(const Bytes&) const = default;
};

// The built-in serdes (Kafka's Serdes). Byte layouts and null rules, per serde (the long form,
// with examples, is docs/guides/serdes.md):
//
//   String()  std::string, its bytes as they are (UTF-8 is not checked). Always writes bytes,
//             an empty string as zero bytes; reads a Kafka null as "". To tell null from
//             empty, use Optional(String()).
//   Bytes()   Bytes, the same rules as String().
//   Int32()   int32_t, 4 bytes big-endian two's complement (Kafka's IntegerSerializer).
//   Int64()   int64_t, 8 bytes big-endian two's complement (Kafka's LongSerializer).
//   Double()  double, the 8 bytes of its IEEE 754 binary64 form, big-endian (DoubleSerializer).
//             Int32/Int64/Double throw SerializationException for a Kafka null (read it with
//             Optional(...)) and for any other length, naming the topic and the length.
//   Void()    Void, always a Kafka null; reading any bytes (even zero bytes) throws.
//   Json()    nlohmann::json as compact UTF-8 text (dump()). The JSON null and a Kafka null are
//             the same thing both ways: json(nullptr) is written as a Kafka null (a tombstone)
//             and a Kafka null reads as json(nullptr). Bytes that do not parse throw
//             SerializationException with the parser's message. Include
//             <nlohmann/json.hpp> to use the values (this header only declares the type).
//   Optional(serde)  std::optional<T>: nullopt <-> Kafka null, a value through `serde`.
//
// Each factory returns one shared, stateless instance (calling it twice gives the same
// pointer). Thread safety: every built-in serde is safe to use from any number of threads.
struct Serdes {
  static SerdePtr<std::string> String();
  static SerdePtr<int32_t> Int32();
  static SerdePtr<int64_t> Int64();
  static SerdePtr<double> Double();
  // Qualified names: inside Serdes, `Bytes` and `Void` name these functions.
  static SerdePtr<::brook::streams::Bytes> Bytes();
  static SerdePtr<::brook::streams::Void> Void();
  static SerdePtr<nlohmann::json> Json();

  // Wraps `serde` so a Kafka null reads as nullopt and nullopt writes a Kafka null; other
  // bytes go to `serde`. Named "Optional<" + serde->name() + ">". A value that `serde` itself
  // writes as a null (Optional(Json()) given json(nullptr)) reads back as nullopt: Kafka has
  // one null. Throws StreamsException if `serde` is null. Takes any shared_ptr to a Serde<T>
  // or a class derived from one.
  template <typename S>
  requires std::derived_from<S, Serde<typename S::Type>>
  static SerdePtr<std::optional<typename S::Type>> Optional(std::shared_ptr<S> serde);

  // The serde a config value names: string | int32 | int64 | double | bytes | void | json
  // (ASCII case ignored). The same instances as the factories above. Throws ConfigException
  // naming `name` and listing the accepted names.
  static detail::ErasedSerde ByName(std::string_view name);
};

template <typename S>
requires std::derived_from<S, Serde<typename S::Type>> SerdePtr<std::optional<typename S::Type>>
Serdes::Optional(std::shared_ptr<S> serde) {
  using T = typename S::Type;
  if (!serde) throw StreamsException("Serdes::Optional needs a serde to wrap, got a null pointer");
  return std::make_shared<const detail::OptionalSerde<T>>(SerdePtr<T>(std::move(serde)));
}

}  // namespace brook::streams

template <>
struct std::hash<brook::streams::Bytes> {
  size_t operator()(const brook::streams::Bytes& bytes) const noexcept {
    return std::hash<std::string>{}(bytes.data);
  }
};
