#include "asyncl_bench/arguments.hpp"

#include <gtest/gtest.h>

namespace asyncl::bench {
namespace {

using Modes = std::vector<std::string>;

std::string usage_message(const Modes& names) {
  try {
    parse_modes(names);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "";
}

TEST(ParseModes, DefaultsToLeakyThenBarrier) {
  EXPECT_EQ(parse_modes({}), (Modes{"leaky", "barrier"}));
}

TEST(ParseModes, KeepsTheOrderGiven) {
  EXPECT_EQ(parse_modes({"shared", "leaky", "barrier"}), (Modes{"shared", "leaky", "barrier"}));
}

TEST(ParseModes, RejectsUnknownRepeatedAndRawModes) {
  EXPECT_NE(usage_message({"leaky", "bogus"}).find("unknown mode 'bogus'"), std::string::npos);
  EXPECT_NE(usage_message({"leaky", "leaky"}).find("named twice"), std::string::npos);
  EXPECT_NE(usage_message({"raw"}).find("not a mode"), std::string::npos);
}

TEST(CompileFilter, NoPatternSelectsEverything) { EXPECT_FALSE(compile_filter(std::nullopt)); }

TEST(CompileFilter, CompilesAnEcmaScriptPattern) {
  const auto filter = compile_filter(std::string("local_ref/(read|create)"));
  ASSERT_TRUE(filter);
  EXPECT_TRUE(std::regex_search("local_ref/read/raw", *filter));
  EXPECT_FALSE(std::regex_search("thread/churn/raw", *filter));
}

TEST(CompileFilter, RejectsAnInvalidPattern) {
  EXPECT_THROW(compile_filter(std::string("(")), UsageError);
  EXPECT_THROW(compile_filter(std::string("[")), UsageError);
}

}  // namespace
}  // namespace asyncl::bench
