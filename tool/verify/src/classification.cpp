#include "verify/classification.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "verify/catalog.hpp"

namespace asyncl::verify {
namespace {

constexpr std::array<std::pair<Verdict, std::string_view>, 7> kVerdictNames{{
    {Verdict::pass, "pass"},
    {Verdict::fail, "fail"},
    {Verdict::caught, "caught"},
    {Verdict::missed, "missed"},
    {Verdict::wrong_detection, "wrong-detection"},
    {Verdict::timeout, "timeout"},
    {Verdict::error, "error"},
}};

// The scenario's one JSON line: the last stdout line that parses as a JSON object.
std::optional<nlohmann::json> scenario_line(std::string_view text) {
  while (!text.empty()) {
    const auto newline = text.rfind('\n', text.size() - 1);
    const std::string_view line =
        newline == std::string_view::npos ? text : text.substr(newline + 1);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(0, newline);
    if (line.empty() || line.front() != '{') continue;
    auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_object()) return json;
  }
  return std::nullopt;
}

std::string line_verdict(const std::optional<nlohmann::json>& line) {
  if (!line) return {};
  const auto found = line->find("verdict");
  return found != line->end() && found->is_string() ? found->get<std::string>() : std::string{};
}

std::optional<std::string> sanitizer_for_exit_code(int code) {
  switch (code) {
    case kTsanExitCode:
      return "tsan";
    case kAsanExitCode:
      return "asan";
    case kUbsanExitCode:
      return "ubsan";
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view to_string(Verdict verdict) {
  for (const auto& [value, name] : kVerdictNames) {
    if (value == verdict) return name;
  }
  return "error";
}

std::optional<Verdict> verdict_from_string(std::string_view text) {
  for (const auto& [value, name] : kVerdictNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

Observation observe(const tool::ProcessResult& process, std::vector<SanitizerReport> reports) {
  Observation observation;
  observation.reports = std::move(reports);
  observation.scenario_output = scenario_line(process.stdout_text);
  if (!process.started()) {
    observation.environment_error = true;
    observation.reason = "could not start: " + process.spawn_error;
    return observation;
  }
  if (process.timed_out) {
    observation.timed_out = true;
    observation.reason = "killed at the deadline";
    return observation;
  }
  if (process.stderr_text.find("ThreadSanitizer: unexpected memory mapping") != std::string::npos) {
    observation.environment_error = true;
    observation.reason =
        "TSan: unexpected memory mapping (lower vm.mmap_rnd_bits to 28 or run under setarch -R)";
    return observation;
  }
  if (!observation.reports.empty()) {
    observation.detection = detection_name(observation.reports.front());
    observation.reason = "sanitizer report: " + *observation.detection;
    return observation;
  }
  const std::string verdict = line_verdict(observation.scenario_output);
  if (process.signal) {
    observation.detection = "signal:" + tool::signal_name(*process.signal);
    observation.reason = "killed by " + tool::signal_name(*process.signal);
    return observation;
  }
  const int code = process.exit_code.value_or(-1);
  if (code == 0) {
    if (verdict == "pass") return observation;
    observation.environment_error = true;
    observation.reason = observation.scenario_output
                             ? "exit 0 but the JSON line's verdict is \"" + verdict + "\""
                             : "exit 0 without the JSON result line on stdout";
    return observation;
  }
  if (code == kScenarioAssertionExitCode && verdict == "fail") {
    const auto detection = observation.scenario_output->find("detection");
    observation.detection =
        detection != observation.scenario_output->end() && detection->is_string()
            ? detection->get<std::string>()
            : std::string("scenario:assertion");
    observation.reason = "scenario assertion failed";
    return observation;
  }
  if (code == kScenarioUsageExitCode) {
    observation.environment_error = true;
    observation.reason = "the scenario binary rejected its arguments (exit 2)";
    return observation;
  }
  if (const auto tool = sanitizer_for_exit_code(code)) {
    observation.detection = *tool + ":unparsed report";
    observation.reason =
        "exit " + std::to_string(code) + " without a readable " + *tool + " report";
    return observation;
  }
  observation.detection = "exit:" + std::to_string(code);
  observation.reason = "exit " + std::to_string(code);
  return observation;
}

Verdict classify_scenario(const Observation& observation) {
  if (observation.timed_out) return Verdict::timeout;
  if (observation.environment_error) return Verdict::error;
  return observation.detection ? Verdict::fail : Verdict::pass;
}

Verdict classify_mutant(const Observation& observation, std::string_view expected_detection) {
  if (observation.timed_out) return Verdict::timeout;
  if (observation.environment_error) return Verdict::error;
  if (!observation.detection) return Verdict::missed;
  return detection_matches(expected_detection, *observation.detection) ? Verdict::caught
                                                                       : Verdict::wrong_detection;
}

MutantRuns aggregate(const std::vector<Verdict>& verdicts) {
  MutantRuns runs;
  runs.runs = static_cast<int>(verdicts.size());
  for (const Verdict verdict : verdicts) {
    if (verdict == Verdict::caught) ++runs.caught;
  }
  if (verdicts.empty()) return runs;
  runs.verdict = Verdict::caught;
  if (runs.caught != runs.runs) {
    for (const Verdict candidate :
         {Verdict::error, Verdict::timeout, Verdict::missed, Verdict::wrong_detection}) {
      if (std::find(verdicts.begin(), verdicts.end(), candidate) != verdicts.end()) {
        runs.verdict = candidate;
      }
    }
  }
  const auto shown = std::find(verdicts.begin(), verdicts.end(), runs.verdict);
  runs.representative = static_cast<std::size_t>(shown - verdicts.begin());
  return runs;
}

}  // namespace asyncl::verify
