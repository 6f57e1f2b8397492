#include "workload/driver.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "workload/oracle.hpp"
#include "workload/sandbox.hpp"
#include "workload/shrink.hpp"

#ifndef ASYNCL_SCENARIOS_FLAVOR
#define ASYNCL_SCENARIOS_FLAVOR "F"
#endif

namespace asyncl::scenarios::workload {
namespace {

std::chrono::milliseconds watchdog_timeout() {
  const char* text = std::getenv("ASYNCL_WORKLOAD_TIMEOUT_MS");
  const long value = text != nullptr ? std::atol(text) : 0;
  return std::chrono::milliseconds(value > 0 ? value : 5000);
}

std::string replay_command(const Catalogue& selection, const RunRequest& request,
                           std::uint64_t seed) {
  std::string command = selection.environment_prefix() + "asyncl-verify run " + request.name +
                        " --flavor " + ASYNCL_SCENARIOS_FLAVOR + " --seed " + std::to_string(seed) +
                        " --iterations 1 --no-mutants";
  if (request.mode_argument != "all") command += " --mode " + request.mode_argument;
  return command;
}

/// Timing-dependent failures do not always recur: a candidate counts as failing the same way when
/// one of `attempts` runs does.
bool fails_the_same_way(const Program& candidate, const std::string& signature, Trace& trace,
                        std::chrono::milliseconds timeout, int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (run_sandboxed(candidate, trace, timeout).signature == signature) return true;
  }
  return false;
}

}  // namespace

void run_workload(const RunRequest& request, Outcome& outcome, const Catalogue& selection) {
  Trace* trace = make_shared_trace();
  const std::chrono::milliseconds timeout = watchdog_timeout();
  std::map<std::string_view, long> coverage;
  for (const Variant& variant : catalogue()) coverage[variant.name] = 0;
  long programs = 0;
  long generated = 0;
  long executed = 0;
  std::map<std::string, long> endings;

  for (std::uint64_t i = 0; i < request.iterations; ++i) {
    const std::uint64_t seed = request.seed + i;
    const Program program = generate(seed, selection, request.modes);
    for (const Op& op : program.ops) ++coverage[op.variant->name];
    ++endings[program.ending == Ending::settle ? "settle" : "drop_now"];
    generated += static_cast<long>(program.ops.size());
    const SandboxResult result = run_sandboxed(program, *trace, timeout);
    ++programs;
    executed += result.operations;
    if (result.passed()) continue;

    // The failing program's own stderr first: asyncl-verify reads the first sanitizer report.
    // An oracle failure shows only the oracle's line: what the sanitizers print after its _exit
    // (TSan's thread leak) is not the finding and would be read as one.
    if (result.signature.rfind("oracle:", 0) == 0) {
      std::cerr << "workload oracle: " << result.message << std::endl;
    } else {
      std::cerr << result.stderr_text << std::flush;
    }
    Program minimal = program;
    std::string shrink_note = "not shrunk (ASYNCL_WORKLOAD_NO_SHRINK)";
    if (std::getenv("ASYNCL_WORKLOAD_NO_SHRINK") == nullptr) {
      // How often does the program itself fail that way? A rare failure gets more attempts per
      // candidate (the shrinker's time limit bounds the cost).
      // A hang costs the whole watchdog bound per run: one attempt.
      int recurred = result.signature == "hang" ? 4 : 0;
      for (int i = recurred; i < 4; ++i)
        recurred += run_sandboxed(program, *trace, timeout).signature == result.signature;
      const int attempts = result.signature == "hang" ? 1
                           : recurred >= 3            ? 2
                           : recurred >= 1            ? 5
                                                      : 10;
      const ShrinkResult shrunk = shrink(
          program,
          [&](const Program& candidate) {
            return fails_the_same_way(candidate, result.signature, *trace, timeout, attempts);
          },
          ShrinkLimits{});
      minimal = shrunk.program;
      shrink_note = "shrunk from " + std::to_string(program.ops.size()) + " to " +
                    std::to_string(minimal.ops.size()) + " operations in " +
                    std::to_string(shrunk.runs) + " runs" +
                    (shrunk.exhausted ? " (limits reached: may not be minimal)" : "");
    }
    const std::string replay = replay_command(selection, request, seed);
    std::string message = "program seed " + std::to_string(seed) + " failed: " + result.signature +
                          ": " + result.message + "\nreplay: " + replay + "\nminimal program (" +
                          shrink_note + "):\n" + to_cpp(minimal);
    if (!result.trace.empty()) message += "\noperation trace of the hung program:\n" + result.trace;
    std::cerr << "\n== workload failure ==\n" << message << std::endl;
    outcome.fail(message);
    JsonObject failure;
    failure.set("seed", seed);
    failure.set("signature", result.signature);
    failure.set("message", result.message);
    failure.set("replay", replay);
    failure.set("minimal_program", to_cpp(minimal));
    failure.set("minimal_operations", static_cast<std::uint64_t>(minimal.ops.size()));
    failure.set("generated_operations", static_cast<std::uint64_t>(program.ops.size()));
    outcome.detail().set("failure", failure);
    break;
  }

  JsonObject covered;
  for (const Variant& variant : catalogue())
    covered.set(std::string(variant.name), coverage[variant.name]);
  JsonObject ends;
  for (const auto& [name, count] : endings) ends.set(name, count);
  outcome.detail().set("programs", programs);
  outcome.detail().set("operations_generated", generated);
  outcome.detail().set("operations_executed", executed);
  outcome.detail().set("coverage", covered);
  outcome.detail().set("endings", ends);
  outcome.detail().set("catalogue_enabled", static_cast<std::uint64_t>(selection.enabled.size()));
  outcome.detail().set("catalogue_size", static_cast<std::uint64_t>(catalogue().size()));
}

namespace {

const Registrar kWorkload{[] {
  Entry entry;
  entry.name = "workload";
  entry.description =
      "Seeded random programs over the whole public API (runtimes of both flavors, spawn variants, "
      "JoinHandle "
      "awaited/polled/aborted/dropped, spawn_blocking, Context modes, sleep_for edge durations, "
      "Notify, TaskLocal, "
      "user awaiters, throwing bodies, runtimes destroyed with work in flight, Runtime::Handle, "
      "JoinSet, timeout, sleep_until, injected faults, block_on from two threads), each in a "
      "forked process with a "
      "watchdog, checked against a reference model; a failure is shrunk to a minimal program with "
      "its replay command.";
  // Until it is given a budget of its own in `make verify`, a run of everything leaves it out.
  entry.explicit_only = true;
  entry.run = [](const RunRequest& request, Outcome& outcome) {
    run_workload(request, outcome, Catalogue::from_environment());
  };
  return entry;
}()};

}  // namespace
}  // namespace asyncl::scenarios::workload
