#include "verify/report.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "verify/run_plan.hpp"

namespace asyncl::verify {
namespace {

// Reads fields of one JSON object, naming the field's path in every error.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string path)
      : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) fail("", "an object");
  }

  const nlohmann::json* find(const char* key) const {
    const auto found = object_.find(key);
    return found == object_.end() || found->is_null() ? nullptr : &*found;
  }

  const nlohmann::json& require(const char* key) const {
    const nlohmann::json* value = find(key);
    if (value == nullptr) throw std::invalid_argument(field(key) + " is missing");
    return *value;
  }

  std::string string(const char* key) const {
    const nlohmann::json& value = require(key);
    if (!value.is_string()) fail(key, "a string");
    return value.get<std::string>();
  }

  std::optional<std::string> optional_string(const char* key) const {
    if (find(key) == nullptr) return std::nullopt;
    return string(key);
  }

  std::int64_t integer(const char* key) const {
    const nlohmann::json& value = require(key);
    if (!value.is_number_integer()) fail(key, "an integer");
    return value.get<std::int64_t>();
  }

  std::optional<int> optional_int(const char* key) const {
    if (find(key) == nullptr) return std::nullopt;
    return static_cast<int>(integer(key));
  }

  std::uint64_t unsigned_integer(const char* key) const {
    const nlohmann::json& value = require(key);
    if (!value.is_number_unsigned()) fail(key, "a non-negative integer");
    return value.get<std::uint64_t>();
  }

  double number(const char* key) const {
    const nlohmann::json& value = require(key);
    if (!value.is_number()) fail(key, "a number");
    return value.get<double>();
  }

  std::optional<double> optional_number(const char* key) const {
    if (find(key) == nullptr) return std::nullopt;
    return number(key);
  }

  bool boolean(const char* key) const {
    const nlohmann::json& value = require(key);
    if (!value.is_boolean()) fail(key, "a boolean");
    return value.get<bool>();
  }

  const nlohmann::json& array(const char* key) const {
    const nlohmann::json& value = require(key);
    if (!value.is_array()) fail(key, "an array");
    return value;
  }

  std::string field(const char* key) const {
    if (*key == '\0') return path_.empty() ? "the document" : path_;
    return path_.empty() ? key : path_ + "." + key;
  }

  [[noreturn]] void fail(const char* key, const char* expected) const {
    throw std::invalid_argument(field(key) + " is not " + expected);
  }

 private:
  const nlohmann::json& object_;
  std::string path_;
};

nlohmann::json frame_to_json(const StackFrame& frame) {
  nlohmann::json json{{"function", frame.function}, {"file", frame.file}};
  if (frame.line) json["line"] = *frame.line;
  if (frame.column) json["column"] = *frame.column;
  return json;
}

StackFrame frame_from_json(const nlohmann::json& json, const std::string& path) {
  const FieldReader reader(json, path);
  return StackFrame{reader.string("function"), reader.string("file"), reader.optional_int("line"),
                    reader.optional_int("column")};
}

SanitizerReport sanitizer_report_from_json(const nlohmann::json& json, const std::string& path) {
  const FieldReader reader(json, path);
  SanitizerReport report{reader.string("tool"), reader.string("kind"), {}};
  const nlohmann::json& frames = reader.array("frames");
  for (std::size_t index = 0; index < frames.size(); ++index) {
    report.frames.push_back(
        frame_from_json(frames[index], path + ".frames[" + std::to_string(index) + "]"));
  }
  return report;
}

