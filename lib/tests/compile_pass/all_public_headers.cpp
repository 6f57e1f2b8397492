// Every public header in one translation unit: a program may include any of them together.
// (Fails while asyncl/context.hpp and asyncl/timeout.hpp both define asyncl::detail::IsTask.)

#include "asyncl/context.hpp"
#include "asyncl/join_handle.hpp"
#include "asyncl/join_set.hpp"
#include "asyncl/runtime.hpp"
#include "asyncl/sync.hpp"
#include "asyncl/task.hpp"
#include "asyncl/task_local.hpp"
#include "asyncl/timeout.hpp"
