// Tests verify/junit.hpp: suites per flavor, failures and errors with their reasons, escaping.
#include "verify/junit.hpp"

#include <gtest/gtest.h>

#include "tests/report_test_support.hpp"

namespace asyncl::verify {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++found;
  return found;
}

TEST(Junit, OneSuitePerFlavorOneCasePerRun) {
  const std::string xml = to_junit_xml(testing::sample_report());
  EXPECT_TRUE(
      xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "
                      "name=\"asyncl-verify\" tests=\"4\" failures=\"2\" errors=\"0\""));
  EXPECT_EQ(count(xml, "<testsuite "), 2U);
  EXPECT_EQ(count(xml, "<testcase "), 4U);
  EXPECT_NE(xml.find("<testsuite name=\"tsan\" tests=\"2\" failures=\"0\" errors=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"asan\" tests=\"2\" failures=\"2\" errors=\"0\""),
            std::string::npos);
  EXPECT_NE(
      xml.find("classname=\"asyncl.tsan.mutants\" name=\"skip-barrier-wait\" time=\"3.500\"/>"),
      std::string::npos);
}

TEST(Junit, FailureCarriesReasonAndFirstReport) {
  const std::string xml = to_junit_xml(testing::sample_report());
  EXPECT_NE(
      xml.find(
          "<failure type=\"wrong-detection\" message=\"wrong-detection; expected tsan:data race; "
          "observed tsan:thread leak; caught 2/3; caught 2 of 3 runs\">"),
      std::string::npos)
      << xml;
  EXPECT_NE(xml.find("tsan: thread leak\n  increment() scenarios/shutdown_race.cpp:6"),
            std::string::npos)
      << xml;
}

TEST(Junit, TimeoutsAndErrorsAreErrors) {
  VerifyReport report = testing::sample_report();
  report.runs = {testing::scenario_record(0, "tsan", "a", Verdict::timeout),
                 testing::mutant_record(1, "tsan", "m", Verdict::error)};
  const std::string xml = to_junit_xml(report);
  EXPECT_EQ(count(xml, "<error type="), 2U);
  EXPECT_NE(xml.find("tests=\"2\" failures=\"0\" errors=\"2\""), std::string::npos);
}

TEST(Junit, EscapesMarkupInNamesAndMessages) {
  VerifyReport report = testing::sample_report();
  report.runs = {testing::scenario_record(1, "tsan", "a<b>&'c", Verdict::fail)};
  const std::string xml = to_junit_xml(report);
  EXPECT_NE(xml.find("a&lt;b&gt;&amp;&#39;c"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("a<b>"), std::string::npos) << xml;
}

}  // namespace
}  // namespace asyncl::verify
