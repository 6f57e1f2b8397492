// verify/report.hpp — the verify.json report: its records, its context and its summary.
//
// Defines:
//   kSchemaId          "asyncl-verify/1", the report's "schema" field
//   RunRecord          one (flavor, scenario or mutant) run
//   FlavorBuild        what a flavor's scenario binary says about its build (`info`)
//   ReportContext      date, host, compiler and version, flags, git revision, per-flavor builds
//   Summary            counts and the overall ok
//   VerifyReport       schema + context + runs + summary
//   summarize(runs)    recomputes the summary
//   to_json / report_from_json   lossless both ways for everything the schema defines
//   serialize(report)            the file's text
//   merge_reports(shards)        joins shard reports into one
//
// Example:
//   VerifyReport report{context, runs, summarize(runs)};
//   write_file_atomically("results/verify.json", serialize(report));
//
// The schema is results/schema/verify.schema.json. It only ever grows by adding optional
// fields; a change that breaks readers bumps kSchemaId.
//
// Thread safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "verify/catalog.hpp"
#include "verify/classification.hpp"
#include "verify/sanitizer_report.hpp"

namespace asyncl::verify {

inline constexpr const char* kSchemaId = "asyncl-verify/1";

struct RunRecord {
  int index = 0;  // position in the unsharded run plan; orders merged shards
  std::string scenario;
  std::string flavor;
  EntryKind kind = EntryKind::scenario;
  std::string mode;
  int iterations = 0;
  std::uint64_t seed = 0;  // mutant run k (0-based) used seed + k
  Verdict verdict = Verdict::error;
  std::vector<SanitizerReport> reports;
  double duration_s = 0.0;
  std::optional<std::string> expected_detection;  // mutants
  std::optional<std::string> observed_detection;  // whenever something was detected
  std::optional<double> detection_rate;           // mutants: caught runs / runs
  std::optional<int> runs;                        // mutants: processes run
  std::optional<nlohmann::json> scenario_output;  // the binary's JSON line
  std::optional<int> exit_code;
  std::optional<std::string> signal;
  std::optional<std::string> reason;          // one line when the verdict is not pass/caught
  std::optional<std::string> stderr_excerpt;  // head of stderr when the verdict is not pass/caught
  // Budgeted scenario runs (`run --budget`): processes back to back, seeds advancing by iterations.
  std::optional<double> budget_s;
  std::optional<int> processes;
  std::optional<std::int64_t> programs;    // sum of the lines' detail.programs (else iterations)
  std::optional<std::int64_t> operations;  // sum of the lines' detail.operations_executed
  std::optional<nlohmann::json> coverage;  // the lines' detail.coverage, summed per key
  std::optional<nlohmann::json> program_failures;  // array: detail.failure of each failing process

  bool passed() const { return verdict == Verdict::pass || verdict == Verdict::caught; }
  bool operator==(const RunRecord&) const = default;
};

struct FlavorBuild {
  std::string binary;
  std::string compiler = "unknown";
  std::string compiler_version = "unknown";
  std::string flags = "unknown";
  std::optional<std::string> build_type;

  bool operator==(const FlavorBuild&) const = default;
};

struct ReportContext {
  std::string date;  // ISO 8601 UTC
  std::string host;
  std::string compiler = "unknown";
  std::string compiler_version = "unknown";
  std::string flags = "unknown";
  std::string git_revision = "unknown";
  std::optional<std::string> build_type;
  std::string tool_version;
  std::optional<std::string> shard;  // "I/N" for a shard report
  std::map<std::string, FlavorBuild> flavors;

  bool operator==(const ReportContext&) const = default;
};

struct Summary {
  int scenarios_passed = 0;
  int scenarios_failed = 0;  // fail, timeout or error
  int mutants_caught = 0;
  int mutants_missed = 0;  // missed, wrong-detection, timeout or error
  bool ok = true;

  bool operator==(const Summary&) const = default;
};

struct VerifyReport {
  ReportContext context;
  std::vector<RunRecord> runs;
  Summary summary;

  bool operator==(const VerifyReport&) const = default;
};

Summary summarize(const std::vector<RunRecord>& runs);

// The context's top-level compiler fields, filled from the flavors' builds: the compiler of the
// first flavor, and the flags of every flavor ("tsan: … | asan: …").
void fill_compiler_fields(ReportContext& context);

nlohmann::json to_json(const SanitizerReport& report);
nlohmann::json to_json(const RunRecord& record);
nlohmann::json to_json(const ReportContext& context);
nlohmann::json to_json(const Summary& summary);
nlohmann::json to_json(const VerifyReport& report);

// The report file's text: indented JSON and a final newline. Invalid UTF-8 (captured stderr can
// hold any bytes) is replaced, never an error.
std::string serialize(const VerifyReport& report);

// Throws std::invalid_argument naming the first field that is missing or has the wrong type,
// or a schema other than kSchemaId.
VerifyReport report_from_json(const nlohmann::json& json);

// Joins the shard reports of one sharded run: runs ordered by index, the first shard's context
// without its shard field, the summary recomputed. The set must be complete and consistent:
// every report carries a shard "I/N" of one N, every I in 1..N exactly once, each run in its
// shard (index k in shard k mod N + 1), one seed, one git revision, and the runs' indices
// 0..total-1 each exactly once. One report without a shard field is already whole and merges
// to itself. Throws std::invalid_argument that names the first violation (a missing shard, a
// shard or run that appears twice, a mix of splits, seeds or revisions).
VerifyReport merge_reports(const std::vector<VerifyReport>& shards);

}  // namespace asyncl::verify
