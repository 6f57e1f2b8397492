// scenarios/models/work_queue_model.cpp — migration: a task that holds a reference into its
// owner's thread-local payload is stolen and writes through it on the thief, on the real
// LocalQueue and TaskState.
//
// Worker O (thread 0) owns a LocalQueue and a thread-local payload; it pushes a task that holds
// a reference (a LocalRef) into the payload and then pops from its own queue. Thief T
// (thread 1) steals from O's queue into its own (LocalQueue::steal_into). Whoever takes the
// task runs it (detail::run_once, as SchedulerBase::run_task does) and the task writes through
// its reference; exactly one of them does in every interleaving. Both then meet at the
// ShutdownBarrier (step 5), and only then does O destroy its payload (step 6), writing it first
// (Relacy needs the write, docs/hazards.md, "Relacy").
//
// The ring models check the lock-free LocalQueue itself: every task pushed is run exactly once
// (after() counts), and whoever runs a task reads what its pusher wrote before the push (a data
// race unless the queue ordered it). The LIFO model checks WorkerQueue: the task displaced from
// the LIFO slot moves to the ring, and a thief may take the slot's task.
//
// Each thread runs a straight line of queue operations, without the scheduler's loop: a full
// search of two threads is exhaustive only for a few dozen scheduling points (every lock,
// unlock and atomic operation is one), and a worker loop that polls until no task is left
// makes it run for days.
//
//   migration             2 threads, full search
//   steal-weak-claim      mutant: the thief's claim (its load of the tail, its CAS) is relaxed,
//                         so the slot it reads is not ordered after the owner's write of it
//   ring-wrap             owner pushes, pops and pushes again into the slot a thief may still be
//                         copying, indices wrapping at 2^32; 2 threads, full search
//   ring-wrap-weak-claim  mutant: the same relaxed claim
//   ring-overflow         a full ring moves its older half and the new task to the Injector
//                         while a thief steals; 2 threads, full search
//   ring-two-thieves      two thieves steal from one owner that pushes and pops; 3 threads,
//                         context bound
//   lifo-slot             the owner puts two tasks in its LIFO slot (the first moves to the
//                         ring) while a thief steals the ring, else the slot; 2 threads, full
//   lifo-slot-loses-task  mutant: a put overwrites the slot's task instead of moving it

#include "model.hpp"
//
#include "asyncl/detail/shutdown_barrier.hpp"
#include "asyncl/detail/task_state.hpp"
#include "asyncl/detail/work_queue.hpp"

namespace asyncl::models {
namespace {

/// A task of the ring and LIFO models.
struct Item {
  detail::Var<Item*> queue_next{nullptr};
  detail::Var<int> payload{0};  // written before the push, read by whoever runs the item
  int runs = 0;  // plain: Relacy threads are fibers of one OS thread; checked in after()
};

/// Publishes an item's data, as a spawner or a waker writes the task before pushing it.
void prepare(Item& item) { item.payload.store(1); }

void run(Item* item) {
  RL_ASSERT(item->payload.load() == 1);
  ++item->runs;
}

template <std::size_t Count>
void expect_each_ran_once(const Item (&items)[Count]) {
  for (const Item& item : items) RL_ASSERT(item.runs == 1);
}

using Ring = detail::LocalQueue<Item, 2>;
/// The indices start one below 2^32: they wrap during every run.
constexpr Ring::Index kNearWrap = 0xFFFFFFFFu;

/// O pushes two items, pops, pops again, and pushes a third into the slot of the first (which a
/// thief may still be copying out); then it pops what is left. T steals once and pops its own
/// ring. A thief that read the head before O's pops and the tail after O's third push sees
/// more items than the ring holds: its view is stale, and it must look again.
template <rl::test_result_e Expected>
struct RingWrap : rl::test_suite<RingWrap<Expected>, 2, Expected> {
  Ring rings[2] = {Ring(kNearWrap), Ring(kNearWrap)};
  Item items[3];

