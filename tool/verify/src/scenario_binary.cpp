#include "verify/scenario_binary.hpp"

#include <unistd.h>

#include "tool_common/errors.hpp"

namespace asyncl::verify {
namespace {

// `list` and `info` only print; they get this long before they count as hung.
constexpr std::chrono::seconds kQueryTimeout{60};

std::string stderr_head(const tool::ProcessResult& result) {
  std::string text = result.stderr_text.substr(0, result.stderr_text.find('\n'));
  return text.empty() ? std::string{} : ": " + text;
}

std::string describe_exit(const tool::ProcessResult& result) {
  if (!result.started()) return "could not start (" + result.spawn_error + ")";
  if (result.timed_out) return "did not finish in " + std::to_string(kQueryTimeout.count()) + "s";
  if (result.signal)
    return "was killed by " + tool::signal_name(*result.signal) + stderr_head(result);
  return "exited " + std::to_string(result.exit_code.value_or(-1)) + stderr_head(result);
}

}  // namespace

std::vector<std::string> sanitizer_environment(std::vector<std::string> environment) {
  environment = tool::with_appended_option(std::move(environment), "TSAN_OPTIONS", kTsanOptions);
  environment = tool::with_appended_option(std::move(environment), "ASAN_OPTIONS", kAsanOptions);
  return tool::with_appended_option(std::move(environment), "UBSAN_OPTIONS", kUbsanOptions);
}

std::filesystem::path scenario_binary_path(const std::filesystem::path& build_root,
                                           std::string_view flavor) {
  if (flavor == "relacy") return build_root / "relacy" / "scenarios" / "models" / "asyncl-models";
  return build_root / std::string(flavor) / "scenarios" / "asyncl-scenarios";
}

std::string build_command(std::string_view flavor) {
  const std::string preset(flavor);
  return "cmake --preset " + preset + " && cmake --build --preset " + preset;
}

ScenarioBinary::ScenarioBinary(std::string flavor, std::filesystem::path path)
    : flavor_(std::move(flavor)), path_(std::move(path)) {}

ScenarioBinary ScenarioBinary::locate(const std::filesystem::path& build_root,
                                      std::string_view flavor,
                                      const std::filesystem::path& shown_root) {
  const std::filesystem::path path = scenario_binary_path(build_root, flavor);
  if (::access(path.c_str(), X_OK) != 0) {
    throw tool::EnvironmentError("no " + std::string(flavor) + " build at " +
                                 scenario_binary_path(shown_root, flavor).string() +
                                 "; run `make verify` or `" + build_command(flavor) + "`");
  }
  return ScenarioBinary(std::string(flavor), path);
}

std::vector<CatalogEntry> ScenarioBinary::list() const {
  const tool::ProcessResult result =
      tool::run_process({{path_.string(), "list"}, tool::current_environment(), kQueryTimeout});
  if (result.exit_code != 0) {
    throw tool::EnvironmentError("`" + path_.string() + " list` " + describe_exit(result));
  }
  const auto json = nlohmann::json::parse(result.stdout_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    throw tool::EnvironmentError("`" + path_.string() + " list` did not print JSON");
  }
  try {
    return parse_catalog(json);
  } catch (const std::invalid_argument& error) {
    throw tool::EnvironmentError("`" + path_.string() + " list`: " + error.what());
  }
}

FlavorBuild ScenarioBinary::info() const {
  FlavorBuild build;
  build.binary = path_.string();
  const tool::ProcessResult result =
      tool::run_process({{path_.string(), "info"}, tool::current_environment(), kQueryTimeout});
  if (result.exit_code != 0) return build;
  const auto json = nlohmann::json::parse(result.stdout_text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return build;
  const auto text = [&](const char* key) -> std::optional<std::string> {
    const auto found = json.find(key);
    if (found == json.end() || !found->is_string()) return std::nullopt;
    return found->get<std::string>();
  };
  build.compiler = text("compiler").value_or("unknown");
  build.compiler_version = text("compiler_version").value_or("unknown");
  build.flags = text("flags").value_or("unknown");
  build.build_type = text("build_type");
  return build;
}

tool::ProcessResult ScenarioBinary::run(const std::string& name, int iterations, std::uint64_t seed,
                                        const std::string& mode,
                                        std::chrono::duration<double> timeout) const {
  return tool::run_process(
      {{path_.string(), "run", name, "--iterations", std::to_string(iterations), "--seed",
        std::to_string(seed), "--mode", mode},
       sanitizer_environment(tool::current_environment()),
       timeout});
}

}  // namespace asyncl::verify