RunRecord record_from_json(const nlohmann::json& json, const std::string& path) {
  const FieldReader reader(json, path);
  RunRecord record;
  record.index = static_cast<int>(reader.integer("index"));
  record.scenario = reader.string("scenario");
  record.flavor = reader.string("flavor");
  const std::string kind = reader.string("kind");
  if (kind != "scenario" && kind != "mutant") reader.fail("kind", "\"scenario\" or \"mutant\"");
  record.kind = kind == "scenario" ? EntryKind::scenario : EntryKind::mutant;
  record.mode = reader.string("mode");
  record.iterations = static_cast<int>(reader.integer("iterations"));
  record.seed = reader.unsigned_integer("seed");
  const auto verdict = verdict_from_string(reader.string("verdict"));
  if (!verdict) reader.fail("verdict", "a known verdict");
  record.verdict = *verdict;
  const nlohmann::json& reports = reader.array("reports");
  for (std::size_t index = 0; index < reports.size(); ++index) {
    record.reports.push_back(sanitizer_report_from_json(
        reports[index], path + ".reports[" + std::to_string(index) + "]"));
  }
  record.duration_s = reader.number("duration_s");
  record.expected_detection = reader.optional_string("expected_detection");
  record.observed_detection = reader.optional_string("observed_detection");
  record.detection_rate = reader.optional_number("detection_rate");
  record.runs = reader.optional_int("runs");
  if (const nlohmann::json* output = reader.find("scenario_output"))
    record.scenario_output = *output;
  record.exit_code = reader.optional_int("exit_code");
  record.signal = reader.optional_string("signal");
  record.reason = reader.optional_string("reason");
  record.stderr_excerpt = reader.optional_string("stderr_excerpt");
  record.budget_s = reader.optional_number("budget_s");
  record.processes = reader.optional_int("processes");
  if (reader.find("programs") != nullptr) record.programs = reader.integer("programs");
  if (reader.find("operations") != nullptr) record.operations = reader.integer("operations");
  if (const nlohmann::json* coverage = reader.find("coverage")) {
    if (!coverage->is_object()) reader.fail("coverage", "an object");
    record.coverage = *coverage;
  }
  if (reader.find("program_failures") != nullptr)
    record.program_failures = reader.array("program_failures");
  return record;
}

nlohmann::json flavor_build_to_json(const FlavorBuild& build) {
  nlohmann::json json{{"binary", build.binary},
                      {"compiler", build.compiler},
                      {"compiler_version", build.compiler_version},
                      {"flags", build.flags}};
  if (build.build_type) json["build_type"] = *build.build_type;
  return json;
}

ReportContext context_from_json(const nlohmann::json& json) {
  const FieldReader reader(json, "context");
  ReportContext context;
  context.date = reader.string("date");
  context.host = reader.string("host");
  context.compiler = reader.string("compiler");
  context.compiler_version = reader.string("compiler_version");
  context.flags = reader.string("flags");
  context.git_revision = reader.string("git_revision");
  context.build_type = reader.optional_string("build_type");
  context.tool_version = reader.optional_string("tool_version").value_or("");
  context.shard = reader.optional_string("shard");
  if (const nlohmann::json* flavors = reader.find("flavors")) {
    if (!flavors->is_object()) reader.fail("flavors", "an object");
    for (const auto& [name, value] : flavors->items()) {
      const FieldReader build(value, "context.flavors." + name);
      context.flavors.emplace(name,
                              FlavorBuild{build.string("binary"), build.string("compiler"),
                                          build.string("compiler_version"), build.string("flags"),
                                          build.optional_string("build_type")});
    }
  }
  return context;
}

}  // namespace

Summary summarize(const std::vector<RunRecord>& runs) {
  Summary summary;
  for (const RunRecord& run : runs) {
    if (run.kind == EntryKind::scenario) {
      ++(run.passed() ? summary.scenarios_passed : summary.scenarios_failed);
    } else {
      ++(run.passed() ? summary.mutants_caught : summary.mutants_missed);
    }
  }
  summary.ok = summary.scenarios_failed == 0 && summary.mutants_missed == 0;
  return summary;
}

void fill_compiler_fields(ReportContext& context) {
  if (context.flavors.empty()) return;
  // Canonical flavor order, not the map's alphabetical one.
  std::string flags;
  const FlavorBuild* first = nullptr;
  for (const std::string_view flavor : kFlavors) {
    const auto found = context.flavors.find(std::string(flavor));
    if (found == context.flavors.end()) continue;
    if (first == nullptr) first = &found->second;
    if (!flags.empty()) flags += " | ";
    flags += found->first + ": " + found->second.flags;
  }
  if (first == nullptr) return;
  context.compiler = first->compiler;
  context.compiler_version = first->compiler_version;
  context.build_type = first->build_type;
  context.flags = flags;
}

