#pragma once
// scenarios/support/json.hpp — the few JSON values a scenario prints, written as text.
//
//   JsonObject   keys in insertion order; set() replaces a key's value
//   JsonArray    values in order
//   json_string(text), json_number(n), json_bool(b)   one serialized value each
//
// The scenario binary prints one JSON line per command (`list`, `run`, `info`); this is all the
// JSON it needs, so it carries no JSON library.

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace asyncl::scenarios {

std::string json_string(std::string_view text);
std::string json_number(double value);
template <class Integer>
requires std::is_integral_v<Integer> &&(!std::is_same_v<Integer, bool>)std::string
    json_number(Integer value) {
  return std::to_string(value);
}
inline std::string json_bool(bool value) { return value ? "true" : "false"; }

class JsonArray {
 public:
  JsonArray& add_raw(std::string value) {
    values_.push_back(std::move(value));
    return *this;
  }
  JsonArray& add(std::string_view text) { return add_raw(json_string(text)); }
  bool empty() const noexcept { return values_.empty(); }
  std::size_t size() const noexcept { return values_.size(); }
  std::string text() const;

 private:
  std::vector<std::string> values_;
};

class JsonObject {
 public:
  /// Sets `key` to an already serialized value (replacing an earlier one).
  JsonObject& set_raw(std::string_view key, std::string value);
  JsonObject& set(std::string_view key, std::string_view text) {
    return set_raw(key, json_string(text));
  }
  JsonObject& set(std::string_view key, const char* text) {
    return set_raw(key, json_string(text));
  }
  JsonObject& set(std::string_view key, bool value) { return set_raw(key, json_bool(value)); }
  template <class Integer>
  requires std::is_integral_v<Integer> &&
      (!std::is_same_v<Integer, bool>)JsonObject& set(std::string_view key, Integer value) {
    return set_raw(key, json_number(value));
  }
  JsonObject& set(std::string_view key, double value) { return set_raw(key, json_number(value)); }
  JsonObject& set(std::string_view key, const JsonObject& value) {
    return set_raw(key, value.text());
  }
  JsonObject& set(std::string_view key, const JsonArray& value) {
    return set_raw(key, value.text());
  }
  bool empty() const noexcept { return fields_.empty(); }
  std::string text() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace asyncl::scenarios
