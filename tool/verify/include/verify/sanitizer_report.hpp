// verify/sanitizer_report.hpp — reads ThreadSanitizer, AddressSanitizer, LeakSanitizer and
// UndefinedBehaviorSanitizer reports out of a process's stderr.
//
// Defines:
//   StackFrame        one frame of the first stack of a report (function, file, line)
//   SanitizerReport   tool ("tsan", "asan", "lsan", "ubsan"), kind, first frames
//   parse_sanitizer_reports(text)   every report in the text, in order
//   detection_name(report)          "tool:kind", e.g. "tsan:data race"
//
// Example:
//   auto reports = asyncl::verify::parse_sanitizer_reports(captured_stderr);
//   if (!reports.empty()) std::cout << detection_name(reports.front());  //
//   "asan:heap-use-after-free"
//
// The kind is the report's headline with addresses, sizes and pids removed:
//   "WARNING: ThreadSanitizer: data race (pid=7)"                 -> tsan, "data race"
//   "ERROR: AddressSanitizer: heap-use-after-free on address 0x…" -> asan, "heap-use-after-free"
//   "ERROR: AddressSanitizer: SEGV on unknown address 0x10 (pc …" -> asan, "SEGV on unknown
//   address" "ERROR: LeakSanitizer: detected memory leaks"                 -> lsan, "detected
//   memory leaks" "f.cpp:4:6: runtime error: signed integer overflow: 1 + …"    -> ubsan, "signed
//   integer overflow"
// The frames are the first kMaxFrames frames of the report's first stack that belong to the
// program, not to the sanitizer runtime (interceptors such as malloc, operator delete and
// pthread_create are skipped), so they point at the code that did the access.
//
// Thread safety: pure functions, callable from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asyncl::verify {

inline constexpr std::size_t kMaxFrames = 3;

struct StackFrame {
  std::string function;       // demangled name as printed; "<null>" when unknown
  std::string file;           // source file, or the module "(binary+0x…)" when no source is known
  std::optional<int> line;    // source line when known
  std::optional<int> column;  // source column when the runtime printed one

  bool operator==(const StackFrame&) const = default;
};

struct SanitizerReport {
  std::string tool;  // "tsan", "asan", "lsan" or "ubsan"
  std::string kind;  // headline without addresses, e.g. "data race"
  std::vector<StackFrame> frames;

  bool operator==(const SanitizerReport&) const = default;
};

// Every report in `text`, in the order they appear. Text that is not a report is ignored.
std::vector<SanitizerReport> parse_sanitizer_reports(std::string_view text);

// "tool:kind", the form in which mutants declare the detection they expect.
std::string detection_name(const SanitizerReport& report);

}  // namespace asyncl::verify
