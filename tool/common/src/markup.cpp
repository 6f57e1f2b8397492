#include "tool_common/markup.hpp"

namespace asyncl::tool {

std::string escape_markup(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char character : text) {
    switch (character) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(character) >= 0x20 || character == '\n' ||
            character == '\t' || character == '\r') {
          escaped += character;
        }
    }
  }
  return escaped;
}

}  // namespace asyncl::tool
