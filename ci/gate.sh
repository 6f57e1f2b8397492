#!/usr/bin/env bash
# ci/gate.sh JOB [ARGS]: one job of asyncl's CI gate. .github/workflows/verify.yml runs nothing
# else, so `ci/gate.sh tsan` on a laptop does what the CI job does. Every job installs what is
# missing first (ci/install-deps.sh), prints each command before it runs it, writes its reports
# to results/ and exits non-zero when the gate should fail.
#
#   unit [COMPILER]             configure, build and ctest the release build; COMPILER is g++
#                               (default), g++-N, clang-14, clang-19 or clang-N; JUnit in
#                               results/junit-unit-COMPILER.xml
#   tsan|asan [COMPILER] [-- ARGS]
#                               build the flavor's scenarios (COMPILER: g++ default, or clang-19,
#                               g++-N, clang-N) and run `asyncl-verify run --flavor F`, writing
#                               results/verify-F[-COMPILER][-shard-I-of-N].json and junit-….xml;
#                               ARGS go to asyncl-verify run (e.g. -- --iterations 50)
#   relacy [-- ARGS]            the same for the Relacy models (relacy preset)
#   doctor [COMPILER] [-- ARGS] asyncl-verify doctor --json results/doctor.json: builds and runs
#                               the toolchain probe with COMPILER, or with every g++ and clang++
#                               on PATH
#   bench [-- ARGS]             asyncl-bench compare --json results/bench.json --html results/bench.html
#   workflow-check              the workflow validators (make workflow-check: Node.js and npm,
#                               installed by ci/install-deps.sh workflow-check)
#   merge [FLAVOR [COMPILER]]   asyncl-verify merge of the shard reports
#                               results/verify-FLAVOR[-COMPILER]-shard-*-of-N.json into
#                               results/verify.json (asyncl-verify refuses an incomplete set)
#
# Environment:
#   SHARD=I/N        tsan, asan, relacy: run only shard I of N (asyncl-verify run --shard I/N)
#   JOBS=2           build parallelism
#   ASYNCL_MMAP_RND_BITS=28
#                    tsan and asan: first lower the kernel's vm.mmap_rnd_bits to this (needs
#                    root; the workflow sets it in its privileged containers). Never done unless
#                    asked. Independently, these jobs run under `setarch -R` (no ASLR for the
#                    process tree) wherever the kernel allows it. See docs/hazards.md.
#
# Exit codes: those of the failing command (asyncl-verify: 1 = a scenario failed or a mutant
# survived, 2 = usage or environment); 2 for a usage error of this script.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

JOBS=${JOBS:-2}
RESULTS=results
USAGE="usage: ci/gate.sh unit [COMPILER] | tsan [COMPILER] [-- ARGS] | asan [COMPILER] [-- ARGS] | relacy [-- ARGS] | doctor [COMPILER] [-- ARGS] | bench [-- ARGS] | merge [FLAVOR [COMPILER]] | workflow-check  (env SHARD=I/N, JOBS=N)"

usage() {
  [[ $# -gt 0 ]] && echo "gate: $*" >&2
  echo "$USAGE" >&2
  exit 2
}

# Prints a command, then runs it.
run() {
  echo "gate: $(printf '%q ' "$@")"
  "$@"
}

# --- Compilers and build trees ---------------------------------------------------------------

# The C++ compiler executable for a compiler name: g++, g++-N, clang (clang++), clang-N (clang++-N).
compiler_executable() {
  case "$1" in
    g++ | g++-[0-9]*) echo "$1" ;;
    clang) echo clang++ ;;
    clang-[0-9]*) echo "clang++-${1#clang-}" ;;
    *) return 1 ;;
  esac
}

valid_compiler_name() {
  [[ "$1" =~ ^(g\+\+|clang)(-[0-9]+)?$ ]]
}

# g++ major version of `c++` when `c++` is g++, else empty.
default_gxx_major() {
  if c++ --version 2>/dev/null | head -n1 | grep -q '^c++ ([^)]*) '; then
    c++ -dumpversion 2>/dev/null | cut -d. -f1
  fi
}

require_compiler() {
  local executable
  executable=$(compiler_executable "$1")
  if ! command -v "$executable" >/dev/null 2>&1; then
    echo "gate: compiler $executable (for '$1') is not installed" >&2
    exit 2
  fi
}

