#include "asyncl_bench/report.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

#include "asyncl_bench/registry.hpp"
#include "tool_common/markup.hpp"

namespace asyncl::bench {
namespace {

std::string printf_string(const char* format, double value) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), format, value);
  return buffer.data();
}

// Three significant digits, without an exponent for the ratios this tool sees.
std::string format_ratio(double ratio) {
  if (ratio >= 100) return printf_string("%.0f", ratio);
  if (ratio >= 10) return printf_string("%.1f", ratio);
  return printf_string("%.2f", ratio);
}

std::string format_number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) return printf_string("%.0f", value);
  return printf_string("%.3g", value);
}

std::string format_range(const RatioRange& ratio) {
  return format_ratio(ratio.min) + "-" + format_ratio(ratio.median) + "-" + format_ratio(ratio.max);
}

Json measurement_to_json(const Measurement& measurement) {
  Json json = Json::object();
  json["median_ns"] = measurement.median_ns;
  json["min_ns"] = measurement.min_ns;
  json["max_ns"] = measurement.max_ns;
  json["repetitions"] = measurement.repetitions();
  if (!measurement.counters.empty()) {
    Json counters = Json::object();
    for (const auto& [name, value] : measurement.counters) counters[name] = value;
    json["counters"] = std::move(counters);
  }
  return json;
}

Json ratios_to_json(const std::vector<std::pair<std::string, RatioRange>>& ratios) {
  Json json = Json::object();
  for (const auto& [mode, ratio] : ratios) {
    json[mode] = Json{{"min", ratio.min}, {"median", ratio.median}, {"max", ratio.max}};
  }
  return json;
}

bool any_baseline(const Comparison& comparison) {
  return std::any_of(comparison.rows.begin(), comparison.rows.end(),
                     [](const ComparisonRow& row) { return row.baseline.has_value(); });
}

