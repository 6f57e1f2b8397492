#include "workload/oracle.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <new>

#include "workload/program.hpp"

namespace asyncl::scenarios::workload {

void Trace::reset() noexcept {
  for (std::atomic<int>& s : state) s.store(0);
  operations_executed.store(0);
  failed.store(0);
  message[0] = '\0';
}

Trace* make_shared_trace() {
  void* memory =
      ::mmap(nullptr, sizeof(Trace), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  Trace* trace = new (memory) Trace();
  trace->reset();
  return trace;
}

void Env::adopt(std::thread thread) {
  std::lock_guard lock(threads_mutex_);
  threads_.push_back(std::move(thread));
}

void Env::join_foreign_threads() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(threads_mutex_);
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
}

int Env::new_token(int op) {
  const int id = next_token_.fetch_add(1);
  if (id >= kMaxTokens) fail(*this, op, "workload: too many frame tokens");
  token_op_[id] = op;
  return id;
}

void Env::token_destroyed(int id) {
  if (destroyed_[id].fetch_add(1, std::memory_order_acq_rel) != 0) {
    fail(*this, token_op_[id], "a task frame (or its parameter) was destroyed twice");
  }
}

void Env::check_tokens() {
  const int count = next_token_.load();
  for (int id = 0; id < count; ++id) {
    if (destroyed_[id].load() != 1) {
      fail(*this, token_op_[id], "a task frame was never destroyed (its runtime is gone)");
    }
  }
}

void fail(Env& env, int op, const std::string& message) {
  Trace& trace = env.trace();
  if (trace.failed.exchange(1) == 0) {
    std::string text;
    if (op >= 0 && static_cast<std::size_t>(op) < env.program().ops.size()) {
      text = "op " + std::to_string(op) + " (" + std::string(env.program().ops[op].variant->name) +
             "): ";
    }
    text += message;
    std::snprintf(trace.message, Trace::kMessageBytes, "%s", text.c_str());
    std::fprintf(stderr, "workload oracle: %s\n", trace.message);
    std::fflush(stderr);
    ::_exit(kExitOracle);
  }
  for (;;) ::pause();  // another thread is failing the process
}

}  // namespace asyncl::scenarios::workload
