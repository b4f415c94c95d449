// docs/guides/dsl.md, "Aggregations": purchases counted, summed and summarized per user, and
// counted per size after a groupBy. Runs the topology through TopologyTestDriver and exits 1
// naming what differed; runs as a unit test.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;
using nlohmann::json;

namespace {

bool Check(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "dsl_aggregations: %s differs\n", what);
  return ok;
}

}  // namespace

int main() {
  // [snippet:aggregations]
  StreamsBuilder builder;
  // Key: the user; value: the amount of a purchase in cents.
  KStream<std::string, int64_t> purchases = builder.stream(
      "purchases", Consumed<std::string, int64_t>::with(Serdes::String(), Serdes::Int64()));
  KGroupedStream<std::string, int64_t> by_user = purchases.groupByKey();

  // count(): KTable<std::string, int64_t>, kept in the store "purchases-per-user".
  by_user.count(Materialized<std::string, int64_t>::as("purchases-per-user"))
      .toStream()
      .to("purchase-counts");

  // reduce(): the first value is the first aggregate; the store's serde is the stream's.
  by_user.reduce([](int64_t total, int64_t amount) { return total + amount; },
                 Materialized<std::string, int64_t>::as("spend-per-user"));

  // aggregate<VR>(): any aggregate type, with its serde in Materialized.
  by_user.aggregate<json>(
      [] {
        return json{{"count", 0}, {"largest", 0}};
      },
      [](const std::string&, int64_t amount, const json& stats) {
        return json{{"count", stats["count"].get<int64_t>() + 1},
                    {"largest", std::max(stats["largest"].get<int64_t>(), amount)}};
      },
      Materialized<std::string, json>::as("stats-per-user").withValueSerde(Serdes::Json()));

  // groupBy(): a new key, so the aggregation reads "<application.id>-by-size-repartition".
  purchases
      .groupBy([](const std::string&,
                  int64_t amount) { return std::string(amount >= 10000 ? "large" : "small"); },
               Grouped<std::string, int64_t>::as("by-size"))
      .count(Materialized<std::string, int64_t>::as("purchases-per-size"));
  // [snippet-end:aggregations]

  StreamsConfig config;
  config.set("application.id", "purchases").set("default.key.serde", "string");
  TopologyTestDriver driver(builder.build(), config);
  auto input = driver.createInputTopic("purchases", Serdes::String(), Serdes::Int64());
  auto counts = driver.createOutputTopic("purchase-counts", Serdes::String(), Serdes::Int64());
  input.pipeInput("alice", 2500, 1000);
  input.pipeInput("bob", 12000, 2000);
  input.pipeInput("alice", 700, 3000);

  // [snippet:stores]
  // The DSL's stores are timestamped (ValueAndTimestamp<V>); getKeyValueStore reads the values.
  KeyValueStore<std::string, int64_t>* spend =
      driver.getKeyValueStore<std::string, int64_t>("spend-per-user");
  KeyValueStore<std::string, int64_t>* sizes =
      driver.getKeyValueStore<std::string, int64_t>("purchases-per-size");
  KeyValueStore<std::string, json>* stats =
      driver.getKeyValueStore<std::string, json>("stats-per-user");
  // spend: alice 3200, bob 12000; sizes: small 2, large 1;
  // stats: alice {"count": 2, "largest": 2500}
  // [snippet-end:stores]

  using KV = KeyValue<std::string, int64_t>;
  bool ok =
      Check(counts.readKeyValuesToList() == std::vector<KV>{{"alice", 1}, {"bob", 1}, {"alice", 2}},
            "purchase-counts");
  ok = Check(spend->get("alice") == 3200 && spend->get("bob") == 12000, "spend-per-user") && ok;
  ok = Check(sizes->get("small") == 2 && sizes->get("large") == 1, "purchases-per-size") && ok;
  ok = Check(stats->get("alice") == json{{"count", 2}, {"largest", 2500}}, "stats-per-user") && ok;
  if (!ok) return 1;
  std::printf("dsl_aggregations: aggregates as expected\n");
  return 0;
}
