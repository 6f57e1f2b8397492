// Tests verify/sanitizer_report.hpp against real sanitizer outputs stored in fixtures/ (see
// fixtures/regenerate.sh), from g++ 12 and clang 19 in the tsan and asan flavors.
#include "verify/sanitizer_report.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace asyncl::verify {
namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream input(std::string(ASYNCL_VERIFY_FIXTURE_DIR) + "/" + name);
  EXPECT_TRUE(input.good()) << name;
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

struct FixtureCase {
  std::string file;
  std::string tool;
  std::string kind;
  std::string first_function;
  std::string first_file;
  int first_line;
  std::size_t frames;
};

// Names the case by its fixture file in test output.
void PrintTo(const FixtureCase& fixture_case, std::ostream* out) { *out << fixture_case.file; }

class SanitizerFixture : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(SanitizerFixture, ParsesToolKindAndFirstFrames) {
  const FixtureCase& expected = GetParam();
  const auto reports = parse_sanitizer_reports(read_fixture(expected.file));
  ASSERT_EQ(reports.size(), 1U);
  const SanitizerReport& report = reports.front();
  EXPECT_EQ(report.tool, expected.tool);
  EXPECT_EQ(report.kind, expected.kind);
  EXPECT_EQ(detection_name(report), expected.tool + ":" + expected.kind);
  ASSERT_EQ(report.frames.size(), expected.frames);
  EXPECT_EQ(report.frames[0].function, expected.first_function);
  EXPECT_EQ(report.frames[0].file, expected.first_file);
  EXPECT_EQ(report.frames[0].line, expected.first_line);
  for (const StackFrame& frame : report.frames) {
    EXPECT_EQ(frame.file.find("libsanitizer"), std::string::npos) << "runtime frame kept";
    EXPECT_FALSE(frame.function.starts_with("operator delete")) << "interceptor frame kept";
  }
}

