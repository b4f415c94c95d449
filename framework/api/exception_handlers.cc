#include "framework/api/exception_handlers.h"

#include <fmt/format.h>

#include "common/logging.h"

namespace brook::streams {
namespace {

// The node that failed, if known: " in node X".
std::string Node(const ErrorHandlerContext& context) {
  if (context.processor_node_id.empty()) return "";
  return fmt::format(" in node {}", context.processor_node_id);
}

// Where the failure happened: "at topic orders partition 3 offset 42 in node X", or "in a
// punctuator in node X" when no input record is being processed.
std::string Where(const ErrorHandlerContext& context) {
  if (context.topic.empty()) return "in a punctuator" + Node(context);
  return fmt::format("at topic {} partition {} offset {}{}", context.topic, context.partition,
                     context.offset, Node(context));
}

// Logs `what` (which starts with "[task <id>] ...") and what the handler decided: warn for
// continue, error for fail. Every failed record gets its own line, not rate-limited: with
// log_and_continue this line is the only trace of a skipped record.
HandlerResponse LogAndRespond(HandlerResponse response, const std::string& what) {
  static const auto logger = GetLogger("runtime");
  if (response == HandlerResponse::kContinue) {
    logger->warn("{}; continuing with the next record (log_and_continue)", what);
  } else {
    logger->error("{}; stopping the stream thread (log_and_fail)", what);
  }
  return response;
}

class LogDeserializationHandler final : public DeserializationExceptionHandler {
 public:
  explicit LogDeserializationHandler(HandlerResponse response) : response_(response) {}
  HandlerResponse handle(const ErrorHandlerContext& context, const std::exception& error) override {
    return LogAndRespond(response_,
                         fmt::format("[task {}] cannot deserialize the record {}: {}",
                                     context.task_id.toString(), Where(context), error.what()));
  }

 private:
  HandlerResponse response_;
};

class LogProcessingHandler final : public ProcessingExceptionHandler {
 public:
  explicit LogProcessingHandler(HandlerResponse response) : response_(response) {}
  HandlerResponse handle(const ErrorHandlerContext& context, const std::exception& error) override {
    return LogAndRespond(
        response_, fmt::format("[task {}] processing failed {}: {}", context.task_id.toString(),
                               Where(context), error.what()));
  }

 private:
  HandlerResponse response_;
};

class LogProductionHandler final : public ProductionExceptionHandler {
 public:
  explicit LogProductionHandler(HandlerResponse response) : response_(response) {}
  HandlerResponse handle(const ErrorHandlerContext& context, std::string_view topic,
                         const std::exception& error) override {
    // A sink's serialization error names the input record: "(input record at topic orders
    // partition 3 offset 42 in node X)" or "(in a punctuator ...)". A delivery error the
    // producer reported later only knows the output partition (the collector puts the output
    // topic in the context, with no offset).
    std::string source;
    if (context.offset < 0 && context.topic == topic) {
      source = fmt::format("partition {}, reported by the producer", context.partition);
    } else if (context.topic.empty()) {
      source = Where(context);
    } else {
      source = "input record " + Where(context);
    }
    return LogAndRespond(response_,
                         fmt::format("[task {}] cannot write a record to topic {} ({}): {}",
                                     context.task_id.toString(), topic, source, error.what()));
  }

 private:
  HandlerResponse response_;
};

}  // namespace

std::shared_ptr<DeserializationExceptionHandler> LogAndContinueDeserializationHandler() {
  return std::make_shared<LogDeserializationHandler>(HandlerResponse::kContinue);
}

std::shared_ptr<DeserializationExceptionHandler> LogAndFailDeserializationHandler() {
  return std::make_shared<LogDeserializationHandler>(HandlerResponse::kFail);
}

std::shared_ptr<ProcessingExceptionHandler> LogAndContinueProcessingHandler() {
  return std::make_shared<LogProcessingHandler>(HandlerResponse::kContinue);
}

std::shared_ptr<ProcessingExceptionHandler> LogAndFailProcessingHandler() {
  return std::make_shared<LogProcessingHandler>(HandlerResponse::kFail);
}

std::shared_ptr<ProductionExceptionHandler> LogAndContinueProductionHandler() {
  return std::make_shared<LogProductionHandler>(HandlerResponse::kContinue);
}

std::shared_ptr<ProductionExceptionHandler> LogAndFailProductionHandler() {
  return std::make_shared<LogProductionHandler>(HandlerResponse::kFail);
}

}  // namespace brook::streams
