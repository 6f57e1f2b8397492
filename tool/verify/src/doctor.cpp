#include "verify/doctor.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <system_error>
#include <tuple>

#include "tool_common/errors.hpp"
#include "tool_common/text_table.hpp"

namespace asyncl::verify {
namespace {

constexpr std::string_view kFamilies[] = {"g++", "clang++"};

// Rank of the family (g++ 0, clang++ 1) and the version numbers of a compiler name; nullopt when
// the name is not one of ours.
std::optional<std::pair<int, std::vector<int>>> parse_compiler_name(std::string_view name) {
  for (int rank = 0; rank < 2; ++rank) {
    const std::string_view family = kFamilies[rank];
    if (!name.starts_with(family)) continue;
    std::string_view rest = name.substr(family.size());
    std::vector<int> version;
    if (rest.empty()) return std::pair{rank, version};
    if (rest.front() != '-') return std::nullopt;
    rest.remove_prefix(1);
    // digits, optionally ".digits" repeated
    while (true) {
      std::size_t digits = 0;
      int number = 0;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9' && digits < 6) {
        number = number * 10 + (rest[digits] - '0');
        ++digits;
      }
      if (digits == 0) return std::nullopt;
      version.push_back(number);
      rest.remove_prefix(digits);
      if (rest.empty()) return std::pair{rank, version};
      if (rest.front() != '.') return std::nullopt;
      rest.remove_prefix(1);
    }
  }
  return std::nullopt;
}

// Sort key: family, then version (unversioned first), then name.
auto order_key(const std::string& name) {
  auto parsed = parse_compiler_name(name).value_or(std::pair{2, std::vector<int>{}});
  return std::tuple{parsed.first, parsed.second, name};
}

std::vector<std::string> split_path_variable(std::string_view path_variable) {
  std::vector<std::string> directories;
  std::size_t start = 0;
  while (start <= path_variable.size()) {
    const std::size_t end = std::min(path_variable.find(':', start), path_variable.size());
    if (end > start) directories.emplace_back(path_variable.substr(start, end - start));
    start = end + 1;
  }
  return directories;
}

bool is_executable_file(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

std::optional<std::filesystem::path> resolve(const std::filesystem::path& path) {
  std::error_code error;
  std::filesystem::path resolved = std::filesystem::canonical(path, error);
  if (error) return std::nullopt;
  return resolved;
}

std::string first_line(std::string_view text) {
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty()) return std::string(line);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return {};
}

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", seconds);
  return buffer;
}

std::string one_decimal(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1fs", seconds);
  return buffer;
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The first `count` lines of `text`, without a final newline.
std::string head_lines(std::string_view text, std::size_t count) {
  std::string head;
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start < text.size() && lines < count) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (!head.empty()) head += '\n';
    head.append(text.substr(start, end - start));
    ++lines;
    start = end + 1;
  }
  return head;
}

// The first diagnostic line that says "error", else the first line.
std::string headline_of(std::string_view diagnostics) {
  std::size_t start = 0;
  while (start < diagnostics.size()) {
    const std::size_t end = std::min(diagnostics.find('\n', start), diagnostics.size());
    const std::string_view line = diagnostics.substr(start, end - start);
    if (line.find("error") != std::string_view::npos) return std::string(line);
    start = end + 1;
  }
  return first_line(diagnostics);
}

std::string describe_end(const tool::ProcessResult& result) {
  if (result.signal) return "was killed by " + tool::signal_name(*result.signal);
  return "exited " + std::to_string(result.exit_code.value_or(-1));
}