std::string case_name(const ::testing::TestParamInfo<FixtureCase>& info) {
  std::string name;
  for (const char c : info.param.file.substr(0, info.param.file.find('.'))) {
    name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    RealOutputs, SanitizerFixture,
    ::testing::Values(
        FixtureCase{"gcc12-tsan-data-race.txt", "tsan", "data race", "increment()",
                    "/src/data_race.cpp", 6, 2},
        FixtureCase{"clang19-tsan-data-race.txt", "tsan", "data race", "increment()",
                    "/src/data_race.cpp", 6, 2},
        FixtureCase{"gcc12-tsan-signed-overflow.txt", "ubsan", "signed integer overflow",
                    "add_one(int)", "/src/signed_overflow.cpp", 4, 3},
        FixtureCase{"clang19-tsan-signed-overflow.txt", "ubsan", "signed integer overflow",
                    "add_one(int)", "/src/signed_overflow.cpp", 4, 3},
        FixtureCase{"gcc12-asan-heap-use-after-free.txt", "asan", "heap-use-after-free",
                    "read_value(int const*)", "/src/heap_use_after_free.cpp", 2, 3},
        FixtureCase{"clang19-asan-heap-use-after-free.txt", "asan", "heap-use-after-free",
                    "read_value(int const*)", "/src/heap_use_after_free.cpp", 2, 3},
        FixtureCase{"gcc12-asan-stack-use-after-return.txt", "asan", "stack-use-after-return",
                    "read_value(int const*)", "/src/stack_use_after_return.cpp", 9, 3},
        FixtureCase{"clang19-asan-stack-use-after-return.txt", "asan", "stack-use-after-return",
                    "read_value(int const*)", "/src/stack_use_after_return.cpp", 9, 3},
        FixtureCase{"gcc12-asan-memory-leak.txt", "lsan", "detected memory leaks", "leak_block()",
                    "/src/memory_leak.cpp", 7, 3},
        FixtureCase{"clang19-asan-memory-leak.txt", "lsan", "detected memory leaks", "leak_block()",
                    "/src/memory_leak.cpp", 7, 3},
        FixtureCase{"gcc12-asan-signed-overflow.txt", "ubsan", "signed integer overflow",
                    "add_one(int)", "/src/signed_overflow.cpp", 4, 3},
        FixtureCase{"clang19-asan-signed-overflow.txt", "ubsan", "signed integer overflow",
                    "add_one(int)", "/src/signed_overflow.cpp", 4, 3},
        FixtureCase{"gcc12-asan-wild-write.txt", "asan", "SEGV on unknown address", "store(int*)",
                    "/src/wild_write.cpp", 4, 3},
        FixtureCase{"clang19-asan-wild-write.txt", "asan", "SEGV on unknown address", "store(int*)",
                    "/src/wild_write.cpp", 4, 3},
        FixtureCase{"gcc12-asan-double-free.txt", "asan", "attempting double-free", "release(int*)",
                    "/src/double_free.cpp", 2, 3},
        // clang inlines release() into main at -O1.
        FixtureCase{"clang19-asan-double-free.txt", "asan", "attempting double-free", "main",
                    "/src/double_free.cpp", 7, 3}),
    case_name);

TEST(SanitizerReport, ClangFramesKeepTheColumn) {
  const auto reports = parse_sanitizer_reports(read_fixture("clang19-tsan-data-race.txt"));
  ASSERT_FALSE(reports.empty());
  EXPECT_EQ(reports[0].frames[0].column, 20);
  EXPECT_EQ(reports[0].frames[1], (StackFrame{"main", "/src/data_race.cpp", 10, 3}));
}

TEST(SanitizerReport, GccFramesHaveNoColumn) {
  const auto reports = parse_sanitizer_reports(read_fixture("gcc12-asan-heap-use-after-free.txt"));
  ASSERT_FALSE(reports.empty());
  EXPECT_FALSE(reports[0].frames[0].column.has_value());
}

TEST(SanitizerReport, ReadsEveryReportInOrder) {
  const std::string text = "scenario output before\n" +
                           read_fixture("gcc12-tsan-signed-overflow.txt") +
                           read_fixture("gcc12-tsan-data-race.txt");
  const auto reports = parse_sanitizer_reports(text);
  ASSERT_EQ(reports.size(), 2U);
  EXPECT_EQ(detection_name(reports[0]), "ubsan:signed integer overflow");
  EXPECT_EQ(detection_name(reports[1]), "tsan:data race");
}

TEST(SanitizerReport, IgnoresTextWithoutReports) {
  EXPECT_TRUE(parse_sanitizer_reports("").empty());
  EXPECT_TRUE(
      parse_sanitizer_reports("hello\nSUMMARY: AddressSanitizer: heap-use-after-free x.cpp:1\n")
          .empty());
}

// Headlines of kinds the stored programs do not produce, as the runtimes print them.
TEST(SanitizerReport, KindDropsAddressesAndPids) {
  const auto kind_of = [](const std::string& line) {
    const auto reports = parse_sanitizer_reports(line + "\n");
    return reports.empty() ? std::string("<none>") : detection_name(reports.front());
  };
  EXPECT_EQ(kind_of("WARNING: ThreadSanitizer: heap-use-after-free (pid=4242)"),
            "tsan:heap-use-after-free");
  EXPECT_EQ(kind_of("WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=1)"),
            "tsan:lock-order-inversion");
  EXPECT_EQ(
      kind_of("WARNING: ThreadSanitizer: data race on vptr (ctor/dtor vs virtual call) (pid=9)"),
      "tsan:data race on vptr");
  EXPECT_EQ(
      kind_of("FATAL: ThreadSanitizer: unexpected memory mapping 0x7f1c00000000-0x7f1c00200000"),
      "tsan:unexpected memory mapping");
  EXPECT_EQ(
      kind_of(
          "==7==ERROR: AddressSanitizer: stack-buffer-overflow on address 0x7ffd at pc 0x1 bp 0x2"),
      "asan:stack-buffer-overflow");
  EXPECT_EQ(kind_of("x.cpp:3:5: runtime error: load of null pointer of type 'int'"),
            "ubsan:load of null pointer");
  EXPECT_EQ(kind_of("x.cpp:3:5: runtime error: index 5 out of bounds for type 'int [3]'"),
            "ubsan:index out of bounds");
  EXPECT_EQ(
      kind_of("x.cpp:3:5: runtime error: shift exponent 40 is too large for 32-bit type 'int'"),
      "ubsan:shift exponent is too large");
}

TEST(SanitizerReport, UbsanWithoutStackUsesItsLocation) {
  const auto reports = parse_sanitizer_reports(
      "src/a.cpp:12:7: runtime error: signed integer overflow: 1 + 2147483647\n");
  ASSERT_EQ(reports.size(), 1U);
  ASSERT_EQ(reports[0].frames.size(), 1U);
  EXPECT_EQ(reports[0].frames[0], (StackFrame{"", "src/a.cpp", 12, 7}));
}

TEST(SanitizerReport, FrameWithoutSourceKeepsTheModule) {
  const auto reports = parse_sanitizer_reports(
      "WARNING: ThreadSanitizer: data race (pid=1)\n"
      "    #0 <null> <null> (libstdc++.so.6+0xd44a2) (BuildId: 289e)\n"
      "    #1 worker_loop(int) <null> (asyncl-scenarios+0x1234)\n");
  ASSERT_EQ(reports.size(), 1U);
  ASSERT_EQ(reports[0].frames.size(), 2U);
  EXPECT_EQ(reports[0].frames[0], (StackFrame{"<null>", "(libstdc++.so.6+0xd44a2)", {}, {}}));
  EXPECT_EQ(reports[0].frames[1],
            (StackFrame{"worker_loop(int)", "(asyncl-scenarios+0x1234)", {}, {}}));
}

}  // namespace
}  // namespace asyncl::verify
