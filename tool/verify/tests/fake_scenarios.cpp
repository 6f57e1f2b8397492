// A stand-in for asyncl-scenarios (and asyncl-models) that follows the scenario-binary contract,
// so asyncl-verify can be tested end to end without a sanitizer build. It is compiled once per
// flavor (FAKE_FLAVOR) into a directory layout like a real build root.
//
// Catalog: scenarios "alpha" and "beta"; mutant "alpha-skip-wait" (caught by a data race under
// tsan, a heap-use-after-free under asan, a model's own detection under relacy), mutant
// "beta-leak-value" (caught by a scenario assertion). A mutant prints a stored real sanitizer
// output from fixtures/ to stderr and exits with the code the sanitizer would.
//
// Environment knobs, each naming the scenario or mutant it affects:
//   FAKE_SCENARIOS_MISS   the mutant passes (not caught)
//   FAKE_SCENARIOS_WRONG  the mutant crashes with a SEGV report instead of its declared kind
//   FAKE_SCENARIOS_FAIL   the scenario fails its assertion (exit 3)
//   FAKE_SCENARIOS_HANG   it hangs, with a forked child that hangs too
//   FAKE_SCENARIOS_NO_INFO=1  `info` is not implemented (exit 2)
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view kFlavor = FAKE_FLAVOR;
constexpr std::string_view kFixtureDir = FAKE_FIXTURE_DIR;

bool knob_names(const char* knob, const std::string& name) {
  const char* value = std::getenv(knob);
  return value != nullptr && name == value;
}

std::string fixture(const std::string& file) {
  std::ifstream input(std::string(kFixtureDir) + "/" + file);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

std::string json_string(const char* value) {
  std::string quoted = "\"";
  for (const char* c = value == nullptr ? "" : value; *c != '\0'; ++c) {
    if (*c == '"' || *c == '\\') quoted += '\\';
    quoted += *c;
  }
  return quoted + "\"";
}

void print_line(const std::string& name, const std::string& iterations, const std::string& seed,
                const std::string& mode, bool pass, const std::string& extra = {}) {
  std::cout << "{\"scenario\":\"" << name << "\",\"iterations\":" << iterations
            << ",\"seed\":" << seed << ",\"mode\":\"" << mode << "\",\"verdict\":\""
            << (pass ? "pass" : "fail") << "\",\"failures\":[" << (pass ? "" : "\"assertion\"")
            << "]" << extra
            << ",\"detail\":{\"tsan_options\":" << json_string(std::getenv("TSAN_OPTIONS"))
            << ",\"asan_options\":" << json_string(std::getenv("ASAN_OPTIONS"))
            << ",\"ubsan_options\":" << json_string(std::getenv("UBSAN_OPTIONS")) << "}}"
            << std::endl;
}

int list() {
  std::cout
      << R"([{"name":"alpha","kind":"scenario"},)"
      << R"({"name":"beta","kind":"scenario","description":"second scenario"},)"
      << R"({"name":"alpha-skip-wait","kind":"mutant","twin_of":"alpha","attacks":"shutdown step 4",)"
      << R"("detectors":{"tsan":"tsan:data race","asan":"asan:heap-use-after-free","relacy":"relacy:data race"},)"
      << R"("description":"skips the barrier wait"},)"
      << R"({"name":"beta-leak-value","kind":"mutant","twin_of":"beta","attacks":"task-local restore",)"
      << R"("detectors":{"tsan":"scenario:assertion","asan":"scenario:assertion"}}])"
      << "\n";
  return 0;
}

int info() {
  if (std::getenv("FAKE_SCENARIOS_NO_INFO") != nullptr) return 2;
  std::cout << R"({"compiler":"fake-c++","compiler_version":"1.2.3","flags":"-O1 -g -f)" << kFlavor
            << R"(","flavor":")" << kFlavor << R"(","build_type":"Debug"})"
            << "\n";
  return 0;
}

[[noreturn]] void hang() {
  if (::fork() == 0) {
    ::pause();  // a grandchild that would keep the pipes open if it were not killed
  }
  ::pause();
  std::exit(0);
}

int run(const std::string& name, const std::string& iterations, const std::string& seed,
        const std::string& mode) {
  const bool known = name == "alpha" || name == "beta" || name == "alpha-skip-wait" ||
                     (name == "beta-leak-value" && kFlavor != "relacy");
  if (!known) {
    std::cerr << "asyncl-scenarios: unknown scenario " << name << "\n";
    return 2;
  }
  if (knob_names("FAKE_SCENARIOS_HANG", name)) hang();
  if (knob_names("FAKE_SCENARIOS_WRONG", name)) {
    std::cerr << fixture("gcc12-asan-wild-write.txt");
    return 67;
  }
  const bool mutant = name == "alpha-skip-wait" || name == "beta-leak-value";
  if (knob_names("FAKE_SCENARIOS_MISS", name) ||
      (!mutant && !knob_names("FAKE_SCENARIOS_FAIL", name))) {
    print_line(name, iterations, seed, mode, true);
    return 0;
  }
  if (name == "alpha-skip-wait" && kFlavor == "tsan") {
    std::cerr << fixture("gcc12-tsan-data-race.txt");
    return 66;
  }
  if (name == "alpha-skip-wait" && kFlavor == "asan") {
    std::cerr << fixture("clang19-asan-heap-use-after-free.txt");
    return 68;  // clang's ASan+UBSan runtime exits with UBSAN_OPTIONS' code
  }
  print_line(name, iterations, seed, mode, false,
             name == "alpha-skip-wait" ? ",\"detection\":\"relacy:data race\"" : "");
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "list" && argc == 2) return list();
  if (command == "info" && argc == 2) return info();
  if (command == "run" && argc == 9 && std::string_view(argv[3]) == "--iterations" &&
      std::string_view(argv[5]) == "--seed" && std::string_view(argv[7]) == "--mode") {
    return run(argv[2], argv[4], argv[6], argv[8]);
  }
  std::cerr << "usage: asyncl-scenarios list | info | run NAME --iterations N --seed S --mode M\n";
  return 2;
}
