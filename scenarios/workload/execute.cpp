#include "workload/execute.hpp"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string_view>

#include "asyncl/detail/perturbation.hpp"
#include "asyncl/runtime.hpp"
#include "workload/operations.hpp"

namespace asyncl::scenarios::workload {
namespace {

Runtime build_runtime(const Program& program) {
  Runtime::Builder builder;
  if (program.multi_thread) {
    builder.multi_thread().worker_threads(static_cast<std::size_t>(program.workers));
  } else {
    builder.current_thread();
  }
  builder.max_blocking_threads(static_cast<std::size_t>(program.max_blocking));
  if (program.short_keep_alive) builder.blocking_keep_alive(std::chrono::milliseconds(1));
  builder.barrier_protected(program.barrier_protected);
  return builder.build();
}

Task<void> run_traced(Env* env, std::size_t i) {
  Trace& trace = env->trace();
  trace.state[i].store(1);
  co_await run_op(*env, env->program().ops[i], static_cast<int>(i));
  trace.state[i].store(2);
  trace.operations_executed.fetch_add(1);
}

Task<void> run_concurrently(Env* env, std::size_t i) {
  co_await run_traced(env, i);
  env->concurrent.fetch_sub(1);
}

Task<void> root(Env* env) {
  const Program& program = env->program();
  for (std::size_t i = 0; i < program.ops.size() && i < static_cast<std::size_t>(Trace::kMaxOps);
       ++i) {
    if (program.ops[i].concurrent) {
      env->concurrent.fetch_add(1);
      (void)spawn(run_concurrently(env, i));
    } else {
      co_await run_traced(env, i);
    }
  }
  co_await settle(env->concurrent);
  if (program.ending == Ending::settle) co_await settle(env->background);
}

}  // namespace

void execute(const Program& program, Trace& trace) {
  // Seeded by the program: replaying the seed replays the perturbation decisions (per thread).
  const char* perturb = std::getenv("ASYNCL_WORKLOAD_PERTURB");
  const bool perturbed = perturb == nullptr || std::string_view(perturb) != "0";
  detail::set_perturbation(perturbed ? program.seed * 2 + 1 : 0);
  auto env = std::make_unique<Env>(program, trace);  // large (token table): not on the stack
  {
    Runtime runtime = build_runtime(program);
    env->runtime = &runtime;
    try {
      runtime.block_on(root(env.get()));
    } catch (const std::exception& error) {
      fail(*env, -1, std::string("the root task threw: ") + error.what());
    }
  }
  env->join_foreign_threads();
  env->check_tokens();
}

}  // namespace asyncl::scenarios::workload
