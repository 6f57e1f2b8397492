// Tests verify/catalog.hpp: reading `asyncl-scenarios list` and matching detections.
#include "verify/catalog.hpp"

#include <gtest/gtest.h>

namespace asyncl::verify {
namespace {

const char* const kList = R"([
  {"name":"shutdown-race","kind":"scenario"},
  {"name":"skip-barrier-wait","kind":"mutant","twin_of":"shutdown-race",
   "detectors":{"tsan":"tsan:data race","asan":"asan:heap-use-after-free"},
   "attacks":"shutdown step 4","description":"skips the wait"}
])";

TEST(Catalog, ParsesScenariosAndMutants) {
  const auto entries = parse_catalog(nlohmann::json::parse(kList));
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].name, "shutdown-race");
  EXPECT_EQ(entries[0].kind, EntryKind::scenario);
  EXPECT_EQ(entries[0].expected_detection("tsan"), std::nullopt);
  EXPECT_EQ(entries[1].kind, EntryKind::mutant);
  EXPECT_EQ(entries[1].twin_of, "shutdown-race");
  EXPECT_EQ(entries[1].attacks, "shutdown step 4");
  EXPECT_EQ(entries[1].expected_detection("tsan"), "tsan:data race");
  EXPECT_EQ(entries[1].expected_detection("asan"), "asan:heap-use-after-free");
  EXPECT_EQ(entries[1].expected_detection("relacy"), std::nullopt);
}

TEST(Catalog, RejectsOutputThatBreaksTheContract) {
  EXPECT_THROW(parse_catalog(nlohmann::json::object()), std::invalid_argument);
  EXPECT_THROW(parse_catalog(nlohmann::json::parse(R"([{"kind":"scenario"}])")),
               std::invalid_argument);
  EXPECT_THROW(parse_catalog(nlohmann::json::parse(R"([{"name":"a","kind":"test"}])")),
               std::invalid_argument);
  EXPECT_THROW(parse_catalog(nlohmann::json::parse(R"([{"name":"m","kind":"mutant"}])")),
               std::invalid_argument);
  EXPECT_THROW(parse_catalog(nlohmann::json::parse(
                   R"([{"name":"a","kind":"scenario"},{"name":"a","kind":"scenario"}])")),
               std::invalid_argument);
  EXPECT_THROW(parse_catalog(nlohmann::json::parse(
                   R"([{"name":"m","kind":"mutant","detectors":{"tsan":1}}])")),
               std::invalid_argument);
}

TEST(Catalog, ExplicitScenarioReadsAndWritesBack) {
  const auto entries = parse_catalog(
      nlohmann::json::parse(R"([{"name":"workload","kind":"scenario","explicit":true}])"));
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_TRUE(entries[0].explicit_only);
  EXPECT_EQ(to_json(entries[0])["explicit"], true);
  EXPECT_THROW(
      parse_catalog(nlohmann::json::parse(R"([{"name":"w","kind":"scenario","explicit":"yes"}])")),
      std::invalid_argument);
}

TEST(Catalog, MergeJoinsFlavorsByName) {
  const auto entries = parse_catalog(nlohmann::json::parse(kList));
  CatalogEntry model{"barrier-model", EntryKind::scenario, {}, {}, {}, {}};
  const auto listing = merge_catalogs({{"tsan", entries}, {"asan", entries}, {"relacy", {model}}});
  ASSERT_EQ(listing.size(), 3U);
  EXPECT_EQ(listing[0].flavors, (std::vector<std::string>{"tsan", "asan"}));
  EXPECT_EQ(listing[2].entry.name, "barrier-model");
  EXPECT_EQ(listing[2].flavors, (std::vector<std::string>{"relacy"}));
}

TEST(Catalog, DetectionMatchesWholeWordsOnly) {
  EXPECT_TRUE(detection_matches("tsan:data race", "tsan:data race"));
  EXPECT_TRUE(detection_matches("tsan:data race", "tsan:data race on vptr"));
  EXPECT_FALSE(detection_matches("tsan:data race", "tsan:data races"));
  EXPECT_FALSE(detection_matches("asan:heap-use-after-free", "tsan:heap-use-after-free"));
  EXPECT_FALSE(detection_matches("", "tsan:data race"));
  EXPECT_FALSE(detection_matches("scenario:assertion", "asan:heap-use-after-free"));
}

TEST(Catalog, FlavorNames) {
  EXPECT_TRUE(is_flavor("tsan"));
  EXPECT_TRUE(is_flavor("relacy"));
  EXPECT_FALSE(is_flavor("msan"));
}

}  // namespace
}  // namespace asyncl::verify
