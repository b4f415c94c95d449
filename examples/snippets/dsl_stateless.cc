// docs/guides/dsl.md, "Stateless operators": orders and returns split into bulk and retail
// quantities per item, with every stateless operator of KStream. Runs the topology through
// TopologyTestDriver and exits 1 naming what differed; runs as a unit test.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;

namespace {

// "book 2, pen 10" -> {"book 2", " pen 10"}.
std::vector<std::string> SplitOnComma(const std::string& line) {
  std::vector<std::string> parts;
  size_t begin = 0;
  for (size_t comma; (comma = line.find(',', begin)) != std::string::npos; begin = comma + 1) {
    parts.push_back(line.substr(begin, comma - begin));
  }
  parts.push_back(line.substr(begin));
  return parts;
}

std::string Trim(const std::string& text) {
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::string ToLower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool Check(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "dsl_stateless: %s differs\n", what);
  return ok;
}

}  // namespace

int main() {
  std::atomic<int64_t> seen{0};
  std::atomic<int64_t> returned_units{0};

  // [snippet:stateless]
  StreamsBuilder builder;
  // Key: the customer; value: the items ordered, "book 2, pen 10".
  KStream<std::string, std::string> orders = builder.stream<std::string, std::string>("orders");

  KStream<std::string, std::string> items =
      orders.filterNot([](const std::string&, const std::string& line) { return line.empty(); })
          .flatMapValues([](const std::string& line) { return SplitOnComma(line); })
          .mapValues([](const std::string& item) { return Trim(item); })
          .filter([](const std::string&, const std::string& item) {
            return item.find(' ') != std::string::npos;
          });

  // map may change key and value: (customer, "pen 10") -> ("pen", 10).
  KStream<std::string, int64_t> ordered =
      items.map([](const std::string&, const std::string& item) {
        const size_t space = item.find(' ');
        return KeyValue<std::string, int64_t>{item.substr(0, space),
                                              std::stoll(item.substr(space + 1))};
      });

  // flatMap: one ("pen", -1) record per item of a return.
  KStream<std::string, int64_t> returned =
      builder.stream<std::string, std::string>("returns").flatMap(
          [](const std::string&, const std::string& line) {
            std::vector<KeyValue<std::string, int64_t>> out;
            for (const std::string& part : SplitOnComma(line)) {
              const std::string item = Trim(part);
              const size_t space = item.find(' ');
              if (space == std::string::npos) continue;
              out.push_back({item.substr(0, space), -std::stoll(item.substr(space + 1))});
            }
            return out;
          });
  // [snippet-end:stateless]

  // [snippet:split-merge]
  const auto int64_values = Produced<std::string, int64_t>::valueSerde(Serdes::Int64());
  std::map<std::string, KStream<std::string, int64_t>> branches =
      ordered.merge(returned)
          .peek([&seen](const std::string&, int64_t) { ++seen; })
          .split(Named::as("quantity-"))
          .branch([](const std::string&, int64_t quantity) { return quantity < 0; },
                  Branched<std::string, int64_t>::as("returned"))
          .branch([](const std::string&, int64_t quantity) { return quantity >= 10; },
                  Branched<std::string, int64_t>::as("bulk"))
          .defaultBranch(Branched<std::string, int64_t>::as("retail"));
  branches.at("quantity-bulk").to("bulk-items", int64_values);
  branches.at("quantity-retail").to("retail-items", int64_values);
  branches.at("quantity-returned").foreach([&returned_units](const std::string&, int64_t quantity) {
    returned_units += -quantity;
  });
  // [snippet-end:split-merge]

  // [snippet:repartition]
  // selectKey changes the key only. repartition() writes the stream to the internal topic
  // "<application.id>-orders-by-customer-repartition" and reads it back, so each customer's
  // records land on the partition their new key hashes to.
  orders
      .selectKey([](const std::string& customer, const std::string&) { return ToLower(customer); })
      .repartition(Repartitioned<std::string, std::string>::as("orders-by-customer")
                       .withNumberOfPartitions(4))
      .to("orders-by-customer");
  // [snippet-end:repartition]

  // [snippet:test]
  StreamsConfig config;
  config.set("application.id", "shop")
      .set("default.key.serde", "string")
      .set("default.value.serde", "string");
  TopologyTestDriver driver(builder.build(), config);
  auto order_topic = driver.createInputTopic("orders", Serdes::String(), Serdes::String());
  auto return_topic = driver.createInputTopic("returns", Serdes::String(), Serdes::String());
  auto bulk = driver.createOutputTopic("bulk-items", Serdes::String(), Serdes::Int64());
  auto retail = driver.createOutputTopic("retail-items", Serdes::String(), Serdes::Int64());
  auto by_customer =
      driver.createOutputTopic("orders-by-customer", Serdes::String(), Serdes::String());

  order_topic.pipeInput("Alice", "book 2, pen 10", 1000);
  order_topic.pipeInput("bob", "", 2000);  // dropped by filterNot, but still re-keyed
  return_topic.pipeInput("alice", "pen 1", 3000);
  // [snippet-end:test]

  using KV = KeyValue<std::string, int64_t>;
  using Strings = KeyValue<std::string, std::string>;
  bool ok = Check(bulk.readKeyValuesToList() == std::vector<KV>{{"pen", 10}}, "bulk-items");
  ok = Check(retail.readKeyValuesToList() == std::vector<KV>{{"book", 2}}, "retail-items") && ok;
  ok = Check(by_customer.readKeyValuesToList() ==
                 std::vector<Strings>{{"alice", "book 2, pen 10"}, {"bob", ""}},
             "orders-by-customer") &&
       ok;
  ok = Check(seen == 3, "the peek count") && ok;
  ok = Check(returned_units == 1, "the returned units") && ok;
  ok = Check(driver.producedTopicNames().count("shop-orders-by-customer-repartition") == 1,
             "the repartition topic's name") &&
       ok;
  if (!ok) return 1;
  std::printf("dsl_stateless: outputs as expected\n");
  return 0;
}
