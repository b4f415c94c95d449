#pragma once

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>

#include "framework/api/detail/node_factory.h"
#include "framework/api/errors.h"
#include "framework/api/processor.h"
#include "framework/api/record.h"
#include "framework/api/serdes.h"

namespace brook::operators::processors {

// Where KStream::print writes (the C++ side of Kafka's PrintForeachAction): standard output, or
// a file opened and truncated when Printed::toFile is called. Every line is written whole and
// flushed at once, so lines from several tasks never interleave and a file is complete as soon
// as a record is printed. A file is closed when the last printer using it is destroyed.
// Thread safety: PrintLine may be called from any number of threads.
class PrintWriter {
 public:
  static std::shared_ptr<PrintWriter> ToStdOut() {
    return std::shared_ptr<PrintWriter>(new PrintWriter(stdout, false));
  }
  // Throws TopologyException naming the path and the system's reason when it cannot be opened
  // for writing.
  static std::shared_ptr<PrintWriter> ToFile(const std::string& path) {
    if (path.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw streams::TopologyException("filePath can't be an empty string");
    }
    std::FILE* file = std::fopen(path.c_str(), "w");
    if (file == nullptr) {
      throw streams::TopologyException("Unable to write stream to file at [" + path + "] " +
                                       std::strerror(errno));
    }
    return std::shared_ptr<PrintWriter>(new PrintWriter(file, true));
  }

  ~PrintWriter() {
    if (owned_) std::fclose(file_);
  }
  PrintWriter(const PrintWriter&) = delete;
  PrintWriter& operator=(const PrintWriter&) = delete;

  // Writes `line` and a newline, then flushes.
  void PrintLine(std::string_view line) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fputc('\n', file_);
    std::fflush(file_);
  }

 private:
  PrintWriter(std::FILE* file, bool owned) : file_(file), owned_(owned) {}

  std::mutex mutex_;
  std::FILE* file_;
  bool owned_;
};

// The text print() shows for a key or value when no mapper is given: what Java's
// String.format("%s") shows for the same data. Strings as they are; "null" for an empty
// optional and for Void; integers in decimal; booleans as true/false; doubles in their
// shortest round-trip form with ".0" added to whole numbers ("1.0", "2.5"); Bytes as Kafka's
// Bytes.toString (printable ASCII as is, anything else and '\' as \xHH); any type with an
// operator<< through it (nlohmann::json once <nlohmann/json.hpp> is included); anything else
// as its type name.
template <typename T>
std::string PrintText(const T& value) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
                std::is_same_v<std::decay_t<T>, const char*>) {
    return std::string(value);
  } else if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, char>) {
    return std::string(1, value);
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    std::string text(buffer, result.ptr);
    if (text.find_first_of(".eni") == std::string::npos) text += ".0";
    return text;
  } else if constexpr (std::is_same_v<T, streams::Void>) {
    return "null";
  } else if constexpr (std::is_same_v<T, streams::Bytes>) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string text;
    for (unsigned char c : value.data) {
      if (c >= ' ' && c <= '~' && c != '\\') {
        text += static_cast<char>(c);
      } else {
        text += "\\x";
        text += kHex[c / 16];
        text += kHex[c % 16];
      }
    }
    return text;
  } else if constexpr (requires {
                         value.has_value();
                         *value;
                       }) {
    return value.has_value() ? PrintText(*value) : std::string("null");
  } else if constexpr (requires(std::ostream & out) { out << value; }) {
    std::ostringstream out;
    out << value;
    return out.str();
  } else {
    return streams::detail::TypeName(std::type_index(typeid(T)));
  }
}

// Kafka Streams' KStreamPrint: writes "[label]: text" for each record, where text is the
// mapper's (by default "key, value"). Forwards nothing.
// Thread safety: the writer and mapper are shared by the printers of every task.
template <typename K, typename V>
class PrintProcessor final : public streams::Processor<K, V, streams::Void, streams::Void> {
 public:
  using Mapper = std::function<std::string(const K& key, const V& value)>;

  PrintProcessor(std::shared_ptr<PrintWriter> writer, std::string label,
                 std::shared_ptr<const Mapper> mapper)
      : writer_(std::move(writer)), prefix_("[" + label + "]: "), mapper_(std::move(mapper)) {}

  void process(const streams::Record<K, V>& record) override {
    writer_->PrintLine(prefix_ + (*mapper_)(record.key(), record.value()));
  }

 private:
  std::shared_ptr<PrintWriter> writer_;
  std::string prefix_;
  std::shared_ptr<const Mapper> mapper_;
};

template <typename K, typename V>
streams::ProcessorSupplier<K, V, streams::Void, streams::Void> PrintSupplier(
    std::shared_ptr<PrintWriter> writer, std::string label,
    typename PrintProcessor<K, V>::Mapper mapper) {
  auto shared = std::make_shared<const typename PrintProcessor<K, V>::Mapper>(std::move(mapper));
  return [writer = std::move(writer), label = std::move(label), shared] {
    return std::make_unique<PrintProcessor<K, V>>(writer, label, shared);
  };
}

}  // namespace brook::operators::processors
