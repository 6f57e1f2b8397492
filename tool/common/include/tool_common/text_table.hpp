// tool_common/text_table.hpp — left-aligned text columns for terminal output.
//
// Defines:
//   TextTable   add_row(cells...), render() -> lines padded to each column's widest cell,
//               separated by two spaces, with trailing spaces removed
//
// Example:
//   TextTable table({"FLAVOR", "SCENARIO", "VERDICT"});
//   table.add_row({"tsan", "shutdown-race", "pass"});
//   std::cout << table.render();
//
// Thread safety: none; one table per thread.
#pragma once

#include <string>
#include <vector>

namespace asyncl::tool {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);

  void add_row(std::vector<std::string> cells);
  std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace asyncl::tool
