// docs/guides/dsl.md, "The Processor API": a processor that counts events per user in a state
// store and, every minute of stream time, forwards the counts and clears them. Built twice:
// inside a DSL program with KStream::process, and with Topology's addSource / addProcessor /
// addSink. Runs both through TopologyTestDriver and exits 1 naming what differed; runs as a
// unit test.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "framework/api/processor.h"
#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"
#include "statestore/api/stores.h"

using namespace brook::streams;

// [snippet:processor]
// Counts the events of each user in the store "event-counts"; every 60 s of stream time it
// forwards (user, count) for each user seen since the last report, and clears the store.
class EventCounter : public ContextualProcessor<std::string, std::string, std::string, int64_t> {
 public:
  void init(ProcessorContext<std::string, int64_t>& context) override {
    ContextualProcessor::init(context);
    counts_ = &context.getStateStore<KeyValueStore<std::string, int64_t>>("event-counts");
    context.schedule(std::chrono::seconds(60), PunctuationType::kStreamTime,
                     [this](int64_t time) { Report(time); });
  }

  void process(const Record<std::string, std::string>& record) override {
    counts_->put(record.key(), counts_->get(record.key()).value_or(0) + 1);
  }

 private:
  void Report(int64_t time) {
    std::vector<KeyValue<std::string, int64_t>> entries;
    for (auto it = counts_->all(); it->hasNext();) entries.push_back(it->next());
    for (const auto& [user, count] : entries) {
      context().forward(Record<std::string, int64_t>(user, count, time));
      counts_->remove(user);
    }
  }

  KeyValueStore<std::string, int64_t>* counts_ = nullptr;
};
// [snippet-end:processor]

namespace {

// [snippet:store]
// A persistent (RocksDB) key-value store, logged to "<application.id>-event-counts-changelog".
KeyValueStoreBuilder<std::string, int64_t> EventCountsStore() {
  return Stores::keyValueStoreBuilder(Stores::persistentKeyValueStore("event-counts"),
                                      Serdes::String(), Serdes::Int64());
}
// [snippet-end:store]

Topology WithTheDsl() {
  // [snippet:dsl]
  StreamsBuilder builder;
  builder
      .stream("events",
              Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
      .process([] { return std::make_unique<EventCounter>(); }, Named::as("count-events"),
               {"event-counts"})
      .to("event-counts-per-minute",
          Produced<std::string, int64_t>::with(Serdes::String(), Serdes::Int64()));
  Topology topology = builder.build();
  // StreamsBuilder has no addStateStore yet: add the store to the built topology.
  topology.addStateStore(EventCountsStore());
  // [snippet-end:dsl]
  return topology;
}

Topology WithTheTopology() {
  // [snippet:topology]
  Topology topology;
  topology
      .addSource<std::string, std::string>("events", {"events"}, Serdes::String(), Serdes::String())
      .addProcessor<std::string, std::string, std::string, int64_t>(
          "count-events", [] { return std::make_unique<EventCounter>(); }, {"events"})
      .addStateStore(EventCountsStore(), {"count-events"})
      .addSink<std::string, int64_t>("counts", "event-counts-per-minute", Serdes::String(),
                                     Serdes::Int64(), {"count-events"});
  // [snippet-end:topology]
  return topology;
}

bool Run(const Topology& topology, const char* which) {
  // [snippet:test]
  TopologyTestDriver driver(topology);
  auto events = driver.createInputTopic("events", Serdes::String(), Serdes::String());
  auto counts =
      driver.createOutputTopic("event-counts-per-minute", Serdes::String(), Serdes::Int64());
  // Stream-time punctuations are aligned to 0 and run after the record that moved stream time
  // past them: the first one (due at 0) runs after the first record.
  events.pipeInput("alice", "login", 1000);  // report at 1000: alice 1
  events.pipeInput("alice", "search", 20000);
  events.pipeInput("bob", "login", 30000);
  events.pipeInput("alice", "logout", 61000);  // report at 61000: alice 2, bob 1
  // [snippet-end:test]
  const std::vector<TestRecord<std::string, int64_t>> expected = {
      {"alice", 1, 1000, {}}, {"alice", 2, 61000, {}}, {"bob", 1, 61000, {}}};
  const std::vector<TestRecord<std::string, int64_t>> got = counts.readRecordsToList();
  if (got != expected) {
    std::fprintf(stderr, "processor_api (%s): got %zu records:", which, got.size());
    for (const auto& record : got) {
      std::fprintf(stderr, " (%s, %lld @%lld)", record.key.c_str(),
                   static_cast<long long>(record.value), static_cast<long long>(record.timestamp));
    }
    std::fprintf(stderr, "; expected (alice, 1 @1000) (alice, 2 @61000) (bob, 1 @61000)\n");
    return false;
  }
  auto* store = driver.getKeyValueStore<std::string, int64_t>("event-counts");
  if (store == nullptr || store->get("alice") || store->get("bob")) {  // cleared by the report
    std::fprintf(stderr, "processor_api (%s): the store should be empty\n", which);
    return false;
  }
  return true;
}

}  // namespace

int main() {
  const bool ok = Run(WithTheDsl(), "KStream::process") && Run(WithTheTopology(), "Topology");
  if (!ok) return 1;
  std::printf("processor_api: counts as expected\n");
  return 0;
}
