// Tests verify/run_plan.hpp: selection, order, and that shards split and merge back exactly.
#include "verify/run_plan.hpp"

#include <gtest/gtest.h>

#include "tests/report_test_support.hpp"
#include "tool_common/errors.hpp"

namespace asyncl::verify {
namespace {

CatalogEntry scenario(const std::string& name) {
  return {name, EntryKind::scenario, {}, {}, {}, {}};
}

CatalogEntry mutant(const std::string& name, const std::string& twin,
                    std::map<std::string, std::string> detectors) {
  return {name, EntryKind::mutant, twin, "step", {}, std::move(detectors)};
}

std::vector<FlavorCatalog> catalogs() {
  const std::vector<CatalogEntry> entries{
      scenario("shutdown-race"),
      scenario("migration"),
      mutant("skip-barrier-wait", "shutdown-race",
             {{"tsan", "tsan:data race"}, {"asan", "asan:heap-use-after-free"}}),
      mutant("relaxed-barrier", "shutdown-race", {{"tsan", "tsan:data race"}}),
      mutant("cache-tls-address", "migration",
             {{"tsan", "scenario:assertion"}, {"asan", "scenario:assertion"}}),
  };
  return {{"tsan", entries}, {"asan", entries}};
}

std::vector<std::string> names(const std::vector<PlanItem>& plan) {
  std::vector<std::string> result;
  for (const PlanItem& item : plan) result.push_back(item.flavor + "/" + item.entry.name);
  return result;
}

TEST(RunPlan, AllFlavorsThenCatalogOrder) {
  const auto plan = build_plan(catalogs(), {}, true);
  EXPECT_EQ(names(plan),
            (std::vector<std::string>{
                "tsan/shutdown-race", "tsan/migration", "tsan/skip-barrier-wait",
                "tsan/relaxed-barrier", "tsan/cache-tls-address", "asan/shutdown-race",
                "asan/migration", "asan/skip-barrier-wait", "asan/cache-tls-address"}));
  for (std::size_t index = 0; index < plan.size(); ++index)
    EXPECT_EQ(plan[index].index, static_cast<int>(index));
  EXPECT_EQ(plan[7].expected_detection, "asan:heap-use-after-free");
}

TEST(RunPlan, NamingAScenarioBringsItsMutants) {
  EXPECT_EQ(names(build_plan(catalogs(), {"migration"}, true)),
            (std::vector<std::string>{"tsan/migration", "tsan/cache-tls-address", "asan/migration",
                                      "asan/cache-tls-address"}));
  EXPECT_EQ(names(build_plan(catalogs(), {"migration"}, false)),
            (std::vector<std::string>{"tsan/migration", "asan/migration"}));
  EXPECT_EQ(names(build_plan(catalogs(), {"relaxed-barrier"}, false)),
            (std::vector<std::string>{"tsan/relaxed-barrier"}));
}

TEST(RunPlan, ExplicitScenarioRunsOnlyWhenNamedItsMutantsAlways) {
  CatalogEntry workload = scenario("workload");
  workload.explicit_only = true;
  const std::vector<CatalogEntry> entries{
      scenario("migration"), workload,
      mutant("timer-fires-early", "workload", {{"asan", "scenario:assertion"}})};
  const std::vector<FlavorCatalog> asan{{"asan", entries}};
  EXPECT_EQ(names(build_plan(asan, {}, true)),
            (std::vector<std::string>{"asan/migration", "asan/timer-fires-early"}));
  EXPECT_EQ(names(build_plan(asan, {"workload"}, false)),
            (std::vector<std::string>{"asan/workload"}));
  EXPECT_EQ(names(build_plan(asan, {"workload"}, true)),
            (std::vector<std::string>{"asan/workload", "asan/timer-fires-early"}));
}

TEST(RunPlan, UnknownNameIsAUsageError) {
  try {
    build_plan(catalogs(), {"shutdown-race", "no-such"}, true);
    FAIL() << "accepted an unknown scenario";
  } catch (const tool::UsageError& error) {
    EXPECT_EQ(std::string(error.what()),
              "unknown scenario 'no-such' (not listed by the tsan, asan build; see `asyncl-verify "
              "list`)");
  }
  EXPECT_THROW(build_plan({{"tsan", {}}}, {}, true), tool::UsageError);
}

TEST(RunPlan, ParsesShards) {
  EXPECT_EQ(parse_shard("1/1"), (Shard{1, 1}));
  EXPECT_EQ(parse_shard("3/4"), (Shard{3, 4}));
  for (const char* bad : {"", "0/2", "3/2", "1/0", "1", "a/b", "1/2/3", "-1/2", "1/2 "}) {
    EXPECT_THROW(parse_shard(bad), tool::UsageError) << bad;
  }
}

TEST(RunPlan, ShardsAreDisjointAndCoverThePlan) {
  const auto plan = build_plan(catalogs(), {}, true);
  for (int count = 1; count <= static_cast<int>(plan.size()) + 2; ++count) {
    std::vector<int> seen(plan.size(), 0);
    for (int index = 1; index <= count; ++index) {
      for (const PlanItem& item : select_shard(plan, {index, count})) {
        EXPECT_EQ(item.index % count, index - 1);
        ++seen[static_cast<std::size_t>(item.index)];
      }
    }
    EXPECT_EQ(seen, std::vector<int>(plan.size(), 1)) << "N=" << count;
  }
}

TEST(RunPlan, MergedShardReportsEqualTheUnshardedReport) {
  const auto plan = build_plan(catalogs(), {}, true);
  const auto record_for = [](const PlanItem& item) {
    return item.entry.kind == EntryKind::scenario
               ? testing::scenario_record(item.index, item.flavor, item.entry.name)
               : testing::mutant_record(item.index, item.flavor, item.entry.name);
  };
  VerifyReport full;
  full.context = testing::sample_context();
  for (const PlanItem& item : plan) full.runs.push_back(record_for(item));
  full.summary = summarize(full.runs);

  constexpr int kShards = 4;
  std::vector<VerifyReport> shards;
  for (int index = kShards; index >= 1; --index) {  // any order of shard files
    VerifyReport shard;
    shard.context = full.context;
    shard.context.shard = Shard{index, kShards}.to_string();
    for (const PlanItem& item : select_shard(plan, {index, kShards}))
      shard.runs.push_back(record_for(item));
    shard.summary = summarize(shard.runs);
    shards.push_back(std::move(shard));
  }
  EXPECT_EQ(merge_reports(shards), full);
}

}  // namespace
}  // namespace asyncl::verify
