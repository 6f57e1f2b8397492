// Runs the built asyncl-bench as a user would: bad arguments, list, and a smoke run of compare
// with a tiny filter and a minimal time. Asserts exit codes, messages and the files written,
// never a timing.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "test_files.hpp"
#include "tool_common/json_schema.hpp"

namespace asyncl::bench {
namespace {

using testing::read_text_file;
using testing::ScratchDirectory;

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string shell_quote(const std::string& argument) {
  std::string quoted = "'";
  for (char c : argument) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// The command is appended piece by piece: g++ 12 at -O3 reports a false -Wrestrict on
// `" " + std::string(...)` (GCC bug 105651).
Outcome run_tool(const std::vector<std::string>& arguments, const std::filesystem::path& scratch) {
  std::string command = shell_quote(ASYNCL_BENCH_EXECUTABLE);
  for (const std::string& argument : arguments) {
    command += ' ';
    command += shell_quote(argument);
  }
  const auto out = scratch / "stdout.txt";
  const auto err = scratch / "stderr.txt";
  command += " >";
  command += shell_quote(out.string());
  command += " 2>";
  command += shell_quote(err.string());
  command += " </dev/null";
  const int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = read_text_file(out);
  outcome.err = read_text_file(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return outcome;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++found;
  }
  return found;
}

// A usage error: exit 2 and exactly one line on stderr that says what is wrong.
void expect_usage_error(const std::vector<std::string>& arguments, const std::string& mentions) {
  ScratchDirectory scratch;
  std::string joined;
  for (const std::string& argument : arguments) joined += " " + argument;
  SCOPED_TRACE("asyncl-bench" + joined);
  const Outcome outcome = run_tool(arguments, scratch.path());
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(count(outcome.err, "\n"), 1u) << outcome.err;
  EXPECT_EQ(outcome.err.rfind("asyncl-bench: error: ", 0), 0u) << outcome.err;
  EXPECT_NE(outcome.err.find(mentions), std::string::npos) << outcome.err;
  EXPECT_EQ(outcome.out, "");
}

TEST(Cli, VersionAndHelpExitZero) {
  ScratchDirectory scratch;
  const Outcome version = run_tool({"--version"}, scratch.path());
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("asyncl-bench ", 0), 0u) << version.out;

  const Outcome help = run_tool({"--help"}, scratch.path());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("compare"), std::string::npos);
  EXPECT_NE(help.out.find("list"), std::string::npos);

