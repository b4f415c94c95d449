#pragma once

#include <optional>
#include <string>

namespace brook::streams {

// The name of the node a DSL operator adds (Kafka Streams' Named). Without one, the operator
// generates "<PREFIX>-<index>" (KSTREAM-FILTER-0000000001, ...), exactly as Kafka Streams does,
// so describe() output and internal topic names match a Java application's. Naming operators
// keeps those names stable when the program changes.
//
//   stream.filter(is_valid, Named::as("valid-orders"));
//
// Thread safety: a value type.
class Named {
 public:
  // No name: the operator generates one.
  Named() = default;

  // Throws TopologyException for a name that is empty, "." or "..", longer than 249
  // characters, or has a character other than ASCII letters, digits, '.', '_' and '-' (the
  // characters a Kafka topic name may have, since names end up in internal topic names).
  static Named as(std::string name) { return Named(Validated(std::move(name)), ValidatedTag{}); }
  Named withName(std::string name) const { return as(std::move(name)); }

  const std::optional<std::string>& name() const { return name_; }

  // The check of as(); returns `name` when it is legal.
  static std::string Validated(std::string name);

 private:
  // One-element braced lists ({"store"}) never convert to a Named: the constructor takes a tag.
  struct ValidatedTag {};
  Named(std::string name, ValidatedTag) : name_(std::move(name)) {}

  std::optional<std::string> name_;
};

}  // namespace brook::streams
