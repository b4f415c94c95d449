#pragma once

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "broker/protocol/tagged_fields.h"
#include "common/bytes.h"
#include "common/uuid.h"

namespace brook::broker::protocol::testing {

// Random field values for round-trip tests, deterministic for a seed. Integers favour the edges
// (0, -1, min, max) where encoders tend to break.
class RandomSource {
 public:
  explicit RandomSource(uint64_t seed) : engine_(seed) {}

  bool OneIn(int n) { return Below(static_cast<uint64_t>(n)) == 0; }
  bool NextBool() { return OneIn(2); }

  template <typename T>
  T NextInt() {
    switch (Below(6)) {
      case 0:
        return 0;
      case 1:
        return std::numeric_limits<T>::min();
      case 2:
        return std::numeric_limits<T>::max();
      case 3:
        return static_cast<T>(-1);
      default:
        return static_cast<T>(engine_());
    }
  }

  double NextDouble() { return std::uniform_real_distribution<double>(-1e9, 1e9)(engine_); }

  Uuid NextUuid() {
    if (OneIn(4)) return Uuid::Zero();
    Uuid id;
    for (uint8_t& b : id.bytes) b = static_cast<uint8_t>(engine_());
    return id;
  }

  std::string NextString() {
    std::string s(Below(9), ' ');
    for (char& c : s) c = static_cast<char>('a' + Below(26));
    return s;
  }

  Bytes NextBytes() {
    Bytes b(Below(9));
    for (uint8_t& x : b) x = static_cast<uint8_t>(engine_());
    return b;
  }

  // Elements in a random array.
  int Count() { return static_cast<int>(Below(4)); }

  // Sometimes appends a few unknown tagged fields with ascending tags from `first_free_tag`.
  void UnknownTaggedFields(protocol::UnknownTaggedFields& out, uint32_t first_free_tag) {
    if (!OneIn(4)) return;
    uint32_t tag = first_free_tag + static_cast<uint32_t>(Below(3));
    for (uint64_t n = 1 + Below(2); n > 0; --n) {
      out.push_back(UnknownTaggedField{tag, NextBytes()});
      tag += 1 + static_cast<uint32_t>(Below(200));
    }
  }

 private:
  uint64_t Below(uint64_t n) { return engine_() % n; }

  std::mt19937_64 engine_;
};

}  // namespace brook::broker::protocol::testing
