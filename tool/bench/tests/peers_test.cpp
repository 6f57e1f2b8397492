// Tests of asyncl_bench/peers.hpp: the sizes and task counts of the workloads, the peer names,
// and the merge of the peers' runs (stored fixtures, no timing).

#include "asyncl_bench/peers.hpp"

#include <gtest/gtest.h>

#include <map>

#include "test_files.hpp"
#include "tool_common/errors.hpp"

namespace asyncl::bench {
namespace {

using testing::read_fixture;

TEST(Peers, SizesAndTaskCounts) {
  const PeerSizes full = peer_sizes("full");
  EXPECT_EQ(full.batch, 100'000);
  EXPECT_EQ(full.skynet_leaves, 1'000'000);
  EXPECT_EQ(full.fib, 30);
  EXPECT_THROW(peer_sizes("huge"), tool::UsageError);
  EXPECT_EQ(skynet_tasks(1'000'000), 1'111'110);  // every node but the root
  EXPECT_EQ(skynet_tasks(100), 110);
  EXPECT_EQ(skynet_sum(1'000'000), 499'999'500'000);
  EXPECT_EQ(fib_value(30), 832'040);
  EXPECT_EQ(fib_tasks(30), 1'346'268);  // calls with n >= 2: fib(31) - 1
  EXPECT_EQ(fib_tasks(1), 0);
}

TEST(Peers, ParsePeersKeepsTheirOrderAndAlwaysAsyncl) {
  EXPECT_EQ(parse_peers({}), (std::vector<std::string>{"asyncl", "asio", "tbb", "tokio"}));
  EXPECT_EQ(parse_peers({"tokio", "asio"}), (std::vector<std::string>{"asyncl", "asio", "tokio"}));
  EXPECT_THROW(parse_peers({"seastar"}), tool::UsageError);
  EXPECT_THROW(parse_peers({"tbb", "tbb"}), tool::UsageError);
}

// Real time per repetition, in nanoseconds, of every record of a run, by run name.
std::map<std::string, double> times_ns(const Json& run) {
  std::map<std::string, double> times;
  for (const Json& record : run["benchmarks"]) {
    const double scale = record["time_unit"] == "ms" ? 1e6 : record["time_unit"] == "us" ? 1e3 : 1;
    times[record["run_name"].get<std::string>()] = record["real_time"].get<double>() * scale;
  }
  return times;
}

TEST(Peers, MergedRunsKeepEveryRowUnderItsOwnPeer) {
  const Json asyncl_run = read_fixture("peers_asyncl_run.json");
  Json tokio_run = read_fixture("peers_tokio_run.json");
  tokio_run["context"]["peer_tokio_version"] = "1.24.2";
  Json merged;
  for (int round = 0; round < 2; ++round) {
    merge_peer_run(merged, asyncl_run, {"asyncl", "asio", "tbb"}, round, 2);
    merge_peer_run(merged, tokio_run, {"tokio"}, round, 2);
  }
  EXPECT_EQ(merged["context"]["host_name"], "bench-host");  // the first run's context
  EXPECT_EQ(merged["context"]["peer_tokio_version"], "1.24.2");
  EXPECT_EQ(merged["context"]["peer_tokio_runtime"], "multi_thread, worker_threads(2)");
  EXPECT_EQ(merged["benchmarks"].size(),
            2 * (asyncl_run["benchmarks"].size() + tokio_run["benchmarks"].size()));

  const Comparison comparison = compare_runs(merged, {"asyncl", "tokio"});
  EXPECT_TRUE(comparison.failed.empty());
  const std::vector<std::string> workloads{"batch",  "spawn_one", "yield", "shutdown",
                                           "skynet", "fib",       "memory"};
  ASSERT_EQ(comparison.rows.size(), workloads.size());
  const auto asyncl_times = times_ns(asyncl_run);
  const auto tokio_times = times_ns(tokio_run);
  for (const std::string& workload : workloads) {
    SCOPED_TRACE(workload);
    const ComparisonRow* row = comparison.row(workload);
    ASSERT_NE(row, nullptr);
    for (const auto& [peer, times] :
         {std::pair{"asyncl", &asyncl_times}, std::pair{"tokio", &tokio_times}}) {
      const Measurement* measurement = row->mode(peer);
      ASSERT_NE(measurement, nullptr) << peer;
      // Both rounds, each exactly the fixture's own time for that peer: nothing dropped,
      // nothing swapped between the runtimes.
      ASSERT_EQ(measurement->samples_ns.size(), 2u) << peer;
      for (double sample : measurement->samples_ns) {
        EXPECT_DOUBLE_EQ(sample, times->at(workload + "/" + peer)) << peer;
      }
    }
  }
  const auto counter = [&](const std::string& workload, const std::string& peer,
                           const std::string& name) {
    for (const auto& [key, value] : comparison.row(workload)->mode(peer)->counters) {
      if (key == name) return value;
    }
    return -1.0;
  };
  for (const Json& record : tokio_run["benchmarks"]) {
    const std::string workload =
        record["name"].get<std::string>().substr(0, record["name"].get<std::string>().find('/'));
    for (const char* name : {"ns_per_task", "core_ns_per_task", "bytes_per_task"}) {
      if (record.contains(name)) {
        EXPECT_DOUBLE_EQ(counter(workload, "tokio", name), record[name].get<double>()) << name;
      }
    }
  }
  std::map<std::string, std::vector<std::int64_t>> indices;
  for (const Json& record : merged["benchmarks"]) {
    indices[record["run_name"].get<std::string>()].push_back(record["repetition_index"]);
    EXPECT_EQ(record["repetitions"], 2);
  }
  for (const auto& [name, seen] : indices) {
    EXPECT_EQ(seen, (std::vector<std::int64_t>{0, 1})) << name;
  }
}

TEST(Peers, MergeRefusesRecordsOfAnotherPeer) {
  Json merged;
  merge_peer_run(merged, read_fixture("peers_asyncl_run.json"), {"asyncl"}, 0, 1);
  const Json before = merged;

  Json mislabelled = read_fixture("peers_tokio_run.json");
  mislabelled["benchmarks"][3]["run_name"] = "shutdown/asyncl";
  mislabelled["benchmarks"][3]["name"] = "shutdown/asyncl";
  EXPECT_THROW(merge_peer_run(merged, mislabelled, {"tokio"}, 0, 1), std::invalid_argument);
  EXPECT_EQ(merged, before);

  Json unnamed = read_fixture("peers_tokio_run.json");
  unnamed["benchmarks"][0]["run_name"] = "batch";
  EXPECT_THROW(merge_peer_run(merged, unnamed, {"tokio"}, 0, 1), std::invalid_argument);
  EXPECT_THROW(merge_peer_run(merged, Json::object(), {"tokio"}, 0, 1), std::invalid_argument);
  EXPECT_EQ(merged, before);

  // Context keys that are not a peer's are the first run's alone.
  Json other = read_fixture("peers_tokio_run.json");
  other["context"]["host_name"] = "elsewhere";
  merge_peer_run(merged, other, {"tokio"}, 0, 1);
  EXPECT_EQ(merged["context"]["host_name"], "bench-host");
}

}  // namespace
}  // namespace asyncl::bench
