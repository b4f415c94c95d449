#include "tools/record_printer.h"

namespace brook::tools {
namespace {

void AppendBytes(std::string& line, const void* data, size_t size) {
  if (data == nullptr) {
    line += "null";
  } else {
    line.append(static_cast<const char*>(data), size);
  }
}

void AppendHeaders(std::string& line, const rd_kafka_message_t& message) {
  rd_kafka_headers_t* headers = nullptr;  // owned by the message
  if (rd_kafka_message_headers(&message, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      rd_kafka_header_cnt(headers) == 0) {
    line += "NO_HEADERS";
    return;
  }
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    if (i > 0) line += ',';
    line += name;
    line += '=';
    AppendBytes(line, value, size);
  }
}

}  // namespace

std::string FormatRecord(const rd_kafka_message_t& message, const PrintOptions& options) {
  std::string line;
  if (options.partition) line += std::to_string(message.partition) + '\t';
  if (options.offset) line += std::to_string(message.offset) + '\t';
  if (options.timestamp) {
    rd_kafka_timestamp_type_t type;
    line += std::to_string(rd_kafka_message_timestamp(&message, &type)) + '\t';
  }
  if (options.key) {
    AppendBytes(line, message.key, message.key_len);
    line += '\t';
  }
  if (options.headers) {
    AppendHeaders(line, message);
    line += '\t';
  }
  AppendBytes(line, message.payload, message.len);
  return line;
}

bool PrintRecord(const rd_kafka_message_t& message, const PrintOptions& options, std::FILE* out) {
  std::string line = FormatRecord(message, options);
  line += '\n';
  return std::fwrite(line.data(), 1, line.size(), out) == line.size();
}

}  // namespace brook::tools
