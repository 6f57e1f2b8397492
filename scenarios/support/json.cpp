#include "support/json.hpp"

#include <cmath>
#include <cstdio>

namespace asyncl::scenarios {

std::string json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string JsonArray::text() const {
  std::string out = "[";
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (i != 0) out += ',';
    out += values_[i];
  }
  out += ']';
  return out;
}

JsonObject& JsonObject::set_raw(std::string_view key, std::string value) {
  for (auto& [name, existing] : fields_) {
    if (name == key) {
      existing = std::move(value);
      return *this;
    }
  }
  fields_.emplace_back(std::string(key), std::move(value));
  return *this;
}

std::string JsonObject::text() const {
  std::string out = "{";
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i != 0) out += ',';
    out += json_string(fields_[i].first);
    out += ':';
    out += fields_[i].second;
  }
  out += '}';
  return out;
}

}  // namespace asyncl::scenarios