// A text table: the first column left-aligned, the others right-aligned.
std::string layout_table(const std::vector<std::vector<std::string>>& cells) {
  std::vector<std::size_t> widths;
  for (const auto& line : cells) {
    widths.resize(std::max(widths.size(), line.size()), 0);
    for (std::size_t column = 0; column < line.size(); ++column) {
      widths[column] = std::max(widths[column], line[column].size());
    }
  }
  std::ostringstream out;
  for (const auto& line : cells) {
    std::string text;
    for (std::size_t column = 0; column < line.size(); ++column) {
      const std::string padding(widths[column] - line[column].size(), ' ');
      text += column == 0 ? line[column] + padding : "  " + padding + line[column];
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out << text << '\n';
  }
  return out.str();
}

std::string coordinate(double value) { return printf_string("%.1f", value); }

// Mode names become CSS class names; anything else a report might hold is reduced to letters.
std::string css_name(std::string_view name) {
  std::string result;
  for (char c : name) {
    result += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '-';
  }
  return result;
}

constexpr std::string_view kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem; color: #222; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; }
dl.context { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem;
             font-size: .85rem; color: #555; }
dl.context dt { font-weight: 600; }
dl.context dd { margin: 0; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; font-family: ui-monospace, monospace; }
.note { font-size: .85rem; color: #555; max-width: 60rem; }
svg text { font-size: 12px; fill: #222; }
svg .group { font-weight: 600; font-family: ui-monospace, monospace; }
svg .grid { stroke: #e4e4e4; }
svg .one { stroke: #444; stroke-dasharray: 4 3; }
svg .range { stroke: #222; stroke-width: 1.2; }
svg .axis { fill: #666; font-size: 11px; }
.mode-leaky { fill: #d95f02; }
.mode-barrier { fill: #1b9e77; }
.mode-shared { fill: #7570b3; }
.mode-asyncl { fill: #1b9e77; }
.mode-asio { fill: #d95f02; }
.mode-tbb { fill: #7570b3; }
.mode-tokio { fill: #e7298a; }
.failed { color: #b00020; }
)";

// Between 3 and about 9 round ratios within [low, high] for the chart's logarithmic axis, always
// including 1 (which every bar starts from): the finest of the series 1-2-5 per decade and
// 1-1.5-2-3-5-7 (plus 0.8, 0.9, 1.1, 1.25 near 1) that does not crowd the axis.
std::vector<double> axis_ticks(double low, double high) {
  const auto visible = [&](std::initializer_list<double> mantissas, bool near_one) {
    std::vector<double> ticks;
    for (int power = -4; power <= 6; ++power) {
      for (double mantissa : mantissas) {
        const double tick = mantissa * std::pow(10.0, power);
        if (tick >= low && tick <= high) ticks.push_back(tick);
      }
    }
    if (near_one) {
      for (double tick : {0.8, 0.9, 1.1, 1.25}) {
        if (tick >= low && tick <= high) ticks.push_back(tick);
      }
    }
    std::sort(ticks.begin(), ticks.end());
    return ticks;
  };
  constexpr std::size_t kMostTicks = 9;
  for (const auto& ticks : {visible({1, 1.5, 2, 3, 5, 7}, true),
                            visible({1, 1.5, 2, 3, 5, 7}, false), visible({1, 2, 5}, false)}) {
    if (ticks.size() <= kMostTicks) return ticks;
  }
  return visible({1}, false);
}

std::string render_chart(const Comparison& comparison) {
  double low = 1;
  double high = 1;
  std::size_t bar_count = 0;
  std::size_t group_count = 0;
  for (const ComparisonRow& row : comparison.rows) {
    if (row.ratios.empty()) continue;
    ++group_count;
    for (const auto& [mode, ratio] : row.ratios) {
      low = std::min(low, ratio.min);
      high = std::max(high, ratio.max);
      ++bar_count;
    }
  }
  const std::string reference = comparison.modes.empty() ? "" : comparison.modes.front();
  if (bar_count == 0) {
    return "<p class=\"note\">No benchmark ran in the reference mode " +
           tool::escape_markup(reference) +
           " and another mode, so there are no ratios to draw.</p>\n";
  }
  low /= 1.25;
  high *= 1.25;

  constexpr double kLabelWidth = 280;
  constexpr double kPlotWidth = 520;
  constexpr double kValueWidth = 190;
  constexpr double kBarHeight = 16;
  constexpr double kBarGap = 6;
  constexpr double kGroupHeader = 22;
  constexpr double kGroupGap = 10;
  constexpr double kAxisHeight = 28;
  const double width = kLabelWidth + kPlotWidth + kValueWidth;
  const double height = kAxisHeight +
                        static_cast<double>(group_count) * (kGroupHeader + kGroupGap) +
                        static_cast<double>(bar_count) * (kBarHeight + kBarGap);
  const auto x = [&](double ratio) {
    return kLabelWidth +
           kPlotWidth * (std::log(ratio) - std::log(low)) / (std::log(high) - std::log(low));
  };

  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << coordinate(width) << "\" height=\""
      << coordinate(height) << "\" viewBox=\"0 0 " << coordinate(width) << ' ' << coordinate(height)
      << "\" role=\"img\" aria-label=\"Ratios of each mode to " << tool::escape_markup(reference)
      << "\">\n";
  // Grid lines, labelled along the top.
  for (double tick : axis_ticks(low, high)) {
    const std::string tick_x = coordinate(x(tick));
    svg << "<line class=\"" << (tick == 1 ? "one" : "grid") << "\" x1=\"" << tick_x << "\" y1=\""
        << coordinate(kAxisHeight - 6) << "\" x2=\"" << tick_x << "\" y2=\"" << coordinate(height)
        << "\"/>\n";
    svg << "<text class=\"axis\" x=\"" << tick_x << "\" y=\"14\" text-anchor=\"middle\">"
        << printf_string("%g", tick) << "&#215;</text>\n";
  }
  double y = kAxisHeight;
  for (const ComparisonRow& row : comparison.rows) {
    if (row.ratios.empty()) continue;
    svg << "<text class=\"group\" x=\"4\" y=\"" << coordinate(y + 15) << "\">"
        << tool::escape_markup(row.benchmark) << "</text>\n";
    y += kGroupHeader;
    for (const auto& [mode, ratio] : row.ratios) {
      const double one = x(1);
      const double end = x(ratio.median);
      const double bar_x = std::min(one, end);
      const double bar_width = std::max(std::fabs(end - one), 1.0);
      const std::string label = tool::escape_markup(row.benchmark) + " " +
                                tool::escape_markup(mode) + "/" + tool::escape_markup(reference) +
                                ": median " + format_ratio(ratio.median) + ", min " +
                                format_ratio(ratio.min) + ", max " + format_ratio(ratio.max);
      const double middle = y + kBarHeight / 2;
      svg << "<text x=\"" << coordinate(kLabelWidth - 8) << "\" y=\"" << coordinate(middle + 4)
          << "\" text-anchor=\"end\">" << tool::escape_markup(mode) << "</text>\n";
      svg << "<rect class=\"bar mode-" << css_name(mode) << "\" x=\"" << coordinate(bar_x)
          << "\" y=\"" << coordinate(y) << "\" width=\"" << coordinate(bar_width) << "\" height=\""
          << coordinate(kBarHeight) << "\"><title>" << label << "</title></rect>\n";
      svg << "<line class=\"range\" x1=\"" << coordinate(x(ratio.min)) << "\" y1=\""
          << coordinate(middle) << "\" x2=\"" << coordinate(x(ratio.max)) << "\" y2=\""
          << coordinate(middle) << "\"/>\n";
      for (double whisker : {ratio.min, ratio.max}) {
        svg << "<line class=\"range\" x1=\"" << coordinate(x(whisker)) << "\" y1=\""
            << coordinate(middle - 4) << "\" x2=\"" << coordinate(x(whisker)) << "\" y2=\""
            << coordinate(middle + 4) << "\"/>\n";
      }
      svg << "<text x=\"" << coordinate(kLabelWidth + kPlotWidth + 8) << "\" y=\""
          << coordinate(middle + 4) << "\">" << format_ratio(ratio.median) << "&#215; ("
          << format_ratio(ratio.min) << "&#8211;" << format_ratio(ratio.max) << ")</text>\n";
      y += kBarHeight + kBarGap;
    }
    y += kGroupGap;
  }
  svg << "</svg>\n";
  return svg.str();
}

std::string context_value(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::string format_duration(double nanoseconds) {
  constexpr std::array<std::pair<double, const char*>, 3> kUnits{
      {{1e9, "s"}, {1e6, "ms"}, {1e3, "us"}}};
  for (const auto& [scale, unit] : kUnits) {
    if (std::fabs(nanoseconds) >= scale) {
      return printf_string("%.3g", nanoseconds / scale) + " " + unit;
    }
  }
  return printf_string("%.3g", nanoseconds) + " ns";
}

Json comparison_to_json(const Comparison& comparison) {
  Json json = Json::object();
  json["reference_mode"] = comparison.modes.empty() ? "" : comparison.modes.front();
  json["modes"] = comparison.modes;
  json["baseline_variant"] = kBaselineVariant;
  json["measure"] = "real_time per iteration, in nanoseconds";
  json["ratio_method"] =
      "over all pairs of repetitions: min = min(a)/max(b), max = max(a)/min(b), "
      "median = median of all a_i/b_j";
  json["failed"] = comparison.failed;
  Json rows = Json::array();
  for (const ComparisonRow& row : comparison.rows) {
    Json json_row = Json::object();
    json_row["benchmark"] = row.benchmark;
    Json modes = Json::object();
    for (const auto& [mode, measurement] : row.modes)
      modes[mode] = measurement_to_json(measurement);
    json_row["modes"] = std::move(modes);
    json_row["ratios"] = ratios_to_json(row.ratios);
    if (row.baseline) {
      Json baseline = Json::object();
      baseline["variant"] = kBaselineVariant;
      baseline.update(measurement_to_json(*row.baseline));
      baseline["ratios"] = ratios_to_json(row.baseline_ratios);
      json_row["baseline"] = std::move(baseline);
    }
    rows.push_back(std::move(json_row));
  }
  json["rows"] = std::move(rows);
  return json;
}

Json make_report(Json google_benchmark_report, const Comparison& comparison) {
  Json report = Json::object();
  report["schema"] = kReportSchema;
  for (auto& [key, value] : google_benchmark_report.items()) {
    if (key != "schema" && key != "comparison") report[key] = std::move(value);
  }
  report["comparison"] = comparison_to_json(comparison);
  return report;
}

std::string render_table(const Comparison& comparison) {
  const bool baseline_column = any_baseline(comparison);
  const std::string reference = comparison.modes.empty() ? "" : comparison.modes.front();
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header{"benchmark"};
  for (const std::string& mode : comparison.modes) header.push_back(mode);
  if (baseline_column) header.emplace_back(kBaselineVariant);
  for (std::size_t i = 1; i < comparison.modes.size(); ++i) {
    header.push_back(comparison.modes[i] + "/" + reference + " (min-med-max)");
  }
  if (baseline_column) {
    for (const std::string& mode : comparison.modes) {
      header.push_back(mode + "/" + std::string(kBaselineVariant));
    }
  }
  cells.push_back(header);
  for (const ComparisonRow& row : comparison.rows) {
    std::vector<std::string> line{row.benchmark};
    for (const std::string& mode : comparison.modes) {
      const Measurement* measurement = row.mode(mode);
      line.push_back(measurement != nullptr ? format_duration(measurement->median_ns) : "-");
    }
    if (baseline_column) {
      line.push_back(row.baseline ? format_duration(row.baseline->median_ns) : "-");
    }
    for (std::size_t i = 1; i < comparison.modes.size(); ++i) {
      const RatioRange* ratio = row.ratio(comparison.modes[i]);
      line.push_back(ratio != nullptr ? format_range(*ratio) : "-");
    }
    if (baseline_column) {
      for (const std::string& mode : comparison.modes) {
        const RatioRange* ratio = row.baseline_ratio(mode);
        line.push_back(ratio != nullptr ? format_ratio(ratio->median) : "-");
      }
    }
    cells.push_back(std::move(line));
  }

  std::ostringstream out;
  std::size_t repetitions = 0;
  for (const ComparisonRow& row : comparison.rows) {
    for (const auto& [mode, measurement] : row.modes) {
      repetitions = std::max(repetitions, measurement.repetitions());
    }
    if (row.baseline) repetitions = std::max(repetitions, row.baseline->repetitions());
  }
  out << "Median real time per iteration over " << repetitions << " repetitions; ratios to "
      << reference
      << " over all pairs of repetitions (min-median-max); ratios to raw are medians.\n\n";
  out << layout_table(cells);

  std::vector<std::vector<std::string>> counter_cells;
  for (const ComparisonRow& row : comparison.rows) {
    std::vector<std::pair<std::string, const Measurement*>> measured;
    for (const auto& [mode, measurement] : row.modes) measured.emplace_back(mode, &measurement);
    if (row.baseline) measured.emplace_back(std::string(kBaselineVariant), &*row.baseline);
    std::vector<std::string> names;
    for (const auto& [variant, measurement] : measured) {
      for (const auto& [name, value] : measurement->counters) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
    for (const std::string& name : names) {
      std::vector<std::string> line{row.benchmark + " " + name};
      for (const auto& [variant, measurement] : measured) {
        for (const auto& [counter, value] : measurement->counters) {
          if (counter == name) line.push_back(variant + " " + format_number(value));
        }
      }
      counter_cells.push_back(std::move(line));
    }
  }
  if (!counter_cells.empty()) {
    out << "\nCounters (median over repetitions):\n" << layout_table(counter_cells);
  }
  if (!comparison.failed.empty()) {
    out << "\nFailed (no measurement):";
    for (const std::string& name : comparison.failed) out << ' ' << name;
    out << '\n';
  }
  return out.str();
}

std::string render_html(const Comparison& comparison, const Json& context,
                        std::string_view variant) {
  const std::string reference = comparison.modes.empty() ? "" : comparison.modes.front();
  std::string modes;
  for (const std::string& mode : comparison.modes) {
    modes += (modes.empty() ? "" : ", ") + mode;
  }
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
       << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
       << "<title>asyncl-bench: " << tool::escape_markup(modes) << "</title>\n<style>" << kStyle
       << "</style>\n</head>\n<body>\n<h1>asyncl-bench: " << tool::escape_markup(modes)
       << "</h1>\n";

  html << "<dl class=\"context\">\n";
  constexpr std::array<std::string_view, 12> kContextFields{"date",
                                                            "host_name",
                                                            "asyncl_version",
                                                            "asyncl_git_revision",
                                                            "asyncl_compiler",
                                                            "asyncl_build_type",
                                                            "asyncl_cxx_flags",
                                                            "asyncl_default_mode",
                                                            "asyncl_checked",
                                                            "num_cpus",
                                                            "cpu_scaling_enabled",
                                                            "library_build_type"};
  if (context.is_object()) {
    for (std::string_view field : kContextFields) {
      const auto found = context.find(std::string(field));
      if (found == context.end()) continue;
      html << "<dt>" << tool::escape_markup(field) << "</dt><dd>"
           << tool::escape_markup(context_value(*found)) << "</dd>\n";
    }
    // What `asyncl-bench peers` records of each runtime it compares.
    for (const auto& [key, value] : context.items()) {
      if (key.rfind("peer_", 0) != 0) continue;
      html << "<dt>" << tool::escape_markup(key) << "</dt><dd>"
           << tool::escape_markup(context_value(value)) << "</dd>\n";
    }
  }
  html << "</dl>\n";

  html << "<h2>Ratio of each " << tool::escape_markup(variant) << " to "
       << tool::escape_markup(reference) << "</h2>\n"
       << "<p class=\"note\">Bar: median of the real time per iteration of the "
       << tool::escape_markup(variant) << " divided by "
       << "that of " << tool::escape_markup(reference)
       << ", over all pairs of repetitions; whiskers: "
       << "min to max of those quotients. Logarithmic axis; left of the dashed line is faster "
       << "than " << tool::escape_markup(reference) << ".</p>\n";
  html << render_chart(comparison);

  html << "<h2>Measurements</h2>\n<pre>" << tool::escape_markup(render_table(comparison))
       << "</pre>\n";
  html << "</body>\n</html>\n";
  return html.str();
}

}  // namespace asyncl::bench