# configure_and_build PRESET BUILD_DIR COMPILER TARGET...: the preset's own tree when BUILD_DIR is
# the preset's binaryDir, else the preset's settings in BUILD_DIR with CMAKE_CXX_COMPILER set.
configure_and_build() {
  local preset=$1 dir=$2 compiler=$3
  shift 3
  local targets=() target
  for target in "$@"; do targets+=(--target "$target"); done
  if [[ "$dir" == "build/$preset" ]]; then
    run cmake --preset "$preset"
    run cmake --build --preset "$preset" -j"$JOBS" "${targets[@]}"
  else
    run cmake --preset "$preset" -B "$dir" -DCMAKE_CXX_COMPILER="$(compiler_executable "$compiler")"
    run cmake --build "$dir" -j"$JOBS" "${targets[@]}"
  fi
}

# --- Sanitizer environment -------------------------------------------------------------------

NO_ASLR=()

prepare_sanitizers() {
  local wanted=${ASYNCL_MMAP_RND_BITS:-}
  local knob=/proc/sys/vm/mmap_rnd_bits
  if [[ -n "$wanted" ]]; then
    local current
    if current=$(cat "$knob" 2>/dev/null) && ((current > wanted)); then
      echo "gate: lowering vm.mmap_rnd_bits from $current to $wanted (ASYNCL_MMAP_RND_BITS)"
      if ! (echo "$wanted" >"$knob") 2>/dev/null; then
        echo "gate: warning: cannot write $knob here (needs root on the host or a privileged container)" >&2
      fi
    fi
  fi
  echo "gate: vm.mmap_rnd_bits is $(cat "$knob" 2>/dev/null || echo unknown)"
  if setarch "$(uname -m)" -R true >/dev/null 2>&1; then
    NO_ASLR=(setarch "$(uname -m)" -R)
    echo "gate: sanitizer runs go through setarch -R (ASLR off)"
  else
    echo "gate: setarch -R is not permitted here; sanitizer runs keep ASLR on"
  fi
}

# --- Tools -----------------------------------------------------------------------------------

VERIFY=build/release/tool/verify/asyncl-verify
BENCH=build/release/tool/bench/asyncl-bench

build_verify_tool() {
  configure_and_build release build/release g++ asyncl-verify
}

# SHARD (I/N) → "--shard I/N" and a file-name suffix.
SHARD_ARGS=()
SHARD_SUFFIX=""
read_shard() {
  local shard=${SHARD:-}
  [[ -z "$shard" ]] && return 0
  if [[ ! "$shard" =~ ^([1-9][0-9]*)/([1-9][0-9]*)$ ]] ||
    ((BASH_REMATCH[1] > BASH_REMATCH[2])); then
    usage "SHARD must be I/N with 1 <= I <= N, not '$shard'"
  fi
  SHARD_ARGS=(--shard "$shard")
  SHARD_SUFFIX="-shard-${BASH_REMATCH[1]}-of-${BASH_REMATCH[2]}"
}

# --- Jobs ------------------------------------------------------------------------------------

job_unit() {
  local compiler=${1:-g++}
  [[ $# -le 1 ]] || usage "unit takes one compiler"
  valid_compiler_name "$compiler" || usage "unknown compiler '$compiler'"
  local preset="" dir
  case "$compiler" in
    g++) preset=release ;;
    g++-*) [[ "$(default_gxx_major)" == "${compiler#g++-}" ]] && preset=release ;;
    clang-14) preset=release-clang14 ;;
    clang-19) preset=release-clang19 ;;
  esac
  run ci/install-deps.sh
  require_compiler "$compiler"
  mkdir -p "$RESULTS"
  local junit="$PWD/$RESULTS/junit-unit-$compiler.xml"
  if [[ -n "$preset" ]]; then
    configure_and_build "$preset" "build/$preset" "$compiler"
    run ctest --preset "$preset" --output-junit "$junit"
  else
    dir="build/release-$compiler"
    configure_and_build release "$dir" "$compiler"
    run ctest --test-dir "$dir" --output-on-failure --timeout 300 -j"$JOBS" --no-tests=error \
      --output-junit "$junit"
  fi
}

