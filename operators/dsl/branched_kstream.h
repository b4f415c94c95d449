#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "operators/dsl/branched.h"
#include "operators/dsl/kstream.h"
#include "operators/dsl/named.h"
#include "operators/dsl/node_names.h"
#include "operators/processors/branch.h"
#include "operators/processors/pass_through.h"

namespace brook::streams {

// The branches of KStream::split (Kafka Streams' BranchedKStream). Each record goes to the
// first branch whose predicate accepts it, else to the default branch if there is one, else
// nowhere. Every branch is a pass-through node under the splitter, named as Branched explains;
// declaring a branch uses one counter value (as in Kafka), so nodes a Branched function adds get
// the numbers after it.
//
//   std::map<std::string, KStream<K, V>> branches = stream.split()
//       .branch(is_a)                               // "KSTREAM-BRANCH-00000000011"
//       .branch(is_b, Branched<K, V>::as("-b"))     // "KSTREAM-BRANCH-0000000001-b"
//       .defaultBranch();                           // "KSTREAM-BRANCH-00000000010"
//
// Lifetime: as KStream. Thread safety: not thread-safe; build a program on one thread.
template <typename K, typename V>
class BranchedKStream {
 public:
  // Adds the splitter node under `source`; made by KStream::split.
  BranchedKStream(KStream<K, V> source, const Named& named)
      : source_(std::move(source)),
        spec_(std::make_shared<operators::processors::BranchSpec<K, V>>()) {
    splitter_name_ = source_.builder()->NameOrGenerate(named, detail::node_names::kBranch);
    source_.builder()->AddNode(std::make_shared<detail::ProcessorFactory<K, V, K, V>>(
        splitter_name_, std::vector<std::string>{source_.name()},
        operators::processors::BranchSupplier<K, V>(spec_)));
  }

  // Adds a branch for the records `predicate(key, value)` accepts that no earlier branch took.
  // Throws TopologyException after defaultBranch().
  template <detail::PredicateOf<K, V> P>
  BranchedKStream& branch(P predicate, const Branched<K, V>& branched = Branched<K, V>()) {
    CheckOpen();
    detail::RequireCallable(predicate, "branch(): predicate");
    spec_->predicates.push_back([predicate = std::move(predicate)](const K& key, const V& value) {
      return static_cast<bool>(predicate(key, value));
    });
    AddBranch(branched, spec_->predicates.size());
    return *this;
  }

  // Adds the branch of the records no predicate accepted, and returns the branches (see
  // Branched for the keys).
  std::map<std::string, KStream<K, V>> defaultBranch(
      const Branched<K, V>& branched = Branched<K, V>()) {
    CheckOpen();
    AddBranch(branched, 0);
    closed_ = true;
    return outputs_;
  }
  // Returns the branches; records no predicate accepted are dropped.
  std::map<std::string, KStream<K, V>> noDefaultBranch() { return outputs_; }

 private:
  void CheckOpen() const {
    if (closed_) {
      throw TopologyException("split " + splitter_name_ +
                              ": no branch can be added after defaultBranch()");
    }
  }

  void AddBranch(const Branched<K, V>& branched, size_t index) {
    const std::string child =
        splitter_name_ + (branched.name() ? *branched.name() : std::to_string(index));
    detail::InternalStreamsBuilder* builder = source_.builder();
    builder->NewProcessorName(child);
    builder->AddNode(std::make_shared<detail::ProcessorFactory<K, V, K, V>>(
        child, std::vector<std::string>{splitter_name_},
        operators::processors::PassThroughSupplier<K, V>()));
    spec_->children.push_back(child);
    KStream<K, V> stream(builder, child, source_.keySerde(), source_.valueSerde(),
                         source_.subtopologySourceNodes(), source_.repartitionRequired());
    if (branched.function()) {
      std::optional<KStream<K, V>> result = branched.function()(std::move(stream));
      if (result) outputs_.insert_or_assign(child, std::move(*result));
    } else if (branched.consumer()) {
      branched.consumer()(std::move(stream));
    } else {
      outputs_.insert_or_assign(child, std::move(stream));
    }
  }

  KStream<K, V> source_;
  std::string splitter_name_;
  std::shared_ptr<operators::processors::BranchSpec<K, V>> spec_;
  std::map<std::string, KStream<K, V>> outputs_;
  bool closed_ = false;
};

}  // namespace brook::streams
