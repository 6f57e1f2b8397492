#include "verify/runner.hpp"

#include <algorithm>
#include <optional>

namespace asyncl::verify {
namespace {

struct SingleRun {
  tool::ProcessResult process;
  Observation observation;
};

SingleRun run_once(const PlanItem& item, const ScenarioBinary& binary, const RunSettings& settings,
                   std::uint64_t seed) {
  SingleRun run;
  run.process =
      binary.run(item.entry.name, settings.iterations, seed, settings.mode, settings.timeout);
  auto reports = parse_sanitizer_reports(run.process.stderr_text);
  relative_to_source(reports, settings.source_root);
  run.observation = observe(run.process, std::move(reports));
  return run;
}

void fill_from(RunRecord& record, const SingleRun& run) {
  record.reports = run.observation.reports;
  record.observed_detection = run.observation.detection;
  record.scenario_output = run.observation.scenario_output;
  record.exit_code = run.process.exit_code;
  if (run.process.signal) record.signal = tool::signal_name(*run.process.signal);
  if (!record.passed()) {
    if (!run.observation.reason.empty()) record.reason = run.observation.reason;
    if (!run.process.stderr_text.empty())
      record.stderr_excerpt = stderr_excerpt(run.process.stderr_text);
  }
}

std::int64_t detail_integer(const std::optional<nlohmann::json>& line, const char* key,
                            std::int64_t fallback) {
  if (!line || !line->contains("detail") || !(*line)["detail"].is_object()) return fallback;
  const nlohmann::json& detail = (*line)["detail"];
  const auto found = detail.find(key);
  return found != detail.end() && found->is_number_integer() ? found->get<std::int64_t>()
                                                             : fallback;
}

/// Adds one budgeted process's programs, operations and coverage to the record.
void accumulate(RunRecord& record, const std::optional<nlohmann::json>& line, int iterations) {
  record.programs = record.programs.value_or(0) + detail_integer(line, "programs", iterations);
  record.operations =
      record.operations.value_or(0) + detail_integer(line, "operations_executed", 0);
  if (!line || !line->contains("detail") || !(*line)["detail"].is_object()) return;
  const auto coverage = (*line)["detail"].find("coverage");
  if (coverage == (*line)["detail"].end() || !coverage->is_object()) return;
  if (!record.coverage) record.coverage = nlohmann::json::object();
  for (const auto& [name, count] : coverage->items()) {
    if (!count.is_number_integer()) continue;
    const std::int64_t before = record.coverage->value(name, std::int64_t{0});
    (*record.coverage)[name] = before + count.get<std::int64_t>();
  }
}

nlohmann::json program_failure(const SingleRun& run, std::uint64_t seed) {
  const std::optional<nlohmann::json>& line = run.observation.scenario_output;
  if (line && line->contains("detail") && (*line)["detail"].is_object() &&
      (*line)["detail"].contains("failure") && (*line)["detail"]["failure"].is_object()) {
    return (*line)["detail"]["failure"];
  }
  nlohmann::json failure{{"seed", seed}};
  if (!run.observation.reason.empty()) failure["message"] = run.observation.reason;
  return failure;
}

RunRecord execute_budgeted(RunRecord record, const PlanItem& item, const ScenarioBinary& binary,
                           const RunSettings& settings) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point started = Clock::now();
  record.budget_s = settings.budget->count();
  record.processes = 0;
  record.program_failures = nlohmann::json::array();
  std::uint64_t seed = settings.seed;
  for (;;) {
    const SingleRun run = run_once(item, binary, settings, seed);
    record.processes = *record.processes + 1;
    record.duration_s += run.process.duration_s;
    accumulate(record, run.observation.scenario_output, settings.iterations);
    const Verdict verdict = classify_scenario(run.observation);
    const double spent = std::chrono::duration<double>(Clock::now() - started).count();
    if (settings.progress) {
      settings.progress(
          item.entry.name + " " + item.flavor + ": " + std::to_string(*record.programs) +
          " programs, " + std::to_string(*record.operations) + " operations, seed " +
          std::to_string(seed) + ", " +
          std::to_string(static_cast<long>(std::max(0.0, record.budget_s.value() - spent))) +
          " s left" + (verdict == Verdict::pass ? "" : ", " + std::string(to_string(verdict))));
    }
    if (verdict != Verdict::pass || spent >= settings.budget->count()) {
      record.verdict = verdict;
      fill_from(record, run);
      if (verdict != Verdict::pass) record.program_failures->push_back(program_failure(run, seed));
      return record;
    }
    seed += static_cast<std::uint64_t>(std::max(1, settings.iterations));
  }
}

}  // namespace

