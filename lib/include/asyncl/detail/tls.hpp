#pragma once
// asyncl/detail/tls.hpp — the one place asyncl takes the address of a thread-local object.
//
// Compilers may compute a thread-local's address once in a coroutine and reuse it after the
// coroutine resumed on another thread (clang 14 at -O1+: LLVM 47179, 47177, 63022, 111257;
// clang 16 at -O1+ hoists it out of a loop around a migrating co_await). The toolchain probe
// (g++ 12, clang 14, 16 and 19; -O0, -O1, -O2, TSan, ASan) found exactly one family of forms
// correct everywhere: a function that is not inlined, whose body reads the thread-local's
// address itself behind an `asm volatile` memory clobber, and which launders the result through
// `asm volatile("" : "+r"(p))` before returning it. Without the laundering (noinline + clobber
// only) clang 14 fails: its IPSCCP sees that the function returns the constant `@tl` and
// substitutes that constant for the call's result in the caller, so a pointer taken before a
// co_await is recomputed after the resume and silently denotes the new thread's object.
//
//   tls_address(access)   the generic form: `access` is a captureless callable that returns a
//                         reference to the thread-local; each distinct `access` type is its own
//                         out-of-line instantiation. Context<T, Mode> (context.hpp) uses it.
//   tls_addresses(access)  the same for two thread-locals in one call: `access` returns a
//                         TlsPair of their addresses (either may be null), each laundered. A
//                         barrier-mode local_ref() reads the thread's context and its slot so.
//
// this_thread_context() (lib/src/thread_context.cpp) and Context<T, Mode> both use them.

#include <memory>

#define ASYNCL_INTERNAL_TLS_NOINLINE [[gnu::noinline]]

namespace asyncl::detail {

/// The address of the calling thread's instance of the thread-local that `access()` names.
///  - noinline: the TLS base is read inside this plain function, never in a coroutine body;
///  - memory clobber before: the function is neither pure nor const, so two calls are never
///    merged or hoisted out of a loop around a co_await;
///  - "+r" laundering after: no constant can be propagated into the caller (clang 14 IPSCCP),
///    so a pointer held across co_await keeps denoting the thread that made it.
/// Throws only what the thread-local's first-use initialization throws.
template <class Access>
ASYNCL_INTERNAL_TLS_NOINLINE auto* tls_address(Access access) noexcept(noexcept(access())) {
  asm volatile("" ::: "memory");
  auto* address = std::addressof(access());
  asm volatile("" : "+r"(address));
  return address;
}

/// Two thread-local addresses, computed in one call (returned in two registers).
template <class First, class Second>
struct TlsPair {
  First* first;
  Second* second;
};

/// tls_address for an `access` that returns TlsPair: the same three measures, on both pointers.
template <class Access>
ASYNCL_INTERNAL_TLS_NOINLINE auto tls_addresses(Access access) noexcept(noexcept(access())) {
  asm volatile("" ::: "memory");
  auto addresses = access();
  asm volatile("" : "+r"(addresses.first), "+r"(addresses.second));
  return addresses;
}

}  // namespace asyncl::detail
