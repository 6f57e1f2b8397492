// verify/doctor.hpp — `asyncl-verify doctor`: builds the toolchain probe
// (scenarios/toolchain_probe.cpp) with each C++ compiler at each optimization level, runs it, and
// says whether a raw thread_local address survives a migrating co_await (a finding about the
// toolchain) and whether asyncl's accessor does (which must hold everywhere).
//
// Defines:
//   CompilerInfo                  a compiler found on PATH or named: name, path, resolved path,
//                                 other names for the same executable, version line
//   is_compiler_name(name)        g++, g++-NN, clang++, clang++-NN
//   discover_compilers(path_var)  every such name in the directories of a PATH value, the first
//                                 of each name winning, one entry per resolved executable
//   named_compilers(names, path_var)  the compilers the user named (a PATH name or a path);
//                                 throws UsageError for one that is not there
//   read_version_line(path, timeout)  first line of `path --version`, or "unknown"
//   normalize_level(text)         "O2" or "-O2" -> "-O2"; throws UsageError for anything else
//   probe_sources(source_dir)     main.cpp, toolchain_probe.cpp, support/*.cpp, lib/src/*.cpp;
//                                 throws EnvironmentError when the probe is not there
//   probe_build_command(...)      the standalone build command of toolchain_probe.cpp's header
//   probe_build_template(), probe_run_template()   the same, as text for the report
//   ProbeLine, parse_probe_output(stdout)   the probe's JSON result line
//   DoctorRecord, DoctorStatus    one compiler at one level
//   probe_compiler(...)           builds in a fresh temporary directory (removed afterwards),
//                                 runs the probe, classifies
//   DoctorSummary, summarize_doctor(records), doctor_exit_code(summary)
//   DoctorReport, to_json, serialize   results/doctor.json (results/schema/doctor.schema.json)
//   doctor_table(report)          the table the CLI prints
//
// Example:
//   for (const CompilerInfo& compiler : discover_compilers(std::getenv("PATH")))
//     records.push_back(probe_compiler(compiler, "-O2", source_dir, std::chrono::minutes(10)));
//
// Exit codes: 0 when the library's accessor survived on every compiler and level that built;
// 1 when it did not, or a built probe gave no answer (crash, timeout, no result line); 2 when
// nothing built at all. A compile error is an environment problem of that compiler, recorded in
// the report, never a crash of the tool.
//
// Thread safety: pure functions, except probe_compiler and read_version_line, which spawn
// processes (see tool_common/process.hpp: one at a time).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tool_common/process.hpp"
#include "verify/report.hpp"

namespace asyncl::verify {

inline constexpr const char* kDoctorSchemaId = "asyncl-verify-doctor/1";
inline constexpr const char* kProbeScenario = "toolchain-probe";
inline constexpr int kProbeIterations = 3;
inline constexpr int kProbeSeed = 1;

struct CompilerInfo {
  std::string name;                  // as found on PATH or given: "clang++-14"
  std::filesystem::path path;        // what is run: "/usr/bin/clang++-14"
  std::filesystem::path resolved;    // symlinks resolved; compilers are deduplicated by it
  std::vector<std::string> aliases;  // other names on PATH for the same executable
  std::string version = "unknown";   // first line of --version

  bool operator==(const CompilerInfo&) const = default;
};

bool is_compiler_name(std::string_view name);

// Ordered g++ before clang++, then by version number; of several names for one executable the
// versioned one is kept (clang++ -> clang++-14 is reported as clang++-14, alias clang++).
std::vector<CompilerInfo> discover_compilers(std::string_view path_variable);

// In the order given, duplicates (by resolved path) dropped.
std::vector<CompilerInfo> named_compilers(const std::vector<std::string>& names,
                                          std::string_view path_variable);

std::string read_version_line(const std::filesystem::path& compiler,
                              std::chrono::duration<double> timeout);

std::string normalize_level(std::string_view text);

std::vector<std::filesystem::path> probe_sources(const std::filesystem::path& source_dir);

// <compiler> -std=c++20 <level> -pthread -I<src>/lib/include -I<src>/scenarios <sources> -o
// <output>
std::vector<std::string> probe_build_command(const std::filesystem::path& compiler,
                                             std::string_view level,
                                             const std::filesystem::path& source_dir,
                                             const std::vector<std::filesystem::path>& sources,
                                             const std::filesystem::path& output);

// The build and run commands as typed in the repository, COMPILER, LEVEL and PROBE standing for
// the compiler, the level and the built executable (written into the report).
std::string probe_build_template();
std::string probe_run_template();

struct ProbeLine {
  nlohmann::json line;
  std::string verdict;  // the probe's own: "pass" or "fail"
  bool raw_tls_survives = false;
  bool library_accessor_survives = false;
};

// The last line of `stdout_text` that is a JSON object. Throws std::invalid_argument (one line)
// when there is none, or it lacks the two booleans.
ProbeLine parse_probe_output(std::string_view stdout_text);

enum class DoctorStatus {
  pass,           // the library's accessor survived
  fail,           // it did not
  error,          // built, but the probe gave no answer (crash, timeout, no result line, no move)
  compile_error,  // the compiler could not build the probe (or timed out doing so)
};

std::string_view to_string(DoctorStatus status);

struct DoctorRecord {
  std::string compiler;
  std::string path;
  std::string version;
  std::string level;  // "-O2"
  DoctorStatus status = DoctorStatus::error;
  double build_s = 0.0;
  std::optional<double> run_s;
  std::optional<bool> raw_tls_survives;
  std::optional<bool> library_accessor_survives;
  std::optional<nlohmann::json> probe_output;
  std::optional<int> exit_code;
  std::optional<std::string> signal;
  std::optional<std::string> reason;         // one line when status is not pass
  std::optional<std::string> compile_error;  // first lines of the compiler's diagnostics

  bool built() const { return status != DoctorStatus::compile_error; }
};

// Lines of compiler diagnostics kept in a record.
inline constexpr std::size_t kCompileErrorLines = 12;

// Classifies a finished probe process (exposed for tests).
void classify_probe_run(DoctorRecord& record, const tool::ProcessResult& result);

DoctorRecord probe_compiler(const CompilerInfo& compiler, std::string_view level,
                            const std::filesystem::path& source_dir,
                            std::chrono::duration<double> timeout);

struct DoctorSummary {
  int builds = 0;  // records
  int built = 0;   // records that compiled
  int compile_errors = 0;
  int library_failures = 0;  // fail or error
  int raw_tls_lost = 0;      // a built probe that said raw_tls_survives: false
  bool ok = false;           // built > 0 and library_failures == 0

  bool operator==(const DoctorSummary&) const = default;
};

DoctorSummary summarize_doctor(const std::vector<DoctorRecord>& records);

// kExitOk, kExitFindings, or kExitUsageOrEnvironment when nothing built.
int doctor_exit_code(const DoctorSummary& summary);

struct DoctorReport {
  ReportContext context;  // like verify.json's; compiler fields list every compiler probed
  std::vector<CompilerInfo> compilers;
  std::vector<std::string> levels;
  std::vector<DoctorRecord> records;
  DoctorSummary summary;
};

// The compiler fields of the context from the compilers and levels.
void fill_doctor_context(DoctorReport& report);

nlohmann::json to_json(const DoctorRecord& record);
nlohmann::json to_json(const DoctorReport& report);
std::string serialize(const DoctorReport& report);

// One row per record (compiler, version, level, raw survives, library survives, build time),
// then notes for compile errors and findings, then the totals line.
std::string doctor_table(const DoctorReport& report);

}  // namespace asyncl::verify
