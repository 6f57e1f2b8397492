// json_schema_validator.hpp — a JSON Schema (draft 2020-12) validator for the subset of keywords
// results/schema/*.schema.json use, so the tests need no network and no Python package.
//
// Supported: $ref (to "#/$defs/…"), type, const, enum, required, properties,
// additionalProperties, items, minItems, maxItems, minimum, maximum, pattern, allOf,
// if/then/else (pattern as a POSIX extended regex); annotations ($schema, $id, $defs, title, description) are ignored. Any other
// keyword throws std::invalid_argument, so a schema cannot silently outgrow the validator.
//
// Example:
//   auto errors = validate_json_schema(schema, document);  // empty: valid
//   for (const auto& error : errors) std::cerr << error << "\n";  // "/runs/0/verdict: …"
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace asyncl::verify::testing {

std::vector<std::string> validate_json_schema(const nlohmann::json& schema, const nlohmann::json& instance);

}  // namespace asyncl::verify::testing
