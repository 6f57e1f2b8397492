#pragma once
// The outputs of `asyncl-bench compare`: the JSON report, the console table and the HTML page.
//
// Defines:
//   asyncl::bench::kReportSchema          the report's "schema" field, "asyncl-bench/1"
//   asyncl::bench::comparison_to_json()   the "comparison" block
//   asyncl::bench::make_report()          Google Benchmark's report plus schema and comparison
//   asyncl::bench::render_table()         the side-by-side table printed on stdout
//   asyncl::bench::render_html()          a self-contained page with an SVG chart of the ratios
//
// The JSON report is Google Benchmark's own (its "context" object and "benchmarks" array, left as
// they are, so that its tools/compare.py reads the file) with two fields added at the top level:
// "schema" and "comparison". results/schema/bench.schema.json describes the whole file. Like
// Google Benchmark's format, it grows only by adding fields; a change that removes or redefines a
// field changes kReportSchema.
//
// The HTML page needs no network: its CSS and its SVG are inline and it loads no script or font.
// Its chart draws exactly one <rect class="bar ..."> per ratio of the comparison (per row and
// named mode), on a logarithmic axis around 1.

#include <string>
#include <string_view>

#include "asyncl_bench/comparison.hpp"

namespace asyncl::bench {

inline constexpr std::string_view kReportSchema = "asyncl-bench/1";

Json comparison_to_json(const Comparison& comparison);

// `google_benchmark_report` with "schema" and "comparison" added.
Json make_report(Json google_benchmark_report, const Comparison& comparison);

std::string render_table(const Comparison& comparison);

// `context` is the report's context object; the page shows the fields that identify the run (and
// every "peer_" field). `variant` names what the columns are: "mode", or "peer" for `peers`.
std::string render_html(const Comparison& comparison, const Json& context,
                        std::string_view variant = "mode");

// "12.3 ns", "4.56 us", "7.89 ms", "1.23 s": three significant digits in the largest fitting unit.
std::string format_duration(double nanoseconds);

}  // namespace asyncl::bench
