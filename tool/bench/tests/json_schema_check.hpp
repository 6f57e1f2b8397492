#pragma once
// A small JSON Schema checker for the tests: enough of draft 2020-12 to check a report against
// results/schema/bench.schema.json without a dependency. It understands type, const, enum,
// required, properties, additionalProperties, propertyNames, items, minItems, minimum, minLength
// and local "$ref": "#/$defs/NAME"; title, description, $schema, $id, $comment and $defs are
// annotations. Any other keyword is reported as an error, so that the schema cannot rely on a
// rule this checker would silently skip.

#include <string>
#include <vector>

#include "asyncl_bench/comparison.hpp"

namespace asyncl::bench::testing {

// Every violation of `schema` by `document`, as "<json pointer>: <what>"; empty when valid.
std::vector<std::string> check_against_schema(const Json& schema, const Json& document);

}  // namespace asyncl::bench::testing
