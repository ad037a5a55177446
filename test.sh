#!/usr/bin/env bash
# Runs every test: installs the npm MCP clients the end-to-end tests drive, then the .NET suites.
# Ends with one line "tests: N passed, N failed, N skipped"; exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")"

for tool in dotnet node npm bash curl; do
  command -v "$tool" >/dev/null || { echo "test.sh: '$tool' is missing; install it first" >&2; exit 1; }
done

echo "== npm clients (tests/clients)"
(cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)

echo "== dotnet tools (PowerShell, for the shell tests)"
dotnet tool restore >/dev/null || echo "test.sh: 'dotnet tool restore' failed; the pwsh tests will skip" >&2

# The snippet tests run in every shell they find; say up front which will skip, and why.
for shell in zsh dash fish wine; do
  command -v "$shell" >/dev/null \
    || echo "test.sh: '$shell' is not installed: its shell tests will skip (apt-get install $shell; CI fails instead)" >&2
done

echo "== dotnet test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test SecretMcp.sln --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for people and CI, summed over the test projects.
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(/,/, ""); for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s; if (p == 0) exit 1 }' "$log" || status=1
exit "$status"
