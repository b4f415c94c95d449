#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>

#include <fmt/format.h>

namespace brook {

// An integer that means one thing (Redpanda's named_type): an Offset cannot be passed where a
// PartitionId or a byte count is expected. Arithmetic is limited to what the meaning allows:
// adding a plain delta and taking the distance between two values of the same kind.
template <typename Rep, typename Tag>
class StrongId {
 public:
  using rep = Rep;
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep value) : value_(value) {}

  constexpr Rep value() const { return value_; }
  static constexpr StrongId Max() { return StrongId(std::numeric_limits<Rep>::max()); }
  static constexpr StrongId Min() { return StrongId(std::numeric_limits<Rep>::min()); }

  constexpr auto operator<=>(const StrongId&) const = default;

  constexpr StrongId operator+(Rep delta) const {
    return StrongId(static_cast<Rep>(value_ + delta));
  }
  constexpr StrongId operator-(Rep delta) const {
    return StrongId(static_cast<Rep>(value_ - delta));
  }
  constexpr Rep operator-(StrongId other) const { return static_cast<Rep>(value_ - other.value_); }
  constexpr StrongId& operator+=(Rep delta) {
    value_ = static_cast<Rep>(value_ + delta);
    return *this;
  }
  constexpr StrongId& operator++() {
    ++value_;
    return *this;
  }

  friend std::ostream& operator<<(std::ostream& os, StrongId id) { return os << +id.value_; }

 private:
  Rep value_{};
};

// Position of a record in a partition's log. Kafka: int64, -1 often means "none".
using Offset = StrongId<int64_t, struct OffsetTag>;
using PartitionId = StrongId<int32_t, struct PartitionIdTag>;
using ProducerId = StrongId<int64_t, struct ProducerIdTag>;
using ProducerEpoch = StrongId<int16_t, struct ProducerEpochTag>;
using LeaderEpoch = StrongId<int32_t, struct LeaderEpochTag>;
using GenerationId = StrongId<int32_t, struct GenerationIdTag>;
using NodeId = StrongId<int32_t, struct NodeIdTag>;

}  // namespace brook

template <typename Rep, typename Tag>
struct std::hash<brook::StrongId<Rep, Tag>> {
  size_t operator()(brook::StrongId<Rep, Tag> id) const noexcept {
    return std::hash<Rep>()(id.value());
  }
};

template <typename Rep, typename Tag>
struct fmt::formatter<brook::StrongId<Rep, Tag>> : fmt::formatter<int64_t> {
  template <typename Ctx>
  auto format(brook::StrongId<Rep, Tag> id, Ctx& ctx) const {
    return fmt::formatter<int64_t>::format(static_cast<int64_t>(id.value()), ctx);
  }
};
