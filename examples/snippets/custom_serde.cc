// A serde for a struct of your own (docs/guides/serdes.md, "Writing your own serde").
//
// Order is written as 1 version byte, then the amount in cents as 8 bytes big-endian, then the
// order id's bytes: 01 | 00 00 00 00 00 00 04 d2 | "o-17". The version byte lets a later
// layout be told from this one. The program writes an order, reads it back, shows how bad
// bytes are reported, and exits non-zero if anything differs.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "framework/api/errors.h"
#include "framework/api/serde.h"
#include "framework/api/serdes.h"

namespace example {

struct Order {
  std::string id;
  int64_t cents = 0;

  bool operator==(const Order&) const = default;
};

// Stateless, so safe to share between every task and thread (serde.h's contract).
class OrderSerde final : public brook::streams::Serde<Order> {
 public:
  bool serialize(std::string_view, const Order& order, std::string& out) const override {
    out.push_back(kVersion);
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>(static_cast<uint64_t>(order.cents) >> shift));
    }
    out += order.id;
    return true;  // an Order always has bytes; wrap in Serdes::Optional for Kafka nulls
  }

  Order deserialize(std::string_view topic, std::optional<std::string_view> bytes) const override {
    // Throwing SerializationException sends the record to the deserialization handler
    // (log_and_fail or log_and_continue), which logs this message with the record's offset.
    if (!bytes) Fail(topic, "a Kafka null (use Serdes::Optional to read nulls)");
    if (bytes->size() < kHeaderSize) Fail(topic, std::to_string(bytes->size()) + " bytes");
    if ((*bytes)[0] != kVersion) Fail(topic, "version " + std::to_string((*bytes)[0]));
    uint64_t cents = 0;
    for (size_t i = 1; i < kHeaderSize; ++i) {
      cents = (cents << 8) | static_cast<uint8_t>((*bytes)[i]);
    }
    return Order{std::string(bytes->substr(kHeaderSize)), static_cast<int64_t>(cents)};
  }

  std::string name() const override { return "Order"; }

 private:
  static constexpr char kVersion = 1;
  static constexpr size_t kHeaderSize = 1 + 8;

  [[noreturn]] static void Fail(std::string_view topic, const std::string& what) {
    throw brook::streams::SerializationException("Order serde on topic '" + std::string(topic) +
                                                 "' cannot read " + what);
  }
};

}  // namespace example

int main() {
  using brook::streams::SerdePtr;
  using brook::streams::Serdes;
  SerdePtr<example::Order> serde = std::make_shared<example::OrderSerde>();

  const example::Order order{"o-17", 1234};
  std::string bytes;
  serde->serialize("orders", order, bytes);
  std::printf("%s wrote %zu bytes:", serde->name().c_str(), bytes.size());
  for (unsigned char c : bytes) std::printf(" %02x", c);
  std::printf("\n");
  bool ok = serde->deserialize("orders", bytes) == order;

  try {
    serde->deserialize("orders", std::string_view("\x01\x00", 2));
    ok = false;
  } catch (const brook::streams::SerializationException& error) {
    std::printf("bad bytes: %s\n", error.what());
  }

  // The same serde, reading Kafka nulls (tombstones) as nullopt.
  auto optional = Serdes::Optional(serde);
  ok = ok && optional->deserialize("orders", std::nullopt) == std::nullopt;

  std::printf("%s\n", ok ? "round trip ok" : "round trip FAILED");
  return ok ? 0 : 1;
}
