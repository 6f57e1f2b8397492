// Tests verify/doctor.hpp: compiler discovery on a fake PATH, the probe's result line, the
// classification of a probe run, builds with fake compilers (tests/fake_compiler.sh), the exit
// codes, the report against results/schema/doctor.schema.json, and the table.
#include "verify/doctor.hpp"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

#include "tool_common/errors.hpp"
#include "tool_common/json_schema.hpp"

namespace asyncl::verify {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A directory of the test's own, removed afterwards.
class Scratch {
 public:
  Scratch() {
    std::string pattern = (fs::temp_directory_path() / "asyncl-doctor-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
    root_ = pattern;
  }
  ~Scratch() { fs::remove_all(root_); }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

void write_file(const fs::path& path, const std::string& text, bool executable) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  fs::permissions(path, executable ? fs::perms(0755) : fs::perms(0644));
}

// The fake compiler, copied under `name` into `directory`.
fs::path install_fake(const fs::path& directory, const std::string& name) {
  fs::create_directories(directory);
  const fs::path path = directory / name;
  fs::copy_file(ASYNCL_VERIFY_FAKE_COMPILER, path, fs::copy_options::overwrite_existing);
  fs::permissions(path, fs::perms(0755));
  return path;
}

// A source tree with the files the probe's build command names (the fake compiler reads none).
fs::path fake_source_tree(const fs::path& root) {
  for (const char* file :
       {"scenarios/main.cpp", "scenarios/toolchain_probe.cpp", "scenarios/support/registry.cpp",
        "scenarios/support/json.cpp", "lib/src/runtime.cpp", "lib/src/scheduler.hpp"}) {
    write_file(root / file, "\n", false);
  }
  fs::create_directories(root / "lib" / "include");
  return root;
}

const char* const kRealLine =
    R"({"scenario":"toolchain-probe","iterations":3,"seed":1,"mode":"all","verdict":"pass","failures":[],)"
    R"("detail":{"raw_held":{"passed":9,"total":9}},"raw_tls_survives":true,"library_accessor_survives":true})";

TEST(DoctorNames, CompilerNames) {
  for (const char* name : {"g++", "g++-12", "clang++", "clang++-14", "clang++-19", "clang++-3.9"}) {
    EXPECT_TRUE(is_compiler_name(name)) << name;
  }
  for (const char* name :
       {"gcc", "clang", "c++", "g++12", "clang++-", "clang++-abc", "clang++-14-wrapper",
        "x86_64-linux-gnu-g++-12", "g++-12.", "clang++-1..2"}) {
    EXPECT_FALSE(is_compiler_name(name)) << name;
  }
}

TEST(DoctorDiscovery, FindsEachExecutableOnceInOrder) {
  const Scratch scratch;
  const fs::path first = scratch.root() / "first";
  const fs::path second = scratch.root() / "second";
  install_fake(first, "clang++-99");
  install_fake(first, "g++-98");
  fs::create_symlink("clang++-99", first / "clang++");  // an alias of clang++-99
  install_fake(first, "clang++-abc");                   // not a compiler name
  write_file(first / "g++-97", "#!/bin/sh\n", false);   // not executable
  write_file(first / "notes.txt", "\n", false);
  install_fake(second, "clang++-99");  // shadowed by first/clang++-99
  install_fake(second, "g++");
  install_fake(second, "clang++-9");

  const std::string path_variable =
      first.string() + "::" + second.string() + ":" + (scratch.root() / "none").string();
  const std::vector<CompilerInfo> compilers = discover_compilers(path_variable);
  ASSERT_EQ(compilers.size(), 4U);
  EXPECT_EQ(compilers[0].name, "g++");
  EXPECT_EQ(compilers[0].path, second / "g++");
  EXPECT_EQ(compilers[1].name, "g++-98");
  EXPECT_EQ(compilers[2].name, "clang++-9");  // by version number, not by text
  EXPECT_EQ(compilers[3].name, "clang++-99");
  EXPECT_EQ(compilers[3].path, first / "clang++-99");
  EXPECT_EQ(compilers[3].resolved, fs::canonical(first / "clang++-99"));
  EXPECT_EQ(compilers[3].aliases, std::vector<std::string>{"clang++"});
  EXPECT_TRUE(compilers[0].aliases.empty());

  EXPECT_EQ(read_version_line(compilers[3].path, 30s), "fake clang++-99 version 99.0.0");
  EXPECT_TRUE(discover_compilers("").empty());
}

TEST(DoctorDiscovery, NamedCompilers) {
  const Scratch scratch;
  const fs::path bin = scratch.root() / "bin";
  install_fake(bin, "clang++-99");
  fs::create_symlink("clang++-99", bin / "clang++");
  write_file(bin / "not-executable", "\n", false);

  const auto compilers =
      named_compilers({"clang++-99", "clang++", (bin / "clang++-99").string()}, bin.string());
  ASSERT_EQ(compilers.size(), 1U);
  EXPECT_EQ(compilers[0].name, "clang++-99");
  EXPECT_EQ(compilers[0].aliases, std::vector<std::string>{"clang++"});

  try {
    named_compilers({"clang++-42"}, bin.string());
    FAIL() << "expected a tool::UsageError";
  } catch (const tool::UsageError& error) {
    EXPECT_STREQ(error.what(), "--compiler: 'clang++-42' is not on PATH");
  }
  EXPECT_THROW(named_compilers({(bin / "not-executable").string()}, bin.string()),
               tool::UsageError);
}

TEST(DoctorDiscovery, VersionOfABrokenCompilerIsUnknown) {
  const Scratch scratch;
  write_file(scratch.root() / "clang++-1", "#!/bin/sh\nexit 1\n", true);
  EXPECT_EQ(read_version_line(scratch.root() / "clang++-1", 30s), "unknown");
  EXPECT_EQ(read_version_line(scratch.root() / "missing", 30s), "unknown");
}

TEST(DoctorLevels, Normalized) {
  EXPECT_EQ(normalize_level("O0"), "-O0");
  EXPECT_EQ(normalize_level("-O2"), "-O2");
  EXPECT_EQ(normalize_level("Ofast"), "-Ofast");
  EXPECT_THROW(normalize_level("O9"), tool::UsageError);
  EXPECT_THROW(normalize_level("-fsanitize=thread"), tool::UsageError);
  EXPECT_THROW(normalize_level(""), tool::UsageError);
}

TEST(DoctorBuild, SourcesAndCommand) {
  const Scratch scratch;
  const fs::path source = fake_source_tree(scratch.root() / "src");
  const auto sources = probe_sources(source);
  EXPECT_EQ(sources,
            (std::vector<fs::path>{"scenarios/main.cpp", "scenarios/toolchain_probe.cpp",
                                   "scenarios/support/json.cpp", "scenarios/support/registry.cpp",
                                   "lib/src/runtime.cpp"}));
  const auto argv = probe_build_command("/usr/bin/g++", "-O2", "/src", sources, "/scratch/probe");
  EXPECT_EQ(argv,
            (std::vector<std::string>{
                "/usr/bin/g++", "-std=c++20", "-O2", "-pthread", "-I/src/lib/include",
                "-I/src/scenarios", "/src/scenarios/main.cpp", "/src/scenarios/toolchain_probe.cpp",
                "/src/scenarios/support/json.cpp", "/src/scenarios/support/registry.cpp",
                "/src/lib/src/runtime.cpp", "-o", "/scratch/probe"}));
  EXPECT_THROW(probe_sources(scratch.root()), tool::EnvironmentError);
}

TEST(DoctorProbeLine, ParsesTheRealLine) {
  const ProbeLine probe = parse_probe_output(std::string(kRealLine) + "\n");
  EXPECT_TRUE(probe.raw_tls_survives);
  EXPECT_TRUE(probe.library_accessor_survives);
  EXPECT_EQ(probe.verdict, "pass");
  EXPECT_EQ(probe.line["detail"]["raw_held"]["total"], 9);
}

TEST(DoctorProbeLine, TakesTheLastObjectLine) {
  const std::string text =
      "starting\n{\"raw_tls_survives\":true,\"library_accessor_survives\":true}\n"
      "{\"verdict\":\"pass\",\"raw_tls_survives\":false,\"library_accessor_survives\":true}  \r\n"
      "[1,2]\n\n";
  const ProbeLine probe = parse_probe_output(text);
  EXPECT_FALSE(probe.raw_tls_survives);
  EXPECT_TRUE(probe.library_accessor_survives);
}

TEST(DoctorProbeLine, RejectsWhatIsNotAnAnswer) {
  EXPECT_THROW(parse_probe_output(""), std::invalid_argument);
  EXPECT_THROW(parse_probe_output("Segmentation fault\n"), std::invalid_argument);
  EXPECT_THROW(parse_probe_output("{\"raw_tls_survives\":true\n"),
               std::invalid_argument);  // cut short
  try {
    parse_probe_output(
        R"({"verdict":"pass","raw_tls_survives":true,"library_accessor_survives":"yes"})");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "printed a result line without the boolean \"library_accessor_survives\"");
  }
}

tool::ProcessResult exited(int code, std::string stdout_text, std::string stderr_text = {}) {
  tool::ProcessResult result;
  result.exit_code = code;
  result.stdout_text = std::move(stdout_text);
  result.stderr_text = std::move(stderr_text);
  result.duration_s = 0.5;
  return result;
}

TEST(DoctorClassify, Pass) {
  DoctorRecord record;
  classify_probe_run(record, exited(0, std::string(kRealLine) + "\n"));
  EXPECT_EQ(record.status, DoctorStatus::pass);
  EXPECT_EQ(record.raw_tls_survives, true);
  EXPECT_EQ(record.library_accessor_survives, true);
  EXPECT_EQ(record.run_s, 0.5);
  EXPECT_EQ(record.reason, std::nullopt);
}

TEST(DoctorClassify, RawLostIsStillAPass) {
  DoctorRecord record;
  classify_probe_run(
      record,
      exited(0, R"({"verdict":"pass","raw_tls_survives":false,"library_accessor_survives":true})"));
  EXPECT_EQ(record.status, DoctorStatus::pass);
  EXPECT_EQ(record.raw_tls_survives, false);
}

TEST(DoctorClassify, LibraryLostIsAFail) {
  DoctorRecord record;
  classify_probe_run(record,
                     exited(3, R"({"verdict":"fail","failures":["leaky mode: wrong object"],)"
                               R"("raw_tls_survives":true,"library_accessor_survives":false})"));
  EXPECT_EQ(record.status, DoctorStatus::fail);
  EXPECT_EQ(record.reason, "leaky mode: wrong object");
  EXPECT_EQ(record.exit_code, 3);
}

TEST(DoctorClassify, NoAnswerIsAnError) {
  DoctorRecord failed_moves;
  classify_probe_run(
      failed_moves,
      exited(
          3,
          R"({"verdict":"fail","failures":["barrier mode: 2 forced moves did not reach the other worker"],)"
          R"("raw_tls_survives":true,"library_accessor_survives":true})"));
  EXPECT_EQ(failed_moves.status, DoctorStatus::error);
  EXPECT_EQ(failed_moves.reason, "barrier mode: 2 forced moves did not reach the other worker");

  DoctorRecord silent;
  classify_probe_run(silent, exited(0, "", "terminate called\n"));
  EXPECT_EQ(silent.status, DoctorStatus::error);
  EXPECT_EQ(silent.reason, "the probe exited 0 and printed no JSON result line: terminate called");

  tool::ProcessResult crash;
  crash.signal = SIGSEGV;
  DoctorRecord crashed;
  classify_probe_run(crashed, crash);
  EXPECT_EQ(crashed.status, DoctorStatus::error);
  EXPECT_EQ(crashed.signal, "SIGSEGV");

  tool::ProcessResult hung;
  hung.signal = SIGKILL;
  hung.timed_out = true;
  DoctorRecord timed_out;
  classify_probe_run(timed_out, hung);
  EXPECT_EQ(timed_out.status, DoctorStatus::error);
  EXPECT_NE(timed_out.reason->find("deadline"), std::string::npos);

  tool::ProcessResult missing;
  missing.spawn_error = "probe: No such file or directory";
  DoctorRecord not_started;
  classify_probe_run(not_started, missing);
  EXPECT_EQ(not_started.status, DoctorStatus::error);
}

// Builds with the fake compilers in a temporary directory of the test's own (TMPDIR), which
// must be empty again afterwards.
class DoctorProbe : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* old = std::getenv("TMPDIR");
    old_tmpdir_ = old == nullptr ? std::nullopt : std::optional<std::string>(old);
    source_ = fake_source_tree(scratch_.root() / "src");
    bin_ = scratch_.root() / "bin";
    temp_ = scratch_.root() / "tmp";
    fs::create_directories(temp_);
    ::setenv("TMPDIR", temp_.c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_) {
      ::setenv("TMPDIR", old_tmpdir_->c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
    ::unsetenv("FAKE_DOCTOR_LIBRARY_FAILS");
  }
  CompilerInfo fake(const std::string& name) {
    const fs::path path = install_fake(bin_, name);
    return CompilerInfo{name, path, fs::canonical(path), {}, read_version_line(path, 30s)};
  }
  bool temp_is_empty() const { return fs::is_empty(temp_); }

  Scratch scratch_;
  fs::path source_, bin_, temp_;
  std::optional<std::string> old_tmpdir_;
};

TEST_F(DoctorProbe, BuildsRunsAndCleansUp) {
  const CompilerInfo compiler = fake("clang++-99");
  const DoctorRecord o0 = probe_compiler(compiler, "-O0", source_, 60s);
  EXPECT_EQ(o0.status, DoctorStatus::pass) << o0.reason.value_or("");
  EXPECT_EQ(o0.raw_tls_survives, true);
  EXPECT_EQ(o0.version, "fake clang++-99 version 99.0.0");
  const DoctorRecord o2 = probe_compiler(compiler, "-O2", source_, 60s);
  EXPECT_EQ(o2.status, DoctorStatus::pass);
  EXPECT_EQ(o2.raw_tls_survives, false);
  EXPECT_EQ(o2.library_accessor_survives, true);
  EXPECT_TRUE(temp_is_empty());
}

TEST_F(DoctorProbe, LibraryFailureIsRecorded) {
  ::setenv("FAKE_DOCTOR_LIBRARY_FAILS", "clang++-99", 1);
  const DoctorRecord record = probe_compiler(fake("clang++-99"), "-O0", source_, 60s);
  EXPECT_EQ(record.status, DoctorStatus::fail);
  EXPECT_EQ(record.library_accessor_survives, false);
  EXPECT_EQ(record.exit_code, 3);
  EXPECT_EQ(record.reason,
            "barrier mode: the library's accessor denoted another thread's object (fake)");
}

TEST_F(DoctorProbe, CompileErrorIsRecordedWithRepositoryPaths) {
  const DoctorRecord record = probe_compiler(fake("g++-98"), "-O2", source_, 60s);
  EXPECT_EQ(record.status, DoctorStatus::compile_error);
  EXPECT_FALSE(record.built());
  EXPECT_EQ(record.compile_error,
            "scenarios/main.cpp:1:1: error: 'co_await' cannot be used here (fake)\ncompilation "
            "terminated.");
  EXPECT_EQ(record.reason,
            "the compiler exited 1: scenarios/main.cpp:1:1: error: 'co_await' cannot be used here "
            "(fake)");
  EXPECT_EQ(record.raw_tls_survives, std::nullopt);
  EXPECT_TRUE(temp_is_empty());
}

TEST_F(DoctorProbe, BuildTimeoutIsACompileError) {
  write_file(bin_ / "clang++-7", "#!/bin/sh\nexec sleep 30\n", true);
  const CompilerInfo slow{"clang++-7", bin_ / "clang++-7", bin_ / "clang++-7", {}, "unknown"};
  const DoctorRecord record = probe_compiler(slow, "-O0", source_, 300ms);
  EXPECT_EQ(record.status, DoctorStatus::compile_error);
  EXPECT_EQ(record.reason, "the build did not finish in 0.3s (--timeout)");
  EXPECT_TRUE(temp_is_empty());
}

DoctorRecord record_with(DoctorStatus status, std::optional<bool> raw = std::nullopt) {
  DoctorRecord record;
  record.compiler = "clang++-14";
  record.path = "/usr/bin/clang++-14";
  record.version = "Debian clang version 14.0.6";
  record.level = "-O2";
  record.status = status;
  record.build_s = 12.3;
  if (status == DoctorStatus::pass || status == DoctorStatus::fail) {
    record.run_s = 0.1;
    record.raw_tls_survives = raw.value_or(true);
    record.library_accessor_survives = status == DoctorStatus::pass;
    record.probe_output = nlohmann::json::parse(kRealLine);
  }
  if (status != DoctorStatus::pass) record.reason = "why";
  if (status == DoctorStatus::compile_error) record.compile_error = "a.cpp:1:1: error: x";
  return record;
}

int exit_for(const std::vector<DoctorStatus>& statuses) {
  std::vector<DoctorRecord> records;
  for (const DoctorStatus status : statuses) records.push_back(record_with(status));
  return doctor_exit_code(summarize_doctor(records));
}

TEST(DoctorExitCode, Rules) {
  using enum DoctorStatus;
  EXPECT_EQ(exit_for({pass, pass}), tool::kExitOk);
  EXPECT_EQ(exit_for({pass, compile_error}),
            tool::kExitOk);  // a compiler that cannot build is the environment's
  EXPECT_EQ(exit_for({pass, fail}), tool::kExitFindings);
  EXPECT_EQ(exit_for({pass, error, compile_error}), tool::kExitFindings);
  EXPECT_EQ(exit_for({compile_error, compile_error}), tool::kExitUsageOrEnvironment);
  EXPECT_EQ(exit_for({}), tool::kExitUsageOrEnvironment);
}

TEST(DoctorSummary, Counts) {
  const DoctorSummary summary =
      summarize_doctor({record_with(DoctorStatus::pass, false), record_with(DoctorStatus::pass),
                        record_with(DoctorStatus::fail), record_with(DoctorStatus::error),
                        record_with(DoctorStatus::compile_error)});
  EXPECT_EQ(summary, (DoctorSummary{5, 4, 1, 2, 1, false}));
}

DoctorReport sample_report() {
  DoctorReport report;
  report.context.date = "2025-01-31T12:00:00Z";
  report.context.host = "host";
  report.context.git_revision = "unknown";
  report.context.tool_version = "0.1.0";
  report.compilers.push_back(
      {"g++-12", "/usr/bin/g++-12", "/usr/bin/x86_64-linux-gnu-g++-12", {"g++"}, "g++ 12.2.0"});
  report.compilers.push_back(
      {"clang++-14", "/usr/bin/clang++-14", "/usr/lib/llvm-14/bin/clang", {}, "clang 14.0.6"});
  report.levels = {"-O0", "-O2"};
  report.records = {record_with(DoctorStatus::pass), record_with(DoctorStatus::pass, false),
                    record_with(DoctorStatus::fail), record_with(DoctorStatus::error),
                    record_with(DoctorStatus::compile_error)};
  report.summary = summarize_doctor(report.records);
  fill_doctor_context(report);
  return report;
}

TEST(DoctorReport, FollowsTheSchema) {
  std::ifstream schema_file(ASYNCL_VERIFY_DOCTOR_SCHEMA_PATH);
  ASSERT_TRUE(schema_file);
  const auto schema = nlohmann::json::parse(schema_file);
  const DoctorReport report = sample_report();
  const nlohmann::json json = nlohmann::json::parse(serialize(report));
  EXPECT_EQ(tool::testing::validate_json_schema(schema, json), std::vector<std::string>{});
  EXPECT_EQ(json["schema"], "asyncl-verify-doctor/1");
  EXPECT_EQ(json["context"]["compiler"], "g++-12, clang++-14");
  EXPECT_EQ(json["context"]["compiler_version"], "g++-12: g++ 12.2.0 | clang++-14: clang 14.0.6");
  EXPECT_EQ(json["context"]["flags"], "-std=c++20 -pthread; levels -O0 -O2");
  EXPECT_FALSE(json["context"].contains("flavors"));
  EXPECT_EQ(json["records"][4]["status"], "compile-error");
  EXPECT_EQ(json["compilers"][0]["aliases"], nlohmann::json::array({"g++"}));

  nlohmann::json broken = json;
  broken["records"][0]["library_accessor_survives"] = false;  // a pass must have survived
  EXPECT_FALSE(tool::testing::validate_json_schema(schema, broken).empty());
  broken = json;
  broken["records"][4].erase("compile_error");
  EXPECT_FALSE(tool::testing::validate_json_schema(schema, broken).empty());
}

TEST(DoctorReport, Table) {
  const std::string table = doctor_table(sample_report());
  EXPECT_NE(table.find("COMPILER    VERSION                      LEVEL  RAW TLS SURVIVES  LIBRARY "
                       "ACCESSOR  BUILD\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("clang++-14  Debian clang version 14.0.6  -O2    no                yes      "
                       "         12.3s\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("compile error"), std::string::npos);
  EXPECT_NE(table.find("no answer"), std::string::npos);
  EXPECT_NE(
      table.find(
          "raw thread_local addresses did not survive a migrating co_await with: clang++-14 -O2"),
      std::string::npos);
  EXPECT_NE(
      table.find("library accessor survived on 2 of 4 builds (1 of 5 did not compile); FAILED\n"),
      std::string::npos)
      << table;
}

}  // namespace
}  // namespace asyncl::verify
