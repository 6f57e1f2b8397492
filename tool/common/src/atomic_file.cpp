#include "tool_common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "tool_common/errors.hpp"

namespace asyncl::tool {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& reason) {
  throw EnvironmentError("cannot write " + path.string() + ": " + reason);
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
  return path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
}

// Creates an empty, uniquely named temp file next to `path`; returns its descriptor.
int create_temp(const std::filesystem::path& path, std::string& temp_name) {
  temp_name = (directory_of(path) / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buffer(temp_name.begin(), temp_name.end());
  buffer.push_back('\0');
  const int fd = ::mkostemp(buffer.data(), O_CLOEXEC);
  if (fd < 0) fail(path, std::strerror(errno));
  temp_name = buffer.data();
  return fd;
}

void validate_destination(const std::filesystem::path& path) {
  if (path.empty() || !path.has_filename()) fail(path, "not a file name");
  std::error_code error;
  const std::filesystem::path directory = directory_of(path);
  if (!std::filesystem::is_directory(directory, error)) {
    fail(path, "directory " + directory.string() + " does not exist");
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  validate_destination(path);
  std::string temp_name;
  const int fd = create_temp(path, temp_name);
  std::string error;
  std::size_t written = 0;
  while (error.empty() && written < content.size()) {
    const ssize_t count = ::write(fd, content.data() + written, content.size() - written);
    if (count < 0 && errno != EINTR) error = std::strerror(errno);
    if (count > 0) written += static_cast<std::size_t>(count);
  }
  if (error.empty() && ::fchmod(fd, 0644) != 0) error = std::strerror(errno);
  if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);
  if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
  if (error.empty() && ::rename(temp_name.c_str(), path.c_str()) != 0) error = std::strerror(errno);
  if (!error.empty()) {
    ::unlink(temp_name.c_str());
    fail(path, error);
  }
  const int directory = ::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory >= 0) {
    ::fsync(directory);  // makes the rename durable; the file is complete either way
    ::close(directory);
  }
}

void check_writable(const std::filesystem::path& path) {
  validate_destination(path);
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) fail(path, "it is a directory");
  std::string temp_name;
  const int fd = create_temp(path, temp_name);
  ::close(fd);
  ::unlink(temp_name.c_str());
}

}  // namespace asyncl::tool
