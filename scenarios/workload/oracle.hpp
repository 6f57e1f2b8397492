#pragma once
// scenarios/workload/oracle.hpp — what a running workload program checks, and where it writes
// what it found.
//
//   Trace      shared (MAP_SHARED) between the program's process and the driver that forked it:
//              which operations started and finished (the watchdog prints it for a hung
//              program) and the oracle's failure message
//   Env        one program's run: its runtime, counters, foreign threads, the frame tokens
//   Token      a counted object that lives in a task frame: every Token must be destroyed exactly
//              once by the time the runtime is gone (a double destruction fails at once)
//   fail(...)  records the oracle's message in the trace and ends the process with exit 3
//
// Thread safety: Env's counters are atomics; fail() may be called from any thread (the first
// caller wins).

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "asyncl/runtime.hpp"

namespace asyncl::scenarios::workload {

struct Program;

struct Trace {
  static constexpr int kMaxOps = 64;
  static constexpr std::size_t kMessageBytes = 2048;
  std::atomic<int> state[kMaxOps];  // 0 not started, 1 running, 2 finished
  std::atomic<long> operations_executed;
  std::atomic<int> failed;
  char message[kMessageBytes];

  void reset() noexcept;
};

/// A Trace in memory shared with the processes fork() makes from now on.
Trace* make_shared_trace();

inline constexpr int kExitOracle = 3;

class Env {
 public:
  static constexpr int kMaxTokens = 1 << 14;

  Env(const Program& program, Trace& trace) : program_(program), trace_(trace) {}
  Env(const Env&) = delete;
  Env& operator=(const Env&) = delete;

  const Program& program() const noexcept { return program_; }
  Trace& trace() noexcept { return trace_; }
  Runtime* runtime = nullptr;

  /// Detached children and closures that have not finished yet (Ending::settle waits for 0).
  std::atomic<long> background{0};
  /// Concurrent operations that have not finished yet (the root waits for 0 before the ending).
  std::atomic<long> concurrent{0};
  /// Foreign threads still spawning through a Runtime::Handle of this runtime on their own (not
  /// waited for by the ending: they race the runtime's destruction). A fault operation waits for
  /// 0, as for the two counters above, before it injects failures.
  std::atomic<long> spawners{0};

  /// A std::thread the program starts (foreign spawns, notifies, awaiter resumes); joined after
  /// the runtime is gone.
  void adopt(std::thread thread);
  void join_foreign_threads();

  int new_token(int op);
  void token_destroyed(int id);
  bool token_alive(int id) const noexcept {
    return destroyed_[id].load(std::memory_order_acquire) == 0;
  }
  /// Every token destroyed exactly once; fails otherwise.
  void check_tokens();

 private:
  const Program& program_;
  Trace& trace_;
  std::atomic<int> next_token_{0};
  std::atomic<int> destroyed_[kMaxTokens] = {};
  int token_op_[kMaxTokens] = {};
  std::mutex threads_mutex_;
  std::vector<std::thread> threads_;
};

/// Records "op N (variant): message" and ends the process (exit 3). op -1: the program itself.
[[noreturn]] void fail(Env& env, int op, const std::string& message);

/// Lives in a task frame (usually as a coroutine parameter, moved into the frame).
class Token {
 public:
  Token(Env& env, int op) : env_(&env), id_(env.new_token(op)) {}
  Token(Token&& other) noexcept : env_(other.env_), id_(std::exchange(other.id_, -1)) {}
  Token& operator=(Token&&) = delete;
  ~Token() {
    if (id_ >= 0) env_->token_destroyed(id_);
  }
  int id() const noexcept { return id_; }

 private:
  Env* env_;
  int id_;
};

/// Keeps Env::background raised while it lives (in a detached child's frame, or a closure).
class Background {
 public:
  explicit Background(Env& env) : env_(&env) { env.background.fetch_add(1); }
  Background(Background&& other) noexcept : env_(std::exchange(other.env_, nullptr)) {}
  Background& operator=(Background&&) = delete;
  ~Background() {
    if (env_ != nullptr) env_->background.fetch_sub(1);
  }

 private:
  Env* env_;
};

}  // namespace asyncl::scenarios::workload
