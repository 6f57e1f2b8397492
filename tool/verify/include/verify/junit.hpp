// verify/junit.hpp — the report as JUnit XML, for CI test views.
//
// Defines:
//   to_junit_xml(report)   one <testsuite> per flavor (in report order), one <testcase> per run,
//                          classname "asyncl.<flavor>.scenarios" or "asyncl.<flavor>.mutants";
//                          a fail/missed/wrong-detection run carries <failure>, a timeout or
//                          error run carries <error>, each with the reason and the first
//                          sanitizer report (tool, kind, frames) as text
//
// Example:
//   write_file_atomically("results/verify.xml", to_junit_xml(report));
//
// Thread safety: pure function.
#pragma once

#include <string>

#include "verify/report.hpp"

namespace asyncl::verify {

std::string to_junit_xml(const VerifyReport& report);

}  // namespace asyncl::verify
