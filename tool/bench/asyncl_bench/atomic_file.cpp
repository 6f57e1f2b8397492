#include "asyncl_bench/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "asyncl_bench/arguments.hpp"

namespace asyncl::bench {
namespace {

std::filesystem::path directory_of(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

// An open temporary file beside a target; removed on destruction unless released.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::filesystem::path& target) {
    // Appending instead of `"." + name + ".XXXXXX"`: g++ 12 at -O3 reports a false -Wrestrict
    // on that concatenation (GCC bug 105651).
    std::string name = ".";
    name += target.filename().string();
    name += ".XXXXXX";
    const std::string pattern = (directory_of(target) / name).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    descriptor_ = ::mkstemp(buffer.data());
    if (descriptor_ < 0) {
      error_ = errno;
      return;
    }
    path_ = buffer.data();
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  ~TemporaryFile() {
    if (descriptor_ >= 0) ::close(descriptor_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  bool is_open() const { return descriptor_ >= 0; }
  int error() const { return error_; }
  int descriptor() const { return descriptor_; }
  const std::string& path() const { return path_; }

  // Closes the file; returns 0 or an errno value.
  int close() {
    const int result = ::close(descriptor_);
    descriptor_ = -1;
    return result == 0 ? 0 : errno;
  }
  // The file now has another name (or is meant to be removed by the caller): forget it.
  void release() { path_.clear(); }

 private:
  int descriptor_ = -1;
  int error_ = 0;
  std::string path_;
};

std::string reason(int error) { return std::generic_category().message(error); }

int write_all(int descriptor, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(descriptor, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

}  // namespace

void ensure_writable(const std::filesystem::path& path) {
  if (path.empty()) throw UsageError("an output file name is empty");
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw UsageError("cannot write '" + path.string() + "': it is a directory");
  }
  const std::filesystem::path directory = directory_of(path);
  std::filesystem::create_directories(directory, error);
  if (error) {
    throw UsageError("cannot write '" + path.string() + "': cannot create directory '" +
                     directory.string() + "': " + error.message());
  }
  TemporaryFile probe(path);
  if (!probe.is_open()) {
    throw UsageError("cannot write '" + path.string() + "': " + reason(probe.error()));
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  const auto fail = [&](int error) {
    throw std::runtime_error("cannot write '" + path.string() + "': " + reason(error));
  };
  TemporaryFile file(path);
  if (!file.is_open()) fail(file.error());
  // mkstemp creates the file readable by its owner only; a report is an ordinary file.
  if (::fchmod(file.descriptor(), 0644) != 0) fail(errno);
  if (const int error = write_all(file.descriptor(), content); error != 0) fail(error);
  if (::fsync(file.descriptor()) != 0) fail(errno);
  if (const int error = file.close(); error != 0) fail(error);
  if (::rename(file.path().c_str(), path.c_str()) != 0) fail(errno);
  file.release();
}

}  // namespace asyncl::bench
