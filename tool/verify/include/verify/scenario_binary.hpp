// verify/scenario_binary.hpp — talks to one flavor's scenario binary through its contract.
//
// Defines:
//   scenario_binary_path(build_root, flavor)  <root>/<flavor>/scenarios/asyncl-scenarios, or
//                                             <root>/relacy/scenarios/models/asyncl-models
//   build_command(flavor)                     the command that builds that binary
//   ScenarioBinary                            `list`, `info` and `run NAME` of one binary
//   sanitizer_environment(environment)        the environment every scenario run gets
//
// The contract (asyncl-scenarios):
//   list                  JSON array of
//   {"name","kind","twin_of"?,"detectors"?,"attacks"?,"description"?} info
//   {"compiler","compiler_version","flags","flavor","build_type"?} run NAME --iterations N --seed S
//   --mode M
//                         one JSON line on stdout; exit 0 pass, 3 scenario assertion, 2 usage
//
// Example:
//   auto binary = ScenarioBinary::locate("build", "tsan");  // EnvironmentError when not built
//   for (const CatalogEntry& entry : binary.list()) ...
//
// Thread safety: const member functions may run concurrently; each spawns its own process.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tool_common/process.hpp"
#include "verify/catalog.hpp"
#include "verify/report.hpp"

namespace asyncl::verify {

// Options appended to the user's own TSAN_OPTIONS, ASAN_OPTIONS and UBSAN_OPTIONS.
inline constexpr std::string_view kTsanOptions =
    "exitcode=66 halt_on_error=1 second_deadlock_stack=1 report_signal_unsafe=0";
inline constexpr std::string_view kAsanOptions =
    "exitcode=67 detect_stack_use_after_return=1 detect_leaks=1 abort_on_error=0";
inline constexpr std::string_view kUbsanOptions = "exitcode=68 halt_on_error=1 print_stacktrace=1";

std::vector<std::string> sanitizer_environment(std::vector<std::string> environment);

std::filesystem::path scenario_binary_path(const std::filesystem::path& build_root,
                                           std::string_view flavor);

std::string build_command(std::string_view flavor);

class ScenarioBinary {
 public:
  ScenarioBinary(std::string flavor, std::filesystem::path path);

  // Throws EnvironmentError, with the command that builds it, when the binary is missing.
  // `shown_root` is how the build root is named in that message (e.g. "build").
  static ScenarioBinary locate(const std::filesystem::path& build_root, std::string_view flavor,
                               const std::filesystem::path& shown_root);

  const std::string& flavor() const { return flavor_; }
  const std::filesystem::path& path() const { return path_; }

  // Throws EnvironmentError when `list` fails or prints something the contract does not allow.
  std::vector<CatalogEntry> list() const;

  // What the binary says about its build; "unknown" fields when it has no `info`.
  FlavorBuild info() const;

  tool::ProcessResult run(const std::string& name, int iterations, std::uint64_t seed,
                          const std::string& mode, std::chrono::duration<double> timeout) const;

 private:
  std::string flavor_;
  std::filesystem::path path_;
};

}  // namespace asyncl::verify