RunRecord execute(const PlanItem& item, const ScenarioBinary& binary, const RunSettings& settings) {
  RunRecord record;
  record.index = item.index;
  record.scenario = item.entry.name;
  record.flavor = item.flavor;
  record.kind = item.entry.kind;
  record.mode = settings.mode;
  record.iterations = settings.iterations;
  record.seed = settings.seed;
  if (item.entry.kind == EntryKind::scenario && settings.budget) {
    return execute_budgeted(std::move(record), item, binary, settings);
  }
  if (item.entry.kind == EntryKind::scenario) {
    const SingleRun run = run_once(item, binary, settings, settings.seed);
    record.verdict = classify_scenario(run.observation);
    record.duration_s = run.process.duration_s;
    fill_from(record, run);
    return record;
  }
  std::vector<SingleRun> runs;
  std::vector<Verdict> verdicts;
  for (int attempt = 0; attempt < std::max(1, settings.mutant_runs); ++attempt) {
    runs.push_back(
        run_once(item, binary, settings, settings.seed + static_cast<std::uint64_t>(attempt)));
    verdicts.push_back(classify_mutant(runs.back().observation, item.expected_detection));
    record.duration_s += runs.back().process.duration_s;
  }
  const MutantRuns outcome = aggregate(verdicts);
  record.verdict = outcome.verdict;
  record.expected_detection = item.expected_detection;
  record.runs = outcome.runs;
  record.detection_rate = outcome.detection_rate();
  fill_from(record, runs[outcome.representative]);
  if (!record.passed()) {
    record.reason = "caught " + std::to_string(outcome.caught) + " of " +
                    std::to_string(outcome.runs) + " runs; run " +
                    std::to_string(outcome.representative + 1) + " (seed " +
                    std::to_string(settings.seed + outcome.representative) + "): " +
                    (runs[outcome.representative].observation.reason.empty()
                         ? std::string("nothing detected")
                         : runs[outcome.representative].observation.reason);
  }
  return record;
}

void relative_to_source(std::vector<SanitizerReport>& reports, const std::filesystem::path& root) {
  if (root.empty()) return;
  std::string prefix = root.lexically_normal().string();
  if (!prefix.ends_with('/')) prefix += '/';
  for (SanitizerReport& report : reports) {
    for (StackFrame& frame : report.frames) {
      if (frame.file.starts_with(prefix)) frame.file.erase(0, prefix.size());
    }
  }
}

std::string stderr_excerpt(std::string_view text) {
  std::optional<std::size_t> start;
  for (const std::string_view marker :
       {std::string_view("Sanitizer"), std::string_view("runtime error: ")}) {
    const auto found = text.find(marker);
    if (found == std::string_view::npos) continue;
    const auto newline = text.rfind('\n', found);
    const std::size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
    start = std::min(start.value_or(line_start), line_start);
  }
  const std::string_view shown = text.substr(start.value_or(0));
  std::string excerpt(shown.substr(0, kStderrExcerptBytes));
  if (shown.size() > kStderrExcerptBytes) {
    excerpt += "\n[" + std::to_string(shown.size() - kStderrExcerptBytes) + " more bytes]";
  }
  return excerpt;
}

}  // namespace asyncl::verify
