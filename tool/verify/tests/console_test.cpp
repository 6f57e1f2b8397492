// Tests verify/console.hpp: the progress line and the summary table.
#include "verify/console.hpp"

#include <gtest/gtest.h>

#include "tests/report_test_support.hpp"

namespace asyncl::verify {
namespace {

TEST(Console, ProgressLineForAScenario) {
  const PlanItem item{2, "tsan", {"shutdown-race", EntryKind::scenario, {}, {}, {}, {}}, {}};
  RunRecord record = testing::scenario_record(2, "tsan", "shutdown-race");
  record.duration_s = 1.24;
  EXPECT_EQ(progress_prefix(3, 24, item) + progress_result(record),
            "[3/24] tsan shutdown-race ... pass (1.2s)");
}

TEST(Console, ProgressLineForAMutantSaysWhatWasSeen) {
  const PlanItem item{4,
                      "asan",
                      {"skip-barrier-wait", EntryKind::mutant, "shutdown-race", {}, {}, {}},
                      "tsan:data race"};
  const RunRecord record =
      testing::mutant_record(4, "asan", "skip-barrier-wait", Verdict::wrong_detection);
  EXPECT_EQ(
      progress_prefix(5, 24, item) + progress_result(record),
      "[5/24] asan skip-barrier-wait (mutant) ... wrong-detection 2/3: expected tsan:data race, "
      "observed tsan:thread leak (3.5s)");
}

TEST(Console, SummaryTableEndsWithTheTotals) {
  const std::string table = summary_table(testing::sample_report());
  EXPECT_TRUE(
      table.starts_with("FLAVOR  NAME               KIND      VERDICT          CAUGHT  DETECTION"));
  EXPECT_NE(
      table.find("tsan    skip-barrier-wait  mutant    caught           3/3     tsan:data race"),
      std::string::npos)
      << table;
  EXPECT_TRUE(
      table.ends_with("scenarios: 1 passed, 1 failed; mutants: 1 caught, 1 missed; FAILED\n"))
      << table;
}

}  // namespace
}  // namespace asyncl::verify
