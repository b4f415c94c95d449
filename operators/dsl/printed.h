#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "operators/dsl/named.h"
#include "operators/processors/print.h"

namespace brook::streams {

// Where and how KStream::print writes records (Kafka Streams' Printed). Each record becomes one
// line "[label]: text": the label defaults to the name of the node print() is called on, the
// text to "key, value" (see operators::processors::PrintText for how values look).
//
//   stream.print(Printed<std::string, int64_t>::toSysOut().withLabel("counts"));
//   stream.print(Printed<std::string, Order>::toFile("/tmp/orders.txt")
//                    .withKeyValueMapper([](const auto& k, const Order& o) { return k + "=" + o.id;
//                    }));
//
// Thread safety: a value type; copies share the output.
template <typename K, typename V>
class Printed {
 public:
  using Mapper = std::function<std::string(const K& key, const V& value)>;

  static Printed toSysOut() { return Printed(operators::processors::PrintWriter::ToStdOut()); }
  // Opens (and truncates) the file now, as Kafka does; throws TopologyException when it cannot.
  static Printed toFile(const std::string& path) {
    return Printed(operators::processors::PrintWriter::ToFile(path));
  }

  Printed withLabel(std::string label) const {
    Printed copy = *this;
    copy.label_ = std::move(label);
    return copy;
  }
  Printed withKeyValueMapper(Mapper mapper) const {
    Printed copy = *this;
    copy.mapper_ = std::move(mapper);
    return copy;
  }
  // The printer node's name (validated as Named::as).
  Printed withName(std::string name) const {
    Printed copy = *this;
    copy.named_ = Named::as(std::move(name));
    return copy;
  }

  const std::shared_ptr<operators::processors::PrintWriter>& writer() const { return writer_; }
  const std::optional<std::string>& label() const { return label_; }
  const Mapper& keyValueMapper() const { return mapper_; }
  const Named& named() const { return named_; }

 private:
  explicit Printed(std::shared_ptr<operators::processors::PrintWriter> writer)
      : writer_(std::move(writer)) {}

  std::shared_ptr<operators::processors::PrintWriter> writer_;
  std::optional<std::string> label_;
  Mapper mapper_ = [](const K& key, const V& value) {
    return operators::processors::PrintText(key) + ", " + operators::processors::PrintText(value);
  };
  Named named_;
};

}  // namespace brook::streams
