// Parser for sanitizer reports; see verify/sanitizer_report.hpp for the accepted forms.
#include "verify/sanitizer_report.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace asyncl::verify {
namespace {

struct Headline {
  std::string tool;
  std::string text;            // what follows "Sanitizer: " or "runtime error: "
  std::string ubsan_location;  // "file:line:col" before "runtime error:", UBSan only
};

// Markers that open a report. "SUMMARY: …Sanitizer: …" lines repeat the headline and are not
// listed, so they never open a second report.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kHeadlineMarkers{{
    {"WARNING: ThreadSanitizer: ", "tsan"},
    {"ERROR: ThreadSanitizer: ", "tsan"},
    {"FATAL: ThreadSanitizer: ", "tsan"},
    {"ERROR: AddressSanitizer: ", "asan"},
    {"ERROR: LeakSanitizer: ", "lsan"},
    {"ERROR: UndefinedBehaviorSanitizer: ", "ubsan"},
    {"WARNING: AddressSanitizer: ", "asan"},
}};

constexpr std::string_view kUbsanMarker = ": runtime error: ";

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && text[position] == ' ') ++position;
    const std::size_t start = position;
    while (position < text.size() && text[position] != ' ') ++position;
    if (position > start) words.push_back(text.substr(start, position - start));
  }
  return words;
}

bool starts_with_digit(std::string_view word) {
  if (!word.empty() && word.front() == '-') word.remove_prefix(1);
  return !word.empty() && std::isdigit(static_cast<unsigned char>(word.front())) != 0;
}

// Words after which nothing in a headline names the kind: addresses, pc/bp blocks, quoted types.
bool ends_kind(std::string_view word) {
  return word.starts_with("0x") || word.starts_with("(") || word.starts_with("'") ||
         word.starts_with("\"") || word.starts_with("[");
}

bool is_trailing_connector(std::string_view word) {
  constexpr std::array<std::string_view, 10> kConnectors{"type", "on", "at",   "in",   "of",
                                                         "for",  "to", "with", "from", "by"};
  return std::find(kConnectors.begin(), kConnectors.end(), word) != kConnectors.end();
}

// "heap-use-after-free on address 0x60 at pc …" -> "heap-use-after-free";
// "signed integer overflow: 2147483647 + 1 cannot …" -> "signed integer overflow".
std::string kind_from_headline(std::string_view text, bool cut_at_punctuation) {
  if (const auto pid = text.find(" (pid="); pid != std::string_view::npos)
    text = text.substr(0, pid);
  if (cut_at_punctuation) {
    if (const auto cut = text.find_first_of(":,"); cut != std::string_view::npos) {
      text = text.substr(0, cut);
    }
  }
  std::vector<std::string_view> kept;
  for (const std::string_view word : split_words(trim(text))) {
    if (ends_kind(word)) break;
    if (starts_with_digit(word)) continue;
    kept.push_back(word);
  }
  if (kept.size() >= 2 && kept[kept.size() - 2] == "on" && kept.back() == "address") {
    kept.resize(kept.size() - 2);
  }
  while (kept.size() > 1 && is_trailing_connector(kept.back())) kept.pop_back();
  std::string kind;
  for (const std::string_view word : kept) {
    if (!kind.empty()) kind += ' ';
    kind += word;
  }
  return kind;
}

std::optional<Headline> find_headline(std::string_view line) {
  for (const auto& [marker, tool] : kHeadlineMarkers) {
    if (const auto at = line.find(marker); at != std::string_view::npos) {
      return Headline{std::string(tool), std::string(line.substr(at + marker.size())), {}};
    }
  }
  if (const auto at = line.find(kUbsanMarker); at != std::string_view::npos) {
    return Headline{"ubsan", std::string(line.substr(at + kUbsanMarker.size())),
                    std::string(trim(line.substr(0, at)))};
  }
  return std::nullopt;
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [next, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || next != end || text.empty()) return std::nullopt;
  return value;
}

// Splits "path:line" or "path:line:column"; returns false when `text` has no line number.
bool split_location(std::string_view text, StackFrame& frame) {
  const auto last = text.rfind(':');
  if (last == std::string_view::npos) return false;
  const auto tail = parse_int(text.substr(last + 1));
  if (!tail) return false;
  const std::string_view head = text.substr(0, last);
  const auto before = head.rfind(':');
  if (before != std::string_view::npos) {
    if (const auto line = parse_int(head.substr(before + 1))) {
      frame.file = std::string(head.substr(0, before));
      frame.line = line;
      frame.column = tail;
      return true;
    }
  }
  frame.file = std::string(head);
  frame.line = tail;
  return true;
}

// A stack line: optional indentation, "#N", then the frame. Returns the frame number.
std::optional<int> frame_number(std::string_view line, std::string_view& rest) {
  line = trim(line);
  if (!line.starts_with('#')) return std::nullopt;
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto number = parse_int(line.substr(1, space - 1));
  if (number) rest = trim(line.substr(space + 1));
  return number;
}

