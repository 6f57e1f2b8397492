#include "cli/list_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/common_options.hpp"
#include "tool_common/errors.hpp"
#include "tool_common/text_table.hpp"
#include "verify/catalog.hpp"
#include "verify/scenario_binary.hpp"
#include "verify/workspace.hpp"

namespace asyncl::verify::cli {
namespace {

std::string cell_for(const ListedEntry& listed, const std::string& flavor) {
  const bool listed_here =
      std::find(listed.flavors.begin(), listed.flavors.end(), flavor) != listed.flavors.end();
  if (!listed_here) return "-";
  if (listed.entry.kind == EntryKind::scenario) return "runs";
  return listed.entry.expected_detection(flavor).value_or("-");
}

}  // namespace

CLI::App* setup_list_command(CLI::App& app, ListOptions& options) {
  CLI::App* command = app.add_subcommand(
      "list",
      "List scenarios and mutants, with each mutant's twin, attacked step and expected detection");
  add_flavor_option(*command, options.flavors,
                    "Flavors to list (default: every flavor that is built)");
  command->add_flag("--json", options.json, "Print JSON instead of a table");
  add_build_dir_option(*command, options.build_dir);
  return command;
}

int run_list_command(const ListOptions& options) {
  const Workspace workspace = locate_workspace(options.build_dir);
  const std::filesystem::path shown_root = shown_path(workspace.build_root);
  std::vector<std::string> flavors = options.flavors;
  if (flavors.empty()) {
    for (const std::string_view flavor : kFlavors) {
      if (::access(scenario_binary_path(workspace.build_root, flavor).c_str(), X_OK) == 0) {
        flavors.emplace_back(flavor);
      }
    }
    if (flavors.empty()) ScenarioBinary::locate(workspace.build_root, kFlavors.front(), shown_root);
  }
  std::vector<FlavorCatalog> catalogs;
  nlohmann::json flavor_json = nlohmann::json::array();
  for (const std::string& flavor : flavors) {
    const ScenarioBinary binary = ScenarioBinary::locate(workspace.build_root, flavor, shown_root);
    catalogs.push_back(FlavorCatalog{flavor, binary.list()});
    flavor_json.push_back({{"name", flavor}, {"binary", shown_path(binary.path()).string()}});
  }
  const std::vector<ListedEntry> listing = merge_catalogs(catalogs);

  if (options.json) {
    nlohmann::json entries = nlohmann::json::array();
    for (const ListedEntry& listed : listing) {
      nlohmann::json entry = to_json(listed.entry);
      entry["flavors"] = listed.flavors;
      entries.push_back(std::move(entry));
    }
    const nlohmann::json document{{"flavors", std::move(flavor_json)},
                                  {"entries", std::move(entries)}};
    std::cout << document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return tool::kExitOk;
  }

  std::vector<std::string> header{"NAME", "KIND", "TWIN OF", "ATTACKS"};
  for (const std::string& flavor : flavors) header.push_back(flavor);
  tool::TextTable table(header);
  for (const ListedEntry& listed : listing) {
    const bool mutant = listed.entry.kind == EntryKind::mutant;
    std::vector<std::string> row{
        listed.entry.name, std::string(to_string(listed.entry.kind)),
        mutant ? listed.entry.twin_of : "-",
        mutant && !listed.entry.attacks.empty() ? listed.entry.attacks : "-"};
    for (const std::string& flavor : flavors) row.push_back(cell_for(listed, flavor));
    table.add_row(std::move(row));
  }
  for (const FlavorCatalog& catalog : catalogs) {
    std::cout << catalog.flavor << ": "
              << shown_path(scenario_binary_path(workspace.build_root, catalog.flavor)).string()
              << "\n";
  }
  std::cout << "\n" << table.render();
  return tool::kExitOk;
}

}  // namespace asyncl::verify::cli
