#include "examples/leave_requests/leave_topology.h"

#include "framework/api/serdes.h"
#include "operators/dsl/streams_builder.h"

namespace brook::examples::leave {

namespace {

using streams::Branched;
using streams::Consumed;
using streams::ContextualFixedKeyProcessor;
using streams::FixedKeyRecord;
using streams::KStream;
using streams::Named;
using streams::Produced;
using streams::Serdes;

// Checks each request; an invalid one gets the reason in its brook.error header.
class RequestChecker : public ContextualFixedKeyProcessor<std::string, std::string, CheckedValue> {
 public:
  void process(const FixedKeyRecord<std::string, std::string>& record) override {
    CheckedRequest checked = Check(record.value());
    CheckedValue value{record.value(), std::move(checked.request)};
    if (value.request) {
      context().forward(record.withValue(std::move(value)));
      return;
    }
    streams::Headers headers = record.headers();
    headers.remove(kErrorHeader).add(kErrorHeader, checked.error);
    context().forward(record.withValue(std::move(value)).withHeaders(std::move(headers)));
  }
};

}  // namespace

streams::Topology BuildTopology() {
  streams::StreamsBuilder builder;
  auto strings = Produced<std::string, std::string>::with(Serdes::String(), Serdes::String());
  KStream<std::string, CheckedValue> checked =
      builder
          .stream<std::string, std::string>(
              kRequestsTopic,
              Consumed<std::string, std::string>::with(Serdes::String(), Serdes::String()))
          .processValues([] { return std::make_unique<RequestChecker>(); }, Named::as("check"));
  checked.split(Named::as("requests-"))
      .branch([](const std::string&, const CheckedValue& value) { return value.request.has_value(); },
              Branched<std::string, CheckedValue>::withConsumer(
                  [strings](KStream<std::string, CheckedValue> valid) {
                    valid
                        .mapValues([](const CheckedValue& value) { return PayrollEvent(*value.request); },
                                   Named::as("to-payroll-event"))
                        .to(kPayrollTopic, strings);
                    valid
                        .mapValues([](const CheckedValue& value) { return ForecastEvent(*value.request); },
                                   Named::as("to-forecast-event"))
                        .to(kForecastTopic, strings);
                  },
                  "valid"))
      .defaultBranch(Branched<std::string, CheckedValue>::withConsumer(
          [strings](KStream<std::string, CheckedValue> invalid) {
            invalid.mapValues([](const CheckedValue& value) { return value.raw; }, Named::as("as-received"))
                .to(kDeadLetterTopic, strings);
          },
          "invalid"));
  return builder.build();
}

}  // namespace brook::examples::leave