  const Outcome compare_help = run_tool({"compare", "--help"}, scratch.path());
  EXPECT_EQ(compare_help.exit_code, 0);
  for (const char* flag : {"--filter", "--repetitions", "--min-time", "--json", "--html"}) {
    EXPECT_NE(compare_help.out.find(flag), std::string::npos) << flag;
  }
}

TEST(Cli, ListPrintsBenchmarkNames) {
  ScratchDirectory scratch;
  const Outcome all = run_tool({"list"}, scratch.path());
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_NE(all.out.find("local_ref/create/raw\n"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("thread/churn/raw\n"), std::string::npos) << all.out;

  const Outcome churn = run_tool({"list", "--filter", "churn"}, scratch.path());
  EXPECT_EQ(churn.exit_code, 0);
  EXPECT_EQ(churn.out.find("local_ref"), std::string::npos) << churn.out;
  EXPECT_NE(churn.out.find("thread/churn/raw\n"), std::string::npos) << churn.out;
}

TEST(Cli, BadArgumentsExitTwoWithOneLine) {
  expect_usage_error({}, "subcommand");
  expect_usage_error({"frobnicate"}, "frobnicate");
  expect_usage_error({"compare", "--frobnicate"}, "--frobnicate");
  expect_usage_error({"compare", "bogus"}, "unknown mode 'bogus'");
  expect_usage_error({"compare", "leaky", "leaky"}, "named twice");
  expect_usage_error({"compare", "raw"}, "not a mode");
  expect_usage_error({"compare", "--filter", "("}, "not a valid regular expression");
  expect_usage_error({"compare", "--filter", "no-such-benchmark"}, "no benchmark matches");
  expect_usage_error({"compare", "--repetitions", "0"}, "repetitions");
  expect_usage_error({"compare", "--repetitions", "many"}, "repetitions");
  expect_usage_error({"compare", "--min-time", "-1"}, "min-time");
  expect_usage_error({"list", "--filter", "["}, "not a valid regular expression");
  expect_usage_error({"peers", "seastar"}, "unknown peer 'seastar'");
  expect_usage_error({"peers", "asyncl", "asyncl"}, "named twice");
  expect_usage_error({"peers", "--size", "huge"}, "--size");
  expect_usage_error({"peers", "--repetitions", "0"}, "repetitions");
  expect_usage_error({"peers", "--min-time", "0"}, "min-time");
}

TEST(Cli, UnwritableOutputsExitTwoBeforeRunningAnything) {
  ScratchDirectory scratch;
  const auto file = scratch.path() / "plain-file";
  std::ofstream(file) << "x";
  expect_usage_error({"compare", "--json", (file / "bench.json").string()}, "cannot write");
  expect_usage_error({"compare", "--html", scratch.path().string()}, "is a directory");
  expect_usage_error({"compare", "--json", (scratch.path() / "same").string(), "--html",
                      (scratch.path() / "same").string()},
                     "same file");
}

TEST(Cli, PeersRefusesUnwritableOutputsBeforeRunningAnything) {
  ScratchDirectory scratch;
  expect_usage_error({"peers", "--json", (scratch.path() / "same").string(), "--html",
                      (scratch.path() / "same").string()},
                     "same file");
  expect_usage_error({"peers", "--html", scratch.path().string()}, "is a directory");
}

// Every C++ peer built into asyncl-bench runs; tokio is skipped with one line (no cargo at that
// path), and the report names each peer that ran, with its version.
TEST(Cli, PeersSmokeRunWritesAValidReportNamingEachPeer) {
  ScratchDirectory scratch;
  const auto json_path = scratch.path() / "out" / "peers.json";
  const auto html_path = scratch.path() / "out" / "peers.html";
  const Outcome outcome =
      run_tool({"peers", "--size", "tiny", "--min-time", "0.001", "--repetitions", "2", "--cargo",
                (scratch.path() / "no-cargo").string(), "--json", json_path.string(), "--html",
                html_path.string()},
               scratch.path());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_EQ(count(outcome.err, "tokio skipped: cargo not found"), 1u) << outcome.err;
  EXPECT_EQ(count(outcome.err, "round "), 2u) << outcome.err;

  std::vector<std::string> built;
  std::string list = ASYNCL_BENCH_BUILT_PEERS;  // "asyncl, asio, tbb"
  for (std::size_t start = 0; start < list.size();) {
    const std::size_t comma = std::min(list.find(", ", start), list.size());
    built.push_back(list.substr(start, comma - start));
    start = comma + 2;
  }
  ASSERT_FALSE(built.empty());

  const Json report = testing::read_json_file(json_path);
  const auto errors = tool::testing::validate_json_schema(
      testing::read_json_file(ASYNCL_BENCH_PEERS_SCHEMA_FILE), report);
  std::string joined;
  for (const std::string& error : errors) joined += error + "\n";
  EXPECT_TRUE(errors.empty()) << joined;
  EXPECT_EQ(report["schema"], "asyncl-bench-peers/1");
  EXPECT_EQ(report["comparison"]["modes"], Json(built));
  for (const std::string& peer : built) {
    EXPECT_TRUE(report["context"].contains("peer_" + peer + "_version")) << peer;
    EXPECT_NE(outcome.out.find(peer), std::string::npos) << peer;
    std::size_t rows = 0;
    for (const Json& row : report["comparison"]["rows"]) {
      if (row["modes"].contains(peer)) {
        ++rows;
        EXPECT_EQ(row["modes"][peer]["repetitions"], 2) << peer << " " << row["benchmark"];
      }
    }
    EXPECT_GE(rows, 4u) << peer;  // tbb has batch, spawn_one, skynet and fib; the others all 7
  }
  EXPECT_FALSE(report["context"].contains("peer_tokio_version"));

  const std::string html = read_text_file(html_path);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  std::size_t ratios = 0;
  for (const Json& row : report["comparison"]["rows"]) ratios += row["ratios"].size();
  EXPECT_EQ(count(html, "<rect class=\"bar"), ratios);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(json_path.parent_path()),
                          std::filesystem::directory_iterator()),
            2);
}

TEST(Cli, CompareSmokeRunWritesAValidReportAndPage) {
  ScratchDirectory scratch;
  const auto json_path = scratch.path() / "out" / "bench.json";
  const auto html_path = scratch.path() / "out" / "bench.html";
  const Outcome outcome = run_tool(
      {"compare", "shared", "leaky", "--filter", "local_ref/(read|increment)", "--min-time",
       "0.001", "--repetitions", "2", "--json", json_path.string(), "--html", html_path.string()},
      scratch.path());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("local_ref/read"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("local_ref/increment"), std::string::npos) << outcome.out;

  ASSERT_TRUE(std::filesystem::exists(json_path));
  ASSERT_TRUE(std::filesystem::exists(html_path));
  // Nothing but the two reports: no temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(json_path.parent_path()),
                          std::filesystem::directory_iterator()),
            2);

  const Json report = testing::read_json_file(json_path);
  const auto errors = tool::testing::validate_json_schema(testing::read_schema(), report);
  std::string joined;
  for (const std::string& error : errors) joined += error + "\n";
  EXPECT_TRUE(errors.empty()) << joined;

  EXPECT_EQ(report["comparison"]["modes"], Json::parse(R"(["shared", "leaky"])"));
  std::map<std::string, int> repetitions;  // per run name
  for (const Json& record : report["benchmarks"]) {
    EXPECT_NE(record["name"].get<std::string>().find("local_ref/"), std::string::npos);
    if (record["run_type"] == "iteration") ++repetitions[record["run_name"].get<std::string>()];
  }
  EXPECT_EQ(repetitions.count("local_ref/read/raw"), 1u);
  EXPECT_EQ(repetitions.count("local_ref/increment/raw"), 1u);
  for (const auto& [run_name, count] : repetitions) EXPECT_EQ(count, 2) << run_name;
  std::size_t ratios = 0;
  for (const Json& row : report["comparison"]["rows"]) ratios += row["ratios"].size();

  const std::string html = read_text_file(html_path);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(count(html, "<rect class=\"bar"), ratios);
}

}  // namespace
}  // namespace asyncl::bench
