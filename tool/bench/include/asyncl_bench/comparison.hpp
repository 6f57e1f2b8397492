#pragma once
// The comparison `asyncl-bench compare` draws from a Google Benchmark JSON report: one row per
// benchmark family, one measurement per context mode, and ratios between them.
//
// Defines:
//   asyncl::bench::Json             the JSON type of reports (keys keep their insertion order)
//   asyncl::bench::Measurement      one variant of one family over its repetitions
//   asyncl::bench::RatioRange       min, median and max of a ratio over repetition pairs
//   asyncl::bench::ComparisonRow, Comparison
//   asyncl::bench::parse_google_benchmark_json()  reads a report as Google Benchmark writes it
//   asyncl::bench::compare_runs()   builds the comparison from a report
//   asyncl::bench::median(), ratio_range()
//
// What is compared. Only Google Benchmark's per-repetition records (run_type "iteration") are
// read; its aggregates (mean, median, stddev, cv) are ignored and recomputed. The measurement is
// the real (wall-clock) time per iteration, converted to nanoseconds. A record's run_name is split
// at '/'; the rightmost component that is one of the compared modes or "raw" is its variant, and
// the other components, joined again, name its row (so "local_ref/create/barrier" is mode barrier
// of row "local_ref/create"). Records with no such component are not part of the comparison;
// records with error_occurred are listed in Comparison::failed and measure nothing.
//
// Ratios. The reference is the first named mode. For modes a and b with repetitions a_1..a_n and
// b_1..b_k, the ratio a/b is described by all n*k quotients a_i/b_j: its min is min(a)/max(b),
// its max is max(a)/min(b), its median is the median of the quotients. This does not depend on
// how repetitions happened to be paired in time (compare interleaves them randomly), and the
// reference mode's ratio to itself has median 1 and a min-max band that shows its own noise.
// Every mode present in a row also gets a ratio against the row's raw baseline, if it has one.
// A ratio is missing when either side is missing or a denominator time is not positive.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncl::bench {

using Json = nlohmann::ordered_json;

struct Measurement {
  std::vector<double> samples_ns;  // one per successful repetition, by repetition index
  double median_ns = 0;
  double min_ns = 0;
  double max_ns = 0;
  // Google Benchmark user counters (e.g. retained_bytes): the median over repetitions, in the
  // order the report first names them.
  std::vector<std::pair<std::string, double>> counters;

  std::size_t repetitions() const { return samples_ns.size(); }
};

struct RatioRange {
  double min = 0;
  double median = 0;
  double max = 0;
};

struct ComparisonRow {
  std::string benchmark;  // the family, e.g. "local_ref/create"
  // The named modes this row has, in the order they were named.
  std::vector<std::pair<std::string, Measurement>> modes;
  // Each mode of `modes` against the reference (first named) mode, when the row has that mode.
  std::vector<std::pair<std::string, RatioRange>> ratios;
  std::optional<Measurement> baseline;  // the "raw" variant
  // Each mode of `modes` against the baseline, when the row has one.
  std::vector<std::pair<std::string, RatioRange>> baseline_ratios;

  const Measurement* mode(std::string_view name) const;
  const RatioRange* ratio(std::string_view name) const;
  const RatioRange* baseline_ratio(std::string_view name) const;
};

struct Comparison {
  std::vector<std::string> modes;  // as named; the first is the reference
  // Ordered by the registration order of their benchmarks (the report's family_index), then by
  // first appearance in the report.
  std::vector<ComparisonRow> rows;
  std::vector<std::string> failed;  // run names of records with error_occurred, without repeats

  const ComparisonRow* row(std::string_view benchmark) const;
};

// Parses Google Benchmark's JSON output. Google Benchmark 1.7.1 writes the non-JSON literals NaN
// and Infinity (with an optional '-') for values that are not finite, for example the cv aggregate
// of a counter whose mean is 0; they become null, so that the report is valid JSON. Throws
// nlohmann::json::parse_error for anything else that is not JSON.
Json parse_google_benchmark_json(std::string_view text);

// Builds the comparison of `modes` (non-empty, no repeats) from a Google Benchmark JSON report.
// Throws std::invalid_argument when the report is not shaped like one (no "benchmarks" array, a
// record without a name or time, an unknown time unit).
Comparison compare_runs(const Json& report, const std::vector<std::string>& modes);

// The median of `values` (the mean of the middle two for an even count); 0 for no values.
double median(std::vector<double> values);

// The ratio numerator/denominator over all pairs of samples, as described above. Both must be
// non-empty and every denominator positive.
RatioRange ratio_range(const std::vector<double>& numerator,
                       const std::vector<double>& denominator);

}  // namespace asyncl::bench
