//! The tokio peer of `asyncl-bench peers`: the same workloads as the C++ peers
//! (tool/bench/peers/), each written the way tokio's documentation recommends, on a
//! multi_thread runtime with worker_threads(2). Prints one repetition of every workload as a
//! Google Benchmark JSON report on stdout, which `asyncl-bench peers` merges into its own.
//!
//!   asyncl-peers-tokio [--size full|tiny] [--min-time SECONDS] [--repetition-index N]
//!                      [--repetitions N]
//!
//! Timing follows Google Benchmark's: a workload runs 1, then more iterations until one run
//! takes at least --min-time (0.5 s by default), and that run is reported (real time per
//! iteration, and the main thread's CPU time). Records are named "<workload>/tokio".
//!
//! Memory: bytes asked of the global allocator (a counting wrapper around the system
//! allocator) while empty tasks are spawned and joined, per task: the same count as the
//! replaced operator new on the C++ side.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

struct CountingAllocator;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        }
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        System.dealloc(pointer, layout)
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const WORKERS: usize = 2;

#[derive(Clone, Copy)]
struct Sizes {
    batch: usize,
    shutdown: usize,
    skynet_leaves: u64,
    fib: u32,
    memory: usize,
}

const FULL: Sizes = Sizes { batch: 100_000, shutdown: 100_000, skynet_leaves: 1_000_000, fib: 30, memory: 10_000 };
const TINY: Sizes = Sizes { batch: 100, shutdown: 100, skynet_leaves: 100, fib: 10, memory: 100 };

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(WORKERS).build().expect("tokio runtime")
}

fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid clock id and a valid pointer to a timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// One run of `iterations` iterations: the timed (real) duration and the counters.
struct Run {
    real: Duration,
    counters: Vec<(&'static str, f64)>,
}

/// Google Benchmark's choice of iterations (1.7.1, PredictNumItersNeeded): grow until one run
/// takes min_time, at most 10x per step.
fn measure(min_time: f64, mut body: impl FnMut(u64) -> Run) -> (u64, Run, Duration) {
    let mut iterations: u64 = 1;
    loop {
        let cpu_start = thread_cpu_time();
        let run = body(iterations);
        let cpu = thread_cpu_time() - cpu_start;
        let seconds = run.real.as_secs_f64();
        if seconds >= min_time || iterations >= 1_000_000_000 {
            return (iterations, run, cpu);
        }
        let significant = seconds / min_time > 0.1;
        let multiplier = if significant { min_time * 1.4 / seconds.max(1e-9) } else { 10.0 };
        iterations = ((iterations as f64 * multiplier) as u64).max(iterations + 1);
    }
}

/// Runs `iterations` iterations of the async loop `body` inside a task spawned on a worker, and
/// returns the time the loop took there.
fn on_worker<F, Fut>(rt: &tokio::runtime::Runtime, iterations: u64, body: F) -> Duration
where
    F: FnOnce(u64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    rt.block_on(async move {
        tokio::spawn(async move {
            let start = Instant::now();
            body(iterations).await;
            start.elapsed()
        })
        .await
        .expect("benchmark task")
    })
}

fn batch(sizes: Sizes, min_time: f64) -> (u64, Run, Duration) {
    let rt = runtime();
    let n = sizes.batch;
    measure(min_time, |iterations| {
        let real = on_worker(&rt, iterations, move |iterations| async move {
            let mut handles = Vec::with_capacity(n);
            for _ in 0..iterations {
                for _ in 0..n {
                    handles.push(tokio::spawn(async {}));
                }
                for handle in handles.drain(..) {
                    handle.await.expect("empty task");
                }
            }
        });
        let per_task = real.as_nanos() as f64 / (iterations as f64 * n as f64);
        Run { real, counters: vec![("ns_per_task", per_task)] }
    })
}

fn spawn_one(min_time: f64) -> (u64, Run, Duration) {
    let rt = runtime();
    measure(min_time, |iterations| {
        let real = on_worker(&rt, iterations, |iterations| async move {
            for _ in 0..iterations {
                tokio::spawn(async {}).await.expect("empty task");
            }
        });
        Run { real, counters: vec![] }
    })
}

fn yield_round_trip(min_time: f64) -> (u64, Run, Duration) {
    let rt = runtime();
    measure(min_time, |iterations| {
        let real = on_worker(&rt, iterations, |iterations| async move {
            for _ in 0..iterations {
                tokio::task::yield_now().await;
            }
        });
        Run { real, counters: vec![] }
    })
}

/// Dropping a runtime whose tasks are all suspended forever (std::future::pending); building it
/// and starting the tasks is not timed.
fn shutdown(sizes: Sizes, min_time: f64) -> (u64, Run, Duration) {
    let n = sizes.shutdown;
    measure(min_time, |iterations| {
        let mut real = Duration::ZERO;
        for _ in 0..iterations {
            let rt = runtime();
            let started = Arc::new(AtomicUsize::new(0));
            rt.block_on(async move {
                tokio::spawn(async move {
                    for _ in 0..n {
                        let started = started.clone();
                        tokio::spawn(async move {
                            started.fetch_add(1, Ordering::Relaxed);
                            std::future::pending::<()>().await;
                        });
                    }
                    while started.load(Ordering::Relaxed) < n {
                        tokio::task::yield_now().await;
                    }
                })
                .await
                .expect("spawning task");
            });
            let start = Instant::now();
            drop(rt);
            real += start.elapsed();
        }
        Run { real, counters: vec![] }
    })
}

fn spawn_skynet(num: u64, size: u64) -> JoinHandle<u64> {
    tokio::spawn(skynet(num, size))
}

/// Ten children per node, each spawned; the node awaits their JoinHandles in order.
async fn skynet(num: u64, size: u64) -> u64 {
    if size == 1 {
        return num;
    }
    let child = size / 10;
    let mut handles = Vec::with_capacity(10);
    for i in 0..10 {
        handles.push(spawn_skynet(num + i * child, child));
    }
    let mut sum = 0;
    for handle in handles {
        sum += handle.await.expect("skynet child");
    }
    sum
}

fn spawn_fib(n: u32) -> JoinHandle<u64> {
    tokio::spawn(fib(n))
}

/// fib(n-1) in a spawned child, fib(n-2) inline, then the child is joined.
async fn fib(n: u32) -> u64 {
    if n < 2 {
        return n as u64;
    }
    let child = spawn_fib(n - 1);
    let inline = fib_inline(n - 2).await;
    inline + child.await.expect("fib child")
}

/// The inline call: an async fn that awaits itself must be boxed (rustc's E0733), as a C++
/// coroutine's frame is allocated.
fn fib_inline(n: u32) -> std::pin::Pin<Box<dyn std::future::Future<Output = u64> + Send>> {
    Box::pin(fib(n))
}

/// Tasks spawned below the root: skynet's nodes, fib's calls with n >= 2.
fn skynet_tasks(leaves: u64) -> u64 {
    let mut tasks = 0;
    let mut level = leaves;
    while level > 1 {
        tasks += level;
        level /= 10;
    }
    tasks
}

fn fib_tasks(n: u32) -> u64 {
    if n < 2 {
        0
    } else {
        1 + fib_tasks(n - 1) + fib_tasks(n - 2)
    }
}

fn fork_join(min_time: f64, tasks: u64, expected: u64, root: fn() -> JoinHandle<u64>) -> (u64, Run, Duration) {
    let rt = runtime();
    measure(min_time, |iterations| {
        let real = on_worker(&rt, iterations, move |iterations| async move {
            for _ in 0..iterations {
                let result = root().await.expect("root task");
                assert_eq!(result, expected, "wrong result");
            }
        });
        let core_ns = real.as_nanos() as f64 * WORKERS as f64 / (iterations as f64 * tasks as f64);
        Run { real, counters: vec![("core_ns_per_task", core_ns), ("tasks", tasks as f64)] }
    })
}

fn memory(sizes: Sizes, min_time: f64) -> (u64, Run, Duration) {
    let rt = runtime();
    let n = sizes.memory;
    measure(min_time, |iterations| {
        let bytes = Arc::new(AtomicU64::new(0));
        let total = bytes.clone();
        let real = on_worker(&rt, iterations, move |iterations| async move {
            let mut handles = Vec::with_capacity(n);
            for _ in 0..iterations {
                let before = ALLOCATED_BYTES.load(Ordering::Relaxed);
                COUNTING.store(true, Ordering::Relaxed);
                for _ in 0..n {
                    handles.push(tokio::spawn(async {}));
                }
                for handle in handles.drain(..) {
                    handle.await.expect("empty task");
                }
                COUNTING.store(false, Ordering::Relaxed);
                total.fetch_add(ALLOCATED_BYTES.load(Ordering::Relaxed) - before, Ordering::Relaxed);
            }
        });
        let per_task = bytes.load(Ordering::Relaxed) as f64 / (iterations as f64 * n as f64);
        Run { real, counters: vec![("bytes_per_task", per_task)] }
    })
}

fn json_string(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if (c as u32) < 0x20 => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn record(name: &str, repetitions: u64, repetition_index: u64, result: &(u64, Run, Duration)) -> String {
    let (iterations, run, cpu) = result;
    let n = *iterations as f64;
    let run_name = json_string(&format!("{}/tokio", name));
    let mut fields = vec![
        format!("\"name\": {}", run_name),
        format!("\"run_name\": {}", run_name),
        "\"run_type\": \"iteration\"".to_string(),
        format!("\"repetitions\": {}", repetitions),
        format!("\"repetition_index\": {}", repetition_index),
        "\"threads\": 1".to_string(),
        format!("\"iterations\": {}", iterations),
        format!("\"real_time\": {:e}", run.real.as_nanos() as f64 / n),
        format!("\"cpu_time\": {:e}", cpu.as_nanos() as f64 / n),
        "\"time_unit\": \"ns\"".to_string(),
    ];
    for (counter, value) in &run.counters {
        fields.push(format!("{}: {:e}", json_string(counter), value));
    }
    format!("    {{{}}}", fields.join(", "))
}

fn usage(message: &str) -> ! {
    eprintln!("asyncl-peers-tokio: error: {}", message);
    std::process::exit(2);
}

fn main() {
    let mut sizes = FULL;
    let mut min_time = 0.5;
    let mut repetition_index = 0;
    let mut repetitions = 1;
    let mut arguments = std::env::args().skip(1);
    while let Some(flag) = arguments.next() {
        let value = arguments.next().unwrap_or_else(|| usage(&format!("{} needs a value", flag)));
        match flag.as_str() {
            "--size" => {
                sizes = match value.as_str() {
                    "full" => FULL,
                    "tiny" => TINY,
                    _ => usage(&format!("--size {}: use full or tiny", value)),
                }
            }
            "--min-time" => {
                min_time = value.parse().ok().filter(|s: &f64| s.is_finite() && *s > 0.0).unwrap_or_else(|| usage("--min-time needs a positive number"))
            }
            "--repetition-index" => {
                repetition_index = value.parse().unwrap_or_else(|_| usage("--repetition-index needs a number"))
            }
            "--repetitions" => repetitions = value.parse().unwrap_or_else(|_| usage("--repetitions needs a number")),
            _ => usage(&format!("unknown flag {}", flag)),
        }
    }

    let skynet_expected = sizes.skynet_leaves * (sizes.skynet_leaves - 1) / 2;
    let leaves = sizes.skynet_leaves;
    let fib_expected = {
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 0..sizes.fib {
            let next = a + b;
            a = b;
            b = next;
        }
        a
    };
    let fib_n = sizes.fib;
    // The fork-join roots are plain fn pointers: the sizes reach them through statics.
    static SKYNET_LEAVES: AtomicU64 = AtomicU64::new(0);
    static FIB_N: AtomicU64 = AtomicU64::new(0);
    SKYNET_LEAVES.store(leaves, Ordering::Relaxed);
    FIB_N.store(fib_n as u64, Ordering::Relaxed);

    let results: Vec<(&str, (u64, Run, Duration))> = vec![
        ("batch", batch(sizes, min_time)),
        ("spawn_one", spawn_one(min_time)),
        ("yield", yield_round_trip(min_time)),
        ("shutdown", shutdown(sizes, min_time)),
        (
            "skynet",
            fork_join(min_time, skynet_tasks(leaves), skynet_expected, || {
                spawn_skynet(0, SKYNET_LEAVES.load(Ordering::Relaxed))
            }),
        ),
        (
            "fib",
            fork_join(min_time, fib_tasks(fib_n), fib_expected, || spawn_fib(FIB_N.load(Ordering::Relaxed) as u32)),
        ),
        ("memory", memory(sizes, min_time)),
    ];

    let records: Vec<String> =
        results.iter().map(|(name, result)| record(name, repetitions, repetition_index, result)).collect();
    println!("{{");
    println!("  \"context\": {{\"peer_tokio_runtime\": \"multi_thread, worker_threads({})\"}},", WORKERS);
    println!("  \"benchmarks\": [\n{}\n  ]", records.join(",\n"));
    println!("}}");
}
