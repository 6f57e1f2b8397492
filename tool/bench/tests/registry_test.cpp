#include "asyncl_bench/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "asyncl_bench/arguments.hpp"

namespace {

// Stand-ins for the library's mode types, so the registry is tested without the library.
namespace stand_in_mode {
struct leaky {};
struct barrier {};
struct shared {};
}  // namespace stand_in_mode

// The macro only spells `fn<mode_namespace::leaky>`, so enumerators work as modes too.
enum class EnumMode { leaky, barrier, shared };

template <class Mode>
void probe(benchmark::State& state) {
  for (auto _ : state) {
  }
}

template <EnumMode Mode>
void enum_probe(benchmark::State& state) {
  for (auto _ : state) {
  }
}

void probe_raw(benchmark::State& state) {
  for (auto _ : state) {
  }
}

void in_microseconds(benchmark::internal::Benchmark* benchmark) {
  benchmark->Unit(benchmark::kMicrosecond);
}

}  // namespace

ASYNCL_BENCH_PER_MODE_IN(stand_in_mode, "registry_test/probe", probe);
ASYNCL_BENCH_BASELINE("registry_test/probe", probe_raw);
ASYNCL_BENCH_PER_MODE_IN(EnumMode, "registry_test/enum", enum_probe, in_microseconds);
ASYNCL_BENCH_BASELINE("registry_test/raw_only", probe_raw, in_microseconds);

namespace asyncl::bench {
namespace {

std::vector<std::string> names(const std::vector<BenchmarkEntry>& entries) {
  std::vector<std::string> result;
  for (const BenchmarkEntry& entry : entries) result.push_back(entry.name());
  return result;
}

const BenchmarkEntry& entry_named(const std::string& name) {
  const auto& entries = registered_benchmarks();
  const auto found = std::find_if(entries.begin(), entries.end(), [&](const BenchmarkEntry& entry) {
    return entry.name() == name;
  });
  if (found == entries.end()) throw std::runtime_error("not registered: " + name);
  return *found;
}

TEST(Registry, RegistersOneBenchmarkPerModeThenTheBaseline) {
  EXPECT_EQ(names(registered_benchmarks()),
            (std::vector<std::string>{"registry_test/probe/leaky", "registry_test/probe/barrier",
                                      "registry_test/probe/shared", "registry_test/probe/raw",
                                      "registry_test/enum/leaky", "registry_test/enum/barrier",
                                      "registry_test/enum/shared", "registry_test/raw_only/raw"}));
}

TEST(Registry, EachModeGetsItsOwnInstantiation) {
  EXPECT_EQ(entry_named("registry_test/probe/leaky").function, &probe<stand_in_mode::leaky>);
  EXPECT_EQ(entry_named("registry_test/probe/barrier").function, &probe<stand_in_mode::barrier>);
  EXPECT_EQ(entry_named("registry_test/probe/shared").function, &probe<stand_in_mode::shared>);
  EXPECT_EQ(entry_named("registry_test/enum/shared").function, &enum_probe<EnumMode::shared>);
  EXPECT_EQ(entry_named("registry_test/probe/raw").function, &probe_raw);
  EXPECT_EQ(entry_named("registry_test/probe/raw").family, "registry_test/probe");
  EXPECT_EQ(entry_named("registry_test/probe/raw").variant, "raw");
}

TEST(Registry, KeepsTheConfigureFunctionForEveryVariant) {
  EXPECT_EQ(entry_named("registry_test/probe/leaky").configure, nullptr);
  EXPECT_EQ(entry_named("registry_test/enum/leaky").configure, &in_microseconds);
  EXPECT_EQ(entry_named("registry_test/enum/barrier").configure, &in_microseconds);
  EXPECT_EQ(entry_named("registry_test/raw_only/raw").configure, &in_microseconds);
}

TEST(SelectBenchmarks, TakesTheNamedModesAndEveryBaseline) {
  EXPECT_EQ(names(select_benchmarks(registered_benchmarks(), {"barrier"}, std::nullopt)),
            (std::vector<std::string>{"registry_test/probe/barrier", "registry_test/probe/raw",
                                      "registry_test/enum/barrier", "registry_test/raw_only/raw"}));
}

TEST(SelectBenchmarks, AppliesTheFilterToTheFullName) {
  EXPECT_EQ(names(select_benchmarks(registered_benchmarks(), {"leaky", "shared"},
                                    compile_filter(std::string("probe/(shared|raw)")))),
            (std::vector<std::string>{"registry_test/probe/shared", "registry_test/probe/raw"}));
  EXPECT_TRUE(
      select_benchmarks(registered_benchmarks(), {"leaky"}, compile_filter(std::string("nothing")))
          .empty());
}

TEST(FilterBenchmarks, KeepsEveryVariant) {
  EXPECT_EQ(names(filter_benchmarks(registered_benchmarks(), compile_filter(std::string("enum")))),
            (std::vector<std::string>{"registry_test/enum/leaky", "registry_test/enum/barrier",
                                      "registry_test/enum/shared"}));
  EXPECT_EQ(filter_benchmarks(registered_benchmarks(), std::nullopt).size(),
            registered_benchmarks().size());
}

void register_family(const char* family) { register_variants(family, {{"raw", &probe_raw}}); }
void register_variant(const char* variant) {
  register_variants("registry_test/other", {{variant, &probe_raw}});
}

TEST(RegistryDeathTest, RejectsMalformedAndRepeatedNames) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(register_family("registry_test/probe"), "registered twice");
  EXPECT_DEATH(register_family("ends/with/slash/"), "invalid benchmark registration");
  EXPECT_DEATH(register_family(""), "invalid benchmark registration");
  EXPECT_DEATH(register_variant("fast"), "leaky, barrier, shared or raw");
}

}  // namespace
}  // namespace asyncl::bench
