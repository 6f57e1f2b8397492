#include "asyncl_bench/comparison.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

#include "test_files.hpp"

namespace asyncl::bench {
namespace {

// fixtures/three_modes_with_baselines.json was written by Google Benchmark 1.7.1 with 3
// interleaved repetitions (see fixtures/README.md). It holds local_ref/create in leaky, barrier,
// shared and raw; local_ref/create_inline in raw only; local_ref/read in leaky and raw, with its
// barrier variant failing (SkipWithError); thread/churn in leaky, barrier and raw, timed in
// microseconds, with retained_bytes counters of 32000 (leaky) and 0.
constexpr const char* kFixture = "three_modes_with_baselines.json";

using Modes = std::vector<std::string>;

double nanoseconds_per(const std::string& unit) {
  return unit == "ns" ? 1 : unit == "us" ? 1e3 : unit == "ms" ? 1e6 : 1e9;
}

// The per-repetition times the fixture holds for a run name, in nanoseconds.
std::vector<double> repetition_times(const Json& report, const std::string& run_name) {
  std::vector<double> times;
  for (const Json& record : report["benchmarks"]) {
    if (record["run_name"] == run_name && record["run_type"] == "iteration") {
      times.push_back(record["real_time"].get<double>() *
                      nanoseconds_per(record["time_unit"].get<std::string>()));
    }
  }
  return times;
}

// Google Benchmark's own median aggregate for a run name, in nanoseconds.
double google_benchmark_median(const Json& report, const std::string& run_name) {
  for (const Json& record : report["benchmarks"]) {
    if (record["run_name"] == run_name && record.value("aggregate_name", "") == "median") {
      return record["real_time"].get<double>() *
             nanoseconds_per(record["time_unit"].get<std::string>());
    }
  }
  throw std::runtime_error("no median aggregate for " + run_name);
}

double min_of(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
double max_of(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

class CompareRunsTest : public ::testing::Test {
 protected:
  Json report_ = testing::read_fixture(kFixture);
};

TEST_F(CompareRunsTest, MakesOneRowPerFamilyInRegistrationOrder) {
  const Comparison comparison = compare_runs(report_, {"leaky", "barrier"});
  std::vector<std::string> names;
  for (const ComparisonRow& row : comparison.rows) names.push_back(row.benchmark);
  EXPECT_EQ(names, (Modes{"local_ref/create", "local_ref/create_inline", "local_ref/read",
                          "thread/churn"}));
  EXPECT_EQ(comparison.modes, (Modes{"leaky", "barrier"}));
}

TEST_F(CompareRunsTest, MediansMinimaAndMaximaComeFromTheRepetitions) {
  const Comparison comparison = compare_runs(report_, {"leaky", "barrier"});
  const ComparisonRow* row = comparison.row("local_ref/create");
  ASSERT_NE(row, nullptr);
  for (const std::string mode : {"leaky", "barrier"}) {
    SCOPED_TRACE(mode);
    const std::string run_name = "local_ref/create/" + mode;
    const Measurement* measurement = row->mode(mode);
    ASSERT_NE(measurement, nullptr);
    const std::vector<double> times = repetition_times(report_, run_name);
    EXPECT_EQ(measurement->repetitions(), 3u);
    EXPECT_DOUBLE_EQ(measurement->median_ns, google_benchmark_median(report_, run_name));
    EXPECT_DOUBLE_EQ(measurement->min_ns, min_of(times));
    EXPECT_DOUBLE_EQ(measurement->max_ns, max_of(times));
  }
  ASSERT_TRUE(row->baseline.has_value());
  EXPECT_DOUBLE_EQ(row->baseline->median_ns,
                   google_benchmark_median(report_, "local_ref/create/raw"));
}

TEST_F(CompareRunsTest, ConvertsTimeUnitsToNanoseconds) {
  const Comparison comparison = compare_runs(report_, {"leaky", "barrier"});
  const ComparisonRow* row = comparison.row("thread/churn");
  ASSERT_NE(row, nullptr);
  ASSERT_NE(row->mode("leaky"), nullptr);
  const Json& median_record = *std::find_if(
      report_["benchmarks"].begin(), report_["benchmarks"].end(),
      [](const Json& record) { return record["name"] == "thread/churn/leaky_median"; });
  ASSERT_EQ(median_record["time_unit"], "us");
  EXPECT_DOUBLE_EQ(row->mode("leaky")->median_ns, median_record["real_time"].get<double>() * 1000);
}

TEST_F(CompareRunsTest, RatiosAreTakenToTheFirstModeOverAllRepetitionPairs) {
  const Comparison comparison = compare_runs(report_, {"leaky", "barrier"});
  const ComparisonRow* row = comparison.row("local_ref/create");
  ASSERT_NE(row, nullptr);
  const std::vector<double> leaky = repetition_times(report_, "local_ref/create/leaky");
  const std::vector<double> barrier = repetition_times(report_, "local_ref/create/barrier");

  const RatioRange* barrier_ratio = row->ratio("barrier");
  ASSERT_NE(barrier_ratio, nullptr);
  EXPECT_DOUBLE_EQ(barrier_ratio->min, min_of(barrier) / max_of(leaky));
  EXPECT_DOUBLE_EQ(barrier_ratio->max, max_of(barrier) / min_of(leaky));
  std::vector<double> quotients;
  for (double b : barrier) {
    for (double l : leaky) quotients.push_back(b / l);
  }
  std::sort(quotients.begin(), quotients.end());
  ASSERT_EQ(quotients.size(), 9u);
  EXPECT_DOUBLE_EQ(barrier_ratio->median, quotients[4]);

  // The reference mode against itself: median exactly 1, its own spread around it.
  const RatioRange* leaky_ratio = row->ratio("leaky");
  ASSERT_NE(leaky_ratio, nullptr);
  EXPECT_DOUBLE_EQ(leaky_ratio->median, 1.0);
  EXPECT_DOUBLE_EQ(leaky_ratio->min, min_of(leaky) / max_of(leaky));
  EXPECT_DOUBLE_EQ(leaky_ratio->max, max_of(leaky) / min_of(leaky));
  EXPECT_LE(leaky_ratio->min, 1.0);
  EXPECT_GE(leaky_ratio->max, 1.0);
}

TEST_F(CompareRunsTest, TheFirstNamedModeIsTheReference) {
  const Comparison leaky_first = compare_runs(report_, {"leaky", "barrier"});
  const Comparison barrier_first = compare_runs(report_, {"barrier", "leaky"});
  const ComparisonRow* a = leaky_first.row("local_ref/create");
  const ComparisonRow* b = barrier_first.row("local_ref/create");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->modes.front().first, "barrier");
  EXPECT_EQ(b->ratios.front().first, "barrier");
  EXPECT_DOUBLE_EQ(b->ratio("barrier")->median, 1.0);
  EXPECT_DOUBLE_EQ(b->ratio("leaky")->min, 1.0 / a->ratio("barrier")->max);
  EXPECT_DOUBLE_EQ(b->ratio("leaky")->max, 1.0 / a->ratio("barrier")->min);
}

TEST_F(CompareRunsTest, ModesNotNamedAreLeftOut) {
  const Comparison comparison = compare_runs(report_, {"leaky", "barrier"});
  for (const ComparisonRow& row : comparison.rows) {
    EXPECT_EQ(row.mode("shared"), nullptr) << row.benchmark;
    EXPECT_EQ(row.ratio("shared"), nullptr) << row.benchmark;
  }
  const Comparison with_shared = compare_runs(report_, {"shared", "leaky", "barrier"});
  const ComparisonRow* row = with_shared.row("local_ref/create");
  ASSERT_NE(row, nullptr);
  ASSERT_EQ(row->modes.size(), 3u);
  EXPECT_EQ(row->modes[0].first, "shared");
  EXPECT_EQ(row->modes[1].first, "leaky");
  EXPECT_EQ(row->modes[2].first, "barrier");
}

TEST_F(CompareRunsTest, AMissingModeHasNoMeasurementAndNoRatio) {
  const Comparison comparison = compare_runs(report_, {"leaky", "barrier"});
  const ComparisonRow* read = comparison.row("local_ref/read");
  ASSERT_NE(read, nullptr);
  EXPECT_NE(read->mode("leaky"), nullptr);
  EXPECT_EQ(read->mode("barrier"), nullptr);  // it failed
  EXPECT_EQ(read->ratio("barrier"), nullptr);
  ASSERT_EQ(read->ratios.size(), 1u);
  EXPECT_EQ(comparison.failed, (Modes{"local_ref/read/barrier"}));

  const ComparisonRow* inline_only = comparison.row("local_ref/create_inline");
  ASSERT_NE(inline_only, nullptr);
  EXPECT_TRUE(inline_only->modes.empty());
  EXPECT_TRUE(inline_only->ratios.empty());
  EXPECT_TRUE(inline_only->baseline.has_value());
}

TEST_F(CompareRunsTest, WithoutTheReferenceModeARowHasNoRatiosButKeepsBaselineRatios) {
  const Comparison comparison = compare_runs(report_, {"shared", "leaky", "barrier"});
  const ComparisonRow* churn = comparison.row("thread/churn");
  ASSERT_NE(churn, nullptr);
  EXPECT_EQ(churn->mode("shared"), nullptr);
  EXPECT_EQ(churn->modes.size(), 2u);
  EXPECT_TRUE(churn->ratios.empty());
  EXPECT_EQ(churn->baseline_ratios.size(), 2u);

  const Comparison barrier_first = compare_runs(report_, {"barrier", "leaky"});
  EXPECT_TRUE(barrier_first.row("local_ref/read")->ratios.empty());
}

TEST_F(CompareRunsTest, BaselineRatiosDivideEachModeByRaw) {
  const Comparison comparison = compare_runs(report_, {"leaky", "barrier"});
  const ComparisonRow* row = comparison.row("local_ref/create");
  ASSERT_NE(row, nullptr);
  const std::vector<double> raw = repetition_times(report_, "local_ref/create/raw");
  const std::vector<double> barrier = repetition_times(report_, "local_ref/create/barrier");
  const RatioRange* ratio = row->baseline_ratio("barrier");
  ASSERT_NE(ratio, nullptr);
  EXPECT_DOUBLE_EQ(ratio->min, min_of(barrier) / max_of(raw));
  EXPECT_DOUBLE_EQ(ratio->max, max_of(barrier) / min_of(raw));
  EXPECT_NE(row->baseline_ratio("leaky"), nullptr);
}

TEST_F(CompareRunsTest, UserCountersAreCarriedAsMedians) {
  const Comparison comparison = compare_runs(report_, {"leaky", "barrier"});
  const ComparisonRow* churn = comparison.row("thread/churn");
  ASSERT_NE(churn, nullptr);
  const auto counter = [](const Measurement& measurement, const std::string& name) {
    for (const auto& [key, value] : measurement.counters) {
      if (key == name) return value;
    }
    throw std::runtime_error("no counter " + name);
  };
  EXPECT_DOUBLE_EQ(counter(*churn->mode("leaky"), "retained_bytes"), 32000);
  EXPECT_DOUBLE_EQ(counter(*churn->mode("leaky"), "retained_bytes_per_thread"), 32);
  EXPECT_DOUBLE_EQ(counter(*churn->mode("barrier"), "retained_bytes"), 0);
  EXPECT_DOUBLE_EQ(counter(*churn->baseline, "retained_bytes"), 0);
  EXPECT_TRUE(comparison.row("local_ref/create")->mode("leaky")->counters.empty());
}

TEST(CompareRuns, FindsTheModeBeforeSuffixesGoogleBenchmarkAppends) {
  const Json report = Json::parse(R"({"benchmarks": [
    {"name": "thread/churn/leaky/real_time", "run_name": "thread/churn/leaky/real_time",
     "run_type": "iteration", "repetition_index": 0, "real_time": 2.0, "time_unit": "ms"},
    {"name": "thread/churn/raw/real_time", "run_name": "thread/churn/raw/real_time",
     "run_type": "iteration", "repetition_index": 0, "real_time": 1.0, "time_unit": "ms"},
    {"name": "other/thing", "run_name": "other/thing",
     "run_type": "iteration", "repetition_index": 0, "real_time": 1.0, "time_unit": "ns"}]})");
  const Comparison comparison = compare_runs(report, {"leaky"});
  ASSERT_EQ(comparison.rows.size(), 1u);
  const ComparisonRow& row = comparison.rows.front();
  EXPECT_EQ(row.benchmark, "thread/churn/real_time");
  EXPECT_DOUBLE_EQ(row.mode("leaky")->median_ns, 2e6);
  EXPECT_DOUBLE_EQ(row.baseline_ratio("leaky")->median, 2.0);
}

TEST(CompareRuns, RejectsWhatIsNotAGoogleBenchmarkReport) {
  EXPECT_THROW(compare_runs(Json::object(), {"leaky"}), std::invalid_argument);
  EXPECT_THROW(compare_runs(Json::parse(R"({"benchmarks": {}})"), {"leaky"}),
               std::invalid_argument);
  EXPECT_THROW(compare_runs(Json::parse(R"({"benchmarks": [{"name": "a/leaky",
      "run_type": "iteration", "real_time": 1, "time_unit": "fortnights"}]})"),
                            {"leaky"}),
               std::invalid_argument);
  EXPECT_THROW(compare_runs(Json::parse(R"({"benchmarks": []})"), {}), std::invalid_argument);
}

