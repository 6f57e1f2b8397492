#pragma once
// Bytes asked of the global operator new while counting is on. asyncl-bench replaces the
// global operator new and delete (allocation_counter.cpp: malloc and free, plus one relaxed
// load of a flag per allocation) so that the memory workload of `asyncl-bench peers` can count
// what a spawn allocates, in this process, for every runtime that allocates through operator
// new (asyncl's and Asio's coroutine frames; oneTBB's tasks do not).
//
// Thread safety: counting() may be switched from any thread; allocations on every thread are
// counted while it is on.

#include <cstdint>

namespace asyncl::bench::peers {

void start_counting_allocations() noexcept;
// Stops counting and returns the bytes counted since start_counting_allocations().
std::uint64_t stop_counting_allocations() noexcept;

}  // namespace asyncl::bench::peers