  void thread(unsigned index) {
    if (index == 0) {
      prepare(items[0]);
      RL_ASSERT(rings[0].push(&items[0]));
      prepare(items[1]);
      RL_ASSERT(rings[0].push(&items[1]));
      if (Item* item = rings[0].pop()) run(item);
      if (Item* item = rings[0].pop()) run(item);
      prepare(items[2]);
      // Refused only while the thief still copies out of the slot this push would write.
      if (!rings[0].push(&items[2])) run(&items[2]);
      while (Item* item = rings[0].pop()) run(item);
    } else {
      if (Item* item = rings[0].steal_into(rings[1])) run(item);
      while (Item* item = rings[1].pop()) run(item);
    }
  }

  void after() { expect_each_ran_once(items); }
};

/// O pushes three items into a ring of two: the third overflows with the older half to the
/// Injector (or alone, while T copies); O then pops once. T steals once and pops its own ring.
/// What is left in the rings and the Injector is drained after both threads ended.
template <rl::test_result_e Expected>
struct RingOverflow : rl::test_suite<RingOverflow<Expected>, 2, Expected> {
  Ring rings[2];
  detail::Injector<Item> injector;
  Item items[3];

  void thread(unsigned index) {
    if (index == 0) {
      for (Item& item : items) {
        prepare(item);
        rings[0].push_or_overflow(&item, injector);
      }
      if (Item* item = rings[0].pop()) run(item);
    } else {
      if (Item* item = rings[0].steal_into(rings[1])) run(item);
      while (Item* item = rings[1].pop()) run(item);
    }
  }

  void after() {
    while (Item* item = rings[0].pop()) run(item);
    while (Item* item = injector.pop()) run(item);
    expect_each_ran_once(items);
  }
};

/// O pushes two items and pops; thieves T1 and T2 each steal once and pop their own rings. A
/// thief that finds the other copying takes nothing.
template <rl::test_result_e Expected>
struct RingTwoThieves : rl::test_suite<RingTwoThieves<Expected>, 3, Expected> {
  Ring rings[3] = {Ring(kNearWrap), Ring(kNearWrap), Ring(kNearWrap)};
  Item items[2];

  void thread(unsigned index) {
    if (index == 0) {
      for (Item& item : items) {
        prepare(item);
        RL_ASSERT(rings[0].push(&item));
      }
      while (Item* item = rings[0].pop()) run(item);
    } else {
      if (Item* item = rings[0].steal_into(rings[index])) run(item);
      while (Item* item = rings[index].pop()) run(item);
    }
  }

  void after() { expect_each_ran_once(items); }
};

using Worker = detail::WorkerQueue<Item, 2>;

/// O puts A and then B in its LIFO slot (A moves to the ring), then takes its work (B from the
/// slot, A from the ring). T steals from O: half of the ring, else the slot's task.
template <rl::test_result_e Expected>
struct LifoModel : rl::test_suite<LifoModel<Expected>, 2, Expected> {
  Worker workers[2];
  detail::Injector<Item> injector;
  Item items[2];

  void thread(unsigned index) {
    if (index == 0) {
      for (Item& item : items) {
        prepare(item);
        (void)workers[0].push_next(&item, injector);
      }
      while (Item* item = workers[0].pop(injector)) run(item);
    } else {
      if (Item* item = workers[0].steal_into(workers[1])) run(item);
      while (Item* item = workers[1].pop(injector)) run(item);
    }
  }

  void after() { expect_each_ran_once(items); }
};

using detail::cite;
using detail::Mutation;
using detail::ShutdownStep;
using detail::TaskState;

/// O's thread-local object.
struct Payload {
  detail::Var<int> cell{0};
};

struct Task {
  explicit Task(detail::Var<int>* payload_cell) : ref(payload_cell) {}

  TaskState state;  // new task: scheduled
  detail::Var<Task*> queue_next{nullptr};
  detail::Var<int>* ref;  // a LocalRef into O's payload
};

template <rl::test_result_e Expected>
struct Migration : rl::test_suite<Migration<Expected>, 2, Expected> {
  static constexpr unsigned kOwner = 0;
  static constexpr unsigned kThief = 1;

