#include "asyncl_bench/peers.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "asyncl_bench/report.hpp"
#include "tool_common/errors.hpp"

namespace asyncl::bench {
namespace {

PeerSizes& mutable_sizes() {
  static PeerSizes sizes;
  return sizes;
}

bool is_peer(std::string_view name, const std::vector<std::string>& peers) {
  return std::find(peers.begin(), peers.end(), name) != peers.end();
}

}  // namespace

PeerSizes peer_sizes(std::string_view size) {
  if (size == "full") return PeerSizes{};
  if (size == "tiny") return PeerSizes{100, 100, 100, 10, 100};
  throw tool::UsageError("unknown --size '" + std::string(size) + "'; the sizes are full and tiny");
}

std::int64_t skynet_tasks(std::int64_t leaves) {
  std::int64_t tasks = 0;
  for (std::int64_t level = leaves; level > 1; level /= 10) tasks += level;
  return tasks;
}

std::int64_t fib_tasks(int n) { return n < 2 ? 0 : 1 + fib_tasks(n - 1) + fib_tasks(n - 2); }

std::int64_t skynet_sum(std::int64_t leaves) { return leaves * (leaves - 1) / 2; }

std::int64_t fib_value(int n) {
  std::int64_t a = 0;
  std::int64_t b = 1;
  for (int i = 0; i < n; ++i) a = std::exchange(b, a + b);
  return a;
}

const PeerSizes& current_peer_sizes() { return mutable_sizes(); }

void set_current_peer_sizes(const PeerSizes& sizes) { mutable_sizes() = sizes; }

std::vector<std::string> parse_peers(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (std::find(kPeers.begin(), kPeers.end(), names[i]) == kPeers.end()) {
      throw tool::UsageError("unknown peer '" + names[i] +
                             "'; the peers are asyncl, asio, tbb and tokio");
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw tool::UsageError("peer '" + names[i] + "' is named twice");
    }
  }
  std::vector<std::string> peers;
  for (std::string_view peer : kPeers) {
    if (names.empty() || peer == kPeers.front() || is_peer(peer, names)) peers.emplace_back(peer);
  }
  return peers;
}

void merge_peer_run(Json& merged, const Json& run, const std::vector<std::string>& peers,
                    int repetition_index, int repetitions) {
  if (!run.is_object() || !run.contains("benchmarks") || !run["benchmarks"].is_array()) {
    throw std::invalid_argument("not a Google Benchmark JSON report: no \"benchmarks\" array");
  }
  Json records = Json::array();
  for (const Json& record : run["benchmarks"]) {
    if (!record.is_object()) throw std::invalid_argument("a \"benchmarks\" entry is not an object");
    if (record.value("run_type", std::string("iteration")) != "iteration") continue;
    const std::string run_name = record.value("run_name", record.value("name", std::string()));
    const std::size_t slash = run_name.rfind('/');
    if (slash == std::string::npos || slash == 0 || !is_peer(run_name.substr(slash + 1), peers)) {
      std::string expected;
      for (const std::string& peer : peers) expected += (expected.empty() ? "" : ", ") + peer;
      throw std::invalid_argument("benchmark record '" + run_name +
                                  "' is not named <workload>/<peer> with a peer of this run (" +
                                  expected + ")");
    }
    Json copy = record;
    copy["repetitions"] = repetitions;
    copy["repetition_index"] = repetition_index;
    records.push_back(std::move(copy));
  }

  if (!merged.is_object() || !merged.contains("benchmarks")) {
    merged = Json::object();
    merged["context"] = run.value("context", Json::object());
    merged["benchmarks"] = Json::array();
  } else if (run.contains("context") && run["context"].is_object()) {
    for (const auto& [key, value] : run["context"].items()) {
      if (key.rfind("peer_", 0) == 0) merged["context"][key] = value;
    }
  }
  for (Json& record : records) merged["benchmarks"].push_back(std::move(record));
}

Json make_peers_report(Json merged, const Comparison& comparison) {
  Json report = make_report(std::move(merged), comparison);
  report["schema"] = kPeersReportSchema;
  return report;
}

}  // namespace asyncl::bench
