#include "asyncl_bench/report.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_files.hpp"
#include "tool_common/json_schema.hpp"

namespace asyncl::bench {
namespace {

using tool::testing::validate_json_schema;

constexpr const char* kFixture = "three_modes_with_baselines.json";

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++found;
  }
  return found;
}

std::size_t ratio_count(const Json& comparison) {
  std::size_t ratios = 0;
  for (const Json& row : comparison["rows"]) ratios += row["ratios"].size();
  return ratios;
}

std::string joined(const std::vector<std::string>& errors) {
  std::string text;
  for (const std::string& error : errors) text += error + "\n";
  return text;
}

class ReportTest : public ::testing::TestWithParam<std::vector<std::string>> {
 protected:
  Json google_benchmark_ = testing::read_fixture(kFixture);
  Comparison comparison_ = compare_runs(google_benchmark_, GetParam());
  Json report_ = make_report(google_benchmark_, comparison_);
};

TEST_P(ReportTest, TheReportValidatesAgainstTheSchema) {
  const auto errors = validate_json_schema(testing::read_schema(), report_);
  EXPECT_TRUE(errors.empty()) << joined(errors);
}

TEST_P(ReportTest, KeepsGoogleBenchmarksOwnReportUnchanged) {
  EXPECT_EQ(report_["schema"], "asyncl-bench/1");
  EXPECT_EQ(report_["context"], google_benchmark_["context"]);
  EXPECT_EQ(report_["benchmarks"], google_benchmark_["benchmarks"]);
}

TEST_P(ReportTest, TheComparisonBlockFollowsTheNamedModes) {
  const Json& comparison = report_["comparison"];
  EXPECT_EQ(comparison["reference_mode"], GetParam().front());
  EXPECT_EQ(comparison["modes"].get<std::vector<std::string>>(), GetParam());
  EXPECT_EQ(comparison["rows"].size(), comparison_.rows.size());
  for (const Json& row : comparison["rows"]) {
    std::vector<std::string> order;
    for (const auto& [mode, measurement] : row["modes"].items()) order.push_back(mode);
    std::vector<std::string> expected;
    for (const std::string& mode : GetParam()) {
      if (row["modes"].contains(mode)) expected.push_back(mode);
    }
    EXPECT_EQ(order, expected) << row["benchmark"];
  }
}

TEST_P(ReportTest, TheHtmlPageDrawsOneBarPerRatio) {
  const std::string html = render_html(comparison_, report_["context"]);
  const std::size_t ratios = ratio_count(report_["comparison"]);
  EXPECT_GT(ratios, 0u);
  EXPECT_EQ(count(html, "<rect class=\"bar"), ratios);
  EXPECT_EQ(count(html, "<svg"), 1u);
  for (const ComparisonRow& row : comparison_.rows) {
    if (!row.ratios.empty()) {
      EXPECT_NE(html.find(">" + row.benchmark + "</text>"), std::string::npos) << row.benchmark;
    }
  }
}

