#include "verify/console.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "tool_common/text_table.hpp"

namespace asyncl::verify {
namespace {

std::string seconds(double value) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.1fs", value);
  return buffer.data();
}

std::string caught_fraction(const RunRecord& record) {
  if (!record.runs || !record.detection_rate) return {};
  const int caught = static_cast<int>(std::lround(*record.detection_rate * *record.runs));
  return std::to_string(caught) + "/" + std::to_string(*record.runs);
}

std::string detection_cell(const RunRecord& record) {
  if (record.kind == EntryKind::scenario) return record.observed_detection.value_or("-");
  std::string cell = record.expected_detection.value_or("?");
  if (!record.passed()) cell += " (saw " + record.observed_detection.value_or("nothing") + ")";
  return cell;
}

}  // namespace

std::string progress_prefix(std::size_t position, std::size_t total, const PlanItem& item) {
  std::string prefix = "[" + std::to_string(position) + "/" + std::to_string(total) + "] " +
                       item.flavor + " " + item.entry.name;
  if (item.entry.kind == EntryKind::mutant) prefix += " (mutant)";
  return prefix + " ... ";
}

std::string progress_result(const RunRecord& record) {
  std::string text(to_string(record.verdict));
  if (record.kind == EntryKind::mutant) text += " " + caught_fraction(record);
  if (!record.passed()) {
    if (record.kind == EntryKind::mutant) {
      text += ": expected " + record.expected_detection.value_or("?") + ", observed " +
              record.observed_detection.value_or("nothing");
    } else if (record.reason) {
      text += ": " + *record.reason;
    }
  }
  return text + " (" + seconds(record.duration_s) + ")";
}

std::string summary_table(const VerifyReport& report) {
  tool::TextTable table({"FLAVOR", "NAME", "KIND", "VERDICT", "CAUGHT", "DETECTION", "TIME"});
  for (const RunRecord& run : report.runs) {
    table.add_row({run.flavor, run.scenario, std::string(to_string(run.kind)),
                   std::string(to_string(run.verdict)),
                   run.kind == EntryKind::mutant ? caught_fraction(run) : "-", detection_cell(run),
                   seconds(run.duration_s)});
  }
  const Summary& summary = report.summary;
  return table.render() + "\nscenarios: " + std::to_string(summary.scenarios_passed) + " passed, " +
         std::to_string(summary.scenarios_failed) +
         " failed; mutants: " + std::to_string(summary.mutants_caught) + " caught, " +
         std::to_string(summary.mutants_missed) + " missed; " + (summary.ok ? "OK" : "FAILED") +
         "\n";
}

}  // namespace asyncl::verify
