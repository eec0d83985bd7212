#!/bin/sh
# bench/run.sh — `make bench`: installs the benchmark tools, then runs every bench/<area>.sh
# in name order. Each prints its own figures; a failing one is reported and the others still
# run. See bench/README.md for the convention. Not tests: nothing here passes or fails on a
# figure, only on a benchmark that could not run.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh bench >/dev/null
[ -x build/remit ] || make -s build/remit

echo "remit bench — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)'),"\
     "$(nproc) CPUs, $(uname -sr)"
failed=""
for script in bench/*.sh; do
    case $script in bench/run.sh | bench/lib.sh) continue ;; esac
    name=$(basename "$script" .sh)
    echo
    echo "== $name"
    if ! sh "$script"; then
        echo "== $name: the benchmark could not run"
        failed="$failed $name"
    fi
done
echo
if [ -n "$failed" ]; then
    echo "bench: failed:$failed"
    exit 1
fi
echo "bench: done"
