#include "verify/junit.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "tool_common/markup.hpp"

namespace asyncl::verify {
namespace {

std::string seconds(double value) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.3f", value);
  return buffer.data();
}

std::string describe(const SanitizerReport& report) {
  std::string text = report.tool + ": " + report.kind;
  for (const StackFrame& frame : report.frames) {
    text += "\n  " + frame.function + " " + frame.file;
    if (frame.line) text += ":" + std::to_string(*frame.line);
  }
  return text;
}

std::string failure_message(const RunRecord& run) {
  std::string message(to_string(run.verdict));
  if (run.expected_detection) message += "; expected " + *run.expected_detection;
  if (run.observed_detection) message += "; observed " + *run.observed_detection;
  if (run.detection_rate && run.runs) {
    message += "; caught " + std::to_string(std::lround(*run.detection_rate * *run.runs)) + "/" +
               std::to_string(*run.runs);
  }
  if (run.reason) message += "; " + *run.reason;
  return message;
}

struct SuiteCounts {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  double time = 0.0;
};

}  // namespace

std::string to_junit_xml(const VerifyReport& report) {
  std::vector<std::string> flavors;
  for (const RunRecord& run : report.runs) {
    if (std::find(flavors.begin(), flavors.end(), run.flavor) == flavors.end()) {
      flavors.push_back(run.flavor);
    }
  }
  SuiteCounts total;
  std::ostringstream suites;
  for (const std::string& flavor : flavors) {
    SuiteCounts counts;
    std::ostringstream cases;
    for (const RunRecord& run : report.runs) {
      if (run.flavor != flavor) continue;
      ++counts.tests;
      counts.time += run.duration_s;
      cases << "    <testcase classname=\"asyncl." << tool::escape_markup(flavor)
            << (run.kind == EntryKind::scenario ? ".scenarios" : ".mutants") << "\" name=\""
            << tool::escape_markup(run.scenario) << "\" time=\"" << seconds(run.duration_s) << "\"";
      if (run.passed()) {
        cases << "/>\n";
        continue;
      }
      const bool is_error = run.verdict == Verdict::timeout || run.verdict == Verdict::error;
      ++(is_error ? counts.errors : counts.failures);
      const char* element = is_error ? "error" : "failure";
      std::string body = failure_message(run);
      if (!run.reports.empty()) body += "\n" + describe(run.reports.front());
      if (run.stderr_excerpt) body += "\n--- stderr ---\n" + *run.stderr_excerpt;
      cases << ">\n      <" << element << " type=\"" << to_string(run.verdict) << "\" message=\""
            << tool::escape_markup(failure_message(run)) << "\">" << tool::escape_markup(body)
            << "</" << element << ">\n    </testcase>\n";
    }
    suites << "  <testsuite name=\"" << tool::escape_markup(flavor) << "\" tests=\"" << counts.tests
           << "\" failures=\"" << counts.failures << "\" errors=\"" << counts.errors << "\" time=\""
           << seconds(counts.time) << "\" timestamp=\"" << tool::escape_markup(report.context.date)
           << "\" hostname=\"" << tool::escape_markup(report.context.host) << "\">\n"
           << cases.str() << "  </testsuite>\n";
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    total.time += counts.time;
  }
  std::ostringstream xml;
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"asyncl-verify\" tests=\"" << total.tests << "\" failures=\""
      << total.failures << "\" errors=\"" << total.errors << "\" time=\"" << seconds(total.time)
      << "\">\n"
      << suites.str() << "</testsuites>\n";
  return xml.str();
}

}  // namespace asyncl::verify