nlohmann::json to_json(const SanitizerReport& report) {
  nlohmann::json frames = nlohmann::json::array();
  for (const StackFrame& frame : report.frames) frames.push_back(frame_to_json(frame));
  return {{"tool", report.tool}, {"kind", report.kind}, {"frames", std::move(frames)}};
}

nlohmann::json to_json(const RunRecord& record) {
  nlohmann::json reports = nlohmann::json::array();
  for (const SanitizerReport& report : record.reports) reports.push_back(to_json(report));
  nlohmann::json json{{"index", record.index},         {"scenario", record.scenario},
                      {"flavor", record.flavor},       {"kind", to_string(record.kind)},
                      {"mode", record.mode},           {"iterations", record.iterations},
                      {"seed", record.seed},           {"verdict", to_string(record.verdict)},
                      {"reports", std::move(reports)}, {"duration_s", record.duration_s}};
  if (record.expected_detection) json["expected_detection"] = *record.expected_detection;
  if (record.observed_detection) json["observed_detection"] = *record.observed_detection;
  if (record.detection_rate) json["detection_rate"] = *record.detection_rate;
  if (record.runs) json["runs"] = *record.runs;
  if (record.scenario_output) json["scenario_output"] = *record.scenario_output;
  if (record.exit_code) json["exit_code"] = *record.exit_code;
  if (record.signal) json["signal"] = *record.signal;
  if (record.reason) json["reason"] = *record.reason;
  if (record.stderr_excerpt) json["stderr_excerpt"] = *record.stderr_excerpt;
  if (record.budget_s) json["budget_s"] = *record.budget_s;
  if (record.processes) json["processes"] = *record.processes;
  if (record.programs) json["programs"] = *record.programs;
  if (record.operations) json["operations"] = *record.operations;
  if (record.coverage) json["coverage"] = *record.coverage;
  if (record.program_failures) json["program_failures"] = *record.program_failures;
  return json;
}

nlohmann::json to_json(const ReportContext& context) {
  nlohmann::json json{{"date", context.date},
                      {"host", context.host},
                      {"compiler", context.compiler},
                      {"compiler_version", context.compiler_version},
                      {"flags", context.flags},
                      {"git_revision", context.git_revision},
                      {"tool_version", context.tool_version}};
  if (context.build_type) json["build_type"] = *context.build_type;
  if (context.shard) json["shard"] = *context.shard;
  nlohmann::json flavors = nlohmann::json::object();
  for (const auto& [name, build] : context.flavors) flavors[name] = flavor_build_to_json(build);
  json["flavors"] = std::move(flavors);
  return json;
}

nlohmann::json to_json(const Summary& summary) {
  return {{"scenarios_passed", summary.scenarios_passed},
          {"scenarios_failed", summary.scenarios_failed},
          {"mutants_caught", summary.mutants_caught},
          {"mutants_missed", summary.mutants_missed},
          {"ok", summary.ok}};
}

nlohmann::json to_json(const VerifyReport& report) {
  nlohmann::json runs = nlohmann::json::array();
  for (const RunRecord& run : report.runs) runs.push_back(to_json(run));
  return {{"schema", kSchemaId},
          {"context", to_json(report.context)},
          {"runs", std::move(runs)},
          {"summary", to_json(report.summary)}};
}

