# asyncl entry points. Each works on a fresh Debian 12 machine: `deps` installs what is missing.
#
#   make test     unit, compile-fail and install tests in the release, tsan and asan presets
#                 (C++ only: no Node.js, no network)
#   make workflow-check  validates .github/workflows/verify.yml (ci/workflow-check/check.sh;
#                 needs Node.js and npm, installed by `make deps-workflow-check`)
#   make verify   the main job: build release + tsan + asan + relacy, run asyncl-verify, then the
#                 workload scenario for WORKLOAD_BUDGET seconds per sanitizer flavor
#   make bench    build release, run asyncl-bench
#   make peers    install Boost, oneTBB, cargo and Debian's tokio crate (ci/install-deps.sh peers),
#                 build release, run `asyncl-bench peers` (asyncl against Boost.Asio, oneTBB and
#                 tokio); not part of test or verify
#   make clean    remove every build tree
#
# Per preset (see CMakePresets.json): make configure-P, build-P, test-P, e.g. `make test-debug`.

JOBS ?= 2
PRESETS := release debug tsan asan relacy release-clang14 release-clang19
TEST_PRESETS := release tsan asan
VERIFY_PRESETS := release tsan asan relacy

VERIFY_CMD ?= build/release/tool/verify/asyncl-verify run --flavor tsan,asan,relacy --json results/verify.json
# Generated programs until the budget is spent, per flavor (the workload scenario runs only when
# named; its mutants ran in VERIFY_CMD). 2 x 120 s is meant to keep make verify within 15 minutes
# from a clean clone on two cores, builds included.
WORKLOAD_BUDGET ?= 120
WORKLOAD_CMD ?= build/release/tool/verify/asyncl-verify run workload --no-mutants --flavor tsan,asan \
	--budget $(WORKLOAD_BUDGET) --json results/workload.json
BENCH_CMD ?= build/release/tool/bench/asyncl-bench compare
# Debian's cargo (installed by `deps-peers`) builds the tokio peer, with the rustc beside it.
PEERS_CARGO ?= /usr/bin/cargo
PEERS_CMD ?= build/release/tool/bench/asyncl-bench peers --cargo $(PEERS_CARGO)

# g++ 12 TSan and clang 14 ASan can fail to start on kernels with high ASLR entropy (see
# docs/hazards.md); sanitizer runs go through `setarch -R` (ASLR off) wherever the kernel allows it.
NO_ASLR := $(shell setarch "$$(uname -m)" -R true >/dev/null 2>&1 && echo setarch "$$(uname -m)" -R)
SANITIZER_PRESETS := tsan asan

CONFIGURE_TARGETS := $(addprefix configure-,$(PRESETS))
BUILD_TARGETS := $(addprefix build-,$(PRESETS))
TEST_TARGETS := $(addprefix test-,$(PRESETS))

.PHONY: all deps deps-workflow-check deps-peers test verify bench peers clean workflow-check $(CONFIGURE_TARGETS) $(BUILD_TARGETS) $(TEST_TARGETS)

all: test

deps:
	ci/install-deps.sh cpp

deps-workflow-check:
	ci/install-deps.sh workflow-check

deps-peers:
	ci/install-deps.sh peers

$(CONFIGURE_TARGETS): configure-%: deps
	cmake --preset $*

$(BUILD_TARGETS): build-%: configure-%
	cmake --build --preset $* -j$(JOBS)

$(TEST_TARGETS): test-%: build-%
	$(if $(filter $*,$(SANITIZER_PRESETS)),$(NO_ASLR)) ctest --preset $*

test: $(addprefix test-,$(TEST_PRESETS))

# The CI workflow, checked by two validators from npm (installed into ci/workflow-check/node_modules
# by `npm ci` once), against a deliberately broken copy too. Not part of `make test`: .ci/run and
# the workflow's workflow-check job run it. The same gate runs locally: ci/gate.sh JOB (see
# .github/workflows/verify.yml).
workflow-check: deps-workflow-check
	ci/workflow-check/check.sh

verify: $(addprefix build-,$(VERIFY_PRESETS))
	mkdir -p results
	$(NO_ASLR) $(VERIFY_CMD)
	$(NO_ASLR) $(WORKLOAD_CMD)

bench: build-release
	mkdir -p results
	$(BENCH_CMD)

# Configured again after deps-peers, so that the release tree finds the Boost and oneTBB headers
# installed since it was first configured.
peers: deps deps-peers
	cmake --preset release
	cmake --build --preset release -j$(JOBS) --target asyncl-bench
	mkdir -p results
	$(PEERS_CMD)

clean:
	rm -rf build
