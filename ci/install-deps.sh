#!/usr/bin/env bash
# ci/install-deps.sh [GROUP...]: installs the Debian 12 packages a group of asyncl's jobs needs.
#
#   cpp             (the default) build, tests, verification and benchmarks: compilers, CMake,
#                   GoogleTest, Google Benchmark, CLI11, nlohmann/json, Relacy
#   workflow-check  Node.js and npm, for the workflow validators (`make workflow-check`); not
#                   needed by `make test`, `make verify` or `make bench`
#   peers           the runtimes `asyncl-bench peers` compares asyncl with (`make peers`): Boost
#                   (Asio, header-only), oneTBB, and cargo with Debian's tokio crate and its
#                   dependencies (librust-tokio-dev), so the tokio peer builds offline; not needed
#                   by `make test`, `make verify` or `make bench`
#
# Idempotent: checks each package with dpkg-query and installs only the missing ones; runs
# `apt-get update` only when something is missing. Needs root, or sudo for a normal user.
# Exit 2 for an unknown group or when packages are missing and cannot be installed.
set -euo pipefail

groups=("$@")
[[ ${#groups[@]} -gt 0 ]] || groups=(cpp)

cpp_packages=(
  cmake
  ninja-build
  g++
  clang
  clang-19
  libclang-rt-19-dev
  libgtest-dev
  libbenchmark-dev
  libcli11-dev
  nlohmann-json3-dev
  relacy-dev
)

peers_packages=(
  libboost-dev
  libtbb-dev
  cargo
  librust-tokio-dev
)

missing=()
for group in "${groups[@]}"; do
  case "$group" in
    cpp)
      for package in "${cpp_packages[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
        if [[ "$status" != "installed" ]]; then
          missing+=("$package")
        fi
      done
      ;;
    peers)
      for package in "${peers_packages[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
        if [[ "$status" != "installed" ]]; then
          missing+=("$package")
        fi
      done
      ;;
    workflow-check)
      # Looked up as commands, not packages: a machine may have them from elsewhere (a nodejs
      # package that bundles npm, nvm), and Debian's npm package would then conflict with it.
      command -v node >/dev/null 2>&1 || missing+=(nodejs)
      command -v npm >/dev/null 2>&1 || missing+=(npm)
      ;;
    *)
      echo "install-deps: unknown group '$group' (groups: cpp, workflow-check, peers)" >&2
      exit 2
      ;;
  esac
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all dependencies present"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run this script as root, or install sudo, to install them" >&2
  exit 2
fi

# `env` so the setting also survives sudo's environment reset.
apt_get=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)

echo "install-deps: installing ${missing[*]}"
"${apt_get[@]}" update
"${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"