// A directory of its own under the system's temporary directory, removed with its contents.
class TempDirectory {
 public:
  TempDirectory() {
    std::error_code error;
    const std::filesystem::path base = std::filesystem::temp_directory_path(error);
    if (error)
      throw tool::EnvironmentError("no temporary directory (" + error.message() +
                                   "); check TMPDIR");
    std::string pattern = (base / "asyncl-doctor-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw tool::EnvironmentError("cannot create a temporary directory in " + base.string() +
                                   ": " + std::strerror(errno));
    }
    path_ = pattern;
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  ~TempDirectory() {
    std::error_code error;
    std::filesystem::remove_all(path_, error);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string first_failure(const nlohmann::json& line) {
  const auto failures = line.find("failures");
  if (failures != line.end() && failures->is_array() && !failures->empty() &&
      failures->front().is_string()) {
    return failures->front().get<std::string>();
  }
  return {};
}

}  // namespace

bool is_compiler_name(std::string_view name) { return parse_compiler_name(name).has_value(); }

std::vector<CompilerInfo> discover_compilers(std::string_view path_variable) {
  std::set<std::string> seen_names;
  std::vector<CompilerInfo> found;
  for (const std::string& directory : split_path_variable(path_variable)) {
    std::error_code error;
    std::vector<std::string> names;
    for (std::filesystem::directory_iterator entry(directory, error), end; !error && entry != end;
         entry.increment(error)) {
      const std::string name = entry->path().filename().string();
      if (is_compiler_name(name)) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      if (seen_names.contains(name)) continue;  // shadowed by an earlier directory
      const std::filesystem::path path = std::filesystem::path(directory) / name;
      if (!is_executable_file(path)) continue;
      const auto resolved = resolve(path);
      if (!resolved) continue;
      seen_names.insert(name);
      found.push_back(CompilerInfo{name, path, *resolved, {}, "unknown"});
    }
  }

  // One entry per executable: the versioned name when there is one, else the first by order.
  std::map<std::filesystem::path, std::vector<CompilerInfo>> by_executable;
  for (CompilerInfo& compiler : found)
    by_executable[compiler.resolved].push_back(std::move(compiler));
  std::vector<CompilerInfo> compilers;
  for (auto& [resolved, names] : by_executable) {
    std::sort(names.begin(), names.end(), [](const CompilerInfo& a, const CompilerInfo& b) {
      const bool a_versioned = !parse_compiler_name(a.name)->second.empty();
      const bool b_versioned = !parse_compiler_name(b.name)->second.empty();
      if (a_versioned != b_versioned) return a_versioned;
      return order_key(a.name) < order_key(b.name);
    });
    CompilerInfo chosen = names.front();
    for (std::size_t index = 1; index < names.size(); ++index)
      chosen.aliases.push_back(names[index].name);
    std::sort(chosen.aliases.begin(), chosen.aliases.end());
    compilers.push_back(std::move(chosen));
  }
  std::sort(compilers.begin(), compilers.end(), [](const CompilerInfo& a, const CompilerInfo& b) {
    return order_key(a.name) < order_key(b.name);
  });
  return compilers;
}

std::vector<CompilerInfo> named_compilers(const std::vector<std::string>& names,
                                          std::string_view path_variable) {
  const std::vector<std::string> directories = split_path_variable(path_variable);
  std::vector<CompilerInfo> compilers;
  for (const std::string& name : names) {
    std::optional<std::filesystem::path> path;
    if (name.find('/') != std::string::npos) {
      if (!is_executable_file(name))
        throw tool::UsageError("--compiler: " + name + " is not an executable file");
      path = std::filesystem::absolute(name).lexically_normal();
    } else {
      for (const std::string& directory : directories) {
        const std::filesystem::path candidate = std::filesystem::path(directory) / name;
        if (is_executable_file(candidate)) {
          path = candidate;
          break;
        }
      }
      if (!path) throw tool::UsageError("--compiler: '" + name + "' is not on PATH");
    }
    const auto resolved = resolve(*path);
    if (!resolved) throw tool::UsageError("--compiler: cannot resolve " + path->string());
    const auto same =
        std::find_if(compilers.begin(), compilers.end(),
                     [&](const CompilerInfo& compiler) { return compiler.resolved == *resolved; });
    if (same != compilers.end()) {
      if (same->name != name && same->path != *path &&
          std::find(same->aliases.begin(), same->aliases.end(), name) == same->aliases.end()) {
        same->aliases.push_back(name);
      }
      continue;
    }
    compilers.push_back(CompilerInfo{name, *path, *resolved, {}, "unknown"});
  }
  return compilers;
}

std::string read_version_line(const std::filesystem::path& compiler,
                              std::chrono::duration<double> timeout) {
  const tool::ProcessResult result =
      tool::run_process({{compiler.string(), "--version"}, tool::current_environment(), timeout});
  if (!result.started() || result.timed_out) return "unknown";
  std::string line = first_line(result.stdout_text);
  if (line.empty()) line = first_line(result.stderr_text);
  return line.empty() ? "unknown" : line;
}

std::string normalize_level(std::string_view text) {
  std::string_view level = text;
  if (level.starts_with('-')) level.remove_prefix(1);
  static constexpr std::string_view kLevels[] = {"O0", "O1", "O2", "O3", "Os", "Og", "Oz", "Ofast"};
  if (std::find(std::begin(kLevels), std::end(kLevels), level) == std::end(kLevels)) {
    throw tool::UsageError("--levels: '" + std::string(text) +
                           "' is not an optimization level (O0, O1, O2, O3, Os, Og, Oz, Ofast)");
  }
  return "-" + std::string(level);
}

std::vector<std::filesystem::path> probe_sources(const std::filesystem::path& source_dir) {
  std::error_code error;
  const std::filesystem::path probe = std::filesystem::path("scenarios") / "toolchain_probe.cpp";
  const std::filesystem::path main = std::filesystem::path("scenarios") / "main.cpp";
  for (const std::filesystem::path& required : {probe, main}) {
    if (!std::filesystem::is_regular_file(source_dir / required, error)) {
      throw tool::EnvironmentError("no toolchain probe: " + (source_dir / required).string() +
                                   " is missing; pass --source-dir with an asyncl checkout");
    }
  }
  if (!std::filesystem::is_directory(source_dir / "lib" / "include", error)) {
    throw tool::EnvironmentError(
        "no toolchain probe: " + (source_dir / "lib" / "include").string() +
        " is missing; pass --source-dir with an asyncl checkout");
  }
  std::vector<std::filesystem::path> sources{main, probe};
  for (const std::filesystem::path& directory :
       {std::filesystem::path("scenarios") / "support", std::filesystem::path("lib") / "src"}) {
    std::vector<std::filesystem::path> found;
    for (std::filesystem::directory_iterator entry(source_dir / directory, error), end;
         !error && entry != end; entry.increment(error)) {
      if (entry->path().extension() == ".cpp")
        found.push_back(directory / entry->path().filename());
    }
    std::sort(found.begin(), found.end());
    sources.insert(sources.end(), found.begin(), found.end());
  }
  return sources;
}

std::vector<std::string> probe_build_command(const std::filesystem::path& compiler,
                                             std::string_view level,
                                             const std::filesystem::path& source_dir,
                                             const std::vector<std::filesystem::path>& sources,
                                             const std::filesystem::path& output) {
  std::vector<std::string> argv{compiler.string(),
                                "-std=c++20",
                                std::string(level),
                                "-pthread",
                                "-I" + (source_dir / "lib" / "include").string(),
                                "-I" + (source_dir / "scenarios").string()};
  for (const std::filesystem::path& source : sources)
    argv.push_back((source_dir / source).string());
  argv.push_back("-o");
  argv.push_back(output.string());
  return argv;
}

std::string probe_build_template() {
  return "COMPILER -std=c++20 LEVEL -pthread -Ilib/include -Iscenarios scenarios/main.cpp "
         "scenarios/toolchain_probe.cpp scenarios/support/*.cpp lib/src/*.cpp -o PROBE";
}

std::string probe_run_template() {
  return std::string("PROBE run ") + kProbeScenario + " --iterations " +
         std::to_string(kProbeIterations) + " --seed " + std::to_string(kProbeSeed);
}

ProbeLine parse_probe_output(std::string_view stdout_text) {
  std::optional<nlohmann::json> line;
  std::size_t end = stdout_text.size();
  while (!line && end > 0) {
    const std::size_t newline = stdout_text.rfind('\n', end - 1);
    const std::size_t start = newline == std::string_view::npos ? 0 : newline + 1;
    const std::string text = first_line(stdout_text.substr(start, end - start));
    if (text.starts_with('{')) {
      auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (json.is_object()) line = std::move(json);
    }
    if (newline == std::string_view::npos) break;
    end = newline;
  }
  if (!line) throw std::invalid_argument("printed no JSON result line");
  ProbeLine probe;
  for (const char* key : {"raw_tls_survives", "library_accessor_survives"}) {
    const auto found = line->find(key);
    if (found == line->end() || !found->is_boolean()) {
      throw std::invalid_argument(std::string("printed a result line without the boolean \"") +
                                  key + "\"");
    }
  }
  probe.raw_tls_survives = (*line)["raw_tls_survives"].get<bool>();
  probe.library_accessor_survives = (*line)["library_accessor_survives"].get<bool>();
  const auto verdict = line->find("verdict");
  probe.verdict =
      verdict != line->end() && verdict->is_string() ? verdict->get<std::string>() : "unknown";
  probe.line = std::move(*line);
  return probe;
}

std::string_view to_string(DoctorStatus status) {
  switch (status) {
    case DoctorStatus::pass:
      return "pass";
    case DoctorStatus::fail:
      return "fail";
    case DoctorStatus::error:
      return "error";
    case DoctorStatus::compile_error:
      return "compile-error";
  }
  return "error";
}

void classify_probe_run(DoctorRecord& record, const tool::ProcessResult& result) {
  record.run_s = result.duration_s;
  if (!result.started()) {
    record.status = DoctorStatus::error;
    record.reason = "the probe could not start: " + result.spawn_error;
    return;
  }
  record.exit_code = result.exit_code;
  if (result.signal) record.signal = tool::signal_name(*result.signal);
  if (result.timed_out) {
    record.status = DoctorStatus::error;
    record.reason = "the probe did not finish before the deadline (--timeout) and was killed";
    return;
  }
  ProbeLine probe;
  try {
    probe = parse_probe_output(result.stdout_text);
  } catch (const std::invalid_argument& error) {
    record.status = DoctorStatus::error;
    const std::string stderr_line = first_line(result.stderr_text);
    record.reason = "the probe " + describe_end(result) + " and " + error.what() +
                    (stderr_line.empty() ? "" : ": " + stderr_line);
    return;
  }
  record.raw_tls_survives = probe.raw_tls_survives;
  record.library_accessor_survives = probe.library_accessor_survives;
  const std::string failure = first_failure(probe.line);
  record.probe_output = std::move(probe.line);
  if (!probe.library_accessor_survives) {
    record.status = DoctorStatus::fail;
    record.reason =
        failure.empty() ? "the library's accessor denoted another thread's object" : failure;
  } else if (probe.verdict != "pass") {
    record.status = DoctorStatus::error;
    record.reason = failure.empty() ? "the probe's verdict is " + probe.verdict : failure;
  } else if (result.exit_code != 0) {
    record.status = DoctorStatus::error;
    record.reason = "the probe printed a passing line but " + describe_end(result);
  } else {
    record.status = DoctorStatus::pass;
  }
}

DoctorRecord probe_compiler(const CompilerInfo& compiler, std::string_view level,
                            const std::filesystem::path& source_dir,
                            std::chrono::duration<double> timeout) {
  DoctorRecord record;
  record.compiler = compiler.name;
  record.path = compiler.path.string();
  record.version = compiler.version;
  record.level = std::string(level);

  const std::vector<std::filesystem::path> sources = probe_sources(source_dir);
  const TempDirectory temp;
  const std::filesystem::path output = temp.path() / "asyncl-toolchain-probe";
  const tool::ProcessResult build =
      tool::run_process({probe_build_command(compiler.path, level, source_dir, sources, output),
                         tool::current_environment(), timeout});
  record.build_s = build.duration_s;
  std::error_code error;
  if (!build.started()) {
    record.status = DoctorStatus::compile_error;
    record.reason = "the compiler could not start: " + build.spawn_error;
    record.compile_error = build.spawn_error;
    return record;
  }
  if (build.timed_out || build.exit_code != 0 || !std::filesystem::exists(output, error)) {
    std::string diagnostics = build.stderr_text.empty() ? build.stdout_text : build.stderr_text;
    // Paths as in the repository, not of this machine's checkout or temporary directory.
    replace_all(diagnostics, source_dir.string() + "/", "");
    replace_all(diagnostics, temp.path().string() + "/", "");
    record.status = DoctorStatus::compile_error;
    record.exit_code = build.exit_code;
    if (build.signal) record.signal = tool::signal_name(*build.signal);
    record.compile_error = head_lines(diagnostics, kCompileErrorLines);
    if (build.timed_out) {
      record.reason =
          "the build did not finish in " + seconds_text(timeout.count()) + "s (--timeout)";
    } else {
      const std::string headline = headline_of(diagnostics);
      record.reason =
          "the compiler " + describe_end(build) + (headline.empty() ? "" : ": " + headline);
    }
    return record;
  }
  const tool::ProcessResult run =
      tool::run_process({{output.string(), "run", kProbeScenario, "--iterations",
                          std::to_string(kProbeIterations), "--seed", std::to_string(kProbeSeed)},
                         tool::current_environment(),
                         timeout});
  classify_probe_run(record, run);
  return record;
}

DoctorSummary summarize_doctor(const std::vector<DoctorRecord>& records) {
  DoctorSummary summary;
  for (const DoctorRecord& record : records) {
    ++summary.builds;
    if (record.status == DoctorStatus::compile_error) {
      ++summary.compile_errors;
      continue;
    }
    ++summary.built;
    if (record.status != DoctorStatus::pass) ++summary.library_failures;
    if (record.raw_tls_survives == false) ++summary.raw_tls_lost;
  }
  summary.ok = summary.built > 0 && summary.library_failures == 0;
  return summary;
}

int doctor_exit_code(const DoctorSummary& summary) {
  if (summary.built == 0) return tool::kExitUsageOrEnvironment;
  return summary.library_failures == 0 ? tool::kExitOk : tool::kExitFindings;
}

void fill_doctor_context(DoctorReport& report) {
  std::string names;
  std::string versions;
  for (const CompilerInfo& compiler : report.compilers) {
    names += (names.empty() ? "" : ", ") + compiler.name;
    versions += (versions.empty() ? "" : " | ") + compiler.name + ": " + compiler.version;
  }
  std::string levels;
  for (const std::string& level : report.levels) levels += " " + level;
  report.context.compiler = names.empty() ? "none" : names;
  report.context.compiler_version = versions.empty() ? "unknown" : versions;
  report.context.flags = "-std=c++20 -pthread; levels" + levels;
}

nlohmann::json to_json(const DoctorRecord& record) {
  nlohmann::json json{{"compiler", record.compiler},        {"path", record.path},
                      {"version", record.version},          {"level", record.level},
                      {"status", to_string(record.status)}, {"build_s", record.build_s}};
  if (record.run_s) json["run_s"] = *record.run_s;
  if (record.raw_tls_survives) json["raw_tls_survives"] = *record.raw_tls_survives;
  if (record.library_accessor_survives)
    json["library_accessor_survives"] = *record.library_accessor_survives;
  if (record.probe_output) json["probe_output"] = *record.probe_output;
  if (record.exit_code) json["exit_code"] = *record.exit_code;
  if (record.signal) json["signal"] = *record.signal;
  if (record.reason) json["reason"] = *record.reason;
  if (record.compile_error) json["compile_error"] = *record.compile_error;
  return json;
}

nlohmann::json to_json(const DoctorReport& report) {
  nlohmann::json context = to_json(report.context);
  if (context["flavors"].empty()) context.erase("flavors");
  nlohmann::json compilers = nlohmann::json::array();
  for (const CompilerInfo& compiler : report.compilers) {
    compilers.push_back({{"name", compiler.name},
                         {"path", compiler.path.string()},
                         {"resolved_path", compiler.resolved.string()},
                         {"aliases", compiler.aliases},
                         {"version", compiler.version}});
  }
  nlohmann::json records = nlohmann::json::array();
  for (const DoctorRecord& record : report.records) records.push_back(to_json(record));
  const DoctorSummary& summary = report.summary;
  return {{"schema", kDoctorSchemaId},
          {"context", std::move(context)},
          {"probe",
           {{"scenario", kProbeScenario},
            {"iterations", kProbeIterations},
            {"seed", kProbeSeed},
            {"build_command", probe_build_template()},
            {"run_command", probe_run_template()}}},
          {"compilers", std::move(compilers)},
          {"levels", report.levels},
          {"records", std::move(records)},
          {"summary",
           {{"builds", summary.builds},
            {"built", summary.built},
            {"compile_errors", summary.compile_errors},
            {"library_failures", summary.library_failures},
            {"raw_tls_lost", summary.raw_tls_lost},
            {"ok", summary.ok}}}};
}

std::string serialize(const DoctorReport& report) {
  return to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string doctor_table(const DoctorReport& report) {
  const auto yes_no = [](const std::optional<bool>& value) -> std::string {
    if (!value) return "-";
    return *value ? "yes" : "no";
  };
  tool::TextTable table(
      {"COMPILER", "VERSION", "LEVEL", "RAW TLS SURVIVES", "LIBRARY ACCESSOR", "BUILD"});
  std::string notes;
  std::string raw_lost;
  for (const DoctorRecord& record : report.records) {
    std::string library;
    switch (record.status) {
      case DoctorStatus::pass:
        library = "yes";
        break;
      case DoctorStatus::fail:
        library = "no";
        break;
      case DoctorStatus::error:
        library = "no answer";
        break;
      case DoctorStatus::compile_error:
        library = "compile error";
        break;
    }
    table.add_row({record.compiler, record.version, record.level, yes_no(record.raw_tls_survives),
                   library, one_decimal(record.build_s)});
    const std::string label = record.compiler + " " + record.level;
    if (record.status != DoctorStatus::pass && record.reason)
      notes += "  " + label + ": " + *record.reason + "\n";
    if (record.raw_tls_survives == false) raw_lost += (raw_lost.empty() ? "" : ", ") + label;
  }
  std::string text = table.render();
  if (!notes.empty()) text += "\n" + notes;
  if (!raw_lost.empty()) {
    text += "\nraw thread_local addresses did not survive a migrating co_await with: " + raw_lost +
            " (a toolchain finding, see docs/hazards.md; asyncl's accessor is what must survive)\n";
  }
  const DoctorSummary& summary = report.summary;
  text += "\nlibrary accessor survived on " +
          std::to_string(summary.built - summary.library_failures) + " of " +
          std::to_string(summary.built) + " builds";
  if (summary.compile_errors != 0) {
    text += " (" + std::to_string(summary.compile_errors) + " of " +
            std::to_string(summary.builds) + " did not compile)";
  }
  text += summary.built == 0 ? "; NOTHING BUILT\n" : summary.ok ? "; OK\n" : "; FAILED\n";
  return text;
}

}  // namespace asyncl::verify
