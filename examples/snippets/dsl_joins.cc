// docs/guides/dsl.md, "Joins": one program with each kind of join: stream-stream (windowed),
// stream-table, table-table and stream-global-table. Runs the topology through
// TopologyTestDriver and exits 1 naming what differed; runs as a unit test.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;
using std::chrono::seconds;

namespace {

bool Check(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "dsl_joins: %s differs\n", what);
  return ok;
}

}  // namespace

int main() {
  StreamsBuilder builder;
  // Every topic has string keys and values (default.key.serde / default.value.serde below).

  // [snippet:stream-stream]
  // Key: the ad. A click joins the impressions of its ad at most 10 s before or after it.
  KStream<std::string, std::string> impressions =
      builder.stream<std::string, std::string>("impressions");
  KStream<std::string, std::string> clicks = builder.stream<std::string, std::string>("clicks");
  impressions
      .join(
          clicks,
          [](const std::string& impression, const std::string& click) {
            return impression + "->" + click;
          },
          JoinWindows::ofTimeDifferenceAndGrace(seconds(10), seconds(5)))
      .to("clicked-impressions");
  // [snippet-end:stream-stream]

  // [snippet:stream-table]
  // Key: the user. Each order takes the user's name as the table has it when the order is
  // processed; leftJoin also keeps orders of unknown users.
  KTable<std::string, std::string> names = builder.table<std::string, std::string>("user-names");
  KStream<std::string, std::string> orders = builder.stream<std::string, std::string>("orders");
  orders
      .leftJoin(names,
                [](const std::string& product, const std::optional<std::string>& name) {
                  return name.value_or("unknown") + " ordered " + product;
                })
      .to("orders-with-names");
  // [snippet-end:stream-table]

  // [snippet:table-table]
  // A change on either side updates the result; a user without an address has none.
  KTable<std::string, std::string> addresses =
      builder.table<std::string, std::string>("user-addresses");
  names
      .join(addresses, [](const std::string& name,
                          const std::string& address) { return name + ", " + address; })
      .toStream()
      .to("user-labels");
  // [snippet-end:table-table]

  // [snippet:stream-global-table]
  // Key: the product id. Every instance holds the whole table: no co-partitioning, no
  // repartition; the key selector maps each order to the table's key.
  GlobalKTable<std::string, std::string> products =
      builder.globalTable<std::string, std::string>("products");
  orders
      .join(
          products, [](const std::string&, const std::string& product_id) { return product_id; },
          [](const std::string& product_id, const std::string& title) {
            return product_id + " is " + title;
          })
      .to("orders-with-titles");
  // [snippet-end:stream-global-table]

  StreamsConfig config;
  config.set("application.id", "joins")
      .set("default.key.serde", "string")
      .set("default.value.serde", "string");
  TopologyTestDriver driver(builder.build(), config);
  auto input = [&driver](const std::string& topic) {
    return driver.createInputTopic(topic, Serdes::String(), Serdes::String());
  };
  auto output = [&driver](const std::string& topic) {
    return driver.createOutputTopic(topic, Serdes::String(), Serdes::String());
  };

  // [snippet:test]
  input("impressions").pipeInput("ad-1", "shown", 1000);
  input("clicks").pipeInput("ad-1", "clicked", 8000);  // 7 s later: joins
  input("clicks").pipeInput("ad-2", "clicked", 9000);  // no impression: nothing
  input("products").pipeInput("p-7", "a kettle", 1000);
  input("user-names").pipeInput("alice", "Alice", 1000);
  input("user-addresses").pipeInput("alice", "1 Main St", 2000);
  input("orders").pipeInput("alice", "p-7", 3000);
  input("orders").pipeInput("bob", "p-7", 4000);
  // [snippet-end:test]

  using KV = KeyValue<std::string, std::string>;
  bool ok = Check(output("clicked-impressions").readKeyValuesToList() ==
                      std::vector<KV>{{"ad-1", "shown->clicked"}},
                  "clicked-impressions");
  ok = Check(output("orders-with-names").readKeyValuesToList() ==
                 std::vector<KV>{{"alice", "Alice ordered p-7"}, {"bob", "unknown ordered p-7"}},
             "orders-with-names") &&
       ok;
  ok = Check(output("user-labels").readKeyValuesToList() ==
                 std::vector<KV>{{"alice", "Alice, 1 Main St"}},
             "user-labels") &&
       ok;
  ok = Check(output("orders-with-titles").readKeyValuesToList() ==
                 std::vector<KV>{{"alice", "p-7 is a kettle"}, {"bob", "p-7 is a kettle"}},
             "orders-with-titles") &&
       ok;
  if (!ok) return 1;
  std::printf("dsl_joins: joins as expected\n");
  return 0;
}
