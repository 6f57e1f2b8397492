// lib/src/thread_context.cpp — the library's one thread-local object and its accessor.

#include "asyncl/detail/thread_context.hpp"

#include "asyncl/detail/tls.hpp"

namespace asyncl::detail {

namespace {
thread_local ThreadContext t_context;
}  // namespace

ASYNCL_INTERNAL_TLS_NOINLINE ThreadContext& this_thread_context() noexcept {
  return *fresh_tls_address(&t_context);
}

}  // namespace asyncl::detail
