// Tests verify/report.hpp: the JSON form against results/schema/verify.schema.json, reading it
// back, the summary and the merge of shard reports.
#include "verify/report.hpp"

#include <gtest/gtest.h>

#include "tests/report_test_support.hpp"
#include "tool_common/json_schema.hpp"

namespace asyncl::verify {
namespace {

using testing::load_verify_schema;
using testing::mutant_record;
using testing::sample_report;
using testing::scenario_record;
using tool::testing::validate_json_schema;

std::string joined(const std::vector<std::string>& errors) {
  std::string text;
  for (const std::string& error : errors) text += error + "\n";
  return text;
}

TEST(Report, JsonFollowsTheSchema) {
  const nlohmann::json json = to_json(sample_report());
  const auto errors = validate_json_schema(load_verify_schema(), json);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  EXPECT_EQ(json["schema"], "asyncl-verify/1");
  for (const char* field :
       {"date", "host", "compiler", "compiler_version", "flags", "git_revision"}) {
    EXPECT_TRUE(json["context"].contains(field)) << field;
  }
}

TEST(Report, BudgetedRecordFollowsTheSchemaAndReadsBack) {
  VerifyReport report = sample_report();
  RunRecord record =
      scenario_record(static_cast<int>(report.runs.size()), "asan", "workload", Verdict::fail);
  record.budget_s = 30.0;
  record.processes = 4;
  record.programs = 80;
  record.operations = 1234;
  record.coverage = nlohmann::json{{"sleep.zero", 7}, {"notify.one", 3}};
  record.program_failures = nlohmann::json::array(
      {{{"seed", 61},
        {"signature", "asan:SEGV"},
        {"replay", "asyncl-verify run workload --flavor asan --seed 61 --iterations 1"},
        {"minimal_program", "co_await sleep_for(0ms);"}}});
  report.runs.push_back(record);
  report.summary = summarize(report.runs);
  const nlohmann::json json = to_json(report);
  const auto errors = validate_json_schema(load_verify_schema(), json);
  EXPECT_TRUE(errors.empty()) << joined(errors);
  EXPECT_EQ(report_from_json(nlohmann::json::parse(serialize(report))), report);
  nlohmann::json broken = json;
  broken["runs"].back()["coverage"]["sleep.zero"] = -1;
  EXPECT_FALSE(validate_json_schema(load_verify_schema(), broken).empty());
}

TEST(Report, EmptyReportFollowsTheSchema) {
  VerifyReport report;
  report.context = testing::sample_context();
  report.context.shard = "2/3";
  report.summary = summarize(report.runs);
  const auto errors = validate_json_schema(load_verify_schema(), to_json(report));
  EXPECT_TRUE(errors.empty()) << joined(errors);
}

TEST(Report, SchemaRejectsBrokenRecords) {
  const nlohmann::json schema = load_verify_schema();
  nlohmann::json json = to_json(sample_report());
  json["runs"][0]["verdict"] = "caught";  // a scenario cannot be caught
  EXPECT_FALSE(validate_json_schema(schema, json).empty());
  json = to_json(sample_report());
  json["runs"][1].erase("expected_detection");  // a mutant must say what should catch it
  EXPECT_FALSE(validate_json_schema(schema, json).empty());
  json = to_json(sample_report());
  json["context"]["date"] = "yesterday";
  EXPECT_FALSE(validate_json_schema(schema, json).empty());
  json = to_json(sample_report());
  json["runs"][1]["reports"][0]["tool"] = "msan";
  EXPECT_FALSE(validate_json_schema(schema, json).empty());
  json = to_json(sample_report());
  json.erase("summary");
  EXPECT_FALSE(validate_json_schema(schema, json).empty());
}

TEST(Report, ReadsBackWhatItWrites) {
  const VerifyReport report = sample_report();
  EXPECT_EQ(report_from_json(nlohmann::json::parse(serialize(report))), report);
}

TEST(Report, ReadingNamesTheBadField) {
  nlohmann::json json = to_json(sample_report());
  json["runs"][2]["iterations"] = "many";
  try {
    report_from_json(json);
    FAIL() << "accepted a string iteration count";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "runs[2].iterations is not an integer");
  }
  json = to_json(sample_report());
  json["schema"] = "asyncl-verify/0";
  EXPECT_THROW(report_from_json(json), std::invalid_argument);
}

TEST(Report, SerializeSurvivesInvalidUtf8) {
  VerifyReport report = sample_report();
  report.runs[3].stderr_excerpt = std::string("bytes \xff\xfe from a crash");
  const std::string text = serialize(report);
  EXPECT_FALSE(nlohmann::json::parse(text).is_discarded());
  EXPECT_EQ(text.back(), '\n');
}

TEST(Report, SummaryCountsEveryNonPassingVerdict) {
  const std::vector<RunRecord> runs{scenario_record(0, "tsan", "a"),
                                    scenario_record(1, "tsan", "b", Verdict::timeout),
                                    scenario_record(2, "tsan", "c", Verdict::error),
                                    mutant_record(3, "tsan", "m"),
                                    mutant_record(4, "tsan", "n", Verdict::missed),
                                    mutant_record(5, "tsan", "o", Verdict::timeout)};
  const Summary summary = summarize(runs);
  EXPECT_EQ(summary, (Summary{1, 2, 1, 2, false}));
  EXPECT_TRUE(summarize({scenario_record(0, "tsan", "a"), mutant_record(1, "tsan", "m")}).ok);
}

TEST(Report, ContextJoinsFlavorFlagsInFlavorOrder) {
  const ReportContext context = testing::sample_context();
  EXPECT_EQ(context.compiler, "g++");
  EXPECT_EQ(context.flags,
            "tsan: -O1 -g -fsanitize=thread,undefined | asan: -O1 -g -fsanitize=address,undefined");
  EXPECT_EQ(context.build_type, "Debug");
}

TEST(Report, MergeOrdersByIndexAndRecomputesTheSummary) {
  const VerifyReport full = sample_report();
  VerifyReport first = full;
  VerifyReport second = full;
  first.context.shard = "1/2";
  second.context.shard = "2/2";
  first.runs = {full.runs[0], full.runs[2]};
  second.runs = {full.runs[1], full.runs[3]};
  first.summary = summarize(first.runs);
  second.summary = summarize(second.runs);
  const VerifyReport merged = merge_reports({second, first});
  EXPECT_EQ(merged.runs, full.runs);
  EXPECT_EQ(merged.summary, full.summary);
  EXPECT_FALSE(merged.context.shard.has_value());
}

/// Shard `name` ("I/N") of sample_report(), holding the runs at `indices`.
VerifyReport sample_shard(const char* name, const std::vector<std::size_t>& indices) {
  const VerifyReport full = sample_report();
  VerifyReport shard = full;
  shard.context.shard = name;
  shard.runs.clear();
  for (const std::size_t index : indices) shard.runs.push_back(full.runs[index]);
  shard.summary = summarize(shard.runs);
  return shard;
}

void expect_refused(const std::vector<VerifyReport>& shards, const std::string& reason) {
  try {
    (void)merge_reports(shards);
    ADD_FAILURE() << "merged although " << reason;
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find(reason), std::string::npos) << error.what();
  }
}

