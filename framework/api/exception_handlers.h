#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "framework/api/record.h"
#include "framework/api/task_id.h"

namespace brook::streams {

// What a handler decides about a record that failed (Kafka's DeserializationHandlerResponse,
// ProcessingHandlerResponse, ProductionExceptionHandlerResponse).
//   kContinue: log it and go on with the next record (its offset is committed: it is skipped).
//   kFail:     stop the stream thread with the error (the uncaught exception handler decides
//              what then; the record's offset is not committed, so a restart meets it again).
enum class HandlerResponse { kContinue, kFail };

// Where the failure happened (Kafka's ErrorHandlerContext, with the source record's raw bytes
// as in KIP-1034).
struct ErrorHandlerContext {
  std::string_view topic;  // the input record's; empty while a punctuator runs
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp = 0;
  const Headers* headers = nullptr;
  std::string_view processor_node_id;  // the node whose code failed, if known
  TaskId task_id;
  std::optional<std::string_view> source_raw_key;
  std::optional<std::string_view> source_raw_value;
};

// A record a source could not read (deserialization.exception.handler).
class DeserializationExceptionHandler {
 public:
  virtual ~DeserializationExceptionHandler() = default;
  virtual HandlerResponse handle(const ErrorHandlerContext& context,
                                 const std::exception& error) = 0;
};

// A processor threw while processing a record or running a punctuator
// (processing.exception.handler).
class ProcessingExceptionHandler {
 public:
  virtual ~ProcessingExceptionHandler() = default;
  virtual HandlerResponse handle(const ErrorHandlerContext& context,
                                 const std::exception& error) = 0;
};

// A record that could not be written (production.exception.handler): its key or value failed to
// serialize, or the producer reported an error for it (too large, topic missing, ...).
// `topic` is the topic it was for.
class ProductionExceptionHandler {
 public:
  virtual ~ProductionExceptionHandler() = default;
  virtual HandlerResponse handle(const ErrorHandlerContext& context, std::string_view topic,
                                 const std::exception& error) = 0;
};

// The built-in handlers, as named in StreamsConfig: "log_and_continue" and "log_and_fail".
// They log one line naming the task, the record's topic, partition and offset, and the error.
std::shared_ptr<DeserializationExceptionHandler> LogAndContinueDeserializationHandler();
std::shared_ptr<DeserializationExceptionHandler> LogAndFailDeserializationHandler();
std::shared_ptr<ProcessingExceptionHandler> LogAndContinueProcessingHandler();
std::shared_ptr<ProcessingExceptionHandler> LogAndFailProcessingHandler();
std::shared_ptr<ProductionExceptionHandler> LogAndContinueProductionHandler();
std::shared_ptr<ProductionExceptionHandler> LogAndFailProductionHandler();

}  // namespace brook::streams