// Frame text after "#N ":
//   ASan/LSan/UBSan: "0x55d5 in read_value(int const*) /src/f.cpp:2:69"
//                    "0x55d5 in operator delete(void*, unsigned long) (/bin/x+0x10c732) (BuildId:
//                    …)"
//   TSan:            "increment() /src/f.cpp:6:20 (binary+0xe7862) (BuildId: …)"
//                    "<null> <null> (libstdc++.so.6+0xd44a2)"
StackFrame parse_frame(std::string_view text) {
  if (text.starts_with("0x")) {
    const auto space = text.find(' ');
    text = space == std::string_view::npos ? std::string_view{} : trim(text.substr(space + 1));
    if (text.starts_with("in ")) text = trim(text.substr(3));
  }
  if (const auto build_id = text.rfind(" (BuildId: "); build_id != std::string_view::npos) {
    text = trim(text.substr(0, build_id));
  }
  std::string module;
  if (text.ends_with(')')) {
    const auto open = text.rfind(" (");
    if (open != std::string_view::npos && text.substr(open).find("+0x") != std::string_view::npos) {
      module = std::string(text.substr(open + 1));
      text = trim(text.substr(0, open));
    }
  }
  StackFrame frame;
  const auto last_space = text.rfind(' ');
  if (last_space != std::string_view::npos) {
    const std::string_view location = text.substr(last_space + 1);
    if (split_location(location, frame) || location == "<null>") {
      frame.function = std::string(trim(text.substr(0, last_space)));
      if (location == "<null>") frame.file = module;
      return frame;
    }
  }
  frame.function = std::string(text);
  frame.file = module;
  return frame;
}

bool is_sanitizer_runtime_frame(const StackFrame& frame) {
  constexpr std::array<std::string_view, 6> kRuntimePaths{"/libsanitizer/", "compiler-rt/lib/",
                                                          "libtsan.so",     "libasan.so",
                                                          "libubsan.so",    "liblsan.so"};
  for (const std::string_view path : kRuntimePaths) {
    if (frame.file.find(path) != std::string::npos) return true;
  }
  constexpr std::array<std::string_view, 6> kRuntimePrefixes{
      "__interceptor_", "___interceptor_", "__asan", "__tsan", "__lsan", "__sanitizer"};
  for (const std::string_view prefix : kRuntimePrefixes) {
    if (frame.function.starts_with(prefix)) return true;
  }
  if (frame.line) return false;
  // Without source, these names are the runtime's interceptors (clang links its runtime
  // statically, so their module is the program itself).
  constexpr std::array<std::string_view, 12> kInterceptedNames{
      "malloc",         "calloc",         "realloc",      "free",
      "aligned_alloc",  "posix_memalign", "operator new", "operator delete",
      "pthread_create", "memcpy",         "memmove",      "memset"};
  const std::string_view name =
      std::string_view(frame.function).substr(0, frame.function.find('('));
  return std::find(kInterceptedNames.begin(), kInterceptedNames.end(), name) !=
             kInterceptedNames.end() ||
         name.starts_with("operator new") || name.starts_with("operator delete");
}

class ReportBuilder {
 public:
  explicit ReportBuilder(Headline headline) : headline_(std::move(headline)) {
    report_.tool = headline_.tool;
    report_.kind = kind_from_headline(headline_.text, headline_.tool == "ubsan");
  }

  void add_line(std::string_view line) {
    if (stack_done_) return;
    std::string_view rest;
    const auto number = frame_number(line, rest);
    if (!number) {
      if (raw_frames_ > 0) stack_done_ = true;
      return;
    }
    if (*number == 0 && raw_frames_ > 0) {
      stack_done_ = true;
      return;
    }
    ++raw_frames_;
    StackFrame frame = parse_frame(rest);
    if (report_.frames.size() < kMaxFrames && !is_sanitizer_runtime_frame(frame)) {
      report_.frames.push_back(std::move(frame));
    }
  }

  SanitizerReport finish() && {
    if (report_.frames.empty() && !headline_.ubsan_location.empty()) {
      StackFrame frame;
      if (split_location(headline_.ubsan_location, frame)) report_.frames.push_back(frame);
    }
    return std::move(report_);
  }

 private:
  Headline headline_;
  SanitizerReport report_;
  int raw_frames_ = 0;
  bool stack_done_ = false;
};

}  // namespace

std::vector<SanitizerReport> parse_sanitizer_reports(std::string_view text) {
  std::vector<SanitizerReport> reports;
  std::optional<ReportBuilder> current;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (auto headline = find_headline(line)) {
      if (current) reports.push_back(std::move(*current).finish());
      current.emplace(std::move(*headline));
    } else if (current) {
      current->add_line(line);
    }
  }
  if (current) reports.push_back(std::move(*current).finish());
  return reports;
}

std::string detection_name(const SanitizerReport& report) {
  return report.tool + ":" + report.kind;
}

}  // namespace asyncl::verify
