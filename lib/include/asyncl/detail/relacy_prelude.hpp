#pragma once
// asyncl/detail/relacy_prelude.hpp — includes Relacy so that ordinary C++ compiles after it.
//
// Only for model-checking builds (ASYNCL_RELACY, scenarios/models). A Relacy translation unit
// includes this first, directly or through atomics.hpp:
//
//   #include "asyncl/detail/relacy_prelude.hpp"
//   #include "asyncl/detail/shutdown_barrier.hpp"   // the real protocol code, on Relacy's types
//
// Why a prelude (the Debian package relacy-dev is a 2019 snapshot; see docs/hazards.md, "Relacy"):
//   - relacy/relacy_std.hpp does not compile with libstdc++ 12, so this includes
//     relacy/relacy.hpp and the shim in atomics_relacy.hpp maps asyncl's names onto rl:: types.
//   - relacy/relacy.hpp #defines new, delete, malloc, free, assert, errno and memory_order_*: every
//     standard header must be included before it (later includes are then no-ops). The list
//     below is every standard header asyncl's protocol headers and the models use; extend it
//     when they start using another. <cassert> has no include guard: do not include it again.
//   - The macros that break ordinary C++ are removed again afterwards. Relacy still sees every
//     allocation: it replaces the global operator new and delete, so use-after-free, double
//     free and leaks are reported without the macros.

#if !defined(ASYNCL_RELACY)
#error "asyncl/detail/relacy_prelude.hpp is only for ASYNCL_RELACY (model-checking) builds"
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <cassert>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <relacy/relacy.hpp>

// memory_order_acquire and friends expand to "mo_acquire, $", which breaks
// std::memory_order_acquire in the protocol headers.
#undef memory_order_relaxed
#undef memory_order_consume
#undef memory_order_acquire
#undef memory_order_release
#undef memory_order_acq_rel
#undef memory_order_seq_cst
// `new`/`delete` break `= delete;`, placement new and ::operator new; malloc/free break
// std::malloc and std::free.
#undef new
#undef delete
#undef malloc
#undef calloc
#undef realloc
#undef free

// Relacy replaces only the unsized global operator delete. Sized deallocation (on by default in
// g++ and in clang >= 19, also used for coroutine frames) would hand a Relacy block to libc's
// free(): "free(): invalid pointer". The build passes -fno-sized-deallocation; these forward
// the sized forms to Relacy's unsized ones in case a translation unit is built without it.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winline-new-delete"
#endif
inline void operator delete(void* p, std::size_t) noexcept { ::operator delete(p); }
inline void operator delete[](void* p, std::size_t) noexcept { ::operator delete[](p); }
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
