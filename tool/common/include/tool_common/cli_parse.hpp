#pragma once
// tool_common/cli_parse.hpp — how asyncl's command-line tools (asyncl-verify, asyncl-bench) read
// their command line with CLI11, so that both answer bad input the same way.
//
//   parse_command_line(app, argc, argv, error_prefix)
//       nullopt: a command was parsed, run it. Otherwise the exit code, already reported:
//       0 after --help or --version; 2 after one line on stderr,
//       "<error_prefix><what> (see <tool> --help)", for an unknown command (named, with the
//       list of commands, where CLI11 alone would say "A subcommand is required") or any other
//       parse error.
//   one_line(text)   text with its line breaks turned into spaces (CLI11 messages can span
//                    lines; the tools promise one).
//   run_command_line(app, argc, argv, error_prefix, exit_code)
//       what a tool's main() returns: parse_command_line, which runs the chosen subcommand's
//       callback (CLI::App::callback, as in CLI11's subcom_in_files example; the callback
//       stores its exit code in `exit_code`). A UsageError or EnvironmentError thrown by the
//       callback is one line on stderr and exit 2; any other exception "unexpected error: ...",
//       exit 2.

#include <CLI/CLI.hpp>

#include <cstddef>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tool_common/errors.hpp"

namespace asyncl::tool {

inline std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv,
                                             const std::string& error_prefix) {
  const std::string see_help = " (see " + app.get_name() + " --help)";
  if (argc > 1 && argv[1][0] != '-') {
    const std::string command = argv[1];
    const std::vector<const CLI::App*> commands = std::as_const(app).get_subcommands({});
    std::string names;
    bool known = false;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      known = known || commands[i]->get_name() == command;
      names += (i == 0 ? "" : i + 1 == commands.size() ? " and " : ", ") + commands[i]->get_name();
    }
    if (!known) {
      std::cerr << error_prefix << "unknown command '" << command << "'; the commands are " << names
                << see_help << "\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    std::cerr << error_prefix << one_line(error.what()) << see_help << "\n";
    return 2;
  }
  return std::nullopt;
}

inline int run_command_line(CLI::App& app, int argc, char** argv, const std::string& error_prefix,
                            const int& exit_code) {
  try {
    if (const auto parse_exit = parse_command_line(app, argc, argv, error_prefix))
      return *parse_exit;
  } catch (const UsageError& error) {
    std::cerr << error_prefix << one_line(error.what()) << "\n";
    return kExitUsageOrEnvironment;
  } catch (const EnvironmentError& error) {
    std::cerr << error_prefix << one_line(error.what()) << "\n";
    return kExitUsageOrEnvironment;
  } catch (const std::exception& error) {
    std::cerr << error_prefix << "unexpected error: " << one_line(error.what()) << "\n";
    return kExitUsageOrEnvironment;
  }
  return exit_code;
}

}  // namespace asyncl::tool
