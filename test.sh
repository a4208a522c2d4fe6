#!/usr/bin/env bash
# The one test command: installs what the tests need (idempotently), builds every project in
# nf.Certs.sln (which includes the nanoFramework portability check), runs every test, and ends by
# printing the totals as one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use: openssl (reference output for certificate parsing, CSR checks),
# ca-certificates (the real Baltimore and DigiCert roots), freeradius and eapoltest (real EAP-TLS
# over RADIUS on 127.0.0.1), faketime (libfaketime: FreeRADIUS and eapol_test on the demo's simulated clock), mosquitto and its clients (an MQTT peer nobody here wrote, against the IoT Hub
# emulator), chromium (opens the demo's HTML report headless), and for the native ESP32 library: cmake, g++,
# GoogleTest, mbedTLS.
if ! tools/apt-ensure.sh openssl ca-certificates freeradius eapoltest faketime mosquitto mosquitto-clients chromium cmake g++ make libgtest-dev libmbedtls-dev; then
  echo "0 passed, 1 failed"
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
config=Release

if ! dotnet build nf.Certs.sln -c "$config" -nologo -v minimal; then
  echo "test.sh: build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
dotnet test nf.Certs.sln -c "$config" --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed:' "$log" | awk -F'[:,]' '
  { f += $2; p += $4; s += $6 } END { printf "%d %d %d\n", p, f, s }')
assemblies=$(grep -cE '^(Passed|Failed)! +- Failed:' "$log")
rm -f "$log"

# The native ESP32 interop library's host tests (CMake + GoogleTest + mbedTLS).
native_log=$(mktemp)
bash tests/native.sh 2>&1 | tee "$native_log"
native_status=${PIPESTATUS[0]}
read -r np nf < <(sed -nE 's/^native: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$native_log" | tail -1)
rm -f "$native_log"
passed=$((passed + ${np:-0}))
failed=$((failed + ${nf:-1}))
if [ "$native_status" -ne 0 ] && [ "${nf:-1}" -eq 0 ]; then failed=$((failed + 1)); fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$assemblies" -eq 0 ]; then failed=$((failed + 1)); fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$status" -eq 0 ] && [ "$native_status" -eq 0 ] && [ "$failed" -eq 0 ]