# job_verify FLAVOR [COMPILER] [-- ARGS]
job_verify() {
  local flavor=$1
  shift
  local compiler=g++
  if [[ $# -gt 0 && "$1" != "--" ]]; then
    compiler=$1
    shift
  fi
  if [[ $# -gt 0 ]]; then
    [[ "$1" == "--" ]] || usage "unexpected argument '$1' (pass arguments for asyncl-verify after --)"
    shift
  fi
  valid_compiler_name "$compiler" || usage "unknown compiler '$compiler'"
  [[ "$flavor" != relacy || "$compiler" == g++ ]] || usage "relacy builds with the relacy preset's compiler"
  read_shard

  # The default compiler uses the preset's own tree build/F; another one build/COMPILER/F, which
  # asyncl-verify finds with --build-dir build/COMPILER.
  local build_root=build name_suffix=""
  if [[ "$compiler" != g++ ]]; then
    build_root="build/$compiler"
    name_suffix="-$compiler"
  fi
  local target=asyncl-scenarios
  [[ "$flavor" == relacy ]] && target=asyncl-models

  run ci/install-deps.sh
  require_compiler "$compiler"
  [[ "$flavor" == relacy ]] || prepare_sanitizers
  build_verify_tool
  configure_and_build "$flavor" "$build_root/$flavor" "$compiler" "$target"

  mkdir -p "$RESULTS"
  local args=(run --flavor "$flavor"
    --json "$RESULTS/verify-$flavor$name_suffix$SHARD_SUFFIX.json"
    --junit "$RESULTS/junit-$flavor$name_suffix$SHARD_SUFFIX.xml")
  [[ "$build_root" == build ]] || args+=(--build-dir "$build_root")
  args+=("${SHARD_ARGS[@]}" "$@")
  run "${NO_ASLR[@]}" "$VERIFY" "${args[@]}"
}

# job_doctor [COMPILER] [-- ARGS]: asyncl-verify doctor builds the toolchain probe itself with
# each compiler (default: every g++ and clang++ on PATH), unsanitized, so it needs no ASLR care.
job_doctor() {
  local args=(doctor --json "$RESULTS/doctor.json")
  if [[ $# -gt 0 && "$1" != "--" ]]; then
    valid_compiler_name "$1" || usage "unknown compiler '$1'"
    args+=(--compiler "$(compiler_executable "$1")")
    shift
  fi
  if [[ $# -gt 0 ]]; then
    [[ "$1" == "--" ]] || usage "unexpected argument '$1' (pass arguments for asyncl-verify after --)"
    shift
  fi
  run ci/install-deps.sh
  build_verify_tool
  mkdir -p "$RESULTS"
  run "$VERIFY" "${args[@]}" "$@"
}

job_bench() {
  if [[ $# -gt 0 ]]; then
    [[ "$1" == "--" ]] || usage "unexpected argument '$1' (pass arguments for asyncl-bench after --)"
    shift
  fi
  run ci/install-deps.sh
  configure_and_build release build/release g++ asyncl-bench
  mkdir -p "$RESULTS"
  run "$BENCH" compare --json "$RESULTS/bench.json" --html "$RESULTS/bench.html" "$@"
}

job_merge() {
  [[ $# -le 2 ]] || usage "merge takes at most a flavor and a compiler"
  local flavor=${1:-} compiler=${2:-g++}
  [[ -z "$flavor" || "$flavor" =~ ^(tsan|asan|relacy)$ ]] || usage "unknown flavor '$flavor'"
  valid_compiler_name "$compiler" || usage "unknown compiler '$compiler'"
  local prefix="verify-*"
  if [[ -n "$flavor" ]]; then
    prefix="verify-$flavor"
    [[ "$compiler" == g++ ]] || prefix+="-$compiler"
  fi

  # asyncl-verify merge refuses an incomplete set (a missing or repeated shard, mixed splits,
  # seeds or revisions): a lost shard must not pass as a green merge.
  local files=()
  shopt -s nullglob
  # shellcheck disable=SC2206 # $prefix may hold a * of its own
  files=("$RESULTS"/$prefix-shard-*-of-*.json)
  shopt -u nullglob
  if [[ ${#files[@]} -eq 0 ]]; then
    echo "gate: no shard reports $RESULTS/$prefix-shard-I-of-N.json to merge (run the jobs with SHARD=I/N)" >&2
    exit 1
  fi

  run ci/install-deps.sh
  build_verify_tool
  run "$VERIFY" merge "${files[@]}" --json "$RESULTS/verify.json"
}

job_workflow_check() {
  [[ $# -eq 0 ]] || usage "workflow-check takes no arguments"
  run ci/install-deps.sh workflow-check
  run ci/workflow-check/check.sh
}

[[ $# -ge 1 ]] || usage
[[ -z "${ASYNCL_MMAP_RND_BITS:-}" || "$ASYNCL_MMAP_RND_BITS" =~ ^[0-9]+$ ]] ||
  usage "ASYNCL_MMAP_RND_BITS must be a number, not '$ASYNCL_MMAP_RND_BITS'"
job=$1
shift
case "$job" in
  unit) job_unit "$@" ;;
  tsan | asan | relacy) job_verify "$job" "$@" ;;
  doctor) job_doctor "$@" ;;
  bench) job_bench "$@" ;;
  merge) job_merge "$@" ;;
  workflow-check) job_workflow_check "$@" ;;
  -h | --help | help)
    echo "$USAGE"
    exit 0
    ;;
  *) usage "unknown job '$job'" ;;
esac
