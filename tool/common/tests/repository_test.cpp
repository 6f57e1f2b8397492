// tool/common/tests/repository_test.cpp — the repository cites only files and shutdown steps
// that exist.
//
// Walks the source tree (every text file a person or a tool reads: Markdown, C++, CMake, shell,
// workflow YAML, the Makefile) and checks:
//   - every cited *.md, *.hpp and *.cpp path exists. A path resolves against the repository root,
//     the citing file's folder or any folder above it, any include/ folder of the tree
//     (asyncl/detail/tls.hpp, tool_common/errors.hpp), or lib/include/asyncl (detail/tls.hpp); a
//     bare file name resolves to any file of that name; a configured file resolves to its ".in"
//     template. Not citations: #include lines (the compiler checks those), string literals in C++
//     (test data), third-party headers (relacy/, boost/, ...), patterns (*_test.cpp,
//     <topic>_bench.cpp), shell variables ($program.cpp), file:line positions in sample report
//     text, and the few files the build generates (kGenerated);
//   - every "step N" (also "steps N-M", "steps N to M", "steps N, M and P", "step N before step
//     M") names a step of the shutdown protocol, detail::ShutdownStep;
//   - the protocol comment at the top of lib/src/scheduler.cpp lists exactly the steps of
//     detail::ShutdownStep, in order, with their titles.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "asyncl/detail/shutdown_steps.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = ASYNCL_SOURCE_DIR;

/// Files the build writes (cmake/asyncl_readme_test.cmake, tool/common/cmake/git_revision.cmake).
const std::set<std::string> kGenerated = {"readme_quickstart.cpp", "git_revision_value.hpp"};

/// First path components of third-party headers cited in prose.
const std::set<std::string> kThirdParty = {"relacy",    "boost", "CLI",    "nlohmann",
                                           "benchmark", "gtest", "oneapi", "tbb"};

struct SourceFile {
  std::string path;  // relative to kRoot, with '/'
  std::string text;  // what is scanned: comments only for C++, everything else whole
};

bool is_cpp(const std::string& path) {
  for (const char* ext : {".cpp", ".hpp", ".h", ".hpp.in", ".cpp.in"}) {
    const std::string e = ext;
    if (path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0)
      return true;
  }
  return false;
}

bool is_scanned(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name == "Makefile" || name == "CMakeLists.txt" || name == "run") return true;
  const std::string ext = path.extension().string();
  return is_cpp(name) || ext == ".md" || ext == ".cmake" || ext == ".sh" || ext == ".yml" ||
         ext == ".in";
}

bool is_skipped_directory(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name == ".github" || name == ".ci") return false;
  return name.starts_with(".") || name.starts_with("build") || name == "node_modules";
}

/// Recorded test inputs (sanitizer reports, JSON reports): their paths are data.
bool is_data(const std::string& relative) {
  return relative.find("/fixtures/") != std::string::npos;
}

/// The comments of a C++ file, with everything else blanked (line breaks kept, so line
/// numbers stay right). #include lines and string literals are code, not citations.
std::string cpp_comments(const std::string& code) {
  std::string out(code.size(), ' ');
  enum class State { code, line_comment, block_comment, string, character } state = State::code;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    const char next = i + 1 < code.size() ? code[i + 1] : '\0';
    if (c == '\n') out[i] = '\n';
    switch (state) {
      case State::code:
        if (c == '/' && next == '/') {
          state = State::line_comment;
        } else if (c == '/' && next == '*') {
          state = State::block_comment;
        } else if (c == '"') {
          state = State::string;
        } else if (c == '\'' && !(i > 0 && std::isalnum(static_cast<unsigned char>(code[i - 1])))) {
          state = State::character;  // not a digit separator (1'000)
        }
        break;
      case State::line_comment:
        if (c == '\n') {
          state = State::code;
        } else {
          out[i] = c;
        }
        break;
      case State::block_comment:
        if (c == '*' && next == '/') {
          state = State::code;
          ++i;
        } else if (c != '\n') {
          out[i] = c;
        }
        break;
      case State::string:
        if (c == '\\') {
          ++i;
        } else if (c == '"' || c == '\n') {
          state = State::code;
        }
        break;
      case State::character:
        if (c == '\\') {
          ++i;
        } else if (c == '\'' || c == '\n') {
          state = State::code;
        }
        break;
    }
  }
  // Raw strings (R"(...)") are rare in this tree and hold test data: blank them too.
  return out;
}

/// Everything but #include lines.
std::string without_includes(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line.compare(first, 8, "#include") != 0) out += line;
    out += '\n';
  }
  return out;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Repository {
 public:
  Repository() {
    for (auto it = fs::recursive_directory_iterator(kRoot);
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_directory()) {
        if (is_skipped_directory(it->path())) {
          it.disable_recursion_pending();
        } else if (it->path().filename() == "include") {
          include_roots_.push_back(fs::relative(it->path(), kRoot));
        }
        continue;
      }
      const std::string relative = fs::relative(it->path(), kRoot).generic_string();
      files_.insert(relative);
      names_.insert(it->path().filename().string());
      if (!it->is_regular_file() || !is_scanned(it->path()) || is_data(relative)) continue;
      const std::string text = read(it->path());
      sources_.push_back(
          {relative, is_cpp(relative) ? cpp_comments(without_includes(text)) : text});
    }
  }

  const std::vector<SourceFile>& sources() const { return sources_; }

  bool resolves(const std::string& citing_file, const std::string& cited) const {
    const auto slash = cited.find('/');
    if (slash == std::string::npos) {
      return names_.contains(cited) || names_.contains(cited + ".in") || kGenerated.contains(cited);
    }
    if (kThirdParty.contains(cited.substr(0, slash))) return true;
    // Include roots (lib/include, tool/common/include, ...), the library's own folder
    // (detail/tls.hpp), and the citing file's folder and every folder above it.
    std::vector<fs::path> bases = include_roots_;
    bases.emplace_back("lib/include/asyncl");
    for (fs::path folder = fs::path(citing_file).parent_path();; folder = folder.parent_path()) {
      bases.push_back(folder);
      if (folder.empty()) break;
    }
    for (const fs::path& base : bases) {
      const std::string candidate = (base / cited).lexically_normal().generic_string();
      if (files_.contains(candidate) || files_.contains(candidate + ".in")) return true;
    }
    return false;
  }

 private:
  std::set<std::string> files_;
  std::set<std::string> names_;
  std::vector<fs::path> include_roots_;
  std::vector<SourceFile> sources_;
};

