// Tests the test-side JSON Schema validator, so that "the report follows the schema" means
// something.
#include "tests/json_schema_validator.hpp"

#include <gtest/gtest.h>

namespace asyncl::verify::testing {
namespace {

const nlohmann::json kSchema = nlohmann::json::parse(R"({
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["name", "items"],
  "properties": {
    "name": {"type": "string", "pattern": "^[a-z]+$"},
    "count": {"type": "integer", "minimum": 0, "maximum": 3},
    "items": {"type": "array", "maxItems": 2, "items": {"$ref": "#/$defs/item"}},
    "kind": {"enum": ["a", "b"]}
  },
  "allOf": [{"if": {"properties": {"kind": {"const": "a"}}}, "then": {"required": ["count"]}}],
  "$defs": {"item": {"type": ["string", "null"]}}
})");

TEST(JsonSchemaValidator, AcceptsAValidDocument) {
  EXPECT_TRUE(validate_json_schema(kSchema, nlohmann::json::parse(R"({"name":"ok","items":["x",null],"kind":"b"})")).empty());
  EXPECT_TRUE(validate_json_schema(kSchema, nlohmann::json::parse(R"({"name":"ok","items":[],"kind":"a","count":2})")).empty());
}

TEST(JsonSchemaValidator, ReportsEachViolation) {
  for (const char* bad : {R"({"items":[]})", R"({"name":"OK","items":[]})", R"({"name":"ok","items":[1]})",
                          R"({"name":"ok","items":["a","b","c"]})", R"({"name":"ok","items":[],"count":4})",
                          R"({"name":"ok","items":[],"count":1.5})", R"({"name":"ok","items":[],"kind":"c"})",
                          R"({"name":"ok","items":[],"kind":"a"})", R"([])"}) {
    EXPECT_FALSE(validate_json_schema(kSchema, nlohmann::json::parse(bad)).empty()) << bad;
  }
}

TEST(JsonSchemaValidator, RefusesKeywordsItDoesNotKnow) {
  EXPECT_THROW(validate_json_schema(nlohmann::json::parse(R"({"oneOf":[]})"), 1), std::invalid_argument);
}

}  // namespace
}  // namespace asyncl::verify::testing
