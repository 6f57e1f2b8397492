#include "tool_common/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

extern char** environ;

namespace asyncl::tool {
namespace {

// Process group of the child being run, for the interrupt handler; 0 when none.
std::atomic<pid_t> active_group{0};

void forward_interrupt(int signal_number) {
  const pid_t group = active_group.load();
  if (group > 0) ::kill(-group, SIGKILL);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~FileDescriptor() { reset(); }

  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  FileDescriptor read_end;
  FileDescriptor write_end;
};

std::optional<Pipe> make_pipe(std::string& error) {
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  Pipe pipe;
  pipe.read_end = FileDescriptor(fds[0]);
  pipe.write_end = FileDescriptor(fds[1]);
  return pipe;
}

// Appends what is readable on `fd` to `sink`; returns false at end of file.
bool drain_once(int fd, std::string& sink) {
  std::array<char, 65536> buffer{};
  const ssize_t count = ::read(fd, buffer.data(), buffer.size());
  if (count < 0) return errno == EINTR || errno == EAGAIN;
  if (count == 0) return false;
  const std::size_t room = kMaxCapturedBytes - std::min(kMaxCapturedBytes, sink.size());
  sink.append(buffer.data(), std::min(room, static_cast<std::size_t>(count)));
  return true;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const std::string& text : strings) pointers.push_back(const_cast<char*>(text.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

class SpawnSettings {
 public:
  SpawnSettings(int stdout_fd, int stderr_fd, const std::string& working_directory) {
    ::posix_spawn_file_actions_init(&actions_);
    ::posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions_, stdout_fd, 1);
    ::posix_spawn_file_actions_adddup2(&actions_, stderr_fd, 2);
    if (!working_directory.empty()) {
      ::posix_spawn_file_actions_addchdir_np(&actions_, working_directory.c_str());
    }
    ::posix_spawnattr_init(&attributes_);
    sigset_t empty;
    sigemptyset(&empty);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
      sigaddset(&defaults, signal_number);
    }
    ::posix_spawnattr_setsigmask(&attributes_, &empty);
    ::posix_spawnattr_setsigdefault(&attributes_, &defaults);
    ::posix_spawnattr_setpgroup(&attributes_, 0);
    ::posix_spawnattr_setflags(
        &attributes_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  SpawnSettings(const SpawnSettings&) = delete;
  SpawnSettings& operator=(const SpawnSettings&) = delete;
  ~SpawnSettings() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attributes_);
  }

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_{};
  posix_spawnattr_t attributes_{};
};

}  // namespace

ProcessResult run_process(const ProcessRequest& request, const std::string& working_directory) {
  using Clock = std::chrono::steady_clock;
  ProcessResult result;
  if (request.argv.empty()) {
    result.spawn_error = "no command";
    return result;
  }
  auto out = make_pipe(result.spawn_error);
  if (!out) return result;
  auto err = make_pipe(result.spawn_error);
  if (!err) return result;

  const Clock::time_point start = Clock::now();
  pid_t pid = 0;
  {
    const SpawnSettings settings(out->write_end.get(), err->write_end.get(), working_directory);
    const std::vector<char*> argv = c_strings(request.argv);
    const std::vector<char*> envp = c_strings(request.environment);
    const int status = ::posix_spawnp(&pid, argv[0], settings.actions(), settings.attributes(),
                                      argv.data(), envp.data());
    if (status != 0) {
      result.spawn_error = request.argv[0] + ": " + std::strerror(status);
      return result;
    }
  }
  active_group.store(pid);
  out->write_end.reset();
  err->write_end.reset();

  const bool has_deadline = request.timeout.count() > 0;
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(request.timeout);
  bool out_open = true;
  bool err_open = true;
  bool exited = false;  // the child is a zombie: its pid (and group id) cannot be reused yet
  while (out_open || err_open || !exited) {
    if (!exited) {
      siginfo_t info{};
      const int waited =
          ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
      if ((waited == 0 && info.si_pid == pid) || (waited != 0 && errno == ECHILD)) {
        exited = true;
        ::kill(-pid, SIGKILL);  // leftovers in its group would keep the pipes open
      }
    }
    if (!exited && has_deadline && !result.timed_out && Clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
    }
    std::array<pollfd, 2> fds{};
    nfds_t count = 0;
    if (out_open) fds[count++] = pollfd{out->read_end.get(), POLLIN, 0};
    if (err_open) fds[count++] = pollfd{err->read_end.get(), POLLIN, 0};
    if (count == 0) {
      ::usleep(10'000);  // pipes closed, child still running: wait for its exit
      continue;
    }
    const int ready = ::poll(fds.data(), count, exited ? 100 : 20);
    if (ready <= 0) continue;
    for (nfds_t index = 0; index < count; ++index) {
      if (fds[index].revents == 0) continue;
      const bool is_out = out_open && fds[index].fd == out->read_end.get();
      if (!drain_once(fds[index].fd, is_out ? result.stdout_text : result.stderr_text)) {
        (is_out ? out_open : err_open) = false;
      }
    }
  }
  int status = 0;
  pid_t waited = 0;
  do {
    waited = ::waitpid(pid, &status, 0);
  } while (waited < 0 && errno == EINTR);
  active_group.store(0);
  result.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (waited != pid) {
    result.spawn_error =
        request.argv[0] + ": its exit status was lost (" + std::strerror(errno) + ")";
    return result;
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    environment.emplace_back(*entry);
  }
  return environment;
}

std::vector<std::string> with_appended_option(std::vector<std::string> environment,
                                              std::string_view name, std::string_view options) {
  const std::string prefix = std::string(name) + "=";
  for (std::string& entry : environment) {
    if (entry.starts_with(prefix)) {
      if (entry.size() > prefix.size()) entry += ' ';
      entry += options;
      return environment;
    }
  }
  environment.push_back(prefix + std::string(options));
  return environment;
}

std::string signal_name(int signal_number) {
  if (const char* abbreviation = ::sigabbrev_np(signal_number)) {
    return std::string("SIG") + abbreviation;
  }
  return "signal " + std::to_string(signal_number);
}

void install_interrupt_forwarding() {
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction action {};
    action.sa_handler = forward_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace asyncl::tool
