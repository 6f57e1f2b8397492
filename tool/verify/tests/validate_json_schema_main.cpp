// validate-json-schema SCHEMA DOCUMENT: exit 0 when DOCUMENT is valid, 1 with one line per
// error when not, 2 when a file cannot be read. Used by ctest on reports written end to end.
#include <fstream>
#include <iostream>

#include "tool_common/json_schema.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: validate-json-schema SCHEMA DOCUMENT\n";
    return 2;
  }
  std::ifstream schema_file(argv[1]);
  std::ifstream document_file(argv[2]);
  if (!schema_file || !document_file) {
    std::cerr << "validate-json-schema: cannot read " << (schema_file ? argv[2] : argv[1]) << "\n";
    return 2;
  }
  const auto schema = nlohmann::json::parse(schema_file);
  const auto document = nlohmann::json::parse(document_file);
  const auto errors = asyncl::tool::testing::validate_json_schema(schema, document);
  for (const auto& error : errors) std::cerr << argv[2] << ": " << error << "\n";
  return errors.empty() ? 0 : 1;
}
