#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "framework/api/processor.h"

namespace brook::operators::processors {

// The branches of one KStream::split, filled in while the DSL program declares them (Kafka
// passes its lists by reference the same way): predicate i sends a record to children[i]; a
// last child without a predicate is the default branch.
template <typename K, typename V>
struct BranchSpec {
  using Predicate = std::function<bool(const K& key, const V& value)>;
  std::vector<Predicate> predicates;
  std::vector<std::string> children;
};

// Kafka Streams' KStreamBranch, the splitter node of KStream::split: forwards each record to
// the child of the first predicate that accepts it, else to the default branch if there is
// one, else nowhere. A record never goes to two branches.
// Thread safety: one spec is shared by the processors of every task; it is read-only once the
// topology is built.
template <typename K, typename V>
class BranchProcessor final : public streams::ContextualProcessor<K, V, K, V> {
 public:
  explicit BranchProcessor(std::shared_ptr<const BranchSpec<K, V>> spec) : spec_(std::move(spec)) {}

  void process(const streams::Record<K, V>& record) override {
    const auto& predicates = spec_->predicates;
    for (size_t i = 0; i < predicates.size(); ++i) {
      if (predicates[i](record.key(), record.value())) {
        this->context().forward(record, spec_->children[i]);
        return;
      }
    }
    if (spec_->children.size() > predicates.size()) {
      this->context().forward(record, spec_->children[predicates.size()]);
    }
  }

 private:
  std::shared_ptr<const BranchSpec<K, V>> spec_;
};

template <typename K, typename V>
streams::ProcessorSupplier<K, V, K, V> BranchSupplier(
    std::shared_ptr<const BranchSpec<K, V>> spec) {
  return [spec] { return std::make_unique<BranchProcessor<K, V>>(spec); };
}

}  // namespace brook::operators::processors
