// tool_common/json_schema.hpp — the test-side JSON Schema (draft 2020-12) check of asyncl's
// report schemas (results/schema/*.schema.json), so the tests need no network and no Python.
//
// Debian 12 packages no C++ JSON Schema validator, so this is the one in-house checker; both
// tools' tests use it, and when Python's jsonschema is installed the reports are also checked by
// a complete implementation (tool/verify/tests/check_schema.py).
//
// Supported: $ref (to "#/$defs/..."), type, const, enum, required, properties,
// additionalProperties, propertyNames, items, minItems, maxItems, minimum, maximum, minLength,
// pattern (POSIX extended), allOf, if/then/else; the annotations $schema, $id, $defs, $comment,
// title, description, default and examples are ignored. Any other keyword throws
// std::invalid_argument, so a schema cannot silently outgrow the checker.
//
// Example:
//   auto errors = validate_json_schema(schema, document);  // empty: valid
//   for (const auto& error : errors) std::cerr << error << "\n";  // "/runs/0/verdict: ..."
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace asyncl::tool::testing {

std::vector<std::string> validate_json_schema(const nlohmann::json& schema,
                                              const nlohmann::json& instance);

}  // namespace asyncl::tool::testing
