#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "operators/dsl/named.h"

namespace brook::streams {

template <typename K, typename V>
class KStream;

// One branch of KStream::split (Kafka Streams' Branched): its name and what to do with the
// branch's stream. The branch node is "<split name><branch name>" (for split(Named::as("s-"))
// and Branched::as("a"): "s-a"); without a name it is "<split name><position>", positions
// counting from 1 and the default branch being 0. The returned map holds each branch under its
// node name, unless a consumer took it or a function returned nothing.
//
//   auto branches = stream.split(Named::as("route-"))
//       .branch(is_large, Branched<K, V>::as("large"))
//       .branch(is_small, Branched<K, V>::withConsumer([](KStream<K, V> s) { s.to("small"); }))
//       .defaultBranch();
//   branches.at("route-large").to("large-orders");
//
// Thread safety: a value type.
template <typename K, typename V>
class Branched {
 public:
  // May return the stream it was given, another one, or std::nullopt (then nothing is added to
  // the map for this branch).
  using Function = std::function<std::optional<KStream<K, V>>(KStream<K, V>)>;
  using Consumer = std::function<void(KStream<K, V>)>;

  Branched() = default;

  // The branch's name is appended to the split's name as it is (it need not be a legal Named on
  // its own; the whole node name is what Kafka uses).
  static Branched as(std::string name) { return Branched().withName(std::move(name)); }
  static Branched withFunction(Function chain) {
    Branched branched;
    branched.function_ = std::move(chain);
    return branched;
  }
  static Branched withFunction(Function chain, std::string name) {
    return withFunction(std::move(chain)).withName(std::move(name));
  }
  static Branched withConsumer(Consumer chain) {
    Branched branched;
    branched.consumer_ = std::move(chain);
    return branched;
  }
  static Branched withConsumer(Consumer chain, std::string name) {
    return withConsumer(std::move(chain)).withName(std::move(name));
  }

  Branched withName(std::string name) const {
    Branched copy = *this;
    copy.name_ = std::move(name);
    return copy;
  }

  const std::optional<std::string>& name() const { return name_; }
  const Function& function() const { return function_; }
  const Consumer& consumer() const { return consumer_; }

 private:
  std::optional<std::string> name_;
  Function function_;
  Consumer consumer_;
};

}  // namespace brook::streams
