#pragma once

#include <functional>
#include <memory>

#include "framework/api/processor_context.h"
#include "framework/api/record.h"

namespace brook::streams {

// A node of the Processor API (Kafka's api.Processor): it receives records of types
// <KIn, VIn> one at a time and forwards any number of <KOut, VOut> records through its context.
// A processor that forwards nothing uses Void for KOut and VOut.
//
// Lifetime: the supplier makes one processor per task; init() is called before the first
// record, close() when the task closes (on shutdown or when its partition moves away). An
// exception thrown from process() goes to the processing exception handler.
// Thread safety: a processor is only ever called by its task's thread.
template <typename KIn, typename VIn, typename KOut, typename VOut>
class Processor {
 public:
  virtual ~Processor() = default;
  virtual void init(ProcessorContext<KOut, VOut>& context) { (void)context; }
  virtual void process(const Record<KIn, VIn>& record) = 0;
  virtual void close() {}
};

// Makes a new processor for each task (Kafka's ProcessorSupplier): it must return a new object
// every time.
template <typename KIn, typename VIn, typename KOut, typename VOut>
using ProcessorSupplier = std::function<std::unique_ptr<Processor<KIn, VIn, KOut, VOut>>()>;

// A Processor that keeps its context in context() (Kafka's ContextualProcessor).
template <typename KIn, typename VIn, typename KOut, typename VOut>
class ContextualProcessor : public Processor<KIn, VIn, KOut, VOut> {
 public:
  void init(ProcessorContext<KOut, VOut>& context) override { context_ = &context; }

 protected:
  ProcessorContext<KOut, VOut>& context() { return *context_; }

 private:
  ProcessorContext<KOut, VOut>* context_ = nullptr;
};

// A processor that may change values but never keys (Kafka's FixedKeyProcessor), for
// KStream::processValues.
template <typename K, typename VIn, typename VOut>
class FixedKeyProcessor {
 public:
  virtual ~FixedKeyProcessor() = default;
  virtual void init(FixedKeyProcessorContext<K, VOut>& context) { (void)context; }
  virtual void process(const FixedKeyRecord<K, VIn>& record) = 0;
  virtual void close() {}
};

template <typename K, typename VIn, typename VOut>
using FixedKeyProcessorSupplier = std::function<std::unique_ptr<FixedKeyProcessor<K, VIn, VOut>>()>;

// A FixedKeyProcessor that keeps its context in context() (Kafka's ContextualFixedKeyProcessor).
template <typename K, typename VIn, typename VOut>
class ContextualFixedKeyProcessor : public FixedKeyProcessor<K, VIn, VOut> {
 public:
  void init(FixedKeyProcessorContext<K, VOut>& context) override { context_ = &context; }

 protected:
  FixedKeyProcessorContext<K, VOut>& context() { return *context_; }

 private:
  FixedKeyProcessorContext<K, VOut>* context_ = nullptr;
};

}  // namespace brook::streams