TEST_P(ReportTest, TheHtmlPageNeedsNoNetwork) {
  const std::string html = render_html(comparison_, report_["context"]);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  for (const char* external : {"<script", "<link", "@import", "url(", "src=", "https:"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  // The only URL is the SVG namespace, which is a name, not something to fetch.
  EXPECT_EQ(count(html, "http:"), 1u);
  EXPECT_NE(html.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(ModeOrders, ReportTest,
                         ::testing::Values(std::vector<std::string>{"leaky", "barrier"},
                                           std::vector<std::string>{"barrier", "leaky"},
                                           std::vector<std::string>{"leaky", "barrier", "shared"},
                                           std::vector<std::string>{"shared", "leaky"}));

TEST(ReportSchema, RejectsBrokenReports) {
  const Json schema = testing::read_schema();
  const Json fixture = testing::read_fixture(kFixture);
  const Json good = make_report(fixture, compare_runs(fixture, {"leaky", "barrier"}));
  ASSERT_TRUE(validate_json_schema(schema, good).empty());

  Json wrong_schema = good;
  wrong_schema["schema"] = "asyncl-bench/0";
  EXPECT_FALSE(validate_json_schema(schema, wrong_schema).empty());

  Json no_ratios = good;
  no_ratios["comparison"]["rows"][0].erase("ratios");
  EXPECT_FALSE(validate_json_schema(schema, no_ratios).empty());

  Json text_median = good;
  text_median["comparison"]["rows"][0]["ratios"]["leaky"]["median"] = "1.0";
  EXPECT_FALSE(validate_json_schema(schema, text_median).empty());

  Json unknown_mode = good;
  unknown_mode["comparison"]["rows"][0]["modes"]["turbo"] =
      unknown_mode["comparison"]["rows"][0]["modes"]["leaky"];
  EXPECT_FALSE(validate_json_schema(schema, unknown_mode).empty());

  Json no_context_field = good;
  no_context_field["context"].erase("asyncl_git_revision");
  EXPECT_FALSE(validate_json_schema(schema, no_context_field).empty());

  Json bad_record = good;
  bad_record["benchmarks"][0]["time_unit"] = "fortnights";
  EXPECT_FALSE(validate_json_schema(schema, bad_record).empty());
}

TEST(RenderHtml, WithoutRatiosDrawsNoBarAndSaysWhy) {
  Comparison comparison;
  comparison.modes = {"leaky", "barrier"};
  ComparisonRow row;
  row.benchmark = "local_ref/read";
  row.baseline = Measurement{{1.0}, 1.0, 1.0, 1.0, {}};
  comparison.rows.push_back(row);
  const std::string html = render_html(comparison, Json::object());
  EXPECT_EQ(count(html, "<rect class=\"bar"), 0u);
  EXPECT_NE(html.find("no ratios"), std::string::npos);
}

TEST(RenderHtml, EscapesNames) {
  Comparison comparison;
  comparison.modes = {"leaky"};
  ComparisonRow row;
  row.benchmark = "a<b>&\"c\"";
  row.modes.emplace_back("leaky", Measurement{{2.0}, 2.0, 2.0, 2.0, {}});
  row.ratios.emplace_back("leaky", RatioRange{1, 1, 1});
  comparison.rows.push_back(row);
  const std::string html = render_html(comparison, Json{{"host_name", "<host>"}});
  EXPECT_EQ(html.find("a<b>"), std::string::npos);
  EXPECT_NE(html.find("a&lt;b&gt;&amp;&quot;c&quot;"), std::string::npos);
  EXPECT_NE(html.find("&lt;host&gt;"), std::string::npos);
  EXPECT_EQ(count(html, "<rect class=\"bar"), 1u);
}

TEST(RenderTable, ShowsEachModesMedianRatiosAndMissingValues) {
  const Json fixture = testing::read_fixture(kFixture);
  const Comparison comparison = compare_runs(fixture, {"leaky", "barrier"});
  const std::string table = render_table(comparison);
  EXPECT_NE(table.find("benchmark"), std::string::npos);
  EXPECT_NE(table.find("barrier/leaky (min-med-max)"), std::string::npos);
  EXPECT_NE(table.find("leaky/raw"), std::string::npos);
  EXPECT_NE(table.find("barrier/raw"), std::string::npos);
  const ComparisonRow* create = comparison.row("local_ref/create");
  ASSERT_NE(create, nullptr);
  EXPECT_NE(table.find(format_duration(create->mode("leaky")->median_ns)), std::string::npos);
  // local_ref/read has no barrier measurement: its line shows '-' in that column.
  const std::size_t read_line = table.find("\nlocal_ref/read ");
  ASSERT_NE(read_line, std::string::npos);
  const std::string line = table.substr(read_line + 1, table.find('\n', read_line + 1) - read_line);
  EXPECT_NE(line.find(" - "), std::string::npos) << line;
  EXPECT_NE(table.find("thread/churn retained_bytes"), std::string::npos);
  EXPECT_NE(table.find("Failed (no measurement): local_ref/read/barrier"), std::string::npos);
}

TEST(FormatDuration, PicksTheLargestFittingUnit) {
  EXPECT_EQ(format_duration(1.5), "1.5 ns");
  EXPECT_EQ(format_duration(999), "999 ns");
  EXPECT_EQ(format_duration(1500), "1.5 us");
  EXPECT_EQ(format_duration(2.5e6), "2.5 ms");
  EXPECT_EQ(format_duration(3e9), "3 s");
}

}  // namespace
}  // namespace asyncl::bench
