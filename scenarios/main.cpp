// asyncl-scenarios — the scenario binary asyncl-verify runs under each sanitizer flavor.
//
//   asyncl-scenarios list
//       a JSON array: every scenario and mutant, with each mutant's twin, the step it attacks
//       and the detection each flavor must produce
//   asyncl-scenarios run NAME --iterations N --seed S [--mode barrier|leaky|shared|all]
//       one JSON line on stdout; exit 0 pass, 3 a scenario assertion failed, 2 usage error
//   asyncl-scenarios info
//       {"compiler", "compiler_version", "flags", "flavor", "build_type"}
//
// The scenarios and mutants register themselves (support/registry.hpp); this file only parses
// arguments and prints.

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "asyncl/detail/mutation.hpp"
#include "support/json.hpp"
#include "support/registry.hpp"

#ifndef ASYNCL_SCENARIOS_COMPILER
#define ASYNCL_SCENARIOS_COMPILER "unknown"
#endif
#ifndef ASYNCL_SCENARIOS_COMPILER_VERSION
#define ASYNCL_SCENARIOS_COMPILER_VERSION __VERSION__
#endif
#ifndef ASYNCL_SCENARIOS_FLAGS
#define ASYNCL_SCENARIOS_FLAGS "unknown"
#endif
#ifndef ASYNCL_SCENARIOS_FLAVOR
#define ASYNCL_SCENARIOS_FLAVOR "none"
#endif
#ifndef ASYNCL_SCENARIOS_BUILD_TYPE
#define ASYNCL_SCENARIOS_BUILD_TYPE "unknown"
#endif

namespace {

using namespace asyncl::scenarios;

constexpr int kExitPass = 0;
constexpr int kExitUsage = 2;
constexpr int kExitAssertion = 3;

constexpr std::string_view kUsage =
    "usage: asyncl-scenarios list | info | run NAME --iterations N --seed S "
    "[--mode barrier|leaky|shared|all]";

int usage_error(const std::string& message) {
  std::cerr << "asyncl-scenarios: " << message << "\n" << kUsage << "\n";
  return kExitUsage;
}

template <class T>
std::optional<T> parse_unsigned(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [next, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc{} || next != end) return std::nullopt;
  return value;
}

int list_command() {
  JsonArray array;
  for (const Entry* entry : registered_entries()) array.add_raw(to_json(*entry).text());
  std::cout << array.text() << std::endl;
  return kExitPass;
}

int info_command() {
  JsonObject info;
  info.set("compiler", ASYNCL_SCENARIOS_COMPILER);
  info.set("compiler_version", ASYNCL_SCENARIOS_COMPILER_VERSION);
  info.set("flags", ASYNCL_SCENARIOS_FLAGS);
  info.set("flavor", ASYNCL_SCENARIOS_FLAVOR);
  info.set("build_type", ASYNCL_SCENARIOS_BUILD_TYPE);
#if defined(ASYNCL_VERIFICATION)
  info.set("verification", true);
#else
  info.set("verification", false);
#endif
  std::cout << info.text() << std::endl;
  return kExitPass;
}

int run_command(int argc, char** argv) {
  if (argc < 3) return usage_error("run: missing scenario name");
  RunRequest request;
  request.name = argv[2];
  bool have_iterations = false;
  bool have_seed = false;
  for (int i = 3; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag != "--iterations" && flag != "--seed" && flag != "--mode") {
      return usage_error("run: unknown option '" + std::string(flag) + "'");
    }
    if (i + 1 >= argc) return usage_error("run: " + std::string(flag) + " needs a value");
    const std::string_view value = argv[++i];
    if (flag == "--iterations") {
      const auto n = parse_unsigned<std::uint64_t>(value);
      if (!n || *n == 0)
        return usage_error("run: --iterations needs a positive integer, got '" +
                           std::string(value) + "'");
      request.iterations = *n;
      have_iterations = true;
    } else if (flag == "--seed") {
      const auto s = parse_unsigned<std::uint64_t>(value);
      if (!s)
        return usage_error("run: --seed needs an unsigned integer, got '" + std::string(value) +
                           "'");
      request.seed = *s;
      have_seed = true;
    } else {
      const auto modes = parse_modes(value);
      if (!modes)
        return usage_error("run: --mode must be barrier, leaky, shared or all, got '" +
                           std::string(value) + "'");
      request.mode_argument = std::string(value);
      request.modes = *modes;
    }
  }
  if (!have_iterations || !have_seed)
    return usage_error("run: --iterations and --seed are required");
  if (request.modes.empty()) request.modes = *parse_modes("all");

  const Entry* entry = find_entry(request.name);
  if (entry == nullptr) {
    return usage_error("run: no scenario or mutant named '" + request.name +
                       "' (see `asyncl-scenarios list`)");
  }
  if (entry->mutation) {
#if defined(ASYNCL_VERIFICATION)
    // Before the run creates any runtime (and so any thread that reads the switch).
    asyncl::detail::set_mutation(*entry->mutation);
#else
    return usage_error("run: '" + request.name +
                       "' needs the library's mutation switches; this binary "
                       "was built without ASYNCL_VERIFICATION");
#endif
  }

  Outcome outcome;
  const auto started = std::chrono::steady_clock::now();
  try {
    entry->run(request, outcome);
  } catch (const std::exception& error) {
    outcome.fail(std::string("unexpected exception: ") + error.what());
  } catch (...) {
    outcome.fail("unexpected exception of unknown type");
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
  outcome.detail().set("seconds", elapsed.count());
  std::cout << result_line(request, outcome) << std::endl;
  return outcome.verdict_failed() ? kExitAssertion : kExitPass;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("missing command");
  const std::string_view command = argv[1];
  if (command == "list" && argc == 2) return list_command();
  if (command == "info" && argc == 2) return info_command();
  if (command == "run") return run_command(argc, argv);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage << std::endl;
    return kExitPass;
  }
  return usage_error("unknown command '" + std::string(command) + "'");
}
