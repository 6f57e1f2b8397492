// cli/doctor_command.hpp — `asyncl-verify doctor`: builds the toolchain probe with every C++
// compiler on PATH (or the ones named) at each level, runs it, prints a table and writes
// results/doctor.json. See verify/doctor.hpp for what is probed and the exit codes.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace asyncl::verify::cli {

struct DoctorOptions {
  std::vector<std::string> compilers;  // empty: every g++, g++-NN, clang++, clang++-NN on PATH
  std::vector<std::string> levels{"O0", "O2"};
  std::string json;  // empty: <repo>/results/doctor.json
  double timeout_s = 600.0;
  std::string source_dir;  // empty: the repository this executable (or the working directory) is in
};

CLI::App* setup_doctor_command(CLI::App& app, DoctorOptions& options);

int run_doctor_command(const DoctorOptions& options);

}  // namespace asyncl::verify::cli
