#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "tests/tools/group_clients.h"
#include "tests/tools/real_broker_fixture.h"

namespace brook::tools {

// `brook groups` against a real broker, with helpers to make topics, records and groups.
class GroupsCliTest : public BrookCliRealBrokerTest {
 protected:
  // A name of its own for this test's `what` (unique even on a shared BROOK_TEST_BOOTSTRAP).
  static std::string Name(const std::string& what) {
    static const std::string suffix =
        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1'000'000);
    return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
           what + "-" + suffix;
  }

  // A topic made with `brook topics create`.
  std::string CreateTopic(int partitions, const std::string& what = "topic") {
    const std::string topic = Name(what);
    ProcessResult created =
        Brook({"topics", "create", topic, "--partitions", std::to_string(partitions)});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    return topic;
  }

  // The whitespace-separated fields of each line of `text` (empty lines kept as no fields).
  static std::vector<std::vector<std::string>> Rows(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::vector<std::string> fields;
      for (std::string word; words >> word;) fields.push_back(word);
      rows.push_back(std::move(fields));
    }
    return rows;
  }

  // CURRENT-OFFSET of `topic`-`partition` in `brook groups describe GROUP`; "" when it has no row.
  std::string CommittedOffset(const std::string& group, const std::string& topic, int partition) {
    ProcessResult described = Brook({"groups", "describe", group});
    EXPECT_EQ(described.exit_code, 0) << described.err;
    for (const auto& fields : Rows(described.out)) {
      if (fields.size() == 9 && fields[0] == group && fields[1] == topic &&
          fields[2] == std::to_string(partition)) {
        return fields[3];
      }
    }
    return "";
  }
};

}  // namespace brook::tools
