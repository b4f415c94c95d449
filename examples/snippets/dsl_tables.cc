// docs/guides/dsl.md, "Tables": a users table filtered, mapped, turned into a stream, and
// re-grouped by region (count) and summed over all users (reduce with adder and subtractor).
// Runs the topology through TopologyTestDriver and exits 1 naming what differed; runs as a
// unit test.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;

namespace {

bool Check(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "dsl_tables: %s differs\n", what);
  return ok;
}

}  // namespace

int main() {
  // [snippet:tables]
  StreamsBuilder builder;
  // Key: the user; value: the user's region. A tombstone (null value) deletes the user.
  KTable<std::string, std::string> regions = builder.table(
      "user-regions", Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()),
      Materialized<std::string, std::string>::as("user-regions-store"));

  // filter, mapValues and toStream: a changelog of the known users' regions, upper-cased.
  regions.filterNot([](const std::string&, const std::string& region) { return region.empty(); })
      .mapValues([](std::string region) {
        for (char& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return region;
      })
      .toStream()
      .to("known-user-regions");

  // groupBy re-keys each row; count() adds a row to its new group and takes it out of its old.
  regions
      .groupBy([](const std::string& user, const std::string& region) {
        return KeyValue<std::string, std::string>{region, user};
      })
      .count(Materialized<std::string, int64_t>::as("users-per-region"));

  // Key: the user; value: the balance. reduce(adder, subtractor) keeps the sum of all rows:
  // a changed balance subtracts the old value and adds the new one.
  builder.table("balances", Consumed<std::string, int64_t>::with(Serdes::String(), Serdes::Int64()))
      .groupBy(
          [](const std::string&, int64_t balance) {
            return KeyValue<std::string, int64_t>{"total", balance};
          },
          Grouped<std::string, int64_t>::with(Serdes::String(), Serdes::Int64()))
      .reduce([](int64_t sum, int64_t balance) { return sum + balance; },
              [](int64_t sum, int64_t balance) { return sum - balance; },
              Materialized<std::string, int64_t>::as("total-balance"))
      .toStream()
      .to("total-balance");
  // [snippet-end:tables]

  StreamsConfig config;
  config.set("application.id", "users")
      .set("default.key.serde", "string")
      .set("default.value.serde", "string");
  TopologyTestDriver driver(builder.build(), config);

  // [snippet:test]
  // Serdes::Optional writes std::nullopt as a Kafka null: a tombstone.
  auto users =
      driver.createInputTopic("user-regions", Serdes::String(), Serdes::Optional(Serdes::String()));
  auto balances = driver.createInputTopic("balances", Serdes::String(), Serdes::Int64());
  users.pipeInput("alice", "eu", 1000);
  users.pipeInput("bob", "eu", 2000);
  users.pipeInput("alice", "us", 3000);        // alice moves: eu 2 -> 1, us 0 -> 1
  users.pipeInput("bob", std::nullopt, 4000);  // bob leaves: eu 1 -> 0
  balances.pipeInput("alice", 100, 1000);
  balances.pipeInput("bob", 50, 2000);
  balances.pipeInput("alice", 70, 3000);  // total: 150 - 100 + 70 = 120
  // [snippet-end:test]

  auto known = driver.createOutputTopic("known-user-regions", Serdes::String(), Serdes::String());
  auto total = driver.createOutputTopic("total-balance", Serdes::String(), Serdes::Int64());
  auto* per_region = driver.getKeyValueStore<std::string, int64_t>("users-per-region");
  using Strings = KeyValue<std::string, std::string>;
  // toStream() does not forward the delete of bob (see toStreamWithDeletes).
  bool ok = Check(known.readKeyValuesToList() ==
                      std::vector<Strings>{{"alice", "EU"}, {"bob", "EU"}, {"alice", "US"}},
                  "known-user-regions");
  ok = Check(per_region->get("eu") == 0 && per_region->get("us") == 1, "users-per-region") && ok;
  const std::vector<KeyValue<std::string, int64_t>> totals = total.readKeyValuesToList();
  ok = Check(!totals.empty() && totals.back().value == 120, "total-balance") && ok;
  if (!ok) return 1;
  std::printf("dsl_tables: tables as expected\n");
  return 0;
}