TEST(Report, MergeNeedsEveryShardOfOneRun) {
  const VerifyReport first = sample_shard("1/2", {0, 2});
  const VerifyReport second = sample_shard("2/2", {1, 3});
  EXPECT_EQ(merge_reports({second, first}).runs, sample_report().runs);
  EXPECT_EQ(merge_reports({sample_report()}).runs, sample_report().runs)
      << "one whole report merges to itself";

  expect_refused({first}, "shard 2 of 2 is missing");
  expect_refused({sample_shard("2/4", {1})}, "shards 1, 3 and 4 of 4 are missing");
  expect_refused({first, first}, "shard 1/2 appears twice");
  expect_refused({first, sample_shard("2/3", {1})}, "shards of different splits (of 2 and of 3)");
  expect_refused({first, sample_shard("2/2", {3})}, "run 1 of the plan is in no shard");
  expect_refused({first, sample_shard("2/2", {0, 1, 3})}, "(index 0) is not part of shard 2/2");
  expect_refused({sample_report(), second}, "a report without a shard field");
  VerifyReport other_seed = second;
  for (RunRecord& run : other_seed.runs) run.seed = 7;
  expect_refused({first, other_seed}, "shards ran with different seeds (1 and 7)");
  VerifyReport bad_field = second;
  bad_field.context.shard = "two of two";
  expect_refused({first, bad_field}, "shard field 'two of two' is not I/N");
}

TEST(Report, MergeRefusesDuplicatesAndMixedRevisions) {
  const VerifyReport full = sample_report();
  EXPECT_THROW(merge_reports({full, full}), std::invalid_argument);
  VerifyReport other = full;
  other.runs.clear();
  other.context.git_revision = "fedcba9876543210fedcba9876543210fedcba98";
  EXPECT_THROW(merge_reports({full, other}), std::invalid_argument);
  EXPECT_THROW(merge_reports({}), std::invalid_argument);
}

}  // namespace
}  // namespace asyncl::verify
