#include "workload/program.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "support/threads.hpp"

namespace asyncl::scenarios::workload {
namespace {

std::vector<std::string> split_prefixes(const char* text) {
  std::vector<std::string> prefixes;
  if (text == nullptr) return prefixes;
  std::string item;
  for (const char* p = text;; ++p) {
    if (*p == ',' || *p == '\0') {
      if (!item.empty()) prefixes.push_back(item);
      item.clear();
      if (*p == '\0') break;
    } else {
      item += *p;
    }
  }
  return prefixes;
}

bool matches_any(std::string_view name, const std::vector<std::string>& prefixes) {
  for (const std::string& prefix : prefixes) {
    if (name.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

std::string mode_type(ModeName mode) { return "mode::" + std::string(to_string(mode)); }

const char* sleep_duration(int variant_index);

}  // namespace

// The order is the coverage report's. A seed's program depends on this list (the generator picks
// by index), so a change here changes the programs of all seeds: replay commands hold for the
// commit that printed them.
// The API the runtime-hardening work added (Runtime::Handle, JoinSet, timeout, sleep_until, fault
// injection, block_on from several threads) follows the older entries, so that their indices
// stayed as they were.
const std::vector<Variant>& catalogue() {
  static const std::vector<Variant> variants = {
      {"join.task", Kind::join, 0},
      {"join.blocking", Kind::join, 1},
      {"join.foreign", Kind::join, 2},
      {"poll.yield", Kind::poll, 0},
      {"abort.before_start", Kind::abort, 0},
      {"abort.running", Kind::abort, 1},
      {"abort.suspended", Kind::abort, 2},
      {"abort.sleeping", Kind::abort, 3},
      {"abort.pinned", Kind::abort, 4},
      {"abort.racing", Kind::abort, 5},
      {"drop.running", Kind::drop, 0},
      {"drop.sleeping", Kind::drop, 1},
      {"blocking.await", Kind::blocking, 0},
      {"blocking.detached_root", Kind::blocking, 1},
      {"blocking.detached_task", Kind::blocking, 2},
      {"context.local_ref", Kind::context, 0},
      {"context.with_blocking", Kind::context, 1},
      {"context.with_async", Kind::context, 2},
      {"context.blocking_ref", Kind::context, 3},
      {"yield.n", Kind::yield, 0},
      {"sleep.zero", Kind::sleep, 0},
      {"sleep.negative", Kind::sleep, 1},
      {"sleep.one_ns", Kind::sleep, 2},
      {"sleep.short", Kind::sleep, 3},
      {"sleep.max_ns", Kind::sleep, 4},
      {"sleep.max_us", Kind::sleep, 5},
      {"sleep.max_ms", Kind::sleep, 6},
      {"sleep.max_s", Kind::sleep, 7},
      {"sleep.max_min", Kind::sleep, 8},
      {"sleep.max_h", Kind::sleep, 9},
      {"sleep.300_years", Kind::sleep, 10},
      {"notify.permit", Kind::notify, 0},
      {"notify.one", Kind::notify, 1},
      {"notify.all", Kind::notify, 2},
      {"notify.abort_waiter", Kind::notify, 3},
      {"notify.foreign", Kind::notify, 4},
      {"notify.blocking", Kind::notify, 5},
      {"task_local.nested", Kind::task_local, 0},
      {"task_local.inherit", Kind::task_local, 1},
      {"task_local.exception", Kind::task_local, 2},
      {"task_local.sync_scope", Kind::task_local, 3},
      {"awaiter.throw_suspend", Kind::awaiter, 0},
      {"awaiter.throw_resume", Kind::awaiter, 1},
      {"awaiter.synchronous", Kind::awaiter, 2},
      {"awaiter.foreign_resume", Kind::awaiter, 3},
      {"awaiter.foreign_abort", Kind::awaiter, 4},
      {"throwing.awaited", Kind::throwing, 0},
      {"throwing.detached", Kind::throwing, 1},
      {"misuse.join_twice", Kind::misuse, 0},
      {"misuse.moved_handle", Kind::misuse, 1},
      {"misuse.wait_in_task", Kind::misuse, 2},
      {"misuse.destroy_from_own_task", Kind::misuse, 3},
      {"misuse.await_task_twice", Kind::misuse, 4},
      {"misuse.two_awaiters", Kind::misuse, 5},
      {"notify.destroyed_after_notify", Kind::notify, 6},
      {"drop.spawning", Kind::drop, 2},
      {"handle.from_task", Kind::handle, 0},
      {"handle.foreign", Kind::handle, 1},
      {"handle.after_destroy", Kind::handle, 2},
      {"handle.racing_destroy", Kind::handle, 3},
      {"handle.outlives_runtime", Kind::handle, 4},
      {"join_set.join_all", Kind::join_set, 0},
      {"join_set.abort_all", Kind::join_set, 1},
      {"join_set.drop_running", Kind::join_set, 2},
      {"join_set.blocking", Kind::join_set, 3},
      {"join_set.inherit", Kind::join_set, 4},
      {"timeout.zero", Kind::timeout, 0},
      {"timeout.negative", Kind::timeout, 1},
      {"timeout.one_ns", Kind::timeout, 2},
      {"timeout.short", Kind::timeout, 3},
      {"timeout.max_ns", Kind::timeout, 4},
      {"timeout.max_h", Kind::timeout, 5},
      {"timeout_at.past", Kind::timeout, 6},
      {"timeout_at.now", Kind::timeout, 7},
      {"timeout_at.near", Kind::timeout, 8},
      {"timeout_at.max", Kind::timeout, 9},
      {"timeout_at.system_max", Kind::timeout, 10},
      {"timeout.join_handle", Kind::timeout, 11},
      {"sleep_until.past", Kind::sleep_until, 0},
      {"sleep_until.now", Kind::sleep_until, 1},
      {"sleep_until.near", Kind::sleep_until, 2},
      {"sleep_until.min", Kind::sleep_until, 3},
      {"sleep_until.max", Kind::sleep_until, 4},
      {"sleep_until.system_near", Kind::sleep_until, 5},
      {"sleep_until.system_max", Kind::sleep_until, 6},
      {"sleep_until.system_min", Kind::sleep_until, 7},
      {"fault.build_thread", Kind::fault, 0},
      {"fault.blocking_thread", Kind::fault, 1},
      {"fault.frame_alloc", Kind::fault, 2},
      {"fault.join_set", Kind::fault, 3},
      {"fault.timeout", Kind::fault, 4},
      {"block_on.two_threads", Kind::block_on, 0},
      {"sleep_until.steady_hours_max", Kind::sleep_until, 8},
      {"sleep_until.steady_seconds_far", Kind::sleep_until, 9},
      {"timeout_at.steady_hours_max", Kind::timeout, 12},
      {"sleep_until.steady_picoseconds_past", Kind::sleep_until, 10},
      {"timeout_at.steady_picoseconds_past", Kind::timeout, 13},
  };
  return variants;
}

Catalogue Catalogue::from_environment() {
  Catalogue result;
  const char* skip = std::getenv("ASYNCL_WORKLOAD_SKIP");
  const char* only = std::getenv("ASYNCL_WORKLOAD_ONLY");
  // Default: leave out the documented-invalid uses (misuse.*), whose correct outcome may be an
  // abort with a message; ASYNCL_WORKLOAD_SKIP= (empty) or =none includes them.
  const std::vector<std::string> skipped = split_prefixes(skip != nullptr ? skip : "misuse");
  const std::vector<std::string> kept = split_prefixes(only);
  for (const Variant& variant : catalogue()) {
    if (matches_any(variant.name, skipped)) continue;
    if (!kept.empty() && !matches_any(variant.name, kept)) continue;
    result.enabled.push_back(&variant);
  }
  if (skip != nullptr) result.skip = *skip != '\0' ? skip : "none";
  if (only != nullptr) result.only = only;
  return result;
}

Catalogue Catalogue::only_variants(std::initializer_list<std::string_view> prefixes) {
  const std::vector<std::string> kept(prefixes.begin(), prefixes.end());
  Catalogue result;
  for (const Variant& variant : catalogue()) {
    if (matches_any(variant.name, kept)) result.enabled.push_back(&variant);
  }
  return result;
}

std::string Catalogue::environment_prefix() const {
  std::string prefix;
  if (!skip.empty()) prefix += "ASYNCL_WORKLOAD_SKIP=" + skip + " ";
  if (!only.empty()) prefix += "ASYNCL_WORKLOAD_ONLY=" + only + " ";
  return prefix;
}

Program generate(std::uint64_t seed, const Catalogue& catalogue,
                 const std::vector<ModeName>& modes) {
  SeededRandom random(seed, 0x776f726bULL);
  Program program;
  program.seed = seed;
  program.multi_thread = random.between(0, 3) != 0;
  program.workers = random.between(1, 4);
  program.barrier_protected = random.between(0, 3) != 0;
  program.max_blocking = random.between(1, 4);
  program.short_keep_alive = random.coin();
  program.ending = random.coin() ? Ending::settle : Ending::drop_now;
  if (catalogue.enabled.empty()) return program;
  const int count = random.between(1, 24);
  SeededRandom concurrency(seed, 0x636f6e63ULL);  // its own stream: adding it changed no other draw
  for (int i = 0; i < count; ++i) {
    Op op;
    op.variant = catalogue.enabled[random.next() % catalogue.enabled.size()];
    op.a = random.between(0, 3);
    op.b = random.between(0, 3);
    op.c = random.between(0, 1);
    op.mode = modes.empty() ? ModeName::leaky : modes[random.next() % modes.size()];
    // A fault operation injects process-wide failures: it runs alone (never concurrently).
    op.concurrent = concurrency.between(0, 3) == 0 && op.variant->kind != Kind::fault;
    program.ops.push_back(op);
  }
  return program;
}

namespace {

const char* sleep_duration(int variant_index) {
  switch (variant_index) {
    case 0:
      return "0ms";
    case 1:
      return "-5ms";
    case 2:
      return "1ns";
    case 3:
      return "(1 + a) * 1ms";
    case 4:
      return "nanoseconds::max()";
    case 5:
      return "microseconds::max()";
    case 6:
      return "milliseconds::max()";
    case 7:
      return "seconds::max()";
    case 8:
      return "minutes::max()";
    case 9:
      return "hours::max()";
    default:
      return "hours(24 * 365 * 300)";
  }
}

}  // namespace

std::string to_cpp(const Op& op) {
  std::ostringstream out;
  const int v = op.variant->variant;
  const std::string child =
      "child(/*value*/ " + std::to_string(op.a) + ", /*yields*/ " + std::to_string(op.b) + ")";
  switch (op.variant->kind) {
    case Kind::join:
      if (v == 0) {
        out << "{ auto h = spawn(" << child << (op.c ? ", inherit_task_locals" : "")
            << "); check(co_await h == " << op.a << "); }";
      } else if (v == 1) {
        out << "{ auto h = co_await spawn_blocking([] { return spawn(" << child
            << "); }); check(co_await std::move(h) == " << op.a << "); }";
      } else {
        out << "{ JoinHandle<int> h; std::thread([&] { h = runtime.spawn(" << child
            << "); }).join(); check(co_await h == " << op.a << "); }";
      }
      break;
    case Kind::poll:
      out << "{ auto h = spawn(" << child
          << "); while (!h.is_finished()) co_await yield_now(); check(co_await h == " << op.a
          << "); }";
      break;
    case Kind::abort: {
      static const char* const bodies[] = {
          "child(...)                 /* aborted before it starts */",
          "forever_yielding()         /* aborted while running */",
          "waits_on(never_notified)   /* aborted while suspended on a Notify */",
          "sleeps(1h)                 /* aborted while in sleep_for */",
          "in_blocking_closure(b ms)  /* aborted while pinned by spawn_blocking */",
          "returns_at_once()          /* abort races completion */"};
      out << "{ auto h = spawn(" << bodies[v] << "); ";
      if (v == 5) {
        out << "for (a=" << op.a << ") co_await yield_now(); ";
      } else if (v != 0) {
        out << "co_await yield_now() x" << op.a + 1 << "; ";
      }
      out << "h.abort(); check(co_await h throws TaskCancelled" << (v == 5 ? " or == value" : "")
          << "); check(frame destroyed); }";
      break;
    }
    case Kind::drop:
      if (v == 2) {
        out << "(void)spawn([]() -> Task<void> { for (int i = 0; i < 50; ++i) { "
               "(void)spawn(child(...)); co_await yield_now(); } }());  // detached, spawning";
      } else {
        out << "(void)spawn(" << (v == 0 ? child : std::string("sleeps(1ms)")) << ");  // detached";
      }
      break;
    case Kind::blocking:
      if (v == 0) {
        out << "check(co_await spawn_blocking([] { " << (op.c ? "throw Boom(); " : "") << "return "
            << op.a << "; }) " << (op.c ? "throws Boom" : "== " + std::to_string(op.a)) << ");";
      } else if (v == 1) {
        out << "(void)spawn_blocking([] { sleep(" << op.b
            << "ms); });  // detached, the root goes on";
      } else {
        out << "co_await spawn([]() -> Task<void> { (void)spawn_blocking([] { sleep(" << op.b + 1
            << "ms); }); co_return; }());  // detached closure outlives its task";
      }
      break;
    case Kind::context: {
      const std::string key =
          "context<std::atomic<long>, " + mode_type(op.mode) + ">(\"WORKLOAD\", init)";
      if (v == 0) {
        out << "{ auto ref = KEY.local_ref(); co_await yield_now(); ref->fetch_add(1); }  // KEY = "
            << key;
      } else if (v == 1) {
        out << "check(co_await KEY.with_blocking([](auto& x) { return x.fetch_add(1) + 1; }) > 0); "
               " // KEY = "
            << key;
      } else if (v == 3) {
        out << "{ std::unique_ptr<LocalRef> p; co_await spawn_blocking([&] { p = new "
               "LocalRef(KEY.local_ref()); }); "
               "co_await wait(20ms /* the blocking thread may exit */); (*p)->fetch_add(1); }  // "
               "KEY = "
            << key;
      } else {
        out << "co_await KEY.with_async([](auto& ref) -> Task<void> { co_await yield_now(); "
               "ref->fetch_add(1); });  // KEY = "
            << key;
      }
      break;
    }
    case Kind::yield:
      out << "for (int i = 0; i < " << op.a + 1 << "; ++i) co_await yield_now();";
      break;
    case Kind::sleep:
      if (v <= 3) {
        out << "{ auto t0 = now(); co_await sleep_for(" << sleep_duration(v)
            << "); check(now() - t0 >= " << sleep_duration(v) << "); }";
      } else {
        out << "{ auto h = spawn([]() -> Task<void> { co_await sleep_for(" << sleep_duration(v)
            << "); }()); co_await sleep_for(5ms); check(!h.is_finished()); h.abort(); "
               "check(co_await h throws TaskCancelled); }";
      }
      break;
    case Kind::notify: {
      const int waiters = op.a + 1;
      static const char* const forms[] = {
          "n.notify_one(); co_await n.wait() /* the permit lets it pass */; check(no permit left)",
          "waiters x%d on n; (n.notify_one(); until one more woke) x%d; check(each woke once); "
          "check(no permit left)",
          "waiters x%d on n; n.notify_all() until all woke; check(each woke once); check(no permit "
          "stored)",
          "waiters x%d+1 on n; abort one of them; (n.notify_one(); until one more woke) x%d; "
          "check(live waiters woke once)",
          "waiter on n; std::thread([&] { n.notify_one(); }).join();",
          "waiter on n; co_await spawn_blocking([&] { n.notify_one(); });",
          "waiter on n (suspended); n.notify_one(); n.reset() /* one task thread only: no waiter "
          "linked; the woken one has not run yet */"};
      char text[256];
      std::snprintf(text, sizeof text, forms[v], waiters, waiters);
      out << "{ auto n = std::make_unique<Notify>(); " << text
          << (v == 6 ? "; co_await waiter; }" : "; n.reset(); }");
      break;
    }
    case Kind::task_local:
      if (v == 0) {
        out << "co_await L.scope(1, [] { co_await yield_now(); check(L.get() == 1); co_await "
               "L.scope(2, ...check(L.get() == 2) x"
            << op.a + 1 << "); check(L.get() == 1); });";
      } else if (v == 1) {
        out << "co_await L.scope(7, [] { auto h = spawn(reads_L()"
            << (op.c ? ", inherit_task_locals" : "")
            << "); check(co_await h == " << (op.c ? "7" : "nullopt") << "); });";
      } else if (v == 2) {
        out << "co_await L.scope(1, [] { try { co_await L.scope(2, throws_after_yield()); } catch "
               "(Boom&) {} check(L.get() == 1); });";
      } else {
        out << "L.sync_scope(5, [] { check(L.get() == 5); }); check(!L.try_get()); check(co_await "
               "spawn_blocking([] { return L.try_get(); }) == nullopt);";
      }
      break;
    case Kind::awaiter: {
      static const char* const forms[] = {
          "co_await L.scope(3, [] { try { co_await ThrowsInSuspend{}; } catch (Boom&) {} "
          "check(L.get() == 3); co_await yield_now(); check(L.get() == 3); });",
          "co_await L.scope(3, [] { try { co_await ThrowsInResume{}; } catch (Boom&) {} "
          "check(L.get() == 3); co_await yield_now(); check(L.get() == 3); });",
          "co_await L.scope(3, [] { check(co_await CompletesSynchronously{} == 42); check(L.get() "
          "== 3); co_await yield_now(); check(L.get() == 3); });  // await_suspend returns false",
          "check(co_await spawn(awaits(ResumesOnForeignThread{})) == value);",
          "{ auto h = spawn(awaits(ResumesOnForeignThread{/*after*/ 2ms})); h.abort(); co_await h; "
          "}  // aborted while away"};
      out << forms[v];
      break;
    }
    case Kind::throwing:
      if (v == 0) {
        out << "try { co_await spawn(throws_after(" << op.b
            << " yields)); check(false); } catch (Boom&) {}";
      } else {
        out << "(void)spawn(throws_after(" << op.b << " yields));  // detached";
      }
      break;
    case Kind::misuse: {
      static const char* const forms[] = {
          "{ auto h = spawn(child(...)); co_await h; check(co_await h throws); }  // the outcome "
          "taken twice",
          "{ auto h = spawn(child(...)); auto g = std::move(h); check(h.is_finished() throws or is "
          "false); co_await g; }",
          "{ auto h = spawn(child(...)); h.wait(); }  // blocking wait inside a task",
          "{ auto* r = new Runtime(...); r->spawn([r]() -> Task<void> { delete r; co_return; }()); "
          "}  // destroyed from its own task",
          "{ Task<int> t = child(...); co_await std::move(t); co_await std::move(t); }  // a Task "
          "awaited twice",
          "{ auto h = spawn(yields_for_a_while()); auto a = spawn(awaits(h)), b = "
          "spawn(awaits(h)); co_await a; co_await b; }  // two awaiters of one JoinHandle"};
      out << forms[v];
      break;
    }
    case Kind::handle: {
      static const char* const forms[] = {
          "{ auto h = Runtime::Handle::current().spawn(%s); check(co_await h == a); check(co_await "
          "Runtime::Handle::current().spawn_blocking([] { return a + 1; }) == a + 1); }",
          "{ auto handle = runtime.handle(); std::thread([&] { check(Handle::current() throws "
          "logic_error); h = handle.spawn(%s); b = handle.spawn_blocking(...); }).join(); "
          "check(co_await h == a); check(co_await b == a + 1); }",
          "{ Handle handle = std::thread([] { Runtime other(...); return other.handle(); }) /* "
          "other is gone */; auto h = handle.spawn(%s); check(frame destroyed && h.is_finished() "
          "&& "
          "co_await h throws TaskCancelled(\"spawn rejected\")); the same from a std::thread and "
          "for spawn_blocking (closure not called); }",
          "{ std::thread owner([] { Runtime other(...); until(spawner made a*4 spawns); /* "
          "~Runtime "
          "*/ }); std::thread spawner([] { for (48) h[i] = handle.spawn(child(i) or blocking i); "
          "check(rejected ones come last, finished at once, frames gone; after ~Runtime returned: "
          "rejected; the others: value or TaskCancelled); }); }",
          "std::thread([handle = runtime.handle()] { for (32) h[i] = handle.spawn(child(i)); "
          "check(rejected ones come last; the others: value or TaskCancelled); }).detach();  // "
          "races the program's end"};
      char text[512];
      std::snprintf(
          text, sizeof text, forms[v],
          (op.c && v == 0 ? "reads_L(), inherit_task_locals /* in L.scope(a) */" : child.c_str()));
      out << text;
      break;
    }
    case Kind::join_set: {
      static const char* const forms[] = {
          "{ JoinSet<int> set; for (i < a + b) set.spawn(%s); while (auto h = co_await "
          "set.join_next()) check(*h gives member i's value or Boom, each i once, frame gone); "
          "check(set.empty()); }",
          "{ JoinSet<int> set; for (i < a + 2) set.spawn(i %% 3: child(i) | forever_yielding() | "
          "sleeps(1h)); yield x b;%s set.abort_all(); join_next until empty; check(each once; the "
          "ones that cannot complete: TaskCancelled); }",
          "{ JoinSet<int> set; for (i < a + 2) set.spawn(i %% 3: child(i) | forever_yielding() | "
          "sleeps(1h));%s yield x b; } /* dropped with members running */ check(every member frame "
          "destroyed);",
          "{ JoinSet<int> set; for (i < a + 1) set.spawn_blocking([i] { %sreturn i; }); join_next "
          "until empty; check(each once); }",
          "co_await L.scope(a + 10, [] { JoinSet<int> set; set.spawn(reads_L(), "
          "inherit_task_locals) x2; set.spawn(reads_L()); join_next until empty; check(two read a "
          "+ "
          "10, one read nothing)%s; });"};
      const char* extra = "";
      if (v == 0) extra = op.c ? "i odd ? throws(i) : child(i)" : "child(i)";
      if (v == 1) extra = op.c ? " co_await set.join_next() /* a child(i) */;" : "";
      if (v == 2) extra = op.c ? " set.spawn_blocking(sleep b ms);" : "";
      if (v == 3) extra = op.c ? "if (i == 0) throw Boom(); " : "";
      char text[512];
      std::snprintf(text, sizeof text, forms[v], extra);
      out << text;
      break;
    }
    case Kind::timeout: {
      static const char* const deadlines[] = {
          "timeout(0ms, ",
          "timeout(-5ms, ",
          "timeout(1ns, ",
          "timeout((1 + a) * 1ms, ",
          "timeout(nanoseconds::max(), ",
          "timeout(hours::max(), ",
          "timeout_at(now() - 1s, ",
          "timeout_at(now(), ",
          "timeout_at(now() + (1 + a) * 1ms, ",
          "timeout_at(steady_clock::time_point::max(), ",
          "timeout_at(system_clock::time_point::max(), ",
          "timeout((1 + a) * 1ms, h /* lvalue */",
          "timeout_at(time_point<steady_clock, hours>::max(), ",
          "timeout_at(time_point<steady_clock, picoseconds>(1000ps), "};
      static const char* const bodies[] = {"returns(a)", "returns_after(a + 1 yields)",
                                           "throws_after(a yields)", "sleeps(1h)"};
      if (v == 11) {
        out << "{ auto h = spawn(" << bodies[op.b] << "); try { check(co_await " << deadlines[v]
            << ") == the body's outcome); } catch (TimedOut&) { h.abort(); check(co_await h gives "
               "the body's outcome or TaskCancelled); } }";
      } else {
        out << "check(co_await spawn(" << deadlines[v] << bodies[op.b]
            << ")) gives what the model allows: ";
        if (v <= 1 || v == 6 || v == 7 || v == 13) {
          out << "TimedOut, the body never started";
        } else if (v == 2 || v == 3 || v == 8) {
          out << "the body's outcome, or TimedOut after the deadline with the body's frame gone";
        } else {
          out << "the body's outcome; a sleeping body: still running after 5 ms, then aborted";
        }
        out << ");";
      }
      break;
    }
    case Kind::sleep_until: {
      static const char* const points[] = {"steady_clock::now() - 1s",
                                           "steady_clock::now()",
                                           "steady_clock::now() + (1 + a) * 1ms",
                                           "steady_clock::time_point::min()",
                                           "steady_clock::time_point::max()",
                                           "system_clock::now() + (1 + a) * 1ms",
                                           "system_clock::time_point::max()",
                                           "system_clock::time_point::min()",
                                           "time_point<steady_clock, hours>::max()",
                                           "time_point<steady_clock, seconds>(seconds(1LL << 40))",
                                           "time_point<steady_clock, picoseconds>(1000ps)"};
      if (v == 4 || v == 6 || v == 8 || v == 9) {
        out << "{ auto h = spawn([]() -> Task<void> { co_await sleep_until(" << points[v]
            << "); }()); co_await sleep_for(5ms); check(!h.is_finished()); h.abort(); "
               "check(co_await h throws TaskCancelled); }";
      } else {
        out << "{ auto t = " << points[v] << "; co_await sleep_until(t); check(now() >= t); }";
      }
      break;
    }
    case Kind::fault: {
      static const char* const forms[] = {
          "{ co_await alone(); std::thread([] { inject_faults(thread_start, 1, /*after*/ %d); "
          "check(Runtime::Builder()%s.build() throws system_error exactly when start %d is one of "
          "its own; else block_on(child) == a); }) }",
          "{ co_await alone(); inject_faults(thread_start, 1); check(co_await spawn_blocking([] { "
          "return a; }) == a or throws system_error); check(co_await spawn_blocking(...) == a); }",
          "{ co_await alone(); inject_faults(frame_allocation, 1, /*after*/ %d); for (i < b + 1) "
          "h[i] = spawn(child(i)%s); check(spawn a, and only it, threw bad_alloc, its frame gone; "
          "the others' values); }",
          "{ co_await alone(); JoinSet<int> set; inject_faults(frame_allocation, 1, /*after*/ %d); "
          "for (i < b + 1) set.spawn(child(i)); check(spawn a, and only it, threw bad_alloc); "
          "join_next until empty: each other member once; }",
          "{ co_await alone(); inject_faults(frame_allocation, 1); check(co_await timeout(1h, "
          "child(a)) throws bad_alloc, its frame gone); check(co_await timeout(1h, child(a)) == "
          "a); "
          "}"};
      std::string builder =
          op.c ? ".current_thread()"
               : ".multi_thread().worker_threads(" + std::to_string(op.b + 1) + ")";
      char text[512];
      if (v == 0) {
        std::snprintf(text, sizeof text, forms[v], op.a, builder.c_str(), op.a);
      } else if (v == 2) {
        std::snprintf(text, sizeof text, forms[v], op.a, op.c ? ", inherit_task_locals" : "");
      } else if (v == 3) {
        std::snprintf(text, sizeof text, forms[v], op.a);
      } else {
        std::snprintf(text, sizeof text, "%s", forms[v]);
      }
      out << text;
      break;
    }
    case Kind::block_on:
      out << "{ two std::threads at once: r[t] = runtime.block_on(spawns_and_awaits(child(a + t, "
             "b))); check(r[t] == a + t, or both throw logic_error on a current-thread runtime); }";
      break;
  }
  // The newer entries name their parameters: print their values.
  if (op.variant->kind >= Kind::handle) {
    out << "  // a=" << op.a << " b=" << op.b << " c=" << op.c;
  }
  return out.str();
}

std::string to_cpp(const Program& program) {
  std::ostringstream out;
  out << "Runtime runtime = Runtime::Builder()";
  if (program.multi_thread) {
    out << ".multi_thread().worker_threads(" << program.workers << ")";
  } else {
    out << ".current_thread()";
  }
  out << ".max_blocking_threads(" << program.max_blocking << ")";
  if (program.short_keep_alive) out << ".blocking_keep_alive(1ms)";
  if (!program.barrier_protected) out << ".barrier_protected(false)";
  out << ".build();\n";
  out << "runtime.block_on([&]() -> Task<void> {\n";
  for (std::size_t i = 0; i < program.ops.size(); ++i) {
    const Op& op = program.ops[i];
    out << "  /*" << i << " " << op.variant->name << "*/ ";
    if (op.concurrent) {
      out << "concurrently(/* in a task of its own */) " << to_cpp(op) << "\n";
    } else {
      out << to_cpp(op) << "\n";
    }
  }
  if (std::any_of(program.ops.begin(), program.ops.end(),
                  [](const Op& op) { return op.concurrent; })) {
    out << "  co_await every_concurrent_operation();\n";
  }
  if (program.ending == Ending::settle) {
    out << "  co_await settled();  // every detached child and closure finished\n";
  }
  out << "}());\n";
  out << (program.ending == Ending::settle
              ? "// runtime destroyed; then: every frame destroyed exactly once\n"
              : "// runtime destroyed at once, with detached work in flight; then: every frame "
                "destroyed exactly once\n");
  return out.str();
}

}  // namespace asyncl::scenarios::workload
