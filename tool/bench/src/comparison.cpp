#include "asyncl_bench/comparison.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <stdexcept>

#include "asyncl_bench/registry.hpp"

namespace asyncl::bench {
namespace {

// The fields Google Benchmark writes into every record; every other numeric field of a record is
// a user counter.
constexpr std::array<std::string_view, 24> kStandardFields{"name",
                                                           "family_index",
                                                           "per_family_instance_index",
                                                           "run_name",
                                                           "run_type",
                                                           "repetitions",
                                                           "repetition_index",
                                                           "threads",
                                                           "iterations",
                                                           "real_time",
                                                           "cpu_time",
                                                           "time_unit",
                                                           "aggregate_name",
                                                           "aggregate_unit",
                                                           "error_occurred",
                                                           "error_message",
                                                           "label",
                                                           "big_o",
                                                           "rms",
                                                           "complexity",
                                                           "allocs_per_iter",
                                                           "max_bytes_used",
                                                           "total_allocated_bytes",
                                                           "net_heap_growth"};

bool is_standard_field(std::string_view key) {
  return std::find(kStandardFields.begin(), kStandardFields.end(), key) != kStandardFields.end();
}

double nanoseconds_per(const std::string& unit) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  throw std::invalid_argument("unknown time_unit '" + unit + "' in benchmark report");
}

std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    parts.push_back(name.substr(start, slash - start));
    if (slash == std::string::npos) return parts;
    start = slash + 1;
  }
}

struct Sample {
  std::int64_t repetition_index;
  double time_ns;
  std::vector<std::pair<std::string, double>> counters;
};

struct Group {
  std::int64_t order;
  std::map<std::string, std::vector<Sample>> variants;
};

Measurement measure(std::vector<Sample> samples) {
  std::stable_sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) {
    return a.repetition_index < b.repetition_index;
  });
  Measurement measurement;
  std::vector<std::string> counter_names;
  for (const Sample& sample : samples) {
    measurement.samples_ns.push_back(sample.time_ns);
    for (const auto& [name, value] : sample.counters) {
      if (std::find(counter_names.begin(), counter_names.end(), name) == counter_names.end()) {
        counter_names.push_back(name);
      }
    }
  }
  const auto [min, max] =
      std::minmax_element(measurement.samples_ns.begin(), measurement.samples_ns.end());
  measurement.min_ns = *min;
  measurement.max_ns = *max;
  measurement.median_ns = median(measurement.samples_ns);
  for (const std::string& name : counter_names) {
    std::vector<double> values;
    for (const Sample& sample : samples) {
      for (const auto& [counter, value] : sample.counters) {
        if (counter == name) values.push_back(value);
      }
    }
    measurement.counters.emplace_back(name, median(std::move(values)));
  }
  return measurement;
}

bool all_positive(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return v > 0; });
}

template <class Value>
const Value* find_named(const std::vector<std::pair<std::string, Value>>& named,
                        std::string_view name) {
  for (const auto& [key, value] : named) {
    if (key == name) return &value;
  }
  return nullptr;
}

}  // namespace

Json parse_google_benchmark_json(std::string_view text) {
  std::string json;
  json.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      json += c;
      if (c == '\\' && i + 1 < text.size()) {
        json += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    const std::string_view rest = text.substr(c == '-' ? i + 1 : i);
    bool replaced = false;
    for (std::string_view literal : {std::string_view("NaN"), std::string_view("Infinity")}) {
      if (rest.substr(0, literal.size()) == literal) {
        json += "null";
        i += literal.size() - (c == '-' ? 0 : 1);
        replaced = true;
        break;
      }
    }
    if (!replaced) json += c;
  }
  return Json::parse(json);
}

const Measurement* ComparisonRow::mode(std::string_view name) const {
  return find_named(modes, name);
}

const RatioRange* ComparisonRow::ratio(std::string_view name) const {
  return find_named(ratios, name);
}

const RatioRange* ComparisonRow::baseline_ratio(std::string_view name) const {
  return find_named(baseline_ratios, name);
}

const ComparisonRow* Comparison::row(std::string_view benchmark) const {
  for (const ComparisonRow& candidate : rows) {
    if (candidate.benchmark == benchmark) return &candidate;
  }
  return nullptr;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return (lower + upper) / 2;
}

