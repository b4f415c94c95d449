#pragma once

#include <cstdio>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "statestore/api/key_value_iterator.h"

namespace brook::statestore {

// How the metered layers call serdes: with the changelog topic name as the topic (as Kafka),
// and with a serde's SerializationException turned into a ProcessorStateException that names
// the store, what was being read or written, and the key.
class StoreSerdes {
 public:
  // Bytes for an error message: as text when printable, else hex (at most 64 bytes shown).
  static std::string Describe(std::string_view bytes) {
    constexpr size_t kShown = 64;
    bool printable = true;
    for (char c : bytes) printable = printable && c >= 0x20 && c < 0x7f;
    std::string shown(bytes.substr(0, kShown));
    std::string out;
    if (printable) {
      out = "\"" + shown + "\"";
    } else {
      out = "0x";
      char hex[3];
      for (unsigned char c : shown) {
        std::snprintf(hex, sizeof(hex), "%02x", c);
        out += hex;
      }
    }
    if (bytes.size() > kShown) out += "... (" + std::to_string(bytes.size()) + " bytes)";
    return out;
  }

  void Set(std::string store, std::string topic) {
    store_ = std::move(store);
    topic_ = std::move(topic);
  }
  const std::string& topic() const { return topic_; }

  // The bytes of a key; a key a serde writes as a null cannot be stored.
  template <typename K>
  std::string Key(const streams::Serde<K>& serde, const K& key) const {
    std::string out;
    bool written = Guard("write a key", nullptr, [&] { return serde.serialize(topic_, key, out); });
    if (!written) {
      throw streams::ProcessorStateException("store " + store_ + ": the key serde " + serde.name() +
                                             " wrote a null key");
    }
    return out;
  }
  // The bytes of a value, or nullopt for a value its serde writes as a null (a delete).
  template <typename V>
  std::optional<std::string> Value(const streams::Serde<V>& serde, const V& value,
                                   std::string_view key_bytes) const {
    std::string out;
    bool written = Guard("write the value of key", &key_bytes,
                         [&] { return serde.serialize(topic_, value, out); });
    if (!written) return std::nullopt;
    return out;
  }
  template <typename K>
  K ReadKey(const streams::Serde<K>& serde, std::string_view bytes) const {
    return Guard("read the key", &bytes, [&] { return serde.deserialize(topic_, bytes); });
  }
  template <typename V>
  V ReadValue(const streams::Serde<V>& serde, std::string_view bytes,
              std::string_view key_bytes) const {
    return Guard("read the value of key", &key_bytes,
                 [&] { return serde.deserialize(topic_, bytes); });
  }
  template <typename V>
  std::optional<V> ReadValue(const streams::Serde<V>& serde,
                             const std::optional<std::string>& bytes,
                             std::string_view key_bytes) const {
    if (!bytes) return std::nullopt;
    return ReadValue(serde, std::string_view(*bytes), key_bytes);
  }

 private:
  template <typename F>
  // `key_bytes` (may be null) is described only when the call throws.
  auto Guard(const char* what, const std::string_view* key_bytes, F&& call) const {
    try {
      return call();
    } catch (const streams::SerializationException& e) {
      std::string message = "store " + store_ + ": cannot " + what;
      if (key_bytes) message += " " + Describe(*key_bytes);
      throw streams::ProcessorStateException(message + " (topic " + topic_ + "): " + e.what());
    }
  }

  std::string store_;
  std::string topic_;
};

// An iterator of a metered store: reads each entry's key and value from the bytes iterator
// below only when next() or peekNextKey() asks for it.
template <typename KIn, typename KOut, typename VOut>
class DeserializingIterator final : public streams::KeyValueIterator<KOut, VOut> {
 public:
  using KeyReader = std::function<KOut(const KIn&)>;
  using ValueReader = std::function<VOut(const KIn&, const std::string&)>;

  DeserializingIterator(streams::KeyValueIteratorPtr<KIn, std::string> inner, KeyReader key,
                        ValueReader value)
      : inner_(std::move(inner)), key_(std::move(key)), value_(std::move(value)) {}

  bool hasNext() override { return inner_->hasNext(); }
  streams::KeyValue<KOut, VOut> next() override {
    streams::KeyValue<KIn, std::string> entry = inner_->next();
    VOut value = value_(entry.key, entry.value);
    return {key_(entry.key), std::move(value)};
  }
  KOut peekNextKey() override { return key_(inner_->peekNextKey()); }

 private:
  streams::KeyValueIteratorPtr<KIn, std::string> inner_;
  KeyReader key_;
  ValueReader value_;
};

}  // namespace brook::statestore
