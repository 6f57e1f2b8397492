#include "tool_common/json_schema.hpp"

#include <regex.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace asyncl::tool::testing {
namespace {

constexpr std::array<std::string_view, 27> kKnownKeywords{
    "$schema",       "$id",       "$defs",    "$comment",   "title",
    "description",   "default",   "examples", "$ref",       "type",
    "const",         "enum",      "required", "properties", "additionalProperties",
    "propertyNames", "items",     "minItems", "maxItems",   "minimum",
    "maximum",       "minLength", "pattern",  "allOf",      "if",
    "then",          "else"};

class Validator {
 public:
  explicit Validator(const nlohmann::json& root) : root_(root) {}

  void check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path,
             std::vector<std::string>& errors) const {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) errors.push_back(at(path) + ": no value is allowed here");
      return;
    }
    if (!schema.is_object())
      throw std::invalid_argument("schema at " + at(path) + " is not an object");
    for (const auto& [keyword, argument] : schema.items()) {
      if (std::find(kKnownKeywords.begin(), kKnownKeywords.end(), keyword) ==
          kKnownKeywords.end()) {
        throw std::invalid_argument("unsupported schema keyword \"" + keyword + "\"");
      }
    }
    if (const auto ref = schema.find("$ref"); ref != schema.end())
      check(resolve(*ref), value, path, errors);
    if (const auto type = schema.find("type"); type != schema.end() && !has_type(*type, value)) {
      errors.push_back(at(path) + ": expected type " + type->dump() + ", got " + value.type_name());
      return;
    }
    if (const auto constant = schema.find("const");
        constant != schema.end() && *constant != value) {
      errors.push_back(at(path) + ": expected " + constant->dump() + ", got " + value.dump());
    }
    if (const auto options = schema.find("enum");
        options != schema.end() &&
        std::find(options->begin(), options->end(), value) == options->end()) {
      errors.push_back(at(path) + ": " + value.dump() + " is not one of " + options->dump());
    }
    if (value.is_object()) check_object(schema, value, path, errors);
    if (value.is_array()) check_array(schema, value, path, errors);
    if (value.is_number()) check_number(schema, value, path, errors);
    if (const auto shortest = schema.find("minLength");
        shortest != schema.end() && value.is_string() &&
        value.get<std::string>().size() < shortest->get<std::size_t>()) {
      errors.push_back(at(path) + ": " + value.dump() + " is shorter than " + shortest->dump());
    }
    if (const auto pattern = schema.find("pattern");
        pattern != schema.end() && value.is_string() &&
        !matches(pattern->get<std::string>(), value.get<std::string>())) {
      errors.push_back(at(path) + ": " + value.dump() + " does not match " + pattern->dump());
    }
    if (const auto all = schema.find("allOf"); all != schema.end()) {
      for (const auto& part : *all) check(part, value, path, errors);
    }
    if (const auto condition = schema.find("if"); condition != schema.end()) {
      std::vector<std::string> condition_errors;
      check(*condition, value, path, condition_errors);
      const char* branch = condition_errors.empty() ? "then" : "else";
      if (const auto chosen = schema.find(branch); chosen != schema.end())
        check(*chosen, value, path, errors);
    }
  }

 private:
  static std::string at(const std::string& path) { return path.empty() ? "/" : path; }

  const nlohmann::json& resolve(const nlohmann::json& ref) const {
    const std::string text = ref.get<std::string>();
    constexpr std::string_view kPrefix = "#/$defs/";
    if (!text.starts_with(kPrefix)) throw std::invalid_argument("unsupported $ref " + text);
    return root_.at("$defs").at(text.substr(kPrefix.size()));
  }

  // POSIX extended regular expressions, which the schemas' patterns are written to stay within.
  // Not std::regex: g++ 12 at -O1 with -fsanitize=address gives a false -Wmaybe-uninitialized
  // inside <regex> (GCC PR 105616), an error in -Werror builds.
  static bool matches(const std::string& pattern, const std::string& text) {
    regex_t compiled;
    if (::regcomp(&compiled, pattern.c_str(), REG_EXTENDED | REG_NOSUB) != 0) {
      throw std::invalid_argument("pattern " + pattern + " is not a POSIX extended regex");
    }
    const bool matched = ::regexec(&compiled, text.c_str(), 0, nullptr, 0) == 0;
    ::regfree(&compiled);
    return matched;
  }

  static bool has_one_type(const std::string& type, const nlohmann::json& value) {
    if (type == "object") return value.is_object();
    if (type == "array") return value.is_array();
    if (type == "string") return value.is_string();
    if (type == "boolean") return value.is_boolean();
    if (type == "null") return value.is_null();
    if (type == "number") return value.is_number();
    if (type == "integer") {
      return value.is_number_integer() ||
             (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
    }
    throw std::invalid_argument("unknown type " + type);
  }

  static bool has_type(const nlohmann::json& type, const nlohmann::json& value) {
    if (type.is_string()) return has_one_type(type.get<std::string>(), value);
    return std::any_of(type.begin(), type.end(), [&](const nlohmann::json& one) {
      return has_one_type(one.get<std::string>(), value);
    });
  }

  void check_object(const nlohmann::json& schema, const nlohmann::json& value,
                    const std::string& path, std::vector<std::string>& errors) const {
    if (const auto required = schema.find("required"); required != schema.end()) {
      for (const auto& name : *required) {
        if (!value.contains(name.get<std::string>())) {
          errors.push_back(at(path) + ": missing required \"" + name.get<std::string>() + "\"");
        }
      }
    }
    const auto properties = schema.find("properties");
    const auto additional = schema.find("additionalProperties");
    const auto names = schema.find("propertyNames");
    for (const auto& [name, member] : value.items()) {
      if (names != schema.end()) check(*names, nlohmann::json(name), path + "/" + name, errors);
      if (properties != schema.end() && properties->contains(name)) {
        check(properties->at(name), member, path + "/" + name, errors);
      } else if (additional != schema.end()) {
        check(*additional, member, path + "/" + name, errors);
      }
    }
  }

  void check_array(const nlohmann::json& schema, const nlohmann::json& value,
                   const std::string& path, std::vector<std::string>& errors) const {
    if (const auto items = schema.find("items"); items != schema.end()) {
      for (std::size_t index = 0; index < value.size(); ++index) {
        check(*items, value[index], path + "/" + std::to_string(index), errors);
      }
    }
    if (const auto least = schema.find("minItems");
        least != schema.end() && value.size() < least->get<std::size_t>()) {
      errors.push_back(at(path) + ": fewer than " + least->dump() + " items");
    }
    if (const auto most = schema.find("maxItems");
        most != schema.end() && value.size() > most->get<std::size_t>()) {
      errors.push_back(at(path) + ": more than " + most->dump() + " items");
    }
  }

  static void check_number(const nlohmann::json& schema, const nlohmann::json& value,
                           const std::string& path, std::vector<std::string>& errors) {
    const double number = value.get<double>();
    if (const auto low = schema.find("minimum");
        low != schema.end() && number < low->get<double>()) {
      errors.push_back(at(path) + ": " + value.dump() + " is below the minimum " + low->dump());
    }
    if (const auto high = schema.find("maximum");
        high != schema.end() && number > high->get<double>()) {
      errors.push_back(at(path) + ": " + value.dump() + " is above the maximum " + high->dump());
    }
  }

  const nlohmann::json& root_;
};

}  // namespace

std::vector<std::string> validate_json_schema(const nlohmann::json& schema,
                                              const nlohmann::json& instance) {
  std::vector<std::string> errors;
  Validator(schema).check(schema, instance, "", errors);
  return errors;
}

}  // namespace asyncl::tool::testing