RatioRange ratio_range(const std::vector<double>& numerator,
                       const std::vector<double>& denominator) {
  if (numerator.empty() || denominator.empty() || !all_positive(denominator)) {
    throw std::invalid_argument("ratio_range needs samples and positive denominators");
  }
  std::vector<double> quotients;
  quotients.reserve(numerator.size() * denominator.size());
  for (double a : numerator) {
    for (double b : denominator) quotients.push_back(a / b);
  }
  const auto [min, max] = std::minmax_element(quotients.begin(), quotients.end());
  return RatioRange{*min, median(quotients), *max};
}

Comparison compare_runs(const Json& report, const std::vector<std::string>& modes) {
  if (modes.empty()) throw std::invalid_argument("compare_runs needs at least one mode");
  if (!report.is_object() || !report.contains("benchmarks") || !report["benchmarks"].is_array()) {
    throw std::invalid_argument("not a Google Benchmark JSON report: no \"benchmarks\" array");
  }
  std::vector<std::string> variants = modes;
  variants.emplace_back(kBaselineVariant);

  Comparison comparison;
  comparison.modes = modes;
  std::vector<std::string> group_order;  // keys in first appearance
  std::map<std::string, Group> groups;
  std::int64_t appearance = 0;
  for (const Json& record : report["benchmarks"]) {
    ++appearance;
    if (!record.is_object()) {
      throw std::invalid_argument("a \"benchmarks\" entry is not an object");
    }
    if (record.value("run_type", std::string("iteration")) != "iteration") continue;
    const std::string run_name = record.value("run_name", record.value("name", std::string()));
    if (run_name.empty()) throw std::invalid_argument("a benchmark record has no name");

    std::vector<std::string> parts = split(run_name);
    auto variant = std::find_if(parts.rbegin(), parts.rend(), [&](const std::string& part) {
      return std::find(variants.begin(), variants.end(), part) != variants.end();
    });
    if (variant == parts.rend()) continue;

    if (record.value("error_occurred", false)) {
      if (std::find(comparison.failed.begin(), comparison.failed.end(), run_name) ==
          comparison.failed.end()) {
        comparison.failed.push_back(run_name);
      }
      continue;
    }
    if (!record.contains("real_time") || !record["real_time"].is_number()) {
      throw std::invalid_argument("benchmark record '" + run_name + "' has no real_time");
    }
    Sample sample{record.value("repetition_index", std::int64_t{0}),
                  record["real_time"].get<double>() *
                      nanoseconds_per(record.value("time_unit", std::string("ns"))),
                  {}};
    for (const auto& [key, value] : record.items()) {
      if (value.is_number() && !is_standard_field(key)) {
        sample.counters.emplace_back(key, value.get<double>());
      }
    }

    const std::string variant_name = *variant;
    parts.erase(std::next(variant).base());
    std::string key;
    for (const std::string& part : parts) key += (key.empty() ? "" : "/") + part;

    const std::int64_t order = record.value("family_index", appearance);
    auto [group, inserted] = groups.try_emplace(key, Group{order, {}});
    if (inserted) group_order.push_back(key);
    group->second.order = std::min(group->second.order, order);
    group->second.variants[variant_name].push_back(std::move(sample));
  }

  std::stable_sort(group_order.begin(), group_order.end(),
                   [&](const std::string& a, const std::string& b) {
                     return groups.at(a).order < groups.at(b).order;
                   });
  for (const std::string& key : group_order) {
    Group& group = groups.at(key);
    ComparisonRow row;
    row.benchmark = key;
    for (const std::string& mode : modes) {
      auto found = group.variants.find(mode);
      if (found != group.variants.end()) row.modes.emplace_back(mode, measure(found->second));
    }
    auto baseline = group.variants.find(std::string(kBaselineVariant));
    if (baseline != group.variants.end()) row.baseline = measure(baseline->second);

    const Measurement* reference = row.mode(modes.front());
    for (const auto& [mode, measurement] : row.modes) {
      if (reference != nullptr && all_positive(reference->samples_ns)) {
        row.ratios.emplace_back(mode, ratio_range(measurement.samples_ns, reference->samples_ns));
      }
      if (row.baseline && all_positive(row.baseline->samples_ns)) {
        row.baseline_ratios.emplace_back(
            mode, ratio_range(measurement.samples_ns, row.baseline->samples_ns));
      }
    }
    comparison.rows.push_back(std::move(row));
  }
  return comparison;
}

}  // namespace asyncl::bench
