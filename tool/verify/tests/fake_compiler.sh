#!/bin/sh
# A fake C++ compiler for the tests of `asyncl-verify doctor`; the tests copy it under several
# names, and the name decides what it does:
#   NAME --version      prints "fake NAME version N.0.0" (N from NAME-N)
#   *-98 (g++-98)       fails every build with a compile error naming the first source file
#   any other name      "builds" the probe: writes to -o a script that prints the toolchain
#                       probe's result line; the raw thread_local address is lost at -O2 (like
#                       clang 14), the library's accessor survives unless the environment
#                       variable FAKE_DOCTOR_LIBRARY_FAILS is this compiler's name
PATH=/usr/bin:/bin
name=$(basename "$0")
if [ "$1" = "--version" ]; then
  echo "fake $name version ${name##*-}.0.0"
  exit 0
fi
output=
level=
source=
previous=
for argument in "$@"; do
  [ "$previous" = "-o" ] && output=$argument
  case "$argument" in
    -O*) level=$argument ;;
    *.cpp) [ -z "$source" ] && source=$argument ;;
  esac
  previous=$argument
done
case "$name" in
  *-98)
    echo "$source:1:1: error: 'co_await' cannot be used here (fake)" >&2
    echo "compilation terminated." >&2
    exit 1
    ;;
esac
raw=true
[ "$level" = "-O2" ] && raw=false
library=true
verdict=pass
failures=
code=0
if [ "${FAKE_DOCTOR_LIBRARY_FAILS:-}" = "$name" ]; then
  library=false
  verdict=fail
  failures="\"barrier mode: the library's accessor denoted another thread's object (fake)\""
  code=3
fi
line="{\"scenario\":\"toolchain-probe\",\"iterations\":3,\"seed\":1,\"mode\":\"all\",\"verdict\":\"$verdict\",\"failures\":[$failures],\"detail\":{},\"raw_tls_survives\":$raw,\"library_accessor_survives\":$library}"
{
  echo '#!/bin/sh'
  echo 'PATH=/usr/bin:/bin'
  echo "cat <<'LINE'"
  echo "$line"
  echo "LINE"
  echo "exit $code"
} > "$output"
chmod +x "$output"