TEST(ParseGoogleBenchmarkJson, TurnsNonFiniteLiteralsIntoNull) {
  const Json parsed = parse_google_benchmark_json(
      R"({"a": NaN, "b": -NaN, "c": Infinity, "d": [-Infinity, -1.5, 2e-3],)"
      R"( "e": "NaN and \"Infinity\" stay in strings", "f": -0})");
  EXPECT_TRUE(parsed["a"].is_null());
  EXPECT_TRUE(parsed["b"].is_null());
  EXPECT_TRUE(parsed["c"].is_null());
  EXPECT_TRUE(parsed["d"][0].is_null());
  EXPECT_EQ(parsed["d"][1], -1.5);
  EXPECT_EQ(parsed["d"][2], 2e-3);
  EXPECT_EQ(parsed["e"], "NaN and \"Infinity\" stay in strings");
  EXPECT_EQ(parsed["f"], 0);
  EXPECT_THROW(parse_google_benchmark_json("{\"a\": Nope}"), nlohmann::json::parse_error);
}

TEST(ParseGoogleBenchmarkJson, ReadsTheFixtureWhoseCvOfAZeroCounterIsNaN) {
  // Google Benchmark 1.7.1 really writes NaN here: the fixture keeps it.
  const std::string text =
      testing::read_text_file(std::filesystem::path(ASYNCL_BENCH_FIXTURE_DIR) / kFixture);
  ASSERT_NE(text.find("\"retained_bytes\": NaN"), std::string::npos);
  const Json report = parse_google_benchmark_json(text);
  for (const Json& record : report["benchmarks"]) {
    if (record["name"] == "thread/churn/raw_cv") {
      EXPECT_TRUE(record["retained_bytes"].is_null());
    }
  }
}

TEST(Median, TakesTheMiddleOrTheMeanOfTheMiddleTwo) {
  EXPECT_EQ(median({}), 0);
  EXPECT_EQ(median({5}), 5);
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
}

TEST(RatioRange, NeedsSamplesAndPositiveDenominators) {
  const RatioRange ratio = ratio_range({2, 4}, {1, 2});
  EXPECT_EQ(ratio.min, 1);
  EXPECT_EQ(ratio.max, 4);
  EXPECT_EQ(ratio.median, 2);  // quotients 1, 2, 2, 4
  EXPECT_THROW(ratio_range({1}, {0}), std::invalid_argument);
  EXPECT_THROW(ratio_range({}, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace asyncl::bench
