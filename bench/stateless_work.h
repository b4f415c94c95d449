#pragma once

// The records and the per-record work of streams_bench's stateless comparison, shared by the
// bench (which writes the input and checks the output) and both sides of streams_bench_app (the
// Brook app and the hand-written librdkafka loop), so the two do exactly the same work.
//
// Input record i: key "user-NNNNNN" (100,000 distinct keys), value of kValueBytes bytes: i as
// ten decimal digits, then filler. The filter keeps the records whose i is not a multiple of
// 10 (90%); the map reverses the value.

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace brook::bench {

constexpr size_t kStatelessValueBytes = 100;

inline std::string StatelessKey(uint64_t index) {
  return fmt::format("user-{:06d}", (index * 7919) % 100'000);
}

// Writes record `index`'s value into `out` (replacing what it held).
inline void StatelessValue(uint64_t index, std::string& out) {
  out = fmt::format("{:010d}", index % 10'000'000'000ULL);
  out.reserve(kStatelessValueBytes);
  while (out.size() < kStatelessValueBytes) out.push_back(static_cast<char>('a' + out.size() % 26));
}

// The filter: false for every tenth record (its tenth digit is '0').
inline bool StatelessKeep(std::string_view value) { return value.size() >= 10 && value[9] != '0'; }

// The map: the value reversed.
inline void StatelessTransform(std::string_view value, std::string& out) {
  out.assign(value.rbegin(), value.rend());
}

// How many of the records 0..records-1 the filter keeps.
inline uint64_t StatelessKept(uint64_t records) { return records - (records + 9) / 10; }

}  // namespace brook::bench
