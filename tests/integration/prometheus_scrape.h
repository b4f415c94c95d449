#pragma once

// Scrapes a metrics.listener endpoint and reads the text with an independent parser
// (prometheus_client's, through prometheus_to_json.py), for the broker's and the streams app's
// metrics tests.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tests/tools/subprocess.h"

namespace brook::testing {

struct Scrape {
  std::string text;
  nlohmann::json samples = nlohmann::json::array();  // [{family, type, name, labels, value}]
  bool parsed = false;

  // The value of the sample `name` whose labels include all of `labels`; nullopt if none.
  std::optional<double> Value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& sample : samples) {
      if (sample["name"] != name) continue;
      bool match = true;
      for (const auto& [key, value] : labels) {
        if (!sample["labels"].contains(key) || sample["labels"][key] != value) match = false;
      }
      if (match) return sample["value"].get<double>();
    }
    return std::nullopt;
  }
  // The sum over every sample `name` whose labels include `labels`.
  double Sum(const std::string& name, const std::map<std::string, std::string>& labels = {}) const {
    double sum = 0;
    for (const auto& sample : samples) {
      if (sample["name"] != name) continue;
      bool match = true;
      for (const auto& [key, value] : labels) {
        if (!sample["labels"].contains(key) || sample["labels"][key] != value) match = false;
      }
      if (match) sum += sample["value"].get<double>();
    }
    return sum;
  }
};

// GET `url` (http://HOST:PORT/metrics) and parse it; failures are test failures and leave
// `parsed` false.
inline Scrape ScrapeMetrics(const std::string& url) {
  Scrape scrape;
  const std::string prefix = "http://";
  const size_t path = url.find('/', prefix.size());
  httplib::Client client(url.substr(0, path));
  client.set_read_timeout(std::chrono::seconds(10));
  auto response = client.Get(url.substr(path));
  EXPECT_TRUE(response) << "GET " << url << " failed";
  if (!response) return scrape;
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_NE(response->get_header_value("Content-Type").find("text/plain; version=0.0.4"),
            std::string::npos);
  scrape.text = response->body;
  tools::ProcessResult parsed = tools::RunProcess({"/usr/bin/python3", BROOK_PROMETHEUS_TO_JSON},
                                                  scrape.text, std::chrono::seconds(60));
  EXPECT_EQ(parsed.exit_code, 0) << "prometheus_client rejects the scrape: " << parsed.err << "\n"
                                 << scrape.text;
  if (parsed.exit_code != 0) return scrape;
  scrape.samples = nlohmann::json::parse(parsed.out);
  scrape.parsed = true;
  return scrape;
}

}  // namespace brook::testing
