#include "framework/api/exception_handlers.h"

#include <algorithm>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "common/logging.h"

namespace brook::streams {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Captures what the "runtime" logger writes, as "<level> <message>" lines.
class ExceptionHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    logger_ = GetLogger("runtime");
    saved_level_ = logger_->level();
    logger_->set_level(spdlog::level::trace);
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_st>(lines_);
    sink_->set_pattern("%l %v");
    // Only the capturing sink, so the test output stays clean.
    saved_sinks_ = logger_->sinks();
    logger_->sinks() = {sink_};
  }
  void TearDown() override {
    logger_->sinks() = saved_sinks_;
    logger_->set_level(saved_level_);
  }

  std::string Logged() const { return lines_.str(); }

  ErrorHandlerContext RecordContext() const {
    ErrorHandlerContext context;
    context.topic = "orders";
    context.partition = 3;
    context.offset = 42;
    context.processor_node_id = "KSTREAM-MAPVALUES-0000000001";
    context.task_id = TaskId{1, 3};
    return context;
  }

  const std::runtime_error error_{"value is not an order"};

 private:
  std::shared_ptr<spdlog::logger> logger_;
  spdlog::level::level_enum saved_level_ = spdlog::level::info;
  std::ostringstream lines_;
  std::shared_ptr<spdlog::sinks::ostream_sink_st> sink_;
  std::vector<spdlog::sink_ptr> saved_sinks_;
};

TEST_F(ExceptionHandlersTest, LogAndContinueDeserializationContinuesWithAWarning) {
  EXPECT_EQ(LogAndContinueDeserializationHandler()->handle(RecordContext(), error_),
            HandlerResponse::kContinue);
  EXPECT_THAT(Logged(), AllOf(StartsWith("warning [task 1_3] "), HasSubstr("deserialize"),
                              HasSubstr("topic orders partition 3 offset 42"),
                              HasSubstr("in node KSTREAM-MAPVALUES-0000000001"),
                              HasSubstr("value is not an order"), HasSubstr("log_and_continue")));
}

TEST_F(ExceptionHandlersTest, LogAndFailDeserializationFailsWithAnError) {
  EXPECT_EQ(LogAndFailDeserializationHandler()->handle(RecordContext(), error_),
            HandlerResponse::kFail);
  EXPECT_THAT(Logged(), AllOf(StartsWith("error [task 1_3] "),
                              HasSubstr("topic orders partition 3 offset 42"),
                              HasSubstr("value is not an order"), HasSubstr("log_and_fail")));
}

TEST_F(ExceptionHandlersTest, LogAndContinueProcessingContinuesWithAWarning) {
  EXPECT_EQ(LogAndContinueProcessingHandler()->handle(RecordContext(), error_),
            HandlerResponse::kContinue);
  EXPECT_THAT(Logged(), AllOf(StartsWith("warning [task 1_3] "), HasSubstr("processing"),
                              HasSubstr("topic orders partition 3 offset 42"),
                              HasSubstr("in node KSTREAM-MAPVALUES-0000000001"),
                              HasSubstr("value is not an order")));
}

TEST_F(ExceptionHandlersTest, LogAndFailProcessingFailsWithAnError) {
  EXPECT_EQ(LogAndFailProcessingHandler()->handle(RecordContext(), error_), HandlerResponse::kFail);
  EXPECT_THAT(Logged(), AllOf(StartsWith("error [task 1_3] "), HasSubstr("value is not an order"),
                              HasSubstr("log_and_fail")));
}

TEST_F(ExceptionHandlersTest, LogAndContinueProductionContinuesNamingTheOutputTopic) {
  EXPECT_EQ(LogAndContinueProductionHandler()->handle(RecordContext(), "shipments", error_),
            HandlerResponse::kContinue);
  EXPECT_THAT(Logged(), AllOf(StartsWith("warning [task 1_3] "), HasSubstr("topic shipments"),
                              HasSubstr("topic orders partition 3 offset 42"),
                              HasSubstr("value is not an order")));
}

TEST_F(ExceptionHandlersTest, LogAndFailProductionFailsWithAnError) {
  EXPECT_EQ(LogAndFailProductionHandler()->handle(RecordContext(), "shipments", error_),
            HandlerResponse::kFail);
  EXPECT_THAT(Logged(), AllOf(StartsWith("error [task 1_3] "), HasSubstr("topic shipments"),
                              HasSubstr("log_and_fail")));
}

TEST_F(ExceptionHandlersTest, EachFailureIsOneLine) {
  auto handler = LogAndContinueDeserializationHandler();
  handler->handle(RecordContext(), error_);
  handler->handle(RecordContext(), error_);
  const std::string logged = Logged();
  EXPECT_EQ(std::count(logged.begin(), logged.end(), '\n'), 2);
}

TEST_F(ExceptionHandlersTest, AFailureInAPunctuatorSaysSoInsteadOfARecordPosition) {
  ErrorHandlerContext context;
  context.processor_node_id = "cleaner";
  context.task_id = TaskId{0, 0};
  EXPECT_EQ(LogAndContinueProcessingHandler()->handle(context, error_), HandlerResponse::kContinue);
  EXPECT_THAT(Logged(), AllOf(StartsWith("warning [task 0_0] "), HasSubstr("punctuator"),
                              HasSubstr("in node cleaner"), ::testing::Not(HasSubstr("offset"))));
}

TEST_F(ExceptionHandlersTest, ANodeIsNamedOnlyWhenKnown) {
  ErrorHandlerContext context = RecordContext();
  context.processor_node_id = "";
  LogAndFailDeserializationHandler()->handle(context, error_);
  EXPECT_THAT(Logged(), ::testing::Not(HasSubstr("node")));
}

}  // namespace
}  // namespace brook::streams
