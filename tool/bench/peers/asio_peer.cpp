// The Boost.Asio peer: the workloads of asyncl_bench/peers.hpp as C++20 coroutines
// (asio::awaitable, co_spawn) on an asio::thread_pool of two threads, header-only.
//
// How children are spawned and joined. One child: `co_await co_spawn(ex, child(), use_awaitable)`,
// Asio's documented way to run a coroutine as a new thread of execution and await it. Several
// children that must run while the parent goes on (batch, skynet, fib's spawned half): Boost
// 1.74, the version Debian 12 ships, has neither experimental::make_parallel_group (Boost 1.80)
// nor channels, so each child is co_spawned with a completion handler that counts down a
// JoinCounter, and the parent awaits the counter: an asynchronous operation written with
// async_initiate, as Asio documents for operations of one's own, whose last count_down posts the
// parent's completion handler to its executor. Yield: `co_await post(ex, use_awaitable)`.
// Shutdown: every task waits on a steady_timer that never expires; destroying the thread_pool
// stops it and destroys the pending waits, and with them the coroutine frames.

// Boost 1.74's header of asio::awaitable uses std::exchange without including <utility>.
#include <utility>
// clang-format off: <utility> must come first
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/version.hpp>
#include <boost/version.hpp>
// clang-format on

#include <array>
#include <atomic>
#include <exception>
#include <memory>

#include "allocation_counter.hpp"
#include "peer_benchmarks.hpp"

namespace asyncl::bench::peers {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

// Completes the coroutine awaiting wait() once count_down() has been called `count` times.
// One waiter, one use. Thread safety: count_down() from any thread.
class JoinCounter {
 public:
  explicit JoinCounter(std::int64_t count) : remaining_(count + 1) {}

  void count_down() {
    // acq_rel: the last count_down sees the waiter stored by wait(), and the waiter, resumed
    // after it, sees every child's result.
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      // Taken out first: the resumed waiter may destroy this counter while complete() returns.
      const std::unique_ptr<WaiterBase> waiter = std::move(waiter_);
      waiter->complete();
    }
  }

  awaitable<void> wait() {
    return asio::async_initiate<decltype(use_awaitable), void()>(
        [this](auto handler) {
          waiter_ = std::make_unique<Waiter<decltype(handler)>>(std::move(handler));
          count_down();  // the waiter's own count: children that finished before it are counted
        },
        use_awaitable);
  }

 private:
  struct WaiterBase {
    virtual ~WaiterBase() = default;
    virtual void complete() = 0;
  };
  template <class Handler>
  struct Waiter final : WaiterBase {
    explicit Waiter(Handler h) : handler(std::move(h)) {}
    void complete() override {
      auto executor = asio::get_associated_executor(handler);
      asio::post(executor, std::move(handler));
    }
    Handler handler;
  };

  std::atomic<std::int64_t> remaining_;
  std::unique_ptr<WaiterBase> waiter_;
};

// Runs `body` as a coroutine on the pool and waits for it on the calling thread.
template <class T>
T run_on(asio::thread_pool& pool, awaitable<T> body) {
  return asio::co_spawn(pool, std::move(body), asio::use_future).get();
}

awaitable<void> empty() { co_return; }

void batch(benchmark::State& state) {
  const std::int64_t n = current_peer_sizes().batch;
  asio::thread_pool pool(kWorkers);
  const double elapsed =
      run_on(pool, [](benchmark::State& state, std::int64_t n) -> awaitable<double> {
        const auto executor = co_await asio::this_coro::executor;
        const auto start = Clock::now();
        for (auto _ : state) {
          JoinCounter joined(n);
          for (std::int64_t i = 0; i < n; ++i) {
            asio::co_spawn(executor, empty(),
                           [&joined](std::exception_ptr) { joined.count_down(); });
          }
          co_await joined.wait();
        }
        co_return nanoseconds_since(start);
      }(state, n));
  set_per_task_counter(state, elapsed, n);
}

void spawn_one(benchmark::State& state) {
  asio::thread_pool pool(kWorkers);
  run_on(pool, [](benchmark::State& state) -> awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    for (auto _ : state) co_await asio::co_spawn(executor, empty(), use_awaitable);
  }(state));
}

void yield_round_trip(benchmark::State& state) {
  asio::thread_pool pool(kWorkers);
  run_on(pool, [](benchmark::State& state) -> awaitable<void> {
    const auto executor = co_await asio::this_coro::executor;
    for (auto _ : state) co_await asio::post(executor, use_awaitable);
  }(state));
}

awaitable<void> wait_forever(std::atomic<std::int64_t>& started) {
  asio::steady_timer never(co_await asio::this_coro::executor,
                           asio::steady_timer::time_point::max());
  started.fetch_add(1, std::memory_order_relaxed);
  co_await never.async_wait(use_awaitable);
}

