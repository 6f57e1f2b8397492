#include "support/threads.hpp"

#include <sys/syscall.h>
#include <unistd.h>

namespace asyncl::scenarios {

long os_thread_id() noexcept {
  asm volatile("" ::: "memory");
  return static_cast<long>(::syscall(SYS_gettid));
}

}  // namespace asyncl::scenarios
