#include "framework/runtime/partition_time_metadata.h"

#include <array>

namespace brook::framework::runtime {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) group |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(group >> 18) & 63]);
    out.push_back(kAlphabet[(group >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(group >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[group & 63] : '=');
  }
  return out;
}

std::optional<std::string> Unbase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t group = 0;
    int padding = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      uint32_t value = 0;
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++padding;
      } else {
        const size_t at = kAlphabet.find(c);
        if (at == std::string_view::npos || padding > 0) return std::nullopt;
        value = static_cast<uint32_t>(at);
      }
      group = (group << 6) | value;
    }
    out.push_back(static_cast<char>((group >> 16) & 0xff));
    if (padding < 2) out.push_back(static_cast<char>((group >> 8) & 0xff));
    if (padding < 1) out.push_back(static_cast<char>(group & 0xff));
  }
  return out;
}

}  // namespace

std::string EncodePartitionTime(int64_t partition_time) {
  std::string bytes(1, '\x01');
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<char>((static_cast<uint64_t>(partition_time) >> shift) & 0xff));
  }
  return Base64(bytes);
}

std::optional<int64_t> DecodePartitionTime(std::string_view metadata) {
  std::optional<std::string> bytes = Unbase64(metadata);
  if (!bytes || bytes->size() < 9) return std::nullopt;
  const uint8_t version = static_cast<uint8_t>((*bytes)[0]);
  if (version != 1 && version != 2) return std::nullopt;
  uint64_t time = 0;
  for (int i = 1; i <= 8; ++i) time = (time << 8) | static_cast<uint8_t>((*bytes)[i]);
  return static_cast<int64_t>(time);
}

}  // namespace brook::framework::runtime