  detail::LocalQueue<Task, 2> queues[2];
  detail::ShutdownBarrier barrier{2};
  Payload* payload = nullptr;
  Task* task = nullptr;

  void before() {
    payload = new Payload;
    task = new Task(&payload->cell);
  }

  void thread(unsigned index) {
    if (index == kOwner) {
      const bool pushed = queues[kOwner].push(task);
      RL_ASSERT(pushed);
      if (Task* popped = queues[kOwner].pop()) run(popped);
    } else {
      if (Task* stolen = queues[kOwner].steal_into(queues[kThief])) run(stolen);
    }
    // Step 5.
    barrier.arrive_and_wait();
    // Step 6: O's thread-local objects are destroyed.
    if (index == kOwner) {
      payload->cell.store(-1);
      delete payload;
    }
  }

  /// SchedulerBase::run_task (detail::run_once) for a task that runs to completion: it is
  /// never cancelled or woken, so it must be resumed once and then destroyed as completed.
  void run(Task* taken) {
    struct Runner {
      Task* task;
      bool resume() const {
        task->ref->store(task->ref->load() + 1);
        return true;
      }
      void reschedule() const { RL_ASSERT(false); }
      void destroy(bool completed) const {
        RL_ASSERT(completed);
        delete task;
      }
    };
    detail::run_once(taken->state, Runner{taken});
  }
};

}  // namespace

std::vector<Model> work_queue_models() {
  return {
      entry<Migration<rl::test_result_success>>(
          "migration", "scenario", nullptr,
          "work queue; " + cite({ShutdownStep::destroy_frames, ShutdownStep::rendezvous,
                                 ShutdownStep::thread_return}),
          "A task holding a reference into worker O's thread-local payload is stolen and writes "
          "through it on the thief; O destroys the payload after the barrier",
          Mutation::none, true),
      entry<Migration<rl::test_result_data_race>>(
          "steal-weak-claim", "mutant", "migration", "work queue: LocalQueue::steal_into",
          "The thief loads O's tail and claims the slots with relaxed orderings: its read of the "
          "slot is not ordered after O's write",
          Mutation::queue_steal_weak_claim, true),
      entry<RingWrap<rl::test_result_success>>(
          "ring-wrap", "scenario", nullptr, "work queue: LocalQueue",
          "O pushes, pops and pushes into the slot a thief may still copy, with indices wrapping "
          "at 2^32; every item runs once and its data is ordered before its run",
          Mutation::none, true),
      entry<RingWrap<rl::test_result_data_race>>(
          "ring-wrap-weak-claim", "mutant", "ring-wrap", "work queue: LocalQueue::steal_into",
          "The thief's claim is relaxed: the slot and the item's data it reads are not ordered "
          "after O's writes",
          Mutation::queue_steal_weak_claim, true),
      entry<RingOverflow<rl::test_result_success>>(
          "ring-overflow", "scenario", nullptr, "work queue: LocalQueue::push_or_overflow",
          "A full ring moves its older half and the new item to the Injector in one batch while "
          "a thief steals; every item runs once",
          Mutation::none, true),
      entry<RingTwoThieves<rl::test_result_success>>(
          "ring-two-thieves", "scenario", nullptr, "work queue: LocalQueue::steal_into",
          "Two thieves steal from one owner that pushes and pops; every item runs once",
          Mutation::none, true),
      entry<LifoModel<rl::test_result_success>>(
          "lifo-slot", "scenario", nullptr, "work queue: WorkerQueue (LIFO slot)",
          "O puts two items in its LIFO slot (the first moves to the ring) while a thief steals "
          "the ring, else the slot; every item runs once",
          Mutation::none, true),
      entry<LifoModel<rl::test_result_user_assert_failed>>(
          "lifo-slot-loses-task", "mutant", "lifo-slot", "work queue: LifoSlot::put",
          "A put overwrites the task in the LIFO slot instead of moving it to the ring: that "
          "task never runs",
          Mutation::lifo_slot_loses_task, true),
  };
}

}  // namespace asyncl::models
