#pragma once
// asyncl-bench's benchmark registry: every benchmark the tool can run, named so that
// `asyncl-bench compare` can put the context modes of one measurement side by side.
//
// Defines:
//   asyncl::bench::kModes, kBaselineVariant   the variant names ("leaky", "barrier", "shared",
//   "raw") asyncl::bench::BenchmarkEntry             one registered benchmark
//   asyncl::bench::register_variants()        the registration function the macros call
//   ASYNCL_BENCH_PER_MODE(family, fn)         registers fn<mode> once per context mode
//   ASYNCL_BENCH_BASELINE(family, fn)         registers a library-free baseline
//   asyncl::bench::registered_benchmarks(), select_benchmarks()
//
// Naming. Every benchmark is called "<family>/<variant>". The family says what is measured
// ("local_ref/create", "thread/churn"); the variant is a context mode ("leaky", "barrier",
// "shared") or "raw", a baseline that does the same work without the library. `compare` makes one
// row per family, with one column per named mode and the raw baseline beside them; ratios are
// taken against the first named mode and against the baseline.
//
// Adding a library benchmark for every mode. Write a function template that takes the mode as its
// template argument, in a file tool/bench/benchmarks/<topic>_bench.cpp (CMake compiles every
// *_bench.cpp in that folder into asyncl-bench), and register it once with ASYNCL_BENCH_PER_MODE:
//
//     #include <benchmark/benchmark.h>
//
//     #include <cstdint>
//
//     #include "asyncl/context.hpp"
//     #include "asyncl/runtime.hpp"
//     #include "asyncl/task.hpp"
//     #include "asyncl_bench/registry.hpp"
//
//     namespace {
//
//     template <class Mode>
//     inline constexpr auto create_key = asyncl::context<std::uint64_t, Mode>(
//         "local_ref/create", [] { return std::uint64_t{0}; });
//
//     template <class Mode>
//     asyncl::Task<void> local_ref_create_loop(benchmark::State& state) {
//       for (auto _ : state) {
//         auto ref = create_key<Mode>.local_ref();
//         benchmark::DoNotOptimize(ref);
//       }
//       co_return;
//     }
//
//     // Barrier mode allows local_ref() only on a runtime's threads: the loop runs in block_on.
//     template <class Mode>
//     void local_ref_create(benchmark::State& state) {
//       asyncl::Runtime runtime = asyncl::Runtime::Builder().current_thread().build();
//       runtime.block_on(local_ref_create_loop<Mode>(state));
//     }
//
//     }  // namespace
//
//     ASYNCL_BENCH_PER_MODE("local_ref/create", local_ref_create);
//
// That registers local_ref_create<asyncl::mode::leaky> as "local_ref/create/leaky", and likewise
// for barrier and shared. A benchmark that exists in some variants only is registered with the
// function the macros call:
//
//     [[maybe_unused]] static const bool registered = asyncl::bench::register_variants(
//         "runtime/shutdown", {{"barrier", &shutdown<asyncl::mode::barrier>},
//                              {"leaky", &shutdown<asyncl::mode::leaky>}});
//
// A baseline for the same family uses no library and is registered with
// ASYNCL_BENCH_BASELINE("local_ref/create", fn) (see benchmarks/raw_bench.cpp). Both macros take
// an optional last argument, a function `void(benchmark::internal::Benchmark*)` applied to every
// registered variant (for example to call ->Unit(benchmark::kMillisecond)); it must configure all
// variants of a family alike, and must not set repetitions or a minimum time, which `compare`
// controls for the whole run. The thread churn benchmark shares its body through
// thread_churn.hpp: `run_thread_churn(state, [] { touch the key once; })`.
// The measurement `compare` reads is real (wall-clock) time per iteration.
//
// Thread safety: registration happens during static initialization, before main; reading the
// registry is safe from any thread once main has started.

#include <benchmark/benchmark.h>

#include <array>
#include <initializer_list>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace asyncl::bench {

// The context modes, in the order `list` prints them.
inline constexpr std::array<std::string_view, 3> kModes{"leaky", "barrier", "shared"};

// The variant name of a library-free baseline.
inline constexpr std::string_view kBaselineVariant = "raw";

using BenchmarkFunction = void (*)(benchmark::State&);
using ConfigureFunction = void (*)(benchmark::internal::Benchmark*);

struct BenchmarkEntry {
  std::string family;
  std::string variant;  // a mode from kModes, or kBaselineVariant
  BenchmarkFunction function = nullptr;
  ConfigureFunction configure = nullptr;  // may be null

  // "<family>/<variant>", the name Google Benchmark reports.
  std::string name() const { return family + "/" + variant; }
};

struct VariantFunction {
  std::string_view variant;
  BenchmarkFunction function;
};

// Adds one entry per variant to the registry. A malformed family or variant name, or a name
// registered twice, is a programming error: it prints what is wrong and aborts. Returns true so
// that the macros can keep the result in a static variable.
bool register_variants(std::string_view family, std::initializer_list<VariantFunction> variants,
                       ConfigureFunction configure = nullptr);

// Every registered benchmark, in registration order.
const std::vector<BenchmarkEntry>& registered_benchmarks();

// The entries whose variant is one of `modes` or the baseline, and whose name contains a match of
// `filter` (std::regex_search), in registration order.
std::vector<BenchmarkEntry> select_benchmarks(const std::vector<BenchmarkEntry>& entries,
                                              const std::vector<std::string>& modes,
                                              const std::optional<std::regex>& filter);

// Every entry whose name matches `filter`, whatever its variant.
std::vector<BenchmarkEntry> filter_benchmarks(const std::vector<BenchmarkEntry>& entries,
                                              const std::optional<std::regex>& filter);

}  // namespace asyncl::bench

#define ASYNCL_INTERNAL_BENCH_CONCAT_IMPL(a, b) a##b
#define ASYNCL_INTERNAL_BENCH_CONCAT(a, b) ASYNCL_INTERNAL_BENCH_CONCAT_IMPL(a, b)
#define ASYNCL_INTERNAL_BENCH_REGISTERED \
  ASYNCL_INTERNAL_BENCH_CONCAT(asyncl_internal_bench_registered_, __LINE__)

// Registers function_template<mode_namespace::leaky> as "<family>/leaky", and so on for barrier
// and shared. ASYNCL_BENCH_PER_MODE uses the library's modes (::asyncl::mode); this form exists
// so the registry's own tests can substitute stand-in modes.
#define ASYNCL_BENCH_PER_MODE_IN(mode_namespace, family, function_template, ...) \
  [[maybe_unused]] static const bool ASYNCL_INTERNAL_BENCH_REGISTERED =          \
      ::asyncl::bench::register_variants(family, {                               \
        {"leaky", &function_template<mode_namespace::leaky>},                    \
            {"barrier", &function_template<mode_namespace::barrier>}, {          \
          "shared", &function_template<mode_namespace::shared>                   \
        }                                                                        \
      } __VA_OPT__(, ) __VA_ARGS__)

#define ASYNCL_BENCH_PER_MODE(family, function_template, ...) \
  ASYNCL_BENCH_PER_MODE_IN(::asyncl::mode, family, function_template __VA_OPT__(, ) __VA_ARGS__)

// Registers `function` as "<family>/raw".
#define ASYNCL_BENCH_BASELINE(family, function, ...)                    \
  [[maybe_unused]] static const bool ASYNCL_INTERNAL_BENCH_REGISTERED = \
      ::asyncl::bench::register_variants(family, {                      \
        { "raw", &function }                                            \
      } __VA_OPT__(, ) __VA_ARGS__)
