#!/usr/bin/env bash
# Builds and runs the host tests of the ESP32 native interop library (firmware/native/esp32): the Wi-Fi and
# partition glue against the ESP-IDF fake, the key vault against the real mbedTLS 2.28, checked with openssl.
# Installs what it needs (idempotently), builds in build/native (git-ignored), runs ctest and ends with ctest's
# summary and one line "native: N passed, N failed". Exit status: 0 when every test passed.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! tools/apt-ensure.sh cmake g++ make libgtest-dev libmbedtls-dev openssl; then
  echo "native: 0 passed, 1 failed"
  exit 1
fi

build=build/native
mkdir -p build
jobs=$(nproc 2>/dev/null || echo 2)
if ! cmake -S firmware/native/esp32 -B "$build" -DCMAKE_BUILD_TYPE=Debug >"$build.configure.log" 2>&1; then
  cat "$build.configure.log"
  echo "native.sh: cmake configure failed"
  echo "native: 0 passed, 1 failed"
  exit 1
fi
if ! cmake --build "$build" -j "$jobs" >"$build.build.log" 2>&1; then
  cat "$build.build.log"
  echo "native.sh: build failed"
  echo "native: 0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
(cd "$build" && ctest -j "$jobs" --output-on-failure) 2>&1 | tee "$log" | grep -vE '^ *Start |^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed'
status=${PIPESTATUS[0]}

# ctest's summary: "100% tests passed, 0 tests failed out of 44".
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
rm -f "$log"
if [ -z "$summary" ]; then
  echo "native.sh: ctest printed no summary"
  echo "native: 0 passed, 1 failed"
  exit 1
fi
failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
total=$(echo "$summary" | sed -E 's/.* failed out of ([0-9]+).*/\1/')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "native: $((total - failed)) passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
