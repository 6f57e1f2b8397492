// lib/src/thread_context.cpp — the library's one thread-local object and its accessor.

#include "asyncl/detail/thread_context.hpp"

#include "asyncl/detail/tls.hpp"

namespace asyncl::detail {

namespace {
thread_local ThreadContext t_context;
}  // namespace

ThreadContext& this_thread_context() noexcept {
  return *tls_address([]() noexcept -> ThreadContext& { return t_context; });
}

}  // namespace asyncl::detail
