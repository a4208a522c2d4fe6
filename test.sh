#!/usr/bin/env bash
# The one test command: installs what the tests need (idempotently), builds every project in
# nf.Certs.sln (which includes the nanoFramework portability check), runs every test, and ends by
# printing the totals as one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# Debian packages the tests use: openssl (reference output for certificate parsing, CSR checks),
# ca-certificates (the real Baltimore and DigiCert roots), freeradius and eapoltest (real EAP-TLS
# over RADIUS on 127.0.0.1).
packages=(openssl ca-certificates freeradius eapoltest)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "test.sh: could not install ${missing[*]}"; echo "0 passed, 1 failed"; exit 1; }
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
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$assemblies" -eq 0 ]; then failed=$((failed + 1)); fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
