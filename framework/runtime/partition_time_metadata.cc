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

void PutBigEndian(std::string& out, uint64_t value, int bytes) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

// Reads `bytes` big-endian bytes at `at`, or nullopt past the end.
std::optional<uint64_t> GetBigEndian(std::string_view in, size_t& at, int bytes) {
  if (at > in.size() || in.size() - at < static_cast<size_t>(bytes)) return std::nullopt;
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<uint8_t>(in[at++]);
  return value;
}

std::optional<std::map<std::string, int64_t>> DecodeProcessorMetadata(std::string_view bytes) {
  std::map<std::string, int64_t> result;
  if (bytes.empty()) return result;
  size_t at = 0;
  auto count = GetBigEndian(bytes, at, 4);
  if (!count || static_cast<int32_t>(*count) < 0) return std::nullopt;
  for (uint64_t i = 0; i < *count; ++i) {
    auto length = GetBigEndian(bytes, at, 4);
    if (!length || static_cast<int32_t>(*length) < 0 || bytes.size() - at < *length) {
      return std::nullopt;
    }
    std::string key(bytes.substr(at, *length));
    at += *length;
    auto value = GetBigEndian(bytes, at, 8);
    if (!value) return std::nullopt;
    result[std::move(key)] = static_cast<int64_t>(*value);
  }
  if (at != bytes.size()) return std::nullopt;
  return result;
}

}  // namespace

std::string EncodePartitionMetadata(const PartitionMetadata& metadata) {
  std::string bytes(1, '\x02');
  PutBigEndian(bytes, static_cast<uint64_t>(metadata.partition_time), 8);
  if (!metadata.processor_metadata.empty()) {
    PutBigEndian(bytes, metadata.processor_metadata.size(), 4);
    for (const auto& [key, value] : metadata.processor_metadata) {
      PutBigEndian(bytes, key.size(), 4);
      bytes += key;
      PutBigEndian(bytes, static_cast<uint64_t>(value), 8);
    }
  }
  return Base64(bytes);
}

std::optional<PartitionMetadata> DecodePartitionMetadata(std::string_view text) {
  std::optional<std::string> bytes = Unbase64(text);
  if (!bytes || bytes->size() < 9) return std::nullopt;
  const uint8_t version = static_cast<uint8_t>((*bytes)[0]);
  if (version != 1 && version != 2) return std::nullopt;
  size_t at = 1;
  PartitionMetadata metadata;
  metadata.partition_time = static_cast<int64_t>(*GetBigEndian(*bytes, at, 8));
  if (version == 2) {
    auto processor = DecodeProcessorMetadata(std::string_view(*bytes).substr(at));
    if (processor) metadata.processor_metadata = std::move(*processor);
  }
  return metadata;
}

std::string EncodePartitionTime(int64_t partition_time) {
  return EncodePartitionMetadata(PartitionMetadata{partition_time, {}});
}

std::optional<int64_t> DecodePartitionTime(std::string_view metadata) {
  auto decoded = DecodePartitionMetadata(metadata);
  if (!decoded) return std::nullopt;
  return decoded->partition_time;
}

}  // namespace brook::framework::runtime
