// scenarios/models/model_support.cpp — what the models need from lib/src, which they do not link.
//
// The protocol headers call three functions that the library defines out of line:
// this_thread_context() (one ThreadContext per Relacy thread here: Relacy threads are fibers of
// one OS thread, so the library's real thread_local would be shared by all of them),
// active_mutation() and fatal(). The rest is the catalog and the search settings.

#include "model.hpp"
//
#include "asyncl/detail/thread_context.hpp"

namespace asyncl::detail {

namespace {

constexpr unsigned kMaxThreads = 8;
ThreadContext g_contexts[kMaxThreads];
Mutation g_mutation = Mutation::none;

}  // namespace

/// The calling Relacy thread's context, value-initialized on its first use in every iteration:
/// rl::thread_local_var is reset to null when an iteration starts.
ThreadContext& this_thread_context() noexcept {
  static rl::thread_local_var<ThreadContext*> slot;
  ThreadContext* context = slot.get(RL_INFO);
  if (context == nullptr) {
    RL_ASSERT(rl::thread_index() < kMaxThreads);
    context = &g_contexts[rl::thread_index()];
    *context = ThreadContext{};
    slot.set(context, RL_INFO);
  }
  return *context;
}

// Written by the driver between simulations only.
void set_mutation(Mutation m) noexcept { g_mutation = m; }
Mutation active_mutation() noexcept { return g_mutation; }

[[noreturn]] void fatal(const char* message) noexcept {
  std::fprintf(stderr, "%s\n", message);
  std::abort();
}

}  // namespace asyncl::detail

namespace asyncl::models {

SearchSetting search_for(unsigned threads, bool fast) {
  if (threads <= 2) return {Search::full, 0, 0};
  if (threads == 3) return {Search::context_bound, fast ? 1u : 2u, 0};
  return {Search::random, 0, fast ? 10'000ull : 100'000ull};
}

namespace internal {

FixedBuffer& relacy_output() {
  static FixedBuffer buffer(1 << 20);
  return buffer;
}

rl::test_params params_for(const SearchSetting& setting, std::ostream& out) {
  rl::test_params params;
  params.output_stream = &out;
  params.progress_stream = &out;
  switch (setting.search) {
    case Search::full:
      params.search_type = rl::sched_full;
      break;
    case Search::context_bound:
      params.search_type = rl::sched_bound;
      params.context_bound = setting.bound;
      break;
    case Search::random:
      params.search_type = rl::sched_random;
      params.iteration_count = setting.iterations;
      break;
  }
  return params;
}

}  // namespace internal

const char* last_relacy_output() { return internal::relacy_output().text(); }

std::vector<Model> catalog() {
  std::vector<Model> all;
  for (auto* part : {&shutdown_barrier_models, &work_queue_models, &task_local_models,
                     &idle_set_models, &task_state_models}) {
    for (Model& model : part()) all.push_back(model);
  }
  return all;
}

}  // namespace asyncl::models
