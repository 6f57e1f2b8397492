#include "support/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace asyncl::scenarios {
namespace {

std::vector<Entry>& storage() {
  static std::vector<Entry> entries;
  return entries;
}

const char* mutation_name(asyncl::detail::Mutation mutation) {
  using asyncl::detail::Mutation;
  switch (mutation) {
    case Mutation::none:
      return "none";
    case Mutation::skip_barrier_wait:
      return "skip_barrier_wait";
    case Mutation::relaxed_barrier:
      return "relaxed_barrier";
    case Mutation::tls_before_tasks:
      return "tls_before_tasks";
    case Mutation::task_local_not_restored:
      return "task_local_not_restored";
    case Mutation::frame_destroyed_twice:
      return "frame_destroyed_twice";
    case Mutation::frame_not_destroyed:
      return "frame_not_destroyed";
    case Mutation::idle_lost_wakeup:
      return "idle_lost_wakeup";
    case Mutation::queue_steal_weak_claim:
      return "queue_steal_weak_claim";
    case Mutation::notify_all_stores_permit:
      return "notify_all_stores_permit";
    case Mutation::timer_fires_early:
      return "timer_fires_early";
    case Mutation::blocking_exception_lost:
      return "blocking_exception_lost";
    case Mutation::leaky_freed_at_thread_exit:
      return "leaky_freed_at_thread_exit";
    case Mutation::task_state_unordered_decision:
      return "task_state_unordered_decision";
    case Mutation::lifo_slot_loses_task:
      return "lifo_slot_loses_task";
  }
  return "unknown";
}

}  // namespace

void Outcome::fail(std::string message) {
  if (failures_.size() < kMaxFailures) {
    failures_.push_back(std::move(message));
  } else {
    ++dropped_;
  }
}

std::string result_line(const RunRequest& request, const Outcome& outcome) {
  JsonObject line;
  line.set("scenario", request.name);
  line.set("iterations", request.iterations);
  line.set("seed", request.seed);
  line.set("mode", request.mode_argument);
  line.set("verdict", outcome.verdict_failed() ? "fail" : "pass");
  JsonArray failures;
  for (const std::string& failure : outcome.failures_) failures.add(failure);
  if (outcome.dropped_ != 0) failures.add("... and " + std::to_string(outcome.dropped_) + " more");
  line.set("failures", failures);
  line.set("detail", outcome.detail_);
  // The extra fields go after the contract's own, so a reader that stops early sees those.
  std::string text = line.text();
  if (!outcome.extra_.empty()) {
    const std::string extra = outcome.extra_.text();
    text.pop_back();  // '}'
    text += ',';
    text.append(extra, 1, std::string::npos);
  }
  return text;
}

void register_entry(Entry entry) {
  if (find_entry(entry.name) != nullptr) {
    throw std::logic_error("asyncl-scenarios: '" + entry.name + "' is registered twice");
  }
  storage().push_back(std::move(entry));
}

std::vector<const Entry*> registered_entries() {
  std::vector<const Entry*> entries;
  for (const Entry& entry : storage()) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [](const Entry* a, const Entry* b) {
    if (a->kind != b->kind) return a->kind == EntryKind::scenario;
    return a->name < b->name;
  });
  return entries;
}

const Entry* find_entry(const std::string& name) {
  for (const Entry& entry : storage()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

JsonObject to_json(const Entry& entry) {
  JsonObject json;
  json.set("name", entry.name);
  json.set("kind", entry.kind == EntryKind::scenario ? "scenario" : "mutant");
  if (entry.kind == EntryKind::mutant) {
    json.set("twin_of", entry.twin_of);
    json.set("attacks", entry.attacks);
    JsonObject detectors;
    for (const auto& [flavor, detection] : entry.detectors) detectors.set(flavor, detection);
    json.set("detectors", detectors);
    if (!entry.not_detected.empty()) {
      JsonObject reasons;
      for (const auto& [flavor, reason] : entry.not_detected) reasons.set(flavor, reason);
      json.set("not_detected", reasons);
    }
    // The library switch the twin sets, or null for a breakage in the scenario's own code.
    json.set_raw("mutation", entry.mutation ? json_string(mutation_name(*entry.mutation)) : "null");
  }
  json.set("description", entry.description);
  if (entry.explicit_only) json.set("explicit", true);
  return json;
}

std::string where(std::uint64_t iteration, ModeName mode, std::string_view flavor) {
  std::string text =
      "iteration " + std::to_string(iteration) + ", " + std::string(to_string(mode)) + " mode";
  if (!flavor.empty()) {
    text += ", ";
    text += flavor;
  }
  text += ": ";
  return text;
}

}  // namespace asyncl::scenarios
