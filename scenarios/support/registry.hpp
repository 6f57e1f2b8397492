#pragma once
// scenarios/support/registry.hpp — how scenarios and mutants make themselves runnable by name.
//
//   RunRequest   what `asyncl-scenarios run NAME --iterations N --seed S --mode M` asked for
//   Outcome      what a run found: failures (scenario assertions) and a free-form detail object
//   Entry        one runnable name: a scenario, or a mutant (a broken twin of a scenario that
//                names the Mutation switch it sets, the protocol step it attacks and the report
//                each sanitizer flavor must produce)
//   Registrar    a namespace-scope constant of this type registers an entry at start-up
//
//   const asyncl::scenarios::Registrar kShutdownRace{{
//       .name = "shutdown-race", .kind = EntryKind::scenario, .description = "...",
//       .run = run_shutdown_race}};
//
// A mutant's `mutation` is set (asyncl::detail::set_mutation) by main() before the run starts
// and before any runtime exists. A mutant without a mutation breaks the scenario itself (e.g.
// a thread-local address cached across co_await). A flavor missing from `detectors` is one whose
// detector cannot see the mutant: asyncl-verify does not run the mutant there, and
// `not_detected` says why.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "asyncl/detail/mutation.hpp"
#include "asyncl/detail/shutdown_steps.hpp"
#include "support/json.hpp"
#include "support/modes.hpp"

namespace asyncl::scenarios {

struct RunRequest {
  std::string name;
  std::uint64_t iterations = 1;
  std::uint64_t seed = 1;
  std::string mode_argument = "all";
  std::vector<ModeName> modes;
};

class Outcome {
 public:
  /// Records a failed scenario assertion. Scenarios stop at the first failing iteration.
  void fail(std::string message);
  bool failed() const noexcept { return !failures_.empty(); }
  const std::vector<std::string>& failures() const noexcept { return failures_; }

  /// Free-form results of the run ("detail" in the JSON line).
  JsonObject& detail() noexcept { return detail_; }
  /// Extra top-level fields of the JSON line (the toolchain probe's findings).
  JsonObject& extra() noexcept { return extra_; }
  /// Overrides the run's verdict (default: "fail" when any failure was recorded).
  void set_verdict_failed(bool failed) noexcept { verdict_failed_ = failed; }
  bool verdict_failed() const noexcept { return verdict_failed_.value_or(failed()); }

 private:
  static constexpr std::size_t kMaxFailures = 20;
  std::vector<std::string> failures_;
  std::size_t dropped_ = 0;
  std::optional<bool> verdict_failed_;
  JsonObject detail_;
  JsonObject extra_;

  friend std::string result_line(const RunRequest&, const Outcome&);
};

/// The one JSON line `run` prints.
std::string result_line(const RunRequest& request, const Outcome& outcome);

enum class EntryKind { scenario, mutant };

struct Entry {
  std::string name;
  EntryKind kind = EntryKind::scenario;
  std::string twin_of;  // mutants: the scenario this breaks
  std::string attacks;  // mutants: the shutdown step (detail::cite) or rule it breaks
  std::string description;
  /// Mutants: flavor ("tsan", "asan") -> the detection that must catch it ("tool:kind").
  std::vector<std::pair<std::string, std::string>> detectors;
  /// Mutants: flavor -> why that flavor's detector cannot see it (not run there).
  std::vector<std::pair<std::string, std::string>> not_detected;
  /// Mutants: the library switch this twin sets; nullopt for a scenario-level breakage.
  std::optional<asyncl::detail::Mutation> mutation;
  std::function<void(const RunRequest&, Outcome&)> run;
  /// Scenarios: run only when named (`asyncl-verify run workload --budget 60`), not in a run of
  /// everything ("explicit": true in `list`). Its mutants still run with everything.
  bool explicit_only = false;
};

void register_entry(Entry entry);
/// Scenarios first, then mutants; each group in name order.
std::vector<const Entry*> registered_entries();
const Entry* find_entry(const std::string& name);
JsonObject to_json(const Entry& entry);

class Registrar {
 public:
  explicit Registrar(Entry entry) { register_entry(std::move(entry)); }
};

/// "iteration 3, barrier mode, multi_thread: " — the prefix every failure message starts with.
std::string where(std::uint64_t iteration, ModeName mode, std::string_view flavor);

}  // namespace asyncl::scenarios
