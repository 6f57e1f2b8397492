#pragma once
// lib/tests/flavors.hpp — what the tests of both runtime flavors share: the runtimes they build,
// one parameterized fixture, and the process's CPU time (for the tests that idle must not spin).
//
//   class SleepEdges : public asyncl::testing::FlavorTest {};
//   ASYNCL_TEST_BOTH_FLAVORS(Sync, SleepEdges);   // .../MultiThread and .../CurrentThread
//   TEST_P(SleepEdges, X) { asyncl::Runtime rt = make(); ... }

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "asyncl/runtime.hpp"

namespace asyncl::testing {

inline Runtime multi(std::size_t workers = 2) {
  return Runtime::Builder().worker_threads(workers).build();
}
inline Runtime single() { return Runtime::Builder().current_thread().build(); }

class FlavorTest : public ::testing::TestWithParam<Runtime::Flavor> {
 protected:
  /// A two-worker multi-thread runtime, or a current-thread one.
  Runtime make() const { return GetParam() == Runtime::Flavor::multi_thread ? multi() : single(); }
};

inline std::string flavor_name(const ::testing::TestParamInfo<Runtime::Flavor>& info) {
  return info.param == Runtime::Flavor::multi_thread ? "MultiThread" : "CurrentThread";
}

/// User plus system CPU time of this process so far.
inline std::chrono::microseconds process_cpu_time() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return std::chrono::seconds(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         std::chrono::microseconds(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace asyncl::testing

#define ASYNCL_TEST_BOTH_FLAVORS(prefix, fixture)                                        \
  INSTANTIATE_TEST_SUITE_P(prefix, fixture,                                              \
                           ::testing::Values(::asyncl::Runtime::Flavor::multi_thread,    \
                                             ::asyncl::Runtime::Flavor::current_thread), \
                           ::asyncl::testing::flavor_name)
