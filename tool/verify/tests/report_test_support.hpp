// report_test_support.hpp — sample report records and the stored schema, shared by the tests
// of the report, its merge and its JUnit form.
#pragma once

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "verify/report.hpp"

namespace asyncl::verify::testing {

inline nlohmann::json load_verify_schema() {
  std::ifstream input(ASYNCL_VERIFY_SCHEMA_PATH);
  return nlohmann::json::parse(input);
}

inline RunRecord scenario_record(int index, const std::string& flavor, const std::string& name,
                                 Verdict verdict = Verdict::pass) {
  RunRecord record;
  record.index = index;
  record.scenario = name;
  record.flavor = flavor;
  record.kind = EntryKind::scenario;
  record.mode = "all";
  record.iterations = 20;
  record.seed = 1;
  record.verdict = verdict;
  record.duration_s = 1.25;
  record.exit_code = verdict == Verdict::pass ? 0 : 3;
  record.scenario_output =
      nlohmann::json{{"scenario", name}, {"verdict", verdict == Verdict::pass ? "pass" : "fail"}};
  if (verdict != Verdict::pass) {
    record.observed_detection = "scenario:assertion";
    record.reason = "scenario assertion failed";
  }
  return record;
}

inline RunRecord mutant_record(int index, const std::string& flavor, const std::string& name,
                               Verdict verdict = Verdict::caught) {
  RunRecord record;
  record.index = index;
  record.scenario = name;
  record.flavor = flavor;
  record.kind = EntryKind::mutant;
  record.mode = "all";
  record.iterations = 20;
  record.seed = 1;
  record.verdict = verdict;
  record.duration_s = 3.5;
  record.expected_detection = "tsan:data race";
  record.runs = 3;
  record.detection_rate = verdict == Verdict::caught ? 1.0 : 2.0 / 3.0;
  record.exit_code = 66;
  if (verdict == Verdict::caught || verdict == Verdict::wrong_detection) {
    record.observed_detection = verdict == Verdict::caught ? "tsan:data race" : "tsan:thread leak";
    record.reports.push_back(
        SanitizerReport{"tsan",
                        verdict == Verdict::caught ? "data race" : "thread leak",
                        {StackFrame{"increment()", "scenarios/shutdown_race.cpp", 6, 20},
                         StackFrame{"main", "scenarios/main.cpp", 10, {}}}});
  }
  if (verdict != Verdict::caught) {
    record.reason = "caught 2 of 3 runs";
    record.stderr_excerpt = "WARNING: ThreadSanitizer: thread leak (pid=1)\n";
  }
  return record;
}

inline ReportContext sample_context() {
  ReportContext context;
  context.date = "2025-01-31T12:00:00Z";
  context.host = "builder";
  context.git_revision = "0123456789abcdef0123456789abcdef01234567";
  context.tool_version = "0.1.0";
  context.flavors["tsan"] = FlavorBuild{"build/tsan/scenarios/asyncl-scenarios", "g++", "12.2.0",
                                        "-O1 -g -fsanitize=thread,undefined", "Debug"};
  context.flavors["asan"] = FlavorBuild{"build/asan/scenarios/asyncl-scenarios", "g++", "12.2.0",
                                        "-O1 -g -fsanitize=address,undefined", std::nullopt};
  fill_compiler_fields(context);
  return context;
}

inline VerifyReport sample_report() {
  VerifyReport report;
  report.context = sample_context();
  report.runs = {scenario_record(0, "tsan", "shutdown-race"),
                 mutant_record(1, "tsan", "skip-barrier-wait"),
                 scenario_record(2, "asan", "shutdown-race", Verdict::fail),
                 mutant_record(3, "asan", "skip-barrier-wait", Verdict::wrong_detection)};
  report.summary = summarize(report.runs);
  return report;
}

}  // namespace asyncl::verify::testing
