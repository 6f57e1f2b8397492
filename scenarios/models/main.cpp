// scenarios/models/main.cpp — asyncl-models: runs the Relacy models and mutants.
//
//   asyncl-models list                 JSON array: every model and mutant with its search
//   asyncl-models check NAME [--fast]  one JSON line; exit 0 when Relacy's result is the
//                                      expected one (success for a model, the declared failure
//                                      for a mutant), 1 otherwise, 2 for a usage error
//   asyncl-models run NAME [--fast] [--iterations N] [--seed S] [--mode M]
//                                      the same line in the scenario contract asyncl-verify
//                                      reads: exit 3 (verdict "fail", a "detection") when
//                                      Relacy found an error, 0 when it found none; the
//                                      scenario options are accepted and ignored
//   asyncl-models run-all [--fast]     one line per entry; exit 0 only if every entry matched
//
// --fast is ctest's lighter search (context bound 1, 10,000 random iterations); without it the
// full setting runs (`make verify`: context bound 2, 100,000 random iterations). On a mismatch
// Relacy's report and history go to stderr.

#include "model.hpp"
//
#include "asyncl/detail/atomics.hpp"
#include "asyncl/detail/mutation.hpp"

namespace {

using asyncl::models::Model;
using asyncl::models::Outcome;
using asyncl::models::Search;
using asyncl::models::SearchSetting;

constexpr int kUsage = 2;

const char* search_name(Search search) {
  switch (search) {
    case Search::full:
      return "full";
    case Search::context_bound:
      return "context_bound";
    case Search::random:
      return "random";
  }
  return "?";
}

std::string quoted(const char* text) {
  if (text == nullptr) return "null";
  std::string out = "\"";
  for (const char* c = text; *c != '\0'; ++c) {
    if (*c == '"' || *c == '\\') out += '\\';
    out += *c;
  }
  return out + "\"";
}

/// "DATA RACE" -> "relacy:data race", the detection name asyncl-verify compares.
std::string detection(rl::test_result_e result) {
  std::string out = "relacy:";
  for (const char* c = rl::test_result_str(result); *c != '\0'; ++c) {
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  }
  return out;
}

std::string setting_json(const SearchSetting& setting) {
  std::string out = "\"search\":\"" + std::string(search_name(setting.search)) + "\",\"bound\":";
  out += setting.search == Search::context_bound ? std::to_string(setting.bound) : "null";
  out += ",\"iterations\":";
  out += setting.search == Search::random ? std::to_string(setting.iterations) : "null";
  return out;
}

void list(const std::vector<Model>& models) {
  std::printf("[\n");
  for (std::size_t i = 0; i < models.size(); ++i) {
    const Model& m = models[i];
    std::string line =
        "{\"name\":" + quoted(m.name) + ",\"kind\":" + quoted(m.kind) +
        ",\"twin_of\":" + quoted(m.twin_of) + ",\"attacks\":" + quoted(m.attacks.c_str()) +
        ",\"description\":" + quoted(m.description) + ",\"threads\":" + std::to_string(m.threads) +
        ",\"spurious_wakeups\":" + (m.spurious_wakeups ? "true" : "false") +
        ",\"expected\":" + quoted(rl::test_result_str(m.expected)) + "," +
        setting_json(asyncl::models::search_for(m.threads, false)) + ",\"fast\":{" +
        setting_json(asyncl::models::search_for(m.threads, true)) + "}";
    if (m.expected != rl::test_result_success) {
      line += ",\"detectors\":{\"relacy\":" + quoted(detection(m.expected).c_str()) + "}";
    }
    std::printf("  %s}%s\n", line.c_str(), i + 1 < models.size() ? "," : "");
  }
  std::printf("]\n");
}

struct RunResult {
  bool as_expected;  // Relacy's result was the declared one
  bool found;        // Relacy found an error
};

/// Runs one entry and prints its line. The line reports what Relacy found, in the scenario contract
/// asyncl-verify reads: verdict "fail" and a "detection" when Relacy found an error, "pass" when it
/// found none.
RunResult run(const Model& m, bool fast) {
  const SearchSetting setting = asyncl::models::search_for(m.threads, fast);
  asyncl::detail::set_mutation(m.mutation);
  asyncl::detail::relacy_spurious_wakeups = m.spurious_wakeups;
  const Outcome outcome = m.run(setting);
  asyncl::detail::relacy_spurious_wakeups = true;
  asyncl::detail::set_mutation(asyncl::detail::Mutation::none);
  const bool found = outcome.result != rl::test_result_success;
  std::string line = "{\"scenario\":" + quoted(m.name) + ",\"kind\":" + quoted(m.kind) +
                     ",\"search\":\"" + search_name(setting.search) + "\",\"bound\":" +
                     (setting.search == Search::context_bound ? std::to_string(setting.bound)
                                                              : std::string("null")) +
                     ",\"iterations\":" + std::to_string(outcome.iterations) +
                     ",\"spurious_wakeups\":" + (m.spurious_wakeups ? "true" : "false");
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", outcome.seconds);
  line += ",\"seconds\":" + std::string(seconds) +
          ",\"expected\":" + quoted(rl::test_result_str(m.expected)) +
          ",\"result\":" + quoted(rl::test_result_str(outcome.result)) +
          ",\"as_expected\":" + (outcome.matched ? "true" : "false") +
          ",\"verdict\":" + (found ? "\"fail\"" : "\"pass\"");
  if (found) line += ",\"detection\":" + quoted(detection(outcome.result).c_str());
  std::printf("%s}\n", line.c_str());
  std::fflush(stdout);
  if (!outcome.matched) {
    std::fprintf(stderr, "asyncl-models: %s: expected %s, Relacy found %s\n%s\n", m.name,
                 rl::test_result_str(m.expected), rl::test_result_str(outcome.result),
                 asyncl::models::last_relacy_output());
  }
  return {outcome.matched, found};
}

int usage(const char* message) {
  std::fprintf(stderr,
               "asyncl-models: %s\n"
               "usage: asyncl-models list\n"
               "       asyncl-models run NAME [--fast] [--iterations N] [--seed S] [--mode M]\n"
               "       asyncl-models check NAME [--fast]\n"
               "       asyncl-models run-all [--fast]\n",
               message);
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Model> models = asyncl::models::catalog();
  if (argc < 2) return usage("no command");
  const std::string_view command = argv[1];
  if (command == "list") {
    if (argc != 2) return usage("list takes no arguments");
    list(models);
    return 0;
  }
  const bool named = command == "run" || command == "check";
  bool fast = false;
  for (int i = named ? 3 : 2; i < argc; ++i) {
    const std::string_view option(argv[i]);
    if (option == "--fast") {
      fast = true;
    } else if (command == "run" &&
               (option == "--iterations" || option == "--seed" || option == "--mode") &&
               i + 1 < argc) {
      ++i;  // asyncl-verify passes these to every scenario binary; a model's search is its own.
    } else {
      return usage("unknown option");
    }
  }
  if (named) {
    if (argc < 3) return usage("run and check need a model name");
    for (const Model& m : models) {
      if (m.name != std::string_view(argv[2])) continue;
      const RunResult result = run(m, fast);
      // check: exit 0 when Relacy's result was the declared one (ctest).
      // run: the scenario contract asyncl-verify judges: 3 when Relacy found an error, else 0.
      if (command == "check") return result.as_expected ? 0 : 1;
      return result.found ? 3 : 0;
    }
    return usage("no model of that name (see `asyncl-models list`)");
  }
  if (command == "run-all") {
    bool all = true;
    for (const Model& m : models) all = run(m, fast).as_expected && all;
    return all ? 0 : 1;
  }
  return usage("unknown command");
}
