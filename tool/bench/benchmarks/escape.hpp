#pragma once
// Keeping the optimizer from removing or hoisting the work a benchmark loop measures, in a form
// that g++ 12 honours.
//
// Defines:
//   asyncl::bench::keep(value)   the value must exist in a register here: whatever computed it
//                                (a load through a pointer) happens on every iteration
//   asyncl::bench::hide(object)  the object may have been read and rewritten here: everything
//                                read from it afterwards is read from memory again
//
// Why not benchmark::DoNotOptimize. Google Benchmark 1.7.1, with g++, gives a trivially copyable
// value of pointer size the constraint "+m,r". g++ 12 at -O2 then drops the load that produced
// the value: `DoNotOptimize(pointer); std::uint64_t v = *pointer; DoNotOptimize(v);` in a
// benchmark loop compiles to a bare loop counter, with no load at all (checked with objdump), so
// the loop measures nothing. keep() uses the single constraint "r", which forces the load;
// hide() uses "+m", which works for objects of any type (a LocalRef included) and makes the
// compiler reload the object's members after it.
//
// Thread safety: no state; usable from any thread.

namespace asyncl::bench {

template <class T>
inline __attribute__((always_inline)) void keep(const T& value) noexcept {
  asm volatile("" : : "r"(value) : "memory");
}

template <class T>
inline __attribute__((always_inline)) void hide(T& object) noexcept {
  asm volatile("" : "+m"(object) : : "memory");
}

}  // namespace asyncl::bench