const Repository& repository() {
  static const Repository instance;
  return instance;
}

std::size_t line_of(const std::string& text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(
                 std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

TEST(Repository, WalksTheTree) {
  // A wrong ASYNCL_SOURCE_DIR would make every other test here pass vacuously.
  EXPECT_GT(repository().sources().size(), 100u);
}

TEST(Repository, EveryCitedFileExists) {
  // A path: letters, digits, _ . / - ending in .md, .hpp or .cpp, not preceded by a character
  // that makes it a pattern (*_test.cpp, <topic>_bench.cpp), a variable, a URL or an absolute
  // path.
  const std::regex cited(R"((^|[^\w./*${:<>-])([\w-][\w./-]*\.(md|hpp|cpp))(?![\w-])(:\d)?)");
  std::vector<std::string> missing;
  for (const SourceFile& file : repository().sources()) {
    for (auto it = std::sregex_iterator(file.text.begin(), file.text.end(), cited);
         it != std::sregex_iterator(); ++it) {
      const std::smatch& match = *it;
      if (match[4].matched) continue;  // "f.cpp:4:6: runtime error": a position in sample output
      const std::string path = match[2];
      if (!repository().resolves(file.path, path)) {
        missing.push_back(file.path + ":" + std::to_string(line_of(file.text, match.position(2))) +
                          ": " + path);
      }
    }
  }
  EXPECT_TRUE(missing.empty()) << "cited files that do not exist:\n"
                               << [&] {
                                    std::string list;
                                    for (const std::string& m : missing) list += "  " + m + "\n";
                                    return list;
                                  }();
}

TEST(Repository, EveryCitedShutdownStepExists) {
  // "step 5", "steps 4-6", "steps 4 to 6", "steps 2, 4, 5 and 6", "step 6 before step 4".
  const std::regex citation(
      R"(\b[Ss]teps? (\d+)((?:(?:, | and | or | to |-|–| before step | after step )\d+)*))");
  const std::regex number(R"(\d+)");
  std::vector<std::string> wrong;
  for (const SourceFile& file : repository().sources()) {
    for (auto it = std::sregex_iterator(file.text.begin(), file.text.end(), citation);
         it != std::sregex_iterator(); ++it) {
      const std::string whole = (*it)[0];
      for (auto n = std::sregex_iterator(whole.begin(), whole.end(), number);
           n != std::sregex_iterator(); ++n) {
        const unsigned step = static_cast<unsigned>(std::stoul((*n)[0]));
        if (step < 1 || step > asyncl::detail::kShutdownStepCount) {
          wrong.push_back(file.path + ":" + std::to_string(line_of(file.text, it->position(0))) +
                          ": " + whole);
        }
      }
    }
  }
  EXPECT_TRUE(wrong.empty())
      << "citations of shutdown steps that do not exist (detail::ShutdownStep has "
      << asyncl::detail::kShutdownStepCount << "):\n"
      << [&] {
           std::string list;
           for (const std::string& w : wrong) list += "  " + w + "\n";
           return list;
         }();
}

TEST(Repository, ProtocolCommentListsEveryShutdownStep) {
  const std::string text = read(kRoot / "lib/src/scheduler.cpp");
  // "//  4. Destroy frames.  Pool threads pop tasks ..."
  const std::regex heading(R"(\n//\s+(\d+)\.\s+([A-Z][a-z]+(?: [a-z]+)*)\.\s)");
  std::vector<std::pair<unsigned, std::string>> found;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), heading);
       it != std::sregex_iterator(); ++it) {
    found.emplace_back(static_cast<unsigned>(std::stoul((*it)[1])), (*it)[2]);
  }
  std::vector<std::pair<unsigned, std::string>> expected;
  for (const auto step : asyncl::detail::kShutdownSteps) {
    expected.emplace_back(asyncl::detail::number(step), std::string(asyncl::detail::title(step)));
  }
  EXPECT_EQ(found, expected)
      << "the numbered steps at the top of lib/src/scheduler.cpp and "
         "detail::ShutdownStep (asyncl/detail/shutdown_steps.hpp) must agree";
}

TEST(ShutdownSteps, CitationsNameNumberAndTitle) {
  using asyncl::detail::ShutdownStep;
  EXPECT_EQ(asyncl::detail::cite(ShutdownStep::rendezvous), "shutdown step 5 (rendezvous)");
  EXPECT_EQ(asyncl::detail::cite({ShutdownStep::cancel, ShutdownStep::destroy_frames}),
            "shutdown steps 2 (cancel), 4 (destroy frames)");
  EXPECT_EQ(
      asyncl::detail::cite_reordered(ShutdownStep::thread_return, ShutdownStep::destroy_frames),
      "shutdown step 6 (return) before step 4 (destroy frames)");
}

}  // namespace
