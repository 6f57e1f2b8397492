// tool_common/process.hpp — runs one child process with captured output and a deadline.
//
// Defines:
//   ProcessRequest     argv, the complete environment, a timeout
//   ProcessResult      exit code or signal, whether the deadline killed it, stdout, stderr, time
//   run_process(request)
//   current_environment()         this process's environment as "NAME=value" strings
//   with_appended_option(env, name, options)  appends sanitizer-style options to a variable
//   signal_name(number)           "SIGSEGV"
//   install_interrupt_forwarding()  SIGINT/SIGTERM/SIGHUP also kill the running child's group
//
// Example:
//   auto result = asyncl::tool::run_process({{"/bin/true"}, current_environment(), 10s});
//   if (result.exit_code == 0) ...
//
// The child runs in its own process group with stdin from /dev/null. At the deadline the whole
// group is killed with SIGKILL and `timed_out` is set. When the child exits, any process it left
// behind in its group is killed too, so a stray grandchild cannot hold the pipes open.
//
// Thread safety: run_process may be called from one thread at a time (interrupt forwarding
// tracks a single running child).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncl::tool {

struct ProcessRequest {
  std::vector<std::string> argv;             // argv[0] is a path, or a name looked up in PATH
  std::vector<std::string> environment;      // "NAME=value"; the child's complete environment
  std::chrono::duration<double> timeout{0};  // zero or less: no deadline
};

struct ProcessResult {
  std::optional<int> exit_code;  // set when the child exited normally
  std::optional<int> signal;     // set when a signal ended it (including our SIGKILL at timeout)
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
  double duration_s = 0.0;
  std::string spawn_error;  // non-empty when the child could not be started (or reaped)

  bool started() const { return spawn_error.empty(); }
};

// Captured output beyond this many bytes per stream is read and dropped.
inline constexpr std::size_t kMaxCapturedBytes = std::size_t{32} << 20;

// `working_directory`: where the child starts; empty, this process's working directory.
ProcessResult run_process(const ProcessRequest& request, const std::string& working_directory = {});

std::vector<std::string> current_environment();

// Returns `environment` with `options` appended to variable `name` (space separated), so that
// for sanitizer options, which take the last value of a repeated flag, ours win.
std::vector<std::string> with_appended_option(std::vector<std::string> environment,
                                              std::string_view name, std::string_view options);

std::string signal_name(int signal_number);

void install_interrupt_forwarding();

}  // namespace asyncl::tool
