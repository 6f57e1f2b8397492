// Smallest program that uses an installed asyncl: build a runtime, run one task to completion.
#include "asyncl/runtime.hpp"
#include "asyncl/task.hpp"

int main() {
  asyncl::Runtime rt = asyncl::Runtime::Builder().worker_threads(1).build();
  return rt.block_on([]() -> asyncl::Task<int> { co_return 0; }());
}
