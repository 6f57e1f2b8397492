// Tests tool_common/json_schema.hpp, the test-side JSON Schema check, so that "the report
// follows the schema" means something.
#include "tool_common/json_schema.hpp"

#include <gtest/gtest.h>

namespace asyncl::tool::testing {
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
  EXPECT_TRUE(validate_json_schema(
                  kSchema, nlohmann::json::parse(R"({"name":"ok","items":["x",null],"kind":"b"})"))
                  .empty());
  EXPECT_TRUE(validate_json_schema(kSchema, nlohmann::json::parse(
                                                R"({"name":"ok","items":[],"kind":"a","count":2})"))
                  .empty());
}

TEST(JsonSchemaValidator, ReportsEachViolation) {
  for (const char* bad :
       {R"({"items":[]})", R"({"name":"OK","items":[]})", R"({"name":"ok","items":[1]})",
        R"({"name":"ok","items":["a","b","c"]})", R"({"name":"ok","items":[],"count":4})",
        R"({"name":"ok","items":[],"count":1.5})", R"({"name":"ok","items":[],"kind":"c"})",
        R"({"name":"ok","items":[],"kind":"a"})", R"([])"}) {
    EXPECT_FALSE(validate_json_schema(kSchema, nlohmann::json::parse(bad)).empty()) << bad;
  }
}

TEST(JsonSchemaValidator, ChecksPropertyNamesAndMinLength) {
  const nlohmann::json schema = nlohmann::json::parse(R"({
    "$comment": "bench.schema.json's keywords",
    "type": "object",
    "propertyNames": {"pattern": "^[a-z]+$"},
    "additionalProperties": {"type": "string", "minLength": 2}
  })");
  EXPECT_TRUE(validate_json_schema(schema, nlohmann::json::parse(R"({"ab":"xy"})")).empty());
  EXPECT_FALSE(validate_json_schema(schema, nlohmann::json::parse(R"({"Ab":"xy"})")).empty());
  EXPECT_FALSE(validate_json_schema(schema, nlohmann::json::parse(R"({"ab":"x"})")).empty());
}

TEST(JsonSchemaValidator, RefusesKeywordsItDoesNotKnow) {
  EXPECT_THROW(validate_json_schema(nlohmann::json::parse(R"({"oneOf":[]})"), 1),
               std::invalid_argument);
}

}  // namespace
}  // namespace asyncl::tool::testing
