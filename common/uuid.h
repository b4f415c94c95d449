#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brook {

// A 128-bit id as Kafka uses them (topic ids, the cluster id): 16 raw bytes on the wire, shown
// as 22 characters of URL-safe base64 without padding ("kJmXfBfVQpKkoFl7zJ5sLQ").
// The all-zero Uuid means "none".
struct Uuid {
  std::array<uint8_t, 16> bytes{};

  static Uuid Zero() { return Uuid{}; }
  // A random version-4 id that is neither zero nor starts with '-' when printed (Kafka's rule,
  // so it cannot be mistaken for a command-line flag).
  static Uuid Random();
  // Parses the 22-character base64 form; nullopt when malformed.
  static std::optional<Uuid> FromString(std::string_view text);
  std::string ToString() const;
  bool is_zero() const { return *this == Zero(); }

  auto operator<=>(const Uuid&) const = default;
};

}  // namespace brook

template <>
struct std::hash<brook::Uuid> {
  size_t operator()(const brook::Uuid& id) const noexcept {
    uint64_t a = 0;
    for (int i = 0; i < 8; ++i) a = (a << 8) | id.bytes[i];
    uint64_t b = 0;
    for (int i = 8; i < 16; ++i) b = (b << 8) | id.bytes[i];
    return std::hash<uint64_t>()(a ^ (b * 0x9E3779B97F4A7C15ull));
  }
};