void shutdown(benchmark::State& state) {
  const std::int64_t n = current_peer_sizes().shutdown;
  for (auto _ : state) {
    state.PauseTiming();
    auto pool = std::make_unique<asio::thread_pool>(kWorkers);
    std::atomic<std::int64_t> started{0};
    run_on(*pool, [](std::atomic<std::int64_t>& started, std::int64_t n) -> awaitable<void> {
      const auto executor = co_await asio::this_coro::executor;
      for (std::int64_t i = 0; i < n; ++i) {
        asio::co_spawn(executor, wait_forever(started), asio::detached);
      }
      while (started.load(std::memory_order_relaxed) < n) {
        co_await asio::post(executor, use_awaitable);
      }
    }(started, n));
    state.ResumeTiming();
    pool.reset();
  }
}

awaitable<std::int64_t> skynet(std::int64_t num, std::int64_t size) {
  if (size == 1) co_return num;
  const std::int64_t child = size / 10;
  const auto executor = co_await asio::this_coro::executor;
  std::array<std::int64_t, 10> results{};
  JoinCounter joined(10);
  for (std::size_t i = 0; i < 10; ++i) {
    asio::co_spawn(executor, skynet(num + static_cast<std::int64_t>(i) * child, child),
                   [&results, &joined, i](std::exception_ptr, std::int64_t value) {
                     results[i] = value;
                     joined.count_down();
                   });
  }
  co_await joined.wait();
  std::int64_t sum = 0;
  for (std::int64_t value : results) sum += value;
  co_return sum;
}

awaitable<std::int64_t> fib(int n) {
  if (n < 2) co_return n;
  std::int64_t spawned = 0;
  JoinCounter joined(1);
  asio::co_spawn(co_await asio::this_coro::executor, fib(n - 1),
                 [&spawned, &joined](std::exception_ptr, std::int64_t value) {
                   spawned = value;
                   joined.count_down();
                 });
  const std::int64_t inline_part = co_await fib(n - 2);
  co_await joined.wait();
  co_return inline_part + spawned;
}

template <awaitable<std::int64_t> (*Root)(), std::int64_t (*Tasks)(), std::int64_t (*Expected)()>
void fork_join(benchmark::State& state) {
  asio::thread_pool pool(kWorkers);
  const double elapsed = run_on(pool, [](benchmark::State& state) -> awaitable<double> {
    const auto start = Clock::now();
    for (auto _ : state) {
      const std::int64_t result = co_await Root();
      if (result != Expected()) state.SkipWithError("wrong result");
    }
    co_return nanoseconds_since(start);
  }(state));
  set_fork_join_counters(state, elapsed, Tasks());
}

awaitable<std::int64_t> skynet_root() { return skynet(0, current_peer_sizes().skynet_leaves); }
awaitable<std::int64_t> fib_root() { return fib(current_peer_sizes().fib); }

void memory(benchmark::State& state) {
  const std::int64_t n = current_peer_sizes().memory;
  asio::thread_pool pool(kWorkers);
  const std::uint64_t bytes =
      run_on(pool, [](benchmark::State& state, std::int64_t n) -> awaitable<std::uint64_t> {
        const auto executor = co_await asio::this_coro::executor;
        std::uint64_t bytes = 0;
        for (auto _ : state) {
          JoinCounter joined(n);
          start_counting_allocations();
          for (std::int64_t i = 0; i < n; ++i) {
            asio::co_spawn(executor, empty(),
                           [&joined](std::exception_ptr) { joined.count_down(); });
          }
          co_await joined.wait();
          bytes += stop_counting_allocations();
        }
        co_return bytes;
      }(state, n));
  state.counters["bytes_per_task"] =
      static_cast<double>(bytes) /
      (static_cast<double>(state.iterations()) * static_cast<double>(n));
}

std::string boost_version() {
  return std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
         "." + std::to_string(BOOST_VERSION % 100) + " (Asio " +
         std::to_string(BOOST_ASIO_VERSION / 100000) + "." +
         std::to_string(BOOST_ASIO_VERSION / 100 % 1000) + "." +
         std::to_string(BOOST_ASIO_VERSION % 100) + ")";
}

}  // namespace

Peer asio_peer() {
  Peer peer{"asio",
            {{"name", "Boost.Asio"},
             {"version", boost_version()},
             {"runtime", "asio::thread_pool(2), C++20 coroutines (awaitable, co_spawn)"},
             {"fork_join",
              "co_spawn with a completion handler counting down a join counter awaited through "
              "async_initiate (Boost 1.74 has no make_parallel_group); spawn_one: co_await "
              "co_spawn(ex, task, use_awaitable)"}},
            {}};
  add_workloads(peer, {.batch = &batch,
                       .spawn_one = &spawn_one,
                       .yield = &yield_round_trip,
                       .shutdown = &shutdown,
                       .skynet = &fork_join<&skynet_root, &skynet_root_tasks, &skynet_expected>,
                       .fib = &fork_join<&fib_root, &fib_root_tasks, &fib_expected>,
                       .memory = &memory});
  return peer;
}

}  // namespace asyncl::bench::peers
