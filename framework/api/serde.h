#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace brook::streams {

// Turns values of T into Kafka record bytes and back (Kafka's Serde<T>, with the serializer
// and deserializer in one object). Kafka's null (a key or value with no bytes) is
// `std::nullopt` on the wire side; each serde decides what a null means for T (the built-in
// ones are listed in serdes.h). Write your own by deriving from Serde<T>: see
// docs/guides/serdes.md.
//
// Thread safety: serdes are shared by every task of every thread, so serialize and
// deserialize must be safe to call concurrently (keep them stateless, or guard state).
template <typename T>
class Serde {
 public:
  using Type = T;
  virtual ~Serde() = default;

  // Writes the bytes of `data` into `out` (which the caller has cleared). Returns false for a
  // Kafka null: the record gets no key (or no value) at all. Throws SerializationException
  // when `data` cannot be written.
  virtual bool serialize(std::string_view topic, const T& data, std::string& out) const = 0;

  // Reads the bytes of a key or value; `bytes` is nullopt for a Kafka null. Throws
  // SerializationException when the bytes are not a T (the record then goes to the
  // deserialization exception handler).
  virtual T deserialize(std::string_view topic, std::optional<std::string_view> bytes) const = 0;

  // A short name for error messages and describe() ("String", "Int64", "Json", ...).
  virtual std::string name() const = 0;
};

template <typename T>
using SerdePtr = std::shared_ptr<const Serde<T>>;

}  // namespace brook::streams
