#include "json_schema_check.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace asyncl::bench::testing {
namespace {

constexpr std::array<std::string_view, 7> kAnnotations{"title",    "description", "$schema", "$id",
                                                       "$comment", "$defs",       "examples"};
constexpr std::array<std::string_view, 12> kAssertions{
    "type",  "const",    "enum",    "required",  "properties", "additionalProperties",
    "items", "minItems", "minimum", "minLength", "$ref",       "propertyNames"};

class Checker {
 public:
  explicit Checker(const Json& root) : root_(root) {}

  void check(const Json& schema, const Json& value, const std::string& where) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) fail(where, "no value is allowed here");
      return;
    }
    for (const auto& [keyword, argument] : schema.items()) {
      const bool known =
          std::find(kAnnotations.begin(), kAnnotations.end(), keyword) != kAnnotations.end() ||
          std::find(kAssertions.begin(), kAssertions.end(), keyword) != kAssertions.end();
      if (!known) fail(where, "schema keyword '" + keyword + "' is not supported by the checker");
    }
    if (schema.contains("$ref")) {
      check(resolve(schema["$ref"].get<std::string>()), value, where);
    }
    if (schema.contains("type") && !has_type(schema["type"], value)) {
      fail(where, "expected type " + schema["type"].dump() + ", got " + value.dump());
      return;
    }
    if (schema.contains("const") && schema["const"] != value) {
      fail(where, "expected " + schema["const"].dump() + ", got " + value.dump());
    }
    if (schema.contains("enum")) {
      const Json& options = schema["enum"];
      if (std::find(options.begin(), options.end(), value) == options.end()) {
        fail(where, value.dump() + " is not one of " + options.dump());
      }
    }
    if (schema.contains("minimum") && value.is_number() &&
        value.get<double>() < schema["minimum"].get<double>()) {
      fail(where, value.dump() + " is below the minimum " + schema["minimum"].dump());
    }
    if (schema.contains("minLength") && value.is_string() &&
        value.get<std::string>().size() < schema["minLength"].get<std::size_t>()) {
      fail(where, "string shorter than " + schema["minLength"].dump());
    }
    if (value.is_object()) check_object(schema, value, where);
    if (value.is_array()) check_array(schema, value, where);
  }

  std::vector<std::string> errors;

 private:
  void fail(const std::string& where, const std::string& what) {
    errors.push_back((where.empty() ? "/" : where) + ": " + what);
  }

  const Json& resolve(const std::string& reference) {
    constexpr std::string_view kPrefix = "#/$defs/";
    if (reference.rfind(kPrefix, 0) != 0 || !root_.contains("$defs") ||
        !root_["$defs"].contains(reference.substr(kPrefix.size()))) {
      static const Json kNothing = false;
      fail("", "unresolvable $ref '" + reference + "'");
      return kNothing;
    }
    return root_["$defs"][reference.substr(kPrefix.size())];
  }

  static bool is_type(const std::string& type, const Json& value) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "number") return value.is_number();
    if (type == "integer") {
      return value.is_number_integer() ||
             (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
    }
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    return false;
  }

  static bool has_type(const Json& type, const Json& value) {
    if (type.is_string()) return is_type(type.get<std::string>(), value);
    return std::any_of(type.begin(), type.end(),
                       [&](const Json& one) { return is_type(one.get<std::string>(), value); });
  }

  void check_object(const Json& schema, const Json& value, const std::string& where) {
    if (schema.contains("required")) {
      for (const Json& name : schema["required"]) {
        if (!value.contains(name.get<std::string>())) {
          fail(where, "missing required field '" + name.get<std::string>() + "'");
        }
      }
    }
    for (const auto& [key, member] : value.items()) {
      const std::string path = where + "/" + key;
      if (schema.contains("propertyNames")) check(schema["propertyNames"], Json(key), path);
      if (schema.contains("properties") && schema["properties"].contains(key)) {
        check(schema["properties"][key], member, path);
      } else if (schema.contains("additionalProperties")) {
        check(schema["additionalProperties"], member, path);
      }
    }
  }

  void check_array(const Json& schema, const Json& value, const std::string& where) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<std::size_t>()) {
      fail(where, "fewer than " + schema["minItems"].dump() + " items");
    }
    if (schema.contains("items")) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        check(schema["items"], value[i], where + "/" + std::to_string(i));
      }
    }
  }

  const Json& root_;
};

}  // namespace

std::vector<std::string> check_against_schema(const Json& schema, const Json& document) {
  Checker checker(schema);
  checker.check(schema, document, "");
  return checker.errors;
}

}  // namespace asyncl::bench::testing
