#include "asyncl_bench/thread_churn.hpp"

#include <malloc.h>

namespace asyncl::bench {

std::size_t heap_bytes_in_use() noexcept {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  const struct mallinfo2 info = ::mallinfo2();
  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

}  // namespace asyncl::bench
