#pragma once
// scenarios/models/model.hpp — what every Relacy model of asyncl-models shares.
//
// A model is an rl::test_suite that runs the real protocol headers (atomics.hpp maps their
// Atomic, Var, Mutex and CondVar to Relacy's types under ASYNCL_RELACY). A mutant is the same
// suite run with one Mutation switched on and the rl::test_result Relacy must find declared as
// the suite's expected result (its third template parameter): rl::simulate succeeds only when
// the run ends with exactly that result.
//
//   catalog()              every model and mutant, in the order `list` prints them
//   simulate_suite<Suite>  runs one suite quietly with a search setting; Relacy's own output
//                          goes to a fixed buffer (an ostringstream would grow on Relacy's heap
//                          during the run and crash when freed after it)
//
// Search settings follow one rule (search_for): full search for two threads, context bound 2
// for three (1 with --fast), and random search with 100,000 iterations for more (10,000 with
// --fast). A model may also switch off CondVar's spurious wakeups (atomics_relacy.hpp) and says
// so in `list` and `run`: a tree search branches on a possible spurious wakeup at every
// scheduling point while a thread waits, which the three-thread models cannot afford.

#include "asyncl/detail/relacy_prelude.hpp"
//
#include "asyncl/detail/mutation.hpp"
#include "asyncl/detail/shutdown_steps.hpp"

namespace asyncl::models {

enum class Search { full, context_bound, random };

struct SearchSetting {
  Search search = Search::full;
  unsigned bound = 0;                 // context bound; context_bound only
  unsigned long long iterations = 0;  // iterations to run; random only
};

/// The default search for `threads` Relacy threads; `fast` is ctest's lighter one.
SearchSetting search_for(unsigned threads, bool fast);

struct Outcome {
  rl::test_result_e result = rl::test_result_success;
  unsigned long long iterations = 0;  // explored (rl::test_params::stop_iteration)
  double seconds = 0;
  bool matched = false;  // result == the suite's expected result
};

struct Model {
  const char* name;
  const char* kind;     // "scenario" (a model of the correct code) or "mutant"
  const char* twin_of;  // the model a mutant breaks; nullptr for a model
  std::string attacks;  // the protocol step or rule it checks or breaks (detail::cite for a
                        // shutdown step)
  const char* description;
  detail::Mutation mutation;
  bool spurious_wakeups;  // CondVar may wake spuriously in this model
  unsigned threads;
  rl::test_result_e expected;
  Outcome (*run)(const SearchSetting&);
};

/// Relacy's own output of the last simulate_suite call (result and history on a mismatch).
const char* last_relacy_output();

namespace internal {

/// A streambuf over a buffer allocated before any simulation; it never grows (drops the rest).
class FixedBuffer : public std::streambuf {
 public:
  explicit FixedBuffer(std::size_t capacity) : storage_(capacity) { reset(); }
  void reset() { setp(storage_.data(), storage_.data() + storage_.size() - 1); }
  const char* text() {
    *pptr() = '\0';
    return pbase();
  }

 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }

 private:
  std::vector<char> storage_;
};

FixedBuffer& relacy_output();
rl::test_params params_for(const SearchSetting& setting, std::ostream& out);

}  // namespace internal

template <class Suite>
Outcome simulate_suite(const SearchSetting& setting) {
  internal::FixedBuffer& buffer = internal::relacy_output();
  buffer.reset();
  std::ostream out(&buffer);
  rl::test_params params = internal::params_for(setting, out);
  const auto start = std::chrono::steady_clock::now();
  const bool matched = rl::simulate<Suite>(params);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return Outcome{params.test_result, static_cast<unsigned long long>(params.stop_iteration),
                 elapsed.count(), matched};
}

/// A catalog entry for Suite: its thread count and expected result come from the suite type.
template <class Suite>
Model entry(const char* name, const char* kind, const char* twin_of, std::string attacks,
            const char* description, detail::Mutation mutation, bool spurious_wakeups) {
  return Model{name,
               kind,
               twin_of,
               std::move(attacks),
               description,
               mutation,
               spurious_wakeups,
               static_cast<unsigned>(Suite::params::static_thread_count),
               Suite::params::expected_result,
               &simulate_suite<Suite>};
}

// One function per model file, each returning its model and mutants.
std::vector<Model> shutdown_barrier_models();
std::vector<Model> work_queue_models();
std::vector<Model> task_local_models();
std::vector<Model> idle_set_models();
std::vector<Model> task_state_models();

std::vector<Model> catalog();

}  // namespace asyncl::models
