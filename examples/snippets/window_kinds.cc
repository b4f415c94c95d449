// docs/guides/windows-and-time.md: hopping, sliding and session windows, the last emitting each
// session once, on close. Runs the topology through TopologyTestDriver and exits 1 naming what
// differed; runs as a unit test.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "framework/api/serdes.h"
#include "framework/testing/topology_test_driver.h"
#include "operators/dsl/streams_builder.h"

using namespace brook::streams;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

// "<start>..<end>: <count>", for the checks.
std::string Describe(const Windowed<std::string>& window, int64_t count) {
  return std::to_string(window.window().start()) + ".." + std::to_string(window.window().end()) +
         ": " + std::to_string(count);
}

bool Check(const std::multiset<std::string>& got, const std::multiset<std::string>& expected,
           const char* what) {
  if (got == expected) return true;
  std::fprintf(stderr, "window_kinds: %s differs; got:", what);
  for (const std::string& window : got) std::fprintf(stderr, " [%s]", window.c_str());
  std::fprintf(stderr, "\n");
  return false;
}

}  // namespace

int main() {
  StreamsBuilder builder;
  KStream<std::string, std::string> clicks = builder.stream(
      "clicks", Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()));
  KGroupedStream<std::string, std::string> by_user = clicks.groupByKey();
  const auto strings = Produced<std::string, std::string>::with(Serdes::String(), Serdes::String());

  // [snippet:hopping]
  // Five-minute windows starting every minute: a record belongs to five of them.
  by_user.windowedBy(TimeWindows::ofSizeWithNoGrace(minutes(5)).advanceBy(minutes(1)))
      .count()
      .toStream()
      .map([](const Windowed<std::string>& window, int64_t count) {
        return KeyValue<std::string, std::string>{window.key(), Describe(window, count)};
      })
      .to("clicks-hopping", strings);
  // [snippet-end:hopping]

  // [snippet:sliding]
  // Every window [t - 10 s, t] that holds records of the user.
  by_user.windowedBy(SlidingWindows::ofTimeDifferenceWithNoGrace(seconds(10)))
      .count()
      .toStream()
      .map([](const Windowed<std::string>& window, int64_t count) {
        return KeyValue<std::string, std::string>{window.key(), Describe(window, count)};
      })
      .to("clicks-sliding", strings);
  // [snippet-end:sliding]

  // [snippet:session]
  // A session ends after 5 minutes without a click; each one is emitted once, when the stream
  // time passes its end + gap + grace.
  by_user.windowedBy(SessionWindows::ofInactivityGapAndGrace(minutes(5), seconds(0)))
      .emitStrategy(EmitStrategy::onWindowClose())
      .count()
      .toStream()
      .map([](const Windowed<std::string>& session, int64_t count) {
        return KeyValue<std::string, std::string>{session.key(), Describe(session, count)};
      })
      .to("clicks-sessions", strings);
  // [snippet-end:session]

  TopologyTestDriver driver(builder.build());
  auto input = driver.createInputTopic("clicks", Serdes::String(), Serdes::String());
  auto values = [&driver](const std::string& topic) {
    std::multiset<std::string> windows;
    for (const std::string& window :
         driver.createOutputTopic(topic, Serdes::String(), Serdes::String()).readValuesToList()) {
      windows.insert(window);
    }
    return windows;
  };

  // [snippet:test]
  input.pipeInput("ann", "home", 150000);   // 2.5 min
  input.pipeInput("ann", "cart", 155000);   // 5 s later
  input.pipeInput("ann", "home", 1000000);  // 16.7 min: a new session; the first one closes
  // [snippet-end:test]

  bool ok =
      Check(values("clicks-sliding"),
            {"140000..150000: 1", "145000..155000: 2", "150001..160001: 1", "990000..1000000: 1"},
            "clicks-sliding");
  ok = Check(values("clicks-sessions"), {"150000..155000: 2"}, "clicks-sessions") && ok;
  // 150000 and 155000 fall in the windows starting at 0, 60000 and 120000, each updated twice;
  // 1000000 in the five starting at 720000 .. 960000.
  const std::multiset<std::string> hopping = values("clicks-hopping");
  if (hopping.size() != 11 || hopping.count("0..300000: 2") != 1 ||
      hopping.count("120000..420000: 2") != 1 || hopping.count("960000..1260000: 1") != 1) {
    ok = Check(hopping, {}, "clicks-hopping");
  }
  if (!ok) return 1;
  std::printf("window_kinds: hopping, sliding and session windows as expected\n");
  return 0;
}