std::string serialize(const VerifyReport& report) {
  return to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

VerifyReport report_from_json(const nlohmann::json& json) {
  const FieldReader reader(json, "");
  const std::string schema = reader.string("schema");
  if (schema != kSchemaId) {
    throw std::invalid_argument("schema is \"" + schema + "\", expected \"" + kSchemaId + "\"");
  }
  VerifyReport report;
  report.context = context_from_json(reader.require("context"));
  const nlohmann::json& runs = reader.array("runs");
  for (std::size_t index = 0; index < runs.size(); ++index) {
    report.runs.push_back(record_from_json(runs[index], "runs[" + std::to_string(index) + "]"));
  }
  const FieldReader summary(reader.require("summary"), "summary");
  report.summary =
      Summary{static_cast<int>(summary.integer("scenarios_passed")),
              static_cast<int>(summary.integer("scenarios_failed")),
              static_cast<int>(summary.integer("mutants_caught")),
              static_cast<int>(summary.integer("mutants_missed")), summary.boolean("ok")};
  return report;
}

namespace {

/// "1", "1 and 2", "1, 2 and 3".
template <class Number>
std::string join_numbers(const std::vector<Number>& numbers) {
  std::string text;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (i > 0) text += i + 1 == numbers.size() ? " and " : ", ";
    text += std::to_string(numbers[i]);
  }
  return text;
}

/// The shard checks of merge_reports (see report.hpp); runs are checked by index afterwards.
void check_complete_split(const std::vector<VerifyReport>& shards) {
  if (shards.size() == 1 && !shards.front().context.shard) return;
  std::optional<int> count;
  std::set<int> present;
  std::set<std::uint64_t> seeds;
  for (const VerifyReport& report : shards) {
    if (!report.context.shard) {
      throw std::invalid_argument(
          "a report without a shard field (not from run --shard I/N) cannot be "
          "merged with others");
    }
    Shard shard;
    try {
      shard = parse_shard(*report.context.shard);
    } catch (const std::exception&) {
      throw std::invalid_argument("shard field '" + *report.context.shard + "' is not I/N");
    }
    if (count && *count != shard.count) {
      throw std::invalid_argument("shards of different splits (of " + std::to_string(*count) +
                                  " and of " + std::to_string(shard.count) + ")");
    }
    count = shard.count;
    if (!present.insert(shard.index).second) {
      throw std::invalid_argument("shard " + shard.to_string() + " appears twice");
    }
    for (const RunRecord& run : report.runs) {
      if (run.index % shard.count != shard.index - 1) {
        throw std::invalid_argument("run " + run.flavor + " " + run.scenario + " (index " +
                                    std::to_string(run.index) + ") is not part of shard " +
                                    shard.to_string());
      }
      seeds.insert(run.seed);
    }
  }
  std::vector<int> missing;
  for (int index = 1; index <= *count; ++index) {
    if (!present.contains(index)) missing.push_back(index);
  }
  if (!missing.empty()) {
    throw std::invalid_argument((missing.size() == 1 ? "shard " : "shards ") +
                                join_numbers(missing) + " of " + std::to_string(*count) +
                                (missing.size() == 1 ? " is" : " are") + " missing");
  }
  if (seeds.size() > 1) {
    const std::vector<std::uint64_t> listed(seeds.begin(), seeds.end());
    throw std::invalid_argument("shards ran with different seeds (" + join_numbers(listed) + ")");
  }
}

}  // namespace

VerifyReport merge_reports(const std::vector<VerifyReport>& shards) {
  if (shards.empty()) throw std::invalid_argument("nothing to merge");
  check_complete_split(shards);
  VerifyReport merged;
  merged.context = shards.front().context;
  merged.context.shard.reset();
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  std::set<int> indices;
  for (const VerifyReport& shard : shards) {
    const std::string& revision = shard.context.git_revision;
    if (revision != "unknown" && merged.context.git_revision != "unknown" &&
        revision != merged.context.git_revision) {
      throw std::invalid_argument("shards come from different git revisions (" +
                                  merged.context.git_revision + " and " + revision + ")");
    }
    for (const auto& [name, build] : shard.context.flavors)
      merged.context.flavors.emplace(name, build);
    for (const RunRecord& run : shard.runs) {
      if (!seen.emplace(run.flavor, run.scenario, run.mode).second ||
          !indices.insert(run.index).second) {
        throw std::invalid_argument("run " + run.flavor + " " + run.scenario + " (mode " +
                                    run.mode + ", index " + std::to_string(run.index) +
                                    ") appears twice");
      }
      merged.runs.push_back(run);
    }
  }
  // Indices are unique (checked above), so the order is total.
  std::sort(merged.runs.begin(), merged.runs.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.index < b.index; });
  for (std::size_t position = 0; position < merged.runs.size(); ++position) {
    if (merged.runs[position].index != static_cast<int>(position)) {
      throw std::invalid_argument("run " + std::to_string(position) +
                                  " of the plan is in no shard");
    }
  }
  merged.summary = summarize(merged.runs);
  return merged;
}

}  // namespace asyncl::verify
