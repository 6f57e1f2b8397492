#include "workload/sandbox.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>

#include "workload/execute.hpp"

namespace asyncl::scenarios::workload {
namespace {

using Clock = std::chrono::steady_clock;

std::string read_all(std::FILE* file) {
  std::string text;
  std::rewind(file);
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  return text;
}

std::string line_at(std::string_view text, std::size_t position) {
  const std::size_t start = text.rfind('\n', position);
  const std::size_t begin = start == std::string_view::npos ? 0 : start + 1;
  const std::size_t end = text.find('\n', position);
  return std::string(
      text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
}

/// "asan:heap-use-after-free" from the first sanitizer headline, or "" when there is none;
/// `position` is where in `text` it starts.
std::string sanitizer_signature(std::string_view text, std::string& headline,
                                std::size_t& position) {
  static constexpr std::pair<std::string_view, std::string_view> kTools[] = {
      {"ThreadSanitizer: ", "tsan"},
      {"AddressSanitizer: ", "asan"},
      {"LeakSanitizer: ", "lsan"},
      {"UndefinedBehaviorSanitizer: ", "ubsan"}};
  std::size_t best = std::string_view::npos;
  std::string signature;
  for (const auto& [marker, tool] : kTools) {
    for (std::size_t at = text.find(marker); at != std::string_view::npos;
         at = text.find(marker, at + 1)) {
      const std::string line = line_at(text, at);
      if (line.find("WARNING: ") == std::string::npos && line.find("ERROR: ") == std::string::npos)
        continue;
      if (at < best) {
        best = at;
        std::string kind(text.substr(at + marker.size(), text.find('\n', at) - at - marker.size()));
        for (const std::string_view stop : {" on ", " (", " in ", " of "}) {
          const std::size_t cut = kind.find(stop);
          if (cut != std::string::npos) kind.erase(cut);
        }
        signature = std::string(tool) + ":" + kind;
        // ASan: the first frame too, so that two different use-after-frees shrink apart. (TSan
        // races are not: either access may come first.)
        if (tool == "asan") {
          const std::size_t frame = text.find("#0 ", at);
          const std::size_t in = frame == std::string_view::npos ? frame : text.find(" in ", frame);
          if (in != std::string_view::npos && in < text.find('\n', frame)) {
            std::string function(text.substr(in + 4, text.find_first_of(" \n", in + 4) - in - 4));
            signature += " in " + function.substr(0, function.find('('));
          }
        }
        headline = line;
      }
      break;
    }
  }
  const std::size_t ub = text.find("runtime error: ");
  position = std::min(best, ub);
  if (ub != std::string_view::npos && ub < best) {
    headline = line_at(text, ub);
    // The error's words, without the numbers that vary between runs.
    std::string what;
    for (const char c : headline.substr(headline.find("runtime error: ") + 15)) {
      if (c < '0' || c > '9') what += c;
    }
    return "ubsan:" + what;
  }
  return signature;
}

std::string variant_of(const char* message) {
  const char* open = std::strchr(message, '(');
  const char* close = open == nullptr ? nullptr : std::strchr(open, ')');
  if (open == nullptr || close == nullptr || std::strncmp(message, "op ", 3) != 0) return "program";
  return std::string(open + 1, close);
}

}  // namespace

std::string trace_text(const Program& program, const Trace& trace) {
  std::string text;
  for (std::size_t i = 0; i < program.ops.size() && i < static_cast<std::size_t>(Trace::kMaxOps);
       ++i) {
    const int state = trace.state[i].load();
    text += state == 2 ? "  done     " : state == 1 ? "  RUNNING  " : "  -        ";
    text += "/*" + std::to_string(i) + "*/ " + to_cpp(program.ops[i]) + "\n";
  }
  return text;
}

SandboxResult run_sandboxed(const Program& program, Trace& trace,
                            std::chrono::milliseconds timeout) {
  SandboxResult result;
  trace.reset();
  std::FILE* captured = std::tmpfile();
  if (captured == nullptr) throw std::runtime_error("workload: tmpfile() failed");
  std::fflush(stdout);
  std::fflush(stderr);
  const Clock::time_point started = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fclose(captured);
    throw std::runtime_error("workload: fork() failed");
  }
  if (pid == 0) {
    ::dup2(::fileno(captured), STDERR_FILENO);
    ::setvbuf(stderr, nullptr, _IONBF, 0);
    execute(program, trace);
    std::fflush(nullptr);
    std::exit(0);  // exit, not _exit: LeakSanitizer runs at exit
  }
  int status = 0;
  bool hung = false;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (Clock::now() - started > timeout) {
      hung = true;
      result.trace = trace_text(program, trace);  // before the kill: the child's last word
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.stderr_text = read_all(captured);
  std::fclose(captured);
  result.operations = trace.operations_executed.load();

  std::string headline;
  std::size_t sanitizer_at = std::string::npos;
  const std::string sanitizer = sanitizer_signature(result.stderr_text, headline, sanitizer_at);
  // The oracle ends the process with _exit while threads run: a report printed after its message
  // (TSan's "thread leak" at exit) is a consequence, not the finding.
  const bool oracle_first =
      trace.failed.load() != 0 && result.stderr_text.find("workload oracle: ") < sanitizer_at;
  if (hung) {
    result.signature = "hang";
    result.message =
        "no end within " + std::to_string(timeout.count()) + " ms (the watchdog killed it)";
  } else if (!sanitizer.empty() && !oracle_first) {
    result.signature = sanitizer;
    result.message = headline;
  } else if (trace.failed.load() != 0) {
    result.signature = "oracle:" + variant_of(trace.message);
    result.message = trace.message;
  } else if (WIFSIGNALED(status)) {
    result.signature = std::string("signal:") + ::strsignal(WTERMSIG(status));
    const std::size_t last = result.stderr_text.find_last_not_of('\n');
    result.message =
        last == std::string::npos ? result.signature : line_at(result.stderr_text, last);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    result.signature = "pass";
  } else {
    result.signature = "exit:" + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    result.message = result.signature;
  }
  return result;
}

}  // namespace asyncl::scenarios::workload
